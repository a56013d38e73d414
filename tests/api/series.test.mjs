// Weekly series: creation with conflicts and skips, wall-clock times across DST, one password and one
// invitation, "this one / this and following" changes and cancellations, the series' calendar file
// (parsed with ical.js) and 50 concurrent series racing for overlapping slots.
import test from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { api, practice, makeUser, link, login, sql, dbChecksum } from './lib.mjs';

const WEEK = 7 * 86400000;
function iso(ms) { return new Date(ms).toISOString().replace('.000Z', 'Z'); }
function future(days, hours = 10, minutes = 0) {
  const t = new Date(Date.now() + days * 86400000);
  t.setUTCHours(hours, minutes, 0, 0);
  return t.getTime();
}
function body(client, start, extra = {}) {
  return { user_id: client.id, title: 'Weekly therapy', session_date: iso(start), duration_minutes: 50, ...extra };
}
function create(partner, b) { return api('POST', '/api/video-sessions', { token: partner.token, body: b }); }
function put(partner, id, b) { return api('PUT', `/api/video-sessions/${id}`, { token: partner.token, body: b }); }
function cancel(partner, id, b) { return api('POST', `/api/video-sessions/${id}/cancel`, { token: partner.token, body: b }); }
// The wall-clock time of an instant in a zone: "YYYY-MM-DDTHH:MM".
function local(ms, timeZone) {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit',
    day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}
function offsetMinutes(ms, timeZone) {
  const [d, t] = local(ms, timeZone).split('T');
  return Math.round((Date.parse(`${d}T${t}:00Z`) - ms) / 60000);
}
// The instant of local 10:00 on the day that is `days` days from now in a zone.
function localTen(days, timeZone) {
  let ms = future(days, 10);
  for (let i = 0; i < 3; i++) ms = future(days, 10) - offsetMinutes(ms, timeZone) * 60000;
  return ms;
}
// The first day (from now, at least minDays ahead) after which the zone's UTC offset changes.
function daysToDstChange(timeZone, minDays) {
  for (let d = minDays; d < minDays + 400; d++)
    if (offsetMinutes(future(d, 12), timeZone) !== offsetMinutes(future(d + 1, 12), timeZone)) return d + 1;
  throw new Error('no DST change found');
}
function outboxOf(ids) {
  return sql(`SELECT kind, status, payload::text FROM outbox WHERE video_session_id IN (${ids.join(',')}) ORDER BY id`);
}

