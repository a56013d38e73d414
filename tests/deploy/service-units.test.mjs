// Running as a system service: the systemd units in deploy/systemd pass `systemd-analyze verify`
// (and a broken copy does not), their sandbox scores as "OK" in `systemd-analyze security`, and
// they keep the contract the API relies on (the socket on fd 0 with the logs going to the
// journal, VSESSION_LISTEN removed, a stop deadline above the API's own, secrets as credentials).
// spawn-fcgi with the command line the README's deployment section gives starts the API on the inherited fd 0 — the
// same contract as StandardInput=socket. deploy/vsession.env.example documents exactly the
// variables the programs read.
//
// systemd is not PID 1 in the test container: `verify` and `security --offline` work on unit
// files without a running manager; starting the units for real is not possible here.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, API_BIN, requireStack, tempDir, waitFor, fcgi, alive, children, within, removeDir, track, untrack } from './lib.mjs';

const UNITS = path.join(ROOT, 'deploy', 'systemd');
const SERVICE = readFileSync(path.join(UNITS, 'vsession-api.service'), 'utf8');
const SOCKET = readFileSync(path.join(UNITS, 'vsession-api.socket'), 'utf8');
const HAVE_ANALYZE = spawnSync('systemd-analyze', ['--version']).status === 0;
const NO_ANALYZE = 'systemd-analyze is not installed (Debian package systemd)';

// Active settings of a unit file as [key, value] pairs (comments and sections dropped).
function settings(text) {
  return text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#') && !l.startsWith(';') && !l.startsWith('['))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]);
}
const get = (text, key) => settings(text).filter(([k]) => k === key).map(([, v]) => v);

// The units copied to a folder with ExecStart pointing at the built binary: verify checks that
// the program exists, and /usr/local/bin/vsession-api is not installed on a test machine.
function unitCopy(edit = (s) => s) {
  const dir = tempDir('units');
  for (const f of ['vsession-api.socket', 'vsession-api.service']) {
    let text = readFileSync(path.join(UNITS, f), 'utf8').replace(/^ExecStart=\S+/m, `ExecStart=${API_BIN}`);
    if (f.endsWith('.service')) text = edit(text);
    writeFileSync(path.join(dir, f), text);
  }
  return dir;
}

