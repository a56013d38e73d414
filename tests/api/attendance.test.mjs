// attendance.test.mjs — issue 17: who came (written by the join grants: the partner, the client
// and a guest through an invite, first join only), the outcome the partner marks after the end
// (never before), the no-show count per client, the record after (a past session takes only
// notes and outcome, for 7 days), deleting a past session keeps its audit row, and the
// partner's default duration and title and notice period as settings.
import test from 'node:test';
import assert from 'node:assert/strict';
import { api, sql } from './lib.mjs';
import { iso, practice, outsiders, newSession, placeSession, openNow, join, guestJoin, invite, verify } from './join-helpers.mjs';

const put = (id, body, token) => api('PUT', `/api/video-sessions/${id}`, { body, token });
const rowOf = (id) => sql(`SELECT v::text FROM video_sessions v WHERE id = ${Number(id)}`)[0][0];

test('the attendance record comes from real joins: partner, client and a guest, each first join only', async () => {
  const { partner, client } = await practice();
  const s = await newSession(partner, client);
  const inv = (await invite(partner, s.id)).invite;
  openNow(s.id, 120);

  const none = await api('GET', `/api/video-sessions/${s.id}`, { token: partner.token });
  assert.deepEqual(none.json.attendance, [], 'nobody has joined yet');

  assert.equal((await join(partner, s.id)).status, 200);
  assert.equal((await verify(client, s.id, s.password)).status, 200);
  assert.equal((await join(client, s.id)).status, 200);
  const g = await guestJoin(s.id, { invite: inv, password: s.password, name: 'Robin Interpreter' });
  assert.equal(g.status, 200, g.text);
  const first = sql(`SELECT role, guest_name, first_joined_at FROM session_attendance WHERE video_session_id = ${s.id} ORDER BY role`);
  assert.deepEqual(first.map((r) => [r[0], r[1]]), [['client', ''], ['guest', 'Robin Interpreter'], ['partner', '']]);

  // joining again changes nothing of the record, but is audited as every grant is
  assert.equal((await join(client, s.id)).status, 200);
  assert.deepEqual(sql(`SELECT role, guest_name, first_joined_at FROM session_attendance WHERE video_session_id = ${s.id} ORDER BY role`), first);
  assert.equal(sql(`SELECT count(*) FROM audit_log WHERE action = 'video_session.join' AND object_id = ${s.id} AND actor_id = ${client.id}`)[0][0], '2');
  assert.equal(sql(`SELECT count(*) FROM audit_log WHERE action = 'guest.join' AND object_id = ${s.id} AND actor_id IS NULL`)[0][0], '1');

  const r = await api('GET', `/api/video-sessions/${s.id}`, { token: partner.token });
  const by = Object.fromEntries(r.json.attendance.map((a) => [a.role, a]));
  assert.deepEqual(Object.keys(by).sort(), ['client', 'guest', 'partner']);
  assert.equal(by.guest.name, 'Robin Interpreter');
  assert.equal(by.partner.name, null);
  for (const a of r.json.attendance) assert.match(a.first_joined_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const seen = await api('GET', `/api/video-sessions/${s.id}`, { token: client.token });
  assert.ok(!('attendance' in seen.json), 'the client sees no attendance record');
});

test('a session moved later after someone joined keeps its attendance record, in its read and in both lists', async () => {
  const { partner, client } = await practice();
  const set = await api('PUT', `/api/partners/${partner.id}/settings`, { body: { cancel_notice_hours: 36 }, token: partner.token });
  assert.equal(set.status, 200, set.text);
  const s = await newSession(partner, client);
  openNow(s.id, 60);
  assert.equal((await join(partner, s.id)).status, 200);
  const later = Date.now() + 9 * 86400e3 - ((Date.now() + 9 * 86400e3) % 3600e3);
  const moved = await put(s.id, { session_date: iso(later) }, partner.token);
  assert.equal(moved.status, 200, moved.text);
  assert.equal(moved.json.session_date, iso(later));
  assert.deepEqual(moved.json.attendance.map((a) => a.role), ['partner'], 'the answer to the move');

  const one = await api('GET', `/api/video-sessions/${s.id}`, { token: partner.token });
  assert.deepEqual(one.json.attendance.map((a) => a.role), ['partner'], 'the read');
  assert.equal(one.json.cancellation.notice_hours, 36, 'the partner’s own notice period');
  for (const path of [`/api/partners/${partner.id}/video-sessions?when=upcoming`, `/api/users/${client.id}/video-sessions?when=upcoming`]) {
    const l = await api('GET', path, { token: partner.token });
    assert.equal(l.status, 200, l.text);
    const row = l.json.video_sessions.find((x) => x.id === s.id);
    assert.ok(row, `${path} lists the session`);
    assert.deepEqual(row.attendance.map((a) => a.role), ['partner'], path);
    assert.equal(row.partner.name, one.json.partner.name, path);
    assert.equal(row.user.name, one.json.user.name, path);
    assert.equal(row.cancellation.notice_hours, one.json.cancellation.notice_hours, path);
  }
  const own = await api('GET', `/api/users/${client.id}/video-sessions?when=upcoming`, { token: client.token });
  const mine = own.json.video_sessions.find((x) => x.id === s.id);
  assert.ok(mine && !('attendance' in mine), 'the client’s own list carries no attendance');
  assert.equal(mine.partner.name, one.json.partner.name);
  assert.equal(mine.cancellation.notice_hours, one.json.cancellation.notice_hours);
});

test('the outcome is marked after the end only; no-shows are counted per client; bad values change nothing', async () => {
  const { partner, client } = await practice();
  const o = await outsiders();
  const s = await newSession(partner, client);
  const early = await put(s.id, { outcome: 'attended' }, partner.token);
  assert.equal(early.status, 422);
  assert.equal(early.json.error.field, 'outcome', 'not before the end');

  placeSession(s.id, -2 * 3600);
  const before = rowOf(s.id);
  for (const [body, field] of [[{ outcome: 'maybe' }, 'outcome'], [{ outcome: 5 }, 'outcome'], [{ outcome: null }, 'outcome'], [{ outcome: '' }, 'outcome']]) {
    const r = await put(s.id, body, partner.token);
    assert.equal(r.status, 422, JSON.stringify(body));
    assert.equal(r.json.error.field, field);
  }
  assert.equal((await put(s.id, { outcome: 'no_show' }, client.token)).status, 403);
  assert.equal((await put(s.id, { outcome: 'no_show' }, o.partner.token)).status, 404);
  assert.equal(rowOf(s.id), before, 'refusals change nothing');

  const r = await put(s.id, { outcome: 'no_show' }, partner.token);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.outcome, 'no_show');
  assert.equal(r.json.status, 'completed', 'the status lifecycle keeps its own values');
  const clients = await api('GET', `/api/partners/${partner.id}/clients`, { token: partner.token });
  assert.equal(clients.json.clients.find((c) => c.id === client.id).no_show_count, 1);
  const fixed = await put(s.id, { outcome: 'attended' }, partner.token);
  assert.equal(fixed.json.outcome, 'attended');
  const again = await api('GET', `/api/partners/${partner.id}/clients`, { token: partner.token });
  assert.equal(again.json.clients.find((c) => c.id === client.id).no_show_count, 0);
});

