// tls.test.mjs — TLS versions and response headers as a browser or scanner sees them.
//
// TLS 1.0 and 1.1 are refused by the server (its protocol_version alert, with a control server
// that speaks TLS 1.0 proving the client really offered it) while 1.2 and 1.3 complete a verified
// handshake; and every class of response — the SPA page, an API 200, the HTTP→HTTPS redirect,
// 401, 404, 405, nginx's own 413 and 429, the API's 415 and a 500 — carries the security headers,
// `Server: nginx` without a version, and no X-Powered-By.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import https from 'node:https';
import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BASE, HTTP_BASE, SECURITY_HEADERS, raw } from './lib.mjs';
import { request, freshAddress, NGINX_429_BODY } from './helpers-extra.mjs';

const PORT = Number(new URL(BASE).port);
const CA = process.env.NODE_EXTRA_CA_CERTS;

// openssl s_client with one protocol version. SECLEVEL=0 lets OpenSSL 3 offer TLS 1.0/1.1 at all
// (Debian's default level refuses them on the client side, which would prove nothing about the
// server).
function sClient(version, port = PORT) {
  const args = ['s_client', `-${version}`, '-cipher', 'DEFAULT:@SECLEVEL=0', '-connect', `localhost:${port}`,
    '-servername', 'localhost'];
  if (CA) args.push('-CAfile', CA, '-verify_return_error');
  const r = spawnSync('openssl', args, { input: '', encoding: 'utf8', timeout: 20000 });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

function negotiated(out) {
  const m = /^New, (\S+), Cipher is (\S+)/m.exec(out);
  return m && m[2] !== '(NONE)' ? { protocol: m[1], cipher: m[2] } : null;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

for (const version of ['tls1', 'tls1_1']) {
  test(`TLS ${version === 'tls1' ? '1.0' : '1.1'} is refused by the server with a protocol_version alert`, () => {
    const r = sClient(version);
    assert.notEqual(r.status, 0, r.out);
    assert.equal(negotiated(r.out), null, `a ${version} handshake completed:\n${r.out}`);
    // alert 70 comes from the server: the client did offer the version and was turned away
    assert.match(r.out, /alert protocol version|SSL alert number 70/, r.out);
  });
}

test('the same client does complete a TLS 1.0 handshake with a server that allows it (control)', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vsession-tls-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const key = path.join(dir, 'key.pem'), cert = path.join(dir, 'cert.pem');
  const g = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
    '-keyout', key, '-out', cert], { encoding: 'utf8' });
  assert.equal(g.status, 0, g.stderr);
  const port = await freePort();
  const server = spawn('openssl', ['s_server', '-tls1', '-cipher', 'DEFAULT:@SECLEVEL=0', '-accept', String(port),
    '-cert', cert, '-key', key, '-naccept', '1'], { stdio: ['pipe', 'pipe', 'ignore'] });
  t.after(() => server.kill('SIGKILL'));
  // s_server prints ACCEPT once it listens
  await new Promise((res) => { server.stdout.on('data', (d) => { if (/ACCEPT/.test(d)) res(); }); setTimeout(res, 5000); });
  const r = spawnSync('openssl', ['s_client', '-tls1', '-cipher', 'DEFAULT:@SECLEVEL=0', '-connect', `localhost:${port}`],
    { input: '', encoding: 'utf8', timeout: 20000 });
  const n = negotiated(`${r.stdout}\n${r.stderr}`);
  assert.ok(n, `no TLS 1.0 handshake with the control server:\n${r.stdout}\n${r.stderr}`);
  assert.match(n.protocol, /^TLSv1(\.0)?$/);
});

for (const [version, proto] of [['tls1_2', 'TLSv1.2'], ['tls1_3', 'TLSv1.3']]) {
  test(`${proto} is accepted with a verified certificate`, () => {
    const r = sClient(version);
    assert.equal(r.status, 0, r.out);
    const n = negotiated(r.out);
    assert.ok(n, r.out);
    assert.equal(n.protocol, proto, r.out);
    if (CA) assert.match(r.out, /Verify return code: 0 \(ok\)/, r.out);
  });
}

