// The nginx snippets dropped into an existing site: a hand-written nginx.conf that looks like an
// admin's (its own log format, its own TLS settings, a second name-based server, its own
// locations and a server-level header) includes the stack's rendered files the way the README's deployment section
// says — vsession-http.conf in http {}, vsession-locations.conf in the site's server {} — and
// `nginx -t` accepts it. Through it the API works (health, login, a session created and read, a
// JSON 404, nginx's own JSON 413) and so does the SPA with its assets, even past the site's own
// regex locations, while the site's own locations, its request body limit and its other server
// stay as they were.
//
// The nginx runs on its own prefix and free port in front of the shared stack's API socket (the
// rendered upstream); it only sends requests to it.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeUser, link, minutesFromNow, SECURITY_HEADERS } from '../api/lib.mjs';
import { requireStack, STATE, tempDir, freePort, nginxTest, startNginx, req, removeDir } from './lib.mjs';

let dir, nginx, port, conf, webRoot;

// The stack's nginx user line (www-data, or root when www-data cannot read the web root).
function userLine() {
  const m = /^user [^;]+;/m.exec(readFileSync(path.join(STATE, 'nginx', 'nginx.conf'), 'utf8'));
  return m ? m[0] : '';
}

function existingSite(prefix, p) {
  const snippets = path.join(STATE, 'nginx');
  return `# An existing site's nginx.conf, as an admin might have it before adding vsession.
${userLine()}
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 256; }

http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    server_tokens off;
    client_max_body_size 10m;
    log_format legacy '$remote_addr [$time_local] "$request" $status $body_bytes_sent rid=$request_id';
    access_log ${prefix}/access.log legacy;
    client_body_temp_path ${prefix}/client_body;
    fastcgi_temp_path ${prefix}/fastcgi_temp;
    proxy_temp_path ${prefix}/proxy_temp;
    uwsgi_temp_path ${prefix}/uwsgi_temp;
    scgi_temp_path ${prefix}/scgi_temp;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache shared:legacy_tls:1m;
    ssl_certificate     ${STATE}/tls/cert.pem;
    ssl_certificate_key ${STATE}/tls/key.pem;

    # vsession, part 1 of 2: the upstream and the login rate-limit zone (http level, once).
    include ${snippets}/vsession-http.conf;

    # Another site on the same port, chosen by name; it does not include vsession.
    server {
        listen ${p} ssl;
        server_name other.example;
        location / { default_type text/plain; return 200 "other site\\n"; }
    }

    server {
        listen ${p} ssl http2 default_server;
        server_name localhost;
        add_header X-Legacy-Site "yes";

        location /legacy/ { default_type text/plain; return 200 "legacy"; }
        # Regex locations many sites have: PHP, and long caching for static files from their own root.
        location ~ \\.php$ { return 403; }
        location ~* \\.(?:css|js|png|svg|woff2)$ { root ${prefix}/legacy-static; expires 7d; }
        location = /robots.txt { default_type text/plain; return 200 "User-agent: *\\nDisallow:\\n"; }

        # vsession, part 2 of 2: /api/, /assets/ and the single-page app on every other path.
        include ${snippets}/vsession-locations.conf;
    }
}
`;
}

before(async () => {
  requireStack();
  dir = tempDir('include');
  port = await freePort();
  conf = path.join(dir, 'nginx.conf');
  writeFileSync(conf, existingSite(dir, port));
  webRoot = /^\s*root (\S+);/m.exec(readFileSync(path.join(STATE, 'nginx', 'vsession-locations.conf'), 'utf8'))[1];
  nginx = await startNginx(dir, conf, path.join(dir, 'nginx.pid'), port);
});

after(async () => {
  await nginx?.stop();
  if (dir) removeDir(dir);
});

test('nginx -t accepts an existing site that includes the two vsession snippets', () => {
  const r = nginxTest(dir, conf);
  assert.ok(r.ok, r.output);
  assert.match(r.output, /test is successful/);
});

test('the existing site\'s own locations and its other server answer as before', async () => {
  const legacy = await req(port, 'GET', '/legacy/page');
  assert.deepEqual([legacy.status, legacy.text], [200, 'legacy']);
  assert.equal(legacy.headers['x-legacy-site'], 'yes', 'the server-level header still applies to its own locations');
  const robots = await req(port, 'GET', '/robots.txt');
  assert.equal(robots.status, 200);
  assert.match(robots.text, /^User-agent/);
  const other = await req(port, 'GET', '/api/health', { host: 'other.example', fresh: true });
  assert.deepEqual([other.status, other.text], [200, 'other site\n'], 'the other server is untouched by the include');
});

