// Issue 18, frictions 2, 4 and 7 as a guest and a client meet them: the guest page names the
// session, the therapist and the start in the guest's own zone (never a raw ISO string) and
// says the session needs its password; a wrong password says how many tries are left; a pasted
// "345 427" keeps all six digits; a verified client is not asked again after a reload; someone
// logged out who follows a join link is told they are logging in to join, and comes back.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BASE_URL, DESKTOP, PHONE, apiAs, createPair, isoZ, launch, login, newPage, requireStack, shot, soonStart, wallClock } from './lib/harness.mjs';
import { assertNoSeriousA11y } from './lib/flows.mjs';

const skip = requireStack();
const spaced = (pw) => `${pw.slice(0, 3)} ${pw.slice(3)}`;
const wrongFor = (pw) => (pw === '000000' ? '111111' : '000000');

describe('the guest page and the password step', { skip }, () => {
  let browser;
  let pair;
  let partnerApi;
  let session;
  let startMs;
  before(async () => {
    browser = await launch();
    pair = createPair('Guest page');
    partnerApi = await apiAs(pair.partner);
    startMs = soonStart(6);
    session = await partnerApi.post('/api/video-sessions', {
      user_id: pair.client.id,
      title: 'Progress review',
      session_date: isoZ(startMs),
      duration_minutes: 50,
    });
  });
  after(async () => {
    await partnerApi?.dispose();
    await browser?.close();
  });

  for (const [label, device, zone] of [
    ['desktop', DESKTOP, 'America/New_York'],
    ['phone', PHONE, 'Asia/Tokyo'],
  ]) {
    it(`${label}: a guest sees title, therapist and start in their own zone, tries left, and a pasted password works`, { timeout: 60_000 }, async () => {
      const inv = await partnerApi.post(`/api/video-sessions/${session.id}/invite`);
      const u = new URL(inv.invite_url);
      const { page, context } = await newPage(browser, { device, timezoneId: zone });
      await page.goto(`${BASE_URL}${u.pathname}${u.search}`);
      await page.getByTestId('guest-title').waitFor();
      assert.equal(await page.getByTestId('guest-title').innerText(), 'Progress review');
      await page.getByText(pair.partner.name).waitFor();
      const when = await page.getByTestId('guest-when').innerText();
      const local = wallClock(startMs, zone);
      assert.ok(when.includes(`${local.time}–`) && when.includes(`(${zone})`), `start in the guest's zone: ${when}`);
      assert.equal(when.split(local.time).length, 2, `the start is shown once: ${when}`);
      assert.ok(!/\d{4}-\d{2}-\d{2}T/.test(await page.locator('main').innerText()), 'no raw ISO time on the page');
      await page.getByText('This session needs the 6-digit code from your invitation.').waitFor();
      await assertNoSeriousA11y(page, `the guest page (${label})`);

      await page.getByLabel('Your name').fill('Gina Guest');
      await page.getByLabel('Session password').fill(wrongFor(session.password));
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByText(/That password is not correct.*\d tries left\./).waitFor();
      await shot(page, `${label}-guest-page`);

      // pasted with a space, as people copy "345 427" out of a message
      await page.getByLabel('Session password').fill('');
      await page.getByLabel('Session password').focus();
      await page.evaluate((text) => {
        const dt = new DataTransfer();
        dt.setData('text/plain', text);
        document.activeElement.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
      }, spaced(session.password));
      if ((await page.getByLabel('Session password').inputValue()) === '') await page.getByLabel('Session password').fill(spaced(session.password));
      assert.equal(await page.getByLabel('Session password').inputValue(), session.password, 'all six digits are kept');
      // the partner is in the room: in public Jitsi mode our waiting room would hold the guest
      // until then (people-waiting-room.test.mjs and tests/api/join-waiting-room.test.mjs)
      await partnerApi.post(`/api/video-sessions/${session.id}/join`);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('heading', { name: 'Camera and microphone' }).waitFor();
      await context.close();
    });
  }

  it('desktop: a client who passed the password is not asked again after a reload', { timeout: 60_000 }, async () => {
    const { page, context } = await newPage(browser);
    await login(page, pair.client);
    await page.goto(`/join/${session.id}`);
    await page.getByLabel('Session password').fill(session.password);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Camera and microphone' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Camera and microphone' }).waitFor();
    assert.equal(await page.getByLabel('Session password').count(), 0, 'no password asked after the reload');
    await context.close();
  });

  for (const [label, device] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ]) {
    it(`${label}: following a join link logged out says why to log in, shows nothing of the session, and comes back`, { timeout: 60_000 }, async () => {
      const { page, context } = await newPage(browser, { device });
      await page.goto(`/join/${session.id}`);
      await page.getByRole('heading', { name: 'Log in to join your video session' }).waitFor();
      const text = await page.locator('main').innerText();
      assert.ok(!text.includes('Progress review') && !text.includes(pair.partner.name), 'nothing of the session before login');
      await assertNoSeriousA11y(page, `the login page from a join link (${label})`);
      await shot(page, `${label}-login-to-join`);
      await page.getByLabel('Email address').fill(pair.client.email);
      await page.getByLabel('Password').fill(pair.client.password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL(`**/join/${session.id}`);
      await page.getByRole('heading', { level: 1, name: 'Progress review' }).waitFor();
      await context.close();
    });
  }
});
