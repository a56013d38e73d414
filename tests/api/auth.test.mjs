// Authentication through nginx: login, logout, me, the cookie, tokens that must not work,
// the login rate limits (PostgreSQL counters and nginx's limit_req) and the audit rows.
//
// Every test that fails logins on purpose does so from its own loopback source address
// (freshAddress()), so the per-address limit of one test never spills into another, nor into
// the tests that log in from 127.0.0.1.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { api, makeUser, login, link, sql, practice, CTL, SECURITY_HEADERS } from './lib.mjs';
import {
  routeTable, fill, freshAddress, request, loginFrom, decodeJwt, signHs256, b64url, stackJwtSecret,
  psqlAs, median, NGINX_429_BODY,
} from './helpers-extra.mjs';

function assertError(r, status, code) {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  const ct = r.headers.get?.('content-type') ?? r.headers['content-type'] ?? '';
  assert.match(ct, /application\/json/);
  assert.equal(r.json?.error?.code, code, r.text);
  assert.equal(typeof r.json.error.message, 'string');
}

function header(r, name) {
  return r.headers.get ? r.headers.get(name) : r.headers[name];
}

function setCookies(r) {
  const v = r.headers.getSetCookie ? r.headers.getSetCookie() : r.headers['set-cookie'] ?? [];
  return Array.isArray(v) ? v : [v];
}

function cookieAttributes(line) {
  const [pair, ...attrs] = line.split(';').map((s) => s.trim());
  const eq = pair.indexOf('=');
  const a = {};
  for (const x of attrs) {
    const i = x.indexOf('=');
    a[(i < 0 ? x : x.slice(0, i)).toLowerCase()] = i < 0 ? true : x.slice(i + 1);
  }
  return { name: pair.slice(0, eq), value: pair.slice(eq + 1), attrs: a };
}

// ---- login, me, the cookie ---------------------------------------------------------------------

test('login answers a signed HS256 token with all its claims, its expiry and the user, never the hash', async () => {
  const u = makeUser('partner', { timezone: 'Europe/Lisbon' });
  const before = Math.floor(Date.now() / 1000);
  const r = await api('POST', '/api/auth/login', { body: { email: u.email, password: u.password } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.json).sort(), ['expires_at', 'token', 'user']);
  assert.deepEqual(r.json.user, { id: u.id, role: 'partner', name: u.name, email: u.email, timezone: 'Europe/Lisbon' });
  assert.doesNotMatch(r.text, /argon2|password/i);

  const { header: h, payload: p } = decodeJwt(r.json.token);
  assert.equal(h.alg, 'HS256');
  for (const c of ['sub', 'role', 'sid', 'iat', 'exp', 'iss', 'aud']) assert.ok(p[c] !== undefined, `claim ${c} missing`);
  assert.equal(p.sub, u.id);
  assert.equal(p.role, 'partner');
  assert.ok(Math.abs(p.iat - before) <= 5, `iat ${p.iat} vs now ${before}`);
  assert.equal(p.exp - p.iat, 12 * 3600, 'the default lifetime is 12 hours');
  assert.equal(r.json.expires_at, new Date(p.exp * 1000).toISOString().replace('.000Z', 'Z'));
  // The login session is stored server-side under the token's sid.
  assert.deepEqual(sql(`SELECT user_id, revoked_at IS NULL FROM login_sessions WHERE id = '${p.sid}'`), [[String(u.id), 't']]);
});

