// helpers-extra.mjs — what the auth, authorization, pool and database tests add to lib.mjs:
// the route table read from app/api/routes.c, requests from a chosen loopback source address,
// hand-made JWTs, SQL as the API's own role, and a one-query checksum of the data.
import https from 'node:https';
import { spawn, spawnSync } from 'node:child_process';
import { createHmac, randomBytes, randomInt } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { BASE } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = process.env.VSESSION_ROOT ?? path.resolve(here, '..', '..');
const ca = process.env.NODE_EXTRA_CA_CERTS ? readFileSync(process.env.NODE_EXTRA_CA_CERTS) : undefined;

// ---- the route table ------------------------------------------------------------------------

// Every route of app/api/routes.c as {key, pattern, name, methods:[{method, public, body, bodyOptional}]}.
// Entries compiled only into test builds (#ifdef VSESSION_TESTING) are marked testOnly; the
// #else branch (a NULL pattern) is skipped.
export function routeTable(file = path.join(ROOT, 'app/api/routes.c')) {
  const src = readFileSync(file, 'utf8');
  const routes = [];
  const entry = /\[(ROUTE_\w+)\]\s*=\s*\{\s*(NULL|"([^"]*)")\s*,\s*"([^"]*)"\s*,\s*\{([\s\S]*?)\}\s*,\s*(\d+)\s*\}/g;
  let m;
  while ((m = entry.exec(src)) !== null) {
    if (m[2] === 'NULL') continue;
    const before = src.slice(0, m.index);
    const testOnly = /#ifdef\s+VSESSION_TESTING[^#]*$/.test(before);
    const methods = [...m[5].matchAll(/M\(\s*VS_(\w+)\s*,\s*\w+\s*,\s*([^)]*)\)/g)].map((x) => ({
      method: x[1],
      public: /VS_RF_PUBLIC/.test(x[2]),
      body: /\bVS_RF_BODY\b/.test(x[2]),
      bodyOptional: /\bVS_RF_BODY_OPTIONAL\b/.test(x[2]),
    }));
    if (methods.length !== Number(m[6])) throw new Error(`routes.c: ${m[1]} lists ${methods.length} methods but says ${m[6]}`);
    routes.push({ key: m[1], pattern: m[3], name: m[4], methods, testOnly });
  }
  if (routes.length < 5) throw new Error(`routes.c: only ${routes.length} routes parsed; has the table's shape changed?`);
  return routes;
}

// "/api/video-sessions/:id/join" with {id: 7} → "/api/video-sessions/7/join".
export function fill(pattern, id) {
  return pattern.replace(/:\w+/g, () => String(id));
}

// ---- requests from a chosen client address ----------------------------------------------------

