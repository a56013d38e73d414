// join.test.mjs — entering the video room (API.md "join", "Guest invite"; issue 5): only the
// session's partner, its client after the password check, or a guest holding the live invite
// and the password get the room, only inside the window (15 minutes before the start to the
// end), and in the mode this run configured: public Jitsi (no token, a random room password),
// self-hosted Jitsi (HS256) or JaaS (RS256 with kid). Tokens are checked with the jose package,
// so a mistake in our own JWT code cannot hide itself. scripts/test runs this file in all three
// modes (VSESSION_JITSI_MODE); sessions are moved in time with SQL as the database owner.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as jose from 'jose';
import { api, sql, makeUser, link, login } from './lib.mjs';
import {
  JITSI, TOKEN_MODE, seen, granted, iso, practice, outsiders, makeUserAsync, newSession, storedRoom, placeSession,
  openNow, waitUntil, join, guestJoin, invite, verify, checkJoin, checkConfig, routes, shown, partnerInRoom,
} from './join-helpers.mjs';

const sessionTimes = (s, t) => ({ ...s, session_date: iso(t.startMs), end_date: iso(t.endMs) });

// ---- what each mode hands out -----------------------------------------------------------------------

test(`join answers in ${JITSI.mode} mode: the partner is moderator, the verified client is not, both get the same room`, async () => {
  const { partner, client } = await practice();
  const s = await newSession(partner, client);
  const t = openNow(s.id);
  const at = sessionTimes(s, t);

  const p = await join(partner, s.id);
  const pj = await checkJoin(p, at, { name: partner.name, moderator: true });
  assert.equal((await verify(client, s.id, s.password)).status, 200);
  const c = await join(client, s.id);
  const cj = await checkJoin(c, at, { name: client.name, moderator: false });

  assert.equal(pj.room, cj.room, 'partner and client meet in one room');
  assert.equal(pj.bare, storedRoom(s.id).room, 'the room is the one stored with the session');
  if (TOKEN_MODE) {
    assert.notEqual(pj.payload.context.user.id, cj.payload.context.user.id);
  } else {
    // The partner's page sets this password as moderator; the client's page answers with it.
    assert.equal(p.json.password, c.json.password);
    assert.equal(p.json.password, storedRoom(s.id).jitsiPassword);
    assert.notEqual(p.json.password, s.password);
  }
});

test('public Jitsi: no token, and a room password that is random, long and never the session password', { skip: TOKEN_MODE && 'token mode' }, async () => {
  const { partner, client } = await practice();
  const a = await newSession(partner, client);
  const b = await newSession(partner, client, { session_date: iso(Date.parse(a.session_date) + 86400000) });
  const t = openNow(a.id);
  const ra = await join(partner, a.id);
  await checkJoin(ra, sessionTimes(a, t), { name: partner.name, moderator: true });
  assert.equal(ra.json.jwt, null);
  const pa = ra.json.password;
  const pb = storedRoom(b.id).jitsiPassword; // what b's joins will hand out
  assert.notEqual(pa, pb, 'each session has its own room password');
  for (const pw of [pa, pb]) {
    assert.ok(pw.length >= 16, `room password too short: ${pw}`);
    assert.doesNotMatch(pw, /^\d+$/);
    assert.ok(!pw.includes(a.password) && !pw.includes(b.password), 'the room password contains a session password');
    assert.ok(new Set(pw).size >= 10, `the room password looks low-entropy: ${pw}`);
  }
});

