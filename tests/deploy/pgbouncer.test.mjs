// PgBouncer in transaction mode between the workers and PostgreSQL: the whole API test suite
// (tests/api) passes against an API whose 8 workers share 4 server connections through
// PgBouncer with VSESSION_DB_PREPARE=off; with VSESSION_DB_PREPARE=on the same setup breaks
// (server-side prepared statements belong to one server connection, and transaction pooling
// hands each transaction whichever one is free), which is why the setting exists.
//
// Beside the shared stack, on its PostgreSQL: a PgBouncer (Debian's pgbouncer, as user postgres,
// unix socket only), a vsession-api and an nginx rendered from the shipped templates, each on
// its own socket, port and folder. The suite runs against that nginx (VSESSION_BASE_URL and
// VSESSION_API_PID_FILE point at the private ones).
//
// Left out of the suite: database.test.mjs — it stops the shared PostgreSQL cluster and starts
// it again (an outage test of the direct connection, and the cluster is the stack's).
// pool.test.mjs runs: its SIGKILL test kills a worker of the private API named by
// VSESSION_API_PID_FILE, and its other tests start their own instances.
//
// The suite sees this private stack as its own: VSESSION_BASE_URL, VSESSION_HTTP_URL,
// VSESSION_API_PID_FILE and VSESSION_STATE_DIR (api.log, nginx-state/access.log, jwt-secret)
// point here. VSESSION_PGBOUNCER_SUITE="auth.test.mjs,errors.test.mjs" runs only those files.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeUser, link } from '../api/lib.mjs';
import {
  ROOT, requireStack, tempDir, freePort, renderNginx, startNginx, startApi, req, runCount, statusCounts, waitFor,
  within, removeDir, track, untrack,
} from './lib.mjs';

const EXCLUDED = { 'database.test.mjs': 'stops and restarts the shared PostgreSQL cluster' };
// In scripts/test's asan layer the workers are sanitized: their exit-time leak check slows the
// worker stops and restarts that pool.test.mjs times (the api layer runs it, unsanitized).
if (process.env.VSESSION_PGBOUNCER_WHOLE_SUITE === 'sanitized') {
  EXCLUDED['pool.test.mjs'] = 'times worker stops and restarts, which the sanitizers slow';
}
const POOL_SIZE = 4;
const WORKERS = 8;

let dir, pgb, nginx, ports, sock, bouncerUrl;

function pgbouncerVersion() {
  const r = spawnSync('pgbouncer', ['--version'], { encoding: 'utf8' });
  const m = /PgBouncer (\d+)\.(\d+)/i.exec(`${r.stdout}${r.stderr}`);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

// Starts PgBouncer (daemonized, as postgres) on a unix socket in dir; resolves {port, stop()}.
async function startPgbouncer(folder) {
  const port = await freePort();
  const pgSock = process.env.VSESSION_PG_SOCKET;
  const pgPort = process.env.VSESSION_PG_PORT;
  const { uid, gid } = (() => {
    const r = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const g = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    return { uid: Number(r.stdout), gid: Number(g.stdout) };
  })();
  const ini = path.join(folder, 'pgbouncer.ini');
  writeFileSync(path.join(folder, 'userlist.txt'), '"vsession_api" ""\n"postgres" ""\n');
  writeFileSync(ini, `;; PgBouncer for the deploy tests: unix socket only, transaction pooling.
[databases]
vsession = host=${pgSock} port=${pgPort} dbname=vsession

[pgbouncer]
listen_addr =
listen_port = ${port}
unix_socket_dir = ${folder}
unix_socket_mode = 0777
auth_type = trust
auth_file = ${folder}/userlist.txt
admin_users = postgres
pool_mode = transaction
default_pool_size = ${POOL_SIZE}
max_client_conn = 500
logfile = ${folder}/pgbouncer.log
pidfile = ${folder}/pgbouncer.pid
`);
  for (const f of ['', 'pgbouncer.ini', 'userlist.txt']) chownSync(path.join(folder, f), uid, gid);
  const r = spawnSync('runuser', ['-u', 'postgres', '--', 'pgbouncer', '-d', '-q', ini], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pgbouncer did not start: ${r.stderr}`);
  await waitFor('the pgbouncer socket', () => existsSync(path.join(folder, `.s.PGSQL.${port}`)), 5000);
  const pid = Number(readFileSync(path.join(folder, 'pgbouncer.pid'), 'utf8'));
  track(`pgbouncer:${pid}`, () => process.kill(pid, 'SIGINT'));
  return {
    port,
    stop() {
      untrack(`pgbouncer:${pid}`);
      try { process.kill(pid, 'SIGINT'); } catch { /* gone */ }
    },
  };
}

// One row of PgBouncer's admin console for database vsession: SHOW <what>.
function pgbouncerShow(what) {
  const r = spawnSync('psql', ['-X', '-qAt', '-F', '\t', '-h', dir, '-p', String(pgb.port), '-U', 'postgres', 'pgbouncer',
    '-c', `SHOW ${what}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`SHOW ${what}: ${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t'));
}

before(async () => {
  requireStack();
  dir = tempDir('pgbouncer');
  pgb = await startPgbouncer(dir);
  // The suite reads the stack's JWT secret from VSESSION_STATE_DIR, which is this folder for it.
  copyFileSync(path.join(process.env.VSESSION_STATE_DIR, 'jwt-secret'), path.join(dir, 'jwt-secret'));
  bouncerUrl = `host=${dir} port=${pgb.port} dbname=vsession user=vsession_api`;
  sock = path.join(dir, 'api.sock');
  ports = await renderNginx(dir, [`unix:${sock}`]);
  nginx = await startNginx(path.join(dir, 'nginx-state'), ports.conf, path.join(dir, 'nginx-state', 'nginx.pid'), ports.https);
});

after(async () => {
  await nginx?.stop();
  pgb?.stop();
  if (dir) removeDir(dir);
});

async function startBehindPgbouncer(t, prepare) {
  const inst = await startApi({
    dir, name: 'api', listen: `unix:${sock}`, workers: WORKERS,
    env: { VSESSION_DATABASE_URL: bouncerUrl, VSESSION_DB_PREPARE: prepare, VSESSION_PUBLIC_URL: `https://localhost:${ports.https}` },
  });
  writeFileSync(path.join(dir, 'api.pid'), `${inst.pid}\n`);
  t.after(() => inst.stop());
  return inst;
}

// scripts/test runs this test in its asan layer, against sanitized workers, when that layer runs
// too (VSESSION_PGBOUNCER_WHOLE_SUITE=asan in the deploy layer), so the suite runs once for both.
const wholeSuiteElsewhere = process.env.VSESSION_PGBOUNCER_WHOLE_SUITE === 'asan'
  ? 'run by the asan layer of this scripts/test run, against ASan + UBSan workers' : false;

