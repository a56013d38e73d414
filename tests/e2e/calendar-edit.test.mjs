// An appointment on the calendar opens for editing from one read of
// GET /api/appointments/:id, and the calendar redraws with the change.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiAs, createPair, isoZ, launch, login, newPage, requireStack } from './lib/harness.mjs';

const skip = requireStack();

describe('calendar: edit an appointment', { skip }, () => {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => browser?.close());

  it('reads the appointment by its id, saves a new title, and shows it', { timeout: 60_000 }, async () => {
    const { partner } = createPair('Edit');
    const api = await apiAs(partner);
    const start = Math.ceil((Date.now() + 3600e3) / 3600e3) * 3600e3;
    const made = await api.post(`/api/partners/${partner.id}/appointments`, {
      title: 'Supervision call',
      starts_at: isoZ(start),
      ends_at: isoZ(start + 45 * 60e3),
      notes: 'bring the case notes',
    });
    await api.dispose();

    const { page, context } = await newPage(browser);
    await login(page, partner);
    await page.getByRole('tab', { name: 'Calendar' }).click();
    const cal = page.locator('[data-testid="calendar"]');
    const event = (title) => cal.locator('.ev--appointment').filter({ hasText: title });
    // Late on a Sunday the next hour is in next week's view.
    const found = await event('Supervision call')
      .waitFor({ timeout: 5000 })
      .then(() => true, () => false);
    if (!found) await cal.getByRole('button', { name: 'Next Week' }).click();

    const read = page.waitForResponse((r) => r.request().method() === 'GET' && r.url().endsWith(`/api/appointments/${made.id}`));
    await event('Supervision call').click();
    assert.equal((await read).status(), 200);
    const dialog = page.getByRole('dialog', { name: 'Edit appointment' });
    await dialog.waitFor();
    assert.equal(await dialog.getByLabel('Title').inputValue(), 'Supervision call');
    assert.equal(await dialog.getByLabel(/Notes/).inputValue(), 'bring the case notes');

    await dialog.getByLabel('Title').fill('Supervision (moved)');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await event('Supervision (moved)').waitFor();
    assert.equal(await event('Supervision call').count(), 0);
    await context.close();
  });
});