test('the record after: a past session takes only notes and outcome, for 7 days after its end', async () => {
  const { partner, client } = await practice();
  const s = await newSession(partner, client, { notes: 'First meeting.' });
  placeSession(s.id, -3 * 3600);
  const before = rowOf(s.id);
  for (const [body, field] of [
    [{ title: 'New title' }, 'title'], [{ duration_minutes: 50 }, 'duration_minutes'], [{ session_date: iso(Date.now() + 86400000) }, 'session_date'],
    [{ password_enabled: false }, 'password_enabled'], [{ status: 'cancelled' }, 'status'], [{ notes: 'ok', title: 'x' }, 'title'],
  ]) {
    const r = await put(s.id, body, partner.token);
    assert.equal(r.status, 422, JSON.stringify(body));
    assert.equal(r.json.error.field, field);
  }
  assert.equal(rowOf(s.id), before, 'refusals change nothing');

  const r = await put(s.id, { notes: 'Sam talked about the move.', outcome: 'attended' }, partner.token);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.notes, 'Sam talked about the move.');
  assert.equal(r.json.outcome, 'attended');
  const read = await api('GET', `/api/video-sessions/${s.id}`, { token: partner.token });
  assert.equal(read.json.notes, 'Sam talked about the move.');
  assert.ok(!('cancellation' in read.json), 'no cancelling once started');

  // eight days after the end the record is closed
  placeSession(s.id, -8 * 86400);
  const closedRow = rowOf(s.id);
  const closed = await put(s.id, { notes: 'Too late' }, partner.token);
  assert.equal(closed.status, 422);
  assert.equal(closed.json.error.field, 'notes');
  const closedOutcome = await put(s.id, { outcome: 'no_show' }, partner.token);
  assert.equal(closedOutcome.json.error.field, 'outcome');
  assert.equal(rowOf(s.id), closedRow);
  assert.equal((await api('GET', `/api/video-sessions/${s.id}`, { token: partner.token })).json.notes, 'Sam talked about the move.', 'still readable');

  // a cancelled past session opens read-only with its notes, and its notes stay editable for 7 days
  const c = await newSession(partner, client, { notes: 'Planned topic' });
  assert.equal((await api('POST', `/api/video-sessions/${c.id}/cancel`, { token: partner.token })).status, 200);
  placeSession(c.id, -3600);
  const cr = await api('GET', `/api/video-sessions/${c.id}`, { token: partner.token });
  assert.equal(cr.json.status, 'cancelled');
  assert.equal(cr.json.notes, 'Planned topic');
  assert.equal((await put(c.id, { notes: 'Client was ill' }, partner.token)).status, 200);
});

