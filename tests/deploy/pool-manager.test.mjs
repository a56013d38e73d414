// The pool manager under load, through nginx (the shipped templates, rendered for a private
// nginx with a 2-second fastcgi_read_timeout): VSESSION_MAX_REQUESTS recycles workers with no
// request failing, ten SIGHUP rolling restarts in a row drop nothing, a worker told to leave
// (SIGHUP or SIGTERM) while it is still reading a request finishes that request, and a request
// stuck past VSESSION_REQUEST_TIMEOUT gets nginx's JSON 504 while the master kills and replaces
// the worker and logs the route.
//
// Each test starts its own vsession-api on the same private unix socket (the shared stack's API
// is never touched); /api/test/sleep exists in VSESSION_TESTING builds only.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  requireStack, tempDir, renderNginx, startNginx, startApi, req, fcgi, load, runCount, statusCounts, waitFor, alive, sleep,
  removeDir,
} from './lib.mjs';

const TIMEOUT_S = 2;
let dir, sock, nginx, ports;

before(async () => {
  requireStack();
  dir = tempDir('pool');
  sock = path.join(dir, 'api.sock');
  ports = await renderNginx(dir, [`unix:${sock}`], { readTimeout: TIMEOUT_S });
  nginx = await startNginx(path.join(dir, 'nginx-state'), ports.conf, path.join(dir, 'nginx-state', 'nginx.pid'), ports.https);
});

after(async () => {
  await nginx?.stop();
  if (dir) removeDir(dir);
});

// Starts this file's API on the private socket; stopped after the test.
async function api(t, env, workers = 3) {
  const inst = await startApi({ dir, name: t.name.slice(0, 20).replace(/\W+/g, '-'), listen: `unix:${sock}`, env, workers });
  t.after(() => inst.stop());
  return inst;
}

// Request lines of the API log: [{pid, route, status}].
function requestLines(text) {
  return [...text.matchAll(/ pid=(\d+) request_id=\S+ method=\S+ route=(\S+) status=(\d+)/g)]
    .map((m) => ({ pid: Number(m[1]), route: m[2], status: Number(m[3]) }));
}

test('with VSESSION_MAX_REQUESTS=50, 2,000 requests through nginx all succeed while workers are recycled every 50', async (t) => {
  const inst = await api(t, { VSESSION_MAX_REQUESTS: '50' });
  const N = 2000;
  const log = await runCount(N, 8, () => req(ports.https, 'GET', '/api/health'));
  const counts = statusCounts(log);
  await waitFor('the pool back at 3 workers', () => inst.workers().length === 3, 3000);

  const lines = requestLines(inst.log()).filter((x) => x.route === 'health');
  const perPid = new Map();
  for (const x of lines) perPid.set(x.pid, (perPid.get(x.pid) ?? 0) + 1);
  const most = Math.max(...perPid.values());
  t.diagnostic(`${log.length} requests: ${JSON.stringify(counts)}; ${perPid.size} workers served them, at most ${most} each`);
  assert.deepEqual(counts, { 200: N }, 'every request answered 200');
  assert.equal(lines.length, N, 'the API logged every request');
  assert.ok(most <= 50, `a worker served ${most} requests, more than VSESSION_MAX_REQUESTS`);
  assert.ok(perPid.size >= Math.ceil(N / 50), `only ${perPid.size} workers for ${N} requests: they are not recycled`);
  assert.ok(!/event=worker_died|crash_loop/.test(inst.log()), 'a recycled worker exits cleanly, not as a crash');
});

