// The Debian package as an admin meets it, on this (throwaway, root) machine: scripts/package
// builds vsession_<version>_<arch>.deb and a second build with one more migration; dpkg -i
// installs the first (system user, settings folder, a JWT secret, units enabled but not started),
// `vsession-api --check-config` judges good and broken settings, `vsessionctl migrate` runs from /
// with the installed migrations and makes the API's role, the API starts from the installed files
// the way its unit does (ExecStart as the unit's user, the settings file, the secret as a
// credential, the socket on fd 0 — systemd is not PID 1 here, so spawn-fcgi hands it over), and
// `vsessionctl nginx-config --install` renders the snippets that a foreign site (its own
// location /, location ~ \.php$ and /legacy/) includes, at the root and under /telehealth/: a login,
// a scheduled session and the app's page with its assets go through it. Then the upgrade (the new
// migration applied, the data, the settings and the secret kept) and the purge (no file, user or
// unit left).
//
// Needs the stack of scripts/test for its PostgreSQL (a database of its own in that cluster).
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, STATE, tempDir, freePort, nginxTest, startNginx, req, removeDir, waitFor, alive, track, untrack, within } from '../deploy/lib.mjs';

const PG_SOCK = process.env.VSESSION_PG_SOCKET;
const PG_PORT = process.env.VSESSION_PG_PORT;
const DB = 'vsession_pkg';
const ROLE = 'vsession_pkg';
const ENV_FILE = '/etc/vsession/vsession.env';
const UNIT = '/lib/systemd/system/vsession-api.service';
const NGINX_DEFAULT_FILES = ['/etc/nginx/conf.d/vsession.conf', '/etc/nginx/snippets/vsession.conf',
  '/etc/nginx/snippets/vsession-headers.conf', '/etc/nginx/snippets/vsession-fastcgi.conf'];
// The admin's environment when running the installed programs: nothing of the test stack's.
const CLEAN_ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' };

let out, deb1, deb2, api, nginx, port, installedFiles = [];
const users = {};

function run(cmd, args, { env = CLEAN_ENV, cwd = '/', input } = {}) {
  const r = spawnSync(cmd, args, { env, cwd, input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ?? ''}` };
}
function ok(cmd, args, opts) {
  const r = run(cmd, args, opts);
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed:\n${r.out}`);
  return r;
}
function psql(query, db = 'postgres') {
  return ok('psql', ['-X', '-qtA', '-v', 'ON_ERROR_STOP=1', '-h', PG_SOCK, '-p', PG_PORT, '-U', 'postgres', '-d', db, '-c', query],
    { env: process.env }).stdout.trim();
}
function installed() { return run('dpkg-query', ['-W', '-f=${Status}', 'vsession']).stdout.includes('install ok installed'); }
function getent(db, name) { return run('getent', [db, name]).stdout.trim(); }
function mode(p) { return (statSync(p).mode & 0o7777).toString(8).padStart(4, '0'); }

// Sets (or adds) KEY=value lines in the installed settings file, as an admin's editor would.
function editEnv(values) {
  let text = readFileSync(ENV_FILE, 'utf8');
  for (const [k, v] of Object.entries(values)) {
    const line = `${k}=${v.includes(' ') ? `"${v}"` : v}`;
    const re = new RegExp(`^#?${k}=.*$`, 'm');
    text = re.test(text) ? text.replace(re, line) : `${text}\n${line}\n`;
  }
  writeFileSync(ENV_FILE, text);
}

