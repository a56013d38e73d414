// Video sessions, appointments and the calendar: the contract of API.md, race-free booking.
import test from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { api, practice, makeUser, link, login, sql, dbChecksum, minutesFromNow } from './lib.mjs';

function iso(ms) { return new Date(ms).toISOString().replace('.000Z', 'Z'); }
// A start time far enough ahead that tests never collide with "now", on a 15-minute grid.
function future(days, hours = 10, minutes = 0) {
  const t = new Date(Date.now() + days * 86400000);
  t.setUTCHours(hours, minutes, 0, 0);
  return t.getTime();
}
async function create(partner, body) {
  return api('POST', '/api/video-sessions', { token: partner.token, body });
}
function sessionBody(client, start, extra = {}) {
  return { user_id: client.id, title: 'Weekly check-in', session_date: iso(start), duration_minutes: 60, ...extra };
}

test('a partner creates a session and gets the password once', async () => {
  const { partner, client } = await practice();
  const start = future(3);
  const r = await create(partner, sessionBody(client, start, { notes: 'private' }));
  assert.equal(r.status, 201, r.text);
  const s = r.json;
  assert.equal(s.partner_id, partner.id);
  assert.equal(s.user_id, client.id);
  assert.deepEqual(s.partner, { id: partner.id, name: partner.name });
  assert.deepEqual(s.user, { id: client.id, name: client.name });
  assert.equal(s.session_date, iso(start));
  assert.equal(s.end_date, iso(start + 60 * 60000));
  assert.equal(s.duration_minutes, 60);
  assert.equal(s.status, 'scheduled');
  assert.equal(s.password_enabled, true);
  assert.match(s.password, /^\d{6}$/);
  assert.match(s.meeting_url, new RegExp(`/join/${s.id}$`));
  assert.equal(s.notes, 'private');
  assert.ok(!('room' in s) && !('meeting_room_id' in s));
  // the password is stored only as an argon2id hash
  const [[hash]] = sql(`SELECT password_hash FROM video_sessions WHERE id = ${s.id}`);
  assert.match(hash, /^\$argon2id\$/);
  assert.ok(!hash.includes(s.password));
  // and never shown again
  const g = await api('GET', `/api/video-sessions/${s.id}`, { token: partner.token });
  assert.equal(g.status, 200);
  assert.ok(!('password' in g.json));
  assert.ok(!/argon2/.test(g.text));
});

test('times in any offset are answered in UTC with Z', async () => {
  const { partner, client } = await practice();
  const start = future(4, 15);
  const local = new Date(start + 3600000).toISOString().slice(0, 19) + '+01:00';
  const r = await create(partner, sessionBody(client, 0, { session_date: local }));
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.session_date, iso(start));
});

test('the client reads the session without notes and cannot change it', async () => {
  const { partner, client } = await practice();
  const s = (await create(partner, sessionBody(client, future(5), { notes: 'secret notes' }))).json;
  const r = await api('GET', `/api/video-sessions/${s.id}`, { token: client.token });
  assert.equal(r.status, 200);
  assert.ok(!('notes' in r.json));
  assert.ok(!r.text.includes('secret notes'));
  const l = await api('GET', `/api/users/${client.id}/video-sessions`, { token: client.token });
  assert.equal(l.status, 200);
  assert.equal(l.json.video_sessions.length, 1);
  assert.ok(!l.text.includes('secret notes'));
  assert.equal((await api('PUT', `/api/video-sessions/${s.id}`, { token: client.token, body: { title: 'x' } })).status, 403);
  assert.equal((await api('DELETE', `/api/video-sessions/${s.id}`, { token: client.token })).status, 403);
  assert.equal((await create(client, sessionBody(client, future(6)))).status, 403);
});