test('tokens verify only under the configured key and algorithm', { skip: !TOKEN_MODE && 'public mode has no tokens' }, async () => {
  const { partner, client } = await practice();
  const s = await newSession(partner, client);
  openNow(s.id);
  const r = await join(partner, s.id);
  assert.equal(r.status, 200, r.text);
  const jwt = r.json.jwt;
  // A key that is not the server's must fail: proves jose really checks the signature.
  const wrong = JITSI.mode === 'jaas'
    ? generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey
    : new TextEncoder().encode(`${process.env.JITSI_APP_SECRET}x`);
  await assert.rejects(jose.jwtVerify(jwt, wrong, { algorithms: [JITSI.alg] }), /signature/i);
  // No other algorithm than the configured one is accepted for it.
  const other = JITSI.alg === 'HS256' ? 'HS512' : 'RS512';
  await assert.rejects(jose.jwtVerify(jwt, JITSI.key, { algorithms: [other] }));
  // A changed claim breaks the signature.
  const [h, p, sig] = jwt.split('.');
  const claims = JSON.parse(Buffer.from(p, 'base64url'));
  claims.room = '*';
  const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${sig}`;
  await assert.rejects(jose.jwtVerify(forged, JITSI.key, { algorithms: [JITSI.alg] }), /signature/i);
});

// ---- the window -------------------------------------------------------------------------------------

test('joining opens 15 minutes before the start, to the second, and the refusal says when', async () => {
  const { partner, client } = await practice();
  const s = await newSession(partner, client);
  const inv = await invite(partner, s.id);
  assert.equal(inv.status, 201, inv.text);
  // The client may pass the password check before the window opens; it is remembered.
  assert.equal((await verify(client, s.id, s.password)).status, 200);

  // Opens in 2-3 seconds.
  const t = placeSession(s.id, 15 * 60 + 3);
  const at = sessionTimes(s, t);
  const guest = { invite: inv.invite, password: s.password, name: 'Early Guest' };
  for (const r of [await join(partner, s.id), await join(client, s.id), await guestJoin(s.id, guest)]) {
    assert.equal(r.status, 403, `before the window: ${r.text}`);
    assert.equal(r.json.error.code, 'forbidden');
    assert.ok(r.json.error.message.includes(iso(t.openMs)), `the message must say when it opens (${iso(t.openMs)}): ${r.json.error.message}`);
    assert.ok(!/[a-z2-7]{26,}/.test(r.text), 'no room name in a refusal');
  }
  assert.ok(Date.now() < t.openMs, 'the refusals above must come before the window opens (slow machine?)');

  await waitUntil(t.openMs + 100);
  await checkJoin(await join(partner, s.id), at, { name: partner.name, moderator: true });
  await checkJoin(await join(client, s.id), at, { name: client.name, moderator: false });
  await checkJoin(await guestJoin(s.id, guest), at, { name: 'Early Guest (guest)', moderator: false });
});

test('joining closes at the end, to the second', async () => {
  const { partner, client } = await practice();
  const s = await newSession(partner, client, { password_enabled: false });
  const inv = await invite(partner, s.id);
  // Ends in 2-3 seconds.
  const t = placeSession(s.id, -30 * 60 + 3);
  const at = sessionTimes(s, t);
  await checkJoin(await join(partner, s.id), at, { name: partner.name, moderator: true });
  await checkJoin(await join(client, s.id), at, { name: client.name, moderator: false });
  await checkJoin(await guestJoin(s.id, { invite: inv.invite, name: 'Late Guest' }), at, { name: 'Late Guest (guest)', moderator: false });
  assert.ok(Date.now() < t.endMs, 'the joins above must come before the end (slow machine?)');

  await waitUntil(t.endMs + 100);
  for (const r of [await join(partner, s.id), await join(client, s.id)]) {
    assert.equal(r.status, 403, `after the end: ${r.text}`);
    assert.equal(r.json.error.code, 'forbidden');
  }
  // The invite was valid until the end: now it is an expired invite (404).
  const g = await guestJoin(s.id, { invite: inv.invite, name: 'Late Guest' });
  assert.equal(g.status, 404, `an expired invite: ${g.text}`);
  assert.equal(g.json.error.code, 'not_found');
});

test('a cancelled session cannot be joined by its partner, its verified client or a guest', async () => {
  const { partner, client } = await practice();
  const s = await newSession(partner, client);
  const inv = await invite(partner, s.id);
  assert.equal((await verify(client, s.id, s.password)).status, 200);
  openNow(s.id);
  assert.equal((await join(partner, s.id)).status, 200, 'joinable before it is cancelled');
  const c = await api('PUT', `/api/video-sessions/${s.id}`, { token: partner.token, body: { status: 'cancelled' } });
  assert.equal(c.status, 200, c.text);
  const rs = [await join(partner, s.id), await join(client, s.id),
    await guestJoin(s.id, { invite: inv.invite, password: s.password, name: 'Guest' })];
  for (const r of rs) {
    assert.equal(r.status, 403, r.text);
    assert.equal(r.json.error.code, 'forbidden');
  }
  // and no new invite for it
  assert.equal((await invite(partner, s.id)).status, 409);
});

test('the config for Jitsi: prejoin page, no deep links, no third-party requests, nothing personal', async () => {
  const { partner, client } = await practice();
  const s = await newSession(partner, client, { notes: `private ${randomBytes(4).toString('hex')}` });
  openNow(s.id);
  const r = await join(partner, s.id);
  assert.equal(r.status, 200, r.text);
  const { config } = r.json;
  checkConfig(config);
  assert.ok(config.prejoinPageEnabled === true && config.prejoinConfig?.enabled !== false, JSON.stringify(config));
  // Features a partner may not want stay off when the config names them.
  for (const k of ['fileRecordingsEnabled', 'liveStreamingEnabled', 'transcribingEnabled']) {
    if (k in config) assert.equal(config[k], false, k);
  }
  if ('analytics' in config) assert.equal(config.analytics.disabled, true);
  // The session's title, notes, the people's emails and the password stay out of it.
  const text = JSON.stringify(config);
  for (const x of [s.title, s.notes, client.name, client.email, partner.email, s.password]) {
    assert.ok(!text.includes(x), `config carries ${x}`);
  }
});

// ---- who may join -----------------------------------------------------------------------------------

test('the client joins only after the password check, which is remembered for that session only', async () => {
  const [{ partner, clients: [client] }, other] = await Promise.all([practice(), makeUserAsync('partner')]);
  link(other, client);
  await login(other);
  const a = await newSession(partner, client);
  const b = await newSession(other, client);
  openNow(a.id);
  const tb = openNow(b.id);
  await Promise.all([partnerInRoom(partner, a.id), partnerInRoom(other, b.id)]);

  const before = await join(client, a.id);
  assert.equal(before.status, 403, before.text);
  assert.equal(before.json.error.code, 'forbidden');
  const wrongPw = String((Number(a.password) + 1) % 1000000).padStart(6, '0');
  const w = await verify(client, a.id, wrongPw);
  assert.equal(w.status, 403);
  assert.equal(w.json.error.code, 'wrong_password');
  assert.equal((await join(client, a.id)).status, 403, 'a wrong password verifies nothing');
  const ok = await verify(client, a.id, a.password);
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual(ok.json, { verified: true });
  const first = await join(client, a.id);
  assert.equal(first.status, 200, first.text);
  assert.equal((await join(client, a.id)).status, 200, 'remembered: a second join needs no new check');
  // verified for a, not for b (another partner's session with the same client)
  assert.equal((await join(client, b.id)).status, 403, 'the check of one session opened another');
  assert.equal((await verify(client, b.id, b.password)).status, 200);
  await checkJoin(await join(client, b.id), sessionTimes(b, tb), { name: client.name, moderator: false });
  // the partner never needs the password
  assert.equal((await verify(partner, a.id, a.password)).status, 403, 'the partner does not verify');
});

test('a session without a password lets its client join at once', async () => {
  const { partner, client } = await practice();
  const s = await newSession(partner, client, { password_enabled: false });
  const t = openNow(s.id);
  await partnerInRoom(partner, s.id);
  await checkJoin(await join(client, s.id), sessionTimes(s, t), { name: client.name, moderator: false });
});

test("the client is shown by the alias their partner set, and their real name is not handed out", async () => {
  const { partner, client } = await practice();
  const s = await newSession(partner, client, { password_enabled: false });
  const t = openNow(s.id);
  const alias = `Alias ${randomBytes(3).toString('hex')}`;
  sql(`UPDATE partner_clients SET alias = '${alias}' WHERE partner_id = ${partner.id} AND client_id = ${client.id}`);
  await partnerInRoom(partner, s.id);
  const r = await join(client, s.id);
  await checkJoin(r, sessionTimes(s, t), { name: alias, moderator: false });
  assert.ok(!r.text.includes(client.name), 'the real name is in the join answer');
  if (r.json.jwt) assert.ok(!JSON.stringify(jose.decodeJwt(r.json.jwt)).includes(client.name), 'the real name is in the token');
  assert.ok(!r.text.includes(client.email) && !(r.json.jwt && JSON.stringify(jose.decodeJwt(r.json.jwt)).includes(client.email)), 'the email is handed out');
  // the partner's own join is unchanged
  await checkJoin(await join(partner, s.id), sessionTimes(s, t), { name: partner.name, moderator: true });
});

test('other clients, other partners and admins cannot join or verify; no login is 401', async () => {
  const [{ partner, clients: [client, sibling] }, outsider] = await Promise.all([practice({ clients: 2 }), outsiders()]);
  const s = await newSession(partner, client);
  openNow(s.id);
  const cases = [
    ['another client of the same partner', sibling, 404],
    ['a client of another partner', outsider.client, 404],
    ['another partner', outsider.partner, 404],
    ['an admin', outsider.admin, 403],
  ];
  for (const [who, u, want] of cases) {
    const j = await join(u, s.id);
    assert.equal(j.status, want, `${who} joining: ${j.text}`);
    const v = await verify(u, s.id, s.password);
    assert.equal(v.status, want, `${who} verifying with the right password: ${v.text}`);
    assert.equal((await join(u, s.id)).status, want, `${who} joining after verifying`);
  }
  assert.equal((await join(null, s.id)).status, 401);
  assert.equal((await join(partner, 2 ** 40)).status, 404, 'an unknown session');
});

// ---- nobody else ever sees the room ------------------------------------------------------------------

test('nobody but a granted join ever sees the room: every route, every outsider, every id', async () => {
  // third: another practice with a live invite (not one of the outsiders below, who own no
  // session, so no id tried can be theirs).
  const [{ partner, clients: [client, sibling] }, outsider, third] = await Promise.all([practice({ clients: 2 }), outsiders(), practice()]);
  const { admin } = outsider;
  const s = await newSession(partner, client);
  const inv = await invite(partner, s.id);
  const os = await newSession(third.partner, third.client);
  const oinv = await invite(third.partner, os.id);
  openNow(s.id);
  openNow(os.id);
  // The partner has joined already, so the room and (in token modes) a token exist.
  const pj = await join(partner, s.id);
  assert.equal(pj.status, 200);
  const { room, jitsiPassword } = storedRoom(s.id);
  const secrets = [room, jitsiPassword, pj.json.jwt, inv.invite].filter(Boolean);
  const before = sql(`SELECT md5(x::text) FROM video_sessions x WHERE id = ${s.id}`)[0][0];

  const range = `?from=${encodeURIComponent(iso(Date.now() - 86400000))}&to=${encodeURIComponent(iso(Date.now() + 86400000))}`;
  const bodyFor = (method, pattern) => {
    if (pattern === '/api/video-sessions/:id/verify-password') return [{ password: s.password }];
    if (pattern === '/api/join/:id') {
      return [
        { name: 'Stranger' },
        { invite: randomBytes(32).toString('base64url'), name: 'Stranger' },
        { invite: randomBytes(32).toString('base64url'), password: s.password, name: 'Stranger' },
        { invite: oinv.invite, password: s.password, name: 'Stranger' },
        { invite: inv.invite.slice(0, -1), password: s.password, name: 'Stranger' },
      ];
    }
    if (method === 'PUT' && pattern.includes('appointments')) return [{ title: 'x' }];
    if (method === 'PUT') return [{ title: 'Taken over', session_date: iso(Date.now() + 3 * 86400000) }];
    if (method === 'POST' && pattern.endsWith('/appointments')) {
      return [{ title: 'x', starts_at: iso(Date.now() + 5 * 86400000), ends_at: iso(Date.now() + 5 * 86400000 + 3600000) }];
    }
    return [undefined];
  };
  const query = (pattern) => (pattern.endsWith('/calendar') ? range : pattern.endsWith('/video-sessions') ? '?when=all' : '');

  const actors = [['no login', null], ['another client of the same partner', sibling], ['a client of another partner', outsider.client],
    ['another partner', outsider.partner], ['an admin', admin]];
  const seenBy = [];
  const problems = [];
  for (const { pattern, method } of routes().filter((x) => x.pattern.includes(':id'))) {
    for (const id of [s.id, partner.id, client.id]) {
      for (const body of bodyFor(method, pattern)) {
        for (const [who, u] of actors) {
          const p = pattern.replace(':id', id) + query(pattern);
          const r = pattern === '/api/join/:id' ? await guestJoin(id, body) : await api(method, p, { token: u?.token, body });
          const text = shown(r);
          for (const x of secrets) if (text.includes(x)) problems.push(`${who}: ${method} ${p} ${JSON.stringify(body)} → ${r.status} shows ${x === room ? 'the room' : x === jitsiPassword ? 'the room password' : x === inv.invite ? 'the invite' : 'the token'}`);
          if ((/\/(join|verify-password|invite)$/.test(pattern) || pattern === '/api/join/:id') && r.status < 300) problems.push(`${who}: ${method} ${p} ${JSON.stringify(body)} → ${r.status}`);
          seenBy.push(r.status);
          if (pattern === '/api/join/:id') break; // one anonymous try per body is enough
        }
      }
    }
  }
  // The app's own join page (the SPA's HTML) carries nothing either, with or without the invite.
  for (const p of [`/join/${s.id}`, `/join/${s.id}?invite=${encodeURIComponent(inv.invite)}`]) {
    const r = await api('GET', p);
    assert.equal(r.status, 200, `${p}: ${r.status}`);
    for (const x of secrets.filter((y) => y !== inv.invite)) if (shown(r).includes(x)) problems.push(`GET ${p} shows a secret`);
  }
  // The session's own people outside a join: its pages, lists and calendar never carry the room.
  for (const [who, u] of [['the partner', partner], ['the unverified client', client]]) {
    for (const { pattern, method } of routes().filter((x) => x.method === 'GET' && x.pattern.includes(':id'))) {
      for (const id of [s.id, partner.id, client.id]) {
        const p = pattern.replace(':id', id) + query(pattern);
        const r = await api(method, p, { token: u.token });
        for (const x of secrets) if (shown(r).includes(x)) problems.push(`${who}: GET ${p} → ${r.status} shows a secret`);
      }
    }
  }
  const cj = await join(client, s.id);
  assert.equal(cj.status, 403, 'the unverified client joined');
  assert.ok(!secrets.some((x) => shown(cj).includes(x)));
  assert.deepEqual(problems, [], problems.join('\n'));
  assert.ok(seenBy.length > 100, `only ${seenBy.length} requests made`);
  assert.equal(sql(`SELECT md5(x::text) FROM video_sessions x WHERE id = ${s.id}`)[0][0], before, 'an outsider changed the session');
  // Nobody's failed tries used up the client's attempts: the right password still verifies.
  assert.equal((await verify(client, s.id, s.password)).status, 200);
  assert.equal((await join(client, s.id)).json?.room, pj.json.room);
});

// ---- room names ---------------------------------------------------------------------------------------

test('1,000 sessions get 1,000 distinct room names of at least 128 random bits, free of ids, names, dates and titles', async (t) => {
  const letters = (n) => Array.from(randomBytes(n), (b) => 'abcdefghijklmnopqrstuvwxyz'[b % 26]).join('');
  const partner = makeUser('partner', { name: `Doctor ${letters(10)} ${letters(10)}` });
  const client = makeUser('client', { name: `Patient ${letters(10)} ${letters(10)}` });
  link(partner, client);
  await login(partner);
  // Back-to-back 30-minute slots from next week on, 50 requests in flight.
  const base = Math.ceil((Date.now() + 7 * 86400000) / 3600000) * 3600000;
  const N = 1000;
  const ids = new Array(N);
  let next = 0;
  const t0 = Date.now();
  await Promise.all(Array.from({ length: 50 }, async () => {
    while (next < N) {
      const i = next++;
      const r = await api('POST', '/api/video-sessions', {
        token: partner.token,
        body: { user_id: client.id, title: `Session ${letters(12)}`, session_date: iso(base + i * 30 * 60000), duration_minutes: 30, password_enabled: false },
      });
      if (r.status !== 201) throw new Error(`session ${i}: ${r.status} ${r.text}`);
      ids[i] = r.json.id;
    }
  }));
  const createMs = Date.now() - t0;
  const rows = sql(`SELECT s.id, s.meeting_room_id, s.title, extract(epoch FROM s.session_date)::int8, s.partner_id, s.user_id,
                           p.name, u.name, p.email, u.email
                      FROM video_sessions s JOIN users p ON p.id = s.partner_id JOIN users u ON u.id = s.user_id
                     WHERE s.id IN (${ids.join(',')}) ORDER BY s.id`);
  assert.equal(rows.length, N);
  const rooms = rows.map((r) => r[1]);
  assert.equal(new Set(rooms).size, N, 'room names repeat');

  const problems = [];
  const b32 = 'abcdefghijklmnopqrstuvwxyz234567';
  const decode = (s) => {
    let bits = 0, acc = 0;
    const out = [];
    for (const ch of s) {
      acc = (acc << 5) | b32.indexOf(ch);
      bits += 5;
      if (bits >= 8) { out.push((acc >> (bits - 8)) & 255); bits -= 8; }
    }
    return Buffer.from(out);
  };
  const intBytes = (v) => {
    const out = [];
    for (const n of [4, 8]) {
      const be = Buffer.alloc(n), le = Buffer.alloc(n);
      if (n === 4) { be.writeUInt32BE(Number(v) >>> 0); le.writeUInt32LE(Number(v) >>> 0); } else { be.writeBigUInt64BE(BigInt(v)); le.writeBigUInt64LE(BigInt(v)); }
      out.push(be, le);
    }
    return out;
  };
  for (const [id, room, title, epoch, pid, uid, pname, uname, pemail, uemail] of rows) {
    if (!/^[a-z2-7]{26,}$/.test(room)) { problems.push(`${id}: ${room} is not base32 of 128+ bits`); continue; }
    const d = new Date(Number(epoch) * 1000).toISOString();
    // Words of the title, names and emails, and the session's numbers written out in text.
    const words = `${title} ${pname} ${uname} ${pemail} ${uemail}`.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length >= 6);
    const numbers = [id, pid, uid, epoch, String(Math.floor(epoch / 60)), d.slice(0, 10).replace(/-/g, ''), d.slice(0, 10), d.slice(11, 16).replace(':', '')];
    for (const w of [...words, ...numbers.map(String).filter((x) => x.length >= 4)]) {
      if (room.includes(w)) problems.push(`session ${id}: room ${room} contains "${w}"`);
    }
    // Nor as binary inside the decoded bits.
    const bytes = decode(room);
    for (const v of [id, pid, uid, epoch]) {
      for (const enc of intBytes(v)) if (bytes.includes(enc)) problems.push(`session ${id}: room ${room} holds ${v} as bytes`);
    }
    for (const v of [id, pid, uid, epoch]) if (String(v).length >= 4 && bytes.includes(Buffer.from(String(v)))) problems.push(`session ${id}: room holds "${v}" in its bytes`);
  }
  // Sessions made one after another (consecutive ids and slots) share no structure: a counter,
  // a timestamp or a hash of either would leave long common runs between neighbours.
  const commonRun = (a, b) => {
    let best = 0;
    for (let i = 0; i < a.length; i++) for (let j = 0; j < b.length; j++) {
      let k = 0;
      while (a[i + k] !== undefined && a[i + k] === b[j + k]) k++;
      if (k > best) best = k;
    }
    return best;
  };
  for (let i = 1; i < N; i++) {
    const run = commonRun(rooms[i - 1], rooms[i]);
    if (run >= 7) problems.push(`rooms of sessions ${rows[i - 1][0]} and ${rows[i][0]} share a run of ${run}: ${rooms[i - 1]} ${rooms[i]}`);
  }
  // Every position varies over the whole alphabet: the bits each position can carry add up to
  // at least 128 (a fixed prefix, a small alphabet or a short random part would fall short).
  const len = Math.min(...rooms.map((r) => r.length));
  let bits = 0;
  for (let p = 0; p < len; p++) bits += Math.log2(new Set(rooms.map((r) => r[p])).size);
  if (bits < 128) problems.push(`the rooms vary in only ${bits.toFixed(1)} bits`);
  // Roughly uniform letters over all positions but the last (which may carry fewer bits).
  const counts = new Map();
  for (const r of rooms) for (const ch of r.slice(0, -1)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const expect = total / 32;
  const chi2 = [...b32].reduce((a, ch) => a + ((counts.get(ch) ?? 0) - expect) ** 2 / expect, 0);
  // 31 degrees of freedom: p(chi2 > 70) < 1e-4
  if (chi2 > 70) problems.push(`room letters are not uniform: chi2 ${chi2.toFixed(1)}`);
  assert.deepEqual(problems, [], problems.slice(0, 20).join('\n'));
  t.diagnostic(`${N} sessions created in ${createMs} ms; the room positions carry ${bits.toFixed(0)} bits; letters chi2 ${chi2.toFixed(1)}`);
});

// ---- guests -----------------------------------------------------------------------------------------------

test('a guest with the invite, the password and a name joins without an account', async () => {
  const [{ partner, client }, other] = await Promise.all([practice(), practice()]);
  const s = await newSession(partner, client);
  const r = await invite(partner, s.id);
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(Object.keys(r.json), ['invite_url']);
  const base = process.env.VSESSION_BASE_URL;
  assert.match(r.json.invite_url, new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/join/${s.id}\\?invite=[A-Za-z0-9_-]{43,}$`));
  const t = openNow(s.id);
  const at = sessionTimes(s, t);
  await partnerInRoom(partner, s.id);
  const name = 'Zoë "Z" O\'Brien <b>&';
  const g = await guestJoin(s.id, { invite: r.invite, password: s.password, name });
  // shown as what they are: a guest (issue 13, item 16)
  const gj = await checkJoin(g, at, { name: `${name} (guest)`, moderator: false });
  assert.equal(g.headers.get('set-cookie'), null, 'a guest gets no login');
  const pj = await checkJoin(await join(partner, s.id), at, { name: partner.name, moderator: true });
  assert.equal(gj.room, pj.room, 'the guest meets the partner in the session room');
  if (!TOKEN_MODE) {
    assert.equal(g.json.password, (await join(partner, s.id)).json.password);
  } else {
    // The guest is nobody's account: neither the partner's nor the client's identity in Jitsi.
    assert.equal((await verify(client, s.id, s.password)).status, 200);
    const cj = await checkJoin(await join(client, s.id), at, { name: client.name, moderator: false });
    assert.ok(![pj.payload.context.user.id, cj.payload.context.user.id].includes(gj.payload.context.user.id));
  }
  // 100 characters (not bytes) is the most a name may have
  const long = 'é'.repeat(100);
  await checkJoin(await guestJoin(s.id, { invite: r.invite, password: s.password, name: long }), at, { name: `${long} (guest)`, moderator: false });
  // a session without a password needs only the invite (another partner's: no overlap with s)
  const s2 = await newSession(other.partner, other.client, { password_enabled: false });
  const r2 = await invite(other.partner, s2.id);
  const t2 = openNow(s2.id);
  await partnerInRoom(other.partner, s2.id);
  await checkJoin(await guestJoin(s2.id, { invite: r2.invite, name: 'Guest Two' }), sessionTimes(s2, t2), { name: 'Guest Two (guest)', moderator: false });
});

