// lib.mjs — what the deploy tests share: private vsession-api instances and private nginx
// servers started beside the shared stack (own folders, own ports, own sockets; the shared
// stack's API is never touched), a small FastCGI client to talk to one instance directly,
// HTTPS requests to a chosen port, and a steady-load runner that records every answer.
//
// Everything started here is stopped by the caller's t.after()/after() hooks; processes run in
// their own process groups so a stop reaches the master and every worker.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = process.env.VSESSION_ROOT ?? path.resolve(here, '..', '..');
export const STATE = process.env.VSESSION_STATE_DIR;
export const API_BIN = process.env.VSESSION_API_BIN ??
  path.join(process.env.VSESSION_BUILD_DIR ?? path.dirname(process.env.VSESSIONCTL ?? '.'), 'vsession-api');
export const CA = process.env.NODE_EXTRA_CA_CERTS ? readFileSync(process.env.NODE_EXTRA_CA_CERTS) : undefined;

// The stack's variables every deploy test needs; one clear error instead of odd failures later.
export function requireStack() {
  const missing = ['VSESSION_STATE_DIR', 'VSESSION_BASE_URL', 'VSESSION_DATABASE_URL', 'VSESSION_API_DATABASE_URL',
    'VSESSIONCTL', 'NODE_EXTRA_CA_CERTS'].filter((k) => !process.env[k]);
  if (missing.length) throw new Error(`missing ${missing.join(', ')}: run through scripts/test (or source the stack's env)`);
  if (!existsSync(API_BIN)) throw new Error(`no vsession-api at ${API_BIN} (set VSESSION_API_BIN)`);
}

// Whatever this process started and has not stopped yet is killed when it exits, even on a crash:
// API masters by process group, nginx masters and PgBouncer by pid.
const leftovers = new Map();
export function track(key, kill) { leftovers.set(key, kill); }
export function untrack(key) { leftovers.delete(key); }
process.on('exit', () => {
  for (const kill of leftovers.values()) { try { kill(); } catch { /* gone */ } }
});

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Resolves what `promise` resolves, or `fallback` after ms; the timer never keeps node alive.
export function within(promise, ms, fallback = null) {
  let timer;
  const t = new Promise((r) => { timer = setTimeout(() => r(fallback), ms); });
  return Promise.race([promise, t]).finally(() => clearTimeout(timer));
}

// Polls fn until it returns something truthy; throws after ms. Resolves {value, ms}.
export async function waitFor(what, fn, ms, step = 25) {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return { value: v, ms: Date.now() - t0 };
    if (Date.now() - t0 > ms) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(step);
  }
}

// A folder under /tmp that nginx's workers (www-data) can traverse; removed by the returned function.
export function tempDir(prefix) {
  const dir = mkdtempSync(path.join('/tmp', `vsession-deploy-${prefix}-`));
  chmodSync(dir, 0o755);
  return dir;
}

// A TCP port free right now on 127.0.0.1 (the kernel picks it).
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export function alive(pid) {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); // a zombie is dead
  } catch {
    return false;
  }
}

export function children(pid) {
  const r = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).map(Number).filter(alive).sort((a, b) => a - b);
}

// ---- vsession-api instances -----------------------------------------------------------------------