test('validation refuses every broken field with 422 naming it, and writes nothing', async () => {
  const { partner, client } = await practice();
  const stranger = makeUser('client');
  const start = future(7);
  const cases = [
    [{ user_id: stranger.id }, 'user_id'],
    [{ user_id: 0 }, 'user_id'],
    [{ user_id: '1' }, 'user_id'],
    [{ user_id: 1.5 }, 'user_id'],
    [{ user_id: 1e300 }, 'user_id'],
    [{ title: '' }, 'title'],
    [{ title: '   ' }, 'title'],
    [{ title: 'x'.repeat(201) }, 'title'],
    [{ title: 7 }, 'title'],
    [{ session_date: 'tomorrow' }, 'session_date'],
    [{ session_date: '2026-13-01T10:00:00Z' }, 'session_date'],
    [{ session_date: '2026-12-01T10:00:00' }, 'session_date'],
    [{ session_date: iso(Date.now() - 3600000) }, 'session_date'],
    [{ duration_minutes: 15 }, 'duration_minutes'],
    [{ duration_minutes: 195 }, 'duration_minutes'],
    [{ duration_minutes: 50.5 }, 'duration_minutes'],
    [{ duration_minutes: 42 }, 'duration_minutes'],
    [{ duration_minutes: '60' }, 'duration_minutes'],
    [{ notes: 'n'.repeat(10001) }, 'notes'],
    [{ password_enabled: 'yes' }, 'password_enabled'],
    [{ colour: 'purple' }, 'colour'],
    [{ status: 'cancelled' }, 'status'],
  ];
  const before = dbChecksum();
  for (const [patch, field] of cases) {
    const r = await create(partner, { ...sessionBody(client, start), ...patch });
    assert.equal(r.status, 422, `${JSON.stringify(patch)}: ${r.text}`);
    assert.equal(r.json.error.code, 'validation_failed');
    assert.equal(r.json.error.field, field, JSON.stringify(patch));
  }
  for (const missing of ['user_id', 'title', 'session_date', 'duration_minutes']) {
    const body = sessionBody(client, start);
    delete body[missing];
    const r = await create(partner, body);
    assert.equal(r.status, 422);
    assert.equal(r.json.error.field, missing);
  }
  // both sides of every bound pass where they should
  for (const d of [30, 45, 180]) {
    const r = await create(partner, sessionBody(client, future(8, 1 + d / 15), { duration_minutes: d, title: 'x'.repeat(200), notes: 'n'.repeat(10000) }));
    assert.equal(r.status, 201, r.text);
  }
  assert.notEqual(dbChecksum(), before); // the valid ones did write
});

test('overlapping bookings are 409 with the booking in the way; adjacent ones are fine', async () => {
  const { partner, client } = await practice();
  const start = future(9);
  const a = (await create(partner, sessionBody(client, start))).json;
  const r = await create(partner, sessionBody(client, start + 30 * 60000));
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'conflict');
  // named by its title and client, for "overlaps Progress review with Sam, 10:00–10:50"
  assert.deepEqual(r.json.error.details.conflicting, { kind: 'video_session', id: a.id, start: a.session_date, end: a.end_date, title: a.title, user: { id: client.id, name: client.name } });
  // adjacent: one starts exactly when the other ends
  const b = await create(partner, sessionBody(client, start + 60 * 60000));
  assert.equal(b.status, 201, b.text);
  const c = await create(partner, sessionBody(client, start - 30 * 60000, { duration_minutes: 30 }));
  assert.equal(c.status, 201, c.text);
  // an appointment in the way is named as one
  const ap = await api('POST', `/api/partners/${partner.id}/appointments`, { token: partner.token, body: { title: 'Supervision', starts_at: iso(start + 200 * 60000), ends_at: iso(start + 260 * 60000) } });
  assert.equal(ap.status, 201, ap.text);
  const r2 = await create(partner, sessionBody(client, start + 210 * 60000));
  assert.equal(r2.status, 409);
  assert.equal(r2.json.error.details.conflicting.kind, 'appointment');
  assert.equal(r2.json.error.details.conflicting.id, ap.json.id);
  // cancelling frees the slot
  const u = await api('PUT', `/api/video-sessions/${a.id}`, { token: partner.token, body: { status: 'cancelled' } });
  assert.equal(u.status, 200, u.text);
  assert.equal(u.json.status, 'cancelled');
  assert.equal((await create(partner, sessionBody(client, start + 10 * 60000, { duration_minutes: 30 }))).status, 201);
  // a cancelled session cannot be moved
  const mv = await api('PUT', `/api/video-sessions/${a.id}`, { token: partner.token, body: { session_date: iso(future(20)) } });
  assert.equal(mv.status, 409);
  assert.equal(mv.json.error.code, 'invalid_state');
});

