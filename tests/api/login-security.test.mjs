// Cookies, cross-site requests, device cookies, what a login attempt stores, and purging:
// - a change authenticated by the __Host-vs_session cookie alone needs a JSON content type or
//   the SPA's X-Requested-With header, and a matching Origin when one is sent (else 403, nothing
//   changed); Bearer requests and reads are not affected;
// - a successful login sets a signed __Host-vs_device cookie; strangers failing on an email lock
//   out only attempts without a valid device cookie for that account, while a device has its own
//   limit;
// - a refused (429) attempt writes nothing; a typed email is stored as the user id or a keyed
//   hash, never as text;
// - `vsessionctl purge` deletes expired counters and ended logins, and audit rows past a
//   retention period only as the table's owner.
//
// Every test that fails logins on purpose does so from its own loopback source address.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { api, BASE, CTL, makeUser, link, login, sql, dbChecksum, minutesFromNow } from './lib.mjs';
import { routeTable, fill, freshAddress, request, loginFrom, stackJwtSecret, psqlAs, conninfoAs } from './helpers-extra.mjs';

function assertError(r, status, code) {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  assert.match(r.headers['content-type'] ?? r.headers.get?.('content-type') ?? '', /application\/json/);
  assert.equal(r.json?.error?.code, code, r.text);
}

function setCookies(r) {
  const v = r.headers.getSetCookie ? r.headers.getSetCookie() : r.headers['set-cookie'] ?? [];
  return Array.isArray(v) ? v : [v];
}

function cookie(r, name) {
  for (const line of setCookies(r)) {
    const [pair, ...attrs] = line.split(';').map((s) => s.trim());
    const eq = pair.indexOf('=');
    if (pair.slice(0, eq) !== name) continue;
    const a = {};
    for (const x of attrs) {
      const i = x.indexOf('=');
      a[(i < 0 ? x : x.slice(0, i)).toLowerCase()] = i < 0 ? true : x.slice(i + 1);
    }
    return { value: pair.slice(eq + 1), attrs: a };
  }
  return null;
}

// The keyed hash the API stores for a typed email that matches no user (lib/loginkeys.c).
function loginNameHash(email) {
  const secret = stackJwtSecret();
  const key = createHmac('sha256', secret).update('vsession login name v1').digest();
  return createHmac('sha256', key).update(email.trim().toLowerCase()).digest('hex');
}

const SPA = { 'X-Requested-With': 'vsession' };

async function sessionOf(partner, client, minutes = 600) {
  const r = await api('POST', '/api/video-sessions', {
    token: partner.token,
    body: { user_id: client.id, title: 'Cross-site check', session_date: minutesFromNow(minutes), duration_minutes: 30, password_enabled: false },
  });
  assert.equal(r.status, 201, r.text);
  return r.json.id;
}

// ---- item: cookies and cross-site requests ------------------------------------------------------

test('a cookie-authenticated DELETE without JSON or the app header, or from another origin, is 403 and deletes nothing', async () => {
  const partner = makeUser('partner');
  const client = makeUser('client');
  link(partner, client);
  await login(partner);
  const id = await sessionOf(partner, client);
  const c = `__Host-vs_session=${partner.token}`;
  const exists = () => sql(`SELECT count(*) FROM video_sessions WHERE id = ${id}`)[0][0];
  const refusals = {
    'cookie alone': {},
    'a form content type': { 'Content-Type': 'application/x-www-form-urlencoded' },
    'text/plain': { 'Content-Type': 'text/plain' },
    'an empty app header': { 'X-Requested-With': '' },
    'the app header from another site': { ...SPA, Origin: 'https://evil.example' },
    'the app header from a sibling subdomain': { ...SPA, Origin: BASE.replace('://localhost', '://evil.localhost') },
    'the app header from plain http on the same host': { ...SPA, Origin: BASE.replace('https://', 'http://') },
    'the app header with Origin null': { ...SPA, Origin: 'null' },
    'JSON from another site': { 'Content-Type': 'application/json', Origin: 'https://evil.example' },
  };
  const before = dbChecksum();
  for (const [what, headers] of Object.entries(refusals)) {
    const r = await request('DELETE', `/api/video-sessions/${id}`, { cookie: c, headers });
    assertError(r, 403, 'forbidden');
    assert.equal(exists(), '1', `${what} deleted the session`);
  }
  assert.equal(dbChecksum(), before, 'the refused requests changed nothing');
  // A GET with the cookie from anywhere is still a read.
  const read = await request('GET', `/api/video-sessions/${id}`, { cookie: c, headers: { Origin: 'https://evil.example' } });
  assert.equal(read.status, 200, read.text);
  // The app's own way: the header and its own origin (or none).
  const ok = await request('DELETE', `/api/video-sessions/${id}`, { cookie: c, headers: { ...SPA, Origin: BASE } });
  assert.equal(ok.status, 204, ok.text);
  assert.equal(exists(), '0');
});

