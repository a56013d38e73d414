// The main story, run at desktop and at phone size: a partner schedules a
// session through the modal, copies the details, sees it in the list and in
// purple on the calendar beside a blue appointment; the partner enters the
// room (moderator); the client, in another time zone, sees the countdown,
// enters a wrong and then the right password, checks camera and microphone,
// and joins. The Jitsi stand-in records what each page handed to Jitsi.
import assert from 'node:assert/strict';
import {
  BASE_URL,
  PHONE,
  axeViolations,
  copied,
  formatViolations,
  jitsiRecords,
  login,
  newPage,
  shot,
  soonStart,
  wallClock,
} from './harness.mjs';

const PURPLE = 'rgb(109, 40, 217)'; // #6d28d9, video sessions
const BLUE = 'rgb(29, 78, 216)'; // #1d4ed8, appointments

export async function assertNoSeriousA11y(page, where, opts) {
  const v = await axeViolations(page, opts);
  assert.equal(v.length, 0, `axe found serious/critical problems on ${where}:\n${formatViolations(v)}`);
}

/** Schedules a session through the modal; returns the 201 body (with password). */
export async function scheduleThroughModal(page, { client, partner, title, startMs, duration = '45', name }) {
  await page.getByRole('button', { name: '+ Schedule session' }).click();
  const dialog = page.getByRole('dialog', { name: 'Schedule a video session' });
  await dialog.waitFor();
  assert.equal(await dialog.getByLabel('Password protection').isChecked(), true, 'password protection is on by default');
  await dialog.getByText(`(${partner.timezone})`).first().waitFor();
  await shot(page, `${name}-modal`, { fullPage: false });
  await assertNoSeriousA11y(page, 'the scheduling modal');

  await dialog.getByLabel('Client').selectOption({ label: client.name });
  await dialog.getByLabel('Title').fill(title);
  const wall = wallClock(startMs, partner.timezone);
  await dialog.getByLabel('Date').fill(wall.date);
  await dialog.getByLabel('Start time').fill(wall.time);
  await dialog.getByLabel('Duration').selectOption(duration);
  await dialog.getByLabel(/Notes/).fill('E2E private note');

  const created = page.waitForResponse((r) => r.url().endsWith('/api/video-sessions') && r.request().method() === 'POST');
  await dialog.getByRole('button', { name: 'Create session' }).click();
  const res = await created;
  const body = await res.json();
  assert.equal(res.status(), 201, `create answered ${res.status()} ${JSON.stringify(body)}`);
  assert.equal(body.session_date, new Date(startMs).toISOString().replace('.000Z', 'Z'), 'the typed Berlin time was sent as the right UTC instant');
  assert.match(body.password, /^\d{6}$/);
  return body;
}

export async function partnerAndClientFlow(browser, opts) {
  const pages = [];
  try {
    return await flow(browser, opts, pages);
  } catch (err) {
    // Leave a picture of every open page behind for the person reading the failure.
    for (const [i, p] of pages.entries()) await shot(p, `FAILED-${opts.name}-${i}`).catch(() => {});
    throw err;
  }
}

