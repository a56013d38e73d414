// lib.mjs — what the API tests share: requests through nginx over TLS, users
// made with vsessionctl, logins, and direct database reads for checks.
import { execFileSync, spawnSync } from 'node:child_process';
import https from 'node:https';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const BASE = process.env.VSESSION_BASE_URL;
export const HTTP_BASE = process.env.VSESSION_HTTP_URL;
export const CTL = process.env.VSESSIONCTL;
if (!BASE || !CTL) throw new Error('source .vsession/env (or run through scripts/test) first');

const ca = process.env.NODE_EXTRA_CA_CERTS ? readFileSync(process.env.NODE_EXTRA_CA_CERTS) : undefined;

// A request through nginx with fetch. body: object (sent as JSON) or string/Buffer (sent raw).
export async function api(method, path, { token, body, headers = {}, cookie } = {}) {
  const h = { ...headers };
  let payload;
  if (body !== undefined) {
    if (typeof body === 'string' || Buffer.isBuffer(body)) payload = body;
    else payload = JSON.stringify(body);
    if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['Content-Type'] = 'application/json';
  }
  if (token) h.Authorization = `Bearer ${token}`;
  if (cookie) h.Cookie = cookie;
  const res = await fetch(BASE + path, { method, headers: h, body: payload, redirect: 'manual' });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  return { status: res.status, headers: res.headers, text, json };
}

// A request sent byte for byte (odd paths, methods and bodies fetch would normalize).
export function raw(method, path, { headers = {}, body, base = BASE } = {}) {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = https.request({ host: u.hostname, port: u.port, method, path, headers, ca, servername: 'localhost' }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try { json = JSON.parse(text); } catch { json = null; }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export function uniq(prefix = 'u') {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

// Creates a user with vsessionctl; returns {id, email, password, name}.
export function makeUser(role, { name, timezone = 'Europe/Berlin', password } = {}) {
  const email = `${uniq(role)}@test.example`;
  const pw = password ?? `pw-${randomBytes(8).toString('hex')}`;
  const nm = name ?? `${role[0].toUpperCase()}${role.slice(1)} ${randomBytes(2).toString('hex')}`;
  const out = execFileSync(CTL, ['user', 'add', '--role', role, '--email', email, '--name', nm, '--timezone', timezone, '--password-stdin'], { input: pw + '\n' });
  return { id: Number(String(out).trim()), email, password: pw, name: nm, timezone };
}

export function link(partner, client) {
  execFileSync(CTL, ['client', 'link', '--partner', partner.email, '--client', client.email]);
}

// Logs in; returns the token (and sets user.token).
export async function login(user) {
  const r = await api('POST', '/api/auth/login', { body: { email: user.email, password: user.password } });
  if (r.status !== 200) throw new Error(`login failed for ${user.email}: ${r.status} ${r.text}`);
  user.token = r.json.token;
  return r.json.token;
}

// A partner with one linked client, both logged in.
export async function practice() {
  const partner = makeUser('partner');
  const client = makeUser('client', { timezone: 'America/New_York' });
  link(partner, client);
  await login(partner);
  await login(client);
  return { partner, client };
}

// Runs SQL as the database owner and returns the rows as arrays of strings.
export function sql(query) {
  const r = spawnSync('psql', ['-X', '-qtA', '-F', '\t', '-v', 'ON_ERROR_STOP=1', process.env.VSESSION_DATABASE_URL, '-c', query], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t'));
}

// A checksum of every table's contents, to prove a request changed nothing.
export function dbChecksum() {
  const tables = ['users', 'partner_clients', 'login_sessions', 'bookings', 'video_sessions', 'appointments',
    'session_verifications', 'invites', 'attempt_counters', 'session_series'];
  return tables.map((t) => `${t}:${sql(`SELECT count(*) || ':' || coalesce(md5(string_agg(x::text, ',' ORDER BY x::text)), '') FROM ${t} x`)[0][0]}`).join(' ');
}

// An ISO time n minutes from now, rounded up to the next minute.
export function minutesFromNow(n) {
  const t = new Date(Date.now() + n * 60000);
  t.setUTCSeconds(0, 0);
  return t.toISOString().replace('.000Z', 'Z');
}

export const SECURITY_HEADERS = ['strict-transport-security', 'x-content-type-options', 'referrer-policy', 'content-security-policy'];

export function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }
