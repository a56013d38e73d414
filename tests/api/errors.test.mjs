// The router and the error model: health, 404, 405, 413, 415, 400, headers, redirect.
import test from 'node:test';
import assert from 'node:assert/strict';
import { api, raw, HTTP_BASE, SECURITY_HEADERS, practice } from './lib.mjs';

function assertError(r, status, code) {
  assert.equal(r.status, status, r.text);
  assert.match(r.headers['content-type'] ?? r.headers.get?.('content-type') ?? '', /application\/json/);
  assert.equal(r.json?.error?.code, code, r.text);
  assert.equal(typeof r.json.error.message, 'string');
}

test('health answers ok for the database', async () => {
  const r = await api('GET', '/api/health');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, { status: 'ok', database: 'ok' });
  assert.match(r.headers.get('x-request-id') ?? '', /^[0-9a-f]{32}$/);
});

test('unknown API paths are JSON 404s, never the SPA', async () => {
  for (const p of ['/api/nope', '/api/video-sessions/abc', '/api/video-sessions/0', '/api/video-sessions/01',
    '/api/video-sessions/99999999999999999999', '/api/health/', '/api', '/api/', '/api/partners/1/clients/x']) {
    assertError(await raw('GET', p), 404, 'not_found');
  }
});

test('path tricks do not reach a route', async () => {
  for (const p of ['/api/%68ealth', '/api//health', '/api/./health', '/api/x/../health']) {
    const r = await raw('GET', p);
    assert.notEqual(r.status, 200, p);
    assert.ok(r.status < 500, `${p}: ${r.status}`);
  }
});

test('a wrong method is 405 with Allow', async () => {
  const r = await raw('DELETE', '/api/health');
  assertError(r, 405, 'method_not_allowed');
  assert.match(r.headers.allow, /GET/);
  const r2 = await raw('GET', '/api/auth/login');
  assertError(r2, 405, 'method_not_allowed');
  assert.equal(r2.headers.allow, 'POST');
  const r3 = await raw('PATCH', '/api/video-sessions/1');
  assertError(r3, 405, 'method_not_allowed');
  assert.equal(r3.headers.allow, 'GET, PUT, DELETE');
});

test('bodies over 64 KiB are 413 JSON, from nginx and from the API', async () => {
  const big = JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(70 * 1024) });
  assertError(await raw('POST', '/api/auth/login', { headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(big) }, body: big }), 413, 'payload_too_large');
});

test('a body that is not application/json is 415', async () => {
  const body = JSON.stringify({ email: 'a@b.c', password: 'x' });
  assertError(await raw('POST', '/api/auth/login', { headers: { 'Content-Type': 'text/plain', 'Content-Length': body.length }, body }), 415, 'unsupported_media_type');
  assertError(await raw('POST', '/api/auth/login', { headers: { 'Content-Length': body.length }, body }), 415, 'unsupported_media_type');
  // media types compare case-insensitively and may carry a charset
  const r = await raw('POST', '/api/auth/login', { headers: { 'Content-Type': 'Application/JSON; charset=utf-8', 'Content-Length': body.length }, body });
  assert.equal(r.status, 401);
});

test('malformed JSON is 400 invalid_json', async () => {
  const cases = ['{', '{"email": "a@b.c",}', '[]', '"text"', '{"a":1}garbage', '{"a":1}{"b":2}', '{"a":"\\u0000"} x',
    '{"a":1,"a":2}', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), '{"a":' + '['.repeat(100) + ']'.repeat(100) + '}', ''];
  for (const body of cases) {
    const b = Buffer.isBuffer(body) ? body : Buffer.from(body);
    const r = await raw('POST', '/api/auth/login', { headers: { 'Content-Type': 'application/json', 'Content-Length': b.length }, body: b });
    assertError(r, 400, 'invalid_json');
  }
});

test('\\u0000 in valid JSON is 422 naming the field, not 400 about UTF-8', async () => {
  for (const [body, field] of [['{"email":"a\\u0000@b.c","password":"x"}', 'email'], ['{"email":"a@b.c","password":"x\\u0000"}', 'password']]) {
    const b = Buffer.from(body);
    const r = await raw('POST', '/api/auth/login', { headers: { 'Content-Type': 'application/json', 'Content-Length': b.length }, body: b });
    assertError(r, 422, 'validation_failed');
    assert.equal(r.json.error.field, field, body);
    assert.doesNotMatch(r.json.error.message, /UTF-8/);
  }
});

test('security headers are on a 200, a 404 and a 5xx-class answer', async () => {
  const answers = [await raw('GET', '/api/health'), await raw('GET', '/api/nope'), await raw('GET', '/'),
    await raw('GET', '/api/test/sleep?fail=1')];
  for (const r of answers) {
    for (const h of SECURITY_HEADERS) assert.ok(r.headers[h], `${h} missing on a ${r.status}`);
    assert.match(r.headers['strict-transport-security'], /max-age=(\d+)/);
    assert.ok(Number(/max-age=(\d+)/.exec(r.headers['strict-transport-security'])[1]) >= 31536000);
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.equal(r.headers['referrer-policy'], 'no-referrer');
    assert.match(r.headers['content-security-policy'], /frame-ancestors 'none'/);
    assert.equal(r.headers.server, 'nginx');
  }
  // A 503 from nginx itself (no worker behind a made-up upstream is not available here);
  // the 503 from a database outage is covered in database.test.mjs.
});

test('HTTP redirects to HTTPS', async () => {
  const r = await fetch(HTTP_BASE + '/api/health', { redirect: 'manual' });
  assert.equal(r.status, 301);
  assert.match(r.headers.get('location'), /^https:\/\/localhost:\d+\/api\/health$/);
});

test('the SPA answers every non-API route with index.html', async () => {
  for (const p of ['/', '/join/42', '/dashboard', '/calendar', '/settings', '/welcome', '/reset-password', '/forgot-password']) {
    const r = await raw('GET', p);
    assert.equal(r.status, 200, p);
    assert.match(r.headers['content-type'], /text\/html/);
    assert.match(r.headers['cache-control'] ?? '', /no-cache/);
  }
});

test('a request without a token on a protected route is 401 even with a bad body', async () => {
  const body = '{not json';
  const r = await raw('POST', '/api/video-sessions', { headers: { 'Content-Type': 'application/json', 'Content-Length': body.length }, body });
  assertError(r, 401, 'unauthenticated');
});

test('a GET with a body is refused', async () => {
  const { partner } = await practice();
  const body = '{}';
  const r = await raw('GET', '/api/auth/me', { headers: { Authorization: `Bearer ${partner.token}`, 'Content-Type': 'application/json', 'Content-Length': body.length }, body });
  assert.equal(r.status, 415);
});