test('a weekly series of 10: its own room each, one password shown once, one invitation', async () => {
  const { partner, client } = await practice();
  const start = localTen(5, 'Europe/Berlin');
  const r = await create(partner, body(client, start, { notes: 'intake done', recurrence: { frequency: 'weekly', interval: 1, count: 10 } }));
  assert.equal(r.status, 201, r.text);
  assert.equal(typeof r.json.series_id, 'number');
  assert.equal(r.json.sessions.length, 10);
  assert.deepEqual(r.json.skipped, []);
  assert.match(r.json.password, /^\d{6}$/);
  const ids = r.json.sessions.map((s) => s.id);
  r.json.sessions.forEach((s, i) => {
    assert.equal(s.title, 'Weekly therapy');
    assert.equal(s.duration_minutes, 50);
    assert.equal(s.notes, 'intake done');
    assert.equal(s.password, r.json.password, 'one password for the series');
    assert.deepEqual(s.series, { id: r.json.series_id, index: i + 1, count: 10, interval_weeks: 1 });
    assert.equal(local(Date.parse(s.session_date), 'Europe/Berlin').slice(11), '10:00');
    if (i > 0) {
      const gap = Date.parse(s.session_date) - Date.parse(r.json.sessions[i - 1].session_date);
      assert.ok(Math.abs(gap - WEEK) <= 3600000, 'a week apart');
    }
  });
  const rooms = sql(`SELECT count(DISTINCT meeting_room_id), count(DISTINCT password_hash), count(*) FROM video_sessions WHERE series_id = ${r.json.series_id}`);
  assert.deepEqual(rooms, [['10', '1', '10']]);
  // the password is shown once: reads do not carry it
  const read = await api('GET', `/api/video-sessions/${ids[3]}`, { token: partner.token });
  assert.equal(read.status, 200);
  assert.equal(read.json.password, undefined);
  assert.deepEqual(read.json.series, { id: r.json.series_id, index: 4, count: 10, interval_weeks: 1 });
  // the client sees the series too (without notes)
  const seen = await api('GET', `/api/video-sessions/${ids[0]}`, { token: client.token });
  assert.equal(seen.json.series.count, 10);
  assert.equal(seen.json.notes, undefined);
  // one "scheduled" message for the series, listing its ten dates; reminders are planned by the
  // sender as they come due (none is written at create)
  const mail = outboxOf(ids);
  const scheduled = mail.filter(([kind, status]) => kind === 'session_scheduled' && status === 'pending');
  assert.equal(scheduled.length, 1, JSON.stringify(mail));
  const series = JSON.parse(scheduled[0][2]).series;
  assert.equal(series.dates.length, 10);
  assert.equal(Date.parse(series.dates[9].start), Date.parse(r.json.sessions[9].session_date));
  assert.equal(mail.filter(([kind, status]) => kind === 'session_scheduled' && status === 'cancelled').length, 9);
  assert.equal(mail.filter(([kind]) => kind.startsWith('reminder_')).length, 0);
});

test('every 2 weeks until a date; until before the first date or past a year is refused', async () => {
  const { partner, client } = await practice();
  const start = localTen(4, 'Europe/Berlin');
  const until = local(start + 6 * WEEK + 86400000, 'Europe/Berlin').slice(0, 10);
  const r = await create(partner, body(client, start, { password_enabled: false, recurrence: { frequency: 'weekly', interval: 2, until } }));
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.sessions.length, 4, 'weeks 0, 2, 4 and 6');
  assert.equal(r.json.password, undefined);
  assert.equal(r.json.sessions[3].series.interval_weeks, 2);
  assert.ok(Math.abs(Date.parse(r.json.sessions[1].session_date) - start - 2 * WEEK) <= 3600000);
  const before = dbChecksum();
  const firstDay = local(start, 'Europe/Berlin').slice(0, 10);
  const dayBefore = local(start - 86400000, 'Europe/Berlin').slice(0, 10);
  const later = local(start + 367 * 86400000, 'Europe/Berlin').slice(0, 10);
  for (const [until2, ok] of [[dayBefore, false], [later, false]]) {
    const x = await create(partner, body(client, start + 3600000 * 3, { recurrence: { frequency: 'weekly', until: until2 } }));
    assert.equal(x.status, ok ? 201 : 422, x.text);
    assert.equal(x.json.error.field, 'recurrence.until');
  }
  assert.equal(dbChecksum(), before);
  // until on the first date itself: one session
  const one = await create(partner, body(client, start + 3600000 * 3, { password_enabled: false, recurrence: { frequency: 'weekly', until: firstDay } }));
  assert.equal(one.status, 201, one.text);
  assert.equal(one.json.sessions.length, 1);
});

