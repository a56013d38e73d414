#!/usr/bin/env node
// bench-prepare.mjs — what VSESSION_DB_PREPARE=off (needed behind PgBouncer in transaction mode)
// costs: wrk against GET /api/video-sessions/:id (read by the session's client: two reads, no
// audit write) through a private nginx, with the API's workers connected
//   1. straight to PostgreSQL, prepared statements on (the default);
//   2. straight to PostgreSQL, prepared statements off;
//   3. through PgBouncer (transaction pooling), prepared statements off;
// each on a fresh private instance beside the shared stack. Prints one line per setup.
//
// usage: node tests/deploy/bench-prepare.mjs [--seconds N] [--connections N] [--workers N] [--rounds N]
// With several rounds the setups take turns (1 2 3 1 2 3 ...) and the median of each is printed,
// so a busy machine's swings hit all three alike.
// Needs the stack's environment (scripts/test, or source the stack's env file) and wrk.
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeUser, link } from '../api/lib.mjs';
import { requireStack, tempDir, freePort, renderNginx, startNginx, startApi, req, waitFor, removeDir, sleep, track } from './lib.mjs';

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log('usage: node tests/deploy/bench-prepare.mjs [--seconds N] [--connections N] [--workers N] [--rounds N]');
  process.exit(0);
}
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? Number(args[i + 1]) : dflt; };
const SECONDS = opt('--seconds', 8);
const CONNECTIONS = opt('--connections', 16);
const WORKERS = opt('--workers', 8);
const ROUNDS = opt('--rounds', 1);

requireStack();
const dir = tempDir('bench');
const sock = path.join(dir, 'api.sock');
const ports = await renderNginx(dir, [`unix:${sock}`]);
const nginx = await startNginx(path.join(dir, 'nginx-state'), ports.conf, path.join(dir, 'nginx-state', 'nginx.pid'), ports.https);

// PgBouncer as in pgbouncer.test.mjs: unix socket only, transaction pooling, 4 server connections.
const pgbPort = await freePort();
const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout);
const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout);
writeFileSync(path.join(dir, 'userlist.txt'), '"vsession_api" ""\n');
writeFileSync(path.join(dir, 'pgbouncer.ini'), `[databases]
vsession = host=${process.env.VSESSION_PG_SOCKET} port=${process.env.VSESSION_PG_PORT} dbname=vsession
[pgbouncer]
listen_addr =
listen_port = ${pgbPort}
unix_socket_dir = ${dir}
auth_type = trust
auth_file = ${dir}/userlist.txt
pool_mode = transaction
default_pool_size = 4
max_client_conn = 200
logfile = ${dir}/pgbouncer.log
pidfile = ${dir}/pgbouncer.pid
`);
for (const f of ['', 'pgbouncer.ini', 'userlist.txt']) chownSync(path.join(dir, f), uid, gid);
spawnSync('runuser', ['-u', 'postgres', '--', 'pgbouncer', '-d', '-q', path.join(dir, 'pgbouncer.ini')]);
await waitFor('pgbouncer', () => existsSync(path.join(dir, `.s.PGSQL.${pgbPort}`)), 5000);
const pgbPid = Number(readFileSync(path.join(dir, 'pgbouncer.pid'), 'utf8'));
track('pgbouncer', () => process.kill(pgbPid, 'SIGINT'));

const partner = makeUser('partner');
const client = makeUser('client');
link(partner, client);
const setups = [
  ['direct, prepare on ', process.env.VSESSION_API_DATABASE_URL, 'on'],
  ['direct, prepare off', process.env.VSESSION_API_DATABASE_URL, 'off'],
  ['pgbouncer, prepare off', `host=${dir} port=${pgbPort} dbname=vsession user=vsession_api`, 'off'],
];
let sessionId = null, token = null;
const results = new Map(setups.map(([name]) => [name, []]));
const median = (xs) => { const a = [...xs].sort((x, y) => x - y); return a[Math.floor(a.length / 2)]; };
try {
  for (let round = 0; round < ROUNDS; round++) for (const [name, url, prepare] of setups) {
    const api = await startApi({ dir, name: `bench-${prepare}`, listen: `unix:${sock}`, workers: WORKERS,
      env: { VSESSION_DATABASE_URL: url, VSESSION_DB_PREPARE: prepare } });
    try {
      if (!sessionId) {
        const ptoken = (await req(ports.https, 'POST', '/api/auth/login', { body: { email: partner.email, password: partner.password } })).json.token;
        const start = new Date(Date.now() + 9 * 86400000);
        start.setUTCHours(9, 0, 0, 0);
        const s = await req(ports.https, 'POST', '/api/video-sessions', { token: ptoken,
          body: { user_id: client.id, title: 'Bench', session_date: start.toISOString(), duration_minutes: 60 } });
        sessionId = s.json.id;
        token = (await req(ports.https, 'POST', '/api/auth/login', { body: { email: client.email, password: client.password } })).json.token;
      }
      const url2 = `https://localhost:${ports.https}/api/video-sessions/${sessionId}`;
      const check = await req(ports.https, 'GET', `/api/video-sessions/${sessionId}`, { token });
      if (check.status !== 200) throw new Error(`${name}: GET answered ${check.status} ${check.text}`);
      spawnSync('wrk', ['-t2', '-c', String(CONNECTIONS), '-d2s', '-H', `Authorization: Bearer ${token}`, url2]); // warm-up
      const w = spawnSync('wrk', ['-t2', '-c', String(CONNECTIONS), `-d${SECONDS}s`, '--latency', '-H', `Authorization: Bearer ${token}`, url2], { encoding: 'utf8' });
      const rps = /Requests\/sec:\s+([\d.]+)/.exec(w.stdout)?.[1];
      const p50 = /\s50%\s+(\S+)/.exec(w.stdout)?.[1];
      const p99 = /\s99%\s+(\S+)/.exec(w.stdout)?.[1];
      const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(w.stdout)?.[1] ?? '0';
      results.get(name).push(Number(rps));
      console.log(`${name.padEnd(24)} ${rps} req/s  p50 ${p50}  p99 ${p99}  non-2xx ${non2xx}`);
    } finally {
      await api.stop();
      await sleep(200);
    }
  }
  if (ROUNDS > 1) {
    const base = median(results.get(setups[0][0]));
    console.log(`medians of ${ROUNDS} rounds:`);
    for (const [name, xs] of results) console.log(`${name.padEnd(24)} ${median(xs).toFixed(0)} req/s (${(100 * median(xs) / base).toFixed(0)}%)`);
  }
} finally {
  await nginx.stop();
  try { process.kill(pgbPid, 'SIGINT'); } catch { /* gone */ }
  removeDir(dir);
}
