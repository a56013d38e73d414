// lib.mjs — what the fault-injection tests share: a steady write load of session creates on
// distinct slots for many partners, the API's worker processes, PostgreSQL's pg_ctl with the
// options the stack started it with, and the checks that nothing committed was lost and nothing
// half-written is visible afterwards.
import https from 'node:https';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { api, makeUser, link, login, sql, sleep } from '../api/lib.mjs';

export { sleep, sql, api };

const BASE = process.env.VSESSION_BASE_URL;
const CA = process.env.NODE_EXTRA_CA_CERTS ? readFileSync(process.env.NODE_EXTRA_CA_CERTS) : undefined;
const PG_BIN = '/usr/lib/postgresql/15/bin';

// Milliseconds on one clock for requests and faults alike.
export const now = () => performance.timeOrigin + performance.now();

// ---- the API's processes ------------------------------------------------------------------------

export function master() {
  return Number(readFileSync(process.env.VSESSION_API_PID_FILE, 'utf8').trim());
}

export function workers() {
  const r = spawnSync('pgrep', ['-P', String(master())], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).map(Number).sort((a, b) => a - b);
}

// SIGKILLs one worker of the master, preferably one caught serving a request. An idle worker
// sits in poll() on its listening socket and self-pipe (two fds, no timeout: "7 ... 0x2
// 0xffffffff" in /proc/PID/syscall, x86-64 numbering); one serving a request is anywhere else
// (mostly libpq's poll on one fd). The watching runs in a separate shell so this process keeps
// driving the load meanwhile. After `ms` without catching a busy one, any worker is killed.
// Resolves {pid, busy} (pid 0 when there was no worker at all).
export function killWorker(ms = 400) {
  const script = `
    m=$1; end=$(( $(date +%s%N) / 1000000 + $2 ))
    while [ $(( $(date +%s%N) / 1000000 )) -lt $end ]; do
      for p in $(cat /proc/$m/task/$m/children 2>/dev/null); do
        read -r s rest < /proc/$p/syscall 2>/dev/null || continue
        case "$s $rest" in
          "7 "*" 0x2 0xffffffff "*) ;;
          *) kill -KILL $p 2>/dev/null && { echo "$p busy"; exit 0; } ;;
        esac
      done
    done
    set -- $(cat /proc/$m/task/$m/children 2>/dev/null)
    [ $# -gt 0 ] || { echo "0 none"; exit 0; }
    shift $(( RANDOM % $# ))
    kill -KILL $1 2>/dev/null && echo "$1 idle" || echo "0 none"`;
  return new Promise((resolve) => {
    const p = spawn('bash', ['-c', script, 'kill-worker', String(master()), String(ms)], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.on('close', () => {
      const [pid, how] = out.trim().split(' ');
      resolve({ pid: Number(pid) || 0, busy: how === 'busy' });
    });
  });
}

// ---- PostgreSQL ---------------------------------------------------------------------------------

const DATA = process.env.VSESSION_PG_DATA;

export function pgCtl(args, timeout = 60000) {
  return spawnSync('runuser', ['-u', 'postgres', '--', path.join(PG_BIN, 'pg_ctl'), '-D', DATA, ...args], { encoding: 'utf8', timeout });
}

export function pgRunning() {
  return pgCtl(['status']).status === 0;
}

// The options the cluster was started with (postmaster.opts, as scripts/lib/common.sh's vs_pg_start
// gave them), so a start after a stop brings back the same socket, port and settings.
export function pgStartOptions() {
  const opts = readFileSync(path.join(DATA, 'postmaster.opts'), 'utf8');
  const args = [...opts.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]);
  const i = args.indexOf('-D');
  if (i >= 0) args.splice(i, 2);
  if (!args.includes('-k')) args.push('-k', process.env.VSESSION_PG_SOCKET, '-p', process.env.VSESSION_PG_PORT, '-c', 'listen_addresses=');
  return args.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
}

export function pgStart(opts) {
  const r = pgCtl(['-l', path.join(DATA, 'server.log'), '-w', '-t', '60', '-o', opts, 'start']);
  if (r.status !== 0) throw new Error(`pg_ctl start failed: ${r.stdout} ${r.stderr}`);
}

// pg_ctl in the background (so the load keeps running while it works); resolves its exit code.
export function pgCtlAsync(args) {
  return new Promise((resolve) => {
    const p = spawn('runuser', ['-u', 'postgres', '--', path.join(PG_BIN, 'pg_ctl'), '-D', DATA, ...args], { stdio: 'ignore' });
    p.on('close', (code) => resolve(code));
  });
}

