// people.test.mjs — what the people around a session see (issue 18): the guest page's preview
// through the invite, the password check's tries left and remembered verification, the
// partner's view of a lockout, presence beats and the partner's "who is waiting", and session
// lengths in 5-minute steps. Every new field is checked, and so is every kind of bad input.
import test from 'node:test';
import assert from 'node:assert/strict';
import { api, sql, dbChecksum } from './lib.mjs';
import { iso, practice, outsiders, newSession, placeSession, openNow, invite, verify } from './join-helpers.mjs';

const post = (path, body, token) => api('POST', path, { body, token });
const wrongFor = (pw) => (pw === '000000' ? '111111' : '000000');

// ---- the guest preview ---------------------------------------------------------------------------

test('the guest preview shows title, therapist, times and whether a password is needed, and nothing more', async () => {
  const { partner, client } = await practice();
  const s = await newSession(partner, client);
  const inv = (await invite(partner, s.id)).invite;
  const r = await post(`/api/join/${s.id}/preview`, { invite: inv });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.json).sort(), ['duration_minutes', 'end_date', 'partner', 'password_enabled', 'session_date', 'status', 'title']);
  assert.equal(r.json.title, s.title);
  assert.deepEqual(r.json.partner, { name: partner.name });
  assert.equal(r.json.session_date, s.session_date);
  assert.equal(r.json.end_date, s.end_date);
  assert.equal(r.json.duration_minutes, 30);
  assert.equal(r.json.status, 'scheduled');
  assert.equal(r.json.password_enabled, true);
  assert.ok(!r.text.includes(client.name) && !r.text.includes(client.email), 'the client is not named to the guest');

  const open = await newSession(partner, client, { password_enabled: false, session_date: iso(Date.now() + 120 * 60000) });
  const inv2 = (await invite(partner, open.id)).invite;
  assert.equal((await post(`/api/join/${open.id}/preview`, { invite: inv2 })).json.password_enabled, false);
});

test('the guest preview answers 404 like the guest join for unknown, foreign, revoked and ended invites, and refuses bad input', async () => {
  const { partner, client } = await practice();
  const s = await newSession(partner, client);
  const other = await newSession(partner, client, { session_date: iso(Date.now() + 60 * 60000) });
  const first = (await invite(partner, s.id)).invite;
  const otherInv = (await invite(partner, other.id)).invite;
  const joinAnswer = await post(`/api/join/${s.id}`, { invite: 'no-such-invite', name: 'G' });
  assert.equal(joinAnswer.status, 404);
  let before = dbChecksum();
  for (const [what, id, inv] of [['unknown', s.id, 'no-such-invite'], ['another session’s', s.id, otherInv], ['no such session', 987654321, first]]) {
    const r = await post(`/api/join/${id}/preview`, { invite: inv });
    assert.equal(r.status, 404, `${what}: ${r.text}`);
    assert.deepEqual(r.json, joinAnswer.json, `${what}: the same 404 as the join`);
  }
  assert.equal(dbChecksum(), before, 'previews change nothing');
  const second = (await invite(partner, s.id)).invite; // revokes the first
  assert.equal((await post(`/api/join/${s.id}/preview`, { invite: first })).status, 404, 'a revoked invite');
  assert.equal((await post(`/api/join/${s.id}/preview`, { invite: second })).status, 200);
  placeSession(s.id, -31 * 60); // ended a minute ago
  assert.equal((await post(`/api/join/${s.id}/preview`, { invite: second })).status, 404, 'an ended session');
  before = dbChecksum();

  const cases = [
    [{}, 422, 'invite'],
    [{ invite: '' }, 422, 'invite'],
    [{ invite: 5 }, 422, 'invite'],
    [{ invite: 'x'.repeat(129) }, 422, 'invite'],
    [{ invite: second, name: 'G' }, 422, 'name'],
  ];
  for (const [body, status, field] of cases) {
    const r = await post(`/api/join/${other.id}/preview`, body);
    assert.equal(r.status, status, `${JSON.stringify(body).slice(0, 40)}: ${r.text}`);
    assert.equal(r.json.error.field, field);
  }
  assert.equal((await api('POST', `/api/join/${other.id}/preview`, { body: 'invite=x', headers: { 'Content-Type': 'text/plain' } })).status, 415);
  assert.equal((await api('POST', `/api/join/${other.id}/preview`, { body: '{"invite":' })).status, 400);
  assert.equal((await api('GET', `/api/join/${other.id}/preview`)).status, 405);
  assert.equal((await api('POST', `/api/join/${other.id}/preview?invite=${otherInv}`, { body: {} })).status, 422, 'never from a query string');
  assert.equal(dbChecksum(), before, 'previews change nothing');
});

