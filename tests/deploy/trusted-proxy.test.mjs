// The per-address login limit behind a load balancer, as the README's deployment section
// ("Behind a load balancer or reverse proxy") configures it: the vsession site (the shipped
// templates, rendered) trusts X-Forwarded-For from the balancer's address only
// (set_real_ip_from + real_ip_header), and the balancer (a second nginx here) overwrites the
// header with the address it saw. Through it:
// - 50 failures from one client lock that client out, while another client behind the same
//   balancer still logs in (without the realip lines both would share the balancer's address);
// - a client's own X-Forwarded-For does not get it out of its lock;
// - IPv6 clients count by their /64: a second balancer port stands for a balancer with IPv6
//   clients (it passes the address a test client names, since this machine has no IPv6
//   addresses to connect from), and 50 failures from addresses of one /64 lock the whole /64
//   but not the next one;
// - the site does not trust the header from anyone else.
//
// Both nginx servers run on their own prefixes and free ports in front of the shared stack's
// API socket.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { randomBytes, randomInt } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeUser, sql } from '../api/lib.mjs';
import { requireStack, STATE, CA, tempDir, freePort, renderNginx, startNginx, removeDir } from './lib.mjs';

let dir, site, front, sitePorts, frontPort, frontV6Port;

function userLine() {
  const m = /^user [^;]+;/m.exec(readFileSync(path.join(STATE, 'nginx', 'nginx.conf'), 'utf8'));
  return m ? m[0] : '';
}

