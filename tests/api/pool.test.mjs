// The worker pool: a killed worker is replaced at once while requests keep flowing; SIGTERM lets
// the request in flight finish, then the master exits 0 and leaves no process behind; a bad
// setting stops the program at start with one line naming it.
//
// The SIGKILL test works on the stack's own master (VSESSION_API_PID_FILE); the SIGTERM and
// configuration tests start their own vsession-api (VSESSION_API_BIN) on a private socket and
// talk FastCGI to it with cgi-fcgi, so the shared stack keeps running.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { sleep, sql } from './lib.mjs';
import { request, conninfoAs } from './helpers-extra.mjs';

// scripts/test exports VSESSION_API_BIN; otherwise the server beside vsessionctl.
const API_BIN = process.env.VSESSION_API_BIN ?? path.join(process.env.VSESSION_BUILD_DIR ?? path.dirname(process.env.VSESSIONCTL), 'vsession-api');

function children(pid) {
  const r = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).map(Number).sort((a, b) => a - b);
}

function alive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z /.test(stat); // a zombie is dead, only not yet reaped
  } catch {
    return false;
  }
}

async function waitFor(what, fn, ms, step = 20) {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return { value: v, ms: Date.now() - t0 };
    if (Date.now() - t0 > ms) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(step);
  }
}

test('a SIGKILLed worker is replaced within a second and only its request in flight fails', async (t) => {
  const master = Number(readFileSync(process.env.VSESSION_API_PID_FILE, 'utf8').trim());
  assert.ok(alive(master), `the master ${master} is not running`);
  const before = children(master);
  assert.ok(before.length >= 2, `the master has ${before.length} workers`);

  // A stream of requests from more lanes than there are workers, each holding its worker in the
  // database for 50 ms, so every worker is busy when one is killed.
  const lanes = before.length * 2;
  const log = [];
  let stop = false;
  let killedAt = 0;
  const lane = async () => {
    while (!stop) {
      const start = performance.now();
      let status = 0, code = null;
      try {
        const r = await request('GET', '/api/test/sleep?seconds=0.05');
        status = r.status;
        code = r.json?.error?.code ?? null;
      } catch (e) {
        status = -1;
        code = e.code;
      }
      log.push({ start, end: performance.now(), status, code });
    }
  };
  const running = Array.from({ length: lanes }, lane);
  await sleep(400);
  const victim = before[Math.floor(before.length / 2)];
  killedAt = performance.now();
  process.kill(victim, 'SIGKILL');
  const replaced = await waitFor('a new worker', () => {
    const now = children(master);
    return now.length === before.length && !now.includes(victim) && now.some((p) => !before.includes(p)) ? now : null;
  }, 1000);
  await sleep(1500);
  stop = true;
  await Promise.all(running);

  assert.ok(alive(master), 'the master survived');
  const inFlightAtKill = log.filter((x) => x.start <= killedAt && x.end >= killedAt).length;
  const failed = log.filter((x) => x.status !== 200);
  const late = log.filter((x) => x.start > killedAt + 1000);
  const summary = `${log.length} requests, ${inFlightAtKill} in flight at the kill, new worker after ${replaced.ms} ms, failures: ${JSON.stringify(failed.map((x) => ({ status: x.status, code: x.code, at: Math.round(x.start - killedAt) })))}`;
  t.diagnostic(summary);
  // A worker serves one request at a time: only the request it held may fail, and it fails as
  // nginx's JSON 503, never a bare 502.
  assert.ok(failed.length <= 1 && failed.length <= inFlightAtKill, summary);
  for (const f of failed) assert.deepEqual([f.status, f.code], [503, 'unavailable'], summary);
  assert.ok(late.length >= lanes, `too few requests after the kill to judge: ${summary}`);
  assert.ok(late.every((x) => x.status === 200), summary);
  assert.deepEqual(children(master).length, before.length, 'the pool is back to its size');
});

// ---- a private instance ----------------------------------------------------------------------------

