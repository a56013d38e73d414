// axe-core on the main pages: no serious or critical violations. The flows in
// lib/flows.mjs check the dashboards, modal, calendar and join page in use;
// this file covers the rest: login, the other tabs, dialogs, and 360 px.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiAs, createPair, isoZ, launch, login, newPage, requireStack, shot, soonStart } from './lib/harness.mjs';
import { assertNoSeriousA11y } from './lib/flows.mjs';

const skip = requireStack();
const SMALL = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true };

describe('accessibility (axe-core)', { skip }, () => {
  let browser;
  let pair;
  let session;
  before(async () => {
    browser = await launch();
    pair = createPair('A11y');
    const api = await apiAs(pair.partner);
    session = await api.post('/api/video-sessions', {
      user_id: pair.client.id,
      title: 'Accessibility check',
      session_date: isoZ(soonStart(60 * 24)),
      duration_minutes: 60,
    });
    await api.dispose();
  });
  after(async () => browser?.close());

  it('login page', async () => {
    const { page, context } = await newPage(browser);
    await page.goto('/login');
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await assertNoSeriousA11y(page, 'the login page');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').waitFor();
    await assertNoSeriousA11y(page, 'the login page with an error');
    await shot(page, 'login');
    await context.close();
  });

  it('partner tabs and dialogs, keyboard tab navigation', async () => {
    const { page, context } = await newPage(browser);
    await login(page, pair.partner);
    const tabs = page.getByRole('tablist', { name: 'Dashboard sections' });
    await tabs.getByRole('tab', { name: 'Overview' }).focus();
    await page.keyboard.press('ArrowRight');
    // React renders the change after the key press: wait for it (the wait fails the test after its timeout)
    await tabs.getByRole('tab', { name: 'Video Sessions', selected: true }).waitFor({ timeout: 5000 });
    assert.equal(await tabs.getByRole('tab', { name: 'Video Sessions' }).getAttribute('aria-selected'), 'true');
    await page.locator(`li[data-session-id="${session.id}"]`).waitFor();
    await assertNoSeriousA11y(page, 'the Video Sessions tab');

    // an upcoming session is cancelled (with a reason), not deleted
    assert.equal(await page.getByRole('button', { name: 'Delete Accessibility check' }).count(), 0);
    await page.getByRole('button', { name: 'Cancel Accessibility check' }).click();
    const confirm = page.getByRole('dialog', { name: 'Cancel this session?' });
    await confirm.waitFor();
    await assertNoSeriousA11y(page, 'the cancel confirmation');
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Guest link for Accessibility check' }).click();
    const invite = page.getByRole('dialog', { name: 'Guest invite link' });
    await invite.getByLabel('Invite link').waitFor();
    await assertNoSeriousA11y(page, 'the guest link dialog');
    await invite.getByRole('button', { name: 'Done' }).click();

    await page.keyboard.press('Tab'); // focus went back to the opener
    await tabs.getByRole('tab', { name: 'Clients' }).click();
    await page.getByRole('heading', { name: /^Clients \(1\)$/ }).waitFor();
    await assertNoSeriousA11y(page, 'the Clients tab');
    await shot(page, 'desktop-partner-clients');
    await context.close();
  });

  it('client pages at 360 px', async () => {
    const { page, context } = await newPage(browser, { device: SMALL });
    await login(page, pair.client);
    await page.getByTestId('next-session').waitFor();
    await assertNoSeriousA11y(page, 'the client overview at 360 px');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no sideways scrolling at 360 px (overflow ${overflow}px)`);
    await page.getByRole('tab', { name: 'Video Sessions' }).click();
    await page.getByRole('heading', { name: 'Upcoming (1)' }).waitFor();
    await assertNoSeriousA11y(page, 'the client session list');
    await page.goto(`/join/${session.id}`);
    await page.getByLabel('Session password').waitFor();
    await assertNoSeriousA11y(page, 'the join page at 360 px');
    await shot(page, 'small-join-password');
    // The right password a day early: a countdown until the window opens.
    await page.getByLabel('Session password').fill(session.password);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Not open yet' }).waitFor();
    assert.match(await page.getByTestId('join-countdown').innerText(), /^(1 day|23 h \d+ min)/);
    await assertNoSeriousA11y(page, 'the join countdown');
    await shot(page, 'small-join-countdown');
    await context.close();
  });

  it('partner pages at 360 px have no sideways scrolling', async () => {
    const { page, context } = await newPage(browser, { device: SMALL });
    await login(page, pair.partner);
    for (const tab of ['Overview', 'Video Sessions', 'Calendar', 'Clients']) {
      await page.getByRole('tab', { name: tab, exact: true }).click();
      await page.waitForTimeout(300);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `${tab}: no sideways scrolling at 360 px (overflow ${overflow}px)`);
    }
    await page.getByRole('button', { name: '+ Schedule session' }).click();
    await page.getByRole('dialog', { name: 'Schedule a video session' }).waitFor();
    await assertNoSeriousA11y(page, 'the modal at 360 px');
    await shot(page, 'small-modal', { fullPage: false });
    await context.close();
  });
});