test('the invite is stored only as a hash, and a new invite revokes the old one', async () => {
  const { partner, client } = await practice();
  const s = await newSession(partner, client);
  const a = await invite(partner, s.id);
  const [[hash, expires]] = sql(`SELECT token_sha256, (extract(epoch FROM expires_at) * 1000)::int8 FROM invites WHERE video_session_id = ${s.id}`);
  assert.equal(hash, createHash('sha256').update(a.invite).digest('hex'));
  assert.notEqual(hash, a.invite);
  assert.equal(Number(expires), Date.parse(s.end_date), 'valid until the session ends');
  assert.equal(sql(`SELECT count(*) FROM invites x WHERE x::text LIKE '%${a.invite}%'`)[0][0], '0', 'the token itself is in the database');
  assert.equal(sql(`SELECT count(*) FROM audit_log x WHERE x::text LIKE '%${a.invite}%'`)[0][0], '0', 'the token is in the audit log');
  assert.ok(a.invite.length >= 43, 'at least 256 bits');
  // the token is never shown again
  const g = await api('GET', `/api/video-sessions/${s.id}`, { token: partner.token });
  assert.ok(!g.text.includes(a.invite));

  openNow(s.id);
  await partnerInRoom(partner, s.id);
  const b = await invite(partner, s.id);
  assert.equal(b.status, 201);
  assert.notEqual(b.invite, a.invite);
  assert.equal(sql(`SELECT count(*) FROM invites WHERE video_session_id = ${s.id}`)[0][0], '1', 'one live invite per session');
  const old = await guestJoin(s.id, { invite: a.invite, password: s.password, name: 'Guest' });
  assert.equal(old.status, 404, `a revoked invite: ${old.text}`);
  assert.equal(old.json.error.code, 'not_found');
  assert.equal((await guestJoin(s.id, { invite: b.invite, password: s.password, name: 'Guest' })).status, 200);
});