test('a Bearer request is not affected by the cross-site checks', async () => {
  const partner = makeUser('partner');
  const client = makeUser('client');
  link(partner, client);
  await login(partner);
  const id = await sessionOf(partner, client);
  const r = await request('DELETE', `/api/video-sessions/${id}`, { token: partner.token, headers: { Origin: 'https://evil.example' } });
  assert.equal(r.status, 204, r.text);
});

test('a cookie-authenticated JSON change from the site itself goes through; from another Origin it is 403', async () => {
  const partner = makeUser('partner');
  const client = makeUser('client');
  link(partner, client);
  await login(partner);
  const c = `__Host-vs_session=${partner.token}`;
  const body = { user_id: client.id, title: 'By cookie', session_date: minutesFromNow(900), duration_minutes: 30, password_enabled: false };
  const before = sql(`SELECT count(*) FROM video_sessions WHERE partner_id = ${partner.id}`)[0][0];
  assertError(await request('POST', '/api/video-sessions', { cookie: c, body, headers: { Origin: 'https://evil.example' } }), 403, 'forbidden');
  assert.equal(sql(`SELECT count(*) FROM video_sessions WHERE partner_id = ${partner.id}`)[0][0], before);
  const ok = await request('POST', '/api/video-sessions', { cookie: c, body, headers: { Origin: BASE } });
  assert.equal(ok.status, 201, ok.text);
  const noOrigin = await request('POST', '/api/video-sessions', { cookie: c, body: { ...body, session_date: minutesFromNow(1000) } });
  assert.equal(noOrigin.status, 201, noOrigin.text);
});

test('every state-changing route refuses a cookie-only request without JSON or the app header with 403', async () => {
  const u = makeUser('partner');
  await login(u);
  const calls = routeTable().flatMap((r) => r.methods.filter((m) => !m.public && ['POST', 'PUT', 'DELETE'].includes(m.method))
    .map((m) => ({ route: r, ...m })));
  assert.ok(calls.length >= 8, `only ${calls.length} state-changing routes found`);
  const before = dbChecksum();
  const failures = [];
  for (const call of calls) {
    const urlPath = fill(call.route.pattern, u.id);
    for (const headers of [{}, { ...SPA, Origin: 'https://evil.example' }]) {
      const r = await request(call.method, urlPath, { cookie: `__Host-vs_session=${u.token}`, headers });
      if (r.status !== 403 || r.json?.error?.code !== 'forbidden') failures.push(`${call.method} ${urlPath} ${JSON.stringify(headers)}: ${r.status} ${r.text.slice(0, 100)}`);
    }
  }
  assert.deepEqual(failures, []);
  assert.equal(dbChecksum(), before);
  // The cookie still works for the app (logout: no body, the app header).
  const out = await request('POST', '/api/auth/logout', { cookie: `__Host-vs_session=${u.token}`, headers: SPA });
  assert.equal(out.status, 204, out.text);
});

// ---- item: device cookies -----------------------------------------------------------------------

