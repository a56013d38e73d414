// A database outage: with PostgreSQL stopped, health answers 503 with "database":"down" and
// every route that needs the database answers a JSON 503 `unavailable` (never nginx's 502);
// started again, the same workers reconnect by themselves within a few seconds.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { api, makeUser, login, sleep, SECURITY_HEADERS } from './lib.mjs';

const PG_BIN = '/usr/lib/postgresql/15/bin';
const DATA = process.env.VSESSION_PG_DATA;

function pgCtl(args) {
  return spawnSync('runuser', ['-u', 'postgres', '--', path.join(PG_BIN, 'pg_ctl'), '-D', DATA, ...args], { encoding: 'utf8', timeout: 60000 });
}

function pgRunning() {
  return pgCtl(['status']).status === 0;
}

// The options the cluster was started with (postmaster.opts), so a restart brings back the same
// socket, port and settings; -D is pg_ctl's own.
function startOptions() {
  const opts = readFileSync(path.join(DATA, 'postmaster.opts'), 'utf8');
  const args = [...opts.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]);
  const i = args.indexOf('-D');
  if (i >= 0) args.splice(i, 2);
  if (!args.includes('-k')) args.push('-k', process.env.VSESSION_PG_SOCKET, '-p', process.env.VSESSION_PG_PORT, '-c', 'listen_addresses=');
  return args.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
}

function pgStart(opts) {
  const r = pgCtl(['-l', path.join(DATA, 'server.log'), '-w', '-t', '30', '-o', opts, 'start']);
  if (r.status !== 0) throw new Error(`pg_ctl start failed: ${r.stdout} ${r.stderr}`);
}

function workers() {
  const master = readFileSync(process.env.VSESSION_API_PID_FILE, 'utf8').trim();
  const r = spawnSync('pgrep', ['-P', master], { encoding: 'utf8' });
  return { master, pids: r.stdout.split('\n').filter(Boolean).map(Number).sort((a, b) => a - b) };
}

function assertUnavailable(r, what) {
  assert.equal(r.status, 503, `${what}: ${r.status} ${r.text}`);
  assert.match(r.headers.get('content-type') ?? '', /application\/json/, what);
  assert.equal(r.json?.error?.code, 'unavailable', `${what}: ${r.text}`);
  assert.equal(typeof r.json.error.message, 'string');
  assert.doesNotMatch(r.text, /postgres|libpq|socket|connection to server|\.c:\d+/i, `${what}: internals in the body`);
}

test('with PostgreSQL down the API answers JSON 503s, and the same workers recover within seconds after it is back', async (t) => {
  assert.ok(DATA && pgRunning(), 'PostgreSQL is not running before the test');
  const opts = startOptions();
  t.after(() => { if (!pgRunning()) pgStart(opts); }); // whatever happens above, leave it running

  const u = makeUser('partner');
  const token = await login(u);
  const before = workers();
  assert.ok(before.pids.length >= 2, `${before.pids.length} workers`);
  const lanes = before.pids.length * 2; // enough requests to reach every worker

  const stop = pgCtl(['-m', 'fast', '-w', '-t', '30', 'stop']);
  assert.equal(stop.status, 0, stop.stderr);
  const downAt = Date.now();

  const health = await Promise.all(Array.from({ length: lanes }, () => api('GET', '/api/health')));
  for (const r of health) {
    assert.equal(r.status, 503, `health: ${r.status} ${r.text}`);
    assert.equal(r.json?.database, 'down', r.text);
    assert.equal(typeof r.json.status, 'string');
    assert.notEqual(r.json.status, 'ok');
    assertUnavailable(r, 'health');
    for (const h of SECURITY_HEADERS) assert.ok(r.headers.get(h), `${h} on the 503`);
  }
  const head = await api('HEAD', '/api/health');
  assert.equal(head.status, 503);

  const others = [
    ['GET', '/api/auth/me', { token }],
    ['GET', `/api/partners/${u.id}/clients`, { token }],
    ['POST', '/api/auth/logout', { token }],
    ['POST', '/api/auth/login', { body: { email: u.email, password: u.password } }],
  ];
  for (const [method, p, o] of others) {
    const rs = await Promise.all(Array.from({ length: lanes }, () => api(method, p, o)));
    for (const r of rs) assertUnavailable(r, `${method} ${p}`);
  }
  // What needs no database still answers as usual.
  assert.equal((await api('GET', '/api/no-such-route')).status, 404);
  assert.equal((await api('GET', '/api/auth/me')).status, 401);

  pgStart(opts);
  const upAt = Date.now();
  let healthyAfter = null;
  while (Date.now() - upAt < 5000) {
    const rs = await Promise.all(Array.from({ length: lanes }, () => api('GET', '/api/health')));
    if (rs.every((r) => r.status === 200)) { healthyAfter = Date.now() - upAt; break; }
    await sleep(100);
  }
  assert.ok(healthyAfter !== null, `health did not answer 200 on every worker within 5 s of PostgreSQL starting (down for ${upAt - downAt} ms)`);
  t.diagnostic(`all workers healthy ${healthyAfter} ms after PostgreSQL started`);

  // The login made before the outage still works (server-side sessions survived), logins work
  // again (prepared statements were made again on the new connections), on every worker.
  const me = await Promise.all(Array.from({ length: lanes }, () => api('GET', '/api/auth/me', { token })));
  for (const r of me) assert.equal(r.status, 200, r.text);
  const again = await api('POST', '/api/auth/login', { body: { email: u.email, password: u.password } });
  assert.equal(again.status, 200, again.text);

  const after = workers();
  assert.equal(after.master, before.master, 'the master was restarted');
  assert.deepEqual(after.pids, before.pids, 'workers were replaced instead of reconnecting');
});
