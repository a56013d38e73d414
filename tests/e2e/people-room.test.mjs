// Issue 18, friction 3: a video room that explains itself, as the client meets it. With the
// Jitsi stand-in in its broken modes (never connects, fails) and with external_api.js not
// loading at all, the room says what happened in plain words and offers "Try again", "Test your
// camera and microphone", the room in a new tab and how to reach the other person; "Try again"
// then gets in. A camera and microphone refused by Chromium get Chrome's own steps.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { BASE_URL, DESKTOP, PHONE, apiAs, createPair, isoZ, launch, login, newPage, requireStack, shot, soonStart } from './lib/harness.mjs';
import { assertNoSeriousA11y } from './lib/flows.mjs';

const skip = requireStack();

/** The client, logged in, through the password to the device check of a session open now. */
async function toDeviceCheck(page, client, session, partnerApi) {
  await partnerApi.post(`/api/video-sessions/${session.id}/join`); // public mode: the partner is in the room
  await login(page, client);
  await page.goto(`/join/${session.id}`);
  // a client who passed the password before is not asked again (the server remembers it)
  const devices = page.getByRole('heading', { name: 'Camera and microphone' });
  await page.getByLabel('Session password').or(devices).first().waitFor();
  if (await page.getByLabel('Session password').count()) {
    await page.getByLabel('Session password').fill(session.password);
    await page.getByRole('button', { name: 'Continue' }).click();
  }
  await devices.waitFor();
}

describe('the room explains itself', { skip }, () => {
  let browser;
  let pair;
  let partnerApi;
  let session;
  before(async () => {
    browser = await launch();
    pair = createPair('Room');
    partnerApi = await apiAs(pair.partner);
    session = await partnerApi.post('/api/video-sessions', {
      user_id: pair.client.id,
      title: 'Room check',
      session_date: isoZ(soonStart(5)),
      duration_minutes: 50,
    });
  });
  after(async () => {
    await partnerApi?.dispose();
    await browser?.close();
  });

  for (const [label, device, mode] of [
    ['desktop', DESKTOP, 'never'],
    ['phone', PHONE, 'fail'],
  ]) {
    it(`${label}: a room that ${mode === 'never' ? 'never connects says so at 20 s, not before' : 'fails says so at once'}, and “Try again” gets in`, { timeout: 90_000 }, async () => {
      const { page, context } = await newPage(browser, { device });
      // The page's clock is Playwright's: it runs in real time, and the test moves it over the
      // 20 s watchdog instead of waiting for it.
      await context.clock.install();
      await context.addInitScript((m) => (window.__jitsiStubOptions = { mode: m }), mode);
      await toDeviceCheck(page, pair.client, session, partnerApi);
      const clicked = Date.now();
      await page.getByRole('button', { name: /^Join now$|Join without camera/ }).click();
      await page.getByTestId('jitsi-stub').waitFor();
      const help = page.getByTestId('room-help');
      if (mode === 'never') {
        await page.clock.runFor(19_000);
        assert.equal(await help.count(), 0, 'no help before the 20 s are up');
        await page.clock.runFor(1_500);
        await help.waitFor({ timeout: 5_000 });
      } else {
        await help.waitFor({ timeout: 10_000 });
        const waited = Date.now() - clicked;
        assert.ok(waited < 10_000, `a failure is explained at once, not after ${waited} ms`);
      }
      const title = mode === 'never' ? 'The video room is not connecting' : 'The video room refused the connection';
      await help.getByRole('heading', { name: title }).waitFor();
      await help.getByRole('button', { name: 'Try again' }).waitFor();
      await help.getByRole('button', { name: 'Test your camera and microphone' }).waitFor();
      const link = help.getByRole('link', { name: 'Open the room in a new tab' });
      const href = await link.getAttribute('href');
      const rec = await page.evaluate(() => window.__jitsiStub.last);
      assert.ok(href.startsWith(`https://${rec.domain}/${rec.roomName}`), href);
      assert.equal(await link.getAttribute('target'), '_blank');
      assert.match(await help.getByTestId('room-help-contact').innerText(), new RegExp(`Let ${session.partner.name}`));
      await assertNoSeriousA11y(page, `the room's help (${label})`);
      await shot(page, `${label}-room-help`, { fullPage: false });

      // the devices can be tested from here
      await help.getByRole('button', { name: 'Test your camera and microphone' }).click();
      await help.getByTestId('device-ok').waitFor();

      // and once the network is back, "Try again" gets in
      await page.evaluate(() => (window.__jitsiStubOptions = {}));
      await help.getByRole('button', { name: 'Try again' }).first().click();
      await page.waitForFunction(() => window.__jitsiStub?.last?.joined, null, { timeout: 10_000 });
      await page.getByTestId('room-help').waitFor({ state: 'detached' });
      await context.close();
    });
  }

  it('desktop: when the video service does not load at all, the room says so at 20 s, not before', { timeout: 90_000 }, async () => {
    const { page, context } = await newPage(browser);
    await context.clock.install();
    await context.route('**/external_api.js', (route) => route.abort('connectionrefused'));
    await toDeviceCheck(page, pair.client, session, partnerApi);
    await page.getByRole('button', { name: /^Join now$|Join without camera/ }).click();
    await page.getByTestId('meeting-frame').waitFor({ state: 'attached' });
    const help = page.getByTestId('room-help');
    await page.clock.runFor(19_000);
    assert.equal(await help.count(), 0, 'no help before the 20 s are up');
    await page.clock.runFor(1_500);
    await help.waitFor({ timeout: 5_000 });
    await help.getByRole('heading', { name: 'The video service did not load' }).waitFor();
    assert.match(await help.innerText(), /blocks video calls|content blocker/);
    await context.close();
  });
});

