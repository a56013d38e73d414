// faults.test.mjs — fault injection under a steady write load (concurrent session creates on
// distinct slots for many partners): API workers SIGKILLed at random, and PostgreSQL restarted
// twice (pg_ctl restart, and a stop held for a while before the start).
//
// Afterwards every create that was answered 201 reads back through the API and is in the
// database (nothing acknowledged is lost), rows nobody was told about belong to requests that
// failed, and nothing half-written is visible anywhere (each session has its booking with the
// same range and each booking its object, each session its partner link, no overlaps). Only the
// documented failure answers appear: a JSON 503 `unavailable` for the request a killed worker
// was serving and while the database is down, never nginx's 502 or a 500; and after PostgreSQL
// accepts connections again the API serves writes within 2 seconds.
//
// Needs the stack's environment (scripts/test exports it) and root, for pg_ctl as postgres and
// for killing the API's workers. Run: node --test --test-concurrency=1 tests/fault/
import test, { before } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import {
  api, sleep, now, iso, master, workers, killWorker, partners, writeLoad, verifyCommitted, integrityProblems, unaudited,
  statusCounts, pgCtlAsync, pgRunning, pgStartOptions, pgStart, watchPostgres,
} from './lib.mjs';

const KILLS = Number(process.env.VSESSION_FAULT_KILLS ?? 8);
const PARTNERS = Number(process.env.VSESSION_FAULT_PARTNERS ?? 8);
const LANES_PER_PARTNER = 2;
const RECOVERY_LIMIT_MS = 2000;

const totals = { faults: 0, requests: 0, created: 0, verified: 0 };

// The same partners serve both tests, on different days and with their own title tags.
let practices;
before(async () => { practices = await partners(PARTNERS); });

function figures(label, f) {
  const line = `${label}: ${Object.entries(f).map(([k, v]) => `${k}=${v}`).join(' ')}`;
  console.log(line);
  return line;
}

// Answers other than 201 must be the API's (or nginx's JSON) 503 `unavailable`.
function badAnswers(log) {
  return log.filter((r) => r.status !== 201 && !(r.status === 503 && r.code === 'unavailable'))
    .map((r) => `${iso(r.t0)} ${r.title}: ${r.status} ${r.text}`);
}

async function poolSize(want, ms) {
  const t0 = now();
  while (now() - t0 < ms) {
    if (workers().length >= want) return true;
    await sleep(50);
  }
  return false;
}

test('workers SIGKILLed at random under a write load lose no acknowledged session and leave nothing half-written', async (t) => {
  const m0 = master();
  const w0 = workers();
  assert.ok(w0.length >= 2, `the master ${m0} has ${w0.length} workers`);
  const tag = `kill-${randomInt(1e9)}`;
  const load = writeLoad(practices, { lanesPer: LANES_PER_PARTNER, dayOffset: 40 + randomInt(0, 300), tag });
  const kills = [];
  try {
    await sleep(1000);
    for (let i = 0; i < KILLS; i++) {
      // a random worker, preferably one caught in the middle of a request
      const k = await killWorker();
      if (k.pid) kills.push({ ...k, at: now() });
      await sleep(randomInt(300, 900));
    }
    await sleep(1500);
  } finally {
    load.stop();
  }
  const log = await load.done;
  assert.ok(await poolSize(w0.length, 3000), `the pool did not come back to ${w0.length} workers: ${workers().length}`);
  assert.equal(master(), m0, 'the master itself was replaced');

  const counts = statusCounts(log);
  const v = await verifyCommitted(log, practices, tag);
  const broken = integrityProblems();
  const failed = log.length - v.acknowledged;
  totals.faults += kills.length;
  totals.requests += log.length;
  totals.created += v.acknowledged;
  t.diagnostic(figures('fault: worker kills', {
    faults_injected: kills.length, kills_mid_request: kills.filter((k) => k.busy).length, requests: log.length, created_201: v.acknowledged, failed_503: counts[503] ?? 0,
    verified_rows: v.readable, committed_unacknowledged: v.unacknowledged, unaudited_creates: unaudited(practices, tag),
  }));
  totals.verified += v.readable;

  assert.ok(kills.length >= Math.min(KILLS, 3), `only ${kills.length} kills went through`);
  assert.ok(v.acknowledged > 100, `the load made only ${v.acknowledged} sessions`);
  assert.deepEqual(badAnswers(log), [], 'answers other than 201 and the JSON 503');
  // a killed worker fails at most the one request it was serving
  assert.ok(failed <= kills.length, `${failed} requests failed for ${kills.length} kills`);
  assert.deepEqual(v.problems, []);
  assert.equal(v.readable, v.acknowledged);
  assert.deepEqual(broken, [], 'half-written data is visible');
});