test('only the owning partner can invite, and only to a session that can still happen', async () => {
  const [{ partner, clients: [client] }, outsider] = await Promise.all([practice(), outsiders()]);
  const { admin } = outsider;
  const s = await newSession(partner, client);
  assert.equal((await invite(client, s.id)).status, 403, 'the client invites');
  assert.equal((await invite(outsider.partner, s.id)).status, 404, 'another partner invites');
  assert.equal((await invite(outsider.client, s.id)).status, 404, 'a stranger client invites');
  assert.equal((await invite(admin, s.id)).status, 403, 'an admin invites');
  assert.equal((await api('POST', `/api/video-sessions/${s.id}/invite`)).status, 401);
  assert.equal(sql(`SELECT count(*) FROM invites WHERE video_session_id = ${s.id}`)[0][0], '0');
  placeSession(s.id, -31 * 60); // ended a minute ago
  const r = await invite(partner, s.id);
  assert.equal(r.status, 409, `an ended session: ${r.text}`);
  assert.equal(r.json.error.code, 'invalid_state');
});

test('guest joins refuse a wrong or missing password, a wrong invite and a bad name', async () => {
  const { partner, client } = await practice();
  const s = await newSession(partner, client);
  const other = await newSession(partner, client, { session_date: iso(Date.parse(s.session_date) + 86400000) });
  const inv = await invite(partner, s.id);
  const oinv = await invite(partner, other.id);
  openNow(s.id);
  await partnerInRoom(partner, s.id);
  const wrongPw = String((Number(s.password) + 1) % 1000000).padStart(6, '0');

  const noPw = await guestJoin(s.id, { invite: inv.invite, name: 'Guest' });
  assert.equal(noPw.status, 403, noPw.text);
  assert.equal(noPw.json.error.code, 'wrong_password');
  const badPw = await guestJoin(s.id, { invite: inv.invite, password: wrongPw, name: 'Guest' });
  assert.equal(badPw.status, 403, badPw.text);
  assert.equal(badPw.json.error.code, 'wrong_password');
  const emptyPw = await guestJoin(s.id, { invite: inv.invite, password: '', name: 'Guest' });
  assert.equal(emptyPw.status, 403, emptyPw.text);
  for (const [what, inviteToken] of [['an unknown invite', randomBytes(32).toString('base64url')],
    ["another session's invite", oinv.invite], ['a cut invite', inv.invite.slice(0, 20)]]) {
    const r = await guestJoin(s.id, { invite: inviteToken, password: s.password, name: 'Guest' });
    assert.equal(r.status, 404, `${what}: ${r.text}`);
    assert.equal(r.json.error.code, 'not_found');
  }
  // an invite for a session id that does not exist
  assert.equal((await guestJoin(2 ** 40, { invite: inv.invite, password: s.password, name: 'Guest' })).status, 404);
  for (const [what, body] of [['no name', { invite: inv.invite, password: s.password }],
    ['an empty name', { invite: inv.invite, password: s.password, name: '' }],
    ['a blank name', { invite: inv.invite, password: s.password, name: '   ' }],
    ['a name of 101 characters', { invite: inv.invite, password: s.password, name: 'x'.repeat(101) }],
    ['a name that is not a string', { invite: inv.invite, password: s.password, name: 7 }]]) {
    const r = await guestJoin(s.id, body);
    assert.equal(r.status, 422, `${what}: ${r.text}`);
    assert.equal(r.json.error.code, 'validation_failed');
    assert.equal(r.json.error.field, 'name', what);
  }
  const noInvite = await guestJoin(s.id, { password: s.password, name: 'Guest' });
  assert.equal(noInvite.status, 422, noInvite.text);
  assert.equal(noInvite.json.error.field, 'invite');
  // unknown fields are refused too (a client id, say)
  assert.equal((await guestJoin(s.id, { invite: inv.invite, password: s.password, name: 'Guest', user_id: client.id })).status, 422);
  // After all that, two wrong passwords were counted; the right one still works.
  assert.equal((await guestJoin(s.id, { invite: inv.invite, password: s.password, name: 'Guest' })).status, 200);
});