test('a successful login sets a signed, long-lived __Host-vs_device cookie bound to the account, kept across logins', async () => {
  const u = makeUser('client');
  const from = freshAddress();
  const r = await loginFrom(from, u.email, u.password);
  assert.equal(r.status, 200, r.text);
  const d = cookie(r, '__Host-vs_device');
  assert.ok(d, `Set-Cookie: ${setCookies(r).join(' | ')}`);
  assert.match(d.value, new RegExp(`^${u.id}\\.[0-9a-f]{32}\\.[0-9a-f]{64}$`));
  assert.equal(d.attrs.httponly, true);
  assert.equal(d.attrs.secure, true);
  assert.equal(String(d.attrs.samesite).toLowerCase(), 'strict');
  assert.equal(d.attrs.path, '/');
  assert.equal(d.attrs.domain, undefined);
  assert.equal(Number(d.attrs['max-age']), 365 * 24 * 3600);
  // Logging in again from the same device keeps its identity (and so its counter).
  const again = await loginFrom(from, u.email, u.password, { Cookie: `__Host-vs_device=${d.value}` });
  assert.equal(again.status, 200, again.text);
  assert.equal(cookie(again, '__Host-vs_device').value, d.value);
  // A failed login sets no cookie at all.
  const failed = await loginFrom(from, u.email, 'wrong-password');
  assert.equal(failed.status, 401);
  assert.equal(failed.headers['set-cookie'], undefined);
});

test('strangers failing on an email cannot lock out the owner\'s device; without a valid device cookie the 11th try is 429', async () => {
  const owner = makeUser('partner');
  const other = makeUser('partner');
  const home = freshAddress();
  const device = cookie(await loginFrom(home, owner.email, owner.password), '__Host-vs_device').value;
  const otherDevice = cookie(await loginFrom(freshAddress(), other.email, other.password), '__Host-vs_device').value;
  // An attacker without a device cookie: failures 1-10 are 401, then 429 even with the right password.
  const attacker = freshAddress();
  for (let i = 0; i < 10; i++) assertError(await loginFrom(attacker, owner.email, `guess-${i}`), 401, 'unauthenticated');
  const locked = await loginFrom(attacker, owner.email, owner.password);
  assertError(locked, 429, 'too_many_attempts');
  assert.ok(Number(locked.headers['retry-after']) > 0);
  // So is anyone else without a valid device cookie for this account: none, another account's,
  // a forged one, a tampered one.
  const forged = `${owner.id}.${randomBytes(16).toString('hex')}.${randomBytes(32).toString('hex')}`;
  const tampered = device.replace(/.$/, (ch) => (ch === '0' ? '1' : '0'));
  const retargeted = otherDevice.replace(/^\d+/, String(owner.id));
  for (const c of [null, otherDevice, forged, tampered, retargeted, `vs_device=${device}`]) {
    const headers = c === null ? {} : { Cookie: c.startsWith('vs_device=') ? c : `__Host-vs_device=${c}` };
    assertError(await loginFrom(home, owner.email, owner.password, headers), 429, 'too_many_attempts');
  }
  // The owner's own device logs in, right through the lock.
  const ok = await loginFrom(home, owner.email, owner.password, { Cookie: `__Host-vs_device=${device}` });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.user.id, owner.id);
});

test('a device cookie has its own limit: 10 failures with it, then 429 for that device only', async () => {
  const u = makeUser('client');
  const from = freshAddress();
  const device = cookie(await loginFrom(from, u.email, u.password), '__Host-vs_device').value;
  const second = cookie(await loginFrom(freshAddress(), u.email, u.password), '__Host-vs_device').value;
  assert.notEqual(device, second, 'each new device gets its own cookie');
  const withDevice = { Cookie: `__Host-vs_device=${device}` };
  for (let i = 0; i < 10; i++) assertError(await loginFrom(from, u.email, `wrong-${i}`, withDevice), 401, 'unauthenticated');
  assertError(await loginFrom(from, u.email, u.password, withDevice), 429, 'too_many_attempts');
  // The account's own (cookie-less) counter was not touched by the device's failures, and the
  // second device is free.
  assert.equal(sql(`SELECT count(*) FROM attempt_counters WHERE key = 'login:user:${u.id}' AND attempts > 0`)[0][0], '0');
  assert.equal((await loginFrom(freshAddress(), u.email, u.password, { Cookie: `__Host-vs_device=${second}` })).status, 200);
  assert.equal((await loginFrom(freshAddress(), u.email, u.password)).status, 200);
});

