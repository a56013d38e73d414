// client-cancel.test.mjs — issue 17: the client cancels their own upcoming session under the
// partner's notice period (told before confirming, late cancellations recorded), the partner is
// told (dashboard notice, email in the outbox), the client asks for another time, the partner
// dismisses notices, and restores a cancelled session while its slot is free. Every refusal
// names its field or state and changes nothing.
import test from 'node:test';
import assert from 'node:assert/strict';
import { api, sql } from './lib.mjs';
import { iso, practice, outsiders, newSession, placeSession } from './join-helpers.mjs';

const post = (path, body, token) => api('POST', path, { body, token });
const HOUR = 3600 * 1000;

// Everything the rules of this file may change, to prove a refusal changed nothing.
function stateOf(...sessionIds) {
  const ids = sessionIds.map(Number).join(',');
  return sql(`SELECT
    (SELECT coalesce(md5(string_agg(v::text, ',' ORDER BY v.id)), '') FROM video_sessions v WHERE v.id IN (${ids})),
    (SELECT count(*) FROM partner_notices WHERE video_session_id IN (${ids})),
    (SELECT count(*) FROM outbox WHERE video_session_id IN (${ids})),
    (SELECT count(*) FROM audit_log WHERE object_id IN (${ids}) AND outcome = 'ok')`)[0].join('|');
}

test('the session object tells the client the notice period and whether cancelling now would be late', async () => {
  const { partner, client } = await practice();
  const early = await newSession(partner, client, { session_date: iso(Date.now() + 72 * HOUR) });
  const soon = await newSession(partner, client, { session_date: iso(Date.now() + 3 * HOUR) });
  const a = await api('GET', `/api/video-sessions/${early.id}`, { token: client.token });
  assert.deepEqual(a.json.cancellation, { notice_hours: 24, late: false });
  assert.equal(a.json.outcome, null);
  const b = await api('GET', `/api/video-sessions/${soon.id}`, { token: client.token });
  assert.deepEqual(b.json.cancellation, { notice_hours: 24, late: true });
  const list = await api('GET', `/api/users/${client.id}/video-sessions?when=upcoming`, { token: client.token });
  assert.deepEqual(list.json.video_sessions.find((s) => s.id === soon.id).cancellation, { notice_hours: 24, late: true });

  // the partner's setting decides: 2 hours' notice makes the same session not late
  const put = await api('PUT', `/api/partners/${partner.id}/settings`, { token: partner.token, body: { cancel_notice_hours: 2 } });
  assert.equal(put.status, 200, put.text);
  const c = await api('GET', `/api/video-sessions/${soon.id}`, { token: client.token });
  assert.deepEqual(c.json.cancellation, { notice_hours: 2, late: false });
});

test('a client cancels in good time: cancelled by the client, no late outcome, the partner is told on the dashboard and by email', async () => {
  const { partner, client } = await practice();
  const s = await newSession(partner, client, { session_date: iso(Date.now() + 72 * HOUR) });
  const r = await post(`/api/video-sessions/${s.id}/cancel`, { reason: 'Moving house that week' }, client.token);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'cancelled');
  assert.equal(r.json.cancelled_by, 'client');
  assert.equal(r.json.cancel_reason, 'Moving house that week');
  assert.equal(r.json.outcome, null);
  assert.ok(!('notes' in r.json), 'the client never sees notes');

  const n = await api('GET', `/api/partners/${partner.id}/notices`, { token: partner.token });
  assert.equal(n.status, 200, n.text);
  const notice = n.json.notices.find((x) => x.video_session_id === s.id);
  assert.equal(notice.kind, 'client_cancel');
  assert.equal(notice.late, false);
  assert.equal(notice.message, 'Moving house that week');
  assert.deepEqual(notice.client, { id: client.id, name: client.name });
  assert.equal(notice.session_date, s.session_date);

  const mail = sql(`SELECT recipient_email, payload->>'late', payload->>'reason', payload->>'client_name' FROM outbox
    WHERE kind = 'client_cancelled' AND video_session_id = ${s.id}`);
  assert.deepEqual(mail, [[partner.email, 'false', 'Moving house that week', client.name]]);
  assert.equal(sql(`SELECT count(*) FROM outbox WHERE kind = 'session_cancelled' AND video_session_id = ${s.id} AND recipient_email = '${client.email}'`)[0][0], '1',
    'the client gets the usual cancellation (with the calendar update)');
  assert.equal(sql(`SELECT count(*) FROM audit_log WHERE action = 'video_session.client_cancel' AND object_id = ${s.id} AND actor_id = ${client.id}`)[0][0], '1');
  assert.equal(sql(`SELECT count(*) FROM bookings WHERE kind = 'video_session' AND ref_id = ${s.id} AND active`)[0][0], '0', 'the slot is free');
});