test('deleting a past session keeps an audit row', async () => {
  const { partner, client } = await practice();
  const s = await newSession(partner, client);
  placeSession(s.id, -86400);
  assert.equal((await api('DELETE', `/api/video-sessions/${s.id}`, { token: partner.token })).status, 204);
  assert.equal(sql(`SELECT count(*) FROM audit_log WHERE action = 'video_session.delete' AND object_id = ${s.id} AND actor_id = ${partner.id} AND outcome = 'ok'`)[0][0], '1');
  assert.equal(sql(`SELECT count(*) FROM video_sessions WHERE id = ${s.id}`)[0][0], '0');
});

test('the partner’s settings carry the notice period and the session modal’s default duration and title', async () => {
  const { partner } = await practice();
  const url = `/api/partners/${partner.id}/settings`;
  const def = await api('GET', url, { token: partner.token });
  assert.equal(def.json.cancel_notice_hours, 24);
  assert.equal(def.json.default_duration_minutes, 60);
  assert.equal(def.json.default_title, null);
  const stored = () => sql(`SELECT coalesce((SELECT s::text FROM partner_settings s WHERE partner_id = ${partner.id}), 'none')`)[0][0];
  const before = stored();
  for (const [body, field] of [
    [{ cancel_notice_hours: 169 }, 'cancel_notice_hours'], [{ cancel_notice_hours: -1 }, 'cancel_notice_hours'], [{ cancel_notice_hours: '24' }, 'cancel_notice_hours'],
    [{ cancel_notice_hours: 1.5 }, 'cancel_notice_hours'], [{ cancel_notice_hours: null }, 'cancel_notice_hours'],
    [{ default_duration_minutes: 47 }, 'default_duration_minutes'], [{ default_duration_minutes: 25 }, 'default_duration_minutes'],
    [{ default_duration_minutes: 185 }, 'default_duration_minutes'], [{ default_title: '' }, 'default_title'],
    [{ default_title: '   ' }, 'default_title'], [{ default_title: 'a\nb' }, 'default_title'], [{ default_title: 'x'.repeat(201) }, 'default_title'],
  ]) {
    const r = await api('PUT', url, { token: partner.token, body });
    assert.equal(r.status, 422, JSON.stringify(body).slice(0, 50));
    assert.equal(r.json.error.field, field);
  }
  assert.equal(stored(), before, 'refusals change nothing');
  const r = await api('PUT', url, { token: partner.token, body: { cancel_notice_hours: 48, default_duration_minutes: 50, default_title: 'Therapy session' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.cancel_notice_hours, 48);
  assert.equal(r.json.default_duration_minutes, 50);
  assert.equal(r.json.default_title, 'Therapy session');
  const edge = await api('PUT', url, { token: partner.token, body: { cancel_notice_hours: 0, default_title: null } });
  assert.equal(edge.json.cancel_notice_hours, 0);
  assert.equal(edge.json.default_title, null);
  assert.equal(edge.json.default_duration_minutes, 50, 'what is not sent stays');
  assert.equal((await api('PUT', url, { token: partner.token, body: { cancel_notice_hours: 168 } })).json.cancel_notice_hours, 168);
});
