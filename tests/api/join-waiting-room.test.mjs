// join-waiting-room.test.mjs — our waiting room in public Jitsi mode (issue 18): the client and
// guests are held with 202 {"waiting": true, ...} until the partner is in the room (their room
// page's beat, or their own join, within the last 40 s), then get the room; the partner always
// gets in. Every other check (window, password, invite, name) comes first. In the token modes
// (scripts/test runs this file there too) nobody waits here: Jitsi's lobby admits the client.
import test from 'node:test';
import assert from 'node:assert/strict';
import { api, sql } from './lib.mjs';
import {
  TOKEN_MODE, iso, practice, newSession, openNow, join, guestJoin, invite, verify, checkJoin, partnerInRoom,
} from './join-helpers.mjs';

const publicOnly = { skip: TOKEN_MODE && 'token mode: Jitsi’s lobby admits the client' };
const sessionTimes = (s, t) => ({ ...s, session_date: iso(t.startMs), end_date: iso(t.endMs) });

/** A held join: 202 with the waiting answer and nothing of the room. */
function assertHeld(r, partner, what) {
  assert.equal(r.status, 202, `${what}: ${r.status} ${r.text}`);
  assert.deepEqual(r.json, { waiting: true, partner: { name: partner.name }, message: `${partner.name} will let you in shortly.` }, what);
}

/** The partner's presence row as if their last beat was secAgo seconds ago. */
function partnerLastSeen(id, secAgo) {
  sql(`UPDATE presence SET last_seen = now() - interval '${Number(secAgo)} seconds' WHERE video_session_id = ${Number(id)} AND role = 'partner'`);
}

const beat = (user, id, place) => api('POST', `/api/video-sessions/${id}/presence`, { token: user.token, body: { place } });

test('public Jitsi: the client waits until the partner is in the room, then gets it; a reload gets straight back in', publicOnly, async () => {
  const { partner, client } = await practice();
  const s = await newSession(partner, client);
  const t = openNow(s.id);
  assert.equal((await verify(client, s.id, s.password)).status, 200);

  const held = await join(client, s.id);
  assertHeld(held, partner, 'nobody there yet');
  const [[audited]] = sql(`SELECT count(*) FROM audit_log WHERE action = 'video_session.join' AND object_id = ${s.id}`);
  assert.equal(audited, '0', 'a held join is not a granted join');
  // the client's page beats while it waits: the partner sees them waiting
  const cb = await beat(client, s.id, 'waiting');
  assert.equal(cb.status, 200, cb.text);
  assert.deepEqual(cb.json.present, [], 'the partner is not there');
  const seen = await api('GET', `/api/partners/${partner.id}/presence`, { token: partner.token });
  assert.ok(seen.json.presence.some((p) => p.video_session_id === s.id && p.role === 'client' && p.place === 'waiting'), seen.text);

  // the partner on the join page (checking their camera) is there, but not in the room yet
  assert.equal((await beat(partner, s.id, 'waiting')).status, 200);
  const here = await beat(client, s.id, 'waiting');
  assert.deepEqual(here.json.present.map((p) => [p.role, p.place]), [['partner', 'waiting']]);
  assertHeld(await join(client, s.id), partner, 'the partner is on the join page only');

  // the partner is in the room: the client's next join gets the room
  await partnerInRoom(partner, s.id);
  assert.deepEqual((await beat(client, s.id, 'waiting')).json.present.map((p) => [p.role, p.place]), [['partner', 'room']]);
  const c = await join(client, s.id);
  await checkJoin(c, sessionTimes(s, t), { name: client.name, moderator: false });
  // a reload while the partner is still there: straight back in
  assert.equal((await join(client, s.id)).status, 200, 'a reload was held');
  const [[granted]] = sql(`SELECT count(*) FROM audit_log WHERE action = 'video_session.join' AND object_id = ${s.id} AND outcome = 'ok'`);
  assert.equal(granted, '2', 'each granted join is audited');
});

