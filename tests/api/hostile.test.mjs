// hostile.test.mjs — a corpus of hostile requests against every endpoint of app/api/routes.c.
//
// Malformed and truncated JSON, duplicate keys, wrong types, huge and negative numbers, ids past
// 2^63 in paths and bodies, invalid UTF-8, NUL bytes (raw and \u0000), overlong strings, SQL and
// shell metacharacters in every string field and query parameter, odd headers (huge
// Authorization, several Content-Type or Content-Length, mismatched lengths, chunked bodies,
// unknown transfer codings), odd methods and path tricks. Each case names the status and error
// code API.md documents; none may be a 5xx; every answer is the JSON error envelope with the
// security headers and without stack traces, SQL or secrets; and a checksum of every table
// (audit_log aside: denials are audited) shows that the whole corpus changed no data. The rate
// limit counters may move only where the corpus tries logins and session passwords.
//
// Requests are written byte for byte on a TLS socket (nothing is normalized: raw NUL bytes,
// lowercase methods and bad headers reach nginx as sent), each from a loopback address of its
// own range so the login limits of other tests are untouched.
//
// Cases whose `layer` is 'nginx' are refused by nginx before the API sees them; they need the
// error pages of nginx/vsession-site.conf.in (the JSON envelope for nginx's own 400/405/414).
import test from 'node:test';
import assert from 'node:assert/strict';
import tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { BASE, SECURITY_HEADERS, practice, makeUser, login, link, sql, api } from './lib.mjs';
import { freshAddress, stackJwtSecret } from './helpers-extra.mjs';

const PORT = Number(new URL(BASE).port);
const CA = process.env.NODE_EXTRA_CA_CERTS ? readFileSync(process.env.NODE_EXTRA_CA_CERTS) : undefined;

// ---- a raw HTTP/1.1 client over TLS ------------------------------------------------------------