// Starts a vsession-api master in its own process group with stderr to dir/<name>.log.
// listen: "unix:/path" or "127.0.0.1:port". env: extra or overriding variables (undefined removes one).
// Resolves {pid, logPath, log(), workers(), stop(), killGroup()} once `workers` workers run and the
// socket accepts connections.
export async function startApi({ dir, name = 'api', listen, env = {}, workers = 3 }) {
  const logPath = path.join(dir, `${name}.log`);
  const fd = openSync(logPath, 'a');
  const e = {
    PATH: process.env.PATH,
    VSESSION_DATABASE_URL: process.env.VSESSION_API_DATABASE_URL,
    VSESSION_LISTEN: listen,
    VSESSION_SOCKET_GROUP: 'www-data',
    VSESSION_JWT_SECRET_FILE: path.join(STATE, 'jwt-secret'),
    VSESSION_PUBLIC_URL: process.env.VSESSION_BASE_URL,
    VSESSION_WORKERS: String(workers),
    JITSI_DOMAIN: process.env.JITSI_DOMAIN ?? process.env.VSESSION_JITSI_DOMAIN,
    // a sanitized build (the asan layer) writes its reports where the layer looks for them
    ASAN_OPTIONS: process.env.ASAN_OPTIONS,
    UBSAN_OPTIONS: process.env.UBSAN_OPTIONS,
    ...env,
  };
  for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k];
  const p = spawn(API_BIN, [], { env: e, stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  track(`api:${p.pid}`, () => process.kill(-p.pid, 'SIGKILL'));
  const exited = new Promise((resolve) => p.on('exit', (code, signal) => { untrack(`api:${p.pid}`); resolve({ code, signal }); }));
  const inst = {
    pid: p.pid,
    logPath,
    exited,
    log: () => readFileSync(logPath, 'utf8'),
    workers: () => children(p.pid),
    // SIGTERM, then SIGKILL to the whole group if the master is not gone within ms.
    async stop(ms = 15000) {
      if (!alive(p.pid)) return;
      try { process.kill(p.pid, 'SIGTERM'); } catch { /* gone */ }
      const done = await within(exited, ms);
      if (!done) inst.killGroup();
      await exited;
    },
    killGroup() {
      try { process.kill(-p.pid, 'SIGKILL'); } catch { /* gone */ }
    },
  };
  try {
    await waitFor(`${name}: ${workers} workers`, () => {
      if (!alive(p.pid)) throw new Error(`${name} exited at start:\n${inst.log()}`);
      return inst.workers().length === workers;
    }, 10000);
    await waitFor(`${name}: the socket`, () => canConnect(listen), 10000);
  } catch (err) {
    inst.killGroup();
    throw err;
  }
  return inst;
}

function connectOptions(target) {
  if (target.startsWith('unix:')) return { path: target.slice(5) };
  const i = target.lastIndexOf(':');
  return { host: target.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(target.slice(i + 1)) };
}

function canConnect(target) {
  return new Promise((resolve) => {
    const s = net.connect(connectOptions(target));
    s.on('connect', () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}

// ---- a FastCGI client (one request per connection, as nginx sends them) ---------------------------

function fcgiRecord(type, content = Buffer.alloc(0)) {
  const pad = (8 - (content.length % 8)) % 8;
  const h = Buffer.from([1, type, 0, 1, content.length >> 8, content.length & 255, pad, 0]);
  return Buffer.concat([h, content, Buffer.alloc(pad)]);
}

function fcgiLength(n) {
  return n < 128 ? Buffer.from([n]) : Buffer.from([(n >>> 24) | 0x80, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
}

function fcgiParams(params) {
  const parts = [];
  for (const [k, v] of Object.entries(params)) {
    const kb = Buffer.from(k), vb = Buffer.from(String(v));
    parts.push(fcgiLength(kb.length), fcgiLength(vb.length), kb, vb);
  }
  return Buffer.concat(parts);
}

// One FastCGI request straight to an instance ("unix:/path" or "host:port"), the parameters
// nginx/vsession-fastcgi.conf sends. body: object (JSON) or string. localAddress picks the TCP
// source address. midway: an async function; the request is then sent in two parts, the first
// half before it runs and the rest after (a slow client, or a signal while the server reads).
// Resolves {status, headers, text, json, records} — status 0 with records 0 when the server
// closed the connection without answering.
export function fcgi(target, method, uri, { body, token, headers = {}, remoteAddr = '127.0.0.1', localAddress, midway } = {}) {
  const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const params = {
    REQUEST_METHOD: method, REQUEST_URI: uri, QUERY_STRING: uri.includes('?') ? uri.slice(uri.indexOf('?') + 1) : '',
    CONTENT_TYPE: body === undefined ? '' : 'application/json', CONTENT_LENGTH: body === undefined ? '' : String(payload.length),
    SERVER_PROTOCOL: 'HTTP/1.1', REMOTE_ADDR: remoteAddr, HTTPS: 'on', REQUEST_ID: `deploy${Date.now().toString(16)}`,
  };
  if (token) params.HTTP_AUTHORIZATION = `Bearer ${token}`;
  for (const [k, v] of Object.entries(headers)) params[`HTTP_${k.toUpperCase().replace(/-/g, '_')}`] = v;
  const chunks = [];
  for (let i = 0; i < payload.length; i += 65535) chunks.push(fcgiRecord(5, payload.subarray(i, i + 65535)));
  const request = Buffer.concat([
    fcgiRecord(1, Buffer.from([0, 1, 0, 0, 0, 0, 0, 0])), // BEGIN_REQUEST, role RESPONDER, no keep-conn
    fcgiRecord(4, fcgiParams(params)), fcgiRecord(4),
    ...chunks, fcgiRecord(5),
  ]);
  return new Promise((resolve, reject) => {
    const s = net.connect({ ...connectOptions(target), localAddress });
    let buf = Buffer.alloc(0);
    let out = Buffer.alloc(0);
    let records = 0;
    s.setTimeout(30000, () => s.destroy(new Error('fcgi: no answer in 30 s')));
    s.on('connect', async () => {
      if (!midway) { s.write(request); return; }
      const half = Math.floor(request.length / 2);
      s.write(request.subarray(0, half));
      await midway();
      if (!s.destroyed) s.write(request.subarray(half));
    });
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 8) {
        const len = buf.readUInt16BE(4), pad = buf[6];
        if (buf.length < 8 + len + pad) break;
        if (buf[1] === 6) out = Buffer.concat([out, buf.subarray(8, 8 + len)]);
        records++;
        buf = buf.subarray(8 + len + pad);
      }
    });
    s.on('error', (err) => (err.code === 'ECONNRESET' && records === 0 ? finish() : reject(err)));
    s.on('close', finish);
    function finish() {
      const text = out.toString('utf8');
      const sep = text.indexOf('\r\n\r\n');
      const head = sep >= 0 ? text.slice(0, sep) : '';
      const bodyText = sep >= 0 ? text.slice(sep + 4) : '';
      const hdrs = {};
      for (const line of head.split('\r\n')) {
        const c = line.indexOf(':');
        if (c > 0) hdrs[line.slice(0, c).toLowerCase()] = line.slice(c + 1).trim();
      }
      let json = null;
      try { json = bodyText ? JSON.parse(bodyText) : null; } catch { json = null; }
      resolve({ status: hdrs.status ? Number(hdrs.status.split(' ')[0]) : 0, headers: hdrs, text: bodyText, json, records });
    }
  });
}

// ---- HTTPS to a private nginx ---------------------------------------------------------------------

const agents = new Map();
function agentFor(port) {
  if (!agents.has(port)) agents.set(port, new https.Agent({ keepAlive: true, maxSockets: 32, ca: CA }));
  return agents.get(port);
}
export function closeAgents() {
  for (const a of agents.values()) a.destroy();
  agents.clear();
}

// A request to https://localhost:port (certificate checked against the stack's CA).
// body: object (JSON) or string. host overrides the Host header (name-based servers).
// Resolves {status, headers, text, json, ms}; network errors reject.
export function req(port, method, urlPath, { body, token, headers = {}, host, fresh = false, timeoutMs = 30000 } = {}) {
  const h = { ...headers };
  let payload;
  if (body !== undefined) {
    payload = typeof body === 'string' ? body : JSON.stringify(body);
    if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['Content-Type'] = 'application/json';
    h['Content-Length'] = Buffer.byteLength(payload);
  }
  if (token) h.Authorization = `Bearer ${token}`;
  if (host) h.Host = host;
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const r = https.request({
      host: '127.0.0.1', port, servername: 'localhost', ca: CA, method, path: urlPath, headers: h,
      agent: fresh ? false : agentFor(port),
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try { json = text ? JSON.parse(text) : null; } catch { json = null; }
        resolve({ status: res.statusCode, headers: res.headers, text, json, ms: performance.now() - t0 });
      });
    });
    r.setTimeout(timeoutMs, () => r.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    r.on('error', reject);
    if (payload !== undefined) r.write(payload);
    r.end();
  });
}