test('the whole API suite passes through PgBouncer in transaction mode with VSESSION_DB_PREPARE=off', { skip: wholeSuiteElsewhere }, async (t) => {
  await startBehindPgbouncer(t, 'off');
  const apiDir = path.join(ROOT, 'tests', 'api');
  const only = process.env.VSESSION_PGBOUNCER_SUITE?.split(/[,\s]+/).filter(Boolean);
  const files = readdirSync(apiDir).filter((f) => f.endsWith('.test.mjs') && !(f in EXCLUDED) && (!only || only.includes(f))).sort();
  assert.ok(files.length > 0, `no test files chosen (VSESSION_PGBOUNCER_SUITE=${process.env.VSESSION_PGBOUNCER_SUITE})`);
  t.diagnostic(`running ${files.join(' ')}; left out: ${Object.entries(EXCLUDED).map(([f, why]) => `${f} (${why})`).join('; ')}`);
  const env = {
    ...process.env,
    VSESSION_BASE_URL: `https://localhost:${ports.https}`,
    VSESSION_HTTP_URL: `http://localhost:${ports.http}`,
    VSESSION_API_PID_FILE: path.join(dir, 'api.pid'),
    VSESSION_STATE_DIR: dir,
  };
  delete env.NODE_TEST_CONTEXT; // a node --test of its own, not a subtest of this runner
  const xactBefore = Number(pgbouncerShow('STATS').find((r) => r[0] === 'vsession')?.[1] ?? 0);
  const child = spawn(process.execPath, ['--test', '--test-concurrency=1', ...files.map((f) => path.join(apiDir, f))],
    { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => { out += c; });
  child.stderr.on('data', (c) => { out += c; });
  // A time budget for the whole suite, not a latency check: generous, as the suite grows and the
  // test machine is shared.
  const code = await within(new Promise((r) => child.on('close', r)), 900000, 'timeout');
  if (code === 'timeout') child.kill('SIGKILL');
  const summary = Object.fromEntries([...out.matchAll(/^# (tests|pass|fail|cancelled|skipped) (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
  // Each failure with the first lines of its YAML block (the assertion message).
  const failures = [...out.matchAll(/^not ok \d+ - (.*)\n((?:  .*\n){0,40})/gm)]
    .filter((m) => !/# TODO/.test(m[1]))
    .map((m) => `${m[1]}\n${m[2].split('\n').filter((l) => /error:|^\s{4}\S/.test(l)).slice(0, 8).join('\n')}`);
  const servers = pgbouncerShow('SERVERS').filter((r) => r.includes('vsession')).length;
  const xacts = Number(pgbouncerShow('STATS').find((r) => r[0] === 'vsession')?.[1] ?? 0) - xactBefore;
  t.diagnostic(`suite through PgBouncer: ${JSON.stringify(summary)}; ${xacts} transactions over at most ${POOL_SIZE} ` +
    `server connections (${servers} open now) for ${WORKERS} workers`);
  assert.equal(code, 0, `the API suite failed through PgBouncer:\n${failures.join('\n')}\n${failures.length ? '' : out.slice(-3000)}`);
  assert.ok(summary.fail === 0 && summary.pass >= (only ? 1 : 40), JSON.stringify(summary));
  assert.ok(xacts > 500, `only ${xacts} transactions went through PgBouncer`);
  assert.ok(servers <= POOL_SIZE, `${servers} server connections for a pool of ${POOL_SIZE}`);
});

test('with VSESSION_DB_PREPARE=on the same PgBouncer breaks requests: prepared statements do not survive transaction pooling', async (t) => {
  const version = pgbouncerVersion();
  await startBehindPgbouncer(t, 'on');
  const partner = makeUser('partner');
  const client = makeUser('client');
  link(partner, client);
  // Log in directly is not possible here (everything goes through PgBouncer): retry until one works.
  let token = null;
  for (let i = 0; i < 20 && !token; i++) {
    const l = await req(ports.https, 'POST', '/api/auth/login', { body: { email: partner.email, password: partner.password } });
    if (l.status === 200) token = l.json.token;
  }
  const paths = ['/api/health', '/api/auth/me', `/api/partners/${partner.id}/clients`];
  let i = 0;
  const log = await runCount(300, WORKERS, () => req(ports.https, 'GET', paths[i++ % paths.length], { token }));
  const counts = statusCounts(log);
  const failed = log.filter((x) => x.status !== 200).length;
  t.diagnostic(`PgBouncer ${version?.join('.')} with VSESSION_DB_PREPARE=on: login ${token ? 'worked' : 'never worked'}; ` +
    `300 GETs: ${JSON.stringify(counts)} (${(100 * failed / log.length).toFixed(1)}% failed)`);
  if (version && (version[0] > 1 || version[1] >= 21)) {
    t.diagnostic('PgBouncer 1.21+ can track protocol-level prepared statements (max_prepared_statements); not asserting');
    return;
  }
  assert.ok(failed > 0, 'prepared statements worked through transaction pooling: VSESSION_DB_PREPARE=off would not be needed');
});