// A loopback address nobody else uses: all of 127.0.0.0/8 is local on Linux, and nginx sees
// the source address of the connection as $remote_addr.
export function freshAddress() {
  return `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
}

// A request through nginx whose TCP connection comes from localAddress (default 127.0.0.1).
// body: object (sent as JSON) or string/Buffer. Resolves {status, headers, text, json, ms}.
export function request(method, urlPath, { from, body, headers = {}, token, cookie, agent } = {}) {
  const u = new URL(BASE);
  const h = { ...headers };
  let payload;
  if (body !== undefined) {
    payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['Content-Type'] = 'application/json';
    h['Content-Length'] = Buffer.byteLength(payload);
  }
  if (token) h.Authorization = `Bearer ${token}`;
  if (cookie) h.Cookie = cookie;
  const t0 = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: '127.0.0.1', port: u.port, servername: 'localhost', ca, method, path: urlPath, headers: h,
      localAddress: from, agent: agent ?? false,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try { json = text ? JSON.parse(text) : null; } catch { json = null; }
        resolve({ status: res.statusCode, headers: res.headers, text, json, ms: Number(process.hrtime.bigint() - t0) / 1e6 });
      });
    });
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

// nginx's own 429 (limit_req), as nginx/vsession-locations.conf.in writes it: the API's 429 for
// too many failed logins says something else.
function nginx429Body() {
  const conf = readFileSync(path.join(ROOT, 'nginx/vsession-locations.conf.in'), 'utf8');
  const m = /location @vsession_429[\s\S]*?return 429 '([^']*)'/.exec(conf);
  if (!m) throw new Error('nginx/vsession-locations.conf.in: no @vsession_429 body found');
  return m[1];
}
export const NGINX_429_BODY = nginx429Body();

// A login from a chosen address. nginx's limit_req (a first line in front of the API's own limits)
// may refuse a fast series of logins before the API counts them; those are sent again after a
// pause, so the API's counters see every try whatever rate the stack's nginx allows.
export async function loginFrom(from, email, password, headers = {}) {
  for (let i = 0; ; i++) {
    const r = await request('POST', '/api/auth/login', { from, body: { email, password }, headers });
    if (!(r.status === 429 && r.text === NGINX_429_BODY) || i >= 20) return r;
    await new Promise((res) => setTimeout(res, 500 + randomInt(0, 500)));
  }
}

// ---- JWTs made by hand --------------------------------------------------------------------------

export const b64url = (x) => Buffer.from(typeof x === 'string' ? x : JSON.stringify(x)).toString('base64url');

export function decodeJwt(token) {
  const [h, p] = token.split('.');
  return { header: JSON.parse(Buffer.from(h, 'base64url')), payload: JSON.parse(Buffer.from(p, 'base64url')) };
}

// header.payload signed with HS256 under secret (no signature part when secret is null).
export function signHs256(header, payload, secret) {
  const input = `${b64url(header)}.${b64url(payload)}`;
  if (secret === null) return `${input}.`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

// The stack's JWT secret, when the test can read it (scripts/test and scripts/run keep it in
// the state folder); null otherwise.
export function stackJwtSecret() {
  const dir = process.env.VSESSION_STATE_DIR;
  const f = dir && path.join(dir, 'jwt-secret');
  if (!f || !existsSync(f)) return null;
  return readFileSync(f, 'utf8').replace(/\r?\n$/, '');
}

// ---- the database -------------------------------------------------------------------------------

// The superuser conninfo with another user (the API connects as vsession_api).
export function conninfoAs(user) {
  const base = process.env.VSESSION_DATABASE_URL;
  if (/^postgres(ql)?:\/\//.test(base)) {
    const u = new URL(base);
    u.username = user;
    return u.toString();
  }
  return /\buser=\S+/.test(base) ? base.replace(/\buser=\S+/, `user=${user}`) : `${base} user=${user}`;
}

// Runs SQL as `user`; resolves {ok, rows, stderr} instead of throwing.
export function psqlAs(user, query) {
  const r = spawnSync('psql', ['-X', '-qtA', '-F', '\t', '-v', 'ON_ERROR_STOP=1', conninfoAs(user), '-c', query], { encoding: 'utf8' });
  return {
    ok: r.status === 0,
    rows: r.stdout.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t')),
    stderr: r.stderr,
  };
}

const CHECKSUM_TABLES = ['users', 'partner_clients', 'login_sessions', 'bookings', 'video_sessions', 'appointments',
  'session_verifications', 'invites', 'attempt_counters'];

// One psql call: a checksum of every data table except the append-only audit log. With userIds,
// only the rows that belong to those users (much faster on a database full of other tests' rows).
function checksumQuery(userIds) {
  const ids = userIds?.length ? userIds.map(Number).join(',') : null;
  const theirSessions = `SELECT id FROM video_sessions WHERE partner_id IN (${ids}) OR user_id IN (${ids})`;
  const where = ids === null ? {} : {
    users: `id IN (${ids})`,
    partner_clients: `partner_id IN (${ids}) OR client_id IN (${ids})`,
    login_sessions: `user_id IN (${ids})`,
    bookings: `partner_id IN (${ids})`,
    video_sessions: `partner_id IN (${ids}) OR user_id IN (${ids})`,
    appointments: `partner_id IN (${ids}) OR user_id IN (${ids})`,
    session_verifications: `user_id IN (${ids}) OR video_session_id IN (${theirSessions})`,
    invites: `video_session_id IN (${theirSessions})`,
  };
  return CHECKSUM_TABLES.map((t) => `SELECT '${t}:' || count(*) || ':' || coalesce(md5(string_agg(x::text, ',' ORDER BY x::text)), '') FROM ${t} x${where[t] ? ` WHERE ${where[t]}` : ''}`).join(' UNION ALL ');
}

export function dataChecksum(userIds) {
  const r = spawnSync('psql', ['-X', '-qtA', '-v', 'ON_ERROR_STOP=1', process.env.VSESSION_DATABASE_URL, '-c', checksumQuery(userIds)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
  return r.stdout.trim().split('\n').sort().join(' ');
}

// The same through a psql kept open (openPsql()).
export async function dataChecksumWith(db, userIds) {
  return (await db.query(checksumQuery(userIds))).map((r) => r[0]).sort().join(' ');
}

// A psql kept open for many quick queries: query(sql) resolves the rows as arrays of strings.
// Close it with end().
export function openPsql(conninfo = process.env.VSESSION_DATABASE_URL) {
  const p = spawn('psql', ['-X', '-qtA', '-F', '\t', '-v', 'ON_ERROR_STOP=0', conninfo], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '', err = '';
  let waiting = null;
  const MARK = `__done_${randomBytes(6).toString('hex')}__`;
  p.stdout.setEncoding('utf8');
  p.stderr.setEncoding('utf8');
  p.stderr.on('data', (c) => { err += c; });
  p.stdout.on('data', (c) => {
    out += c;
    const i = out.indexOf(`${MARK}\n`);
    if (i >= 0 && waiting) {
      const text = out.slice(0, i);
      out = out.slice(i + MARK.length + 1);
      const w = waiting;
      waiting = null;
      const e = err;
      err = '';
      if (e) w.reject(new Error(`psql: ${e}`));
      else w.resolve(text.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t')));
    }
  });
  let chain = Promise.resolve();
  const query = (q) => {
    const run = () => new Promise((resolve, reject) => {
      waiting = { resolve, reject };
      p.stdin.write(`${q.replace(/;\s*$/, '')};\n\\echo ${MARK}\n`);
    });
    const r = chain.then(run, run);
    chain = r.catch(() => {});
    return r;
  };
  return { query, end: () => { p.stdin.end(); return new Promise((r) => p.on('close', r)); } };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export function randomText(prefix) {
  return `${prefix}-${randomBytes(8).toString('hex')}`;
}