// ---- item: refused attempts write nothing; the typed email is never stored ----------------------

test('login attempts refused with 429 write nothing: no counter rows, no audit rows (5 random emails)', async () => {
  const from = freshAddress();
  sql(`INSERT INTO attempt_counters (key, window_start, attempts) VALUES ('login:addr:${from}', now(), 50)`);
  const before = dbChecksum();
  const audit = sql('SELECT count(*) FROM audit_log')[0][0];
  for (let i = 0; i < 5; i++) {
    const r = await loginFrom(from, `random-${randomBytes(6).toString('hex')}@test.example`, 'guess');
    assertError(r, 429, 'too_many_attempts');
  }
  assert.equal(dbChecksum(), before, 'the refused attempts changed a table');
  assert.equal(sql('SELECT count(*) FROM audit_log')[0][0], audit, 'the refused attempts wrote audit rows');
  assert.deepEqual(sql(`SELECT attempts FROM attempt_counters WHERE key = 'login:addr:${from}'`), [['50']]);
  // An account at its limit likewise: a try from a new address leaves no row for that address.
  const u = makeUser('client');
  sql(`INSERT INTO attempt_counters (key, window_start, attempts) VALUES ('login:user:${u.id}', now(), 10)`);
  const fresh = freshAddress();
  assertError(await loginFrom(fresh, u.email, u.password), 429, 'too_many_attempts');
  assert.deepEqual(sql(`SELECT count(*) FROM attempt_counters WHERE key = 'login:addr:${fresh}'`), [['0']]);
});

test('a typed email is never stored: the user id when it matches, else a keyed hash, in audit rows and counters', async () => {
  const from = freshAddress();
  const u = makeUser('partner');
  // A password typed into the email field, and a known email with a wrong password.
  const typed = `Secret-Typed-${randomBytes(6).toString('hex')}`;
  const unknown = await loginFrom(from, `  ${typed}  `, 'whatever-1');
  assertError(unknown, 401, 'unauthenticated');
  const wrong = await loginFrom(from, u.email.toUpperCase(), 'not-the-password');
  assertError(wrong, 401, 'unauthenticated');
  const row = (r) => sql(`SELECT coalesce(actor_id::text, ''), coalesce(actor_email, ''), outcome FROM audit_log WHERE request_id = '${r.headers['x-request-id']}'`);
  assert.deepEqual(row(unknown), [['', `hmac-sha256:${loginNameHash(typed)}`, 'failed']]);
  assert.deepEqual(row(wrong), [[String(u.id), '', 'failed']]);
  // Nowhere in the audit log or the counters, in any spelling.
  for (const t of [typed.toLowerCase(), u.email.toLowerCase()]) {
    assert.deepEqual(sql(`SELECT count(*) FROM audit_log a WHERE lower(a::text) LIKE '%${t}%'`), [['0']], t);
    assert.deepEqual(sql(`SELECT count(*) FROM attempt_counters c WHERE lower(c::text) LIKE '%${t}%'`), [['0']], t);
  }
  assert.deepEqual(sql(`SELECT attempts FROM attempt_counters WHERE key = 'login:email:${loginNameHash(typed)}'`), [['1']]);
  assert.deepEqual(sql(`SELECT attempts FROM attempt_counters WHERE key = 'login:user:${u.id}'`), [['1']]);
  // The database refuses a verbatim email in the audit log, whoever writes it.
  const ins = psqlAs('vsession_api', "INSERT INTO audit_log (action, outcome, actor_email) VALUES ('login', 'failed', 'someone@example.org')");
  assert.equal(ins.ok, false);
  assert.match(ins.stderr, /audit_log_actor_email_keyed/);
});

// ---- item: purging what only grows --------------------------------------------------------------