describe('camera and microphone refused in Chromium', { skip }, () => {
  let browser;
  let pair;
  let partnerApi;
  let session;
  before(async () => {
    // Without --use-fake-ui-for-media-stream and with prompts denied: what a person who
    // pressed "Block" gets.
    browser = await chromium.launch({
      executablePath: process.env.VSESSION_CHROMIUM || '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--use-fake-device-for-media-stream', '--deny-permission-prompts'],
    });
    pair = createPair('Denied');
    partnerApi = await apiAs(pair.partner);
    session = await partnerApi.post('/api/video-sessions', {
      user_id: pair.client.id,
      title: 'Denied check',
      session_date: isoZ(soonStart(5)),
      duration_minutes: 30,
    });
  });
  after(async () => {
    await partnerApi?.dispose();
    await browser?.close();
  });

  for (const [label, device] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ]) {
    it(`${label}: the device check gives Chrome’s own steps, and the room says the camera is blocked`, { timeout: 60_000 }, async () => {
      const context = await browser.newContext({ ...device, baseURL: BASE_URL, ignoreHTTPSErrors: true, locale: 'en-GB', timezoneId: 'America/New_York' });
      const page = await context.newPage();
      await toDeviceCheck(page, pair.client, session, partnerApi);
      const problem = page.getByTestId('device-problem');
      await problem.waitFor();
      const text = await problem.innerText();
      assert.match(text, /Camera and microphone are blocked in Chrome/);
      assert.match(text, label === 'phone' ? /Site settings|Permissions/ : /Privacy and security › Site settings/);
      await assertNoSeriousA11y(page, `the denied device check (${label})`);
      await shot(page, `${label}-camera-denied`);

      await context.addInitScript(() => (window.__jitsiStubOptions = { mode: 'cameraDenied' }));
      await page.evaluate(() => (window.__jitsiStubOptions = { mode: 'cameraDenied' }));
      await page.getByRole('button', { name: 'Join without camera and microphone' }).click();
      const banner = page.getByTestId('room-device-problem');
      await banner.waitFor({ timeout: 10_000 });
      assert.match(await banner.innerText(), /Your camera is blocked, so the other person cannot see you/);
      await context.close();
    });
  }
});