export function pgIsReady() {
  return new Promise((resolve) => {
    const p = spawn(path.join(PG_BIN, 'pg_isready'), ['-q', '-h', process.env.VSESSION_PG_SOCKET, '-p', process.env.VSESSION_PG_PORT, '-t', '1'], { stdio: 'ignore' });
    p.on('close', (code) => resolve(code === 0));
  });
}

// Probes with pg_isready every ~20 ms until stop() and records each change between accepting
// and not accepting connections, at the moment the probe that saw it answered.
export function watchPostgres() {
  let on = true;
  const transitions = [];
  const done = (async () => {
    let ready = true;
    while (on) {
      const up = await pgIsReady();
      if (up !== ready) { transitions.push({ up, at: now() }); ready = up; }
      await sleep(20);
    }
  })();
  return { transitions, stop: async () => { on = false; await done; } };
}

// ---- the write load -----------------------------------------------------------------------------

// Partners, each with one linked client, all logged in.
export async function partners(n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const partner = makeUser('partner');
    const client = makeUser('client');
    link(partner, client);
    await login(partner);
    out.push({ partner, client });
  }
  return out;
}

function post(urlPath, token, body, agent) {
  const u = new URL(BASE);
  const payload = JSON.stringify(body);
  const t0 = now();
  return new Promise((resolve) => {
    const req = https.request({ host: '127.0.0.1', port: u.port, servername: 'localhost', ca: CA, agent, method: 'POST', path: urlPath,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try { json = JSON.parse(text); } catch { json = null; }
        resolve({ status: res.statusCode, json, text, t0, t1: now() });
      });
    });
    req.setTimeout(30000, () => req.destroy(new Error('timed out')));
    req.on('error', (e) => resolve({ status: 0, json: null, text: e.message, t0, t1: now() }));
    req.end(payload);
  });
}

export function iso(ms) { return new Date(ms).toISOString().replace('.000Z', 'Z'); }

// Runs lanesPer lanes per partner until stop() is called (titles start with `fault TAG `), each creating 30-minute sessions without
// a password on its own slots (lane j of a partner takes hours j, j+lanesPer, ... from dayOffset
// days ahead), so no two requests ever overlap. Returns {stop, done}; done resolves the log of
// every request: {partner, client, start, title, status, id, code, t0, t1}.
export function writeLoad(practices, { lanesPer = 2, dayOffset = 30, tag = 'load' } = {}) {
  let stopped = false;
  const log = [];
  const base = new Date(Date.now() + dayOffset * 86400000);
  base.setUTCHours(0, 0, 0, 0);
  const lanes = [];
  for (const [pi, { partner, client }] of practices.entries()) {
    for (let j = 0; j < lanesPer; j++) {
      lanes.push((async () => {
        const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
        for (let k = 0; !stopped; k++) {
          const slot = j + k * lanesPer;
          const start = base.getTime() + slot * 3600000;
          const title = `fault ${tag} p${pi} s${slot}`;
          const r = await post('/api/video-sessions', partner.token,
            { user_id: client.id, title, session_date: iso(start), duration_minutes: 30, password_enabled: false }, agent);
          log.push({ partner, client, start, title, status: r.status, id: r.status === 201 ? r.json?.id : null,
            code: r.json?.error?.code ?? null, text: r.status === 201 ? '' : r.text.slice(0, 200), t0: r.t0, t1: r.t1 });
        }
        agent.destroy();
      })());
    }
  }
  return { stop: () => { stopped = true; }, done: Promise.all(lanes).then(() => log) };
}

// ---- what must hold afterwards -----------------------------------------------------------------