test('ten SIGHUP rolling restarts in a row under load replace every worker each time with no 5xx', async (t) => {
  const inst = await api(t, {});
  // Health checks and 50 ms database holds, from more lanes than workers: every roll meets busy workers.
  const l = load(6, (i) => req(ports.https, 'GET', i % 2 ? '/api/test/sleep?seconds=0.05' : '/api/health'));
  await sleep(300);
  const rolls = [];
  const hups = [];
  for (let i = 0; i < 10; i++) {
    const old = inst.workers();
    const t0 = performance.now();
    hups.push(t0);
    process.kill(inst.pid, 'SIGHUP');
    const { value } = await waitFor(`roll ${i + 1}: every worker replaced`, () => {
      const now = inst.workers();
      return now.length === 3 && now.every((p) => !old.includes(p)) && old.every((p) => !alive(p)) ? now : null;
    }, 5000, 10);
    rolls.push(Math.round(performance.now() - t0));
    assert.equal(value.length, 3);
  }
  await sleep(300);
  const log = await l.done();
  const counts = statusCounts(log);
  const bad = log.filter((x) => x.status !== 200);
  t.diagnostic(`${log.length} requests during 10 reloads: ${JSON.stringify(counts)}; each roll took ${rolls.join(', ')} ms`);
  // For a failure: when it started relative to the last SIGHUP before it, and what nginx and the API logged.
  const detail = bad.slice(0, 5).map((x) => ({ ...x, afterHupMs: Math.round(x.start - Math.max(...hups.filter((h) => h <= x.start), 0)) }));
  const errors = readFileSync(path.join(dir, 'nginx-state', 'nginx-error.log'), 'utf8').split('\n').filter((x) => /\[(error|crit|alert)\]/.test(x));
  assert.deepEqual(bad, [], `requests that did not answer 200: ${JSON.stringify(detail)}\nnginx: ${errors.slice(-5).join('\n')}\n` +
    `API: ${inst.log().split('\n').filter((x) => / (warn|error) /.test(x)).slice(-5).join('\n')}`);
  assert.ok(log.length >= 100, `too few requests to judge (${log.length})`);
  assert.equal((inst.log().match(/event=reload /g) ?? []).length, 10, 'each SIGHUP is logged as a reload');
  assert.ok(!/event=worker_died/.test(inst.log()), 'no worker was killed: each finished its request and left');
  assert.ok(alive(inst.pid), 'the master is still running');
});

// A worker told to leave (SIGHUP's roll, or SIGTERM) while it is still reading a request from
// nginx must finish that request: the signal must not break the read (EINTR) and drop it.
for (const signal of ['SIGHUP', 'SIGTERM']) {
  test(`a ${signal} while a worker is still reading a request lets it finish that request`, async (t) => {
    const inst = await api(t, {}, 1);
    const [worker] = inst.workers();
    const r = await fcgi(`unix:${sock}`, 'GET', '/api/health', {
      midway: async () => {
        await sleep(100); // the worker has accepted and is blocked reading the rest
        process.kill(inst.pid, signal);
        await waitFor('the signal to reach the worker', () => signal === 'SIGTERM' || inst.workers().length === 2, 2000, 5);
        await sleep(100);
      },
    });
    assert.equal(r.status, 200, `the request was dropped (${r.records} FastCGI records answered); log:\n${inst.log().split('\n').slice(-5).join('\n')}`);
    assert.deepEqual(r.json, { status: 'ok', database: 'ok' });
    await waitFor('the old worker to leave', () => !alive(worker), 3000);
  });
}

test('a request stuck past VSESSION_REQUEST_TIMEOUT gets a JSON 504 from nginx; the worker is killed, replaced and the route logged', async (t) => {
  const inst = await api(t, { VSESSION_REQUEST_TIMEOUT: String(TIMEOUT_S) }, 2);
  const before = inst.workers();

  // Just under the limit still answers: the watchdog is not trigger-happy.
  const ok = await req(ports.https, 'GET', `/api/test/sleep?seconds=${TIMEOUT_S - 1}`);
  assert.equal(ok.status, 200, ok.text);

  const r = await req(ports.https, 'GET', '/api/test/sleep?seconds=20', { fresh: true });
  t.diagnostic(`stuck request answered ${r.status} after ${Math.round(r.ms)} ms: ${r.text}`);
  assert.equal(r.status, 504, r.text);
  assert.equal(r.json?.error?.code, 'timeout', r.text);
  assert.ok(r.ms >= TIMEOUT_S * 1000 - 100 && r.ms < TIMEOUT_S * 1000 + 1500, `answered after ${r.ms} ms`);

  const { value: line } = await waitFor('event=request_timeout in the log',
    () => /warn pid=\d+ event=request_timeout pid=(\d+) route=(\S+) elapsed_ms=(\d+)/.exec(inst.log()), 3000, 50);
  const [, victim, route, elapsed] = line;
  t.diagnostic(line[0]);
  assert.equal(route, 'test.sleep');
  assert.ok(before.includes(Number(victim)), `the killed pid ${victim} was not one of the workers ${before}`);
  assert.ok(Number(elapsed) >= TIMEOUT_S * 1000, `killed after only ${elapsed} ms`);
  const { value: now } = await waitFor('a new worker in its place', () => {
    const w = inst.workers();
    return !alive(Number(victim)) && w.length === 2 && w.some((p) => !before.includes(p)) ? w : null;
  }, 3000);
  t.diagnostic(`workers before ${before}, after ${now}`);
  const h = await req(ports.https, 'GET', '/api/health');
  assert.equal(h.status, 200, 'the pool serves again');
});