test('50 concurrent creates for overlapping slots: exactly one wins', async () => {
  const { partner, client } = await practice();
  const start = future(11);
  const results = await Promise.all(Array.from({ length: 50 }, (_, i) =>
    create(partner, sessionBody(client, start + (i % 4) * 15 * 60000, { password_enabled: false }))));
  const codes = results.map((r) => r.status);
  assert.equal(codes.filter((c) => c === 201).length, 1, codes.join(','));
  assert.equal(codes.filter((c) => c === 409).length, 49, codes.join(','));
  const [[n]] = sql(`SELECT count(*) FROM video_sessions WHERE partner_id = ${partner.id}`);
  assert.equal(n, '1');
});

test('an appointment racing a session for the same slot: exactly one wins', async () => {
  const { partner, client } = await practice();
  const start = future(12);
  const reqs = [];
  for (let i = 0; i < 20; i++) {
    reqs.push(i % 2 === 0
      ? create(partner, sessionBody(client, start, { password_enabled: false }))
      : api('POST', `/api/partners/${partner.id}/appointments`, { token: partner.token, body: { title: 'Block', starts_at: iso(start + 10 * 60000), ends_at: iso(start + 70 * 60000) } }));
  }
  const codes = (await Promise.all(reqs)).map((r) => r.status);
  assert.equal(codes.filter((c) => c === 201).length, 1, codes.join(','));
  assert.equal(codes.filter((c) => c === 409).length, 19);
  const [[n]] = sql(`SELECT count(*) FROM bookings WHERE partner_id = ${partner.id}`);
  assert.equal(n, '1');
});

test('update: partial changes, regenerated passwords, rules as on create', async () => {
  const { partner, client } = await practice();
  const s = (await create(partner, sessionBody(client, future(13)))).json;
  const r = await api('PUT', `/api/video-sessions/${s.id}`, { token: partner.token, body: { title: 'Renamed', duration_minutes: 90 } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.title, 'Renamed');
  assert.equal(r.json.end_date, iso(Date.parse(s.session_date) + 90 * 60000));
  assert.ok(!('password' in r.json));
  const g = await api('PUT', `/api/video-sessions/${s.id}`, { token: partner.token, body: { regenerate_password: true } });
  assert.match(g.json.password, /^\d{6}$/);
  const off = await api('PUT', `/api/video-sessions/${s.id}`, { token: partner.token, body: { password_enabled: false } });
  assert.equal(off.json.password_enabled, false);
  assert.ok(!('password' in off.json));
  const on = await api('PUT', `/api/video-sessions/${s.id}`, { token: partner.token, body: { password_enabled: true } });
  assert.match(on.json.password, /^\d{6}$/);
  const bad = await api('PUT', `/api/video-sessions/${s.id}`, { token: partner.token, body: { duration_minutes: 200 } });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.field, 'duration_minutes');
  const st = await api('PUT', `/api/video-sessions/${s.id}`, { token: partner.token, body: { status: 'completed' } });
  assert.equal(st.status, 422);
  assert.equal((await api('PUT', `/api/video-sessions/999999999`, { token: partner.token, body: { title: 'x' } })).status, 404);
});