function verify(dir) {
  const r = spawnSync('systemd-analyze', ['verify', '--man=no', path.join(dir, 'vsession-api.socket'), path.join(dir, 'vsession-api.service')],
    { encoding: 'utf8', env: { ...process.env, SYSTEMD_LOG_COLOR: '0' } });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

test('systemd-analyze verify accepts the socket and service units', { skip: !HAVE_ANALYZE && NO_ANALYZE }, () => {
  requireStack();
  const dir = unitCopy();
  try {
    const r = verify(dir);
    assert.equal(r.status, 0, r.output);
    assert.equal(r.output, '', `verify printed warnings:\n${r.output}`);
  } finally {
    removeDir(dir);
  }
});

test('systemd-analyze verify rejects a broken copy (the check can fail)', { skip: !HAVE_ANALYZE && NO_ANALYZE }, () => {
  const dir = unitCopy((s) => s.replace(/^ExecStart=.*$/m, 'ExecStart=/nonexistent/vsession-api'));
  try {
    const r = verify(dir);
    assert.notEqual(r.status, 0);
    assert.match(r.output, /nonexistent/);
  } finally {
    removeDir(dir);
  }
});

test('the service\'s sandbox rates "OK" or better in systemd-analyze security', { skip: !HAVE_ANALYZE && NO_ANALYZE }, (t) => {
  const dir = unitCopy();
  try {
    const r = spawnSync('systemd-analyze', ['security', '--offline=yes', '--no-pager', path.join(dir, 'vsession-api.service')],
      { encoding: 'utf8', env: { ...process.env, SYSTEMD_COLORS: '0' } });
    const m = /Overall exposure level for vsession-api\.service: ([\d.]+) (\S+)/.exec(`${r.stdout}${r.stderr}`);
    assert.ok(m, `no exposure level in:\n${r.stdout}${r.stderr}`);
    t.diagnostic(`exposure ${m[1]} ${m[2]} (0 = locked down, 10 = unprotected)`);
    assert.ok(Number(m[1]) <= 2.0, `exposure ${m[1]} ${m[2]}`);
  } finally {
    removeDir(dir);
  }
});

test('the units keep the API\'s contract: fd 0 socket, logs to the journal, no VSESSION_LISTEN, a stop deadline above the API\'s', () => {
  assert.deepEqual(get(SERVICE, 'StandardInput'), ['socket'], 'the listening socket must be fd 0');
  // With StandardInput=socket, stdout and stderr default to the socket as well.
  assert.deepEqual(get(SERVICE, 'StandardOutput'), ['journal']);
  assert.deepEqual(get(SERVICE, 'StandardError'), ['journal']);
  assert.ok(get(SERVICE, 'UnsetEnvironment').join(' ').split(/\s+/).includes('VSESSION_LISTEN'));
  assert.deepEqual(get(SERVICE, 'Requires'), ['vsession-api.socket']);
  assert.deepEqual(get(SERVICE, 'KillMode'), ['mixed'], 'SIGTERM to the master only; it stops its workers');
  assert.deepEqual(get(SERVICE, 'KillSignal'), ['SIGTERM']);
  assert.deepEqual(get(SERVICE, 'ExecReload'), ['/bin/kill -HUP $MAINPID']);
  assert.ok(Number(get(SERVICE, 'TimeoutStopSec')[0]) > 10, 'above VSESSION_SHUTDOWN_TIMEOUT\'s default of 10 s');
  assert.deepEqual(get(SERVICE, 'EnvironmentFile'), ['/etc/vsession/vsession.env']);
  assert.deepEqual(get(SOCKET, 'Accept'), ['no'], 'one service for all connections');
  assert.deepEqual(get(SOCKET, 'SocketMode'), ['0660']);
  assert.deepEqual(get(SOCKET, 'SocketGroup'), ['www-data']);
  for (const k of ['NoNewPrivileges', 'ProtectHome', 'PrivateTmp', 'PrivateDevices', 'LockPersonality', 'MemoryDenyWriteExecute', 'RestrictRealtime']) {
    assert.deepEqual(get(SERVICE, k), ['yes'], k);
  }
  assert.deepEqual(get(SERVICE, 'ProtectSystem'), ['strict']);
  assert.deepEqual(get(SERVICE, 'CapabilityBoundingSet'), ['']);
  assert.deepEqual(get(SERVICE, 'RestrictAddressFamilies'), ['AF_UNIX AF_INET AF_INET6']);
});

test('every secret the service reads comes from a LoadCredential= of the same name', () => {
  const creds = new Set(get(SERVICE, 'LoadCredential').map((v) => v.split(':')[0]));
  const fileVars = get(SERVICE, 'Environment').filter((v) => /_FILE=/.test(v));
  assert.ok(fileVars.some((v) => v.startsWith('VSESSION_JWT_SECRET_FILE=')), 'the JWT secret is a credential');
  for (const v of fileVars) {
    const m = /^(\w+)=%d\/(\S+)$/.exec(v);
    assert.ok(m, `${v} does not point into the credentials folder (%d)`);
    assert.ok(creds.has(m[2]), `${v}: no LoadCredential=${m[2]}:...`);
  }
});

// ---- fd 0: spawn-fcgi (and systemd's StandardInput=socket) ---------------------------------------

test('spawn-fcgi -s … -M 0660 -G www-data -n starts the API on the inherited fd 0', async (t) => {
  requireStack();
  const dir = tempDir('spawnfcgi');
  const sock = path.join(dir, 'api.sock');
  const env = {
    PATH: process.env.PATH,
    VSESSION_DATABASE_URL: process.env.VSESSION_API_DATABASE_URL,
    VSESSION_JWT_SECRET: readFileSync(path.join(process.env.VSESSION_STATE_DIR, 'jwt-secret'), 'utf8').trim(),
    VSESSION_WORKERS: '2',
  };
  // The command the README's deployment section gives (with a throwaway socket and an unprivileged user); -n: spawn-fcgi
  // execs the API in its own place, so this pid is the API's master. The user is postgres: the test
  // cluster's socket folder is private to it (and root), as any other local account must stay out.
  const p = spawn('spawn-fcgi', ['-s', sock, '-M', '0660', '-G', 'www-data', '-u', 'postgres', '-g', 'nogroup', '-n', '--', API_BIN],
    { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  p.stderr.on('data', (c) => { stderr += c; });
  track(`spawn-fcgi:${p.pid}`, () => process.kill(p.pid, 'SIGKILL'));
  const exited = new Promise((r) => p.on('exit', (code, signal) => { untrack(`spawn-fcgi:${p.pid}`); r({ code, signal }); }));
  t.after(async () => {
    if (alive(p.pid)) { p.kill('SIGKILL'); }
    removeDir(dir);
  });
  await waitFor('2 workers', () => children(p.pid).length === 2, 5000).catch((e) => { throw new Error(`${e.message}\n${stderr}`); });
  const r = await fcgi(`unix:${sock}`, 'GET', '/api/health');
  assert.equal(r.status, 200, `${r.text}\n${stderr}`);
  assert.match(stderr, /event=started workers=2 listen=fd:0/);
  const st = statSync(sock);
  assert.equal(st.mode & 0o777, 0o660);
  assert.equal(spawnSync('getent', ['group', 'www-data'], { encoding: 'utf8' }).stdout.split(':')[2], String(st.gid));
  const uid = Number(readFileSync(`/proc/${p.pid}/status`, 'utf8').match(/^Uid:\s+(\d+)/m)[1]);
  assert.notEqual(uid, 0, 'the API runs unprivileged');
  p.kill('SIGTERM');
  const ex = await within(exited, 5000);
  assert.deepEqual(ex, { code: 0, signal: null }, `after SIGTERM: ${JSON.stringify(ex)}\n${stderr}`);
});

test('without VSESSION_LISTEN and without a socket on fd 0 the API refuses to start with one line', () => {
  const r = spawnSync(API_BIN, [], {
    env: { PATH: process.env.PATH, VSESSION_DATABASE_URL: 'dbname=x', VSESSION_JWT_SECRET: 'k'.repeat(40) },
    stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 5000,
  });
  assert.equal(r.status, 1);
  assert.match(r.stderr.trim(), /^vsession-api: VSESSION_LISTEN is not set and fd 0 is not a listening socket$/);
});

// ---- the environment file --------------------------------------------------------------------------

// Every variable the C code reads by name: env("X"), secret("X") (also X_FILE), integer("X", …),
// boolean("X", …) in lib/config.c, and getenv("X") anywhere in app/ and lib/.
function variablesInCode() {
  const vars = new Set();
  const files = [path.join(ROOT, 'lib', 'config.c')];
  for (const d of ['app/api', 'app/ctl', 'app/mailer', 'lib']) {
    for (const f of readdirSync(path.join(ROOT, d))) if (f.endsWith('.c')) files.push(path.join(ROOT, d, f));
  }
  for (const f of files) {
    const src = readFileSync(f, 'utf8');
    for (const m of src.matchAll(/\b(env|integer|boolean|getenv)\("([A-Z][A-Z0-9_]+)"/g)) vars.add(m[2]);
    for (const m of src.matchAll(/\bsecret\("([A-Z][A-Z0-9_]+)"/g)) { vars.add(m[1]); vars.add(`${m[1]}_FILE`); }
  }
  return vars;
}

test('vsession.env.example documents every variable the programs read, and only those', () => {
  const example = readFileSync(path.join(ROOT, 'deploy', 'vsession.env.example'), 'utf8');
  const documented = new Set([...example.matchAll(/^#?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]).filter((v) => !v.startsWith('PG')));
  const code = variablesInCode();
  assert.ok(code.size >= 15, `only ${code.size} variables found in the code: has config.c changed shape?`);
  const missing = [...code].filter((v) => !documented.has(v));
  const unknown = [...documented].filter((v) => !code.has(v));
  assert.deepEqual(missing, [], 'read by the code but not in vsession.env.example');
  assert.deepEqual(unknown, [], 'in vsession.env.example but read by nothing');
  // The active lines are what a fresh install gets: the two required settings and nothing secret.
  const active = [...example.matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
  assert.ok(active.includes('VSESSION_DATABASE_URL') && active.includes('VSESSION_PUBLIC_URL'), active.join(' '));
  assert.ok(!active.some((v) => /SECRET|KEY/.test(v)), `a secret is set in the example: ${active}`);
  // Every line, active or commented out, means the same to a shell as to systemd: one variable,
  // the value without its quotes (an unquoted value with spaces would split into several).
  const lines = [...example.matchAll(/^#?([A-Z][A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1], m[2].replace(/^"(.*)"$/, '$1')]);
  const dir = tempDir('envfile');
  try {
    writeFileSync(path.join(dir, 'raw.env'), example.replace(/^#([A-Z][A-Z0-9_]+=)/gm, '$1'));
    const r = spawnSync('bash', ['-c', 'set -a; . "$1"; set +a; env -0', 'sh', path.join(dir, 'raw.env')], { encoding: 'utf8', env: {} });
    assert.equal(r.status, 0, r.stderr);
    const shell = Object.fromEntries(r.stdout.split('\0').filter(Boolean).map((x) => [x.slice(0, x.indexOf('=')), x.slice(x.indexOf('=') + 1)]));
    const last = Object.fromEntries(lines);
    for (const [k, v] of Object.entries(last)) assert.equal(shell[k] ?? '', v, `${k} reads differently in a shell`);
    const stray = Object.keys(shell).filter((k) => /^[a-z]/.test(k));
    assert.deepEqual(stray, [], 'an unquoted value with spaces set stray shell variables');
  } finally {
    removeDir(dir);
  }
  // And the unit's own Environment= lines name real variables.
  for (const v of get(SERVICE, 'Environment')) assert.ok(code.has(v.split('=')[0]) || v.startsWith('PG'), v);
});