test('a client cancelling inside the notice period records a late cancellation, counted per client', async () => {
  const { partner, client } = await practice();
  const s = await newSession(partner, client, { session_date: iso(Date.now() + 5 * HOUR) });
  const r = await post(`/api/video-sessions/${s.id}/cancel`, {}, client.token);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.outcome, 'late_cancel');
  assert.equal(r.json.cancel_reason, null);
  const n = await api('GET', `/api/partners/${partner.id}/notices`, { token: partner.token });
  assert.equal(n.json.notices.find((x) => x.video_session_id === s.id).late, true);
  assert.equal(sql(`SELECT payload->>'late' FROM outbox WHERE kind = 'client_cancelled' AND video_session_id = ${s.id}`)[0][0], 'true');
  const clients = await api('GET', `/api/partners/${partner.id}/clients`, { token: partner.token });
  const me = clients.json.clients.find((c) => c.id === client.id);
  assert.equal(me.late_cancel_count, 1);
  assert.equal(me.no_show_count, 0);
});

test('a client cannot cancel someone else’s session (404), a started or cancelled one (409), or with a bad reason (422); nothing changes', async () => {
  const { partner, client } = await practice();
  const o = await outsiders();
  const s = await newSession(partner, client, { session_date: iso(Date.now() + 48 * HOUR) });
  const started = await newSession(partner, client, { session_date: iso(Date.now() + 50 * HOUR) });
  placeSession(started.id, -60);
  const before = stateOf(s.id, started.id);
  const path = `/api/video-sessions/${s.id}/cancel`;
  const other = await post(path, { reason: 'x' }, o.client.token);
  assert.equal(other.status, 404);
  assert.equal(other.json.error.code, 'not_found');
  for (const [body, field] of [[{ reason: 5 }, 'reason'], [{ reason: 'x'.repeat(501) }, 'reason'], [{ reason: null }, 'reason'], [{ why: 'x' }, 'why']]) {
    const r = await post(path, body, client.token);
    assert.equal(r.status, 422, JSON.stringify(body).slice(0, 40));
    assert.equal(r.json.error.field, field);
  }
  const late = await post(`/api/video-sessions/${started.id}/cancel`, { reason: 'sorry' }, client.token);
  assert.equal(late.status, 409, late.text);
  assert.equal(late.json.error.code, 'invalid_state');
  assert.equal(stateOf(s.id, started.id), before, 'refusals change nothing');

  assert.equal((await post(path, {}, client.token)).status, 200);
  const again = await post(path, {}, client.token);
  assert.equal(again.status, 409);
  assert.equal(again.json.error.code, 'invalid_state');
});

test('the client asks for another time; the partner sees the request and dismisses it; others cannot', async () => {
  const { partner, client } = await practice();
  const o = await outsiders();
  const s = await newSession(partner, client, { session_date: iso(Date.now() + 30 * HOUR) });
  const path = `/api/video-sessions/${s.id}/reschedule-request`;
  const before = stateOf(s.id);
  for (const [body, field] of [[{}, 'message'], [{ message: '' }, 'message'], [{ message: '   ' }, 'message'], [{ message: 'x'.repeat(501) }, 'message'], [{ message: 7 }, 'message'], [{ message: 'a', at: 1 }, 'at']]) {
    const r = await post(path, body, client.token);
    assert.equal(r.status, 422, JSON.stringify(body).slice(0, 40));
    assert.equal(r.json.error.field, field);
  }
  assert.equal((await post(path, { message: 'x' }, o.client.token)).status, 404);
  assert.equal((await post(path, { message: 'x' }, partner.token)).status, 403, 'it is the client’s request');
  assert.equal(stateOf(s.id), before);

  const r = await post(path, { message: 'Could we do Thursday afternoon instead?' }, client.token);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.kind, 'reschedule_request');
  assert.equal(r.json.message, 'Could we do Thursday afternoon instead?');
  const list = await api('GET', `/api/partners/${partner.id}/notices`, { token: partner.token });
  assert.ok(list.json.notices.some((x) => x.id === r.json.id && x.session_title === s.title));
  assert.equal((await api('GET', `/api/partners/${partner.id}/notices`, { token: o.partner.token })).status, 403);

  assert.equal((await api('DELETE', `/api/notices/${r.json.id}`, { token: o.partner.token })).status, 404);
  assert.equal((await api('DELETE', `/api/notices/${r.json.id}`, { token: client.token })).status, 404);
  assert.equal((await api('DELETE', `/api/notices/${r.json.id}`, { token: partner.token })).status, 204);
  assert.equal((await api('DELETE', `/api/notices/${r.json.id}`, { token: partner.token })).status, 404, 'dismissed once');
  const after = await api('GET', `/api/partners/${partner.id}/notices`, { token: partner.token });
  assert.ok(!after.json.notices.some((x) => x.id === r.json.id));
  assert.equal(sql(`SELECT count(*) FROM audit_log WHERE action = 'partner_notice.dismiss' AND object_id = ${r.json.id}`)[0][0], '1');

  placeSession(s.id, -60);
  const startedReq = await post(path, { message: 'Too late?' }, client.token);
  assert.equal(startedReq.status, 409);
});

