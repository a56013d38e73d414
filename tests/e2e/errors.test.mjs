// What people see when things go wrong: a double booking (409 names the
// booking in the way), too many wrong passwords (429 with the minutes from
// Retry-After), and a logout or an expired login (back to the login page).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiAs, createPair, isoZ, launch, login, newPage, requireStack, shot, soonStart, wallClock } from './lib/harness.mjs';

const skip = requireStack();

describe('errors people can act on', { skip }, () => {
  let browser;
  let pair;
  let api;
  before(async () => {
    browser = await launch();
    pair = createPair('Errors');
    api = await apiAs(pair.partner);
  });
  after(async () => {
    await api?.dispose();
    await browser?.close();
  });

  it('a 409 shows which booking is in the way, next to the form', async () => {
    const start = soonStart(60 * 30); // a day and a bit ahead
    const existing = await api.post('/api/video-sessions', {
      user_id: pair.client.id, title: 'Already booked', session_date: isoZ(start), duration_minutes: 60,
    });
    const { page, context } = await newPage(browser);
    await login(page, pair.partner);
    await page.getByRole('button', { name: '+ Schedule session' }).click();
    const dialog = page.getByRole('dialog', { name: 'Schedule a video session' });
    await dialog.getByLabel('Client').selectOption({ label: pair.client.name });
    const wall = wallClock(start + 30 * 60000, pair.partner.timezone);
    await dialog.getByLabel('Date').fill(wall.date);
    await dialog.getByLabel('Start time').fill(wall.time);
    const res = page.waitForResponse((r) => r.url().endsWith('/api/video-sessions') && r.request().method() === 'POST');
    await dialog.getByRole('button', { name: 'Create session' }).click();
    assert.equal((await res).status(), 409);
    const alert = dialog.getByTestId('form-error');
    await alert.waitFor();
    const text = await alert.innerText();
    assert.match(text, /That time is already booked/);
    // named by its title and client, never by its number (issue 18)
    assert.ok(text.includes(`the video session “Already booked with ${pair.client.name}”`), text);
    assert.ok(!text.includes(`#${existing.id}`), text);
    const from = wallClock(start, pair.partner.timezone).time;
    const to = wallClock(start + 3600e3, pair.partner.timezone).time;
    // a range that crosses midnight names the end's date too ("23:01–Sun 6 Dec 2026, 00:01")
    assert.ok(text.includes(`${from}–`) && text.includes(`${to} (${pair.partner.timezone})`), text);
    await shot(page, 'desktop-modal-conflict', { fullPage: false });
    await context.close();
  });

  it('after five wrong passwords the client is told to wait, in minutes', async () => {
    const session = await api.post('/api/video-sessions', {
      user_id: pair.client.id, title: 'Lockout check', session_date: isoZ(soonStart(60 * 50)), duration_minutes: 30,
    });
    const { page, context } = await newPage(browser);
    await login(page, pair.client);
    await page.goto(`/join/${session.id}`);
    const input = page.getByLabel('Session password');
    const wrong = session.password === '000000' ? '111111' : '000000';
    let last;
    for (let i = 0; i < 6; i++) {
      await input.fill(wrong);
      const res = page.waitForResponse((r) => r.url().endsWith('/verify-password'));
      await page.getByRole('button', { name: 'Continue' }).click();
      last = await res;
      if (last.status() === 429) break;
      assert.equal(last.status(), 403);
    }
    assert.equal(last.status(), 429, 'the sixth try is refused');
    const retry = Number(last.headers()['retry-after']);
    assert.ok(retry > 0, 'Retry-After is sent');
    const minutes = Math.max(1, Math.ceil(retry / 60));
    await page.getByText(`Too many wrong attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Continue' }).isDisabled(), true);
    await shot(page, 'desktop-join-locked', { fullPage: false });
    await context.close();
  });

  it('logging out ends the session: the dashboard sends you to the login page', async () => {
    const { page, context } = await newPage(browser);
    await login(page, pair.partner);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/login/);
    await page.goto('/dashboard/calendar');
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    assert.match(page.url(), /\/login\?next=%2Fdashboard%2Fcalendar$/);
    // Logging in again returns to where the person wanted to go.
    await page.getByLabel('Email address').fill(pair.partner.email);
    await page.getByLabel('Password').fill(pair.partner.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/dashboard\/calendar$/);
    await context.close();
  });

  it('an unknown SPA path is the app, an unknown /api path is JSON', async () => {
    const { page, context } = await newPage(browser);
    const res = await page.goto('/no/such/page');
    assert.equal(res.status(), 200);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    const api404 = await page.request.get('/api/no-such-thing');
    assert.equal(api404.status(), 404);
    assert.match(api404.headers()['content-type'], /application\/json/);
    await context.close();
  });
});