for (const zone of ['Europe/Berlin', 'America/New_York']) {
  test(`a series across a DST change in ${zone} keeps its wall-clock time`, async () => {
    const partner = makeUser('partner', { timezone: zone });
    const client = makeUser('client', { timezone: 'Asia/Tokyo' });
    link(partner, client);
    await login(partner);
    const change = daysToDstChange(zone, 20);
    const start = localTen(change - 15, zone);
    const r = await create(partner, body(client, start, { password_enabled: false, recurrence: { frequency: 'weekly', count: 5 } }));
    assert.equal(r.status, 201, r.text);
    const starts = r.json.sessions.map((s) => Date.parse(s.session_date));
    for (const ms of starts) assert.equal(local(ms, zone).slice(11), '10:00', `${zone} ${iso(ms)}`);
    const offsets = new Set(starts.map((ms) => offsetMinutes(ms, zone)));
    assert.equal(offsets.size, 2, 'the series crosses the change');
    const utcHours = new Set(starts.map((ms) => new Date(ms).getUTCHours()));
    assert.equal(utcHours.size, 2, 'so the UTC hour moves');
    // the calendar file says the same: expanded by ical.js, the dates are the sessions' local times
    const ics = await api('GET', `/api/video-sessions/${r.json.sessions[2].id}/calendar.ics`, { token: partner.token });
    assert.equal(ics.status, 200);
    const ev = new ICAL.Event(new ICAL.Component(ICAL.parse(ics.text)).getFirstSubcomponent('vevent'));
    assert.equal(ev.component.getFirstProperty('dtstart').getParameter('tzid'), zone);
    const it = ev.iterator();
    const expanded = [];
    for (let t = it.next(); t; t = it.next()) expanded.push(t.toString().slice(0, 16));
    assert.deepEqual(expanded, starts.map((ms) => local(ms, zone)));
  });
}

test('a clash refuses the whole series and lists each clashing date; skip_conflicts books the rest', async () => {
  const { partner, client } = await practice();
  const other = makeUser('client', { name: 'Robin Other' });
  link(partner, other);
  const start = localTen(6, 'Europe/Berlin');
  const plain = await create(partner, { ...body(other, start + 2 * WEEK + 30 * 60000), title: 'Robin weekly', password_enabled: false });
  assert.equal(plain.status, 201, plain.text);
  const w5 = await create(partner, { ...body(client, start + 5 * WEEK), title: 'Already there', password_enabled: false });
  assert.equal(w5.status, 201, w5.text);
  const before = dbChecksum();
  const outboxBefore = sql('SELECT count(*) FROM outbox')[0][0];
  const seriesBefore = sql('SELECT count(*) FROM session_series')[0][0];
  const r = await create(partner, body(client, start, { recurrence: { frequency: 'weekly', count: 8 } }));
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.code, 'conflict');
  const c = r.json.error.details.conflicts;
  assert.equal(c.length, 2, r.text);
  assert.equal(Date.parse(c[0].session_date), Date.parse(r.json ? c[0].session_date : 0));
  assert.equal(c[0].conflicting.id, plain.json.id);
  assert.equal(c[0].conflicting.title, 'Robin weekly');
  assert.deepEqual(c[0].conflicting.user, { id: other.id, name: 'Robin Other' });
  assert.equal(c[1].conflicting.id, w5.json.id);
  assert.equal(c[1].conflicting.title, 'Already there');
  assert.equal(dbChecksum(), before, 'nothing was booked');
  assert.equal(sql('SELECT count(*) FROM outbox')[0][0], outboxBefore, 'and nothing was sent');
  assert.equal(sql('SELECT count(*) FROM session_series')[0][0], seriesBefore);

  const s = await create(partner, body(client, start, { recurrence: { frequency: 'weekly', count: 8 }, skip_conflicts: true }));
  assert.equal(s.status, 201, s.text);
  assert.equal(s.json.sessions.length, 6);
  assert.equal(s.json.skipped.length, 2);
  assert.equal(s.json.skipped[1].conflicting.id, w5.json.id);
  assert.deepEqual(s.json.sessions.map((x) => x.series.index), [1, 2, 4, 5, 7, 8]);
  // every booked date, nothing overlapping
  const [[overlaps]] = sql(`SELECT count(*) FROM bookings a JOIN bookings b ON a.partner_id = b.partner_id AND a.id < b.id
    AND a.active AND b.active AND a.during && b.during WHERE a.partner_id = ${partner.id}`);
  assert.equal(overlaps, '0');
});