function dechunk(buf) {
  const out = [];
  let i = 0;
  for (;;) {
    const eol = buf.indexOf('\r\n', i);
    if (eol < 0) break;
    const size = parseInt(buf.subarray(i, eol).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    out.push(buf.subarray(eol + 2, eol + 2 + size));
    i = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

function parseResponse(raw) {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return null;
  let head = raw.subarray(0, end).toString('latin1').split('\r\n');
  let rest = raw.subarray(end + 4);
  // an interim 100 Continue precedes the real answer
  if (/^HTTP\/1\.[01] 100 /.test(head[0])) return parseResponse(rest);
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(head[0]);
  if (!m) return null;
  const headers = {};
  for (const line of head.slice(1)) {
    const k = line.slice(0, line.indexOf(':')).trim().toLowerCase();
    const v = line.slice(line.indexOf(':') + 1).trim();
    headers[k] = headers[k] === undefined ? v : `${headers[k]}, ${v}`;
  }
  let body = rest;
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) body = dechunk(rest);
  else if (headers['content-length'] !== undefined) body = rest.subarray(0, Number(headers['content-length']));
  const text = body.toString('utf8');
  let json = null;
  try { json = JSON.parse(text); } catch { json = null; }
  return { status: Number(m[1]), headers, text, json };
}

// Writes bytes on a fresh TLS connection from `from` and reads until the server closes.
// halfClose ends our side after writing (a body shorter than its Content-Length).
function sendRaw(bytes, { from, halfClose = false, timeout = 15000 } = {}) {
  return new Promise((resolve) => {
    const chunks = [];
    let done = false;
    const finish = (extra) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const raw = Buffer.concat(chunks);
      resolve({ raw, response: parseResponse(raw), ...extra });
    };
    const s = tls.connect({ host: '127.0.0.1', port: PORT, servername: 'localhost', ca: CA, localAddress: from, ALPNProtocols: ['http/1.1'] }, () => {
      s.write(bytes);
      if (halfClose) s.end();
    });
    const timer = setTimeout(() => { s.destroy(); finish({ timedOut: true }); }, timeout);
    s.on('data', (c) => chunks.push(c));
    s.on('error', (e) => finish({ error: e.message }));
    s.on('close', () => finish({}));
  });
}

const CRLF = '\r\n';
const b = (x) => (Buffer.isBuffer(x) ? x : Buffer.from(x, 'utf8'));

// A request as bytes. headers: [[name, value], ...] (values may be Buffers); body: string/Buffer/object.
// contentType: null for none; contentLength: 'auto', null (none) or a value sent as is.
function build({ method, path, headers = [], body, token, contentType = 'application/json', contentLength = 'auto', host = 'localhost' }) {
  let payload = body;
  if (payload !== undefined && !Buffer.isBuffer(payload) && typeof payload !== 'string') payload = JSON.stringify(payload);
  const hs = [];
  if (host !== null) hs.push(['Host', host]);
  hs.push(['Connection', 'close']);
  if (token) hs.push(['Authorization', `Bearer ${token}`]);
  if (payload !== undefined && contentType !== null) hs.push(['Content-Type', contentType]);
  if (payload !== undefined && contentLength === 'auto') hs.push(['Content-Length', String(b(payload).length)]);
  else if (contentLength !== 'auto' && contentLength !== null) hs.push(['Content-Length', String(contentLength)]);
  hs.push(...headers);
  const parts = [b(`${method} `), b(path), b(` HTTP/1.1${CRLF}`)];
  for (const [k, v] of hs) parts.push(b(`${k}: `), b(v), b(CRLF));
  parts.push(b(CRLF));
  if (payload !== undefined) parts.push(b(payload));
  return Buffer.concat(parts);
}

// ---- the corpus ----------------------------------------------------------------------------------

const SQL_META = [
  "' OR '1'='1", "'; DROP TABLE users; --", '" OR ""="', '1; SELECT pg_sleep(10)--',
  "' UNION SELECT password_hash FROM users--", "$$; DELETE FROM video_sessions; $$", "\\'; COPY users TO '/tmp/x'; --",
  "admin'/*",
];
const SHELL_META = [
  '$(reboot)', '`id`', '; rm -rf / #', '| cat /etc/passwd', '&& curl http://127.0.0.1/', '${IFS}cat${IFS}/etc/passwd',
  '../../../../etc/passwd', '%0d%0aSet-Cookie: x=1', '<script>alert(1)</script>', '{{7*7}}${7*7}', '%s%s%s%n',
];
const META = [...SQL_META, ...SHELL_META];

// Invalid UTF-8 byte sequences (each inside a JSON string).
const BAD_UTF8 = {
  'overlong slash': [0xc0, 0xaf],
  'lone continuation byte': [0x80],
  'truncated three-byte sequence': [0xe2, 0x82],
  'encoded surrogate': [0xed, 0xa0, 0x80],
  'above U+10FFFF': [0xf4, 0x90, 0x80, 0x80],
  'bytes ff fe': [0xff, 0xfe],
};
function jsonWithBytes(prefix, bytes, suffix) {
  return Buffer.concat([Buffer.from(prefix), Buffer.from(bytes), Buffer.from(suffix)]);
}

const MALFORMED = {
  'an open brace': '{',
  'a truncated key': '{"ti',
  'a truncated value': '{"title":"wee',
  'a key without value': '{"title":',
  'a trailing comma': '{"title":"x",}',
  'a lone comma': '{,}',
  'an array': '[]',
  'an array of objects': '[{}]',
  'a string': '"text"',
  'a number': '1',
  'null': 'null',
  'true': 'true',
  'garbage after the object': '{"a":1}x',
  'two objects': '{"a":1}{"b":2}',
  'bare keys': '{a:1}',
  'single quotes': "{'a':1}",
  'a leading zero': '{"a":01}',
  'a bare fraction': '{"a":.5}',
  'an empty exponent': '{"a":1e}',
  'a plus sign': '{"a":+1}',
  'NaN': '{"a":NaN}',
  'Infinity': '{"a":Infinity}',
  'a lone minus': '{"a":-}',
  'a misspelt literal': '{"a":tru}',
  'a \\x escape': '{"a":"\\x41"}',
  'a short \\u escape': '{"a":"\\u12"}',
  'a lone high surrogate': '{"a":"\\ud800"}',
  'a lone low surrogate': '{"a":"\\udc00x"}',
  'a raw tab in a string': '{"a":"x\ty"}',
  'a raw newline in a string': '{"a":"x\ny"}',
  'a comment': '{/* c */"a":1}',
  'a byte order mark': '\ufeff{"a":1}',
  'nesting 200 deep': `{"a":${'['.repeat(200)}${']'.repeat(200)}}`,
  'a 70-digit number': `{"a":${'1'.repeat(70)}}`,
  'a missing colon': '{"a" 1}',
  'an unclosed array': '{"a":[1,2}',
  'an unclosed inner object': '{"a":{"b":1}',
  'whitespace only': '   ',
  'a raw NUL after the object': '{"a":1}\u0000',
  'a raw NUL before the object': '\u0000{"a":1}',
  'a raw NUL in a string': '{"a":"x\u0000y"}',
  '\\u0000 in a string': '{"a":"x\\u0000y"}',
  '\\u0000 in a key': '{"a\\u0000":1}',
  'form encoding': 'email=a%40b.c&password=x',
};
// A smaller set for the endpoints after the first two.
const MALFORMED_SHORT = ['an open brace', 'a truncated value', 'a trailing comma', 'an array', 'two objects',
  'a lone high surrogate', 'a raw NUL in a string', '\\u0000 in a string', 'nesting 200 deep'];

function iso(ms) { return new Date(ms).toISOString().replace('.000Z', 'Z'); }
function future(days, hours, minutes = 0) {
  const t = new Date(Date.now() + days * 86400000);
  t.setUTCHours(hours, minutes, 0, 0);
  return t.getTime();
}
function enc(s) { return encodeURIComponent(s).replace(/'/g, '%27').replace(/\*/g, '%2A').replace(/!/g, '%21').replace(/\(/g, '%28').replace(/\)/g, '%29'); }

// Builds the whole table once the fixtures exist. Each case:
// {name, req (for build), expect: [status, code], field?, layer?, as?, from?, halfClose?, rawBytes?}
function corpus(f) {
  const cases = [];
  const add = (name, req, expect, extra = {}) => cases.push({ name, req, expect, ...extra });
  const E400 = [400, 'invalid_json'];
  const E422 = [422, 'validation_failed'];
  const BAD = [400, 'bad_request'];
  const S1 = f.s1.id, AP1 = f.ap1.id, P = f.partner.id, C = f.client.id;
  const tok = { partner: f.partner.token, client: f.client.token, admin: f.admin.token, logout: f.logoutToken };

  // The body endpoints: [label, method, path, token, a valid body to vary].
  const bodyRoutes = [
    ['login', 'POST', '/api/auth/login', null],
    ['session create', 'POST', '/api/video-sessions', tok.partner],
    ['session update', 'PUT', `/api/video-sessions/${S1}`, tok.partner],
    ['verify-password', 'POST', `/api/video-sessions/${f.pool[0].id}/verify-password`, tok.client],
    ['join', 'POST', `/api/video-sessions/${S1}/join`, tok.client],
    ['invite', 'POST', `/api/video-sessions/${S1}/invite`, tok.partner],
    ['guest join', 'POST', `/api/join/${S1}`, null],
    ['appointment create', 'POST', `/api/partners/${P}/appointments`, tok.partner],
    ['appointment update', 'PUT', `/api/appointments/${AP1}`, tok.partner],
    ['logout', 'POST', '/api/auth/logout', tok.logout],
    ['set-password', 'POST', '/api/auth/set-password', null],
    ['password-reset', 'POST', '/api/auth/password-reset', null],
    ['password change', 'POST', '/api/auth/password', tok.partner],
    ['client add', 'POST', `/api/partners/${P}/clients`, tok.partner],
    ['my settings', 'PUT', '/api/me/settings', tok.partner],
    ['practice settings', 'PUT', `/api/partners/${P}/settings`, tok.partner],
    ['guest preview', 'POST', `/api/join/${S1}/preview`, null],
    ['guest presence', 'POST', `/api/join/${S1}/presence`, null],
    ['presence', 'POST', `/api/video-sessions/${S1}/presence`, tok.client],
    ['cancel', 'POST', `/api/video-sessions/${S1}/cancel`, tok.client],
    ['join hint', 'POST', `/api/join/${S1}/hint`, null],
  ];

  // -- malformed and truncated JSON
  for (const [label, method, path, token] of bodyRoutes) {
    const names = label === 'login' || label === 'session create' ? Object.keys(MALFORMED) : MALFORMED_SHORT;
    for (const n of names) {
      // \u0000 is valid JSON: not 400, but a 422 naming the member that holds it (issue 13, item 14)
      const nul = n.startsWith('\\u0000');
      add(`${label}: ${n}`, { method, path, token, body: MALFORMED[n] }, nul ? E422 : E400, nul ? { field: 'a', fresh: label === 'login' } : { fresh: label === 'login' });
    }
  }
  // -- \u0000 in the text fields that are kept: 422 naming the field, nothing stored
  for (const [label, method, path, token, body, field] of [
    ['session create', 'POST', '/api/video-sessions', tok.partner,
      `{"user_id":${C},"title":"a\\u0000b","session_date":"${iso(f.s1Start)}","duration_minutes":60}`, 'title'],
    ['session update', 'PUT', `/api/video-sessions/${S1}`, tok.partner, '{"notes":"x\\u0000"}', 'notes'],
    ['session update', 'PUT', `/api/video-sessions/${S1}`, tok.partner, '{"title":"ok","notes":"\\u0000"}', 'notes'],
    ['appointment create', 'POST', `/api/partners/${P}/appointments`, tok.partner,
      '{"title":"\\u0000","starts_at":"2030-01-01T10:00:00Z","ends_at":"2030-01-01T11:00:00Z"}', 'title'],
    ['appointment update', 'PUT', `/api/appointments/${AP1}`, tok.partner, '{"notes":"a\\u0000"}', 'notes'],
    ['guest join', 'POST', `/api/join/${S1}`, null, '{"invite":"x","name":"Ann\\u0000"}', 'name'],
  ]) add(`${label}: \\u0000 in ${field}`, { method, path, token, body }, E422, { field });
  // -- duplicate keys (also one spelt with an escape)
  const dup = {
    login: ['{"email":"a@b.example","email":"c@d.example","password":"x"}', '{"email":"a@b.example","\\u0065mail":"c@d.example","password":"x"}'],
    'session create': [`{"user_id":${C},"user_id":${f.client2.id},"title":"t","session_date":"${iso(f.s1Start)}","duration_minutes":60}`,
      `{"title":"a","\\u0074itle":"b","user_id":${C},"session_date":"${iso(f.s1Start)}","duration_minutes":60}`],
    'session update': ['{"status":"cancelled","status":"cancelled"}'],
    'verify-password': ['{"password":"1","password":"2"}'],
    'guest join': ['{"invite":"x","invite":"y","name":"n"}'],
    'appointment create': ['{"title":"a","title":"b","starts_at":"2030-01-01T10:00:00Z","ends_at":"2030-01-01T11:00:00Z"}'],
    'appointment update': ['{"notes":"a","notes":"b"}'],
    join: ['{"a":1,"a":1}'],
  };
  for (const [label, bodies] of Object.entries(dup)) {
    const [, method, path, token] = bodyRoutes.find((r) => r[0] === label);
    bodies.forEach((body, i) => add(`${label}: duplicate key ${i + 1}`, { method, path, token, body }, E400, { fresh: label === 'login' }));
  }

  // -- invalid UTF-8 inside strings, and in a key
  const utf8Targets = [
    ['login', 'email', (s) => [`{"email":"a${s}`, '@b.example","password":"x"}']],
    ['session create', 'title', (s) => [`{"user_id":${C},"title":"t${s}`, `","session_date":"${iso(f.s1Start)}","duration_minutes":60}`]],
    ['guest join', 'name', (s) => [`{"invite":"x","name":"n${s}`, '"}']],
  ];
  for (const [label, field, wrap] of utf8Targets) {
    const [, method, path, token] = bodyRoutes.find((r) => r[0] === label);
    for (const [what, bytes] of Object.entries(BAD_UTF8)) {
      const [pre, post] = wrap('');
      add(`${label}: invalid UTF-8 (${what}) in ${field}`, { method, path, token, body: jsonWithBytes(pre, bytes, post) }, E400, { fresh: label === 'login' });
    }
  }
  add('appointment update: invalid UTF-8 in a key', { method: 'PUT', path: `/api/appointments/${AP1}`, token: tok.partner, body: jsonWithBytes('{"no', [0xff], 'tes":"x"}') }, E400);

  // -- wrong types (422 naming the field)
  const createBase = { user_id: C, title: 'Hostile', session_date: iso(f.s1Start), duration_minutes: 60, password_enabled: false };
  const wrongTypes = {
    user_id: ['1', true, [], {}, null, 1.5],
    title: [7, [], {}, true, null],
    session_date: [1893456000, '', [], null, 'tomorrow', '2030-02-30T10:00:00Z'],
    duration_minutes: ['60', 60.5, true, null, []],
    password_enabled: ['true', 1, null, []],
    notes: [5, [], null, {}],
  };
  for (const [field, values] of Object.entries(wrongTypes)) {
    for (const v of values) add(`session create: ${field} = ${JSON.stringify(v)}`, { method: 'POST', path: '/api/video-sessions', token: tok.partner, body: { ...createBase, [field]: v } }, E422, { field });
  }
  for (const [field, v] of [['email', 1], ['email', null], ['password', []], ['password', {}], ['email', ['a@b.c']]]) {
    add(`login: ${field} = ${JSON.stringify(v)}`, { method: 'POST', path: '/api/auth/login', body: { email: 'a@b.example', password: 'x', [field]: v } }, E422, { field, fresh: true });
  }
  add('verify-password: password as a number', { method: 'POST', path: `/api/video-sessions/${f.pool[0].id}/verify-password`, token: tok.client, body: { password: 123456 } }, E422, { field: 'password' });
  add('verify-password: password null', { method: 'POST', path: `/api/video-sessions/${f.pool[0].id}/verify-password`, token: tok.client, body: { password: null } }, E422, { field: 'password' });
  for (const [field, v] of [['invite', 1], ['name', []], ['password', 123456], ['name', null]]) {
    add(`guest join: ${field} = ${JSON.stringify(v)}`, { method: 'POST', path: `/api/join/${S1}`, body: { invite: 'x', name: 'n', [field]: v } }, E422, { field });
  }
  // accounts (issues 16 and 18): wrong types and header-injection attempts, 422 naming the field
  for (const [label, method, path, token, body, field] of [
    ['set-password', 'POST', '/api/auth/set-password', null, { token: 1, password: 'long enough' }, 'token'],
    ['set-password', 'POST', '/api/auth/set-password', null, { token: 'x', password: ['long enough'] }, 'password'],
    ['set-password', 'POST', '/api/auth/set-password', null, { token: 'x', password: 'long enough', purpose: 'login' }, 'purpose'],
    ['password-reset', 'POST', '/api/auth/password-reset', null, { email: {} }, 'email'],
    ['password-reset', 'POST', '/api/auth/password-reset', null, { email: 'a@b.example', bcc: 'x@y.example' }, 'bcc'],
    ['password change', 'POST', '/api/auth/password', tok.partner, { current_password: 5, new_password: 'long enough' }, 'current_password'],
    ['client add', 'POST', `/api/partners/${P}/clients`, tok.partner, { name: 'Ann\r\nBcc: x@y.example', email: 'ann@b.example' }, 'name'],
    ['client add', 'POST', `/api/partners/${P}/clients`, tok.partner, { name: 'Ann', email: 'ann@b.example\r\nBcc: x@y.example' }, 'email'],
    ['client add', 'POST', `/api/partners/${P}/clients`, tok.partner, { name: 'Ann', email: "ann'--@b.example", timezone: "'; DROP TABLE users; --" }, 'timezone'],
    ['my settings', 'PUT', '/api/me/settings', tok.partner, { timezone: '../../etc/passwd' }, 'timezone'],
    ['my settings', 'PUT', '/api/me/settings', tok.partner, { name: 'A\u0007B' }, 'name'],
    ['my settings', 'PUT', '/api/me/settings', tok.partner, { email_reminders: 'false' }, 'email_reminders'],
    ['practice settings', 'PUT', `/api/partners/${P}/settings`, tok.partner, { practice_name: 'X\nY' }, 'practice_name'],
    ['practice settings', 'PUT', `/api/partners/${P}/settings`, tok.partner, { titles_in_email: 'yes' }, 'titles_in_email'],
    ['practice settings', 'PUT', `/api/partners/${P}/settings`, tok.partner, { cancel_notice_hours: '24' }, 'cancel_notice_hours'],
    ['practice settings', 'PUT', `/api/partners/${P}/settings`, tok.partner, { default_title: 'X\nY' }, 'default_title'],
    ['another time', 'POST', `/api/video-sessions/${S1}/reschedule-request`, tok.client, { message: 1 }, 'message'],
    ['restore', 'POST', `/api/video-sessions/${S1}/restore`, tok.partner, { force: true }, 'force'],
  ]) add(`${label}: ${JSON.stringify(body).slice(0, 60)}`, { method, path, token, body }, E422, { field, fresh: token === null });
  const apptBase = { title: 'Hostile', starts_at: iso(f.ap1Start), ends_at: iso(f.ap1Start + 3600000) };
  for (const [field, v] of [['title', 1], ['starts_at', 0], ['ends_at', true], ['user_id', 'x'], ['notes', {}], ['user_id', 2.5]]) {
    add(`appointment create: ${field} = ${JSON.stringify(v)}`, { method: 'POST', path: `/api/partners/${P}/appointments`, token: tok.partner, body: { ...apptBase, [field]: v } }, E422, { field });
  }
  for (const [field, v] of [['status', 'scheduled'], ['status', 1], ['regenerate_password', 'yes'], ['session_date', []], ['title', '   '], ['outcome', 'maybe'], ['outcome', 'attended']]) {
    add(`session update: ${field} = ${JSON.stringify(v)}`, { method: 'PUT', path: `/api/video-sessions/${S1}`, token: tok.partner, body: { [field]: v } }, E422, { field });
  }
  // weekly series (issue 17): a bad rule, or a scope on a session outside any series
  for (const [recurrence, field] of [[{ frequency: 'weekly', count: 0 }, 'recurrence.count'], [{ frequency: 'weekly', count: 53 }, 'recurrence.count'],
    [{ frequency: 'weekly', interval: 3, count: 4 }, 'recurrence.interval'], [{ frequency: 'monthly', count: 4 }, 'recurrence.frequency'],
    [{ frequency: 'weekly', until: '2000-01-01' }, 'recurrence.until'], [{ frequency: 'weekly', until: '2099-12-31' }, 'recurrence.until'],
    [{ frequency: 'weekly', count: '4' }, 'recurrence.count'], ['weekly', 'recurrence'], [{ frequency: 'weekly', count: 4, byday: 'MO' }, 'recurrence']]) {
    add(`session create: recurrence = ${JSON.stringify(recurrence)}`, { method: 'POST', path: '/api/video-sessions', token: tok.partner, body: { ...createBase, recurrence } }, E422, { field });
  }
  add('session create: skip_conflicts = "yes"', { method: 'POST', path: '/api/video-sessions', token: tok.partner, body: { ...createBase, recurrence: { frequency: 'weekly', count: 3 }, skip_conflicts: 'yes' } }, E422, { field: 'skip_conflicts' });
  for (const scope of ['one', 'following', 'all', 3]) {
    add(`session update: scope = ${JSON.stringify(scope)} outside a series`, { method: 'PUT', path: `/api/video-sessions/${S1}`, token: tok.partner, body: { title: 'x', scope } }, E422, { field: 'scope' });
  }
  add('appointment update: starts_at = []', { method: 'PUT', path: `/api/appointments/${AP1}`, token: tok.partner, body: { starts_at: [] } }, E422, { field: 'starts_at' });
  add('join: an unknown field', { method: 'POST', path: `/api/video-sessions/${S1}/join`, token: tok.client, body: { room: 'x' } }, E422, { field: 'room' });
  add('invite: an unknown field', { method: 'POST', path: `/api/video-sessions/${S1}/invite`, token: tok.partner, body: { expires_at: '2099-01-01T00:00:00Z' } }, E422, { field: 'expires_at' });
  add('logout: an unknown field', { method: 'POST', path: '/api/auth/logout', token: tok.logout, body: { all: true } }, E422, { field: 'all' });

  // -- huge and negative numbers, ids past 2^63 in bodies (raw text: JSON.stringify would round them)
  const numBody = (field, lit) => `{"user_id":${field === 'user_id' ? lit : C},"title":"Hostile","session_date":"${iso(f.s1Start)}","duration_minutes":${field === 'duration_minutes' ? lit : 60},"password_enabled":false}`;
  for (const lit of ['-1', '0', '-0', '9007199254740992', '9223372036854775807', '9223372036854775808', '18446744073709551616',
    '-9223372036854775809', '1e308', '1e309', '-1e309', '1e-400', '123456789012345678901234567890']) {
    add(`session create: user_id ${lit}`, { method: 'POST', path: '/api/video-sessions', token: tok.partner, body: numBody('user_id', lit) }, E422, { field: 'user_id' });
  }
  for (const lit of ['-60', '0', '1000000000', '2147483648', '-2147483649', '1e400', '60.000001']) {
    add(`session create: duration_minutes ${lit}`, { method: 'POST', path: '/api/video-sessions', token: tok.partner, body: numBody('duration_minutes', lit) }, E422, { field: 'duration_minutes' });
  }
  for (const lit of ['-5', '9223372036854775808']) {
    add(`appointment create: user_id ${lit}`, { method: 'POST', path: `/api/partners/${P}/appointments`, token: tok.partner,
      body: `{"title":"x","starts_at":"${iso(f.ap1Start)}","ends_at":"${iso(f.ap1Start + 3600000)}","user_id":${lit}}` }, E422, { field: 'user_id' });
  }

  // -- overlong strings
  const long = [
    ['session create', 'title', 'x'.repeat(201)], ['session create', 'title', 'x'.repeat(60000)],
    ['session create', 'title', '€'.repeat(201)], ['session create', 'notes', 'n'.repeat(10001)],
    ['appointment create', 'title', 'y'.repeat(201)], ['appointment create', 'notes', 'n'.repeat(10001)],
    ['session update', 'title', 'z'.repeat(201)],
  ];
  for (const [label, field, v] of long) {
    const [, method, path, token] = bodyRoutes.find((r) => r[0] === label);
    const base = label === 'session create' ? createBase : label === 'appointment create' ? apptBase : {};
    add(`${label}: ${field} of ${[...v].length} characters`, { method, path, token, body: { ...base, [field]: v } }, E422, { field });
  }
  add('login: email of 255 characters', { method: 'POST', path: '/api/auth/login', body: { email: `${'e'.repeat(245)}@b.example`, password: 'x' } }, E422, { field: 'email', fresh: true });
  add('login: password of 1025 characters', { method: 'POST', path: '/api/auth/login', body: { email: 'a@b.example', password: 'p'.repeat(1025) } }, E422, { field: 'password', fresh: true });
  add('verify-password: password of 65 characters', { method: 'POST', path: `/api/video-sessions/${f.pool[0].id}/verify-password`, token: tok.client, body: { password: '1'.repeat(65) } }, E422, { field: 'password' });
  add('guest join: name of 101 characters', { method: 'POST', path: `/api/join/${S1}`, body: { invite: 'x', name: 'n'.repeat(101) } }, E422, { field: 'name' });
  add('guest join: invite of 129 characters', { method: 'POST', path: `/api/join/${S1}`, body: { invite: 'i'.repeat(129), name: 'n' } }, E422, { field: 'invite' });
  add('session create: an unknown key of 10,000 characters', { method: 'POST', path: '/api/video-sessions', token: tok.partner, body: { ...createBase, ['k'.repeat(10000)]: 1 } }, E422, { field: 'k'.repeat(10000) });
  // 254 two-byte characters: the longest email the form allows, 508 bytes once encoded
  add('login: email of 254 two-byte characters', { method: 'POST', path: '/api/auth/login', body: { email: `${'é'.repeat(244)}@b.exampl`, password: 'x' } }, [401, 'unauthenticated'], { fresh: true });
  add('login: email of 150 three-byte characters', { method: 'POST', path: '/api/auth/login', body: { email: `${'€'.repeat(150)}@b.example`, password: 'x' } }, [401, 'unauthenticated'], { fresh: true });

  // -- SQL and shell metacharacters in every string field
  for (const [i, m] of META.entries()) {
    add(`login: metacharacters in email ${JSON.stringify(m)}`, { method: 'POST', path: '/api/auth/login', body: { email: `${m}${i}@b.example`, password: 'x' } }, [401, 'unauthenticated'], { fresh: true });
    add(`login: metacharacters in password ${JSON.stringify(m)}`, { method: 'POST', path: '/api/auth/login', body: { email: `nobody-${i}-${f.tag}@b.example`, password: m } }, [401, 'unauthenticated'], { fresh: true });
    // The slot of S1 is taken: the INSERT runs with the text bound as a parameter and is refused by the constraint.
    add(`session create: metacharacters in title ${JSON.stringify(m)}`, { method: 'POST', path: '/api/video-sessions', token: tok.partner, body: { ...createBase, title: m } }, [409, 'conflict']);
    add(`session create: metacharacters in notes ${JSON.stringify(m)}`, { method: 'POST', path: '/api/video-sessions', token: tok.partner, body: { ...createBase, title: 'x', notes: m } }, [409, 'conflict']);
    // Moving S1 onto the appointment: the UPDATE runs and is refused.
    add(`session update: metacharacters in title ${JSON.stringify(m)}`, { method: 'PUT', path: `/api/video-sessions/${S1}`, token: tok.partner, body: { title: m, notes: m, session_date: iso(f.ap1Start) } }, [409, 'conflict']);
    add(`session update: metacharacters in status ${JSON.stringify(m)}`, { method: 'PUT', path: `/api/video-sessions/${S1}`, token: tok.partner, body: { status: m } }, E422, { field: 'status' });
    add(`appointment create: metacharacters in title and notes ${JSON.stringify(m)}`, { method: 'POST', path: `/api/partners/${P}/appointments`, token: tok.partner,
      body: { title: m, notes: m, starts_at: iso(f.s1Start), ends_at: iso(f.s1Start + 1800000) } }, [409, 'conflict']);
    add(`appointment update: metacharacters in title ${JSON.stringify(m)}`, { method: 'PUT', path: `/api/appointments/${AP1}`, token: tok.partner,
      body: { title: m, notes: m, starts_at: iso(f.s1Start), ends_at: iso(f.s1Start + 1800000) } }, [409, 'conflict']);
    add(`guest join: metacharacters in invite ${JSON.stringify(m)}`, { method: 'POST', path: `/api/join/${S1}`, body: { invite: m, name: m, password: m.slice(0, 64) } }, [404, 'not_found']);
    // A real invite: the name and password are read, and the closed window refuses.
    add(`guest join: metacharacters in name and password ${JSON.stringify(m)}`, { method: 'POST', path: `/api/join/${S1}`, body: { invite: f.invite, name: m, password: m.slice(0, 64) } }, [403, 'forbidden']);
  }
  // Session passwords: each pool session takes 5 wrong tries before its limit (429) applies.
  let verifies = 0;
  for (const m of META.filter((x) => [...x].length <= 64)) {
    const s = f.pool[Math.floor(verifies / 5)];
    if (!s) break;
    add(`verify-password: metacharacters ${JSON.stringify(m)}`, { method: 'POST', path: `/api/video-sessions/${s.id}/verify-password`, token: tok.client, body: { password: m } }, [403, 'wrong_password']);
    verifies++;
  }

  // -- query strings: metacharacters, NUL, invalid UTF-8, overlong values, in every parameter
  const lists = [`/api/partners/${P}/video-sessions`, `/api/users/${C}/video-sessions`];
  const qbad = [];
  for (const m of META) for (const k of ['when', 'from', 'to', 'limit', 'cursor']) qbad.push([k, enc(m)]);
  qbad.push(['when', '%00'], ['from', '2030-01-01T00:00:00Z%00'], ['cursor', '%FF%FE'], ['when', '%C0%AF'], ['limit', '1%00'],
    ['when', 'x'.repeat(5000)], ['cursor', 'A'.repeat(6000)], ['limit', '999999999999999999999'], ['limit', '-1'], ['limit', '0x10'],
    ['from', '2030-01-01T00:00:00Z&from=2030-01-02T00:00:00Z'], ['when', "'"], ['when', '$(id)'], ['limit', '1;DROP']);
  qbad.forEach(([k, v], i) => {
    const path = `${lists[i % 2]}?${k}=${v}`;
    // Every 422 names its parameter in `field`: a value the query decoder refuses (NUL, invalid
    // UTF-8), a repeated key, and any other bad value alike.
    add(`list query: ${k}=${v.length > 40 ? `${v.slice(0, 40)}…` : v}`, { method: 'GET', path, token: i % 2 ? tok.client : tok.partner }, E422, { field: k });
  });
  for (const m of [...SQL_META.slice(0, 4), ...SHELL_META.slice(0, 4)]) {
    add(`list query: unknown key ${JSON.stringify(m)}`, { method: 'GET', path: `${lists[0]}?${enc(m)}=1`, token: tok.partner }, E422, { field: m });
  }
  for (const [k, v] of [['from', enc("2030-01-01' OR 1=1--")], ['to', enc('$(reboot)')], ['from', '%00'], ['to', '%FF'], ['from', '2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z']]) {
    // (from after to is the fault of `to`, as API.md says)
    add(`appointments query: ${k}=${v}`, { method: 'GET', path: `/api/partners/${P}/appointments?${k}=${v}`, token: tok.partner }, E422, { field: v.includes('&to=') ? 'to' : k });
    add(`calendar query: ${k}=${v}`, { method: 'GET', path: `/api/partners/${P}/calendar?from=2030-01-01T00:00:00Z&to=2030-01-08T00:00:00Z&${k}=${v}`, token: tok.partner }, E422, { field: k });
  }
  add('calendar query: from and to a year apart', { method: 'GET', path: `/api/partners/${P}/calendar?from=2030-01-01T00:00:00Z&to=2031-01-01T00:00:00Z`, token: tok.partner }, E422, { field: 'to' });
  add('calendar query: no to', { method: 'GET', path: `/api/partners/${P}/calendar?from=2030-01-01T00:00:00Z`, token: tok.partner }, E422, { field: 'to' });
  add('calendar query: a raw quote and semicolon', { method: 'GET', path: `/api/partners/${P}/calendar?from='%3B&to=;`, token: tok.partner }, E422, { field: 'from' });
  // the one-click unsubscribe link: only a link this server signed changes anything
  add('unsubscribe: a forged signature', { method: 'POST', path: `/api/email/unsubscribe?u=${C}&t=${'0'.repeat(64)}` }, [404, 'not_found']);
  add('unsubscribe: metacharacters for the user', { method: 'POST', path: `/api/email/unsubscribe?u=${enc("1 OR 1=1")}&t=${'a'.repeat(64)}` }, [404, 'not_found']);
  add('unsubscribe: a NUL in the signature', { method: 'POST', path: `/api/email/unsubscribe?u=${C}&t=%00` }, E422, { field: 't' });
  add('unsubscribe: an unknown parameter', { method: 'POST', path: `/api/email/unsubscribe?u=${C}&t=x&email=a@b` }, E422, { field: 'email' });
  add('token in the query string', { method: 'GET', path: `/api/auth/me?token=${tok.partner}` }, [401, 'unauthenticated']);
  add('test route: negative seconds', { method: 'GET', path: '/api/test/sleep?seconds=-5' }, E422, { field: 'seconds', testOnly: true });
  add('test route: unknown parameter', { method: 'GET', path: `/api/test/sleep?${enc("'; DROP TABLE users; --")}=1` }, E422, { field: "'; DROP TABLE users; --", testOnly: true });
  // the issue's own cases: a NUL in limit, cursor, from and to names that parameter
  for (const k of ['limit', 'cursor', 'from', 'to']) {
    add(`list query: ${k}=%00 names ${k}`, { method: 'GET', path: `${lists[0]}?${k}=%00`, token: tok.partner }, E422, { field: k });
  }
  // a key that cannot even be decoded is a fault of the query as a whole: field "query"
  add('list query: an undecodable key', { method: 'GET', path: `${lists[0]}?%ZZ=1`, token: tok.partner }, E422, { field: 'query' });
  add('list query: a NUL in a key', { method: 'GET', path: `${lists[0]}?li%00mit=1`, token: tok.partner }, E422, { field: 'query' });

  // -- ids past 2^63 and other non-ids in paths: never a route (404), never a 5xx
  const badIds = ['9223372036854775808', '18446744073709551616', '99999999999999999999999', '-1', '0', '01', '%2B1', '1e3', '0x10', '1.0',
    '%31', '1%20OR%201=1', "1'--", '%EF%BC%91', '%D9%A3', '1;jsessionid=x'];
  const idRoutes = [
    ['GET', (id) => `/api/video-sessions/${id}`, tok.partner], ['PUT', (id) => `/api/video-sessions/${id}`, tok.partner, { title: 'x' }],
    ['DELETE', (id) => `/api/video-sessions/${id}`, tok.partner], ['GET', (id) => `/api/partners/${id}/clients`, tok.partner],
    ['GET', (id) => `/api/partners/${id}/video-sessions`, tok.partner], ['GET', (id) => `/api/users/${id}/video-sessions`, tok.client],
    ['POST', (id) => `/api/video-sessions/${id}/verify-password`, tok.client, { password: '1' }], ['POST', (id) => `/api/video-sessions/${id}/join`, tok.client],
    ['POST', (id) => `/api/video-sessions/${id}/invite`, tok.partner], ['GET', (id) => `/api/video-sessions/${id}/calendar.ics`, tok.client],
    ['DELETE', (id) => `/api/video-sessions/${id}/password-lockout`, tok.partner],
    ['GET', (id) => `/api/video-sessions/${id}/messages`, tok.partner], ['POST', (id) => `/api/video-sessions/${id}/messages/resend-invitation`, tok.partner],
    ['POST', (id) => `/api/join/${id}`, null, { invite: 'x', name: 'n' }], ['GET', (id) => `/api/partners/${id}/appointments`, tok.partner],
    ['POST', (id) => `/api/partners/${id}/appointments`, tok.partner, apptBase], ['GET', (id) => `/api/appointments/${id}`, tok.partner],
    ['PUT', (id) => `/api/appointments/${id}`, tok.partner, { title: 'x' }], ['DELETE', (id) => `/api/appointments/${id}`, tok.partner],
    ['GET', (id) => `/api/partners/${id}/calendar?from=2030-01-01T00:00:00Z&to=2030-01-02T00:00:00Z`, tok.partner],
    ['GET', (id) => `/api/video-sessions/${id}/password-state`, tok.client], ['POST', (id) => `/api/video-sessions/${id}/presence`, tok.client, { place: 'waiting' }],
    ['GET', (id) => `/api/partners/${id}/presence`, tok.partner], ['POST', (id) => `/api/join/${id}/preview`, null, { invite: 'x' }],
    ['POST', (id) => `/api/join/${id}/presence`, null, { invite: 'x', name: 'n', place: 'waiting' }],
    ['POST', (id) => `/api/video-sessions/${id}/cancel`, tok.partner, {}],
    // issue 17: restore, another time, the partner's notices
    ['POST', (id) => `/api/video-sessions/${id}/restore`, tok.partner, {}],
    ['POST', (id) => `/api/video-sessions/${id}/reschedule-request`, tok.client, { message: 'x' }],
    ['GET', (id) => `/api/partners/${id}/notices`, tok.partner], ['DELETE', (id) => `/api/notices/${id}`, tok.partner],
    ['POST', (id) => `/api/join/${id}/hint`, null, { hint: 'x' }],
  ];
  idRoutes.forEach(([method, p, token, body], r) => {
    // every route gets the ids past 2^63 and past 2^64; the other forms rotate over the routes
    const ids = [badIds[0], badIds[1], badIds[2 + (r % (badIds.length - 2))], badIds[2 + ((r + 7) % (badIds.length - 2))]];
    for (const id of ids) add(`${method} ${p(':id')} with id ${id}`, { method, path: p(id), token, body }, [404, 'not_found']);
  });
  // the largest id there is: a route, but no such object (or another user's collection: 403)
  const MAX = '9223372036854775807';
  add('GET a session with id 2^63-1', { method: 'GET', path: `/api/video-sessions/${MAX}`, token: tok.partner }, [404, 'not_found']);
  add('DELETE an appointment with id 2^63-1', { method: 'DELETE', path: `/api/appointments/${MAX}`, token: tok.partner }, [404, 'not_found']);
  add('verify-password on id 2^63-1', { method: 'POST', path: `/api/video-sessions/${MAX}/verify-password`, token: tok.client, body: { password: '1' } }, [404, 'not_found']);
  add('guest join on id 2^63-1', { method: 'POST', path: `/api/join/${MAX}`, body: { invite: f.invite, name: 'n' } }, [404, 'not_found']);
  add('clients of partner 2^63-1', { method: 'GET', path: `/api/partners/${MAX}/clients`, token: tok.partner }, [403, 'forbidden']);
  add('calendar of partner 2^63-1', { method: 'GET', path: `/api/partners/${MAX}/calendar?from=2030-01-01T00:00:00Z&to=2030-01-02T00:00:00Z`, token: tok.partner }, [403, 'forbidden']);

  // -- NUL bytes and invalid UTF-8 in paths and headers
  add('a raw NUL in the path', { method: 'GET', path: Buffer.from('/api/heal\0th', 'latin1') }, BAD, { layer: 'nginx' });
  add('%00 in the path', { method: 'GET', path: `/api/video-sessions/${S1}%00`, token: tok.partner }, BAD, { layer: 'nginx' });
  add('raw invalid UTF-8 in the path', { method: 'GET', path: Buffer.concat([Buffer.from('/api/video-sessions/'), Buffer.from([0xff, 0xfe])]), token: tok.partner }, [404, 'not_found']);
  add('%FF%FE in the path', { method: 'GET', path: '/api/video-sessions/%FF%FE', token: tok.partner }, [404, 'not_found']);
  add('a raw NUL in a header value', { method: 'GET', path: '/api/auth/me', headers: [['X-Note', Buffer.from('a\0b', 'latin1')]] }, BAD, { layer: 'nginx' });
  add('a raw NUL in a header name', { method: 'GET', path: '/api/auth/me', headers: [[Buffer.from('X-N\0ote', 'latin1'), 'x']] }, BAD, { layer: 'nginx' });
  add('a raw NUL in the Authorization token', { method: 'GET', path: '/api/auth/me', headers: [['Authorization', Buffer.concat([Buffer.from(`Bearer ${tok.partner}`), Buffer.from([0])])]] }, BAD, { layer: 'nginx' });
  add('invalid UTF-8 in the Authorization token', { method: 'GET', path: '/api/auth/me', headers: [['Authorization', Buffer.concat([Buffer.from('Bearer '), Buffer.from([0xc0, 0xaf, 0xff])])]] }, [401, 'unauthenticated']);

  // -- odd headers
  add('a 7,000-byte Authorization', { method: 'GET', path: '/api/auth/me', headers: [['Authorization', `Bearer ${'A'.repeat(7000)}`]] }, [401, 'unauthenticated']);
  // nginx makes room for headers up to 32 KiB, so the API itself refuses a token over 8 KiB...
  add('a 9,000-byte Authorization', { method: 'GET', path: '/api/auth/me', headers: [['Authorization', `Bearer ${'A'.repeat(9000)}`]] }, [401, 'unauthenticated']);
  // ...and nginx refuses a header line beyond that with the JSON 400.
  add('a 40,000-byte Authorization', { method: 'GET', path: '/api/auth/me', headers: [['Authorization', `Bearer ${'A'.repeat(40000)}`]] }, BAD, { layer: 'nginx' });
  add('a 7,000-byte cookie', { method: 'GET', path: '/api/auth/me', headers: [['Cookie', `__Host-vs_session=${'B'.repeat(7000)}`]] }, [401, 'unauthenticated']);
  add('two Authorization headers', { method: 'GET', path: '/api/auth/me', headers: [['Authorization', `Bearer ${tok.partner}`], ['Authorization', 'Bearer x']] }, BAD, { layer: 'nginx' });
  add('Authorization: Basic', { method: 'GET', path: '/api/auth/me', headers: [['Authorization', 'Basic YWRtaW46YWRtaW4=']] }, [401, 'unauthenticated']);
  add('Authorization: Bearer and nothing', { method: 'GET', path: '/api/auth/me', headers: [['Authorization', 'Bearer ']] }, [401, 'unauthenticated']);
  add('Authorization: metacharacters', { method: 'GET', path: '/api/auth/me', headers: [['Authorization', "Bearer ' OR 1=1--"]] }, [401, 'unauthenticated']);
  add('Authorization: a token with alg none', { method: 'GET', path: '/api/auth/me', headers: [['Authorization', `Bearer ${f.noneToken}`]] }, [401, 'unauthenticated']);
  add('Cookie: metacharacters', { method: 'GET', path: '/api/auth/me', headers: [['Cookie', '__Host-vs_session=$(reboot); x=`id`']] }, [401, 'unauthenticated']);
  add('Cookie: the token with a forged payload', { method: 'GET', path: '/api/auth/me', headers: [['Cookie', `__Host-vs_session=${f.forgedToken}`]] }, [401, 'unauthenticated']);
  // -- a change made with the login cookie alone that another site could have started: 403, nothing changed
  const ck = ['Cookie', `__Host-vs_session=${tok.partner}`];
  add('cookie DELETE without JSON or the app header', { method: 'DELETE', path: `/api/video-sessions/${S1}`, headers: [ck] }, [403, 'forbidden']);
  add('cookie DELETE with the app header from another origin', { method: 'DELETE', path: `/api/appointments/${AP1}`, headers: [ck, ['X-Requested-With', 'vsession'], ['Origin', 'https://evil.example']] }, [403, 'forbidden']);
  add('cookie PUT with JSON and Origin: null', { method: 'PUT', path: `/api/video-sessions/${S1}`, headers: [ck, ['Origin', 'null']], body: '{"title":"x"}' }, [403, 'forbidden']);
  add('cookie POST invite without a body or the app header', { method: 'POST', path: `/api/video-sessions/${S1}/invite`, headers: [ck] }, [403, 'forbidden']);
  add('cookie POST logout from a look-alike origin', { method: 'POST', path: '/api/auth/logout', headers: [ck, ['X-Requested-With', 'x'], ['Origin', 'https://localhost.evil.example']] }, [403, 'forbidden']);
  add('cookie POST with an 8,000-byte Origin', { method: 'POST', path: `/api/partners/${P}/appointments`, headers: [ck, ['Origin', `https://${'o'.repeat(8000)}.example`]], body: JSON.stringify(apptBase) }, [403, 'forbidden']);
  add('cookie DELETE with metacharacters in the app header and Origin', { method: 'DELETE', path: `/api/video-sessions/${S1}`, headers: [ck, ['X-Requested-With', "'; DROP TABLE users; --"], ['Origin', "https://a'--.example"]] }, [403, 'forbidden']);
  add('the old vs_session cookie on a change', { method: 'DELETE', path: `/api/video-sessions/${S1}`, headers: [['Cookie', `vs_session=${tok.partner}`], ['X-Requested-With', 'vsession']] }, [401, 'unauthenticated']);
  // -- device cookies that are not ours: the login goes on as without one
  const devLogin = (i) => JSON.stringify({ email: `dev-${i}-${f.tag}@b.example`, password: 'x' });
  add('login with a garbage device cookie', { method: 'POST', path: '/api/auth/login', body: devLogin(1), headers: [['Cookie', '__Host-vs_device=garbage']] }, [401, 'unauthenticated'], { fresh: true });
  add('login with a forged device cookie', { method: 'POST', path: '/api/auth/login', body: devLogin(2), headers: [['Cookie', `__Host-vs_device=1.${'a'.repeat(32)}.${'b'.repeat(64)}`]] }, [401, 'unauthenticated'], { fresh: true });
  add('login with a 7,000-byte device cookie', { method: 'POST', path: '/api/auth/login', body: devLogin(3), headers: [['Cookie', `__Host-vs_device=${'9'.repeat(7000)}`]] }, [401, 'unauthenticated'], { fresh: true });
  add('login with metacharacters in the device cookie', { method: 'POST', path: '/api/auth/login', body: devLogin(4), headers: [['Cookie', "__Host-vs_device=1.$(reboot)'--; __Host-vs_device=2"]] }, [401, 'unauthenticated'], { fresh: true });
  add('login with an id past 2^63 in the device cookie', { method: 'POST', path: '/api/auth/login', body: devLogin(5), headers: [['Cookie', `__Host-vs_device=99999999999999999999.${'a'.repeat(32)}.${'b'.repeat(64)}`]] }, [401, 'unauthenticated'], { fresh: true });
  add('X-Forwarded-For and X-Real-IP do not authenticate', { method: 'GET', path: '/api/auth/me', headers: [['X-Forwarded-For', '127.0.0.1'], ['X-Real-IP', '127.0.0.1'], ['X-Request-Id', "'; DROP TABLE audit_log; --"]] }, [401, 'unauthenticated']);
  add('Host: another site', { method: 'GET', path: '/api/auth/me', host: 'evil.example' }, [401, 'unauthenticated']);
  add('no Host header', { method: 'GET', path: '/api/health', host: null }, BAD, { layer: 'nginx' });
  add('two Host headers', { method: 'GET', path: '/api/health', headers: [['Host', 'evil.example']] }, BAD, { layer: 'nginx' });
  const loginBody = (i) => JSON.stringify({ email: `ct-${i}-${f.tag}@b.example`, password: 'x' });
  add('Content-Type: text/plain', { method: 'POST', path: '/api/auth/login', body: loginBody(1), contentType: 'text/plain' }, [415, 'unsupported_media_type'], { fresh: true });
  add('Content-Type: application/jsonx', { method: 'POST', path: '/api/auth/login', body: loginBody(2), contentType: 'application/jsonx' }, [415, 'unsupported_media_type'], { fresh: true });
  add('Content-Type: text/json', { method: 'POST', path: '/api/auth/login', body: loginBody(3), contentType: 'text/json' }, [415, 'unsupported_media_type'], { fresh: true });
  add('Content-Type: application/json-patch+json', { method: 'PUT', path: `/api/video-sessions/${S1}`, token: tok.partner, body: '{"title":"x"}', contentType: 'application/json-patch+json' }, [415, 'unsupported_media_type']);
  add('Content-Type: multipart/form-data', { method: 'POST', path: '/api/video-sessions', token: tok.partner, body: '--x\r\n\r\n{}\r\n--x--', contentType: 'multipart/form-data; boundary=x' }, [415, 'unsupported_media_type']);
  add('Content-Type: form-urlencoded', { method: 'POST', path: '/api/auth/login', body: 'email=a%40b.c&password=x', contentType: 'application/x-www-form-urlencoded' }, [415, 'unsupported_media_type'], { fresh: true });
  add("Content-Type: application/json'; DROP", { method: 'POST', path: '/api/auth/login', body: loginBody(4), contentType: "application/json'; DROP TABLE users" }, [415, 'unsupported_media_type'], { fresh: true });
  add('no Content-Type', { method: 'POST', path: `/api/partners/${P}/appointments`, token: tok.partner, body: JSON.stringify(apptBase), contentType: null }, [415, 'unsupported_media_type']);
  add('a body on a GET', { method: 'GET', path: `/api/video-sessions/${S1}`, token: tok.partner, body: '{"a":1}' }, [415, 'unsupported_media_type']);
  add('a body on a DELETE', { method: 'DELETE', path: `/api/video-sessions/${S1}`, token: tok.partner, body: '{"a":1}' }, [415, 'unsupported_media_type']);
  add('two Content-Type headers, JSON first', { method: 'POST', path: '/api/auth/login', body: '{}', headers: [['Content-Type', 'text/plain']] }, E422, { field: 'email', fresh: true });
  add('two Content-Type headers, text first', { method: 'POST', path: '/api/auth/login', body: '{}', contentType: 'text/plain', headers: [['Content-Type', 'application/json']] }, [415, 'unsupported_media_type'], { fresh: true });
  add('Content-Length shorter than the body', { method: 'POST', path: '/api/auth/login', body: loginBody(5), contentLength: 10 }, E400, { fresh: true });
  add('Content-Length 0 with a body', { method: 'PUT', path: `/api/video-sessions/${S1}`, token: tok.partner, body: '{"title":"x"}', contentLength: 0 }, E400);
  add('two Content-Length headers', { method: 'POST', path: '/api/auth/login', body: '{}', headers: [['Content-Length', '3']] }, BAD, { layer: 'nginx', fresh: true });
  add('a negative Content-Length', { method: 'POST', path: '/api/auth/login', body: '{}', contentLength: -1 }, BAD, { layer: 'nginx', fresh: true });
  add('a Content-Length past 2^64', { method: 'POST', path: '/api/auth/login', body: '{}', contentLength: '99999999999999999999999' }, BAD, { layer: 'nginx', fresh: true });
  add('a Content-Length of 70,000 on a small body', { method: 'POST', path: '/api/video-sessions', token: tok.partner, body: '{}', contentLength: 70000 }, [413, 'payload_too_large']);
  add('a body longer than 64 KiB', { method: 'POST', path: '/api/video-sessions', token: tok.partner, body: { ...createBase, notes: 'n'.repeat(70000) } }, [413, 'payload_too_large']);
  add('Content-Length longer than the body, then end of stream', { method: 'POST', path: '/api/auth/login', body: '{"email":"a', contentLength: 500 }, null, { halfClose: true, fresh: true });
  const chunked = (s) => `${Buffer.byteLength(s).toString(16)}\r\n${s}\r\n0\r\n\r\n`;
  add('a chunked body (well-formed; slot taken)', { method: 'POST', path: '/api/video-sessions', token: tok.partner, contentLength: null, headers: [['Transfer-Encoding', 'chunked']],
    body: chunked(JSON.stringify({ ...createBase, title: "chunked'; DROP TABLE bookings; --" })) }, [409, 'conflict']);
  add('a chunked body with malformed JSON', { method: 'PUT', path: `/api/appointments/${AP1}`, token: tok.partner, contentLength: null, headers: [['Transfer-Encoding', 'chunked']], body: chunked('{"title":') }, E400);
  add('a chunked body with a bad chunk size', { method: 'POST', path: '/api/auth/login', contentLength: null, headers: [['Transfer-Encoding', 'chunked']], body: 'zz\r\n{}\r\n0\r\n\r\n' }, BAD, { layer: 'nginx', fresh: true });
  add('a chunked body over 64 KiB', { method: 'POST', path: '/api/video-sessions', token: tok.partner, contentLength: null, headers: [['Transfer-Encoding', 'chunked']], body: chunked('x'.repeat(70000)) }, [413, 'payload_too_large']);
  add('Content-Length and Transfer-Encoding together', { method: 'POST', path: '/api/auth/login', body: '0\r\n\r\n', contentLength: 5, headers: [['Transfer-Encoding', 'chunked']] }, BAD, { layer: 'nginx', fresh: true });
  add('Transfer-Encoding: gzip, chunked', { method: 'POST', path: '/api/auth/login', contentLength: null, headers: [['Transfer-Encoding', 'gzip, chunked']], body: chunked('{}') }, BAD, { layer: 'nginx', fresh: true });
  add('Transfer-Encoding: identity', { method: 'POST', path: '/api/auth/login', contentLength: null, headers: [['Transfer-Encoding', 'identity']], body: '{}' }, BAD, { layer: 'nginx', fresh: true });
  add('Expect: 100-continue with a broken body', { method: 'POST', path: '/api/auth/login', body: '{"email":', headers: [['Expect', '100-continue']] }, E400, { fresh: true });
  add('X-HTTP-Method-Override does not turn a POST into a PUT', { method: 'POST', path: `/api/video-sessions/${S1}`, token: tok.partner, body: '{"title":"x"}', headers: [['X-HTTP-Method-Override', 'PUT']] }, [405, 'method_not_allowed']);
  add('a header line without a colon', { method: 'GET', path: '/api/health', headers: [['Bad Header', 'x']] }, BAD, { layer: 'nginx' });

  // -- odd methods
  add('TRACE', { method: 'TRACE', path: '/api/health' }, [405, 'method_not_allowed'], { layer: 'nginx' });
  add('TRACE on a session', { method: 'TRACE', path: `/api/video-sessions/${S1}`, token: tok.partner }, [405, 'method_not_allowed'], { layer: 'nginx' });
  add('CONNECT', { method: 'CONNECT', path: `localhost:${PORT}` }, BAD, { layer: 'nginx' });
  add('lowercase get', { method: 'get', path: '/api/health' }, BAD, { layer: 'nginx' });
  add('mixed-case Post', { method: 'Post', path: '/api/auth/login', body: '{}' }, BAD, { layer: 'nginx', fresh: true });
  add('a method with a digit', { method: 'G3T', path: '/api/health' }, BAD, { layer: 'nginx' });
  add('PROPFIND on health', { method: 'PROPFIND', path: '/api/health' }, [405, 'method_not_allowed'], { allow: 'GET, HEAD' });
  add('PROPFIND on a session', { method: 'PROPFIND', path: `/api/video-sessions/${S1}`, token: tok.partner }, [405, 'method_not_allowed'], { allow: 'GET, PUT, DELETE' });
  add('PATCH on a session', { method: 'PATCH', path: `/api/video-sessions/${S1}`, token: tok.partner, body: '{"title":"x"}' }, [405, 'method_not_allowed'], { allow: 'GET, PUT, DELETE' });
  add('OPTIONS on sessions', { method: 'OPTIONS', path: '/api/video-sessions' }, [405, 'method_not_allowed'], { allow: 'POST' });
  add('DELETE on the sessions collection', { method: 'DELETE', path: '/api/video-sessions', token: tok.partner }, [405, 'method_not_allowed'], { allow: 'POST' });
  add('PUT on login', { method: 'PUT', path: '/api/auth/login', body: '{}' }, [405, 'method_not_allowed'], { allow: 'POST' });
  add('GET on logout', { method: 'GET', path: '/api/auth/logout', token: tok.logout }, [405, 'method_not_allowed'], { allow: 'POST' });
  add('MKCOL on appointments', { method: 'MKCOL', path: `/api/partners/${P}/appointments`, token: tok.partner }, [405, 'method_not_allowed'], { allow: 'GET, POST' });
  add('PROPFIND on the SPA', { method: 'PROPFIND', path: '/' }, [405, 'method_not_allowed'], { layer: 'nginx' });
  add('HEAD on me (GET only): 405 before authentication', { method: 'HEAD', path: '/api/auth/me' }, [405, 'method_not_allowed'], { head: true, allow: 'GET' });
  add('HEAD on a session', { method: 'HEAD', path: `/api/video-sessions/${S1}`, token: tok.partner }, [405, 'method_not_allowed'], { head: true });
  add('an HTTP version of 2.0 on the HTTP/1 line', { rawBytes: Buffer.from(`GET /api/health HTTP/2.0${CRLF}Host: localhost${CRLF}Connection: close${CRLF}${CRLF}`) }, BAD, { layer: 'nginx' });
  add('an HTTP version of 9.9', { rawBytes: Buffer.from(`GET /api/health HTTP/9.9${CRLF}Host: localhost${CRLF}Connection: close${CRLF}${CRLF}`) }, BAD, { layer: 'nginx' });

  // -- path tricks
  const paths = [
    [`/api/%2e%2e/api/video-sessions/${S1}`, 404], [`/api/video-sessions/${S1}/%2e%2e`, 404], ['/api/./health', 404], ['/api//health', 404],
    ['//api/health', 404], ['/api/health/', 404], ['/api/health.', 404], ['/api/health..', 404], ['/api/health%2F', 404], ['/api%2Fhealth', 404],
    [`/api/video-sessions%2F${S1}`, 404], [`/api/video-sessions/${S1}%2F..%2F..%2Fhealth`, 404], [`/api/video-sessions/${S1}/`, 404],
    [`/api/video-sessions/${S1}/.`, 404], [`/api/video-sessions/${S1}.`, 404], ['/api/Health', 404], ['/api/health%20', 404],
    ['/api/he%C3%A4lth', 404], [Buffer.from('/api/vidéo-sessions', 'utf8'), 404], ['/api/%E2%80%AEhealth', 404], ['/api/video-sessions%E2%88%95' + S1, 404],
    [`/api/video-sessions/%25${S1}`, 404], [`/api/video-sessions\\${S1}`, 404], [`/api/x/../video-sessions/${S1}`, 404],
    [`/api/video-sessions/${S1}/calendar.ics/`, 404], [`/api/video-sessions/${S1}/calendar.ics%00.html`, 400],
    [`/api/${'a'.repeat(4000)}`, 404], [`/api/video-sessions/${'9'.repeat(4000)}`, 404], [`/api/${'a/'.repeat(2000)}`, 404],
    [`/api/${'a'.repeat(9000)}`, 404], [`/api/${'a'.repeat(40000)}`, 414], ['/api/../../etc/passwd', 400], ['/api/%2e%2e/%2e%2e/%2e%2e/etc/passwd', 400], ['/../../etc/passwd', 400],
    ['/api/..%2f..%2f..%2fetc/passwd', 400], ['/api/health#frag', 404], ['/api/health;x=1', 404],
  ];
  for (const [p, status] of paths) {
    const code = status === 404 ? 'not_found' : status === 414 ? 'uri_too_long' : 'bad_request';
    const shown = Buffer.isBuffer(p) ? p.toString('utf8') : p;
    add(`path ${shown.length > 60 ? `${shown.slice(0, 60)}… (${shown.length} bytes)` : shown}`, { method: 'GET', path: p, token: tok.partner }, [status, code], status === 404 ? {} : { layer: 'nginx' });
  }
  return cases;
}

// ---- fixtures and checks -----------------------------------------------------------------------

const DATA_TABLES = ['users', 'partner_clients', 'login_sessions', 'bookings', 'video_sessions', 'appointments',
  'session_verifications', 'invites', 'partner_notices', 'session_attendance', 'partner_settings'];

function tableChecksums() {
  const q = DATA_TABLES.map((t) => `SELECT '${t}', count(*) || ':' || coalesce(md5(string_agg(x::text, ',' ORDER BY x::text)), '') FROM ${t} x`).join(' UNION ALL ');
  return Object.fromEntries(sql(q));
}

// attempt_counters, except the keys the corpus may move: logins (per email, and per client address
// for the addresses it used) and the session passwords it tried.
function counterChecksum(addresses, sessionIds) {
  const skip = [
    "key LIKE 'login:email:%'",
    ...addresses.map((a) => `key = 'login:addr:${a}'`),
    ...sessionIds.map((id) => `key = 'verify:session:${Number(id)}' OR key LIKE 'verify:session:${Number(id)}:%'`),
  ].join(' OR ');
  return sql(`SELECT count(*) || ':' || coalesce(md5(string_agg(x::text, ',' ORDER BY x::text)), '') FROM attempt_counters x WHERE NOT (${skip})`)[0][0];
}

const LEAKS = [
  [/\.c:\d+|\bat [\w.]+ \(|Traceback|stack trace|segmentation|core dumped|AddressSanitizer/i, 'a stack trace'],
  [/\bERROR:\s|DETAIL:|HINT:|syntax error at|violates (exclusion|check|foreign key|unique)|relation "|column "|pq_|libpq|PostgreSQL|SQLSTATE/i, 'database internals'],
  [/\$argon2|password_hash|jitsi_password|meeting_room_id|token_sha256/i, 'a stored secret or its column'],
  [/cJSON|fcgi|FCGX|vsession-api\//i, 'server internals'],
];

async function fixtures() {
  const tag = Math.random().toString(36).slice(2, 8);
  const { partner, client } = await practice();
  const partner2 = makeUser('partner');
  const client2 = makeUser('client');
  link(partner2, client2);
  const admin = makeUser('admin');
  await login(admin);
  // a second login of the partner for the logout cases: if a logout ever went through, the checksum shows it
  const logoutUser = { ...partner };
  const logoutToken = await login(logoutUser);
  partner.token = (await api('POST', '/api/auth/login', { body: { email: partner.email, password: partner.password } })).json.token;
  const s1Start = future(10, 10);
  const ap1Start = future(10, 14);
  const mk = async (start, extra = {}) => {
    const r = await api('POST', '/api/video-sessions', { token: partner.token,
      body: { user_id: client.id, title: 'Hostile corpus target', session_date: iso(start), duration_minutes: 60, notes: 'target notes', ...extra } });
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  const s1 = await mk(s1Start);
  const pool = [await mk(future(11, 8)), await mk(future(11, 10)), await mk(future(11, 12)), await mk(future(11, 14)), await mk(future(11, 16))];
  const ap = await api('POST', `/api/partners/${partner.id}/appointments`, { token: partner.token,
    body: { title: 'Hostile corpus appointment', starts_at: iso(ap1Start), ends_at: iso(ap1Start + 3600000) } });
  assert.equal(ap.status, 201, ap.text);
  const inv = await api('POST', `/api/video-sessions/${s1.id}/invite`, { token: partner.token });
  assert.equal(inv.status, 201, inv.text);
  const invite = new URL(inv.json.invite_url).searchParams.get('invite');
  const [h, p] = partner.token.split('.');
  const payload = JSON.parse(Buffer.from(p, 'base64url'));
  const noneToken = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
  const forgedToken = `${h}.${Buffer.from(JSON.stringify({ ...payload, role: 'admin', sub: admin.id })).toString('base64url')}.${partner.token.split('.')[2]}`;
  return { tag, partner, client, partner2, client2, admin, logoutToken, s1, s1Start, pool, ap1: ap.json, ap1Start, invite, noneToken, forgedToken };
}

test('a corpus of hostile requests over every endpoint: each gets its documented 4xx as a clean JSON error, and the data is unchanged', async (t) => {
  const f = await fixtures();
  const cases = corpus(f);
  const routesSrc = readFileSync(new URL('../../app/api/routes.c', import.meta.url), 'utf8');
  assert.ok(cases.length >= 200, `only ${cases.length} cases`);
  // every route pattern of routes.c is hit by some case
  for (const m of routesSrc.matchAll(/\[ROUTE_\w+\]\s*=\s*\{\s*"([^"]+)"/g)) {
    const re = new RegExp(`^${m[1].replace(/[.]/g, '\\.').replace(/:id/g, '[^/]+')}(\\?|$)`);
    assert.ok(cases.some((c) => c.req?.path && re.test(String(c.req.path))), `no case for ${m[1]}`);
  }

  const secrets = [f.s1.password, f.invite, stackJwtSecret(), ...f.pool.map((s) => s.password)].filter(Boolean);
  const mainAddress = freshAddress();
  const addresses = [mainAddress];
  const before = tableChecksums();
  const countersBefore = () => counterChecksum(addresses, [f.s1.id, ...f.pool.map((s) => s.id)]);
  const cBefore = countersBefore();

  // the test-only route exists in VSESSION_TESTING builds (scripts/test); elsewhere its cases are left out
  const testRoute = (await api('GET', '/api/test/sleep?seconds=0')).status === 200;
  let sent = 0;
  const failures = [];
  const byLayer = { api: 0, nginx: 0 };
  for (const c of cases) {
    if (c.testOnly && !testRoute) continue;
    const from = c.fresh ? freshAddress() : mainAddress;
    if (c.fresh) addresses.push(from);
    let bytes;
    try { bytes = c.req.rawBytes ?? build(c.req); } catch (e) { throw new Error(`${c.name}: ${e.message}`); }
    const res = await sendRaw(bytes, { from, halfClose: c.halfClose });
    sent++;
    byLayer[c.layer ?? 'api']++;
    const r = res.response;
    const problems = [];
    if (c.expect === null) {
      // the body never arrives: nginx closes without an answer, or refuses with a 4xx
      if (r && (r.status >= 500 || r.status < 400)) problems.push(`answered ${r.status}`);
    } else if (!r) {
      problems.push(`no HTTP answer (${res.timedOut ? 'timed out' : res.error ?? 'closed'}): ${res.raw.toString('latin1').slice(0, 120)}`);
    } else {
      const [status, code] = c.expect;
      if (r.status >= 500) problems.push(`a ${r.status}`);
      if (r.status !== status) problems.push(`status ${r.status}, expected ${status}`);
      if (!/^application\/json/.test(r.headers['content-type'] ?? '')) problems.push(`Content-Type ${r.headers['content-type']}`);
      for (const h of SECURITY_HEADERS) if (!r.headers[h]) problems.push(`no ${h}`);
      if (c.allow && r.headers.allow !== c.allow) problems.push(`Allow ${r.headers.allow}, expected ${c.allow}`);
      if (!c.head) {
        const e = r.json?.error;
        if (!e || typeof e.code !== 'string' || typeof e.message !== 'string') problems.push(`not the error envelope: ${r.text.slice(0, 200)}`);
        else {
          if (e.code !== code) problems.push(`code ${e.code}, expected ${code}`);
          if (c.field !== undefined && e.field !== c.field) problems.push(`field ${e.field}, expected ${c.field}`);
          if (c.field === undefined && !c.anyField && e.field !== undefined && e.field !== null) problems.push(`field ${e.field}, expected none`);
          const extra = Object.keys(r.json).filter((k) => k !== 'error');
          if (extra.length) problems.push(`more than the envelope: ${extra}`);
        }
      }
      for (const [re, what] of LEAKS) if (re.test(r.text)) problems.push(`${what} in the body: ${r.text.slice(0, 200)}`);
      for (const s of secrets) if (r.text.includes(s)) problems.push('a secret in the body');
    }
    if (problems.length) failures.push(`${c.name}${c.layer ? ' [nginx]' : ''}: ${problems.join('; ')}`);
  }

  const after = tableChecksums();
  const changed = DATA_TABLES.filter((tb) => before[tb] !== after[tb]);
  const cAfter = countersBefore();
  const summary = `hostile corpus: ${sent} requests sent (${byLayer.api} answered by the API's rules, ${byLayer.nginx} by nginx's), ${failures.length} wrong`;
  console.log(summary);
  t.diagnostic(summary);
  // everything at once, so one run shows every wrong answer and every changed table
  const wrong = [...failures, ...changed.map((tb) => `the corpus changed table ${tb}`)];
  if (cAfter !== cBefore) wrong.push('attempt_counters changed outside the login and session-password keys the corpus tried');
  assert.deepEqual(wrong, [], `${failures.length} of ${sent} hostile requests were answered wrongly, ${changed.length} tables changed:\n  ${wrong.join('\n  ')}`);
  // and the fixtures are still what they were: the target session reads back unchanged
  const g = await api('GET', `/api/video-sessions/${f.s1.id}`, { token: f.partner.token });
  assert.equal(g.status, 200);
  assert.equal(g.json.title, 'Hostile corpus target');
  assert.equal(g.json.status, 'scheduled');
});
