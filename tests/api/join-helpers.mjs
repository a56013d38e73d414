// join-helpers.mjs — what tests/api/join.test.mjs adds to lib.mjs: the Jitsi mode of this run
// and an independent check of a join answer in that mode (tokens verified with the jose package,
// not with anything of ours), sessions moved in time with SQL, and a record of every secret the
// tests were handed so the last test can look for them in the audit log and the server's logs.
//
// scripts/test runs the join tests three times: public Jitsi (VSESSION_JITSI_MODE unset), then
// VSESSION_JITSI_MODE=self-hosted and =jaas with the server's own Jitsi variables exported to
// the tests as well (VSESSION_JAAS_KEY names the PEM the server signs with).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createPublicKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as jose from 'jose';
import { api, sql, link, login, minutesFromNow, uniq, CTL } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = process.env.VSESSION_ROOT ?? path.resolve(here, '..', '..');

// ---- the mode of this run ---------------------------------------------------------------------

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`VSESSION_JITSI_MODE=${process.env.VSESSION_JITSI_MODE} but ${name} is not set`);
  return v;
}

// What the server was configured with, as the tests expect to see it in join answers and tokens.
export const JITSI = (() => {
  const mode = process.env.VSESSION_JITSI_MODE || 'public';
  switch (mode) {
    case 'public':
      return { mode, domain: process.env.JITSI_DOMAIN || 'meet.jit.si' };
    case 'self-hosted': {
      const appId = need('JITSI_APP_ID');
      const domain = need('JITSI_DOMAIN');
      return {
        mode, domain, appId, alg: 'HS256',
        key: new TextEncoder().encode(need('JITSI_APP_SECRET')),
        iss: appId, aud: process.env.JITSI_AUDIENCE || appId, sub: domain,
      };
    }
    case 'jaas': {
      const appId = need('JAAS_APP_ID');
      return {
        mode, domain: need('JITSI_DOMAIN'), appId, alg: 'RS256', kid: need('JAAS_KEY_ID'),
        // The public half of the server's private key: jose verifies with this alone.
        key: createPublicKey(readFileSync(need('VSESSION_JAAS_KEY'))),
        iss: 'chat', aud: 'jitsi', sub: appId,
      };
    }
    default:
      throw new Error(`unknown VSESSION_JITSI_MODE ${mode} (public, self-hosted or jaas)`);
  }
})();
export const TOKEN_MODE = JITSI.mode !== 'public';

// ---- secrets seen, granted joins ----------------------------------------------------------------

// Every room name, token, room password, invite token and session password a test was handed.
export const seen = { rooms: new Set(), jwts: new Set(), jitsiPasswords: new Set(), invites: new Set(), sessionPasswords: new Set() };
// Every 200 from a join endpoint: {requestId, action, sessionId, actorId} for the audit check.
export const granted = [];

export function iso(ms) { return new Date(ms).toISOString().replace('.000Z', 'Z'); }

// ---- users and sessions --------------------------------------------------------------------------

// lib.mjs's makeUser without blocking: users made side by side (each is a vsessionctl run and an
// argon2 hash, the slowest part of these tests on a busy machine).
export function makeUserAsync(role, { name } = {}) {
  const email = `${uniq(role)}@test.example`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const nm = name ?? `${role[0].toUpperCase()}${role.slice(1)} ${randomBytes(2).toString('hex')}`;
  return new Promise((resolve, reject) => {
    const p = execFile(CTL, ['user', 'add', '--role', role, '--email', email, '--name', nm, '--timezone', 'Europe/Berlin', '--password-stdin'],
      (err, out) => (err ? reject(err) : resolve({ id: Number(String(out).trim()), email, password, name: nm, timezone: 'Europe/Berlin' })));
    p.stdin.end(`${password}\n`);
  });
}

// A partner with one linked client, both logged in; more clients with { clients: n }.
export async function practice({ clients = 1 } = {}) {
  const [partner, ...list] = await Promise.all([makeUserAsync('partner'), ...Array.from({ length: clients }, () => makeUserAsync('client'))]);
  for (const c of list) link(partner, c);
  await Promise.all([partner, ...list].map(login));
  return { partner, client: list[0], clients: list };
}

// Outsiders to the sessions under test, shared by the tests that need them: a partner and a
// client linked to each other who never own a session (so no id tried can be theirs), and an admin.
let outsiderPromise = null;
export function outsiders() {
  outsiderPromise ??= Promise.all([practice(), loggedIn('admin')]).then(([p, admin]) => ({ partner: p.partner, client: p.client, admin }));
  return outsiderPromise;
}

export async function loggedIn(role) {
  const u = await makeUserAsync(role);
  await login(u);
  return u;
}

// A session created through the API, starting 17-18 minutes from now (outside its join window:
// sessions cannot be created in the past). Returns the session object with its password.
export async function newSession(partner, client, extra = {}) {
  const body = {
    user_id: client.id, title: `Check-in ${randomBytes(4).toString('hex')}`,
    session_date: minutesFromNow(17), duration_minutes: 30, ...extra,
  };
  const r = await api('POST', '/api/video-sessions', { token: partner.token, body });
  assert.equal(r.status, 201, `creating a session: ${r.status} ${r.text}`);
  if (r.json.password) seen.sessionPasswords.add(r.json.password);
  return r.json;
}