test('the include leaves the existing site\'s own request body limit (10m here) alone', async () => {
  // The API's 64 KiB limit belongs to the API's locations; a server-level limit in the snippet
  // would cut every upload of the existing site to 64 KiB as well.
  const r = await req(port, 'POST', '/legacy/upload', {
    body: 'x'.repeat(100 * 1024), headers: { 'Content-Type': 'application/octet-stream' }, fresh: true,
  });
  assert.deepEqual([r.status, r.text], [200, 'legacy'], `a 100 KiB upload to the existing site got ${r.status}`);
});

test('the API answers through the include: health with the security headers and the request id', async () => {
  const r = await req(port, 'GET', '/api/health');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { status: 'ok', database: 'ok' });
  for (const h of SECURITY_HEADERS) assert.ok(r.headers[h], `${h} missing`);
  assert.match(r.headers['x-request-id'] ?? '', /^[0-9a-f]{32}$/, 'nginx\'s $request_id comes back as X-Request-Id');
  // The snippet's locations keep their own log without query strings (invite tokens travel
  // there), whatever the site logs with its own format.
  const vsLog = /access_log (\S+) vsession_noquery;/.exec(readFileSync(path.join(STATE, 'nginx', 'vsession-locations.conf'), 'utf8'))[1];
  const secret = await req(port, 'GET', '/api/health?invite=tok-in-query-string');
  assert.equal(secret.status, 200);
  const logged = readFileSync(vsLog, 'utf8');
  assert.ok(logged.includes(r.headers['x-request-id']), 'the request id is in vsession\'s access log');
  assert.ok(logged.includes(secret.headers['x-request-id']), 'so is the second request\'s');
  assert.ok(!logged.includes('tok-in-query-string'), 'but never a query string');
  const siteLog = readFileSync(path.join(dir, 'access.log'), 'utf8');
  assert.ok(!siteLog.includes('tok-in-query-string'), 'nor in the site\'s own log with its own format');
});

test('login, create a session and read it back through the include', async () => {
  const partner = makeUser('partner');
  const client = makeUser('client');
  link(partner, client);
  const l = await req(port, 'POST', '/api/auth/login', { body: { email: partner.email, password: partner.password } });
  assert.equal(l.status, 200, l.text);
  assert.match(String(l.headers['set-cookie']), /vs_session=.*HttpOnly.*Secure/i);
  const token = l.json.token;
  const c = await req(port, 'POST', '/api/video-sessions', {
    token, body: { user_id: client.id, title: 'Through the include', session_date: minutesFromNow(60 * 24 * 6), duration_minutes: 45 },
  });
  assert.equal(c.status, 201, c.text);
  const g = await req(port, 'GET', `/api/video-sessions/${c.json.id}`, { token });
  assert.equal(g.status, 200, g.text);
  assert.equal(g.json.title, 'Through the include');
  assert.ok(!('password' in g.json));
});

test('unknown API paths are JSON 404s and oversized bodies nginx\'s JSON 413, not the site\'s pages', async () => {
  const r = await req(port, 'GET', '/api/no-such-thing');
  assert.equal(r.status, 404);
  assert.equal(r.json?.error?.code, 'not_found', r.text);
  assert.match(r.headers['content-type'], /application\/json/);
  const big = await req(port, 'POST', '/api/auth/login', { body: `{"email":"${'x'.repeat(70 * 1024)}"}`, fresh: true });
  assert.equal(big.status, 413);
  assert.equal(big.json?.error?.code, 'payload_too_large', big.text);
});

test('the site\'s own regex locations (PHP, static files) do not capture /api/ or the app\'s /assets/', async () => {
  // nginx tries regex locations before a plain prefix match is final; the snippet's /api/ and
  // /assets/ must win (^~) or an ordinary "cache every .js" location serves the wrong files.
  const assets = readdirSync(path.join(webRoot, 'assets')).filter((f) => /\.(js|css)$/.test(f));
  assert.ok(assets.length > 0, `no built assets in ${webRoot}/assets`);
  for (const f of assets.slice(0, 3)) {
    const r = await req(port, 'GET', `/assets/${f}`);
    assert.equal(r.status, 200, `/assets/${f} answered ${r.status}`);
    assert.equal(r.text, readFileSync(path.join(webRoot, 'assets', f), 'utf8'), `/assets/${f} is not the app's file`);
    assert.match(r.headers['cache-control'] ?? '', /immutable/);
  }
  const php = await req(port, 'GET', '/api/index.php');
  assert.equal(php.status, 404, `/api/index.php answered ${php.status} (the site's PHP location?)`);
  assert.equal(php.json?.error?.code, 'not_found', php.text);
});

test('every other path is the single-page app\'s index.html, never cached', async () => {
  const index = readFileSync(path.join(webRoot, 'index.html'), 'utf8');
  for (const p of ['/', '/join/42', '/dashboard']) {
    const r = await req(port, 'GET', p);
    assert.equal(r.status, 200, p);
    assert.match(r.headers['content-type'], /text\/html/);
    assert.match(r.headers['cache-control'] ?? '', /no-cache/);
    assert.equal(r.text, index, `${p} is not the SPA`);
  }
});