test('five wrong passwords per caller: a guest locks out only their own invite, never the client; then 429 with Retry-After', async () => {
  const { partner, client } = await practice();
  const s = await newSession(partner, client);
  const spare = await newSession(partner, client, { session_date: iso(Date.parse(s.session_date) + 86400000) });
  const inv = await invite(partner, s.id);
  openNow(s.id);
  await partnerInRoom(partner, s.id);
  const wrong = (pw, k) => String((Number(pw) + k) % 1000000).padStart(6, '0');
  // The invite holder guesses five times: 403 each time, then 429 even with the right password.
  const results = [];
  for (let k = 1; k <= 5; k++) results.push((await guestJoin(s.id, { invite: inv.invite, password: wrong(s.password, k), name: 'Guest' })).status);
  assert.deepEqual(results, [403, 403, 403, 403, 403]);
  const g = await guestJoin(s.id, { invite: inv.invite, password: s.password, name: 'Guest' });
  assert.equal(g.status, 429, g.text);
  assert.equal(g.json.error.code, 'too_many_attempts');
  const ra = Number(g.headers.get('retry-after'));
  assert.ok(Number.isInteger(ra) && ra > 0 && ra <= 15 * 60, `Retry-After: ${g.headers.get('retry-after')}`);
  // ... and the client is not locked out by the guest: one wrong try, then the right password works.
  assert.equal((await verify(client, s.id, wrong(s.password, 6))).status, 403);
  const c = await verify(client, s.id, s.password);
  assert.equal(c.status, 200, `the guest's guesses locked the client out: ${c.text}`);
  assert.equal((await join(client, s.id)).status, 200);
  // The client's own five wrong tries lock the client (on this session only).
  // (the password check needs no open window: s3 stays two days ahead)
  const s3 = await newSession(partner, client, { session_date: iso(Date.parse(s.session_date) + 2 * 86400000) });
  for (let k = 1; k <= 5; k++) assert.equal((await verify(client, s3.id, wrong(s3.password, k))).status, 403);
  const locked = await verify(client, s3.id, s3.password);
  assert.equal(locked.status, 429, locked.text);
  assert.ok(Number(locked.headers.get('retry-after')) > 0);
  // per session: the partner's other session is untouched, and the partner needs no password
  assert.equal((await verify(client, spare.id, spare.password)).status, 200);
  assert.equal((await join(partner, s.id)).status, 200);
  // Once the 15 minutes have passed (moved back with SQL), the right password works again.
  sql(`UPDATE attempt_counters SET window_start = window_start - interval '16 minutes' WHERE key LIKE 'verify:session:${s.id}%'`);
  assert.equal((await guestJoin(s.id, { invite: inv.invite, password: s.password, name: 'Guest' })).status, 200);
});