test('PostgreSQL restarted under a write load: JSON 503s while it is down, writes again within 2 s of it accepting connections, nothing acknowledged lost', async (t) => {
  const opts = pgStartOptions();
  t.after(() => { if (!pgRunning()) pgStart(opts); });
  const w0 = workers();

  // pg_isready all along, so the outage is measured from outside the API
  const watch = watchPostgres();
  const tag = `pg-${randomInt(1e9)}`;
  const load = writeLoad(practices, { lanesPer: LANES_PER_PARTNER, dayOffset: 400 + randomInt(0, 300), tag });
  const faults = [];
  try {
    await sleep(1000);
    // 1. pg_ctl restart in fast mode: down only as long as a shutdown checkpoint and a start take
    {
      const began = now();
      const code = await pgCtlAsync(['-m', 'fast', '-w', '-t', '60', '-o', opts, 'restart']);
      assert.equal(code, 0, 'pg_ctl restart failed');
      faults.push({ kind: 'pg_ctl restart -m fast', began, returned: now() });
    }
    await sleep(1500);
    // 2. a stop held for 1.5 s, then a start
    {
      const began = now();
      assert.equal(await pgCtlAsync(['-m', 'fast', '-w', '-t', '60', 'stop']), 0, 'pg_ctl stop failed');
      const stopped = now();
      await sleep(1500);
      const starting = now();
      assert.equal(await pgCtlAsync(['-l', `${process.env.VSESSION_PG_DATA}/server.log`, '-w', '-t', '60', '-o', opts, 'start']), 0, 'pg_ctl start failed');
      faults.push({ kind: 'pg_ctl stop, 1.5 s down, start', began, stopped, starting, returned: now() });
    }
    await sleep(2500);
  } finally {
    load.stop();
  }
  const log = await load.done;
  await watch.stop();
  const { transitions } = watch;

  // When was PostgreSQL back? When the first probe after the gap each fault opened answered ready;
  // pg_ctl's own return when no probe caught the gap.
  const rows = [];
  for (const [i, f] of faults.entries()) {
    const end = faults[i + 1]?.began ?? Infinity;
    const down = transitions.find((x) => !x.up && x.at >= f.began - 50 && x.at < end);
    const up = transitions.find((x) => x.up && down && x.at > down.at && x.at < end);
    const upAt = up ? up.at : f.returned;
    const downAt = down ? down.at : f.began;
    const after = log.filter((r) => r.t0 >= upAt && r.t0 < end);
    const failedAfter = after.filter((r) => r.status !== 201);
    const lastFailure = failedAfter.length ? Math.max(...failedAfter.map((r) => r.t1)) - upAt : 0;
    const first201 = after.filter((r) => r.status === 201).map((r) => r.t1).sort((a, b) => a - b)[0];
    // Requests made while PostgreSQL was certainly not running: after pg_ctl stop returned (the
    // postmaster has exited) and before pg_ctl start was run. A restart leaves no such window
    // that can be known from outside; its requests between the probes are only counted.
    const during = f.stopped ? log.filter((r) => r.t0 >= f.stopped && r.t1 <= f.starting) : [];
    const between = log.filter((r) => r.t0 >= downAt && r.t1 <= upAt);
    rows.push({ ...f, downAt, upAt, outageMs: Math.round(upAt - downAt), during, between, failedAfter: failedAfter.length,
      recoveryMs: Math.round(Math.max(lastFailure, first201 === undefined ? Infinity : first201 - upAt)) });
  }

  const counts = statusCounts(log);
  const v = await verifyCommitted(log, practices, tag);
  const broken = integrityProblems();
  totals.faults += faults.length;
  totals.requests += log.length;
  totals.created += v.acknowledged;
  totals.verified += v.readable;
  for (const r of rows) {
    t.diagnostic(figures(`fault: ${r.kind}`, {
      outage_ms: r.outageMs, requests_while_not_ready: r.between.length,
      answered_503_while_not_ready: r.between.filter((x) => x.status === 503 && x.code === 'unavailable').length,
      requests_while_stopped: r.during.length,
      failed_after_accepting: r.failedAfter, recovery_ms: r.recoveryMs,
    }));
  }
  t.diagnostic(figures('fault: postgres restarts', {
    faults_injected: faults.length, requests: log.length, created_201: v.acknowledged, failed_503: counts[503] ?? 0,
    verified_rows: v.readable, committed_unacknowledged: v.unacknowledged, unaudited_creates: unaudited(practices, tag),
  }));
  t.diagnostic(figures('fault totals', { faults_injected: totals.faults, requests_sent: totals.requests, created_201: totals.created, verified_rows: totals.verified }));

  assert.deepEqual(badAnswers(log), [], 'answers other than 201 and the JSON 503 (a 502 or 500 means the outage leaked through)');
  assert.ok(rows[1].during.length > 0, 'no request was made while PostgreSQL was stopped');
  for (const f of rows) {
    for (const r of f.during) assert.equal(r.status, 503, `${f.kind}: ${r.title} while PostgreSQL was down: ${r.status} ${r.text}`);
  }
  for (const r of rows) {
    assert.ok(r.recoveryMs <= RECOVERY_LIMIT_MS, `${r.kind}: writes came back ${r.recoveryMs} ms after PostgreSQL accepted connections`);
  }
  assert.deepEqual(v.problems, []);
  assert.equal(v.readable, v.acknowledged);
  assert.deepEqual(broken, [], 'half-written data is visible');
  // the same workers reconnected: none had to be replaced
  assert.deepEqual(workers(), w0, 'workers were replaced instead of reconnecting');
  const h = await Promise.all(Array.from({ length: w0.length * 2 }, () => api('GET', '/api/health')));
  for (const r of h) assert.equal(r.status, 200, r.text);
});