test('delete removes the session and frees the slot', async () => {
  const { partner, client } = await practice();
  const start = future(14);
  const s = (await create(partner, sessionBody(client, start))).json;
  assert.equal((await api('DELETE', `/api/video-sessions/${s.id}`, { token: partner.token })).status, 204);
  assert.equal((await api('GET', `/api/video-sessions/${s.id}`, { token: partner.token })).status, 404);
  assert.equal((await create(partner, sessionBody(client, start))).status, 201);
});

test('status is true at the moment of the answer', async () => {
  const { partner, client } = await practice();
  const s = (await create(partner, sessionBody(client, future(15)))).json;
  // move it into the past behind the API's back (times are the database's to keep)
  sql(`UPDATE video_sessions SET session_date = date_trunc('second', now()) - interval '10 minutes', end_date = date_trunc('second', now()) + interval '50 minutes' WHERE id = ${s.id}`);
  assert.equal((await api('GET', `/api/video-sessions/${s.id}`, { token: client.token })).json.status, 'in_progress');
  sql(`UPDATE video_sessions SET session_date = date_trunc('second', now()) - interval '2 hours', end_date = date_trunc('second', now()) - interval '1 hour' WHERE id = ${s.id}`);
  assert.equal((await api('GET', `/api/video-sessions/${s.id}`, { token: client.token })).json.status, 'completed');
  const up = await api('GET', `/api/partners/${partner.id}/video-sessions?when=upcoming`, { token: partner.token });
  assert.ok(!up.json.video_sessions.some((x) => x.id === s.id));
  const past = await api('GET', `/api/partners/${partner.id}/video-sessions?when=past`, { token: partner.token });
  assert.ok(past.json.video_sessions.some((x) => x.id === s.id && x.status === 'completed'));
  const mv = await api('PUT', `/api/video-sessions/${s.id}`, { token: partner.token, body: { session_date: iso(future(16)) } });
  // the record after (issue 17): a past session takes only notes and outcome; anything else is 422 naming it
  assert.equal(mv.json?.error?.code, 'validation_failed');
  assert.equal(mv.json?.error?.field, 'session_date');
});

