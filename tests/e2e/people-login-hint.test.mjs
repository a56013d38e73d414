// Issue 18: the login page from a join link the product handed out (the session's join_url,
// as in the invitation email and "Copy invitation") names the session and the therapist:
// "Log in to join Weekly session with Dr …", with the start in the reader's own zone; after the
// login the link's page opens. A link whose hint was tampered with says only "your video
// session". Desktop and phone.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DESKTOP, PHONE, apiAs, createPair, isoZ, launch, newPage, requireStack, shot, soonStart } from './lib/harness.mjs';
import { assertNoSeriousA11y } from './lib/flows.mjs';

const skip = requireStack();

describe('the login page from a join link with its hint', { skip }, () => {
  let browser;
  let pair;
  let session;
  before(async () => {
    browser = await launch();
    pair = createPair('Hint');
    const partnerApi = await apiAs(pair.partner);
    session = await partnerApi.post('/api/video-sessions', {
      user_id: pair.client.id,
      title: 'Weekly session',
      session_date: isoZ(soonStart(60 * 24)),
      duration_minutes: 50,
    });
    await partnerApi.dispose();
  });
  after(async () => {
    await browser?.close();
  });

  for (const [label, device] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ]) {
    it(`${label}: names the session and the therapist, and the login leads to the session`, { timeout: 60_000 }, async () => {
      const { page, context } = await newPage(browser, { device, timezoneId: 'America/New_York' });
      const u = new URL(session.join_url);
      assert.match(u.search, /^\?hint=\d+\.\d+\.[0-9a-f]{32}$/);
      await page.goto(u.pathname + u.search);
      const title = page.getByTestId('login-joining-title');
      await title.waitFor();
      assert.equal(await title.innerText(), `Log in to join Weekly session with ${pair.partner.name}`);
      assert.match(await page.getByTestId('login-joining').innerText(), /\(America\/New_York\)/);
      await assertNoSeriousA11y(page, `the login page from a hinted join link (${label})`);
      await shot(page, `${label}-login-to-join-named`);
      await page.getByLabel('Email address').fill(pair.client.email);
      await page.getByLabel('Password').fill(pair.client.password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL((url) => url.pathname === `/join/${session.id}`);
      await page.getByRole('heading', { level: 1, name: 'Weekly session' }).waitFor();
      await context.close();
    });
  }

  it('desktop: a tampered hint names nothing', { timeout: 30_000 }, async () => {
    const { page, context } = await newPage(browser);
    const u = new URL(session.join_url);
    const bad = u.search.slice(0, -1) + (u.search.endsWith('0') ? '1' : '0');
    await page.goto(u.pathname + bad);
    await page.getByRole('heading', { name: 'Log in to join your video session' }).waitFor();
    const text = await page.locator('main').innerText();
    assert.ok(!text.includes('Weekly session') && !text.includes(pair.partner.name), 'the session was named from a tampered hint');
    await context.close();
  });
});
