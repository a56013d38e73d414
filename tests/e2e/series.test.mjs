// Weekly series in the browser: a partner sets up ten weekly sessions from the session dialog,
// sees "Weekly · n of 10" on the rows, and moves "this and following" one hour later; on a phone,
// a series every 2 weeks.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PHONE, apiAs, createPair, launch, login, newPage, requireStack, shot, wallClock } from './lib/harness.mjs';
import { assertNoSeriousA11y } from './lib/flows.mjs';

const skip = requireStack();
const DESKTOP_800 = { viewport: { width: 1280, height: 800 } };
const DAY = 86400e3;

/** 10:00 in Berlin, `days` days ahead (the fields are typed in the partner's zone). */
function berlinTen(days) {
  const d = new Date(Date.now() + days * DAY);
  return { date: wallClock(d.getTime(), 'Europe/Berlin').date, time: '10:00' };
}

async function openSchedule(page, partner) {
  await page.getByRole('tab', { name: 'Video Sessions' }).click();
  await page.getByRole('button', { name: '+ Schedule session' }).click();
  const dialog = page.getByRole('dialog', { name: 'Schedule a video session' });
  await dialog.waitFor();
  await dialog.getByText(`(${partner.timezone})`).first().waitFor();
  return dialog;
}

describe('weekly series', { skip }, () => {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => browser?.close());

  it('creates ten weekly sessions, then moves this and following', { timeout: 120_000 }, async () => {
    const { partner, client } = createPair('Series');
    const { page, context } = await newPage(browser, { device: DESKTOP_800 });
    await login(page, partner);
    const dialog = await openSchedule(page, partner);
    await dialog.getByLabel('Client').selectOption({ label: client.name });
    await dialog.getByLabel('Title').fill('Weekly therapy');
    const first = berlinTen(3);
    await dialog.getByLabel('Date').fill(first.date);
    await dialog.getByLabel('Start time').fill(first.time);
    await dialog.getByLabel('Duration').selectOption('50');
    await dialog.getByLabel('Repeats').selectOption({ label: 'Weekly' });
    await dialog.getByRole('spinbutton', { name: 'Number of sessions' }).fill('10');
    await assertNoSeriousA11y(page, 'the scheduling dialog with a weekly series');
    const posted = page.waitForResponse((r) => r.url().endsWith('/api/video-sessions') && r.request().method() === 'POST');
    await dialog.getByRole('button', { name: 'Create session' }).click();
    const res = await posted;
    const body = await res.json();
    assert.equal(res.status(), 201, JSON.stringify(body));
    assert.equal(body.sessions.length, 10);

    const created = page.getByRole('dialog', { name: 'Sessions scheduled' });
    await created.waitFor();
    await created.getByText('10 sessions created').waitFor();
    assert.equal(await created.getByLabel('Password').inputValue(), body.password);
    await shot(page, 'series-created', { fullPage: false });
    await created.getByRole('button', { name: 'Done' }).click();

    const fourth = body.sessions[3];
    const row = page.locator(`li[data-session-id="${fourth.id}"]`);
    await row.waitFor();
    assert.equal(await row.getByTestId('series-label').innerText(), 'Weekly · 4 of 10');
    assert.equal(await page.getByTestId('series-label').count(), 10);

    // this and following: one hour later from the 4th
    await row.getByRole('button', { name: 'Edit Weekly therapy' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit video session' });
    await edit.waitFor();
    await edit.getByTestId('scope-field').getByText('Weekly · 4 of 10').waitFor();
    await edit.getByLabel('This and following').check();
    await edit.getByLabel('Start time').fill('11:00');
    await assertNoSeriousA11y(page, 'the edit dialog of a series member');
    const put = page.waitForResponse((r) => r.url().endsWith(`/api/video-sessions/${fourth.id}`) && r.request().method() === 'PUT');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    const moved = await put;
    const movedBody = await moved.json();
    assert.equal(moved.status(), 200, JSON.stringify(movedBody));
    assert.equal(JSON.parse(moved.request().postData()).scope, 'following');
    await page.getByTestId('series-result').getByText('7 sessions changed').waitFor();
    await shot(page, 'series-following-saved', { fullPage: false });
    await page.getByRole('button', { name: 'Done' }).click();

    const api = await apiAs(partner);
    for (const [i, s] of body.sessions.entries()) {
      const now = await api.get(`/api/video-sessions/${s.id}`);
      assert.equal(wallClock(Date.parse(now.session_date), 'Europe/Berlin').time, i < 3 ? '10:00' : '11:00', `session ${i + 1}`);
    }
    await api.dispose();
    await page.locator(`li[data-session-id="${fourth.id}"]`).getByText('Weekly · 1 of 7').waitFor();
    await context.close();
  });

  it('on a phone: a series every 2 weeks, labelled on its rows', { timeout: 90_000 }, async () => {
    const { partner, client } = createPair('Series phone');
    const { page, context } = await newPage(browser, { device: PHONE });
    await login(page, partner);
    const dialog = await openSchedule(page, partner);
    await dialog.getByLabel('Client').selectOption({ label: client.name });
    const first = berlinTen(5);
    await dialog.getByLabel('Date').fill(first.date);
    await dialog.getByLabel('Start time').fill(first.time);
    await dialog.getByLabel('Repeats').selectOption({ label: 'Every 2 weeks' });
    await dialog.getByRole('spinbutton', { name: 'Number of sessions' }).fill('3');
    await dialog.getByRole('button', { name: 'Create session' }).click();
    const created = page.getByRole('dialog', { name: 'Sessions scheduled' });
    await created.getByText('3 sessions created').waitFor();
    await created.getByRole('button', { name: 'Done' }).click();
    await page.getByText('Every 2 weeks · 3 of 3').waitFor();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `no sideways scrolling on a phone (${width}px)`);
    await shot(page, 'series-phone');
    await context.close();
  });
});