// The room name and Jitsi password stored for a session (read as the superuser).
export function storedRoom(id) {
  const [[room, jitsiPassword]] = sql(`SELECT meeting_room_id, jitsi_password FROM video_sessions WHERE id = ${Number(id)}`);
  return { room, jitsiPassword };
}

// Moves a session as if the clock had moved: it starts startInSec seconds from now (a whole
// second), its end follows (the CHECK end_date = session_date + duration holds), and its invite's
// times move by the same amount. Returns {startMs, endMs, openMs}.
export function placeSession(id, startInSec) {
  const rows = sql(`
    WITH d AS (
      SELECT id, make_interval(secs => extract(epoch FROM
               date_trunc('second', now()) + make_interval(secs => ${Number(startInSec)}) - session_date)) AS delta
        FROM video_sessions WHERE id = ${Number(id)}),
    i AS (
      UPDATE invites x SET created_at = x.created_at + d.delta, expires_at = x.expires_at + d.delta
        FROM d WHERE x.video_session_id = d.id RETURNING 1)
    UPDATE video_sessions v SET session_date = v.session_date + d.delta, end_date = v.end_date + d.delta
      FROM d WHERE v.id = d.id
    RETURNING (extract(epoch FROM v.session_date) * 1000)::int8, (extract(epoch FROM v.end_date) * 1000)::int8`);
  assert.equal(rows.length, 1, `session ${id} not found`);
  const startMs = Number(rows[0][0]);
  return { startMs, endMs: Number(rows[0][1]), openMs: startMs - 15 * 60000 };
}

// A session whose join window is open now: it started startedSecAgo seconds ago.
export function openNow(id, startedSecAgo = 60) {
  return placeSession(id, -startedSecAgo);
}

export async function waitUntil(ms) {
  const d = ms - Date.now();
  if (d > 0) await new Promise((r) => setTimeout(r, d));
}

// ---- join requests ---------------------------------------------------------------------------------

function remember(r, action, sessionId, actorId) {
  if (r.status !== 200 || !r.json) return;
  const j = r.json;
  if (typeof j.room === 'string') {
    seen.rooms.add(j.room);
    seen.rooms.add(j.room.slice(j.room.lastIndexOf('/') + 1));
  }
  if (j.jwt) seen.jwts.add(j.jwt);
  if (j.password) seen.jitsiPasswords.add(j.password);
  granted.push({ requestId: r.headers.get('x-request-id'), action, sessionId, actorId });
}

export async function join(user, id) {
  const r = await api('POST', `/api/video-sessions/${id}/join`, { token: user?.token });
  remember(r, 'video_session.join', id, user?.id ?? null);
  return r;
}

export async function guestJoin(id, body) {
  const r = await api('POST', `/api/join/${id}`, { body });
  remember(r, 'guest.join', id, null);
  return r;
}

// The partner's room page beats "room": in public Jitsi mode that is what lets the client and
// guests in (our waiting room holds them with 202 until then); in the token modes it changes
// nothing of the join. Call it once the session's window is open.
export async function partnerInRoom(partner, id) {
  const r = await api('POST', `/api/video-sessions/${id}/presence`, { token: partner.token, body: { place: 'room' } });
  assert.equal(r.status, 200, `the partner's beat: ${r.status} ${r.text}`);
  assert.equal(r.json.recorded, true, `the partner's beat was not recorded: ${r.text}`);
  return r;
}

