// The settings page (issue 18): name, time zone detected from the browser and
// confirmed by the person, email reminders, password change, and for partners
// the practice's email settings. At 1280×800 and 390×844, axe clean.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiAs, createPair, launch, login, newPage, requireStack, shot } from './lib/harness.mjs';
import { assertNoSeriousA11y } from './lib/flows.mjs';
import { assertNoSideScroll, row } from './lib/account.mjs';

const skip = requireStack();
const DESK_800 = { viewport: { width: 1280, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

describe('settings page', { skip }, () => {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => browser?.close());

  for (const [label, device] of [
    ['desktop', DESK_800],
    ['phone', PHONE],
  ]) {
    it(`a client confirms the detected time zone, turns reminders off and changes the password (${label})`, async () => {
      const { client } = createPair(`Settings ${label}`);
      const other = await apiAs(client);
      // the browser is in Tokyo, the account in New York
      const { page, context } = await newPage(browser, { device, timezoneId: 'Asia/Tokyo' });
      await login(page, client);
      await page.getByRole('link', { name: 'Settings' }).click();
      await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
      assert.equal(await page.getByLabel('Time zone').inputValue(), 'America/New_York');
      await assertNoSeriousA11y(page, `the settings page (${label})`);
      if (label === 'phone') await assertNoSideScroll(page, 'the settings page at 390 px');
      await shot(page, `${label}-settings`);

      await page.getByRole('button', { name: 'Use Asia/Tokyo' }).click();
      assert.equal(await page.getByLabel('Time zone').inputValue(), 'Asia/Tokyo');
      await page.getByLabel('Email me reminders before my sessions').uncheck();
      await page.getByLabel('Name').fill(`${client.name} Renamed`);
      await page.getByRole('button', { name: 'Save details' }).click();
      await page.getByRole('status').filter({ hasText: 'Saved.' }).first().waitFor();
      // the header follows at once, and the offer is gone
      await page.locator('.app-header__zone').filter({ hasText: 'Asia/Tokyo' }).waitFor({ state: 'attached' });
      assert.equal(await page.getByRole('button', { name: 'Use Asia/Tokyo' }).count(), 0);
      assert.deepEqual(row(`SELECT timezone, email_reminders, name FROM users WHERE id = ${client.id}`), [
        'Asia/Tokyo',
        'f',
        `${client.name} Renamed`,
      ]);

      await page.getByLabel('Current password').fill('not-my-password');
      await page.getByLabel('New password', { exact: true }).fill('a-fresh-password-9');
      await page.getByLabel('New password again').fill('a-fresh-password-9');
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByText('The current password is not correct.').waitFor();
      await page.getByLabel('Current password').fill(client.password);
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByRole('status').filter({ hasText: 'Password changed. 1 other login was ended.' }).waitFor();
      await assertNoSeriousA11y(page, `the settings page after changes (${label})`);
      // this login goes on; the other one has ended
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
      await assert.rejects(other.get('/api/auth/me'), (e) => e.status === 401);
      await other.dispose();
      await context.close();
    });
  }

  it('a partner edits the practice settings (titles in email stay off unless chosen)', async () => {
    const { partner } = createPair('Practice');
    const { page, context } = await newPage(browser, { device: DESK_800, timezoneId: 'Europe/Berlin' });
    await login(page, partner);
    await page.goto('/settings');
    await page.getByRole('heading', { level: 2, name: 'Your practice' }).waitFor();
    assert.equal(await page.getByLabel('Show session titles in emails').isChecked(), false);
    assert.equal(await page.getByRole('button', { name: /^Use / }).count(), 0);
    await page.getByLabel('Practice name').fill('Rivers Counselling');
    await page.getByLabel('1 hour before a session').uncheck();
    await page.getByLabel('Show session titles in emails').check();
    await page.getByRole('button', { name: 'Save practice settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await assertNoSeriousA11y(page, 'the partner settings page');
    await shot(page, 'desktop-partner-settings');
    assert.deepEqual(row(`SELECT practice_name, reminder_24h, reminder_1h, titles_in_email FROM partner_settings WHERE partner_id = ${partner.id}`), [
      'Rivers Counselling',
      't',
      'f',
      't',
    ]);
    await context.close();
  });
});