test('the session-wide cap bounds every caller together: new invites cannot buy more than 20 guesses', async () => {
  const { partner, client } = await practice();
  const s = await newSession(partner, client);
  openNow(s.id);
  const wrong = (k) => String((Number(s.password) + k) % 1000000).padStart(6, '0');
  const statuses = [];
  // four invites (each replaces the last) × five wrong tries = the session's 20
  for (let i = 0; i < 4; i++) {
    const inv = await invite(partner, s.id);
    for (let k = 1; k <= 5; k++) statuses.push((await guestJoin(s.id, { invite: inv.invite, password: wrong(i * 5 + k), name: 'Guest' })).status);
  }
  assert.deepEqual(statuses, Array(20).fill(403));
  // a fifth invite gets no fresh tries, and neither does the client, until the partner clears it
  const inv = await invite(partner, s.id);
  assert.equal((await guestJoin(s.id, { invite: inv.invite, password: s.password, name: 'Guest' })).status, 429);
  assert.equal((await verify(client, s.id, s.password)).status, 429);
});

test('the partner clears a session lockout (audited); nobody else can', async () => {
  const [{ partner, client }, outsider] = await Promise.all([practice(), outsiders()]);
  const s = await newSession(partner, client);
  openNow(s.id);
  const wrong = (k) => String((Number(s.password) + k) % 1000000).padStart(6, '0');
  for (let k = 1; k <= 5; k++) assert.equal((await verify(client, s.id, wrong(k))).status, 403);
  assert.equal((await verify(client, s.id, s.password)).status, 429);
  const path = `/api/video-sessions/${s.id}/password-lockout`;
  // the client, another partner, another client, an admin, nobody: refused, and the lock holds
  for (const [who, token, status] of [['the client', client.token, 403], ['another partner', outsider.partner.token, 404],
    ['a stranger client', outsider.client.token, 404], ['an admin', outsider.admin.token, 403], ['nobody', undefined, 401]]) {
    const r = await api('DELETE', path, { token });
    assert.equal(r.status, status, `${who}: ${r.text}`);
  }
  assert.equal((await verify(client, s.id, s.password)).status, 429, 'a refused clear cleared the lock');
  assert.equal((await api('DELETE', `/api/video-sessions/${2 ** 40}/password-lockout`, { token: partner.token })).status, 404);
  const r = await api('DELETE', path, { token: partner.token });
  assert.equal(r.status, 204, r.text);
  assert.equal(r.text, '');
  const [[n]] = sql(`SELECT count(*) FROM audit_log WHERE action = 'video_session.unlock' AND object_id = ${s.id} AND actor_id = ${partner.id}
                       AND request_id = '${r.headers.get('x-request-id')}'`);
  assert.equal(n, '1', 'the clear is in the audit log');
  assert.equal(sql(`SELECT count(*) FROM attempt_counters WHERE key = 'verify:session:${s.id}' OR key LIKE 'verify:session:${s.id}:%'`)[0][0], '0');
  assert.equal((await verify(client, s.id, s.password)).status, 200, 'the client gets in after the clear');
});