// KEY=value lines of an environment file (quoted values unquoted), as systemd reads them.
function readEnvFile(file) {
  const env = {};
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(raw);
    if (!m || /^\s*[#;]/.test(raw)) continue;
    let v = m[2].trim();
    if (/^".*"$/.test(v)) v = v.slice(1, -1).replace(/\\(["\\$`])/g, '$1');
    else if (/^'.*'$/.test(v)) v = v.slice(1, -1);
    env[m[1]] = v;
  }
  return env;
}

// One key of the installed unit ([Service] lines; the last wins, as systemd reads them).
function unitValues(key) {
  return readFileSync(UNIT, 'utf8').split('\n').filter((l) => l.startsWith(`${key}=`)).map((l) => l.slice(key.length + 1));
}

// Starts the API the way vsession-api.service does, without systemd: its ExecStart as its
// User/Group, the EnvironmentFile, the credential copied into a folder only that user reads
// and named by the unit's Environment= (%d), VSESSION_LISTEN unset, and the socket on fd 0
// (the socket unit's mode and group) through spawn-fcgi.
async function startApiLikeTheUnit() {
  const [execStart] = unitValues('ExecStart');
  const [user] = unitValues('User');
  // The test stack's PostgreSQL socket folder is private to postgres (0700); a server's
  // is reachable by local services. Let the package's user in, and only it: through the
  // postgres group and a folder mode of 0710, put back after the test.
  run('usermod', ['-a', '-G', 'postgres', user]);
  chmodSync(PG_SOCK, 0o710);
  const [group] = unitValues('Group');
  const creds = path.join(out, 'credentials');
  removeDir(creds);
  mkdirSync(creds, { mode: 0o700 });
  const uid = Number(getent('passwd', user).split(':')[2]);
  const gid = Number(getent('group', group).split(':')[2]);
  const env = { ...CLEAN_ENV };
  for (const f of unitValues('EnvironmentFile')) Object.assign(env, readEnvFile(f.replace(/^-/, '')));
  for (const spec of unitValues('LoadCredential')) {
    const [name, from] = spec.split(':');
    copyFileSync(from, path.join(creds, name));
    chownSync(path.join(creds, name), uid, gid);
    chmodSync(path.join(creds, name), 0o400);
  }
  chownSync(creds, uid, gid);
  for (const spec of unitValues('Environment')) {
    const i = spec.indexOf('=');
    env[spec.slice(0, i)] = spec.slice(i + 1).replace('%d', creds);
  }
  for (const k of unitValues('UnsetEnvironment').join(' ').split(/\s+/).filter(Boolean)) delete env[k];
  const sock = path.join(out, 'run', 'api.sock');
  mkdirSync(path.dirname(sock), { recursive: true, mode: 0o755 });
  const log = path.join(out, 'api.log');
  const p = spawn('spawn-fcgi', ['-s', sock, '-M', '0660', '-G', 'www-data', '-u', user, '-g', group, '-n', '--', execStart],
    { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let text = '';
  p.stdout.on('data', (d) => { text += d; });
  p.stderr.on('data', (d) => { text += d; });
  track(`pkg-api:${p.pid}`, () => process.kill(-p.pid, 'SIGKILL'));
  const exited = new Promise((resolve) => p.on('exit', (code) => { untrack(`pkg-api:${p.pid}`); resolve(code); }));
  await waitFor('the installed API to serve its socket', () => existsSync(sock) && /event=started/.test(text) || !alive(p.pid), 15000);
  assert.ok(alive(p.pid), `the installed API did not start:\n${text}`);
  return {
    pid: p.pid, sock, log: () => text, env,
    async stop() {
      try { process.kill(p.pid, 'SIGTERM'); } catch { /* already gone */ }
      if (!(await within(exited.then(() => true), 15000))) {
        try { process.kill(-p.pid, 'SIGKILL'); } catch { /* gone */ }
      }
      await exited;
      writeFileSync(log, text);
    },
  };
}

// `vsessionctl nginx-config --install` into the test's folders, with the running API's socket
// and a private access log (the environment wins over the settings file).
function renderSnippets() {
  mkdirSync(path.join(out, 'conf.d'), { recursive: true });
  mkdirSync(path.join(out, 'snippets'), { recursive: true });
  return ok('/usr/bin/vsessionctl', ['nginx-config', '--install', '--http-dir', path.join(out, 'conf.d'),
    '--snippets-dir', path.join(out, 'snippets')],
  { env: { ...CLEAN_ENV, VSESSION_LISTEN: `unix:${api.sock}`, VSESSION_NGINX_ACCESS_LOG: path.join(out, 'vsession-access.log') } });
}

// A foreign site as an admin has it, with its own root, location /, PHP and /legacy/; vsession
// comes in with the one include line (and the http-level file in conf.d).
function foreignSite(p) {
  const prefix = path.join(out, 'nginx');
  return `user www-data;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    log_format site '$remote_addr "$request" $status';
    access_log ${prefix}/site-access.log site;
    client_body_temp_path ${prefix}/client_body;
    fastcgi_temp_path ${prefix}/fastcgi_temp;
    proxy_temp_path ${prefix}/proxy_temp;
    uwsgi_temp_path ${prefix}/uwsgi_temp;
    scgi_temp_path ${prefix}/scgi_temp;
    include ${out}/conf.d/*.conf;
    server {
        listen ${p} ssl default_server;
        server_name localhost;
        ssl_certificate     ${STATE}/tls/cert.pem;
        ssl_certificate_key ${STATE}/tls/key.pem;
        root ${out}/site;
        index index.html;
        location / { try_files $uri $uri/ =404; }
        location ~ \\.php$ { default_type text/plain; return 403 "site php\\n"; }
        location /legacy/ { default_type text/plain; return 200 "site legacy\\n"; }
        include ${out}/snippets/vsession.conf;
    }
}
`;
}

async function startSite() {
  const prefix = path.join(out, 'nginx');
  mkdirSync(prefix, { recursive: true });
  const conf = path.join(prefix, 'nginx.conf');
  writeFileSync(conf, foreignSite(port));
  const t = nginxTest(prefix, conf);
  assert.ok(t.ok, t.output);
  return startNginx(prefix, conf, path.join(prefix, 'nginx.pid'), port);
}

function minutesFromNow(n) {
  const t = new Date(Date.now() + n * 60000);
  t.setUTCSeconds(0, 0);
  return t.toISOString().replace('.000Z', 'Z');
}

function makeUser(role) {
  const email = `${role}-${process.pid}@pkg.example.org`;
  const password = `${role}-package-pw-2026`;
  const r = ok('/usr/bin/vsessionctl', ['user', 'add', '--role', role, '--email', email, '--name', `Pkg ${role}`, '--password-stdin'],
    { input: `${password}\n` });
  return { id: Number(r.stdout.trim()), email, password };
}

// Through the foreign site at `prefix` ('' or '/telehealth'): the API, a login with the cookie on
// the right path, a scheduled session read back, the app's page and every asset it names.
async function exerciseMount(prefix) {
  const health = await req(port, 'GET', `${prefix}/api/health`);
  assert.equal(health.status, 200, health.text);
  assert.deepEqual(health.json, { status: 'ok', database: 'ok' });

  const l = await req(port, 'POST', `${prefix}/api/auth/login`, { body: { email: users.partner.email, password: users.partner.password } });
  assert.equal(l.status, 200, l.text);
  // __Host- cookies must have Path=/ whatever the mount: a sibling site or subdomain can neither set nor shadow them.
  assert.match(String(l.headers['set-cookie']), /__Host-vs_session=[^;]+; Path=\/;/, 'the login cookie is a __Host- cookie at any mount');
  const c = await req(port, 'POST', `${prefix}/api/video-sessions`, {
    token: l.json.token,
    body: { user_id: users.client.id, title: `Mounted at ${prefix || '/'}`, session_date: minutesFromNow(60 * 24 * (prefix ? 4 : 3)), duration_minutes: 45 },
  });
  assert.equal(c.status, 201, c.text);
  assert.ok(c.json.meeting_url.startsWith(`https://localhost:${port}${prefix}/join/`), c.json.meeting_url);
  const g = await req(port, 'GET', `${prefix}/api/video-sessions/${c.json.id}`, { token: l.json.token });
  assert.equal(g.status, 200, g.text);
  assert.equal(g.json.title, `Mounted at ${prefix || '/'}`);
  const nf = await req(port, 'GET', `${prefix}/api/no-such-thing`);
  assert.equal(nf.json?.error?.code, 'not_found', nf.text);

  const installedIndex = readFileSync('/usr/share/vsession/www/index.html', 'utf8');
  for (const page of [`${prefix}/`, `${prefix}/login`, `${prefix}/dashboard/calendar`, `${prefix}/join/${c.json.id}`]) {
    const r = await req(port, 'GET', page);
    assert.equal(r.status, 200, `${page}: ${r.status}`);
    assert.match(r.headers['cache-control'] ?? '', /no-cache/, page);
    assert.equal(r.text, installedIndex.replace('<base href="/"', `<base href="${prefix}/"`), `${page} is not the app's page for ${prefix || '/'}`);
  }
  const assets = [...installedIndex.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((m) => m[1]);
  assert.ok(assets.some((a) => a.startsWith('assets/') && a.endsWith('.js')), `index.html names no script: ${assets}`);
  for (const a of assets) {
    const r = await req(port, 'GET', `${prefix}/${a}`);
    assert.equal(r.status, 200, `${prefix}/${a}: ${r.status}`);
    assert.equal(r.text, readFileSync(path.join('/usr/share/vsession/www', a), 'utf8'), `${prefix}/${a} is not the installed file`);
    if (a.startsWith('assets/')) assert.match(r.headers['cache-control'] ?? '', /immutable/, a);
  }
  const missing = await req(port, 'GET', `${prefix}/assets/no-such-file-0000.js`);
  assert.equal(missing.status, 404);
  assert.equal(missing.headers['cache-control'], undefined, 'a 404 under assets/ must not be cached for a year');

  // The site keeps its own locations.
  const legacy = await req(port, 'GET', '/legacy/page');
  assert.deepEqual([legacy.status, legacy.text], [200, 'site legacy\n']);
  const php = await req(port, 'GET', '/index.php');
  assert.deepEqual([php.status, php.text], [403, 'site php\n']);
  const own = await req(port, 'GET', '/about.html');
  assert.deepEqual([own.status, own.text], [200, 'the site\'s own page\n'], 'the site\'s location / and root still serve its files');

  // vsession's own log: request ids, never a query string (invite links carry tokens there).
  const tagged = await req(port, 'GET', `${prefix}/api/health?invite=query-secret-${prefix.length}`);
  assert.equal(tagged.status, 200);
  await waitFor('the access log line', () => readFileSync(path.join(out, 'vsession-access.log'), 'utf8').includes(tagged.headers['x-request-id']), 5000);
  for (const f of ['vsession-access.log', 'nginx/site-access.log']) {
    assert.ok(!readFileSync(path.join(out, f), 'utf8').includes('query-secret'), `${f} holds a query string`);
  }
  return { token: l.json.token, sessionId: c.json.id };
}

// The app in Debian's Chromium at the mount: the login page, a login, the dashboard, and every
// API call the app made went below the prefix (its router and API base follow <base href>).
async function browserLogin(prefix) {
  const require = createRequire(path.join(ROOT, 'tests', 'e2e', 'package.json'));
  const pw = await import(pathToFileURL(require.resolve('playwright-core')).href);
  const chromium = pw.chromium ?? pw.default.chromium;
  const browser = await chromium.launch({ executablePath: process.env.VSESSION_CHROMIUM || '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  try {
    const ctx = await browser.newContext({ ignoreHTTPSErrors: true, baseURL: `https://localhost:${port}` });
    const page = await ctx.newPage();
    const calls = [];
    page.on('request', (r) => { const u = new URL(r.url()); if (u.pathname.includes('/api/')) calls.push(u.pathname); });
    // Requests made before the login click: the app's "who is logged in?" hears a 401 then.
    let clicked = false;
    const early = new WeakSet();
    page.on('request', (r) => { if (!clicked) early.add(r); });
    const failed = [];
    page.on('response', (r) => {
      const what = `${r.status()} ${new URL(r.url()).pathname}`;
      if (r.status() >= 400 && !(early.has(r.request()) && what === `401 ${prefix}/api/auth/me`)) failed.push(what);
    });
    await page.goto(`${prefix}/login`);
    await page.getByLabel('Email address').fill(users.partner.email);
    await page.getByLabel('Password').fill(users.partner.password);
    clicked = true;
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Hello, Pkg partner' }).waitFor({ timeout: 15000 });
    assert.match(new URL(page.url()).pathname, new RegExp(`^${prefix}/dashboard`), page.url());
    assert.ok(calls.length >= 2, `the app made no API calls: ${calls}`);
    assert.deepEqual(calls.filter((c) => !c.startsWith(`${prefix}/api/`)), [], 'an API call left the prefix');
    assert.deepEqual(failed, [], 'a request of the app failed');
  } finally {
    await browser.close();
  }
}

before(async () => {
  assert.equal(process.getuid(), 0, 'the package layer installs a .deb with dpkg -i: run it as root (CI does)');
  for (const k of ['VSESSION_STATE_DIR', 'VSESSION_PG_SOCKET', 'VSESSION_PG_PORT', 'NODE_EXTRA_CA_CERTS']) {
    assert.ok(process.env[k], `${k} is not set: run through scripts/test`);
  }
  if (/installed|config-files|half/.test(run('dpkg-query', ['-W', '-f=${Status}', 'vsession']).stdout.replace('not-installed', ''))) {
    console.log('# purging a vsession package left by an earlier run');
    run('dpkg', ['--purge', 'vsession']);
  }
  out = tempDir('package');
  port = await freePort();
  mkdirSync(path.join(out, 'site'));
  writeFileSync(path.join(out, 'site', 'about.html'), 'the site\'s own page\n');
  writeFileSync(path.join(out, 'site', 'index.html'), 'the site\'s own home\n');

  // Build 1, then build 2 from a copy of the tree with one more migration.
  const t0 = Date.now();
  const b1 = ok('bash', [path.join(ROOT, 'scripts', 'package'), '--out', path.join(out, 'debs')], { env: process.env, cwd: ROOT });
  deb1 = b1.stdout.trim().split('\n').pop();
  const src2 = path.join(out, 'src2');
  mkdirSync(src2);
  const tar = spawnSync('bash', ['-c', `cd "${ROOT}" && { git ls-files -z --cached --others --exclude-standard; find app/web/dist -print0; } |
    tar -cf - --null --no-recursion -T - | tar -xf - -C "${src2}"`], { encoding: 'utf8' });
  assert.equal(tar.status, 0, tar.stderr);
  writeFileSync(path.join(src2, 'sql', 'migrations', '900_package_upgrade_check.sql'),
    '-- Added by the package test: the upgrade must apply it.\nCREATE TABLE package_upgrade_check (id int PRIMARY KEY);\nINSERT INTO package_upgrade_check VALUES (1);\n');
  const b2 = ok('bash', [path.join(src2, 'scripts', 'package'), '--out', path.join(out, 'debs'), '--version', '0.2.0+upgrade1',
    '--no-web-build', '--no-lintian'], { env: process.env, cwd: src2 });
  deb2 = b2.stdout.trim().split('\n').pop();
  console.log(`# two packages built in ${((Date.now() - t0) / 1000).toFixed(0)} s (the first checked by lintian)`);

  psql(`DROP DATABASE IF EXISTS ${DB}`);
  psql(`DROP ROLE IF EXISTS ${ROLE}`);
  psql(`CREATE DATABASE ${DB}`);
});

after(async () => {
  await nginx?.stop();
  await api?.stop();
  if (PG_SOCK && existsSync(PG_SOCK)) chmodSync(PG_SOCK, 0o700);
  if (installed()) run('dpkg', ['--purge', 'vsession']);
  for (const f of NGINX_DEFAULT_FILES) if (existsSync(f) && readFileSync(f, 'utf8').startsWith('# vsession')) removeDir(f);
  try { psql(`DROP DATABASE IF EXISTS ${DB}`); psql(`DROP ROLE IF EXISTS ${ROLE}`); } catch { /* the stack is gone */ }
  if (out) removeDir(out);
});

test('scripts/package names the package vsession_<version>_<arch>.deb with the runtime libraries in Depends', () => {
  assert.match(path.basename(deb1), /^vsession_0\.2\.0_amd64\.deb$/);
  assert.match(path.basename(deb2), /^vsession_0\.2\.0\+upgrade1_amd64\.deb$/);
  const info = ok('dpkg-deb', ['-f', deb1, 'Depends', 'Recommends']).stdout;
  for (const lib of ['libfcgi0ldbl', 'libpq5', 'libcjson1', 'libargon2-1', 'libjwt0', 'libssl3', 'adduser']) assert.match(info, new RegExp(lib), info);
  assert.match(info, /Recommends: .*nginx.*postgresql/, info);
  assert.equal(ok('dpkg-deb', ['-I', deb1, 'conffiles']).stdout.trim(), '/etc/vsession/vsession.env');
});

test('dpkg -i installs the programs, a system user, the settings and a secret; the units are enabled, not started', () => {
  ok('dpkg', ['-i', deb1]);
  installedFiles = ok('dpkg', ['-L', 'vsession']).stdout.split('\n').filter(Boolean);
  assert.match(ok('/usr/bin/vsession-api', ['--version']).stdout, /^vsession-api 0\.2\.0$/m);
  assert.match(ok('/usr/bin/vsessionctl', ['--version']).stdout, /^vsessionctl 0\.2\.0$/m);
  const pw = getent('passwd', 'vsession').split(':');
  assert.ok(Number(pw[2]) < 1000, `vsession is not a system user: ${pw}`);
  assert.match(pw[6], /nologin|false/);
  assert.ok(getent('group', 'vsession'));
  const gid = Number(getent('group', 'vsession').split(':')[2]);
  assert.deepEqual([mode('/etc/vsession'), statSync('/etc/vsession').gid], ['0750', gid]);
  assert.deepEqual([mode(ENV_FILE), statSync(ENV_FILE).gid], ['0640', gid]);
  assert.deepEqual([mode('/etc/vsession/jwt-secret'), statSync('/etc/vsession/jwt-secret').gid], ['0640', gid]);
  assert.ok(readFileSync('/etc/vsession/jwt-secret', 'utf8').trim().length >= 32);
  for (const f of ['/usr/share/vsession/migrations/001_schema.sql', '/usr/share/vsession/www/index.html',
    '/usr/share/vsession/nginx/vsession-locations.conf.in', '/usr/lib/tmpfiles.d/vsession.conf', UNIT,
    '/lib/systemd/system/vsession-api.socket']) assert.ok(existsSync(f), `${f} is missing`);
  assert.deepEqual(unitValues('ExecStart'), ['/usr/bin/vsession-api']);
  assert.ok(existsSync('/etc/systemd/system/sockets.target.wants/vsession-api.socket'), 'the socket is not enabled');
  assert.ok(existsSync('/etc/systemd/system/multi-user.target.wants/vsession-api.service'), 'the service is not enabled');
  assert.ok(existsSync('/run/vsession'), 'tmpfiles.d did not make /run/vsession');
  const running = run('pgrep', ['-f', '^/usr/bin/vsession-api']).stdout.trim();
  assert.equal(running, '', 'the API was started before it was configured');
});

test('a reinstall keeps the secret and leaves the settings as they are', () => {
  const secret = readFileSync('/etc/vsession/jwt-secret', 'utf8');
  editEnv({ VSESSION_WORKERS: '2' });
  ok('dpkg', ['-i', deb1]);
  assert.equal(readFileSync('/etc/vsession/jwt-secret', 'utf8'), secret);
  assert.match(readFileSync(ENV_FILE, 'utf8'), /^VSESSION_WORKERS=2$/m);
});

test('vsession-api --check-config: 0 on the settings file, one line per problem and 1 on a broken one', () => {
  editEnv({
    VSESSION_DATABASE_URL: `host=${PG_SOCK} port=${PG_PORT} dbname=${DB} user=${ROLE}`,
    VSESSION_ADMIN_DATABASE_URL: `host=${PG_SOCK} port=${PG_PORT} dbname=${DB}`,
    VSESSION_PUBLIC_URL: `https://localhost:${port}`,
    JITSI_DOMAIN: 'meet.example.test',
  });
  const good = ok('/usr/bin/vsession-api', ['--check-config']);
  assert.match(good.stdout, /configuration is valid/);
  const broken = path.join(out, 'broken.env');
  writeFileSync(broken, 'VSESSION_PUBLIC_URL=ftp://example.org\nVSESSION_WORKERS=0\nVSESSION_TOKEN_TTL=ten\nJITSI_DOMAIN="meet example"\n');
  const r = run('/usr/bin/vsession-api', ['--check-config', '--config', broken]);
  assert.equal(r.status, 1, r.out);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 5, r.stderr);
  for (const v of ['VSESSION_DATABASE_URL', 'VSESSION_PUBLIC_URL', 'VSESSION_WORKERS', 'VSESSION_TOKEN_TTL', 'JITSI_DOMAIN']) {
    assert.equal(lines.filter((l) => l.includes(v)).length >= 1, true, `no line names ${v}:\n${r.stderr}`);
  }
  writeFileSync(broken, 'VSESSION_DATABASE_URL="dbname=x\n');
  const q = run('/usr/bin/vsession-api', ['--check-config', '--config', broken]);
  assert.equal(q.status, 1);
  assert.match(q.stderr, /broken\.env:1: VSESSION_DATABASE_URL/);
});

test('vsessionctl migrate from / applies the installed migrations as the owner and makes the API\'s role', () => {
  const r = ok('/usr/bin/vsessionctl', ['migrate']);
  assert.match(r.stdout, /applied 001_schema\.sql/);
  const shipped = readdirSync(path.join(ROOT, 'sql', 'migrations')).filter((f) => f.endsWith('.sql')).length;
  assert.match(r.stdout, new RegExp(`\\b${shipped} migrations applied`));
  assert.match(r.stdout, new RegExp(`created the API's login role ${ROLE}`));
  assert.equal(psql(`SELECT pg_has_role('${ROLE}', 'vsession_app', 'member')`), 't');
  assert.equal(psql(`SELECT tableowner FROM pg_tables WHERE tablename = 'users'`, DB), 'postgres', 'migrated as the owner');
  const again = ok('/usr/bin/vsessionctl', ['migrate']);
  assert.match(again.stdout, /0 migrations applied/);
  users.partner = makeUser('partner');
  users.client = makeUser('client');
  ok('/usr/bin/vsessionctl', ['client', 'link', '--partner', users.partner.email, '--client', users.client.email]);
});

test('the API runs from the installed files as the unit runs it; the snippet serves it at the root of a foreign site', async () => {
  api = await startApiLikeTheUnit();
  assert.equal(run('ps', ['-o', 'user=', '-p', String(api.pid)]).stdout.trim(), 'vsession');
  renderSnippets();
  const snippet = readFileSync(path.join(out, 'snippets', 'vsession.conf'), 'utf8');
  assert.doesNotMatch(snippet, /^location \/ \{/m, 'the snippet must not take the site\'s location /');
  assert.match(readFileSync(path.join(out, 'snippets', 'vsession-headers.conf'), 'utf8'), /frame-src https:\/\/meet\.example\.test;/,
    'the Content-Security-Policy names the Jitsi host of the settings file');
  assert.match(readFileSync(path.join(out, 'conf.d', 'vsession.conf'), 'utf8'), new RegExp(`server unix:${api.sock};`),
    'the upstream is the API\'s socket');
  nginx = await startSite();
  const home = await req(port, 'GET', '/about.html');
  assert.equal(home.status, 200);
  users.root = await exerciseMount('');
  await browserLogin('');
});

test('under /telehealth/ the same site keeps its own / and vsession answers below the prefix', async () => {
  editEnv({ VSESSION_PUBLIC_URL: `https://localhost:${port}/telehealth` });
  await api.stop();
  api = await startApiLikeTheUnit();
  renderSnippets();
  await nginx.stop();
  nginx = await startSite();
  const home = await req(port, 'GET', '/');
  assert.deepEqual([home.status, home.text], [200, 'the site\'s own home\n'], 'the site\'s / is its own again');
  const rootApi = await req(port, 'GET', '/api/health');
  assert.equal(rootApi.status, 404, 'the API is only under the prefix');
  const bare = await req(port, 'GET', '/telehealth');
  assert.equal(bare.status, 301);
  assert.match(bare.headers.location, /\/telehealth\/$/);
  users.prefixed = await exerciseMount('/telehealth');
  await browserLogin('/telehealth');
});

test('an upgrade installs the new migration, which migrate applies; settings, secret and data are kept', async () => {
  const secret = readFileSync('/etc/vsession/jwt-secret', 'utf8');
  const settings = readFileSync(ENV_FILE, 'utf8');
  const sessions = psql('SELECT count(*) FROM video_sessions', DB);
  ok('dpkg', ['-i', deb2]);
  assert.match(ok('dpkg-query', ['-W', '-f=${Version}', 'vsession']).stdout, /^0\.2\.0\+upgrade1$/);
  assert.equal(readFileSync(ENV_FILE, 'utf8'), settings, 'the edited conffile was replaced');
  assert.equal(readFileSync('/etc/vsession/jwt-secret', 'utf8'), secret, 'the secret changed');
  const r = ok('/usr/bin/vsessionctl', ['migrate']);
  assert.match(r.stdout, /applied 900_package_upgrade_check\.sql/);
  assert.match(r.stdout, /1 migration applied/);
  assert.equal(psql('SELECT id FROM package_upgrade_check', DB), '1');
  assert.equal(psql('SELECT count(*) FROM video_sessions', DB), sessions);
  await api.stop();
  api = await startApiLikeTheUnit();
  const g = await req(port, 'GET', `/telehealth/api/video-sessions/${users.prefixed.sessionId}`, { token: users.prefixed.token });
  assert.equal(g.status, 200, `a login from before the upgrade no longer works: ${g.text}`);
  assert.equal(g.json.title, 'Mounted at /telehealth');
});

test('remove keeps the settings; purge leaves no file, user or unit behind', async () => {
  await nginx.stop();
  nginx = null;
  await api.stop();
  api = null;
  // nginx-config --install with its default folders: the purge removes what it wrote.
  ok('/usr/bin/vsessionctl', ['nginx-config', '--install']);
  for (const f of NGINX_DEFAULT_FILES) assert.ok(existsSync(f), f);
  const files = ok('dpkg', ['-L', 'vsession']).stdout.split('\n').filter(Boolean);
  ok('dpkg', ['-r', 'vsession']);
  assert.ok(!existsSync('/usr/bin/vsession-api'));
  assert.ok(existsSync(ENV_FILE), 'remove must keep the settings');
  ok('dpkg', ['--purge', 'vsession']);
  ok('dpkg', ['--purge', 'vsession']); // again: nothing to do, no error
  const left = [...new Set([...files, ...installedFiles])]
    .filter((f) => /vsession/.test(f) && existsSync(f));
  assert.deepEqual(left, [], `left behind: ${left.join(', ')}`);
  for (const f of ['/etc/vsession', '/run/vsession', ...NGINX_DEFAULT_FILES]) assert.ok(!existsSync(f), `${f} is left`);
  assert.equal(getent('passwd', 'vsession'), '', 'the user is left');
  assert.equal(getent('group', 'vsession'), '', 'the group is left');
  const units = run('bash', ['-c', 'ls /lib/systemd/system/vsession* /etc/systemd/system/*/vsession* /etc/systemd/system/vsession* 2>/dev/null']).stdout.trim();
  assert.equal(units, '', `units left: ${units}`);
  const helper = '/var/lib/systemd/deb-systemd-helper-enabled';
  assert.ok(!existsSync(helper) || !readdirSync(helper, { recursive: true }).some((f) => String(f).includes('vsession')),
    'deb-systemd-helper still remembers a vsession unit');
  assert.equal(run('dpkg-query', ['-W', 'vsession']).status !== 0 || run('dpkg-query', ['-W', '-f=${Status}', 'vsession']).stdout.includes('not-installed'), true);
});