function ctlAs(conninfo, args) {
  const r = spawnSync(CTL, args, { encoding: 'utf8', env: { ...process.env, VSESSION_DATABASE_URL: conninfo } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('vsessionctl purge deletes expired counters and ended login sessions with the API\'s own role, and keeps live ones', async () => {
  const u = makeUser('client');
  const live = await login(u);
  const revoked = await login(u);
  const expired = await login(u);
  const sid = (t) => JSON.parse(Buffer.from(t.split('.')[1], 'base64url')).sid;
  assert.equal((await api('POST', '/api/auth/logout', { token: revoked })).status, 204);
  sql(`UPDATE login_sessions SET created_at = now() - interval '2 days', expires_at = now() - interval '1 day' WHERE id = '${sid(expired)}'`);
  const tag = randomBytes(4).toString('hex');
  sql(`INSERT INTO attempt_counters (key, window_start, attempts) VALUES
    ('purge:${tag}:old', now() - interval '25 hours', 3), ('purge:${tag}:new', now() - interval '10 minutes', 3)`);

  const r = ctlAs(process.env.VSESSION_API_DATABASE_URL ?? conninfoAs('vsession_api'), ['purge']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^purged \d+ counters, \d+ login sessions, 0 audit rows\npurged \d+ outbox messages, \d+ account links\n$/);
  assert.deepEqual(sql(`SELECT key FROM attempt_counters WHERE key LIKE 'purge:${tag}:%'`), [[`purge:${tag}:new`]]);
  assert.deepEqual(sql(`SELECT count(*) FROM login_sessions WHERE id IN ('${sid(revoked)}', '${sid(expired)}')`), [['0']]);
  assert.deepEqual(sql(`SELECT count(*) FROM login_sessions WHERE id = '${sid(live)}'`), [['1']]);
  // The live login still works; the purged ones are refused as before.
  assert.equal((await api('GET', '/api/auth/me', { token: live })).status, 200);
  assertError(await api('GET', '/api/auth/me', { token: revoked }), 401, 'unauthenticated');
  // Nothing is left over in either table.
  assert.deepEqual(sql(`SELECT count(*) FROM attempt_counters WHERE window_start < now() - interval '24 hours'`), [['0']]);
  assert.deepEqual(sql('SELECT count(*) FROM login_sessions WHERE expires_at <= now() OR revoked_at IS NOT NULL'), [['0']]);
});

test('audit retention: purge --audit-days deletes old rows only as the table\'s owner; the API\'s role cannot', async () => {
  const tag = `retention-${randomBytes(4).toString('hex')}`;
  sql(`INSERT INTO audit_log (at, action, outcome) VALUES (now() - interval '400 days', '${tag}', 'ok'), (now() - interval '10 days', '${tag}', 'ok')`);
  const api = ctlAs(process.env.VSESSION_API_DATABASE_URL ?? conninfoAs('vsession_api'), ['purge', '--audit-days', '365']);
  assert.equal(api.code, 1, api.out);
  assert.match(api.err, /^vsessionctl: purge: .*owner/);
  assert.deepEqual(sql(`SELECT count(*) FROM audit_log WHERE action = '${tag}'`), [['2']]);

  const owner = ctlAs(process.env.VSESSION_DATABASE_URL, ['purge', '--audit-days', '365']);
  assert.equal(owner.code, 0, owner.err);
  assert.match(owner.out, /^purged \d+ counters, \d+ login sessions, [1-9]\d* audit rows\npurged \d+ outbox messages, \d+ account links\n$/);
  assert.deepEqual(sql(`SELECT count(*) FROM audit_log WHERE action = '${tag}'`), [['1']]);
  // The log is append-only again at once, for the owner too.
  const upd = spawnSync('psql', ['-X', '-qtA', process.env.VSESSION_DATABASE_URL, '-c', `UPDATE audit_log SET outcome = 'failed' WHERE action = '${tag}'`], { encoding: 'utf8' });
  assert.notEqual(upd.status, 0);
  assert.match(upd.stderr, /append-only/);
  for (const bad of [['purge', '--audit-days', '0'], ['purge', '--audit-days', 'x'], ['purge', '--days', '3']]) {
    const b = ctlAs(process.env.VSESSION_DATABASE_URL, bad);
    assert.equal(b.code, 2, bad.join(' '));
  }
});
