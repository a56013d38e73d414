// Issue 18: in the token modes the partner is Jitsi's moderator and Jitsi's lobby admits the
// client. The test stack runs public Jitsi mode (no token secrets), so this test gives the
// browser the token modes' join answer: the real API's answer with a jwt in place of the room
// password (page.route rewrites only that one response). The Jitsi stand-in records every
// command: the partner's page sends toggleLobby once it has joined as moderator, the client's
// page never does and tells the client in plain words that the therapist will let them in.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DESKTOP, PHONE, apiAs, createPair, isoZ, jitsiRecords, launch, login, newPage, requireStack, shot, soonStart } from './lib/harness.mjs';
import { assertNoSeriousA11y } from './lib/flows.mjs';

const skip = requireStack();
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJyb29tIjoiKiJ9.token-mode-stand-in';

/** The join answer of the token modes: a jwt, no room password. */
async function asTokenMode(page, sessionId) {
  await page.route(`**/api/video-sessions/${sessionId}/join`, async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    await route.fulfill({ response, json: { ...body, jwt: TOKEN, password: null } });
  });
}

async function enterRoom(page, user, session, { moderator }) {
  await page.addInitScript((m) => (window.__jitsiStubOptions = { moderator: m }), moderator);
  await asTokenMode(page, session.id);
  await login(page, user);
  await page.goto(`/join/${session.id}`);
  await page.getByTestId('device-ok').waitFor();
  await page.getByRole('button', { name: /^Join now$|Join without camera/ }).click();
  await page.getByTestId('jitsi-stub').waitFor();
  await page.waitForFunction(() => window.__jitsiStub?.last?.joined);
}

describe('Jitsi’s lobby in the token modes', { skip }, () => {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  for (const [label, device] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ]) {
    it(`${label}: the partner’s page turns the lobby on; the client reads that the therapist lets them in`, { timeout: 90_000 }, async () => {
      const pair = createPair(`Lobby ${label}`);
      const partnerApi = await apiAs(pair.partner);
      const session = await partnerApi.post('/api/video-sessions', {
        user_id: pair.client.id,
        title: 'Lobby check',
        session_date: isoZ(soonStart(5)),
        duration_minutes: 50,
        password_enabled: false,
      });
      await partnerApi.dispose();

      const p = await newPage(browser, { device });
      await enterRoom(p.page, pair.partner, session, { moderator: true });
      await p.page.waitForFunction(() => window.__jitsiStub.last.commands.some((c) => c[0] === 'toggleLobby'));
      const pRec = (await jitsiRecords(p.page)).last;
      assert.equal(pRec.jwt, TOKEN, 'the room was given the token');
      assert.deepEqual(
        pRec.commands.filter((c) => c[0] === 'toggleLobby'),
        [['toggleLobby', true]],
        'the moderator turns the lobby on, once',
      );
      assert.equal(pRec.commands.filter((c) => c[0] === 'password').length, 0, 'no room password in the token modes');
      assert.match(await p.page.getByTestId('lobby-line').innerText(), new RegExp(`when ${pair.client.name} knocks, Jitsi asks you to admit them`));

      const c = await newPage(browser, { device, timezoneId: 'America/New_York' });
      await enterRoom(c.page, pair.client, session, { moderator: false });
      const line = c.page.getByTestId('lobby-line');
      await line.waitFor();
      assert.equal(await line.innerText(), `${session.partner.name} will let you in. If the video room shows a waiting screen, keep this page open.`);
      const box = await line.boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= device.viewport.width + 1, `the line fits the screen: ${JSON.stringify(box)}`);
      // give the client's page time to send anything it would send
      await c.page.waitForTimeout(500);
      const cRec = (await jitsiRecords(c.page)).last;
      assert.equal(cRec.jwt, TOKEN);
      assert.equal(cRec.commands.filter((x) => x[0] === 'toggleLobby').length, 0, 'the client’s page never touches the lobby');
      await assertNoSeriousA11y(c.page, `the client's room with the lobby line (${label})`);
      await shot(c.page, `${label}-client-lobby`, { fullPage: false });
      await shot(p.page, `${label}-partner-lobby`, { fullPage: false });
      await c.context.close();
      await p.context.close();
    });
  }
});