test('pagination walks 250 sessions with limit=7, each exactly once, in order', async () => {
  const partner = makeUser('partner');
  const client = makeUser('client');
  link(partner, client);
  await login(partner);
  sql(`INSERT INTO video_sessions (partner_id, user_id, title, session_date, duration_minutes, end_date, password_enabled, meeting_room_id, jitsi_password)
       SELECT ${partner.id}, ${client.id}, 'S' || g, date_trunc('hour', now()) + interval '1 day' + g * interval '1 hour', 30,
              date_trunc('hour', now()) + interval '1 day' + g * interval '1 hour' + interval '30 minutes', false,
              lower(translate(encode(gen_random_bytes(20), 'base64'), '+/=01890', 'abcdefgh')), encode(gen_random_bytes(18), 'hex')
       FROM generate_series(1, 250) g`);
  for (const when of ['upcoming', 'all']) {
    const seen = [];
    let cursor = null;
    let pages = 0;
    do {
      const r = await api('GET', `/api/partners/${partner.id}/video-sessions?when=${when}&limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: partner.token });
      assert.equal(r.status, 200, r.text);
      assert.ok(r.json.video_sessions.length <= 7);
      seen.push(...r.json.video_sessions.map((s) => s.session_date + '#' + s.id));
      cursor = r.json.next_cursor;
      pages++;
    } while (cursor && pages < 100);
    assert.equal(seen.length, 250);
    assert.equal(new Set(seen).size, 250);
    assert.deepEqual(seen, [...seen].sort());
    assert.equal(pages, 36);
  }
  const bad = await api('GET', `/api/partners/${partner.id}/video-sessions?cursor=garbage`, { token: partner.token });
  assert.equal(bad.status, 422);
  for (const q of ['limit=0', 'limit=101', 'limit=x', 'when=soon', 'from=yesterday', 'sort=title']) {
    const r = await api('GET', `/api/partners/${partner.id}/video-sessions?${q}`, { token: partner.token });
    assert.equal(r.status, 422, q);
  }
  // from/to are half-open bounds on session_date
  const first = Date.parse(iso(future(0)));
  const all = (await api('GET', `/api/partners/${partner.id}/video-sessions?limit=100`, { token: partner.token })).json.video_sessions;
  const from = all[2].session_date, to = all[5].session_date;
  const r = await api('GET', `/api/partners/${partner.id}/video-sessions?from=${from}&to=${to}`, { token: partner.token });
  assert.deepEqual(r.json.video_sessions.map((s) => s.id), all.slice(2, 5).map((s) => s.id));
  assert.ok(first > 0);
});

test('five wrong passwords then 429 even for the right one, across workers', async () => {
  const { partner, client } = await practice();
  const s = (await create(partner, sessionBody(client, future(17)))).json;
  const wrong = s.password === '000000' ? '111111' : '000000';
  const first = await api('POST', `/api/video-sessions/${s.id}/verify-password`, { token: client.token, body: { password: s.password } });
  assert.equal(first.status, 200);
  assert.deepEqual(first.json, { verified: true });
  const tries = await Promise.all(Array.from({ length: 5 }, () =>
    api('POST', `/api/video-sessions/${s.id}/verify-password`, { token: client.token, body: { password: wrong } })));
  assert.deepEqual(tries.map((r) => r.status), [403, 403, 403, 403, 403]);
  assert.equal(tries[0].json.error.code, 'wrong_password');
  const after = await api('POST', `/api/video-sessions/${s.id}/verify-password`, { token: client.token, body: { password: s.password } });
  assert.equal(after.status, 429);
  assert.equal(after.json.error.code, 'too_many_attempts');
  const retry = Number(after.headers.get('retry-after'));
  assert.ok(retry > 0 && retry <= 900, String(retry));
  // the partner and admins do not verify
  assert.equal((await api('POST', `/api/video-sessions/${s.id}/verify-password`, { token: partner.token, body: { password: s.password } })).status, 403);
  const rows = sql(`SELECT outcome, count(*) FROM audit_log WHERE action = 'video_session.verify_password' AND object_id = ${s.id} GROUP BY outcome ORDER BY outcome`);
  assert.deepEqual(rows, [['denied', '1'], ['failed', '5'], ['ok', '1']]);
});

test('no response but create and regenerate carries a password; none carries a hash', async () => {
  const { partner, client } = await practice();
  const s = (await create(partner, sessionBody(client, future(18)))).json;
  const bodies = [
    await api('GET', `/api/video-sessions/${s.id}`, { token: partner.token }),
    await api('GET', `/api/video-sessions/${s.id}`, { token: client.token }),
    await api('GET', `/api/partners/${partner.id}/video-sessions`, { token: partner.token }),
    await api('GET', `/api/users/${client.id}/video-sessions`, { token: client.token }),
    await api('GET', `/api/video-sessions/${s.id}/calendar.ics`, { token: partner.token }),
    await api('PUT', `/api/video-sessions/${s.id}`, { token: partner.token, body: { notes: 'x' } }),
  ];
  for (const b of bodies) {
    assert.ok(!b.text.includes(s.password), b.text.slice(0, 200));
    assert.ok(!/argon2/.test(b.text));
    assert.ok(!/"password"\s*:/.test(b.text));
  }
});

test('the .ics parses with an independent parser, field by field', async () => {
  const { partner, client } = await practice();
  const title = 'Check-in; with, commas\\ and a long title that needs folding beyond seventy-five octets ✓✓✓';
  const s = (await create(partner, sessionBody(client, future(19), { title, notes: 'never in ics' }))).json;
  const r = await api('GET', `/api/video-sessions/${s.id}/calendar.ics`, { token: client.token });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/calendar/);
  assert.ok(r.text.includes('\r\n'));
  for (const line of r.text.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75, line);
  assert.ok(!r.text.includes('never in ics'));
  const comp = new ICAL.Component(ICAL.parse(r.text));
  const ev = comp.getFirstSubcomponent('vevent');
  assert.equal(ev.getFirstPropertyValue('summary'), title);
  assert.equal(ev.getFirstPropertyValue('url'), s.meeting_url);
  assert.equal(ev.getFirstPropertyValue('status'), 'CONFIRMED');
  assert.equal(ev.getFirstPropertyValue('dtstart').toJSDate().toISOString().replace('.000Z', 'Z'), s.session_date);
  assert.equal(ev.getFirstPropertyValue('dtend').toJSDate().toISOString().replace('.000Z', 'Z'), s.end_date);
  const uid = ev.getFirstPropertyValue('uid');
  const seq = ev.getFirstPropertyValue('sequence');
  await api('PUT', `/api/video-sessions/${s.id}`, { token: partner.token, body: { status: 'cancelled' } });
  const r2 = await api('GET', `/api/video-sessions/${s.id}/calendar.ics`, { token: partner.token });
  const ev2 = new ICAL.Component(ICAL.parse(r2.text)).getFirstSubcomponent('vevent');
  assert.equal(ev2.getFirstPropertyValue('uid'), uid);
  assert.ok(ev2.getFirstPropertyValue('sequence') > seq);
  assert.equal(ev2.getFirstPropertyValue('status'), 'CANCELLED');
});

test('appointments: create, read, update, delete, validation, clients see none', async () => {
  const { partner, client } = await practice();
  const start = future(21);
  const path = `/api/partners/${partner.id}/appointments`;
  const c = await api('POST', path, { token: partner.token, body: { title: 'Supervision', starts_at: iso(start), ends_at: iso(start + 3600000), user_id: client.id, notes: 'n' } });
  assert.equal(c.status, 201, c.text);
  assert.deepEqual(c.json.user, { id: client.id, name: client.name });
  assert.equal(c.json.starts_at, iso(start));
  const id = c.json.id;
  for (const [body, field] of [
    [{ title: 'x', starts_at: iso(start + 7200000), ends_at: iso(start + 7200000 + 10 * 60000) }, 'ends_at'],
    [{ title: 'x', starts_at: iso(start + 7200000), ends_at: iso(start + 7200000 + 13 * 3600000) }, 'ends_at'],
    [{ title: 'x', starts_at: iso(start + 7200000), ends_at: iso(start + 3600000) }, 'ends_at'],
    [{ title: '', starts_at: iso(start + 7200000), ends_at: iso(start + 3 * 3600000) }, 'title'],
    [{ title: 'x', starts_at: iso(start + 7200000), ends_at: iso(start + 3 * 3600000), user_id: makeUser('client').id }, 'user_id'],
    [{ title: 'x', starts_at: iso(start + 7200000) }, 'ends_at'],
  ]) {
    const r = await api('POST', path, { token: partner.token, body });
    assert.equal(r.status, 422, JSON.stringify(body) + r.text);
    assert.equal(r.json.error.field, field);
  }
  const u = await api('PUT', `/api/appointments/${id}`, { token: partner.token, body: { title: 'Moved', user_id: null } });
  assert.equal(u.status, 200, u.text);
  assert.equal(u.json.title, 'Moved');
  assert.equal(u.json.user, null);
  const l = await api('GET', `${path}?from=${iso(start - 1000)}&to=${iso(start + 1000)}`, { token: partner.token });
  assert.deepEqual(l.json.appointments.map((a) => a.id), [id]);
  const l2 = await api('GET', `${path}?from=${iso(start + 3600000)}&to=${iso(start + 7200000)}`, { token: partner.token });
  assert.deepEqual(l2.json.appointments, []);
  assert.equal((await api('GET', `${path}?from=${iso(start)}&to=${iso(start)}`, { token: partner.token })).status, 422);
  assert.equal((await api('GET', `/api/appointments/${id}`, { token: client.token })).status, 404);
  assert.equal((await api('GET', path, { token: client.token })).status, 403);
  assert.equal((await api('DELETE', `/api/appointments/${id}`, { token: partner.token })).status, 204);
  assert.equal((await api('GET', `/api/appointments/${id}`, { token: partner.token })).status, 404);
});

test('the calendar lists both kinds in start order without cancelled sessions', async () => {
  const { partner, client } = await practice();
  const day = future(23, 0);
  const s1 = (await create(partner, sessionBody(client, day + 9 * 3600000))).json;
  const s2 = (await create(partner, sessionBody(client, day + 11 * 3600000))).json;
  const ap = (await api('POST', `/api/partners/${partner.id}/appointments`, { token: partner.token, body: { title: 'Lunch', starts_at: iso(day + 10 * 3600000), ends_at: iso(day + 10.5 * 3600000) } })).json;
  await api('PUT', `/api/video-sessions/${s2.id}`, { token: partner.token, body: { status: 'cancelled' } });
  const r = await api('GET', `/api/partners/${partner.id}/calendar?from=${iso(day)}&to=${iso(day + 86400000)}`, { token: partner.token });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.events.map((e) => [e.kind, e.id]), [['video_session', s1.id], ['appointment', ap.id]]);
  assert.deepEqual(r.json.events[0].user, { id: client.id, name: client.name });
  assert.equal(r.json.events[1].user, null);
  assert.equal((await api('GET', `/api/partners/${partner.id}/calendar`, { token: partner.token })).status, 422);
  assert.equal((await api('GET', `/api/partners/${partner.id}/calendar?from=${iso(day)}&to=${iso(day + 93 * 86400000)}`, { token: partner.token })).status, 422);
  assert.equal((await api('GET', `/api/partners/${partner.id}/calendar?from=${iso(day)}&to=${iso(day + 86400000)}`, { token: client.token })).status, 403);
});

test('a partner reads a client\'s sessions only for their own shared ones', async () => {
  const { partner, client } = await practice();
  const other = makeUser('partner');
  link(other, client);
  await login(other);
  const mine = (await create(partner, sessionBody(client, future(25)))).json;
  const theirs = (await create(other, sessionBody(client, future(26)))).json;
  const r = await api('GET', `/api/users/${client.id}/video-sessions`, { token: partner.token });
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.video_sessions.map((s) => s.id), [mine.id]);
  const c = await api('GET', `/api/users/${client.id}/video-sessions`, { token: client.token });
  assert.deepEqual(c.json.video_sessions.map((s) => s.id).sort(), [mine.id, theirs.id].sort());
  const stranger = makeUser('client');
  assert.equal((await api('GET', `/api/users/${stranger.id}/video-sessions`, { token: partner.token })).status, 403);
  assert.equal((await api('GET', `/api/video-sessions/${theirs.id}`, { token: partner.token })).status, 404);
});

test('every change is in the audit log, and so is each read of notes', async () => {
  const { partner, client } = await practice();
  const s = (await create(partner, sessionBody(client, future(27)))).json;
  await api('GET', `/api/video-sessions/${s.id}`, { token: partner.token });
  await api('PUT', `/api/video-sessions/${s.id}`, { token: partner.token, body: { title: 'y' } });
  await api('DELETE', `/api/video-sessions/${s.id}`, { token: partner.token });
  const rows = sql(`SELECT action FROM audit_log WHERE object_type = 'video_session' AND object_id = ${s.id} ORDER BY id`).map((r) => r[0]);
  assert.deepEqual(rows, ['video_session.create', 'video_session.notes_read', 'video_session.update', 'video_session.delete']);
  assert.ok(minutesFromNow(0));
});