// ---- tries left, verification remembered, the partner's lockout view ----------------------------------

test('a wrong password says how many tries are left; the state survives a reload; the partner sees the lockout until cleared', async () => {
  const { partner, client } = await practice();
  const s = await newSession(partner, client);
  openNow(s.id);
  const state = (u) => api('GET', `/api/video-sessions/${s.id}/password-state`, { token: u.token });

  let c = await state(client);
  assert.equal(c.status, 200, c.text);
  assert.deepEqual(c.json, { password_enabled: true, verified: false, remaining: 5, locked_until: null });
  let p = await state(partner);
  assert.deepEqual(p.json, { password_enabled: true, locked_until: null });

  for (const left of [4, 3, 2, 1, 0]) {
    const r = await verify(client, s.id, wrongFor(s.password));
    assert.equal(r.status, 403);
    assert.equal(r.json.error.code, 'wrong_password');
    assert.deepEqual(r.json.error.details, { remaining: left }, `after a wrong try, ${left} left`);
  }
  assert.equal((await verify(client, s.id, s.password)).status, 429, 'then locked, even with the right one');
  c = await state(client);
  assert.equal(c.json.remaining, 0);
  const until = Date.parse(c.json.locked_until);
  assert.ok(until > Date.now() + 14 * 60000 && until <= Date.now() + 15 * 60000 + 2000, `locked until ${c.json.locked_until}`);
  p = await state(partner);
  assert.equal(p.json.locked_until, c.json.locked_until, 'the partner sees the same lockout');

  assert.equal((await api('DELETE', `/api/video-sessions/${s.id}/password-lockout`, { token: partner.token })).status, 204);
  assert.equal((await state(partner)).json.locked_until, null, 'cleared');
  assert.equal((await verify(client, s.id, s.password)).status, 200);
  c = await state(client);
  assert.deepEqual(c.json, { password_enabled: true, verified: true, remaining: 5, locked_until: null }, 'verified is remembered for a reload');
});

test('a guest’s wrong password counts the guest’s own tries, and the partner sees a guest lockout too', async () => {
  const { partner, client } = await practice();
  const s = await newSession(partner, client);
  openNow(s.id);
  const inv = (await invite(partner, s.id)).invite;
  for (const left of [4, 3, 2, 1, 0]) {
    const r = await post(`/api/join/${s.id}`, { invite: inv, name: 'Gina', password: wrongFor(s.password) });
    assert.equal(r.status, 403);
    assert.deepEqual(r.json.error.details, { remaining: left });
  }
  const missing = await post(`/api/join/${s.id}`, { invite: inv, name: 'Gina' });
  assert.equal(missing.json.error.details, undefined, 'no count when no password was sent');
  const p = await api('GET', `/api/video-sessions/${s.id}/password-state`, { token: partner.token });
  assert.ok(p.json.locked_until, 'a guest locked out shows on the partner’s row');
  const c = await api('GET', `/api/video-sessions/${s.id}/password-state`, { token: client.token });
  assert.equal(c.json.locked_until, null, 'the client is not locked out by the guest');
  assert.equal(c.json.remaining, 5, 'the client’s own 5 (the session-wide cap of 20 has 15 left)');
});