test('restore: a cancelled session comes back while its slot is free; a late cancellation’s outcome goes with it', async () => {
  const { partner, client } = await practice();
  const s = await newSession(partner, client, { session_date: iso(Date.now() + 6 * HOUR) });
  assert.equal((await post(`/api/video-sessions/${s.id}/cancel`, {}, client.token)).json.outcome, 'late_cancel');
  const r = await post(`/api/video-sessions/${s.id}/restore`, undefined, partner.token);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'scheduled');
  assert.equal(r.json.outcome, null);
  assert.ok(!('cancel_reason' in r.json) && !('cancelled_by' in r.json));
  assert.equal(sql(`SELECT count(*) FROM bookings WHERE kind = 'video_session' AND ref_id = ${s.id} AND active`)[0][0], '1');
  assert.equal(sql(`SELECT count(*) FROM audit_log WHERE action = 'video_session.restore' AND object_id = ${s.id} AND actor_id = ${partner.id}`)[0][0], '1');
  assert.equal(sql(`SELECT count(*) FROM outbox WHERE kind = 'session_scheduled' AND video_session_id = ${s.id}`)[0][0], '2',
    'the client hears of the session again');
  // vsession-mailer plans reminders as they come due: its planning call, looking 6 hours ahead
  sql(`SELECT outbox_plan_due_reminders(interval '6 hours')`);
  assert.equal(sql(`SELECT count(*) FROM outbox WHERE kind = 'reminder_1h' AND video_session_id = ${s.id} AND status = 'pending'`)[0][0], '1',
    'its reminder is planned again');
});

test('restore is refused with 409 naming the booking in the way, 409 for a session not cancelled or past, 404 once deleted', async () => {
  const { partner, client } = await practice();
  const o = await outsiders();
  const start = Date.now() + 26 * HOUR;
  const s = await newSession(partner, client, { session_date: iso(start) });
  assert.equal((await post(`/api/video-sessions/${s.id}/cancel`, {}, partner.token)).status, 200);
  const taker = await newSession(partner, client, { session_date: iso(start + 10 * 60000), title: 'Taking the slot' });
  const path = `/api/video-sessions/${s.id}/restore`;
  const before = stateOf(s.id, taker.id);
  assert.equal((await post(path, undefined, o.partner.token)).status, 404);
  assert.equal((await post(path, undefined, client.token)).status, 403);
  assert.equal((await post(path, undefined, o.admin.token)).status, 403);
  const busy = await post(path, undefined, partner.token);
  assert.equal(busy.status, 409, busy.text);
  assert.equal(busy.json.error.code, 'conflict');
  assert.equal(busy.json.error.details.conflicting.id, taker.id);
  assert.equal(busy.json.error.details.conflicting.title, 'Taking the slot');
  assert.equal(stateOf(s.id, taker.id), before, 'a refused restore changes nothing');

  const notCancelled = await post(`/api/video-sessions/${taker.id}/restore`, undefined, partner.token);
  assert.equal(notCancelled.status, 409);
  assert.equal(notCancelled.json.error.code, 'invalid_state');
  const body = await post(path, { at: 1 }, partner.token);
  assert.equal(body.status, 422);
  assert.equal(body.json.error.field, 'at');

  assert.equal((await api('DELETE', `/api/video-sessions/${taker.id}`, { token: partner.token })).status, 204);
  placeSession(s.id, -2 * HOUR / 1000);
  const past = await post(path, undefined, partner.token);
  assert.equal(past.status, 409);
  assert.equal(past.json.error.code, 'invalid_state');
  assert.equal((await api('DELETE', `/api/video-sessions/${s.id}`, { token: partner.token })).status, 204);
  assert.equal((await post(path, undefined, partner.token)).status, 404, 'a deleted session cannot be restored');
});
