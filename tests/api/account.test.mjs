// Accounts people run themselves (issues 16 and 18):
// - a partner adds a client by name and email: a client account without a password, the link,
//   a single-use onboarding token (stored as SHA-256 only, 7 days) and its outbox message, in one
//   transaction; the client sets a password through the link and is logged in like /api/auth/login;
// - "forgot password": the same 202 answer, in about the same time, whether or not the email has an
//   account; rate-limited per email and per address; the link (30 minutes, single use) ends every
//   login session of the account;
// - settings: name, time zone (a real IANA zone), email reminders; the practice's settings; a
//   password change that keeps the current login and ends the others;
// - hostile input answers the documented 4xx and changes nothing; another partner's collection is 403.
//
// Until the mail sender is merged the links are read from the outbox rows (payload->>'url').
// Every test that counts on a per-address limit sends from its own loopback address.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { api, makeUser, link, login, sql, dbChecksum, uniq } from './lib.mjs';
import { freshAddress, request } from './helpers-extra.mjs';

const sha256 = (s) => createHash('sha256').update(s).digest('hex');
const q = (s) => `'${String(s).replace(/'/g, "''")}'`;

function outboxFor(userId) {
  return sql(`SELECT kind, recipient_email, coalesce(recipient_name, ''), payload::text FROM outbox WHERE recipient_user_id = ${userId} ORDER BY id`)
    .map(([kind, email, name, payload]) => ({ kind, email, name, payload: JSON.parse(payload) }));
}

function tokenOf(url) {
  const m = /#token=([A-Za-z0-9_-]+)$/.exec(url);
  assert.ok(m, `no token in the link's fragment: ${url}`);
  return m[1];
}

function outboxCount() {
  return sql('SELECT count(*) || \':\' || coalesce(max(id), 0) FROM outbox')[0][0];
}

function tokensChecksum() {
  return sql('SELECT count(*) || \':\' || coalesce(md5(string_agg(x::text, \',\' ORDER BY x::text)), \'\') FROM account_tokens x')[0][0];
}

function snapshot() {
  return `${dbChecksum()} outbox:${outboxCount()} tokens:${tokensChecksum()} settings:${sql('SELECT count(*) || md5(coalesce(string_agg(x::text, \',\' ORDER BY x::text), \'\')) FROM partner_settings x')[0][0]}`;
}

function assertError(r, status, code, field) {
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  assert.equal(r.json?.error?.code, code, r.text);
  if (field !== undefined) assert.equal(r.json.error.field, field, r.text);
}

function setCookieNames(r) {
  const v = r.headers.getSetCookie ? r.headers.getSetCookie() : r.headers['set-cookie'] ?? [];
  return (Array.isArray(v) ? v : [v]).map((l) => l.split('=')[0]);
}

async function partnerLoggedIn() {
  const p = makeUser('partner');
  await login(p);
  return p;
}

async function addClient(partner, body, from) {
  return request('POST', `/api/partners/${partner.id}/clients`, { token: partner.token, body, from });
}

function newEmail() {
  return `${uniq('new')}@test.example`;
}

// ---- onboarding ------------------------------------------------------------------------------