test('bad recurrence and scope input: 422 naming the field, nothing changed', async () => {
  const { partner, client } = await practice();
  const start = localTen(8, 'Europe/Berlin');
  const single = await create(partner, body(client, start + 3 * 3600000, { password_enabled: false }));
  assert.equal(single.status, 201);
  const before = dbChecksum();
  const cases = [
    [{ frequency: 'weekly', count: 0 }, 'recurrence.count'],
    [{ frequency: 'weekly', count: 53 }, 'recurrence.count'],
    [{ frequency: 'weekly', count: 1 }, 'recurrence.count'],
    [{ frequency: 'weekly', count: 2.5 }, 'recurrence.count'],
    [{ frequency: 'weekly', count: '10' }, 'recurrence.count'],
    [{ frequency: 'weekly', interval: 3, count: 4 }, 'recurrence.interval'],
    [{ frequency: 'weekly', interval: 0, count: 4 }, 'recurrence.interval'],
    [{ frequency: 'daily', count: 4 }, 'recurrence.frequency'],
    [{ frequency: 7, count: 4 }, 'recurrence.frequency'],
    [{ count: 4 }, 'recurrence.frequency'],
    [{ frequency: 'weekly' }, 'recurrence.count'],
    [{ frequency: 'weekly', count: 4, until: '2099-01-01' }, 'recurrence.until'],
    [{ frequency: 'weekly', until: '2027-02-30' }, 'recurrence.until'],
    [{ frequency: 'weekly', until: '27-01-01xx' }, 'recurrence.until'],
    [{ frequency: 'weekly', until: 20270101 }, 'recurrence.until'],
    [{ frequency: 'weekly', count: 4, every: 'monday' }, 'recurrence'],
    ['weekly', 'recurrence'],
    [[{ frequency: 'weekly' }], 'recurrence'],
    [null, 'recurrence'],
  ];
  for (const [recurrence, field] of cases) {
    const r = await create(partner, body(client, start, { recurrence }));
    assert.equal(r.status, 422, `${JSON.stringify(recurrence)}: ${r.text}`);
    assert.equal(r.json.error.code, 'validation_failed');
    assert.equal(r.json.error.field, field, JSON.stringify(recurrence));
  }
  for (const [extra, field] of [[{ skip_conflicts: true }, 'skip_conflicts'],
    [{ recurrence: { frequency: 'weekly', count: 3 }, skip_conflicts: 'yes' }, 'skip_conflicts'],
    [{ recurrence: { frequency: 'weekly', count: 3 }, title: '' }, 'title'],
    [{ recurrence: { frequency: 'weekly', count: 3 }, scope: 'one' }, 'scope']]) {
    const r = await create(partner, body(client, start, extra));
    assert.equal(r.status, 422, r.text);
    assert.equal(r.json.error.field, field, JSON.stringify(extra));
  }
  // beyond the booking horizon (730 days): the last date of the series is checked
  const far = await create(partner, body(client, Date.now() + 700 * 86400000, { recurrence: { frequency: 'weekly', interval: 2, count: 10 } }));
  assert.equal(far.status, 422, far.text);
  assert.equal(far.json.error.field, 'recurrence.count');
  // scope on a session outside any series, or a scope that is not one of the two
  for (const [r, field] of [
    [await put(partner, single.json.id, { title: 'x', scope: 'following' }), 'scope'],
    [await put(partner, single.json.id, { title: 'x', scope: 'one' }), 'scope'],
    [await cancel(partner, single.json.id, { scope: 'one' }), 'scope'],
    [await cancel(partner, single.json.id, { scope: 'following' }), 'scope'],
    [await cancel(partner, single.json.id, { scope: 'all' }), 'scope'],
    [await put(partner, single.json.id, { title: 'x', scope: 5 }), 'scope'],
  ]) {
    assert.equal(r.status, 422, r.text);
    assert.equal(r.json.error.field, field);
  }
  // a client may not make a series
  const byClient = await create(client, body(client, start, { recurrence: { frequency: 'weekly', count: 3 } }));
  assert.equal(byClient.status, 403);
  assert.equal(dbChecksum(), before, 'refusals change nothing');
});

