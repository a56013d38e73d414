// Scale-out: two vsession-api instances (two "hosts", each on its own 127.0.0.1 TCP port with
// FCGI_WEB_SERVER_ADDRS) behind one nginx upstream, sharing the stack's PostgreSQL and JWT
// secret. Any instance serves any request because all state is in the database: a logout on one
// is honoured by the other at once, and the password attempt limits count across both. When one
// instance dies (SIGKILL to its master and every worker) under a steady GET load, nginx retries
// on the other and no GET fails.
//
// Requests pinned to one instance go straight to it over FastCGI (lib.mjs fcgi()); the rest go
// through a private nginx rendered from the shipped templates with both servers in the upstream.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { makeUser, link } from '../api/lib.mjs';
import {
  requireStack, tempDir, freePort, renderNginx, startNginx, startApi, req, fcgi, load, statusCounts, waitFor, alive,
  sleep, removeDir,
} from './lib.mjs';

let dir, nginx, ports, A, B;

before(async () => {
  requireStack();
  dir = tempDir('two');
  const [pa, pb] = [await freePort(), await freePort()];
  const allow = { FCGI_WEB_SERVER_ADDRS: '127.0.0.1' };
  A = await startApi({ dir, name: 'a', listen: `127.0.0.1:${pa}`, env: allow });
  B = await startApi({ dir, name: 'b', listen: `127.0.0.1:${pb}`, env: allow });
  A.target = `127.0.0.1:${pa}`;
  B.target = `127.0.0.1:${pb}`;
  ports = await renderNginx(dir, [A.target, B.target]);
  nginx = await startNginx(path.join(dir, 'nginx-state'), ports.conf, path.join(dir, 'nginx-state', 'nginx.pid'), ports.https);
});

after(async () => {
  await nginx?.stop();
  await A?.stop();
  await B?.stop();
  if (dir) removeDir(dir);
});