test('the password state is its session’s people’s (and admins’) only', async () => {
  const { partner, client } = await practice();
  const o = await outsiders();
  const s = await newSession(partner, client, { password_enabled: false });
  const get = (u, id = s.id) => api('GET', `/api/video-sessions/${id}/password-state`, { token: u?.token });
  assert.deepEqual((await get(client)).json, { password_enabled: false, verified: false, remaining: 5, locked_until: null });
  assert.equal((await get(o.admin)).status, 200);
  for (const u of [o.partner, o.client]) {
    const r = await get(u);
    assert.equal(r.status, 404);
    assert.deepEqual(r.json, (await get(u, 987654321)).json, 'someone else’s looks like none');
  }
  assert.equal((await get(null)).status, 401);
  assert.equal((await api('POST', `/api/video-sessions/${s.id}/password-state`, { token: client.token, body: {} })).status, 405);
});

// ---- presence ------------------------------------------------------------------------------------

test('presence: beats only inside the window; the partner sees who waits and since when; each side sees the other', async () => {
  const { partner, client } = await practice();
  const s = await newSession(partner, client);
  const beat = (u, place) => post(`/api/video-sessions/${s.id}/presence`, { place }, u.token);
  const waiting = async () => (await api('GET', `/api/partners/${partner.id}/presence`, { token: partner.token })).json.presence.filter((x) => x.video_session_id === s.id);

  placeSession(s.id, 20 * 60); // opens in 5 minutes
  let r = await beat(client, 'waiting');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { recorded: false, present: [] }, 'not recorded before the window opens');
  assert.deepEqual(await waiting(), []);

  openNow(s.id);
  r = await beat(client, 'waiting');
  assert.deepEqual(r.json, { recorded: true, present: [] });
  const w = await waiting();
  assert.equal(w.length, 1);
  assert.deepEqual(Object.keys(w[0]).sort(), ['name', 'place', 'role', 'since', 'video_session_id']);
  assert.equal(w[0].role, 'client');
  assert.equal(w[0].name, client.name);
  assert.equal(w[0].place, 'waiting');
  const since = w[0].since;
  assert.ok(Math.abs(Date.parse(since) - Date.now()) < 10000);

  r = await beat(partner, 'room');
  assert.deepEqual(r.json.present.map((x) => [x.role, x.name, x.place]), [['client', client.name, 'waiting']]);
  r = await beat(client, 'waiting');
  assert.deepEqual(r.json.present.map((x) => [x.role, x.name, x.place]), [['partner', partner.name, 'room']], 'the client sees the partner is here');
  assert.equal((await waiting())[0].since, since, 'a second beat keeps the stay’s start');
  r = await beat(client, 'room');
  assert.equal((await waiting())[0].place, 'room');

  // A beat older than 40 s is gone.
  sql(`UPDATE presence SET last_seen = now() - interval '41 seconds' WHERE video_session_id = ${s.id} AND role = 'client'`);
  assert.deepEqual(await waiting(), []);
  r = await beat(partner, 'room');
  assert.deepEqual(r.json.present, []);

  // Cancelled: nothing recorded any more.
  assert.equal((await api('PUT', `/api/video-sessions/${s.id}`, { token: partner.token, body: { status: 'cancelled' } })).status, 200);
  assert.deepEqual((await beat(client, 'waiting')).json, { recorded: false, present: [] });
});