test('this and following: moved by the same wall-clock change, the series splits; all or nothing', async () => {
  const { partner, client } = await practice();
  const start = localTen(3, 'Europe/Berlin');
  const r = await create(partner, body(client, start, { password_enabled: false, recurrence: { frequency: 'weekly', count: 10 } }));
  assert.equal(r.status, 201, r.text);
  const ids = r.json.sessions.map((s) => s.id);
  const old = r.json.sessions.map((s) => Date.parse(s.session_date));
  const fourth = ids[3];

  // another partner's member: 404 before any scope rule
  const stranger = makeUser('partner');
  await login(stranger);
  assert.equal((await put(stranger, fourth, { title: 'x', scope: 'following' })).status, 404);
  // a field that belongs to one session
  const pw = await put(partner, fourth, { password_enabled: true, scope: 'following' });
  assert.equal(pw.status, 422);
  assert.equal(pw.json.error.field, 'password_enabled');

  // a clash at the new time of the 8th: 409 listing it, nothing changed
  const blocker = await api('POST', `/api/partners/${partner.id}/appointments`, { token: partner.token, body: {
    title: 'Supervision', starts_at: iso(old[7] + 90 * 60000), ends_at: iso(old[7] + 150 * 60000) } });
  assert.equal(blocker.status, 201, blocker.text);
  const before = dbChecksum();
  const clash = await put(partner, fourth, { session_date: iso(old[3] + 90 * 60000), scope: 'following' });
  assert.equal(clash.status, 409, clash.text);
  assert.equal(clash.json.error.details.conflicts.length, 1);
  assert.equal(clash.json.error.details.conflicts[0].id, ids[7]);
  assert.equal(clash.json.error.details.conflicts[0].conflicting.kind, 'appointment');
  assert.equal(dbChecksum(), before, 'nothing moved');
  assert.equal((await api('DELETE', `/api/appointments/${blocker.json.id}`, { token: partner.token })).status, 204);

  // one hour later from the 4th on, with a new title and length
  const m = await put(partner, fourth, { session_date: iso(old[3] + 3600000), title: 'Weekly therapy (evening)',
    duration_minutes: 60, scope: 'following' });
  assert.equal(m.status, 200, m.text);
  assert.notEqual(m.json.series_id, r.json.series_id, 'a new series from the 4th');
  assert.equal(m.json.sessions.length, 7);
  m.json.sessions.forEach((s, i) => {
    assert.equal(s.id, ids[3 + i]);
    assert.equal(Date.parse(s.session_date), old[3 + i] + 3600000);
    assert.equal(local(Date.parse(s.session_date), 'Europe/Berlin').slice(11), '11:00');
    assert.equal(s.title, 'Weekly therapy (evening)');
    assert.equal(s.duration_minutes, 60);
    assert.deepEqual(s.series, { id: m.json.series_id, index: i + 1, count: 7, interval_weeks: 1 });
  });
  const first = await api('GET', `/api/video-sessions/${ids[0]}`, { token: partner.token });
  assert.equal(Date.parse(first.json.session_date), old[0], 'earlier members keep their time');
  assert.deepEqual(first.json.series, { id: r.json.series_id, index: 1, count: 3, interval_weeks: 1 });

  // title only, from the 6th: no split, the same series
  const t = await put(partner, ids[5], { title: 'Renamed', notes: 'n', scope: 'following' });
  assert.equal(t.status, 200, t.text);
  assert.equal(t.json.series_id, m.json.series_id);
  assert.deepEqual(t.json.sessions.map((s) => s.id), ids.slice(5));
  assert.ok(t.json.sessions.every((s) => s.title === 'Renamed' && s.notes === 'n'));

  // scope "one": only that member moves; it stays in its series
  const one = await put(partner, ids[1], { session_date: iso(old[1] + 2 * 3600000), scope: 'one' });
  assert.equal(one.status, 200, one.text);
  assert.equal(one.json.id, ids[1]);
  assert.equal(one.json.series.index, 2);
  const third = await api('GET', `/api/video-sessions/${ids[2]}`, { token: partner.token });
  assert.equal(Date.parse(third.json.session_date), old[2]);
});

