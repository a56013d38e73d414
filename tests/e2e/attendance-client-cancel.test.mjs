// Issue 17, the client's side on a phone (390×844): the client is told the therapist's notice
// period before confirming, with the late-cancellation warning for a session inside it, cancels
// with a reason, and sees it cancelled; the partner's dashboard then shows the notice (late) and
// dismisses it. Screenshots of both screens.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DESKTOP, PHONE, apiAs, createPair, isoZ, launch, login, newPage, requireStack, shot } from './lib/harness.mjs';
import { assertNoSeriousA11y } from './lib/flows.mjs';
import { assertNoSideScroll, row } from './lib/account.mjs';

const skip = requireStack();

describe('a client cancels on a phone under the notice period', { skip }, () => {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  it('phone: the late-cancel warning before confirming; the partner is told on the dashboard', { timeout: 120_000 }, async () => {
    const pair = createPair('Cancel');
    const partnerApi = await apiAs(pair.partner);
    const startMs = Math.ceil((Date.now() + 5 * 3600 * 1000) / 60000) * 60000;
    const session = await partnerApi.post('/api/video-sessions', {
      user_id: pair.client.id,
      title: 'Weekly session',
      session_date: isoZ(startMs),
      duration_minutes: 50,
    });

    const { page, context } = await newPage(browser, { device: PHONE, timezoneId: 'America/New_York' });
    await login(page, pair.client);
    const card = page.getByTestId('next-session');
    await card.waitFor();
    await card.getByRole('button', { name: 'Cancel this session' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel this session?' });
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /Your therapist asks for 24 hours’ notice\./);
    const warning = dialog.getByTestId('late-cancel-warning');
    assert.ok(await warning.isVisible(), 'the late-cancel warning is shown before confirming');
    assert.match(await warning.innerText(), /counts as a\s+late cancellation/);
    await dialog.getByLabel('Reason (optional)').fill('My train was cancelled');
    await assertNoSeriousA11y(page, 'the client’s cancel dialog on a phone');
    await assertNoSideScroll(page, 'the client’s cancel dialog');
    await shot(page, 'phone-client-cancel-late', { fullPage: false });
    await dialog.getByRole('button', { name: 'Cancel anyway' }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.deepEqual(row(`SELECT status, cancelled_by, outcome, cancel_reason FROM video_sessions WHERE id = ${session.id}`), [
      'cancelled',
      'client',
      'late_cancel',
      'My train was cancelled',
    ]);
    await page.getByText('You have no upcoming video sessions.').waitFor();
    await context.close();

    // the partner's dashboard tells of it, until dismissed
    const desk = await newPage(browser, { device: DESKTOP, timezoneId: 'Europe/Berlin' });
    await login(desk.page, pair.partner);
    const notices = desk.page.getByTestId('notices');
    await notices.waitFor();
    const text = await notices.innerText();
    assert.ok(text.includes(`${pair.client.name} cancelled Weekly session`) && text.includes('(late cancellation)'), text);
    assert.ok(text.includes('“My train was cancelled”'));
    await assertNoSeriousA11y(desk.page, 'the partner’s notices');
    await shot(desk.page, 'desktop-partner-notice-late-cancel', { fullPage: false });
    await notices.getByRole('button', { name: /^Dismiss: / }).click();
    await notices.waitFor({ state: 'detached' });
    await desk.context.close();
    await partnerApi.dispose();
  });
});