function privateEnv(dir, extra = {}) {
  return {
    PATH: process.env.PATH,
    VSESSION_DATABASE_URL: conninfoAs('vsession_api'),
    VSESSION_LISTEN: `unix:${path.join(dir, 'x.sock')}`,
    VSESSION_JWT_SECRET: 'a'.repeat(20) + 'b'.repeat(20),
    VSESSION_WORKERS: '3',
    VSESSION_PUBLIC_URL: 'https://localhost:8443',
    ...extra,
  };
}

// Runs one FastCGI request with cgi-fcgi; resolves {status, body, stdout, ms, rc}.
function fastcgi(sock, uri, method = 'GET') {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const p = spawn('cgi-fcgi', ['-bind', '-connect', sock], {
      env: { PATH: process.env.PATH, REQUEST_METHOD: method, REQUEST_URI: uri, REMOTE_ADDR: '127.0.0.1', REQUEST_ID: 'pooltest' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    p.stdout.on('data', (c) => { out += c; });
    p.on('close', (rc) => {
      const m = /^Status: (\d+)/m.exec(out);
      resolve({ status: m ? Number(m[1]) : 0, body: out.split(/\r?\n\r?\n/).slice(1).join('\n\n'), stdout: out, ms: performance.now() - t0, rc });
    });
  });
}

test('SIGTERM lets the request in flight finish, then the master exits 0 and no worker is left', async (t) => {
  assert.ok(existsSync(API_BIN), `no vsession-api at ${API_BIN}`);
  const dir = mkdtempSync(path.join(tmpdir(), 'vsession-pool-'));
  const sock = path.join(dir, 'x.sock');
  const master = spawn(API_BIN, [], { env: privateEnv(dir), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  master.stderr.on('data', (c) => { stderr += c; });
  const exited = new Promise((resolve) => master.on('exit', (code, signal) => resolve({ code, signal, at: performance.now() })));
  let workers = [];
  t.after(() => {
    for (const p of [master.pid, ...workers]) if (alive(p)) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
    rmSync(dir, { recursive: true, force: true });
  });

  await waitFor('the socket', () => existsSync(sock), 5000);
  workers = (await waitFor('3 workers', () => { const c = children(master.pid); return c.length === 3 ? c : null; }, 5000)).value;
  const warm = await fastcgi(sock, '/api/health');
  assert.equal(warm.status, 200, `${warm.stdout}\n${stderr}`);

  const slow = fastcgi(sock, '/api/test/sleep?seconds=2');
  // Stop only once the request is really in the database.
  await waitFor('the 2 s request in flight', () => Number(sql("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%pg_sleep%' AND query NOT LIKE '%pg_stat_activity%'")[0][0]) > 0, 3000, 50);
  const termAt = performance.now();
  master.kill('SIGTERM');

  const r = await slow;
  assert.equal(r.status, 200, `the request in flight was cut: ${r.stdout}\n${stderr}`);
  assert.equal(r.body.trim(), '{"slept":true}');
  assert.ok(r.ms >= 1900, `the request took only ${r.ms} ms`);
  const ex = await Promise.race([exited, sleep(6000).then(() => null)]);
  assert.ok(ex, `the master did not exit within 6 s of SIGTERM\n${stderr}`);
  assert.deepEqual([ex.code, ex.signal], [0, null], stderr);
  assert.ok(ex.at - termAt < 5000, `exit took ${ex.at - termAt} ms`);
  await sleep(100);
  const orphans = workers.filter(alive);
  assert.deepEqual(orphans, [], `workers left running after the master exited: ${orphans}`);
  assert.equal(existsSync(sock), false, 'the socket file is removed on exit');
});

test('a SIGTERM to an idle pool exits at once', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vsession-pool-'));
  const sock = path.join(dir, 'x.sock');
  const master = spawn(API_BIN, [], { env: privateEnv(dir), stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise((resolve) => master.on('exit', (code) => resolve(code)));
  let workers = [];
  t.after(() => {
    for (const p of [master.pid, ...workers]) if (alive(p)) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
    rmSync(dir, { recursive: true, force: true });
  });
  await waitFor('the socket', () => existsSync(sock), 5000);
  workers = (await waitFor('3 workers', () => { const c = children(master.pid); return c.length === 3 ? c : null; }, 5000)).value;
  const t0 = performance.now();
  master.kill('SIGTERM');
  const code = await Promise.race([exited, sleep(3000).then(() => 'timeout')]);
  assert.equal(code, 0);
  assert.ok(performance.now() - t0 < 1500, `an idle pool took ${performance.now() - t0} ms to stop`);
  assert.deepEqual(workers.filter(alive), []);
});

test('workers that die young are restarted with a growing back-off, not in a tight loop', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vsession-pool-'));
  const sock = path.join(dir, 'x.sock');
  const master = spawn(API_BIN, [], { env: privateEnv(dir, { VSESSION_WORKERS: '1' }), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  master.stderr.on('data', (c) => { stderr += c; });
  t.after(() => {
    for (const p of [master.pid, ...children(master.pid)]) if (alive(p)) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
    rmSync(dir, { recursive: true, force: true });
  });
  await waitFor('the socket', () => existsSync(sock), 5000);
  const gaps = [];
  let last = null;
  let lastKill = 0;
  for (let i = 0; i < 5; i++) {
    const { value: w } = await waitFor('a worker', () => { const c = children(master.pid).filter((p) => p !== last); return c.length === 1 ? c[0] : null; }, 10000, 5);
    const seen = performance.now();
    if (i > 0) gaps.push(seen - lastKill);
    process.kill(w, 'SIGKILL');   // dies well within its first second: a crash
    lastKill = performance.now();
    last = w;
  }
  const delays = [...stderr.matchAll(/event=crash_loop_backoff delay_ms=(\d+)/g)].map((m) => Number(m[1]));
  assert.ok(delays.length >= 4, `back-off events: ${delays}\n${stderr}`);
  for (let i = 1; i < delays.length; i++) assert.ok(delays[i] > delays[i - 1], `delays grow: ${delays}`);
  assert.ok(gaps[gaps.length - 1] >= delays[delays.length - 2] * 0.9, `the last restart waited ${gaps.at(-1)} ms, back-off ${delays}`);
  // once workers stop dying, the pool serves again
  const { value: w } = await waitFor('a worker', () => { const c = children(master.pid).filter((p) => p !== last); return c.length === 1 ? c[0] : null; }, 10000, 20);
  await sleep(1100);
  assert.ok(alive(w));
  const r = await fastcgi(sock, '/api/health');
  assert.equal(r.status, 200, r.stdout);
});

test('a graceful stop has a hard deadline: a request still running then is killed', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vsession-pool-'));
  const sock = path.join(dir, 'x.sock');
  const master = spawn(API_BIN, [], { env: privateEnv(dir, { VSESSION_SHUTDOWN_TIMEOUT: '1' }), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  master.stderr.on('data', (c) => { stderr += c; });
  const exited = new Promise((resolve) => master.on('exit', (code) => resolve(code)));
  let workers = [];
  t.after(() => {
    for (const p of [master.pid, ...workers]) if (alive(p)) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
    rmSync(dir, { recursive: true, force: true });
  });
  await waitFor('the socket', () => existsSync(sock), 5000);
  workers = (await waitFor('3 workers', () => { const c = children(master.pid); return c.length === 3 ? c : null; }, 5000)).value;
  const slow = fastcgi(sock, '/api/test/sleep?seconds=8');
  await waitFor('the request in flight', () => Number(sql("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%pg_sleep%' AND query NOT LIKE '%pg_stat_activity%'")[0][0]) > 0, 3000, 50);
  const t0 = performance.now();
  master.kill('SIGTERM');
  const code = await Promise.race([exited, sleep(5000).then(() => 'timeout')]);
  const ms = performance.now() - t0;
  assert.equal(code, 0, stderr);
  assert.ok(ms >= 900 && ms < 3000, `stopped after ${ms} ms with a 1 s deadline`);
  assert.match(stderr, /event=shutdown_deadline killing=1/);
  const r = await slow;
  assert.notEqual(r.status, 200);
  await sleep(100);
  assert.deepEqual(workers.filter(alive), []);
});

test('a bad or missing setting stops the program at start with exit 1 and one line naming it', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vsession-cfg-'));
  try {
    writeFileSync(path.join(dir, 'secret'), 'f'.repeat(40));
    const cases = [
      ['VSESSION_JWT_SECRET', { VSESSION_JWT_SECRET: 'too-short-secret' }],
      ['VSESSION_JWT_SECRET', { VSESSION_JWT_SECRET: 'x'.repeat(31) }],
      ['VSESSION_JWT_SECRET', { VSESSION_JWT_SECRET: undefined }],
      ['VSESSION_JWT_SECRET', { VSESSION_JWT_SECRET_FILE: path.join(dir, 'secret') }], // both set
      ['VSESSION_JWT_SECRET_FILE', { VSESSION_JWT_SECRET: undefined, VSESSION_JWT_SECRET_FILE: path.join(dir, 'missing') }],
      ['VSESSION_WORKERS', { VSESSION_WORKERS: 'abc' }],
      ['VSESSION_WORKERS', { VSESSION_WORKERS: '0' }],
      ['VSESSION_WORKERS', { VSESSION_WORKERS: '3x' }],
      ['VSESSION_DATABASE_URL', { VSESSION_DATABASE_URL: undefined }],
      ['VSESSION_LISTEN', { VSESSION_LISTEN: 'nowhere' }],
      ['VSESSION_REQUEST_TIMEOUT', { VSESSION_REQUEST_TIMEOUT: '-5' }],
    ];
    for (const [name, extra] of cases) {
      const env = privateEnv(dir, extra);
      for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
      const r = spawnSync(API_BIN, [], { env, encoding: 'utf8', timeout: 5000, killSignal: 'SIGKILL' });
      const what = `${name} with ${JSON.stringify(extra)}`;
      assert.equal(r.status, 1, `${what}: exit ${r.status} (signal ${r.signal}) stderr: ${r.stderr}`);
      const lines = r.stderr.split('\n').filter(Boolean);
      assert.equal(lines.length, 1, `${what}: want one line, got: ${r.stderr}`);
      assert.ok(lines[0].includes(name), `${what}: the line does not name ${name}: ${lines[0]}`);
      assert.ok(!lines[0].includes('too-short-secret') && !lines[0].includes('x'.repeat(31)), `${what}: the line echoes the secret`);
      assert.equal(existsSync(path.join(dir, 'x.sock')), false, `${what}: it opened the socket anyway`);
    }
    // And the same base settings do start (the cases above fail for the one setting they change).
    const ok = spawnSync('timeout', ['-s', 'TERM', '1', API_BIN], { env: privateEnv(dir), encoding: 'utf8' });
    assert.equal(ok.status, 124, `the valid settings did not keep the server running: ${ok.status} ${ok.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---- the end of a request ---------------------------------------------------------------------------

// One FastCGI record: version 1, type, request id 1, content, no padding.
function record(type, content = Buffer.alloc(0)) {
  const h = Buffer.from([1, type, 0, 1, content.length >> 8, content.length & 0xff, 0, 0]);
  return Buffer.concat([h, content]);
}

function pairs(params) {
  const out = [];
  for (const [k, v] of Object.entries(params)) {
    const kb = Buffer.from(k), vb = Buffer.from(v);
    for (const b of [kb, vb]) {
      if (b.length < 128) out.push(Buffer.from([b.length]));
      else { const l = Buffer.alloc(4); l.writeUInt32BE(b.length | 0x80000000); out.push(l); }
    }
    out.push(kb, vb);
  }
  return Buffer.concat(out);
}

// A request as nginx sends it without fastcgi_keep_conn: BEGIN_REQUEST (responder, flags 0),
// the params, their empty record, the body in records of at most 32 KiB, the empty FCGI_STDIN.
function fcgiRequest(method, uri, body = Buffer.alloc(0)) {
  const parts = [record(1, Buffer.from([0, 1, 0, 0, 0, 0, 0, 0]))];
  parts.push(record(4, pairs({
    REQUEST_METHOD: method, REQUEST_URI: uri, REMOTE_ADDR: '127.0.0.1', REQUEST_ID: 'closetest',
    CONTENT_TYPE: 'application/json', CONTENT_LENGTH: String(body.length),
  })), record(4));
  for (let i = 0; i < body.length; i += 32768) parts.push(record(5, body.subarray(i, i + 32768)));
  parts.push(record(5));
  return Buffer.concat(parts);
}

// Sends one request on a new connection and never closes or half-closes it, as a web server busy
// elsewhere may not. Resolves when the answer's END_REQUEST has come: {status, body, ms, closed},
// where closed resolves with the ms at which the worker closed its end (or null after 3 s).
function rawFastcgi(sock, req) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const c = net.connect({ path: sock, allowHalfOpen: true });
    let buf = Buffer.alloc(0), stdout = Buffer.alloc(0), done = false;
    const closed = new Promise((res) => {
      c.on('end', () => res(performance.now() - t0));
      setTimeout(() => res(null), 3000);
    });
    c.on('error', reject);
    c.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 8) {
        const len = buf.readUInt16BE(4), pad = buf[6];
        if (buf.length < 8 + len + pad) break;
        const type = buf[1], content = buf.subarray(8, 8 + len);
        buf = buf.subarray(8 + len + pad);
        if (type === 6) stdout = Buffer.concat([stdout, content]);
        if (type === 3 && !done) {
          done = true;
          const text = stdout.toString();
          const m = /^Status: (\d+)/m.exec(text);
          resolve({ status: m ? Number(m[1]) : 0, body: text.split(/\r?\n\r?\n/).slice(1).join('\n\n'), ms: performance.now() - t0, closed, socket: c });
        }
      }
    });
    c.write(req);
  });
}

test('a worker closes its end of a finished request at once: a web server slow to close does not hold it', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vsession-pool-'));
  const sock = path.join(dir, 'x.sock');
  // One worker, so a worker held by the first connection would make the second one wait.
  const master = spawn(API_BIN, [], { env: privateEnv(dir, { VSESSION_WORKERS: '1' }), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  master.stderr.on('data', (c) => { stderr += c; });
  const open = [];
  t.after(() => {
    for (const c of open) c.destroy();
    for (const p of [master.pid, ...children(master.pid)]) if (alive(p)) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
    rmSync(dir, { recursive: true, force: true });
  });
  await waitFor('the socket', () => existsSync(sock), 5000);
  await waitFor('a worker', () => children(master.pid).length === 1, 5000);

  // A request whose body the route never reads (health takes no body): the worker reads the rest
  // of the input itself before it closes, so nothing unread is left on the connection.
  const cases = [
    ['GET', '/api/health', Buffer.alloc(0), 200],
    ['GET', '/api/health', Buffer.alloc(0), 200],
    ['POST', '/api/health', Buffer.from(JSON.stringify({ pad: 'x'.repeat(60000) })), 405],
    ['GET', '/api/health', Buffer.alloc(0), 200],
  ];
  for (const [method, uri, body, want] of cases) {
    const r = await rawFastcgi(sock, fcgiRequest(method, uri, body));
    open.push(r.socket);
    const what = `${method} ${uri} with ${body.length} bytes of body, after ${open.length - 1} connections left open`;
    assert.equal(r.status, want, `${what}: ${r.body}\n${stderr}`);
    assert.ok(r.body.trim().startsWith('{') && JSON.parse(r.body.trim()), `${what}: the answer is whole JSON: ${r.body}`);
    // libfcgi's own close would shut the socket down and wait 2 s in select() for this end to
    // close, and the one worker would answer the next connection only then (2,003 ms measured).
    // 1.5 s leaves room for a loaded machine or a sanitized build and still tells the two apart.
    assert.ok(r.ms < 1500, `${what}: answered after ${Math.round(r.ms)} ms`);
    const closedAt = await r.closed;
    assert.ok(closedAt !== null && closedAt < 1500, `${what}: the worker closed its end after ${closedAt} ms`);
  }
});

test('--help prints the usage and exits 0', () => {
  const r = spawnSync(API_BIN, ['--help'], { env: { PATH: process.env.PATH }, encoding: 'utf8', timeout: 5000 });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /usage/i);
});