test('public Jitsi: the partner counts as in the room for 40 s after their last beat; then a new join waits again', publicOnly, async () => {
  const { partner, client } = await practice();
  const s = await newSession(partner, client, { password_enabled: false });
  openNow(s.id);
  await partnerInRoom(partner, s.id);
  partnerLastSeen(s.id, 35); // two beats (15 s each) lost: still there
  assert.equal((await join(client, s.id)).status, 200, 'held although the partner beat 35 s ago');
  partnerLastSeen(s.id, 41); // gone: the page was closed or lost its network
  assertHeld(await join(client, s.id), partner, 'the partner was last seen 41 s ago');
  // back on the join page only (left the room): still held
  assert.equal((await beat(partner, s.id, 'waiting')).status, 200);
  assertHeld(await join(client, s.id), partner, 'the partner left the room for the join page');
  // the partner's own join puts them in the room, with no beat needed
  const p = await join(partner, s.id);
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.moderator, true);
  assert.equal((await join(client, s.id)).status, 200, 'the partner joined but the client is still held');
});

test('public Jitsi: the partner always gets in, first or not', publicOnly, async () => {
  const { partner, client } = await practice();
  const s = await newSession(partner, client, { password_enabled: false });
  openNow(s.id);
  assertHeld(await join(client, s.id), partner, 'the client first');
  const p = await join(partner, s.id);
  assert.equal(p.status, 200, `the partner was held: ${p.text}`);
  assert.equal(typeof p.json.room, 'string');
});

test('public Jitsi: a guest waits the same way, after the invite, password and name checks', publicOnly, async () => {
  const { partner, client } = await practice();
  const s = await newSession(partner, client);
  const inv = await invite(partner, s.id);
  const t = openNow(s.id);
  const wrongPw = String((Number(s.password) + 1) % 1000000).padStart(6, '0');
  // the checks come first: a wrong password, a wrong invite and a taken name are refused, not held
  assert.equal((await guestJoin(s.id, { invite: inv.invite, password: wrongPw, name: 'Guest' })).status, 403);
  assert.equal((await guestJoin(s.id, { invite: 'x'.repeat(43), password: s.password, name: 'Guest' })).status, 404);
  assert.equal((await guestJoin(s.id, { invite: inv.invite, password: s.password, name: partner.name })).status, 422);
  const body = { invite: inv.invite, password: s.password, name: 'Gina Guest' };
  assertHeld(await guestJoin(s.id, body), partner, 'the guest, nobody there');
  // the guest's page beats while it waits, and sees the partner arrive
  const gb = await api('POST', `/api/join/${s.id}/presence`, { body: { invite: inv.invite, name: 'Gina Guest', place: 'waiting' } });
  assert.equal(gb.status, 200, gb.text);
  assert.deepEqual(gb.json.present, []);
  await partnerInRoom(partner, s.id);
  const g = await guestJoin(s.id, body);
  await checkJoin(g, sessionTimes(s, t), { name: 'Gina Guest (guest)', moderator: false });
  partnerLastSeen(s.id, 41);
  assertHeld(await guestJoin(s.id, body), partner, 'the partner has gone');
});

test('public Jitsi: nobody is held for a session they may not join; the refusals stay as they were', publicOnly, async () => {
  const { partner, client } = await practice();
  const s = await newSession(partner, client);
  // before the window: 403 with when it opens, not 202
  const early = await join(client, s.id);
  assert.equal(early.status, 403, early.text);
  openNow(s.id);
  const unverified = await join(client, s.id);
  assert.equal(unverified.status, 403, `the password check comes first: ${unverified.text}`);
  assert.equal((await verify(client, s.id, s.password)).status, 200);
  assert.equal((await join(client, s.id)).status, 202);
  const c = await api('POST', `/api/video-sessions/${s.id}/cancel`, { token: partner.token, body: {} });
  assert.equal(c.status, 200, c.text);
  assert.equal((await join(client, s.id)).status, 403, 'a cancelled session holds nobody');
});

test('token modes: nobody waits here, the client gets the room before the partner comes', { skip: !TOKEN_MODE && 'public mode holds the client' }, async () => {
  const { partner, client } = await practice();
  const s = await newSession(partner, client, { password_enabled: false });
  const t = openNow(s.id);
  await checkJoin(await join(client, s.id), sessionTimes(s, t), { name: client.name, moderator: false });
  const inv = await invite(partner, s.id);
  await checkJoin(await guestJoin(s.id, { invite: inv.invite, name: 'Early Guest' }), sessionTimes(s, t), { name: 'Early Guest (guest)', moderator: false });
});