test('cancel this one or this and following; the calendar file carries RRULE, EXDATE and the moved date', async () => {
  const { partner, client } = await practice();
  const zone = 'Europe/Berlin';
  const start = localTen(9, zone);
  const r = await create(partner, body(client, start, { password_enabled: false, recurrence: { frequency: 'weekly', count: 8 } }));
  assert.equal(r.status, 201, r.text);
  const ids = r.json.sessions.map((s) => s.id);
  const old = r.json.sessions.map((s) => Date.parse(s.session_date));

  const c1 = await cancel(partner, ids[1], { reason: 'Holiday', scope: 'one' });
  assert.equal(c1.status, 200, c1.text);
  assert.equal(c1.json.status, 'cancelled');
  assert.equal((await api('GET', `/api/video-sessions/${ids[2]}`, { token: partner.token })).json.status, 'scheduled');
  assert.equal((await cancel(client, ids[6], { scope: 'following' })).status, 403);
  const cf = await cancel(partner, ids[6], { reason: 'Ending therapy', scope: 'following' });
  assert.equal(cf.status, 200, cf.text);
  assert.deepEqual(cf.json.sessions.map((s) => [s.id, s.status, s.cancel_reason]),
    [[ids[6], 'cancelled', 'Ending therapy'], [ids[7], 'cancelled', 'Ending therapy']]);
  const again = await cancel(partner, ids[6], { scope: 'following' });
  assert.equal(again.status, 409);
  assert.equal(again.json.error.code, 'invalid_state');
  const moved = await put(partner, ids[4], { session_date: iso(old[4] + 86400000), scope: 'one' });
  assert.equal(moved.status, 200, moved.text);

  const ics = await api('GET', `/api/video-sessions/${ids[0]}/calendar.ics`, { token: client.token });
  assert.equal(ics.status, 200);
  assert.match(ics.text, /\r\nRRULE:FREQ=WEEKLY;INTERVAL=1;COUNT=8\r\n/);
  const comp = new ICAL.Component(ICAL.parse(ics.text));
  const events = comp.getAllSubcomponents('vevent').map((e) => new ICAL.Event(e));
  const master = events.find((e) => !e.isRecurrenceException());
  assert.equal(master.summary, 'Weekly therapy');
  const exdates = master.component.getAllProperties('exdate').map((p) => p.getFirstValue().toString().slice(0, 16));
  assert.deepEqual(exdates, [old[1], old[6], old[7]].map((ms) => local(ms, zone)));
  for (const e of events.filter((x) => x.isRecurrenceException())) master.relateException(e);
  const it = master.iterator();
  const got = [];
  for (let t = it.next(); t; t = it.next()) {
    const d = master.getOccurrenceDetails(t);
    const s = d.startDate;
    got.push(s.zone && s.zone.tzid === 'UTC' ? local(s.toJSDate().getTime(), zone) : s.toString().slice(0, 16));
  }
  const live = (await api('GET', `/api/users/${client.id}/video-sessions?when=upcoming&limit=100`, { token: client.token }))
    .json.video_sessions.filter((s) => s.series && s.series.id === r.json.series_id && s.status !== 'cancelled');
  assert.equal(live.length, 5);
  assert.deepEqual(got, live.map((s) => local(Date.parse(s.session_date), zone)).sort());
});