async function flow(browser, { partner, client, name, device }, pages) {
  const phone = device === PHONE;
  const startMs = soonStart(6);
  const title = `E2E check-in ${name}`;

  // ---- the partner schedules -------------------------------------------------
  const { page: pp, context: pc } = await newPage(browser, { device, timezoneId: 'Asia/Tokyo' });
  pages.push(pp);
  await login(pp, partner);
  await pp.getByText(`All times in ${partner.timezone}.`).waitFor();
  await pp.getByRole('heading', { name: /^Today · / }).waitFor();
  await assertNoSeriousA11y(pp, 'the partner dashboard');

  await pp.getByRole('tab', { name: 'Video Sessions' }).click();
  const session = await scheduleThroughModal(pp, { client, partner, title, startMs, name });

  const created = pp.getByRole('dialog', { name: 'Session scheduled' });
  await created.waitFor();
  assert.equal(await created.getByLabel('Join link').inputValue(), session.meeting_url);
  assert.equal(await created.getByLabel('Password').inputValue(), session.password);
  await created.getByRole('button', { name: 'Copy details' }).click();
  await created.getByText('✓ Details copied').waitFor();
  const clip = (await copied(pp)).at(-1);
  assert.ok(clip.includes(session.meeting_url), `copied details carry the link: ${clip}`);
  assert.ok(clip.includes(`Password: ${session.password}`), 'copied details carry the password');
  assert.ok(clip.includes(`(${partner.timezone})`), 'copied details name the zone');
  await created.getByRole('button', { name: 'Copy link' }).click();
  assert.equal((await copied(pp)).at(-1), session.meeting_url);
  await shot(pp, `${name}-modal-created`, { fullPage: false });
  await created.getByRole('button', { name: 'Done' }).click();

  // ---- it is in the list, in the partner's zone ------------------------------
  const item = pp.locator(`li[data-session-id="${session.id}"]`);
  await item.waitFor();
  const itemText = await item.innerText();
  const berlin = wallClock(startMs, partner.timezone);
  assert.ok(itemText.includes(title), itemText);
  assert.ok(itemText.includes(client.name), itemText);
  assert.ok(itemText.includes(`${berlin.time}–`) && itemText.includes(`(${partner.timezone})`), `Berlin time shown: ${itemText}`);
  assert.match(itemText, /Scheduled/);
  assert.match(itemText, /Starts in \d+ min/);
  await item.getByRole('link', { name: `Join now (${title})` }).waitFor({ timeout: 5000 }); // open: within 15 minutes of the start
  await shot(pp, `${name}-partner-sessions`);
  await pp.getByRole('tab', { name: 'Overview' }).click();
  await pp.locator(`li[data-session-id="${session.id}"]`).waitFor();
  await shot(pp, `${name}-partner-dashboard`);
  await assertNoSeriousA11y(pp, 'the partner dashboard with a session');

  // ---- an appointment through the calendar, then both colours -----------------
  await pp.getByRole('tab', { name: 'Calendar' }).click();
  await pp.locator('[data-testid="calendar"]').waitFor();
  await pp.getByRole('button', { name: 'Add appointment' }).click();
  const ap = pp.getByRole('dialog', { name: 'Add an appointment' });
  // An hour after the session, or, late in the partner's evening, two hours
  // before it: the form takes one day, and both must sit in the same week view.
  const lateEvening = Number(wallClock(startMs, partner.timezone).time.slice(0, 2)) >= 22;
  const apStart = startMs + (lateEvening ? -120 : 60) * 60000;
  const apS = wallClock(apStart, partner.timezone);
  const apE = wallClock(apStart + 60 * 60000, partner.timezone);
  await ap.getByLabel('Title').fill(`E2E appointment ${name}`);
  await ap.getByLabel('Date').fill(apS.date);
  await ap.getByLabel('Start').fill(apS.time);
  await ap.getByLabel('End').fill(apE.time);
  const apCreated = pp.waitForResponse((r) => /\/api\/partners\/\d+\/appointments$/.test(r.url()) && r.request().method() === 'POST');
  await ap.getByRole('button', { name: 'Add appointment' }).click();
  const apRes = await apCreated;
  assert.equal(apRes.status(), 201, `appointment: ${apRes.status()} ${await apRes.text()}`);
  await ap.waitFor({ state: 'detached' });

  const video = await findEvent(pp, '.ev--video', title);
  const appointment = await findEvent(pp, '.ev--appointment', `E2E appointment ${name}`);
  assert.equal(await eventColor(video), PURPLE, 'video sessions are purple');
  assert.equal(await eventColor(appointment), BLUE, 'appointments are blue');
  await pp.getByRole('list', { name: 'Legend' }).waitFor();
  await video.scrollIntoViewIfNeeded();
  await shot(pp, `${name}-calendar`, { fullPage: !phone });
  await assertNoSeriousA11y(pp, 'the calendar');

  if (!phone) {
    await pp.getByRole('tab', { name: 'Month view' }).click();
    await findEvent(pp, '.ev--video', title);
    await shot(pp, `${name}-calendar-month`);
    await pp.getByRole('tab', { name: 'Week view' }).click();
  }
  // Clicking the blue event opens the appointment; the purple one, the session.
  await (await findEvent(pp, '.ev--appointment', `E2E appointment ${name}`)).click();
  const apEdit = pp.getByRole('dialog', { name: 'Edit appointment' });
  await apEdit.waitFor();
  assert.equal(await apEdit.getByLabel('Title').inputValue(), `E2E appointment ${name}`);
  assert.equal(await apEdit.getByLabel('Start').inputValue(), apS.time);
  await apEdit.getByRole('button', { name: 'Cancel' }).click();
  await apEdit.waitFor({ state: 'detached' });
  await (await findEvent(pp, '.ev--video', title)).click();
  const edit = pp.getByRole('dialog', { name: 'Edit video session' });
  await edit.waitFor();
  assert.equal(await edit.getByLabel('Title').inputValue(), title);
  await edit.getByRole('button', { name: 'Close', exact: true }).click();

  // ---- the partner enters the room first (moderator) --------------------------
  await pp.goto(`/join/${session.id}`);
  await pp.getByRole('heading', { level: 1, name: title }).waitFor();
  await pp.getByTestId('device-ok').waitFor();
  const partnerJoinRes = pp.waitForResponse((r) => r.url().endsWith(`/api/video-sessions/${session.id}/join`));
  await pp.getByRole('button', { name: 'Join now' }).click();
  const partnerJoin = await (await partnerJoinRes).json();
  await pp.getByTestId('jitsi-stub').waitFor();
  await pp.waitForFunction(() => window.__jitsiStub?.last?.joined);
  const pRec = (await jitsiRecords(pp)).last;
  assert.equal(pRec.domain, partnerJoin.domain);
  assert.equal(pRec.roomName, partnerJoin.room);
  assert.ok(pRec.roomName && pRec.roomName.length >= 16, 'a real room name');
  assert.equal(pRec.displayName, partnerJoin.display_name);
  assert.equal(pRec.displayName, partner.name);
  assert.equal(partnerJoin.moderator, true, 'the partner is the moderator');
  if (partnerJoin.jwt) {
    assert.equal(pRec.jwt, partnerJoin.jwt);
  } else {
    assert.ok(partnerJoin.password, 'public Jitsi mode hands out a room password');
    assert.notEqual(partnerJoin.password, session.password, 'the room password is not the session password');
    await pp.waitForFunction(() => window.__jitsiStub.last.commands.some((c) => c[0] === 'password'));
    const cmds = (await jitsiRecords(pp)).last.commands;
    assert.deepEqual(cmds.find((c) => c[0] === 'password'), ['password', partnerJoin.password], 'the moderator locks the room');
    assert.equal(cmds.filter((c) => c[0] === 'toggleLobby').length, 0, 'public mode: the waiting room is ours, not Jitsi’s lobby');
    assert.equal(await pp.getByTestId('lobby-line').count(), 0);
  }
  await shot(pp, `${name}-partner-meeting`, { fullPage: false });

  // ---- the client, in New York, sees the countdown ----------------------------
  const { page: cp, context: cc } = await newPage(browser, { device, timezoneId: 'Europe/Lisbon' });
  pages.push(cp);
  await login(cp, client);
  const card = cp.getByTestId('next-session');
  await card.waitFor();
  const ny = wallClock(startMs, client.timezone);
  const cardText = await card.innerText();
  assert.ok(cardText.includes(title), cardText);
  assert.ok(cardText.includes(`${ny.time} (${client.timezone})`), `New York time on the client's card: ${cardText}`);
  const c1 = await cp.getByTestId('countdown').innerText();
  assert.match(c1, /^\d+ min \d{2} s$/);
  await cp.waitForFunction((before) => document.querySelector('[data-testid="countdown"]')?.textContent !== before, c1, { timeout: 5000 });
  await shot(cp, `${name}-client-dashboard`);
  await assertNoSeriousA11y(cp, 'the client dashboard');

  // ---- wrong, then right password --------------------------------------------
  await card.getByRole('link', { name: `Join now (${title})` }).click();
  await cp.waitForURL(new RegExp(`/join/${session.id}$`));
  const pw = cp.getByLabel('Session password');
  await pw.waitFor();
  assert.equal(await pw.getAttribute('inputmode'), 'numeric');
  assert.equal(await pw.getAttribute('autocomplete'), 'one-time-code');
  assert.ok((await cp.getByTestId('join-when').innerText()).includes(`(${client.timezone})`));
  const wrong = session.password === '000000' ? '111111' : '000000';
  await pw.fill(wrong);
  const wrongRes = cp.waitForResponse((r) => r.url().endsWith('/verify-password'));
  await cp.getByRole('button', { name: 'Continue' }).click();
  assert.equal((await wrongRes).status(), 403);
  await cp.getByText(/That password is not correct/).waitFor();
  await shot(cp, `${name}-join-wrong-password`, { fullPage: false });
  await assertNoSeriousA11y(cp, 'the join page');
  await pw.fill(session.password);
  await cp.getByRole('button', { name: 'Continue' }).click();

  // ---- camera and microphone check, then the room ------------------------------
  await cp.getByTestId('device-ok').waitFor();
  await shot(cp, `${name}-join-device-check`, { fullPage: !phone });
  if (partnerJoin.password && !partnerJoin.jwt) {
    // The room is locked with what the partner's page set; the client's stub asks for it.
    const lock = (await jitsiRecords(pp)).last.commands.find((c) => c[0] === 'password')[1];
    await cp.evaluate((l) => (window.__jitsiStubOptions = { lockedWith: l }), lock);
  }
  const clientJoinRes = cp.waitForResponse((r) => r.url().endsWith(`/api/video-sessions/${session.id}/join`));
  await cp.getByRole('button', { name: 'Join now' }).click();
  const clientJoin = await (await clientJoinRes).json();
  await cp.getByTestId('jitsi-stub').waitFor();
  await cp.waitForFunction(() => window.__jitsiStub?.last?.joined, null, { timeout: 5000 });
  const cRec = (await jitsiRecords(cp)).last;
  assert.equal(cRec.domain, clientJoin.domain);
  assert.equal(cRec.roomName, clientJoin.room);
  assert.equal(cRec.roomName, pRec.roomName, 'partner and client are in the same room');
  assert.equal(cRec.displayName, clientJoin.display_name);
  assert.equal(clientJoin.moderator, false);
  if (clientJoin.jwt) {
    assert.equal(cRec.jwt, clientJoin.jwt);
  } else {
    assert.equal(cRec.jwt, null);
    assert.ok(cRec.events.includes('passwordRequired'), 'the room asked for its password');
    assert.deepEqual(cRec.commands.find((c) => c[0] === 'password'), ['password', clientJoin.password], 'the client page answered it');
  }
  await shot(cp, `${name}-client-meeting`, { fullPage: false });

  // ---- leaving returns to the dashboard ----------------------------------------
  await cp.getByTestId('jitsi-stub').getByRole('button', { name: 'Hang up' }).click();
  await cp.waitForURL(/\/dashboard$/);
  await cp.getByTestId('next-session').waitFor();
  await pp.getByRole('button', { name: 'Leave' }).click();
  await pp.waitForURL(/\/dashboard$/);

  await cc.close();
  await pc.close();
  return { session, partnerJoin, clientJoin };
}

/** The calendar event with that class and text, looking one period ahead if needed. */
async function findEvent(page, cls, text) {
  const loc = page.locator(`[data-testid="calendar"] ${cls}`).filter({ hasText: text }).first();
  try {
    await loc.waitFor({ timeout: 4000 });
  } catch {
    await page.locator('[data-testid="calendar"]').getByRole('button', { name: /next/i }).first().click();
    await loc.waitFor({ timeout: 4000 });
  }
  return loc;
}

/** The colour an event is painted in (asked again while the calendar re-renders). */
async function eventColor(loc) {
  let color = '';
  for (let i = 0; i < 20 && !/^rgb/.test(color); i++) {
    if (i) await new Promise((r) => setTimeout(r, 150));
    color = await loc.evaluate((el) => getComputedStyle(el).backgroundColor).catch(() => '');
  }
  return color;
}

export function originOf(url) {
  return new URL(url).origin;
}

export { BASE_URL };