// ---- private nginx servers ------------------------------------------------------------------------

// Renders the shipped templates (nginx/*.in) into dir for a private nginx on two free ports
// in front of `upstreams` (one or more "unix:/path" / "host:port"). Resolves {conf, https, http}.
export async function renderNginx(dir, upstreams, { readTimeout } = {}) {
  const httpsPort = await freePort();
  const httpPort = await freePort();
  const args = [path.join(here, 'render-nginx.sh'), '--out', dir, '--https-port', String(httpsPort),
    '--http-port', String(httpPort), '--upstream', upstreams[0]];
  if (readTimeout) args.push('--read-timeout', String(readTimeout));
  const r = spawnSync('bash', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`render-nginx.sh failed: ${r.stderr}`);
  if (upstreams.length > 1) {
    const f = path.join(dir, 'nginx', 'vsession-http.conf');
    const text = readFileSync(f, 'utf8');
    const block = `upstream vsession_api {\n${upstreams.map((u) => `    server ${u};`).join('\n')}\n}`;
    const next = text.replace(/upstream vsession_api \{[\s\S]*?\n\}/, block);
    if (next === text) throw new Error(`no upstream block in ${f}`);
    writeFileSync(f, next);
  }
  return { conf: path.join(dir, 'nginx', 'nginx.conf'), https: httpsPort, http: httpPort };
}