test('presence refuses bad input, strangers and admins', async () => {
  const { partner, client } = await practice();
  const o = await outsiders();
  const s = await newSession(partner, client);
  openNow(s.id);
  const path = `/api/video-sessions/${s.id}/presence`;
  const before = dbChecksum();
  for (const [body, field] of [[{}, 'place'], [{ place: 'lobby' }, 'place'], [{ place: 5 }, 'place'], [{ place: 'room', x: 1 }, 'x']]) {
    const r = await post(path, body, client.token);
    assert.equal(r.status, 422, JSON.stringify(body));
    assert.equal(r.json.error.field, field);
  }
  assert.equal((await api('POST', path, { token: client.token, body: 'place=room', headers: { 'Content-Type': 'text/plain' } })).status, 415);
  assert.equal((await post(path, { place: 'room' }, o.admin.token)).status, 403);
  for (const u of [o.partner, o.client]) {
    const r = await post(path, { place: 'room' }, u.token);
    assert.equal(r.status, 404);
    assert.deepEqual(r.json, (await post('/api/video-sessions/987654321/presence', { place: 'room' }, u.token)).json);
  }
  assert.equal((await post(path, { place: 'room' })).status, 401);
  assert.equal((await api('GET', `/api/partners/${partner.id}/presence`, { token: o.partner.token })).status, 403);
  assert.equal((await api('GET', `/api/partners/${partner.id}/presence`, { token: client.token })).status, 403);
  assert.equal(dbChecksum(), before, 'refused beats change nothing');
  assert.equal(sql(`SELECT count(*) FROM presence WHERE video_session_id = ${s.id}`)[0][0], '0');

});

test('a guest beats with the invite; the partner sees the guest by the cleaned name, marked as a guest', async () => {
  const { partner, client } = await practice();
  const s = await newSession(partner, client);
  openNow(s.id);
  const inv = (await invite(partner, s.id)).invite;
  const path = `/api/join/${s.id}/presence`;
  const r = await post(path, { invite: inv, name: 'Gi\u200bna  Guest', place: 'waiting' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { recorded: true, present: [] });
  const w = (await api('GET', `/api/partners/${partner.id}/presence`, { token: partner.token })).json.presence.filter((x) => x.video_session_id === s.id);
  assert.deepEqual(w.map((x) => [x.role, x.name, x.place]), [['guest', 'Gina Guest (guest)', 'waiting']]);
  const p = await post(`/api/video-sessions/${s.id}/presence`, { place: 'room' }, partner.token);
  assert.deepEqual(p.json.present.map((x) => x.role), ['guest']);
  assert.deepEqual((await post(path, { invite: inv, name: 'Gina', place: 'waiting' })).json.present.map((x) => x.role), ['partner']);

  for (const [body, status, field] of [
    [{ invite: 'nope', name: 'G', place: 'waiting' }, 404],
    [{ invite: inv, name: '\u200b', place: 'waiting' }, 422, 'name'],
    [{ invite: inv, name: 'G', place: 'hall' }, 422, 'place'],
    [{ invite: inv, place: 'waiting' }, 422, 'name'],
    [{ name: 'G', place: 'waiting' }, 422, 'invite'],
  ]) {
    const x = await post(path, body);
    assert.equal(x.status, status, `${JSON.stringify(body)}: ${x.text}`);
    if (field) assert.equal(x.json.error.field, field);
  }
});

// ---- durations in 5-minute steps -----------------------------------------------------------------

test('sessions last 30 to 180 minutes in 5-minute steps, in the API and in the database', async () => {
  const { partner, client } = await practice();
  const s = await newSession(partner, client, { duration_minutes: 50 });
  assert.equal(s.duration_minutes, 50);
  assert.equal(Date.parse(s.end_date) - Date.parse(s.session_date), 50 * 60000);
  const moved = await api('PUT', `/api/video-sessions/${s.id}`, { token: partner.token, body: { duration_minutes: 55 } });
  assert.equal(moved.status, 200);
  assert.equal(moved.json.duration_minutes, 55);
  for (const d of [52, 25, 185]) {
    const r = await api('PUT', `/api/video-sessions/${s.id}`, { token: partner.token, body: { duration_minutes: d } });
    assert.equal(r.status, 422, `${d}`);
    assert.equal(r.json.error.field, 'duration_minutes');
    assert.match(r.json.error.message, /steps of 5/);
  }
  assert.throws(() => sql(`UPDATE video_sessions SET duration_minutes = 52, end_date = session_date + interval '52 minutes' WHERE id = ${s.id}`), /duration_minutes_check/);
});

// ---- the client's zone for the partner ------------------------------------------------------------

test('the partner’s client list carries each client’s time zone', async () => {
  const { partner, client } = await practice();
  const r = await api('GET', `/api/partners/${partner.id}/clients`, { token: partner.token });
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.clients, [{ id: client.id, name: client.name, email: client.email, timezone: client.timezone, no_show_count: 0, late_cancel_count: 0 }]);
});

