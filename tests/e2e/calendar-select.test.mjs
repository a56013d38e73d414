// Selecting an empty slot on the calendar offers a video session or an
// appointment there, with the date and times filled in (in the partner's zone).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createPair, launch, login, newPage, requireStack, shot } from './lib/harness.mjs';

const skip = requireStack();
const TALL = { viewport: { width: 1280, height: 1500 } }; // the whole day grid without scrolling

describe('calendar: select a slot', { skip }, () => {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => browser?.close());

  async function dragSlot(page, weekday, from, to) {
    const cal = page.locator('[data-testid="calendar"]');
    // The day grid opens scrolled to an hour before now (720 px tall): after
    // about 11:00 in the partner's zone the 10:00 row is above the view, and
    // shortly after midnight the 13:00 row is below it. Bring the end of the
    // drag into view, then its start (which then moves only if it must).
    await cal.getByText(to, { exact: true }).first().scrollIntoViewIfNeeded();
    await cal.getByText(from, { exact: true }).first().scrollIntoViewIfNeeded();
    const head = await cal.getByText(new RegExp(`^${weekday} \\d+$`)).first().boundingBox();
    const a = await cal.getByText(from, { exact: true }).first().boundingBox();
    const b = await cal.getByText(to, { exact: true }).first().boundingBox();
    const x = head.x + head.width / 2;
    await page.mouse.move(x, a.y + 8);
    await page.mouse.down();
    for (let y = a.y + 16; y < b.y - 4; y += 8) await page.mouse.move(x, y);
    await page.mouse.move(x, b.y - 6);
    await page.mouse.up();
  }

  it('creates a session and an appointment from selected slots next week', { timeout: 60_000 }, async () => {
    const { partner, client } = createPair('Select');
    const { page, context } = await newPage(browser, { device: TALL });
    await login(page, partner);
    await page.getByRole('tab', { name: 'Calendar' }).click();
    const cal = page.locator('[data-testid="calendar"]');
    await cal.getByRole('button', { name: 'Next Week' }).click();
    const wedHeader = await cal.getByText(/^Wed \d+$/).first().innerText();
    const day = wedHeader.split(' ')[1].padStart(2, '0');

    await dragSlot(page, 'Wed', '10:00', '11:00');
    const choose = page.getByRole('dialog', { name: 'Add to your calendar' });
    await choose.waitFor();
    assert.match(await choose.innerText(), /10:00–11:00 \(Europe\/Berlin\)/);
    await choose.getByRole('button', { name: 'Video session' }).click();
    const modal = page.getByRole('dialog', { name: 'Schedule a video session' });
    await modal.waitFor();
    assert.ok((await modal.getByLabel('Date').inputValue()).endsWith(`-${day}`));
    assert.equal(await modal.getByLabel('Start time').inputValue(), '10:00');
    assert.equal(await modal.getByLabel('Duration').inputValue(), '60');
    await modal.getByLabel('Client').selectOption({ label: client.name });
    await modal.getByLabel('Title').fill('From the calendar');
    await modal.getByRole('button', { name: 'Create session' }).click();
    await page.getByRole('dialog', { name: 'Session scheduled' }).getByRole('button', { name: 'Done' }).click();
    await cal.locator('.ev--video').filter({ hasText: 'From the calendar' }).waitFor();

    await dragSlot(page, 'Wed', '12:00', '13:00');
    await choose.waitFor();
    await choose.getByRole('button', { name: 'Appointment' }).click();
    const ap = page.getByRole('dialog', { name: 'Add an appointment' });
    assert.equal(await ap.getByLabel('Start').inputValue(), '12:00');
    assert.equal(await ap.getByLabel('End').inputValue(), '13:00');
    await ap.getByLabel('Title').fill('Supervision');
    await ap.getByRole('button', { name: 'Add appointment' }).click();
    await cal.locator('.ev--appointment').filter({ hasText: 'Supervision' }).waitFor();
    await shot(page, 'desktop-calendar-next-week', { fullPage: false });
    await context.close();
  });
});