// The stack's own API socket, from the stack's rendered upstream.
function stackUpstream() {
  const m = /upstream vsession_api \{[\s\S]*?^\s*server ([^;\s]+);/m.exec(readFileSync(path.join(STATE, 'nginx', 'vsession-http.conf'), 'utf8'));
  if (!m) throw new Error('no upstream in the stack\'s vsession-http.conf');
  return m[1];
}

// The lines the README tells an admin to add to the site's http {} (or server {}) block.
const REALIP = `
    # vsession behind a load balancer: trust X-Forwarded-For from the balancer only.
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Forwarded-For;
    real_ip_recursive on;
`;

function balancer(prefix, port, portV6, upstreamPort) {
  const proxy = (xff) => `
        location / {
            proxy_pass https://127.0.0.1:${upstreamPort};
            proxy_ssl_server_name on;
            proxy_ssl_name localhost;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For ${xff};
            proxy_set_header X-Forwarded-Proto https;
        }`;
  return `${userLine()}
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path ${prefix}/client_body;
    proxy_temp_path ${prefix}/proxy_temp;
    fastcgi_temp_path ${prefix}/fastcgi_temp;
    uwsgi_temp_path ${prefix}/uwsgi_temp;
    scgi_temp_path ${prefix}/scgi_temp;
    ssl_certificate     ${STATE}/tls/cert.pem;
    ssl_certificate_key ${STATE}/tls/key.pem;
    # The balancer: the client's address as it saw it, whatever the client sent.
    server {
        listen 127.0.0.1:${port} ssl;
        server_name localhost;${proxy('$remote_addr')}
    }
    # A balancer with IPv6 clients, simulated: the address comes from the test client.
    server {
        listen 127.0.0.1:${portV6} ssl;
        server_name localhost;${proxy('$http_x_simulated_client')}
    }
}
`;
}

// A login through port from the loopback address `from`; headers added as given.
function loginVia(port, from, email, password, headers = {}) {
  const payload = JSON.stringify({ email, password });
  return new Promise((resolve, reject) => {
    const r = https.request({
      host: '127.0.0.1', port, servername: 'localhost', ca: CA, method: 'POST', path: '/api/auth/login', localAddress: from,
      agent: false, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload), ...headers },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try { json = JSON.parse(text); } catch { json = null; }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    r.on('error', reject);
    r.end(payload);
  });
}

const freshAddress = () => `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(2, 255)}`;
const unknownEmail = (i) => `proxy-${i}-${randomBytes(4).toString('hex')}@test.example`;

// n failures in batches of 10, each with its own unknown email (so only an address limit can stop them).
async function failMany(n, send) {
  for (let i = 0; i < n; i += 10) {
    const batch = await Promise.all(Array.from({ length: Math.min(10, n - i) }, (_, k) => send(i + k)));
    for (const r of batch) assert.equal(r.status, 401, `failure ${i}: ${r.status} ${r.text}`);
  }
}

before(async () => {
  requireStack();
  dir = tempDir('proxy');
  sitePorts = await renderNginx(path.join(dir, 'site'), [stackUpstream()]);
  const conf = readFileSync(sitePorts.conf, 'utf8');
  const withRealIp = conf.replace(/^http \{\n/m, `http {\n${REALIP}`);
  assert.notEqual(withRealIp, conf, 'no http block in the rendered nginx.conf');
  writeFileSync(sitePorts.conf, withRealIp);
  site = await startNginx(path.join(dir, 'site', 'nginx-state'), sitePorts.conf, path.join(dir, 'site', 'nginx-state', 'nginx.pid'), sitePorts.https);
  frontPort = await freePort();
  frontV6Port = await freePort();
  const frontConf = path.join(dir, 'front.conf');
  writeFileSync(frontConf, balancer(dir, frontPort, frontV6Port, sitePorts.https));
  front = await startNginx(dir, frontConf, path.join(dir, 'nginx.pid'), frontPort);
});

after(async () => {
  await front?.stop();
  await site?.stop();
  if (dir) removeDir(dir);
});

test('behind a trusted balancer, 50 failures lock out that client only; its own X-Forwarded-For changes nothing', async () => {
  const a = freshAddress();
  const b = freshAddress();
  const valid = makeUser('client');
  await failMany(50, (i) => loginVia(frontPort, a, unknownEmail(i), 'guess'));
  const locked = await loginVia(frontPort, a, valid.email, valid.password);
  assert.equal(locked.status, 429, locked.text);
  assert.equal(locked.json?.error?.code, 'too_many_attempts');
  assert.ok(Number(locked.headers['retry-after']) > 0);
  // Claiming another address to the balancer does not help: it overwrites the header.
  const spoof = await loginVia(frontPort, a, valid.email, valid.password, { 'X-Forwarded-For': b });
  assert.equal(spoof.status, 429, spoof.text);
  // Another client behind the same balancer is not affected.
  const other = await loginVia(frontPort, b, valid.email, valid.password);
  assert.equal(other.status, 200, other.text);
  // The API saw and recorded the client's own address, not the balancer's.
  assert.deepEqual(sql(`SELECT count(*) FROM audit_log WHERE action = 'login' AND outcome = 'failed' AND client_addr = '${a}'`), [['50']]);
  assert.deepEqual(sql(`SELECT attempts FROM attempt_counters WHERE key = 'login:addr:${a}'`), [['50']]);
});

test('behind a balancer with IPv6 clients, the limit counts each /64 as one address', async () => {
  const net = `2001:db8:${randomInt(1, 0xffff).toString(16)}:${randomInt(1, 0xffff).toString(16)}`;
  const next = net.replace(/:([0-9a-f]+)$/, (_, x) => `:${((parseInt(x, 16) + 1) & 0xffff).toString(16)}`);
  const from = freshAddress();
  const valid = makeUser('client');
  // 50 failures, each from another interface id of the same /64.
  await failMany(50, (i) => loginVia(frontV6Port, from, unknownEmail(i), 'guess',
    { 'X-Simulated-Client': `${net}:${randomInt(1, 0xffff).toString(16)}::${(i + 1).toString(16)}` }));
  const sameNet = await loginVia(frontV6Port, from, valid.email, valid.password, { 'X-Simulated-Client': `${net}:ffff:ffff:ffff:fffe` });
  assert.equal(sameNet.status, 429, `another address of the same /64: ${sameNet.status} ${sameNet.text}`);
  const nextNet = await loginVia(frontV6Port, from, valid.email, valid.password, { 'X-Simulated-Client': `${next}::1` });
  assert.equal(nextNet.status, 200, `the next /64: ${nextNet.status} ${nextNet.text}`);
  const key = `login:addr:${net}::/64`;
  assert.deepEqual(sql(`SELECT attempts FROM attempt_counters WHERE key = '${key}'`), [['50']], key);
});

test('the site trusts X-Forwarded-For from the balancer only, not from a client that connects directly', async () => {
  const direct = freshAddress();
  const claimed = freshAddress();
  const r = await loginVia(sitePorts.https, direct, unknownEmail('direct'), 'guess', { 'X-Forwarded-For': claimed });
  assert.equal(r.status, 401, r.text);
  const rid = r.headers['x-request-id'];
  assert.deepEqual(sql(`SELECT client_addr FROM audit_log WHERE request_id = '${rid}'`), [[direct]]);
});