// ---- cancelling with a reason -------------------------------------------------------------------------

test('the partner cancels with a reason the client sees; the calendar file says cancelled; twice or after the end is 409', async () => {
  const { partner, client } = await practice();
  const o = await outsiders();
  const s = await newSession(partner, client);
  const path = `/api/video-sessions/${s.id}/cancel`;
  const before = dbChecksum();
  for (const [body, field] of [[{ reason: 'x'.repeat(501) }, 'reason'], [{ reason: 5 }, 'reason'], [{ scope: 'following' }, 'scope'], [{ scope: 'one' }, 'scope'], [{ why: 'x' }, 'why']]) {
    const r = await post(path, body, partner.token);
    assert.equal(r.status, 422, JSON.stringify(body).slice(0, 40));
    assert.equal(r.json.error.field, field);
  }
  // the client's own cancelling (under the notice period) is tested in client-cancel.test.mjs
  assert.equal((await post(path, { reason: 'x' }, o.admin.token)).status, 403);
  assert.equal((await post(path, { reason: 'x' }, o.partner.token)).status, 404);
  assert.equal(dbChecksum(), before, 'refusals change nothing');

  const icsBefore = (await api('GET', `/api/video-sessions/${s.id}/calendar.ics`, { token: client.token })).text;
  const r = await post(path, { reason: 'I am ill today, sorry. Let us find a new time.' }, partner.token);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'cancelled');
  assert.equal(r.json.cancel_reason, 'I am ill today, sorry. Let us find a new time.');
  const seen = await api('GET', `/api/video-sessions/${s.id}`, { token: client.token });
  assert.equal(seen.json.cancel_reason, r.json.cancel_reason, 'the client reads the reason');
  const listed = await api('GET', `/api/users/${client.id}/video-sessions?when=past`, { token: client.token });
  assert.equal(listed.json.video_sessions.find((x) => x.id === s.id)?.cancel_reason, r.json.cancel_reason);
  const ics = (await api('GET', `/api/video-sessions/${s.id}/calendar.ics`, { token: client.token })).text;
  assert.match(ics, /STATUS:CANCELLED/);
  assert.ok(Number(/SEQUENCE:(\d+)/.exec(ics)[1]) > Number(/SEQUENCE:(\d+)/.exec(icsBefore)[1]), 'SEQUENCE rises');
  assert.equal(sql(`SELECT count(*) FROM audit_log WHERE action = 'video_session.cancel' AND object_id = ${s.id} AND actor_id = ${partner.id}`)[0][0], '1');

  const again = await post(path, {}, partner.token);
  assert.equal(again.status, 409);
  assert.equal(again.json.error.code, 'invalid_state');

  const blank = await newSession(partner, client, { session_date: iso(Date.now() + 90 * 60000) });
  const b = await api('POST', `/api/video-sessions/${blank.id}/cancel`, { token: partner.token });
  assert.equal(b.status, 200, 'no body at all is fine');
  assert.equal(b.json.cancel_reason, null);
  const notCancelled = await api('GET', `/api/video-sessions/${s.id - 0}`, { token: partner.token });
  assert.ok('cancel_reason' in notCancelled.json);
  const live = await newSession(partner, client, { session_date: iso(Date.now() + 180 * 60000) });
  assert.ok(!('cancel_reason' in live), 'only cancelled sessions carry the field');
  placeSession(live.id, -31 * 60);
  const ended = await post(`/api/video-sessions/${live.id}/cancel`, { reason: 'late' }, partner.token);
  assert.equal(ended.status, 409);
  assert.equal(ended.json.error.code, 'invalid_state');
});