test('50 concurrent series overlapping one another: no double booking, every answer complete', async () => {
  const { partner, client } = await practice();
  const start = localTen(30, 'Europe/Berlin');
  const results = await Promise.all(Array.from({ length: 50 }, (_, i) => create(partner, body(client, start + (i % 5) * 15 * 60000, {
    password_enabled: false, duration_minutes: 30, recurrence: { frequency: 'weekly', count: 4 }, skip_conflicts: i % 2 === 1 }))));
  const made = [];
  for (const r of results) {
    assert.ok(r.status === 201 || r.status === 409, r.text);
    if (r.status === 201) {
      assert.equal(r.json.sessions.length + r.json.skipped.length, 4, r.text);
      assert.ok(r.json.sessions.length > 0);
      for (const s of r.json.sessions) assert.equal(s.series.id, r.json.series_id);
      for (const k of r.json.skipped) assert.equal(typeof k.conflicting.id, 'number');
      made.push(...r.json.sessions.map((s) => `${s.id}@${Date.parse(s.session_date)}`));
    } else {
      assert.equal(r.json.error.code, 'conflict');
      const c = r.json.error.details.conflicts;
      assert.ok(c.length >= 1 && c.length <= 4);
      for (const k of c) assert.equal(typeof k.conflicting.id, 'number', r.text);
    }
  }
  assert.ok(results.some((r) => r.status === 201));
  const rows = sql(`SELECT id, (extract(epoch FROM session_date) * 1000)::int8 FROM video_sessions WHERE partner_id = ${partner.id}`)
    .map(([id, ms]) => `${id}@${ms}`);
  assert.deepEqual(rows.sort(), made.sort(), 'the answers describe exactly what was booked');
  const [[overlaps]] = sql(`SELECT count(*) FROM bookings a JOIN bookings b ON a.partner_id = b.partner_id AND a.id < b.id
    AND a.active AND b.active AND a.during && b.during WHERE a.partner_id = ${partner.id}`);
  assert.equal(overlaps, '0');
  const [[series]] = sql(`SELECT count(*) FROM session_series WHERE partner_id = ${partner.id}`);
  assert.equal(Number(series), results.filter((r) => r.status === 201).length, 'no series without sessions');
});

test('a member given to another client leaves the series; its .ics is its own again', async () => {
  const { partner, client } = await practice();
  const other = makeUser('client');
  link(partner, other);
  await login(other);
  const start = localTen(12, 'Europe/Berlin');
  const r = await create(partner, body(client, start, { password_enabled: false, recurrence: { frequency: 'weekly', count: 3 } }));
  assert.equal(r.status, 201, r.text);
  const ids = r.json.sessions.map((s) => s.id);
  const moved = await put(partner, ids[1], { user_id: other.id });
  assert.equal(moved.status, 200, moved.text);
  assert.equal(moved.json.series, null);
  const ics = await api('GET', `/api/video-sessions/${ids[1]}/calendar.ics`, { token: other.token });
  assert.equal(ics.status, 200);
  assert.doesNotMatch(ics.text, /RRULE/);
  assert.match(ics.text, new RegExp(`UID:video-session-${ids[1]}@`));
  // the series' own file leaves that date out, and a "following" change no longer reaches it
  const mine = await api('GET', `/api/video-sessions/${ids[0]}/calendar.ics`, { token: client.token });
  assert.equal((mine.text.match(/\r\nEXDATE/g) || []).length, 1);
  assert.ok(!mine.text.includes(`/join/${ids[1]}`));
  const f = await put(partner, ids[0], { title: 'Renamed', scope: 'following' });
  assert.equal(f.status, 200, f.text);
  assert.deepEqual(f.json.sessions.map((s) => s.id), [ids[0], ids[2]]);
  assert.equal((await api('GET', `/api/video-sessions/${ids[1]}`, { token: partner.token })).json.title, 'Weekly therapy');
});
