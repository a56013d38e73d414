// Issue 18: our waiting room in public Jitsi mode (the mode this stack runs), two browsers. The
// client, ready before their therapist, is held: "Dr … will let you in shortly". The partner
// opens the session: "Dr … is here". The partner enters the room: the client's room opens by
// itself, the same room. The held page's beat is shortened to 1 s through lib/timing.js
// (window.__vsessionTiming), so nothing here waits for the real 5 s. Desktop and phone.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DESKTOP, PHONE, apiAs, createPair, isoZ, jitsiRecords, launch, login, newPage, requireStack, shot, soonStart } from './lib/harness.mjs';
import { assertNoSeriousA11y } from './lib/flows.mjs';

const skip = requireStack();

describe('our waiting room (public Jitsi mode)', { skip }, () => {
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
    it(`${label}: the client waits for the partner, and the room opens by itself when the partner enters it`, { timeout: 90_000 }, async () => {
      const pair = createPair(`Waiting ${label}`);
      const partnerApi = await apiAs(pair.partner);
      const session = await partnerApi.post('/api/video-sessions', {
        user_id: pair.client.id,
        title: 'Weekly session',
        session_date: isoZ(soonStart(3)),
        duration_minutes: 50,
        password_enabled: false,
      });
      await partnerApi.dispose();
      const partner = await newPage(browser, { device });
      const client = await newPage(browser, { device, timezoneId: 'America/New_York' });
      await client.context.addInitScript(() => (window.__vsessionTiming = { waitingBeatMs: 1000 }));
      await login(partner.page, pair.partner);
      await login(client.page, pair.client);

      // the client is ready first: held in our waiting room, no room handed out
      await client.page.goto(`/join/${session.id}`);
      await client.page.getByTestId('device-ok').waitFor();
      const held = client.page.waitForResponse((r) => r.url().endsWith(`/api/video-sessions/${session.id}/join`));
      await client.page.getByRole('button', { name: 'Join now' }).click();
      const heldRes = await held;
      assert.equal(heldRes.status(), 202);
      assert.equal((await heldRes.json()).room, undefined, 'a held join hands out no room');
      await client.page.getByRole('heading', { name: 'You are in the waiting room' }).waitFor();
      const status = client.page.getByTestId('waiting-room-status');
      assert.match(await status.innerText(), new RegExp(`${pair.partner.name} will let you in shortly`));
      assert.equal(await client.page.getByTestId('jitsi-stub').count(), 0);
      await assertNoSeriousA11y(client.page, `the waiting room (${label})`);
      await shot(client.page, `${label}-client-waiting-room`);

      // the partner opens the session: the client is told they are here
      await partner.page.goto(`/join/${session.id}`);
      await partner.page.getByTestId('device-ok').waitFor();
      await status.getByText(`${pair.partner.name} is here and will let you in in a moment.`).waitFor({ timeout: 10_000 });
      await shot(client.page, `${label}-client-waiting-room-partner-here`);

      // the partner enters the room: the client's room opens by itself, the same room
      const t0 = Date.now();
      await partner.page.getByRole('button', { name: 'Join now' }).click();
      await partner.page.waitForFunction(() => window.__jitsiStub?.last?.joined);
      await client.page.waitForFunction(() => window.__jitsiStub?.last?.joined, null, { timeout: 10_000 });
      const openedIn = Date.now() - t0;
      const p = (await jitsiRecords(partner.page)).last;
      const c = (await jitsiRecords(client.page)).last;
      assert.equal(c.roomName, p.roomName, 'partner and client are in the same room');
      assert.equal(c.displayName, pair.client.name);
      console.log(`# waiting room (${label}): the client's room opened ${openedIn} ms after the partner pressed Join now`);
      await partner.context.close();
      await client.context.close();
    });
  }
});