// Every acknowledged create is readable through the API with what was sent, and is in the
// database; rows nobody was told about (committed, then the answer was lost) match a request
// that did not get its 201 (only this load's rows: titles `fault TAG ...`). Returns the figures.
export async function verifyCommitted(log, practices, tag) {
  const problems = [];
  const ok = log.filter((r) => r.status === 201);
  let readable = 0;
  for (let i = 0; i < ok.length; i += 64) {
    const batch = ok.slice(i, i + 64);
    const rs = await Promise.all(batch.map((r) => api('GET', `/api/video-sessions/${r.id}`, { token: r.partner.token })));
    rs.forEach((g, k) => {
      const r = batch[k];
      if (g.status !== 200) problems.push(`session ${r.id} (201 at ${iso(r.t1)}) reads ${g.status} ${g.text.slice(0, 120)}`);
      else if (g.json.title !== r.title || g.json.session_date !== iso(r.start) || g.json.partner_id !== r.partner.id || g.json.user_id !== r.client.id) {
        problems.push(`session ${r.id} reads back different: ${g.text.slice(0, 200)}`);
      } else readable++;
    });
  }
  const partnerIds = practices.map((p) => p.partner.id);
  const rows = sql(`SELECT id, partner_id, title FROM video_sessions WHERE partner_id IN (${partnerIds.join(',')}) AND title LIKE 'fault ${tag} %'`);
  const inDb = new Map(rows.map(([id, pid, title]) => [Number(id), { pid: Number(pid), title }]));
  let inDatabase = 0;
  for (const r of ok) {
    if (inDb.has(r.id)) inDatabase++;
    else problems.push(`session ${r.id} got a 201 but is not in the database`);
  }
  const acked = new Set(ok.map((r) => r.id));
  const unacked = rows.filter(([id]) => !acked.has(Number(id)));
  const failedTitles = new Set(log.filter((r) => r.status !== 201).map((r) => `${r.partner.id}/${r.title}`));
  for (const [id, pid, title] of unacked) {
    if (!failedTitles.has(`${pid}/${title}`)) problems.push(`session ${id} (${title}) is in the database but no request for it failed`);
  }
  return { acknowledged: ok.length, readable, inDatabase, unacknowledged: unacked.length, problems };
}

// Nothing half-written anywhere in the database: every video session has its booking (same
// range, active unless cancelled) and every booking its object, and every session its partner link.
export function integrityProblems() {
  const q = (s) => Number(sql(s)[0][0]);
  const checks = {
    'video sessions without their booking': `SELECT count(*) FROM video_sessions v WHERE NOT EXISTS (SELECT 1 FROM bookings b
      WHERE b.kind = 'video_session' AND b.ref_id = v.id AND b.partner_id = v.partner_id
        AND b.during = tstzrange(v.session_date, v.end_date, '[)') AND b.active = (v.status <> 'cancelled'))`,
    'bookings without their video session': `SELECT count(*) FROM bookings b WHERE b.kind = 'video_session'
      AND NOT EXISTS (SELECT 1 FROM video_sessions v WHERE v.id = b.ref_id)`,
    'appointments without their booking': `SELECT count(*) FROM appointments a WHERE NOT EXISTS (SELECT 1 FROM bookings b
      WHERE b.kind = 'appointment' AND b.ref_id = a.id AND b.during = tstzrange(a.starts_at, a.ends_at, '[)'))`,
    'bookings without their appointment': `SELECT count(*) FROM bookings b WHERE b.kind = 'appointment'
      AND NOT EXISTS (SELECT 1 FROM appointments a WHERE a.id = b.ref_id)`,
    'video sessions without their partner link': `SELECT count(*) FROM video_sessions v WHERE NOT EXISTS
      (SELECT 1 FROM partner_clients pc WHERE pc.partner_id = v.partner_id AND pc.client_id = v.user_id)`,
    'overlapping active bookings of one partner': `SELECT count(*) FROM bookings a JOIN bookings b ON a.partner_id = b.partner_id
      AND a.id < b.id AND a.active AND b.active AND a.during && b.during`,
  };
  const out = [];
  for (const [what, s] of Object.entries(checks)) {
    const n = q(s);
    if (n !== 0) out.push(`${n} ${what}`);
  }
  return out;
}

// Sessions of these partners with no audit row for their creation (the audit is written after the
// insert commits, so a worker killed in between leaves a session unaudited): a figure, not a check.
export function unaudited(practices, tag) {
  const ids = practices.map((p) => p.partner.id).join(',');
  return Number(sql(`SELECT count(*) FROM video_sessions v WHERE v.partner_id IN (${ids}) AND v.title LIKE 'fault ${tag} %'
    AND v.id NOT IN (SELECT a.object_id FROM audit_log a WHERE a.action = 'video_session.create' AND a.object_id IS NOT NULL)`)[0][0]);
}

// Statuses counted: {"201": n, "503": n, ...}.
export function statusCounts(log) {
  const c = {};
  for (const r of log) c[r.status] = (c[r.status] ?? 0) + 1;
  return c;
}