// A loopback address of its own, so the per-address login counters of other tests do not mix in.
const freshAddress = () => `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;

function requestCount(inst, route) {
  return (inst.log().match(new RegExp(` route=${route.replace('.', '\\.')} status=`, 'g')) ?? []).length;
}

async function loginVia(inst, user, password = user.password, remoteAddr = '127.0.0.1') {
  return fcgi(inst.target, 'POST', '/api/auth/login', { body: { email: user.email, password }, remoteAddr });
}

test('nginx spreads requests over both instances of the upstream', async () => {
  const a0 = requestCount(A, 'health'), b0 = requestCount(B, 'health');
  for (let i = 0; i < 40; i++) assert.equal((await req(ports.https, 'GET', '/api/health')).status, 200);
  await sleep(100);
  const a = requestCount(A, 'health') - a0, b = requestCount(B, 'health') - b0;
  assert.equal(a + b, 40);
  assert.ok(a >= 10 && b >= 10, `round robin: ${a} on A, ${b} on B`);
});

test('a TCP instance answers only the addresses in FCGI_WEB_SERVER_ADDRS', async () => {
  const ok = await fcgi(A.target, 'GET', '/api/health');
  assert.equal(ok.status, 200, ok.text);
  const other = await fcgi(A.target, 'GET', '/api/health', { localAddress: '127.0.0.2' });
  assert.deepEqual([other.status, other.records], [0, 0], 'a connection from 127.0.0.2 is closed unanswered');
});

// Whether this machine can listen on IPv6 at all (some containers have it switched off).
const HAVE_IPV6 = await new Promise((resolve) => {
  const s = net.createServer();
  s.on('error', () => resolve(false));
  s.listen(0, '::', () => s.close(() => resolve(true)));
});

test('an IPv4 nginx host listed in FCGI_WEB_SERVER_ADDRS is let in when the API listens on the IPv6 wildcard',
  { skip: !HAVE_IPV6 && 'IPv6 is not available on this machine' }, async (t) => {
  // systemd's ListenStream=9000 and VSESSION_LISTEN=[::]:9000 make a dual-stack socket: IPv4
  // peers arrive as IPv4-mapped addresses (::ffff:127.0.0.1) and must match their dotted form.
  const port = await freePort();
  const inst = await startApi({ dir, name: 'v6', listen: `[::]:${port}`, env: { FCGI_WEB_SERVER_ADDRS: '127.0.0.1' }, workers: 1 });
  t.after(() => inst.stop());
  const r = await fcgi(`127.0.0.1:${port}`, 'GET', '/api/health');
  assert.equal(r.status, 200, 'a connection from 127.0.0.1 was refused (closed unanswered)');
  const other = await fcgi(`127.0.0.1:${port}`, 'GET', '/api/health', { localAddress: '127.0.0.2' });
  assert.equal(other.status, 0, 'and 127.0.0.2 is still refused');
});

test('a logout through one instance is honoured by the other at once', async () => {
  const user = makeUser('partner');
  const l = await loginVia(A, user);
  assert.equal(l.status, 200, l.text);
  const token = l.json.token;
  const me = await fcgi(B.target, 'GET', '/api/auth/me', { token });
  assert.equal(me.status, 200, 'the token made on A works on B');
  const out = await fcgi(A.target, 'POST', '/api/auth/logout', { token });
  assert.equal(out.status, 204, out.text);
  const after = await fcgi(B.target, 'GET', '/api/auth/me', { token });
  assert.equal(after.status, 401, `B still accepts the logged-out token: ${after.text}`);
  const viaNginx = await req(ports.https, 'GET', '/api/auth/me', { token });
  assert.equal(viaNginx.status, 401);
});

test('the session password attempt limit counts tries on both instances together', async () => {
  const partner = makeUser('partner');
  const client = makeUser('client');
  link(partner, client);
  const tp = (await loginVia(A, partner)).json.token;
  const tc = (await loginVia(B, client)).json.token;
  const start = new Date(Date.now() + 5 * 86400000);
  start.setUTCHours(10, 0, 0, 0);
  const s = await fcgi(A.target, 'POST', '/api/video-sessions', {
    token: tp, body: { user_id: client.id, title: 'Two hosts', session_date: start.toISOString(), duration_minutes: 60 },
  });
  assert.equal(s.status, 201, s.text);
  const wrong = s.json.password === '000000' ? '111111' : '000000';
  const seen = [];
  for (let i = 0; i < 5; i++) {
    const inst = i % 2 ? B : A;
    const r = await fcgi(inst.target, 'POST', `/api/video-sessions/${s.json.id}/verify-password`, { token: tc, body: { password: wrong } });
    seen.push(r.status);
  }
  assert.deepEqual(seen, [403, 403, 403, 403, 403], 'five wrong tries, alternating A and B');
  const sixth = await fcgi(B.target, 'POST', `/api/video-sessions/${s.json.id}/verify-password`, { token: tc, body: { password: s.json.password } });
  assert.equal(sixth.status, 429, `the 6th try (right password) on B after 3 failures on A and 2 on B: ${sixth.text}`);
  assert.ok(sixth.headers['retry-after'], 'with Retry-After');
});

test('the login attempt limit per email counts failures on both instances together', async () => {
  const user = makeUser('client');
  const from = freshAddress();
  const seen = [];
  for (let i = 0; i < 10; i++) seen.push((await loginVia(i % 2 ? B : A, user, 'wrong-password', from)).status);
  assert.deepEqual(seen, Array(10).fill(401));
  const eleventh = await loginVia(A, user, user.password, from);
  assert.equal(eleventh.status, 429, `the 11th login (right password) after 5 failures on each: ${eleventh.text}`);
});

test('with one instance SIGKILLed (master and workers) under a steady GET load, every GET still succeeds', async (t) => {
  const user = makeUser('partner');
  const token = (await loginVia(B, user)).json.token;
  const paths = ['/api/health', '/api/auth/me'];
  const l = load(8, (i) => req(ports.https, 'GET', paths[i % 2], { token }));
  await sleep(700);
  const workersA = A.workers();
  const killedAt = performance.now();
  A.killGroup();
  await waitFor('instance A gone', () => !alive(A.pid) && workersA.every((p) => !alive(p)), 2000, 10);
  await sleep(2000);
  const log = await l.done();

  const before = log.filter((x) => x.end < killedAt);
  const inFlight = log.filter((x) => x.start <= killedAt && x.end >= killedAt);
  const afterKill = log.filter((x) => x.start > killedAt);
  const failed = log.filter((x) => x.status !== 200);
  t.diagnostic(`${log.length} GETs (${before.length} before the kill, ${inFlight.length} in flight at it, ` +
    `${afterKill.length} after): ${JSON.stringify(statusCounts(log))}`);
  assert.ok(before.length >= 50 && afterKill.length >= 50, 'enough requests on both sides of the kill to judge');
  assert.deepEqual(failed, [], `GETs that failed: ${JSON.stringify(failed.slice(0, 5))}`);
  // The survivor really carried the load alone afterwards.
  const h = await fcgi(B.target, 'GET', '/api/health');
  assert.equal(h.status, 200);
});