export async function invite(partner, id) {
  const r = await api('POST', `/api/video-sessions/${id}/invite`, { token: partner.token });
  if (r.status === 201) {
    const m = /[?&]invite=([^&#]+)/.exec(r.json?.invite_url ?? '');
    if (m) seen.invites.add(decodeURIComponent(m[1]));
    r.invite = m ? decodeURIComponent(m[1]) : null;
  }
  return r;
}

export async function verify(user, id, password) {
  return api('POST', `/api/video-sessions/${id}/verify-password`, { token: user.token, body: { password } });
}

// ---- checking a join answer ---------------------------------------------------------------------------

const JOIN_KEYS = ['config', 'display_name', 'domain', 'jwt', 'moderator', 'password', 'room'];
const CLAIMS = ['aud', 'context', 'exp', 'iat', 'iss', 'nbf', 'room', 'sub'];

// Checks a 200 join answer against the mode of this run and the session's times (session: an
// object with session_date and end_date). who: {name, moderator}. Returns {room, bare, payload}.
export async function checkJoin(r, session, who) {
  assert.equal(r.status, 200, `join: ${r.status} ${r.text}`);
  const j = r.json;
  assert.deepEqual(Object.keys(j).sort(), JOIN_KEYS, `join answer keys: ${r.text}`);
  assert.equal(j.domain, JITSI.domain);
  assert.equal(j.display_name, who.name);
  assert.equal(j.moderator, who.moderator);
  checkConfig(j.config);

  let bare = j.room;
  if (JITSI.mode === 'jaas') {
    assert.ok(j.room.startsWith(`${JITSI.appId}/`), `JaaS room must be "<app id>/<name>": ${j.room}`);
    bare = j.room.slice(JITSI.appId.length + 1);
  }
  assert.match(bare, /^[a-z2-7]{26,}$/, 'room: base32 of at least 128 bits');

  if (!TOKEN_MODE) {
    assert.equal(j.jwt, null, 'public Jitsi has no token');
    assert.equal(typeof j.password, 'string');
    assert.ok(j.password.length >= 16, `room password too short: ${j.password}`);
    assert.doesNotMatch(j.password, /^\d{6}$/, 'never a 6-digit session password');
    assert.ok(!seen.sessionPasswords.has(j.password), 'the room password is a session password');
    assert.notEqual(j.password, bare);
    return { room: j.room, bare, payload: null };
  }

  assert.equal(j.password, null, 'token modes have no room password');
  assert.equal(typeof j.jwt, 'string');
  const { payload, protectedHeader } = await jose.jwtVerify(j.jwt, JITSI.key, {
    algorithms: [JITSI.alg], issuer: JITSI.iss, audience: JITSI.aud, subject: JITSI.sub,
    requiredClaims: ['room', 'nbf', 'exp', 'iat', 'context'], clockTolerance: 5,
  });
  assert.equal(protectedHeader.alg, JITSI.alg);
  if (JITSI.mode === 'jaas') assert.equal(protectedHeader.kid, JITSI.kid);
  for (const k of Object.keys(payload)) assert.ok(CLAIMS.includes(k), `unexpected claim ${k}: ${JSON.stringify(payload)}`);
  assert.equal(payload.aud, JITSI.aud, 'aud is one string');
  assert.equal(payload.room, bare, 'room claim is the bare room name');
  assert.notEqual(payload.room, '*');
  const startSec = Date.parse(session.session_date) / 1000;
  const endSec = Date.parse(session.end_date) / 1000;
  assert.equal(payload.nbf, startSec - 15 * 60, 'nbf: the window opens 15 minutes before the start');
  assert.equal(payload.exp, endSec + 30 * 60, 'exp: the end plus 30 minutes');
  assert.ok(Math.abs(payload.iat - Date.now() / 1000) <= 10, `iat ${payload.iat} is not now`);
  const user = payload.context?.user;
  assert.ok(user, `no context.user: ${JSON.stringify(payload)}`);
  assert.deepEqual(Object.keys(user).sort(), ['id', 'moderator', 'name'], 'context.user carries id, name, moderator only');
  assert.equal(typeof user.id, 'string');
  assert.ok(user.id.length > 0);
  assert.equal(user.name, who.name);
  assert.equal(user.moderator, who.moderator ? 'true' : 'false');
  const features = payload.context.features;
  if (JITSI.mode === 'jaas') {
    assert.ok(features, 'JaaS tokens name the features');
    for (const f of ['recording', 'livestreaming']) assert.equal(features[f], 'false', `feature ${f}`);
  }
  for (const [k, v] of Object.entries(features ?? {})) assert.equal(v, 'false', `feature ${k} is on`);
  assert.deepEqual(Object.keys(payload.context).filter((k) => k !== 'user' && k !== 'features'), []);
  return { room: j.room, bare, payload };
}

// What the SPA hands to Jitsi: the prejoin page, phones kept in the browser, nothing third-party.
export function checkConfig(config) {
  assert.equal(typeof config, 'object');
  assert.ok(config.prejoinPageEnabled === true || config.prejoinConfig?.enabled === true, `prejoin off: ${JSON.stringify(config)}`);
  assert.notEqual(config.prejoinPageEnabled, false);
  assert.notEqual(config.prejoinConfig?.enabled, false);
  assert.equal(config.disableDeepLinking, true);
  assert.equal(config.disableThirdPartyRequests, true);
}

// ---- the route table ---------------------------------------------------------------------------------

// Every path pattern and method of app/api/routes.c (the test-only routes left out).
export function routes() {
  const src = readFileSync(path.join(ROOT, 'app/api/routes.c'), 'utf8');
  const out = [];
  for (const m of src.matchAll(/\[ROUTE_\w+\]\s*=\s*\{\s*"([^"]+)"\s*,\s*"[^"]*"\s*,\s*\{([\s\S]*?)\}\s*,\s*\d+\s*\}/g)) {
    if (m[1].startsWith('/api/test/')) continue;
    for (const x of m[2].matchAll(/M\(\s*VS_(\w+)/g)) out.push({ pattern: m[1], method: x[1] });
  }
  if (out.length < 10) throw new Error(`routes.c: only ${out.length} routes parsed; has the table's shape changed?`);
  return out;
}

// Everything a response shows: status line, headers and body.
export function shown(r) {
  const h = r.headers instanceof Headers ? [...r.headers].map(([k, v]) => `${k}: ${v}`) : Object.entries(r.headers).map(([k, v]) => `${k}: ${v}`);
  return `${r.status}\n${h.join('\n')}\n\n${r.text}`;
}