// The invite is valid until the session's end, wherever the partner moves the session (an invite
// that kept the end it was made with died with the old time).
test('an invite follows its session when the partner moves it', async () => {
  const { partner, client } = await practice();
  const s = await newSession(partner, client);
  const inv = await invite(partner, s.id);
  // The partner moves the session two hours later; the invite is still for this session.
  const later = iso(Date.parse(s.session_date) + 2 * 3600000);
  const m = await api('PUT', `/api/video-sessions/${s.id}`, { token: partner.token, body: { session_date: later } });
  assert.equal(m.status, 200, m.text);
  // Time passes until the moved session is running (the clock is moved with SQL, invite included).
  const t = openNow(s.id, 10 * 60);
  await partnerInRoom(partner, s.id);
  const g = await guestJoin(s.id, { invite: inv.invite, password: s.password, name: 'Guest' });
  assert.equal(g.status, 200, `the invite died with the session's old end time: ${g.text}`);
  await checkJoin(g, sessionTimes(s, t), { name: 'Guest (guest)', moderator: false });
});

// ---- the audit log and the logs ----------------------------------------------------------------------------

test('every granted join is in the audit log, and no audit row or log line holds a token, room or invite', async () => {
  assert.ok(granted.length >= 1, 'no granted joins seen');
  const ids = granted.map((g) => g.requestId);
  assert.ok(ids.every((x) => typeof x === 'string' && /^[\w-]{1,63}$/.test(x)), 'every answer carries X-Request-Id');
  const rows = new Map(sql(`SELECT request_id, action, outcome, coalesce(actor_id::text, ''), object_type, coalesce(object_id::text, '')
                              FROM audit_log WHERE request_id IN (${ids.map((x) => `'${x}'`).join(',')})`).map((r) => [r[0], r]));
  const missing = [];
  for (const g of granted) {
    const r = rows.get(g.requestId);
    const want = [g.requestId, g.action, 'ok', g.actorId === null ? '' : String(g.actorId), 'video_session', String(g.sessionId)];
    if (!r) missing.push(`${g.action} of session ${g.sessionId} (request ${g.requestId}): no audit row`);
    else if (JSON.stringify(r) !== JSON.stringify(want)) missing.push(`request ${g.requestId}: audit ${JSON.stringify(r)}, want ${JSON.stringify(want)}`);
  }
  assert.deepEqual(missing, [], missing.join('\n'));

  const secrets = [...seen.jwts, ...[...seen.jwts].map((j) => j.split('.')[2]), ...seen.rooms, ...seen.invites, ...seen.jitsiPasswords];
  assert.ok(secrets.length > 0);
  // The audit log: one pass over its rows as text.
  const leaks = sql(`SELECT id FROM audit_log x WHERE ${secrets.map((x) => `strpos(x::text, '${x.replace(/'/g, "''")}') > 0`).join(' OR ')}`);
  assert.deepEqual(leaks, [], 'audit rows hold a token, room or invite');
  // The API's log and nginx's access log of this stack (invite tokens in the access log: the
  // next test).
  const apiLog = stackLog('api.log');
  assert.ok(apiLog !== null, `no api.log in VSESSION_STATE_DIR=${process.env.VSESSION_STATE_DIR}`);
  assert.deepEqual(secrets.filter((x) => apiLog.includes(x)).map((x) => `${x.slice(0, 12)}…`), [], 'api.log holds secrets');
  const accessLog = stackLog('nginx-state/access.log') ?? '';
  const noInvites = secrets.filter((x) => !seen.invites.has(x));
  assert.deepEqual(noInvites.filter((x) => accessLog.includes(x)).map((x) => `${x.slice(0, 12)}…`), [], 'access.log holds secrets');
});