test('login sets the __Host-vs_session cookie with the same token, HttpOnly, Secure, SameSite=Strict, Path=/ and no Domain', async () => {
  const u = makeUser('client');
  const r = await api('POST', '/api/auth/login', { body: { email: u.email, password: u.password } });
  assert.equal(r.status, 200, r.text);
  const cookies = setCookies(r).map(cookieAttributes).filter((c) => c.name === '__Host-vs_session');
  assert.equal(cookies.length, 1, `Set-Cookie: ${setCookies(r).join(' | ')}`);
  const c = cookies[0];
  assert.equal(c.value, r.json.token);
  assert.equal(c.attrs.httponly, true);
  assert.equal(c.attrs.secure, true);
  assert.equal(String(c.attrs.samesite).toLowerCase(), 'strict');
  // The __Host- prefix makes browsers refuse the cookie unless it is Secure, Path=/ and has no
  // Domain, so a sibling subdomain can neither set nor overwrite it.
  assert.equal(c.attrs.path, '/');
  assert.equal(c.attrs.domain, undefined, 'a Domain attribute would widen the cookie to other hosts');
  assert.equal(setCookies(r).some((l) => /^vs_session=/.test(l)), false, 'the old cookie name is gone');
});

test('the old vs_session cookie name authenticates nothing (a sibling subdomain could plant it)', async () => {
  const u = makeUser('partner');
  const token = await login(u);
  assertError(await api('GET', '/api/auth/me', { cookie: `vs_session=${token}` }), 401, 'unauthenticated');
  assertError(await api('GET', '/api/auth/me', { cookie: `x__Host-vs_session=${token}` }), 401, 'unauthenticated');
  assert.equal((await api('GET', '/api/auth/me', { cookie: `vs_session=garbage; __Host-vs_session=${token}` })).status, 200);
});

test('me answers the user for the bearer token and for the cookie alone', async () => {
  const u = makeUser('admin', { timezone: 'Asia/Tokyo' });
  const token = await login(u);
  const want = { id: u.id, role: 'admin', name: u.name, email: u.email, timezone: 'Asia/Tokyo' };
  const byBearer = await api('GET', '/api/auth/me', { token });
  assert.equal(byBearer.status, 200, byBearer.text);
  assert.deepEqual(byBearer.json, want);
  const byCookie = await api('GET', '/api/auth/me', { cookie: `other=1; __Host-vs_session=${token}; theme=dark` });
  assert.equal(byCookie.status, 200, byCookie.text);
  assert.deepEqual(byCookie.json, want);
});