// TLS 1.2 with one offered cipher suite (TLS 1.3's suites are all forward secret).
function sClient12(cipher) {
  const args = ['s_client', '-tls1_2', '-cipher', `${cipher}:@SECLEVEL=0`, '-connect', `localhost:${PORT}`,
    '-servername', 'localhost'];
  const r = spawnSync('openssl', args, { input: '', encoding: 'utf8', timeout: 20000 });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

// RSA key exchange (no forward secrecy) with CBC and with GCM, CBC with ECDHE, and DHE, which
// the server's list (Mozilla "intermediate", ECDHE with AEAD only) leaves out.
for (const cipher of ['AES128-SHA', 'AES256-GCM-SHA384', 'AES128-SHA256', 'ECDHE-RSA-AES128-SHA', 'DHE-RSA-AES128-GCM-SHA256']) {
  test(`TLS 1.2 with only ${cipher} offered is refused (no forward secrecy or no AEAD)`, () => {
    const r = sClient12(cipher);
    assert.equal(negotiated(r.out), null, `${cipher} was negotiated:\n${r.out}`);
    assert.match(r.out, /handshake failure|no shared cipher|alert number 40/, r.out);
  });
}

test('TLS 1.2 negotiates an ECDHE suite with AEAD, whatever the client prefers', () => {
  const offered = sClient12('AES256-GCM-SHA384:AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305');
  const n = negotiated(offered.out);
  assert.ok(n, offered.out);
  assert.equal(n.protocol, 'TLSv1.2');
  assert.match(n.cipher, /^ECDHE-(RSA|ECDSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$/, offered.out);
});

// ---- headers on every response class --------------------------------------------------------

const JITSI = process.env.VSESSION_JITSI_DOMAIN ?? process.env.JITSI_DOMAIN ?? 'meet.jit.si';

function assertHeaders(what, r) {
  const h = r.headers;
  for (const name of SECURITY_HEADERS) assert.ok(h[name], `${what}: ${name} missing`);
  const hsts = /max-age=(\d+)/.exec(h['strict-transport-security'] ?? '');
  assert.ok(hsts && Number(hsts[1]) >= 31536000, `${what}: HSTS ${h['strict-transport-security']}`);
  assert.match(h['strict-transport-security'], /includeSubDomains/i, what);
  assert.equal(h['x-content-type-options'], 'nosniff', what);
  assert.equal(h['referrer-policy'], 'no-referrer', what);
  assert.equal(h['x-frame-options'], 'DENY', what);
  assert.equal(h['cross-origin-opener-policy'], 'same-origin', what);
  const csp = h['content-security-policy'];
  for (const d of ["default-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'"]) {
    assert.ok(csp.includes(d), `${what}: CSP lacks ${d}: ${csp}`);
  }
  assert.ok(csp.includes(`frame-src https://${JITSI}`), `${what}: CSP frame-src is not the Jitsi domain: ${csp}`);
  assert.match(h['permissions-policy'] ?? '', /geolocation=\(\)/, `${what}: Permissions-Policy ${h['permissions-policy']}`);
  // the server's name without a version, and nothing naming the application stack
  assert.equal(h.server, 'nginx', `${what}: Server: ${h.server}`);
  assert.equal(h['x-powered-by'], undefined, `${what}: X-Powered-By: ${h['x-powered-by']}`);
  for (const [k, v] of Object.entries(h)) {
    assert.doesNotMatch(String(v), /nginx\/\d|fcgi|libpq|PostgreSQL|vsession-api\/\d/i, `${what}: ${k}: ${v}`);
  }
}

function plainHttp(urlPath) {
  const u = new URL(HTTP_BASE);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: u.port, path: urlPath, method: 'GET', headers: { Host: `localhost:${u.port}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

// nginx's 429: logins from one fresh address until limit_req answers (bodies that are not JSON,
// so the API, when it sees one, answers 400 at once and counts no login attempt).
async function nginx429() {
  const from = freshAddress();
  const agent = new https.Agent({ keepAlive: true, maxSockets: 32, localAddress: from });
  try {
    for (let round = 0; round < 10; round++) {
      const rs = await Promise.all(Array.from({ length: 200 }, () => request('POST', '/api/auth/login',
        { from, agent, body: '{', headers: { 'Content-Type': 'application/json' } })));
      const hit = rs.find((r) => r.status === 429 && r.text === NGINX_429_BODY);
      if (hit) return hit;
    }
    return null;
  } finally {
    agent.destroy();
  }
}

test('every class of response carries the security headers, Server: nginx without a version, and no X-Powered-By', async () => {
  const big = Buffer.alloc(70 * 1024, 0x61);
  const classes = {
    '200 SPA page': [await raw('GET', '/'), 200],
    '200 SPA route': [await raw('GET', '/join/42'), 200],
    '200 API': [await raw('GET', '/api/health'), 200],
    '301 redirect to HTTPS': [await plainHttp('/api/health'), 301],
    '401 no token': [await raw('GET', '/api/auth/me'), 401],
    '404 unknown API path': [await raw('GET', '/api/no-such-thing'), 404],
    '404 /api itself (nginx)': [await raw('GET', '/api'), 404],
    '405 wrong method': [await raw('DELETE', '/api/health'), 405],
    '413 from nginx': [await raw('POST', '/api/auth/login', { headers: { 'Content-Type': 'application/json', 'Content-Length': big.length }, body: big }), 413],
    '415 wrong media type': [await raw('POST', '/api/auth/login', { headers: { 'Content-Type': 'text/plain', 'Content-Length': 2 }, body: '{}' }), 415],
    '400 invalid JSON': [await raw('POST', '/api/auth/login', { headers: { 'Content-Type': 'application/json', 'Content-Length': 1 }, body: '{' }), 400],
    '500 server error (test route)': [await raw('GET', '/api/test/sleep?fail=1'), 500],
    '429 from nginx limit_req': [await nginx429(), 429],
  };
  let checked = 0;
  for (const [what, [r, status]] of Object.entries(classes)) {
    assert.ok(r, `${what}: no such response could be produced`);
    assert.equal(r.status, status, `${what}: status ${r.status}`);
    assertHeaders(`${what} (${r.status})`, r);
    checked++;
  }
  // nginx's own answers (the 413 and the 429) are JSON errors too, not its HTML pages
  assert.match(classes['413 from nginx'][0].headers['content-type'], /application\/json/);
  assert.equal(JSON.parse(classes['413 from nginx'][0].text).error.code, 'payload_too_large');
  assert.equal(classes['429 from nginx limit_req'][0].headers['retry-after'], '1');
  assert.equal(classes['301 redirect to HTTPS'][0].headers.location, `https://localhost:${PORT}/api/health`);
  // a 500 tells nothing about the server's insides
  const e = classes['500 server error (test route)'][0];
  assert.equal(JSON.parse(e.text).error.code, 'internal');
  assert.doesNotMatch(e.text, /\.c:\d+|stack|trace|postgres|SELECT/i);
  console.log(`tls: ${checked} response classes checked`);
});