// The guest opens the invite URL (/join/:id?invite=...) in the browser: nginx's access log must
// not keep the token (API.md: stored only as a hash), so its log format leaves query strings out.
test("opening an invite link leaves no invite token in nginx's access log", async () => {
  const { partner, client } = await practice();
  const s = await newSession(partner, client);
  const inv = await invite(partner, s.id);
  const page = new URL(inv.json.invite_url);
  const r = await api('GET', page.pathname + page.search);
  assert.equal(r.status, 200);
  // nginx writes the line after answering: wait for it, up to a second
  let accessLog = null;
  for (let i = 0; i < 20; i++) {
    await new Promise((res) => setTimeout(res, 50));
    accessLog = stackLog('nginx-state/access.log');
    if (accessLog?.includes(`/join/${s.id}`)) break;
  }
  assert.ok(accessLog !== null, 'no nginx access log in this stack');
  assert.ok(accessLog.includes(`/join/${s.id}`), 'the request is not in the access log');
  assert.ok(!accessLog.includes(inv.invite), 'the access log holds a live invite token');
});

// A log file of this stack (null when there is none).
function stackLog(rel) {
  const dir = process.env.VSESSION_STATE_DIR;
  const f = dir && path.join(dir, rel);
  return f && existsSync(f) ? readFileSync(f, 'utf8') : null;
}