function nginxArgs(prefix, conf) {
  return ['-p', prefix, '-e', path.join(prefix, 'error.log'), '-c', conf];
}

// `nginx -t` on conf with prefix; resolves {ok, output}.
export function nginxTest(prefix, conf) {
  const r = spawnSync('nginx', ['-t', ...nginxArgs(prefix, conf)], { encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

// Starts nginx (it daemonizes; its pid file is `pidFile`) and waits until `port` accepts.
// Resolves {stop()}.
export async function startNginx(prefix, conf, pidFile, port) {
  const t = nginxTest(prefix, conf);
  if (!t.ok) throw new Error(`nginx -t failed:\n${t.output}`);
  const r = spawnSync('nginx', nginxArgs(prefix, conf), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`nginx did not start: ${r.stderr}`);
  await waitFor('nginx', () => canConnect(`127.0.0.1:${port}`), 5000);
  const master = Number(readFileSync(pidFile, 'utf8').trim());
  track(`nginx:${master}`, () => process.kill(master, 'SIGTERM'));
  return {
    async stop() {
      closeAgents();
      untrack(`nginx:${master}`);
      const pid = master;
      try { process.kill(pid, 'SIGQUIT'); } catch { return; }
      await waitFor('nginx to stop', () => !alive(pid), 10000).catch(() => { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } });
    },
  };
}

// ---- steady load ----------------------------------------------------------------------------------

// Runs `lanes` loops of `one()` (which resolves a response or throws) until stop() is called;
// every answer is recorded as {start, end, status, code, err}. Resolves via done().
export function load(lanes, one) {
  const log = [];
  let stopped = false;
  const lane = async (i) => {
    while (!stopped) {
      const start = performance.now();
      try {
        const r = await one(i);
        log.push({ start, end: performance.now(), status: r.status, code: r.json?.error?.code ?? null,
          ...(r.status >= 400 ? { lane: i, text: r.text.slice(0, 200) } : {}) });
      } catch (e) {
        log.push({ start, end: performance.now(), status: -1, code: null, err: e.code ?? e.message });
      }
    }
  };
  const running = Array.from({ length: lanes }, (_, i) => lane(i));
  return {
    log,
    async done() { stopped = true; await Promise.all(running); return log; },
  };
}

// Sends exactly n requests from `lanes` concurrent loops; resolves the log as load() records it.
export async function runCount(n, lanes, one) {
  const log = [];
  let next = 0;
  await Promise.all(Array.from({ length: lanes }, async () => {
    while (next < n) {
      next++;
      const start = performance.now();
      try {
        const r = await one();
        log.push({ start, end: performance.now(), status: r.status, code: r.json?.error?.code ?? null });
      } catch (e) {
        log.push({ start, end: performance.now(), status: -1, code: null, err: e.code ?? e.message });
      }
    }
  }));
  return log;
}

// Counts of each status in a load log, e.g. {"200": 1990, "-1": 2}.
export function statusCounts(log) {
  const c = {};
  for (const x of log) c[x.status] = (c[x.status] ?? 0) + 1;
  return c;
}

// Removes a folder (best effort).
export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}