test('login finds the email whatever its letter case', async () => {
  const u = makeUser('client');
  const r = await api('POST', '/api/auth/login', { body: { email: u.email.toUpperCase(), password: u.password } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.user.id, u.id);
});

test('each login gets a new token with its own sid', async () => {
  const u = makeUser('partner');
  const t1 = await login(u);
  const t2 = await login(u);
  assert.notEqual(t1, t2);
  assert.notEqual(decodeJwt(t1).payload.sid, decodeJwt(t2).payload.sid);
});

test('a token in the query string is not accepted', async () => {
  const u = makeUser('partner');
  const token = await login(u);
  for (const q of ['token', 'access_token', 'jwt', 'vs_session', 'authorization']) {
    const r = await api('GET', `/api/auth/me?${q}=${encodeURIComponent(token)}`);
    assert.notEqual(r.status, 200, `?${q}= was accepted`);
    assertError(r, 401, 'unauthenticated');
    assert.ok(!r.text.includes(u.email));
  }
  const r = await api('GET', `/api/auth/me?Authorization=${encodeURIComponent(`Bearer ${token}`)}`);
  assertError(r, 401, 'unauthenticated');
});

// ---- wrong email vs wrong password ---------------------------------------------------------------

test('an unknown email and a wrong password get the same status, body and headers', async () => {
  const from = freshAddress();
  const u = makeUser('partner');
  const unknown = await loginFrom(from, `nobody-${randomBytes(4).toString('hex')}@test.example`, 'whatever-1');
  const wrong = await loginFrom(from, u.email, 'not-the-password');
  assertError(unknown, 401, 'unauthenticated');
  assertError(wrong, 401, 'unauthenticated');
  assert.equal(unknown.text, wrong.text);
  for (const r of [unknown, wrong]) {
    assert.equal(r.headers['set-cookie'], undefined, 'a failed login sets no cookie');
    assert.ok(!r.text.includes(u.email));
  }
  const shape = (r) => Object.keys(r.headers).filter((k) => !['date', 'x-request-id'].includes(k)).sort();
  assert.deepEqual(shape(unknown), shape(wrong));
});

test('an unknown email costs about the same time as a wrong password (dummy argon2id verify)', async () => {
  const from = freshAddress();
  const u = makeUser('client');
  const ghost = `ghost-${randomBytes(4).toString('hex')}@test.example`;
  await loginFrom(from, ghost, 'warm-up'); // first contact: TLS, a cold worker
  const tUnknown = [], tWrong = [];
  for (let i = 0; i < 7; i++) { // interleaved, so drift in machine load hits both alike
    tUnknown.push((await loginFrom(from, ghost, `guess-${i}`)).ms);
    tWrong.push((await loginFrom(from, u.email, `guess-${i}`)).ms);
  }
  const a = median(tUnknown), b = median(tWrong);
  // An argon2id verify (m=19456, t=2) costs ~20 ms; an answer without it would be ~1-3 ms.
  assert.ok(Math.min(a, b) > 8, `both should include an argon2id verify: unknown ${a} ms, wrong ${b} ms`);
  assert.ok(Math.abs(a - b) <= 0.5 * Math.max(a, b),
    `medians differ too much: unknown email ${a.toFixed(1)} ms [${tUnknown.map(Math.round)}], wrong password ${b.toFixed(1)} ms [${tWrong.map(Math.round)}]`);
});

// ---- logout and revocation -----------------------------------------------------------------------

test('logout revokes that token at once on every worker, while another login of the same user stays valid', async () => {
  const u = makeUser('partner');
  const t1 = await login(u);
  const t2 = await login(u);
  assert.equal((await api('GET', '/api/auth/me', { token: t1 })).status, 200);

  const out = await api('POST', '/api/auth/logout', { token: t1 });
  assert.equal(out.status, 204, out.text);
  assert.equal(out.text, '');
  const cleared = setCookies(out).map(cookieAttributes).find((c) => c.name === '__Host-vs_session');
  assert.ok(cleared, 'logout clears the cookie');
  assert.equal(cleared.value, '');
  assert.ok(cleared.attrs['max-age'] === '0' || /1970/.test(cleared.attrs.expires ?? ''), 'the cleared cookie expires at once');
  assert.equal(cleared.attrs.path, '/');

  // Many requests, spread over the workers: none of them accepts the revoked token.
  const after = await Promise.all(Array.from({ length: 24 }, () => api('GET', '/api/auth/me', { token: t1 })));
  for (const r of after) assertError(r, 401, 'unauthenticated');
  assertError(await api('GET', '/api/auth/me', { cookie: `__Host-vs_session=${t1}` }), 401, 'unauthenticated');
  assertError(await api('POST', '/api/auth/logout', { token: t1 }), 401, 'unauthenticated');

  const still = await Promise.all(Array.from({ length: 8 }, () => api('GET', '/api/auth/me', { token: t2 })));
  for (const r of still) assert.equal(r.status, 200, r.text);
  assert.deepEqual(sql(`SELECT revoked_at IS NOT NULL FROM login_sessions WHERE id = '${decodeJwt(t1).payload.sid}'`), [['t']]);
  assert.deepEqual(sql(`SELECT revoked_at IS NOT NULL FROM login_sessions WHERE id = '${decodeJwt(t2).payload.sid}'`), [['f']]);
});

// The login check runs in the same round trip as the handler's first statement (a pipeline, the
// check first): a revoked token must still change nothing and leave no audit row, whatever the
// handler would have done — a create, a read that writes its notes-read row, a denial that writes
// its own row, a body refused before any SQL.
test('a revoked token answers the login-ended 401 on every kind of request and changes nothing', async () => {
  const { partner, client } = await practice();
  const other = await practice();
  const start = new Date(Date.now() + 3 * 86400e3);
  start.setUTCMinutes(0, 0, 0);
  const made = await api('POST', '/api/video-sessions', { token: partner.token, body: {
    user_id: client.id, title: 'Before logout', session_date: start.toISOString().replace('.000Z', 'Z'), duration_minutes: 60 } });
  assert.equal(made.status, 201, made.text);
  const id = made.json.id;
  for (const u of [partner, client]) assert.equal((await api('POST', '/api/auth/logout', { token: u.token })).status, 204);
  const countRows = () => sql(`SELECT (SELECT count(*) FROM video_sessions WHERE partner_id = ${partner.id}),
    (SELECT count(*) FROM audit_log WHERE actor_id IN (${partner.id}, ${client.id}))`);
  const before = countRows();

  const later = new Date(start.getTime() + 86400e3).toISOString().replace('.000Z', 'Z');
  const cases = [
    ['create', 'POST', '/api/video-sessions', partner.token, { user_id: client.id, title: 'After logout', session_date: later, duration_minutes: 60 }],
    ['read with its audit row', 'GET', `/api/video-sessions/${id}`, partner.token],
    ['list with its audit row', 'GET', `/api/partners/${partner.id}/video-sessions`, partner.token],
    ['denied, which writes a row when allowed to run', 'POST', '/api/video-sessions', client.token, { user_id: client.id, title: 'x', session_date: later, duration_minutes: 60 }],
    ['another partner\'s list (403)', 'GET', `/api/partners/${other.partner.id}/video-sessions`, partner.token],
    ['update', 'PUT', `/api/video-sessions/${id}`, partner.token, { title: 'Changed after logout' }],
    ['delete', 'DELETE', `/api/video-sessions/${id}`, partner.token],
    ['a field logout does not take (422 before any SQL)', 'POST', '/api/auth/logout', partner.token, { all: true }],
  ];
  for (const [what, method, path, token, body] of cases) {
    const r = await api(method, path, { token, body });
    assertError(r, 401, 'unauthenticated');
    assert.equal(r.json.error.message, 'Your login has ended; log in again.', what);
  }
  assert.deepEqual(countRows(), before, 'no session and no audit row written for a revoked token');
  assert.deepEqual(sql(`SELECT title, status FROM video_sessions WHERE id = ${id}`), [['Before logout', 'scheduled']]);
});

test('logout with the cookie alone revokes the cookie\'s token', async () => {
  const u = makeUser('client');
  const token = await login(u);
  const out = await api('POST', '/api/auth/logout', { cookie: `__Host-vs_session=${token}`, headers: { 'X-Requested-With': 'vsession' } });
  assert.equal(out.status, 204, out.text);
  assertError(await api('GET', '/api/auth/me', { token }), 401, 'unauthenticated');
});

test('a token whose login session was deleted or expired in the database is refused', async () => {
  const u = makeUser('partner');
  const t1 = await login(u);
  const t2 = await login(u);
  sql(`UPDATE login_sessions SET created_at = now() - interval '2 hours', expires_at = now() - interval '1 second' WHERE id = '${decodeJwt(t1).payload.sid}'`);
  sql(`DELETE FROM login_sessions WHERE id = '${decodeJwt(t2).payload.sid}'`);
  assertError(await api('GET', '/api/auth/me', { token: t1 }), 401, 'unauthenticated');
  assertError(await api('GET', '/api/auth/me', { token: t2 }), 401, 'unauthenticated');
});

// ---- tokens that must not work, on every protected route -------------------------------------------

test('every protected route answers 401 without a token and with garbage, alg:none, forged or wrongly signed tokens', async (t) => {
  const routes = routeTable();
  const protectedCalls = routes.flatMap((r) => r.methods.filter((m) => !m.public).map((m) => ({ route: r, ...m })));
  assert.ok(protectedCalls.length >= 15, `only ${protectedCalls.length} protected route methods parsed from routes.c`);

  // A real, live login whose claims the forgeries reuse: if the server skipped any check,
  // the forged token would name a valid, unrevoked login session.
  const partner = makeUser('partner');
  const victim = makeUser('client');
  link(partner, victim);
  const token = await login(partner);
  const victimToken = await login(victim);
  const { header: h, payload: p } = decodeJwt(token);
  const sig = token.split('.')[2];
  const now = Math.floor(Date.now() / 1000);
  const secret = stackJwtSecret();

  const variants = {
    'no token': {},
    'garbage bearer': { headers: { Authorization: 'Bearer garbage' } },
    'three dots of garbage': { headers: { Authorization: 'Bearer a.b.c' } },
    'empty bearer': { headers: { Authorization: 'Bearer ' } },
    'basic auth': { headers: { Authorization: `Basic ${Buffer.from(`${partner.email}:${partner.password}`).toString('base64')}` } },
    'alg none, no signature': { token: signHs256({ alg: 'none', typ: 'JWT' }, p, null) },
    'alg NONE, no signature': { token: signHs256({ alg: 'NONE', typ: 'JWT' }, p, null) },
    'alg none with the old signature': { token: `${b64url({ alg: 'none', typ: 'JWT' })}.${token.split('.')[1]}.${sig}` },
    'alg HS256 signed with a wrong secret': { token: signHs256(h, p, randomBytes(48).toString('base64')) },
    'payload raised to admin, old signature': { token: `${token.split('.')[0]}.${b64url({ ...p, role: 'admin' })}.${sig}` },
    'payload naming another user, old signature': { token: `${token.split('.')[0]}.${b64url({ ...p, sub: victim.id })}.${sig}` },
    'truncated signature': { token: token.slice(0, -6) },
    'garbage cookie': { cookie: '__Host-vs_session=garbage' },
    'alg none cookie': { cookie: `__Host-vs_session=${signHs256({ alg: 'none', typ: 'JWT' }, p, null)}` },
  };
  if (secret) {
    // Correctly signed with the stack's own secret, but wrong in one claim.
    Object.assign(variants, {
      'expired 120 s ago': { token: signHs256(h, { ...p, iat: now - 13 * 3600, exp: now - 120 }, secret) },
      'issued in the future': { token: signHs256(h, { ...p, iat: now + 600, exp: now + 3600 }, secret) },
      'wrong iss': { token: signHs256(h, { ...p, iss: 'someone-else' }, secret) },
      'wrong aud': { token: signHs256(h, { ...p, aud: 'another-api' }, secret) },
      'HS512 under the right secret': { token: (() => {
        const input = `${b64url({ alg: 'HS512', typ: 'JWT' })}.${b64url(p)}`;
        return `${input}.${createHmac('sha512', secret).update(input).digest('base64url')}`;
      })() },
      'a sid that was never issued': { token: signHs256(h, { ...p, sid: '00000000-0000-4000-8000-000000000000' }, secret) },
      'another user with this user\'s sid': { token: signHs256(h, { ...p, sub: victim.id, role: 'client' }, secret) },
      'a sid that is not a uuid': { token: signHs256(h, { ...p, sid: "x' OR '1'='1" }, secret) },
    });
  }
  const cases = [];
  for (const call of protectedCalls) {
    const urlPath = fill(call.route.pattern, call.route.pattern.includes('/users/') ? victim.id : p.sub);
    for (const [name, v] of Object.entries(variants)) cases.push({ call, urlPath, name, v });
  }
  const failures = [];
  const CONCURRENCY = 8;
  for (let i = 0; i < cases.length; i += CONCURRENCY) {
    await Promise.all(cases.slice(i, i + CONCURRENCY).map(async ({ call, urlPath, name, v }) => {
      const r = await request(call.method, urlPath, { ...v, body: call.body ? {} : undefined });
      const ok = r.status === 401 && r.json?.error?.code === 'unauthenticated' && /application\/json/.test(r.headers['content-type'] ?? '');
      if (!ok) failures.push(`${call.method} ${urlPath} with ${name}: ${r.status} ${r.text.slice(0, 120)}`);
    }));
  }
  assert.deepEqual(failures, [], `${failures.length} of ${cases.length} requests were not 401:\n${failures.join('\n')}`);
  // The real tokens still work, so the 401s above come from the forgeries, not from a broken login.
  assert.equal((await api('GET', '/api/auth/me', { token })).status, 200);
  assert.equal((await api('GET', '/api/auth/me', { token: victimToken })).status, 200);
  if (!secret) t.diagnostic('the stack\'s JWT secret was not readable: correctly signed forgeries were skipped');
});

test('a token or cookie over 8 KiB is refused with a JSON error, never accepted', async () => {
  const u = makeUser('partner');
  const token = await login(u);
  const [h, , sig] = token.split('.');
  const bloated = `${h}.${b64url({ ...decodeJwt(token).payload, pad: 'x'.repeat(9000) })}.${sig}`;
  for (const [what, o] of [['bearer', { token: bloated }], ['cookie', { cookie: `__Host-vs_session=${bloated}` }],
    ['bearer of 9000 bytes', { headers: { Authorization: `Bearer ${'a'.repeat(9000)}` } }]]) {
    const r = await request('GET', '/api/auth/me', o); // HTTP/1.1, as fetch and most clients send it
    assert.ok([400, 401, 431].includes(r.status), `${what}: ${r.status}`);
    assert.match(r.headers['content-type'] ?? '', /application\/json/, `${what}: ${r.status} ${r.headers['content-type']} ${r.text.slice(0, 80)}`);
    assert.ok(r.json?.error?.code, `${what}: ${r.text.slice(0, 80)}`);
    for (const x of SECURITY_HEADERS) assert.ok(r.headers[x], `${what}: ${x} missing`);
  }
});

test('public routes answer without a token', async () => {
  const publicCalls = routeTable().flatMap((r) => r.methods.filter((m) => m.public).map((m) => ({ route: r, ...m })));
  assert.ok(publicCalls.some((c) => c.route.pattern === '/api/auth/login'));
  for (const c of publicCalls) {
    const r = await request(c.method, fill(c.route.pattern, 1), { body: c.body ? {} : undefined, from: freshAddress() });
    assert.notEqual(r.status, 401, `${c.method} ${c.route.pattern} is public but answered 401`);
  }
});

// ---- login limits --------------------------------------------------------------------------------

test('after 10 failed logins for one email the 11th try gets 429 with Retry-After, even with the right password', async () => {
  const u = makeUser('partner');
  const other = makeUser('partner');
  const from = freshAddress();
  for (let i = 0; i < 10; i++) {
    const r = await loginFrom(from, u.email, `wrong-${i}`);
    assertError(r, 401, 'unauthenticated');
  }
  const r = await loginFrom(from, u.email, u.password);
  assertError(r, 429, 'too_many_attempts');
  const retry = Number(r.headers['retry-after']);
  assert.ok(Number.isInteger(retry) && retry > 0 && retry <= 900, `Retry-After: ${r.headers['retry-after']}`);
  assert.equal(r.json.token, undefined);
  assert.equal(r.headers['set-cookie'], undefined);

  // The limit is the email's, from anywhere, whatever the letter case.
  assertError(await loginFrom(freshAddress(), u.email, u.password), 429, 'too_many_attempts');
  assertError(await loginFrom(freshAddress(), u.email.toUpperCase(), u.password), 429, 'too_many_attempts');
  // Another user from the same address is not limited (11-13 failures < 50 for the address).
  assert.equal((await loginFrom(from, other.email, other.password)).status, 200);
  // The failures are audited under the user's id with the address nginx saw; the refused tries
  // write nothing at all (a flood of them must not grow any table).
  const rows = sql(`SELECT outcome, client_addr FROM audit_log WHERE action = 'login' AND actor_id = ${u.id} ORDER BY id`);
  assert.equal(rows.filter(([o]) => o === 'failed').length, 10);
  assert.equal(rows.filter(([o]) => o === 'denied').length, 0);
  assert.equal(rows.filter(([o]) => o === 'ok').length, 0);
  assert.equal(rows[0][1], from);
});

test('the per-email limit holds for every letter-case spelling of the email, non-ASCII letters included', async () => {
  // PostgreSQL's lower() folds Ü to ü, so "JÜRGEN@…" logs in as "jürgen@…": the limit must count
  // both spellings as one email, or each case variant buys ten more guesses.
  const email = `jürgen-${randomBytes(4).toString('hex')}@test.example`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  execFileSync(CTL, ['user', 'add', '--role', 'client', '--email', email, '--name', 'Jürgen', '--password-stdin'], { input: `${password}\n` });
  const from = freshAddress();
  for (let i = 0; i < 10; i++) assertError(await loginFrom(from, email, `wrong-${i}`), 401, 'unauthenticated');
  for (const variant of [email, email.toUpperCase(), email.replace('ü', 'Ü'), email.replace('j', 'J')]) {
    const r = await loginFrom(freshAddress(), variant, password);
    assert.equal(r.status, 429, `${variant} after 10 failures for ${email}: ${r.status} ${r.text.slice(0, 100)}`);
  }
});

test('after 50 failed logins from one address every login from it gets 429, and a spoofed X-Forwarded-For changes nothing', async () => {
  const from = freshAddress();
  const valid = makeUser('client');
  // 50 failures, each with a different unknown email and a different forged X-Forwarded-For,
  // so neither a per-email limit nor a trusted header could be what stops the 51st.
  const spoofed = [];
  for (let i = 0; i < 50; i += 10) {
    const batch = await Promise.all(Array.from({ length: 10 }, (_, k) => {
      const xff = freshAddress();
      spoofed.push(xff);
      return loginFrom(from, `spray-${i + k}-${randomBytes(3).toString('hex')}@test.example`, 'guess', { 'X-Forwarded-For': xff, 'X-Real-IP': xff });
    }));
    for (const r of batch) assertError(r, 401, 'unauthenticated');
  }
  const limited = await loginFrom(from, valid.email, valid.password);
  assertError(limited, 429, 'too_many_attempts');
  const retry = Number(limited.headers['retry-after']);
  assert.ok(Number.isInteger(retry) && retry > 0 && retry <= 900, `Retry-After: ${limited.headers['retry-after']}`);
  // Claiming to be someone else does not get around it.
  assertError(await loginFrom(from, valid.email, valid.password, { 'X-Forwarded-For': freshAddress() }), 429, 'too_many_attempts');
  assertError(await loginFrom(from, valid.email, valid.password, { 'X-Forwarded-For': '127.0.0.1', Forwarded: 'for=127.0.0.1' }), 429, 'too_many_attempts');
  // The same user from another address logs in: the limit is the address's, not the account's.
  assert.equal((await loginFrom(freshAddress(), valid.email, valid.password)).status, 200);
  // Every counted failure was recorded with the real address, never a forged one.
  const addrs = sql(`SELECT DISTINCT client_addr FROM audit_log WHERE action = 'login' AND client_addr IN ('${[from, ...spoofed].join("','")}')`);
  assert.deepEqual(addrs, [[from]]);
  assert.deepEqual(sql(`SELECT count(*) FROM audit_log WHERE action = 'login' AND outcome = 'failed' AND client_addr = '${from}'`), [['50']]);
});

test('nginx limits bursts on the login path with a JSON 429 before the API sees them', async () => {
  const from = freshAddress();
  const body = {}; // invalid: answered 422 by the API without touching an argon2id hash
  const results = await Promise.all(Array.from({ length: 300 }, () => request('POST', '/api/auth/login', { from, body })));
  const byStatus = {};
  for (const r of results) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  const limited = results.filter((r) => r.status === 429);
  assert.ok(limited.length > 0, `no 429 in 300 concurrent requests: ${JSON.stringify(byStatus)}`);
  assert.ok(results.every((r) => r.status === 429 || r.status === 422), `unexpected statuses: ${JSON.stringify(byStatus)}`);
  for (const r of limited.slice(0, 5)) {
    assertError(r, 429, 'too_many_attempts');
    assert.equal(r.text, NGINX_429_BODY, 'the 429 comes from nginx\'s limit_req');
    assert.ok(Number(r.headers['retry-after']) > 0, 'Retry-After on nginx\'s 429');
    for (const h of SECURITY_HEADERS) assert.ok(r.headers[h], `${h} missing on nginx's 429`);
  }
  // Another address is not affected by this one's burst.
  const u = makeUser('partner');
  assert.equal((await loginFrom(freshAddress(), u.email, u.password)).status, 200);
});

// ---- the audit log --------------------------------------------------------------------------------

test('a login (ok and failed), a logout and a denied request each leave an audit row with request id and address', async () => {
  const from = freshAddress();
  const u = makeUser('partner');
  const other = makeUser('partner');
  const secretPw = `wrong-${randomBytes(6).toString('hex')}`;
  const failed = await loginFrom(from, u.email, secretPw);
  assert.equal(failed.status, 401);
  const ok = await loginFrom(from, u.email, u.password);
  assert.equal(ok.status, 200);
  const token = ok.json.token;
  const denied = await request('GET', `/api/partners/${other.id}/clients`, { from, token });
  assertError(denied, 403, 'forbidden');
  const out = await request('POST', '/api/auth/logout', { from, token });
  assert.equal(out.status, 204);

  const row = (rid) => {
    assert.match(rid ?? '', /^[0-9a-f]{16,64}$/, 'X-Request-Id on the answer');
    const rows = sql(`SELECT coalesce(actor_id::text, ''), coalesce(actor_email, ''), action, coalesce(object_type, ''), coalesce(object_id::text, ''), outcome, client_addr FROM audit_log WHERE request_id = '${rid}'`);
    assert.equal(rows.length, 1, `one audit row for request ${rid}: ${JSON.stringify(rows)}`);
    return rows[0];
  };
  const f = row(failed.headers['x-request-id']);
  assert.equal(f[0], String(u.id), 'a failed login of a known email names the user by id');
  assert.equal(f[1], '', 'never the typed email');
  assert.deepEqual([f[2], f[5], f[6]], ['login', 'failed', from]);
  const o = row(ok.headers['x-request-id']);
  assert.deepEqual([o[0], o[2], o[5], o[6]], [String(u.id), 'login', 'ok', from]);
  const d = row(denied.headers['x-request-id']);
  assert.deepEqual([d[0], d[4], d[5], d[6]], [String(u.id), String(other.id), 'denied', from]);
  const l = row(out.headers['x-request-id']);
  assert.deepEqual([l[0], l[2], l[5], l[6]], [String(u.id), 'logout', 'ok', from]);
  // Never the password, in any column of any row.
  assert.deepEqual(sql(`SELECT count(*) FROM audit_log a WHERE a::text LIKE '%${secretPw}%' OR a::text LIKE '%${u.password}%'`), [['0']]);
});

test('the API\'s database role can add audit rows but cannot change or delete them', async () => {
  const u = makeUser('client');
  await login(u);
  const [[id, before]] = sql(`SELECT id, md5(a::text) FROM audit_log a WHERE actor_id = ${u.id} ORDER BY id DESC LIMIT 1`);
  const count = sql('SELECT count(*) FROM audit_log')[0][0];
  for (const q of [
    `UPDATE audit_log SET outcome = 'failed' WHERE id = ${id}`,
    `UPDATE audit_log SET actor_email = NULL`,
    `DELETE FROM audit_log WHERE id = ${id}`,
    'DELETE FROM audit_log',
    'TRUNCATE audit_log',
    'ALTER TABLE audit_log DISABLE TRIGGER ALL',
    'DROP TABLE audit_log',
  ]) {
    const r = psqlAs('vsession_api', q);
    assert.equal(r.ok, false, `vsession_api could run: ${q}`);
    assert.match(r.stderr, /permission denied|must be owner|append-only/i, q);
  }
  assert.deepEqual(sql(`SELECT md5(a::text) FROM audit_log a WHERE id = ${id}`), [[before]]);
  assert.ok(Number(sql('SELECT count(*) FROM audit_log')[0][0]) >= Number(count));
  // It is the role the API really uses, and it may append.
  const ins = psqlAs('vsession_api', "INSERT INTO audit_log (action, outcome) VALUES ('test.append', 'ok') RETURNING current_user");
  assert.equal(ins.ok, true, ins.stderr);
  assert.deepEqual(ins.rows, [['vsession_api']]);
});