test('a partner adds a new client: account without password, link, hashed 7-day token and outbox row in one go', async () => {
  const p = await partnerLoggedIn();
  const email = newEmail();
  const r = await addClient(p, { name: 'Sam Newcomer', email, timezone: 'America/New_York' });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(Object.keys(r.json).sort(), ['email', 'id', 'name', 'role', 'timezone']);
  assert.equal(r.json.role, 'client');
  assert.equal(r.json.name, 'Sam Newcomer');
  assert.equal(r.json.timezone, 'America/New_York');
  const id = r.json.id;
  assert.deepEqual(sql(`SELECT password_hash IS NULL, role FROM users WHERE id = ${id}`), [['t', 'client']]);
  assert.deepEqual(sql(`SELECT count(*) FROM partner_clients WHERE partner_id = ${p.id} AND client_id = ${id}`), [['1']]);
  const mail = outboxFor(id);
  assert.equal(mail.length, 1);
  assert.equal(mail[0].kind, 'onboarding');
  assert.equal(mail[0].email, email);
  assert.equal(mail[0].name, 'Sam Newcomer');
  assert.equal(mail[0].payload.partner_name, p.name);
  assert.match(mail[0].payload.url, /^https:\/\/[^/]+\/welcome#token=[A-Za-z0-9_-]{43}$/);
  const token = tokenOf(mail[0].payload.url);
  // only the hash is stored, with the purpose and about 7 days of life
  const rows = sql(`SELECT token_sha256, purpose, round(extract(epoch FROM expires_at - created_at) / 3600) FROM account_tokens WHERE user_id = ${id}`);
  assert.deepEqual(rows, [[sha256(token), 'onboarding', '168']]);
  assert.equal(sql(`SELECT count(*) FROM account_tokens WHERE token_sha256 = ${q(token)}`)[0][0], '0');
  // it is one of the partner's clients now
  const list = await api('GET', `/api/partners/${p.id}/clients`, { token: p.token });
  assert.ok(list.json.clients.some((c) => c.id === id && c.email === email));
  // the new account cannot log in with any password before setting one, and looks like a wrong password
  const from = freshAddress();
  const none = await request('POST', '/api/auth/login', { from, body: { email, password: 'whatever-it-is' } });
  const wrong = await request('POST', '/api/auth/login', { from, body: { email: p.email, password: 'not-the-password' } });
  assertError(none, 401, 'unauthenticated');
  assert.equal(none.text, wrong.text);
  assert.ok(sql(`SELECT count(*) FROM audit_log WHERE action = 'client.add' AND actor_id = ${p.id} AND object_id = ${id} AND outcome = 'ok'`)[0][0] === '1');
  // and it costs what a wrong password costs (the dummy argon2id verify): medians of 5 tries each
  const tNone = [], tWrong = [];
  for (let i = 0; i < 5; i++) {
    tNone.push((await request('POST', '/api/auth/login', { from, body: { email, password: `guess-${i}-xxxx` } })).ms);
    tWrong.push((await request('POST', '/api/auth/login', { from, body: { email: p.email, password: `guess-${i}-xxxx` } })).ms);
  }
  const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
  console.log(`# login medians: no password yet ${median(tNone).toFixed(1)} ms, wrong password ${median(tWrong).toFixed(1)} ms`);
  assert.ok(median(tNone) > 0.5 * median(tWrong), `no password ${median(tNone)} ms vs wrong ${median(tWrong)} ms: the dummy verify is missing`);
});

test('the client follows the link: password set, logged in like /api/auth/login, the link works once', async () => {
  const p = await partnerLoggedIn();
  const email = newEmail();
  const r = await addClient(p, { name: 'Robin Link', email });
  assert.equal(r.status, 201, r.text);
  // no time zone given: the partner's own
  assert.equal(r.json.timezone, p.timezone);
  const token = tokenOf(outboxFor(r.json.id)[0].payload.url);
  const from = freshAddress();
  const set = await request('POST', '/api/auth/set-password', { from, body: { token, password: 'a new secret 123', purpose: 'onboarding' } });
  assert.equal(set.status, 200, set.text);
  assert.deepEqual(Object.keys(set.json).sort(), ['expires_at', 'token', 'user']);
  assert.equal(set.json.user.id, r.json.id);
  assert.equal(set.json.user.role, 'client');
  assert.deepEqual(setCookieNames(set).sort(), ['__Host-vs_device', '__Host-vs_session']);
  const me = await api('GET', '/api/auth/me', { token: set.json.token });
  assert.equal(me.status, 200);
  assert.equal(me.json.email, email);
  // the same password logs in
  const again = await request('POST', '/api/auth/login', { from, body: { email, password: 'a new secret 123' } });
  assert.equal(again.status, 200, again.text);
  // used: every later try gets the one answer for a link that does not work
  const reuse = await request('POST', '/api/auth/set-password', { from, body: { token, password: 'another secret 456' } });
  assertError(reuse, 422, 'validation_failed', 'token');
  assert.equal(sql(`SELECT count(*) FROM account_tokens WHERE user_id = ${r.json.id}`)[0][0], '0');
  assert.equal(sql(`SELECT count(*) FROM audit_log WHERE action = 'password.set.onboarding' AND actor_id = ${r.json.id}`)[0][0], '1');
  // adding them again now that they have a password: already a client
  const dup = await addClient(p, { name: 'Robin Link', email: email.toUpperCase() });
  assertError(dup, 409, 'invalid_state');
});

test('a wrong, used, expired or other-purpose token gets one and the same answer and changes nothing', async () => {
  const p = await partnerLoggedIn();
  const r = await addClient(p, { name: 'Expiring Client', email: newEmail() });
  const token = tokenOf(outboxFor(r.json.id)[0].payload.url);
  const from = freshAddress();
  const before = snapshot();
  const wrongPurpose = await request('POST', '/api/auth/set-password', { from, body: { token, password: 'long enough 1', purpose: 'password_reset' } });
  const unknown = await request('POST', '/api/auth/set-password', { from, body: { token: 'A'.repeat(43), password: 'long enough 1' } });
  sql(`UPDATE account_tokens SET created_at = now() - interval '8 days', expires_at = now() - interval '1 day' WHERE user_id = ${r.json.id}`);
  const expired = await request('POST', '/api/auth/set-password', { from, body: { token, password: 'long enough 1' } });
  for (const x of [wrongPurpose, unknown, expired]) assertError(x, 422, 'validation_failed', 'token');
  assert.equal(wrongPurpose.text, unknown.text);
  assert.equal(expired.text, unknown.text);
  assert.deepEqual(sql(`SELECT password_hash IS NULL FROM users WHERE id = ${r.json.id}`), [['t']]);
  // apart from the expiry set above by hand, nothing changed
  sql(`UPDATE account_tokens SET created_at = now(), expires_at = now() + interval '7 days' WHERE user_id = ${r.json.id}`);
  assert.equal(snapshot().replace(/tokens:\S+|attempt_counters:\S+/g, ''), before.replace(/tokens:\S+|attempt_counters:\S+/g, ''));
});

test('set-password refuses bad input with 422 naming the field', async () => {
  const from = freshAddress();
  const cases = [
    [{ password: 'long enough 1' }, 'token'],
    [{ token: 'x' }, 'password'],
    [{ token: 'x', password: 'short' }, 'password'],
    [{ token: 'x', password: 'p'.repeat(1025) }, 'password'],
    [{ token: 'x', password: 'long enough 1', purpose: 'admin' }, 'purpose'],
    [{ token: 'x', password: 'long enough 1', role: 'admin' }, 'role'],
    [{ token: 5, password: 'long enough 1' }, 'token'],
  ];
  const before = snapshot();
  for (const [body, field] of cases) {
    const r = await request('POST', '/api/auth/set-password', { from, body });
    assertError(r, 422, 'validation_failed', field);
  }
  const bad = await request('POST', '/api/auth/set-password', { from, body: '{"token":"x",' });
  assertError(bad, 400, 'invalid_json');
  assert.equal(snapshot().replace(/attempt_counters:\S+/, ''), before.replace(/attempt_counters:\S+/, ''));
});

test('inviting again before the password is set replaces the token; the old link stops working', async () => {
  const p = await partnerLoggedIn();
  const email = newEmail();
  const first = await addClient(p, { name: 'Slow Reader', email });
  const t1 = tokenOf(outboxFor(first.json.id)[0].payload.url);
  const second = await addClient(p, { name: 'Slow Reader', email });
  assert.equal(second.status, 200, second.text);
  assert.equal(second.json.id, first.json.id);
  const mail = outboxFor(first.json.id);
  assert.equal(mail.length, 2);
  const t2 = tokenOf(mail[1].payload.url);
  assert.notEqual(t1, t2);
  assert.deepEqual(sql(`SELECT token_sha256 FROM account_tokens WHERE user_id = ${first.json.id}`), [[sha256(t2)]]);
  const from = freshAddress();
  assertError(await request('POST', '/api/auth/set-password', { from, body: { token: t1, password: 'long enough 1' } }), 422, 'validation_failed', 'token');
  assert.equal((await request('POST', '/api/auth/set-password', { from, body: { token: t2, password: 'long enough 1' } })).status, 200);
  assert.equal(sql(`SELECT count(*) FROM audit_log WHERE action = 'client.invite' AND object_id = ${first.json.id}`)[0][0], '1');
});

test('a client of another practice is linked and told, with no token and nothing about the other practice', async () => {
  const other = makeUser('partner');
  const existing = makeUser('client', { timezone: 'Asia/Tokyo' });
  link(other, existing);
  const p = await partnerLoggedIn();
  const r = await addClient(p, { name: 'Typed Name', email: existing.email.toUpperCase() });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(Object.keys(r.json).sort(), ['email', 'id', 'name', 'role', 'timezone']);
  assert.equal(r.json.id, existing.id);
  assert.ok(!r.text.includes(other.name) && !r.text.includes(other.email));
  assert.deepEqual(sql(`SELECT count(*) FROM partner_clients WHERE client_id = ${existing.id}`), [['2']]);
  const mail = outboxFor(existing.id);
  assert.equal(mail.length, 1);
  assert.equal(mail[0].kind, 'onboarding');
  assert.equal(mail[0].payload.existing_account, true);
  assert.equal(mail[0].payload.partner_name, p.name);
  assert.doesNotMatch(mail[0].payload.url, /token/);
  assert.equal(sql(`SELECT count(*) FROM account_tokens WHERE user_id = ${existing.id}`)[0][0], '0');
  // the existing password still works; nothing about it changed
  await login(existing);
});

test('adding a client: bad input is 422 naming the field and changes nothing; a partner or admin email is refused', async () => {
  const p = await partnerLoggedIn();
  const other = makeUser('partner');
  const admin = makeUser('admin');
  const cases = [
    [{ email: newEmail() }, 'name'],
    [{ name: 'No Email' }, 'email'],
    [{ name: '', email: newEmail() }, 'name'],
    [{ name: '   ', email: newEmail() }, 'name'],
    [{ name: 'x'.repeat(201), email: newEmail() }, 'name'],
    [{ name: 'Evil\r\nBcc: all@x.test', email: newEmail() }, 'name'],
    [{ name: 'Tab\tName', email: newEmail() }, 'name'],
    [{ name: 'Bad Mail', email: 'no-at-sign' }, 'email'],
    [{ name: 'Bad Mail', email: 'two@@x.test' }, 'email'],
    [{ name: 'Bad Mail', email: 'a b@x.test' }, 'email'],
    [{ name: 'Bad Mail', email: 'x@y.test\r\nBcc: z@x.test' }, 'email'],
    [{ name: 'Bad Mail', email: '<x@y.test>' }, 'email'],
    [{ name: 'Bad Mail', email: `${'a'.repeat(250)}@x.test` }, 'email'],
    [{ name: 'Bad Zone', email: newEmail(), timezone: 'Mars/Olympus' }, 'timezone'],
    [{ name: 'Bad Zone', email: newEmail(), timezone: 'UTC+5' }, 'timezone'],
    [{ name: 'Bad Zone', email: newEmail(), timezone: '' }, 'timezone'],
    [{ name: 'Extra', email: newEmail(), role: 'admin' }, 'role'],
    [{ name: 5, email: newEmail() }, 'name'],
    [{ name: 'Partner Mail', email: other.email }, 'email'],
    [{ name: 'Admin Mail', email: admin.email }, 'email'],
    [{ name: 'Own Mail', email: p.email }, 'email'],
  ];
  const before = snapshot();
  for (const [body, field] of cases) {
    const r = await addClient(p, body);
    assertError(r, 422, 'validation_failed', field);
  }
  assertError(await addClient(p, '[]'), 400, 'invalid_json');
  assert.equal(snapshot().replace(/attempt_counters:\S+/, ''), before.replace(/attempt_counters:\S+/, ''));
});

test('only the partner adds to their own client list: others get 403, nobody 401, and nothing changes', async () => {
  const p = await partnerLoggedIn();
  const p2 = await partnerLoggedIn();
  const client = makeUser('client');
  link(p, client);
  await login(client);
  const admin = makeUser('admin');
  await login(admin);
  const email = newEmail();
  const before = snapshot();
  for (const who of [p2, client, admin]) {
    for (const body of [{ name: 'Sneaky', email }, { bogus: 1 }]) {
      const res = await request('POST', `/api/partners/${p.id}/clients`, { token: who.token, body });
      assertError(res, 403, 'forbidden');
      assert.ok(!res.text.includes(p.email));
    }
  }
  const anon = await request('POST', `/api/partners/${p.id}/clients`, { body: { name: 'Sneaky', email } });
  assertError(anon, 401, 'unauthenticated');
  assert.equal(sql(`SELECT count(*) FROM users WHERE lower(email) = lower(${q(email)})`)[0][0], '0');
  assert.equal(snapshot(), before);
  assert.ok(Number(sql(`SELECT count(*) FROM audit_log WHERE action = 'partner.clients' AND outcome = 'denied' AND object_id = ${p.id}`)[0][0]) >= 3);
});

// ---- forgot password -------------------------------------------------------------------------

test('a reset request answers the same for a known and an unknown email, in about the same time', async () => {
  const u = makeUser('client');
  const from = freshAddress();
  const unknown = `${uniq('nobody')}@test.example`;
  const known = await request('POST', '/api/auth/password-reset', { from, body: { email: u.email } });
  const none = await request('POST', '/api/auth/password-reset', { from, body: { email: unknown } });
  assert.equal(known.status, 202, known.text);
  assert.equal(none.status, 202);
  assert.equal(known.text, none.text);
  assert.equal(known.headers['content-type'], none.headers['content-type']);
  assert.deepEqual(setCookieNames(known), setCookieNames(none));
  // only the account gets a message and a 30-minute token
  const mail = outboxFor(u.id);
  assert.equal(mail.length, 1);
  assert.equal(mail[0].kind, 'password_reset');
  assert.deepEqual(Object.keys(mail[0].payload), ['url']);
  assert.match(mail[0].payload.url, /^https:\/\/[^/]+\/reset-password#token=[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(sql(`SELECT purpose, round(extract(epoch FROM expires_at - created_at) / 60) FROM account_tokens WHERE user_id = ${u.id}`), [['password_reset', '30']]);
  assert.equal(sql(`SELECT count(*) FROM outbox WHERE lower(recipient_email) = lower(${q(unknown)})`)[0][0], '0');
  // both are audited; the unknown one under the keyed hash only, never the typed text
  assert.equal(sql(`SELECT count(*) FROM audit_log WHERE action = 'password_reset.request' AND actor_id = ${u.id}`)[0][0], '1');
  assert.equal(sql(`SELECT count(*) FROM audit_log WHERE actor_email LIKE ${q('%' + unknown + '%')}`)[0][0], '0');

  // timing: medians over alternating requests (each email well below its limit: 4 each, fresh addresses)
  const users = [makeUser('client'), makeUser('client'), makeUser('client')];
  const tKnown = [], tNone = [];
  for (let i = 0; i < 12; i++) {
    const a = await request('POST', '/api/auth/password-reset', { from: freshAddress(), body: { email: users[i % 3].email } });
    const b = await request('POST', '/api/auth/password-reset', { from: freshAddress(), body: { email: `${uniq('ghost')}@test.example` } });
    assert.equal(a.status, 202);
    assert.equal(b.status, 202);
    tKnown.push(a.ms);
    tNone.push(b.ms);
  }
  const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
  const mk = median(tKnown), mn = median(tNone);
  console.log(`# reset request medians: known ${mk.toFixed(1)} ms, unknown ${mn.toFixed(1)} ms`);
  assert.ok(Math.abs(mk - mn) < Math.max(15, 0.5 * Math.max(mk, mn)), `known ${mk} ms vs unknown ${mn} ms`);
});

test('reset requests are limited per email (known or not) and per address, with 429 and Retry-After', async () => {
  const u = makeUser('client');
  const ghost = `${uniq('ghost')}@test.example`;
  for (const email of [u.email, ghost]) {
    for (let i = 0; i < 5; i++) {
      const r = await request('POST', '/api/auth/password-reset', { from: freshAddress(), body: { email } });
      assert.equal(r.status, 202, `try ${i + 1}: ${r.text}`);
    }
    const over = await request('POST', '/api/auth/password-reset', { from: freshAddress(), body: { email: email.toUpperCase() } });
    assertError(over, 429, 'too_many_attempts');
    assert.ok(Number(over.headers['retry-after']) > 0 && Number(over.headers['retry-after']) <= 3600);
  }
  // the refused one wrote no message
  assert.equal(outboxFor(u.id).length, 5);
  const from = freshAddress();
  for (let i = 0; i < 20; i++) {
    const r = await request('POST', '/api/auth/password-reset', { from, body: { email: `${uniq('a')}@test.example` } });
    assert.equal(r.status, 202, `try ${i + 1}: ${r.text}`);
  }
  const over = await request('POST', '/api/auth/password-reset', { from, body: { email: `${uniq('a')}@test.example` } });
  assertError(over, 429, 'too_many_attempts');
  assert.ok(Number(over.headers['retry-after']) > 0);
});

test('a reset link sets the password, ends every login session of the account and logs in; once only', async () => {
  const u = makeUser('partner');
  const t1 = await login(u);
  const t2 = await login(u);
  assert.equal((await api('GET', '/api/auth/me', { token: t1 })).status, 200);
  const from = freshAddress();
  assert.equal((await request('POST', '/api/auth/password-reset', { from, body: { email: u.email } })).status, 202);
  const token = tokenOf(outboxFor(u.id).at(-1).payload.url);
  // an onboarding page cannot use a reset link
  assertError(await request('POST', '/api/auth/set-password', { from, body: { token, password: 'brand new pass', purpose: 'onboarding' } }), 422, 'validation_failed', 'token');
  const set = await request('POST', '/api/auth/set-password', { from, body: { token, password: 'brand new pass', purpose: 'password_reset' } });
  assert.equal(set.status, 200, set.text);
  assert.equal(set.json.user.id, u.id);
  for (const old of [t1, t2]) assertError(await api('GET', '/api/auth/me', { token: old }), 401, 'unauthenticated');
  assert.equal((await api('GET', '/api/auth/me', { token: set.json.token })).status, 200);
  assertError(await request('POST', '/api/auth/login', { from, body: { email: u.email, password: u.password } }), 401, 'unauthenticated');
  assert.equal((await request('POST', '/api/auth/login', { from, body: { email: u.email, password: 'brand new pass' } })).status, 200);
  assertError(await request('POST', '/api/auth/set-password', { from, body: { token, password: 'third pass 123' } }), 422, 'validation_failed', 'token');
  assert.equal(sql(`SELECT count(*) FROM audit_log WHERE action = 'password.set.password_reset' AND actor_id = ${u.id}`)[0][0], '1');
});

test('an expired reset link does not work', async () => {
  const u = makeUser('client');
  const from = freshAddress();
  await request('POST', '/api/auth/password-reset', { from, body: { email: u.email } });
  const token = tokenOf(outboxFor(u.id).at(-1).payload.url);
  sql(`UPDATE account_tokens SET created_at = now() - interval '31 minutes', expires_at = now() - interval '1 minute' WHERE user_id = ${u.id}`);
  assertError(await request('POST', '/api/auth/set-password', { from, body: { token, password: 'brand new pass' } }), 422, 'validation_failed', 'token');
  await login(u);
});

test('a reset request refuses bad input with 422 and changes nothing', async () => {
  const from = freshAddress();
  const before = snapshot();
  for (const [body, field] of [[{}, 'email'], [{ email: 5 }, 'email'], [{ email: '' }, 'email'], [{ email: 'a@b.test', extra: 1 }, 'extra'], [{ email: 'x'.repeat(255) }, 'email']]) {
    assertError(await request('POST', '/api/auth/password-reset', { from, body }), 422, 'validation_failed', field);
  }
  assert.equal(snapshot(), before);
});

// ---- password change -------------------------------------------------------------------------

test('a password change keeps the current login, ends the others, and needs the current password', async () => {
  const u = makeUser('client');
  const keep = await login(u);
  const other1 = await login(u);
  const other2 = await login(u);
  const before = snapshot();
  const wrong = await api('POST', '/api/auth/password', { token: keep, body: { current_password: 'not it at all', new_password: 'a better password' } });
  assertError(wrong, 422, 'validation_failed', 'current_password');
  const short = await api('POST', '/api/auth/password', { token: keep, body: { current_password: u.password, new_password: 'short' } });
  assertError(short, 422, 'validation_failed', 'new_password');
  assertError(await api('POST', '/api/auth/password', { token: keep, body: { current_password: u.password } }), 422, 'validation_failed', 'new_password');
  assertError(await api('POST', '/api/auth/password', { token: keep, body: { current_password: u.password, new_password: 'a better password', x: 1 } }), 422, 'validation_failed', 'x');
  assert.equal(snapshot().replace(/attempt_counters:\S+/, ''), before.replace(/attempt_counters:\S+/, ''));
  const ok = await api('POST', '/api/auth/password', { token: keep, body: { current_password: u.password, new_password: 'a better password' } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.other_sessions_ended, 2);
  assert.equal((await api('GET', '/api/auth/me', { token: keep })).status, 200);
  for (const t of [other1, other2]) assertError(await api('GET', '/api/auth/me', { token: t }), 401, 'unauthenticated');
  u.password = 'a better password';
  await login(u);
  assert.equal(sql(`SELECT count(*) FROM audit_log WHERE action = 'password.change' AND actor_id = ${u.id} AND outcome = 'ok'`)[0][0], '1');
  assert.equal(sql(`SELECT count(*) FROM audit_log WHERE action = 'password.change' AND actor_id = ${u.id} AND outcome = 'failed'`)[0][0], '1');
  assertError(await api('POST', '/api/auth/password', { body: { current_password: 'x', new_password: 'yyyyyyyyyy' } }), 401, 'unauthenticated');
});

test('wrong current passwords are limited per account (429 with Retry-After)', async () => {
  const u = makeUser('client');
  const t = await login(u);
  for (let i = 0; i < 10; i++) {
    const r = await api('POST', '/api/auth/password', { token: t, body: { current_password: `wrong-${i}-xxxx`, new_password: 'a better password' } });
    assertError(r, 422, 'validation_failed', 'current_password');
  }
  const over = await api('POST', '/api/auth/password', { token: t, body: { current_password: u.password, new_password: 'a better password' } });
  assertError(over, 429, 'too_many_attempts');
  assert.ok(Number(over.headers.get('retry-after')) > 0);
});

// ---- settings --------------------------------------------------------------------------------

test('a person reads and changes their own settings; every field is validated; changes are audited', async () => {
  const u = makeUser('client', { timezone: 'Europe/Berlin' });
  const t = await login(u);
  const got = await api('GET', '/api/me/settings', { token: t });
  assert.equal(got.status, 200);
  assert.deepEqual(got.json, { name: u.name, email: u.email, role: 'client', timezone: 'Europe/Berlin', email_reminders: true });
  const put = await api('PUT', '/api/me/settings', { token: t, body: { name: 'Sam Renamed', timezone: 'America/New_York', email_reminders: false } });
  assert.equal(put.status, 200, put.text);
  assert.deepEqual(put.json, { name: 'Sam Renamed', email: u.email, role: 'client', timezone: 'America/New_York', email_reminders: false });
  assert.deepEqual(sql(`SELECT name, timezone, email_reminders FROM users WHERE id = ${u.id}`), [['Sam Renamed', 'America/New_York', 'f']]);
  assert.equal((await api('GET', '/api/auth/me', { token: t })).json.timezone, 'America/New_York');
  assert.equal(sql(`SELECT count(*) FROM audit_log WHERE action = 'user.settings' AND actor_id = ${u.id}`)[0][0], '1');
  // a subset changes only itself
  const part = await api('PUT', '/api/me/settings', { token: t, body: { email_reminders: true } });
  assert.deepEqual(part.json, { ...put.json, email_reminders: true });
  const before = snapshot();
  const cases = [
    [{ timezone: 'Mars/Olympus' }, 'timezone'], [{ timezone: 'utc+2' }, 'timezone'], [{ timezone: '' }, 'timezone'],
    [{ timezone: 'x'.repeat(65) }, 'timezone'], [{ name: '' }, 'name'], [{ name: ' ' }, 'name'], [{ name: 'a\nb' }, 'name'],
    [{ name: 'x'.repeat(201) }, 'name'], [{ email_reminders: 'no' }, 'email_reminders'], [{ email: 'new@x.test' }, 'email'],
    [{ role: 'admin' }, 'role'], [{ name: null }, 'name'],
  ];
  for (const [body, field] of cases) {
    assertError(await api('PUT', '/api/me/settings', { token: t, body }), 422, 'validation_failed', field);
  }
  assertError(await api('PUT', '/api/me/settings', { token: t, body: '"name"' }), 400, 'invalid_json');
  assertError(await api('PUT', '/api/me/settings', { token: t, body: '{"name":"x"}', headers: { 'Content-Type': 'text/plain' } }), 415, 'unsupported_media_type');
  assert.equal(snapshot(), before);
  assertError(await api('GET', '/api/me/settings'), 401, 'unauthenticated');
});

test('practice settings: defaults, changes by the partner only, validation, audit', async () => {
  const p = await partnerLoggedIn();
  const p2 = await partnerLoggedIn();
  const c = makeUser('client');
  link(p, c);
  await login(c);
  const admin = makeUser('admin');
  await login(admin);
  const url = `/api/partners/${p.id}/settings`;
  const def = await api('GET', url, { token: p.token });
  assert.equal(def.status, 200);
  assert.deepEqual(def.json, { practice_name: null, reminder_24h: true, reminder_1h: true, titles_in_email: false, cancel_notice_hours: 24, default_duration_minutes: 60, default_title: null });
  const put = await api('PUT', url, { token: p.token, body: { practice_name: 'Rivers Practice', reminder_1h: false, titles_in_email: true } });
  assert.equal(put.status, 200, put.text);
  assert.deepEqual(put.json, { practice_name: 'Rivers Practice', reminder_24h: true, reminder_1h: false, titles_in_email: true, cancel_notice_hours: 24, default_duration_minutes: 60, default_title: null });
  const again = await api('PUT', url, { token: p.token, body: { reminder_24h: false } });
  assert.deepEqual(again.json, { practice_name: 'Rivers Practice', reminder_24h: false, reminder_1h: false, titles_in_email: true, cancel_notice_hours: 24, default_duration_minutes: 60, default_title: null });
  const cleared = await api('PUT', url, { token: p.token, body: { practice_name: null } });
  assert.equal(cleared.json.practice_name, null);
  assert.equal(sql(`SELECT count(*) FROM audit_log WHERE action = 'partner.settings' AND actor_id = ${p.id}`)[0][0], '3');
  const before = snapshot();
  for (const [body, field] of [[{ practice_name: '' }, 'practice_name'], [{ practice_name: 'a\r\nb' }, 'practice_name'],
    [{ practice_name: 'x'.repeat(201) }, 'practice_name'], [{ reminder_24h: 1 }, 'reminder_24h'], [{ titles_in_email: null }, 'titles_in_email'],
    [{ partner_id: 3 }, 'partner_id']]) {
    assertError(await api('PUT', url, { token: p.token, body }), 422, 'validation_failed', field);
  }
  // someone else's practice: 403 for reading (except admins) and writing, whatever the body
  for (const who of [p2, c]) {
    assertError(await api('GET', url, { token: who.token }), 403, 'forbidden');
    assertError(await api('PUT', url, { token: who.token, body: { titles_in_email: false } }), 403, 'forbidden');
    assertError(await api('PUT', url, { token: who.token, body: { bogus: 1 } }), 403, 'forbidden');
  }
  assert.equal((await api('GET', url, { token: admin.token })).status, 200);
  assertError(await api('PUT', url, { token: admin.token, body: { titles_in_email: false } }), 403, 'forbidden');
  assert.equal(snapshot(), before);
});
