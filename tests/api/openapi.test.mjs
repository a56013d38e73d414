// openapi.test.mjs — app/api/openapi.yaml lints clean, lists exactly the routes of
// app/api/routes.c (the test-only /api/test/sleep excepted), names every error code the
// server and nginx write, and describes what the running server really answers: live
// responses through nginx are validated against the document's response schemas and headers.
//
// The YAML is read through `redocly bundle --ext json` (Redocly is already a dependency), and
// the schemas are checked by the small JSON Schema checker below, which knows exactly the
// keywords openapi.yaml uses and refuses any other, so no constraint is ever silently ignored.
// The static tests run without a stack (`node --test tests/api/openapi.test.mjs`); the live
// ones need scripts/test's environment.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = process.env.VSESSION_ROOT ?? path.resolve(here, '..', '..');
const SPEC_FILE = path.join(ROOT, 'app/api/openapi.yaml');
const REDOCLY = path.join(ROOT, 'tests/node_modules/.bin/redocly');
const REDOCLY_CONFIG = path.join(ROOT, 'tests/redocly.yaml');
const LIVE = process.env.VSESSION_BASE_URL ? false : 'needs the running stack (scripts/test sets VSESSION_BASE_URL)';

// Components documented on purpose without being attached to an operation (see tests/redocly.yaml).
const UNATTACHED_COMPONENTS = new Set(['#/components/responses/MethodNotAllowed']);

// Redocly must work offline: no telemetry, no update check, and a dead proxy so that any
// network attempt fails at once instead of depending on the machine's connectivity.
function redocly(args) {
  const env = {
    ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1', FORCE_COLOR: '0',
    HTTP_PROXY: 'http://127.0.0.1:9', HTTPS_PROXY: 'http://127.0.0.1:9', http_proxy: 'http://127.0.0.1:9', https_proxy: 'http://127.0.0.1:9',
  };
  return spawnSync(REDOCLY, args, { cwd: ROOT, env, encoding: 'utf8', timeout: 60000 });
}

function loadSpec() {
  const r = redocly(['bundle', SPEC_FILE, '--ext', 'json', '--config', REDOCLY_CONFIG]);
  if (r.status !== 0) throw new Error(`redocly bundle failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}
const spec = loadSpec();

// ---- a minimal JSON Schema (2020-12) checker for the keywords openapi.yaml uses -------------

const ANNOTATIONS = new Set(['description', 'example', 'examples', 'default', 'title', 'summary', 'deprecated', 'readOnly', 'writeOnly']);
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function resolve(ref) {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported: ${ref}`);
  let node = spec;
  for (const part of ref.slice(2).split('/')) {
    node = node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (node === undefined) throw new Error(`$ref does not resolve: ${ref}`);
  }
  return node;
}

function jsonType(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v; // object, string, number, boolean
}

function hasType(v, t) {
  if (t === 'integer') return Number.isInteger(v);
  if (t === 'number') return typeof v === 'number' && Number.isFinite(v);
  return jsonType(v) === t;
}

// Checks v against schema; returns {errs, seen} where seen holds the property names the
// schema (with its in-place applicators) evaluated, for unevaluatedProperties.
function walk(schema, v, at) {
  const errs = [];
  const seen = new Set();
  const isObj = jsonType(v) === 'object';
  const fail = (msg) => errs.push(`${at}: ${msg}`);
  const sub = (s, value, where) => {
    const r = walk(s, value, where);
    errs.push(...r.errs);
    return r;
  };
  if (schema === true) return { errs, seen };
  if (schema === false) { fail('no value is allowed here'); return { errs, seen }; }
  for (const [k, s] of Object.entries(schema)) {
    if (ANNOTATIONS.has(k) || k === 'unevaluatedProperties') continue;
    switch (k) {
      case '$ref': { const r = sub(resolve(s), v, at); r.seen.forEach((p) => seen.add(p)); break; }
      case 'type': if (![].concat(s).some((t) => hasType(v, t))) fail(`expected ${[].concat(s).join(' or ')}, got ${jsonType(v)}`); break;
      case 'enum': if (!s.some((e) => e === v)) fail(`${JSON.stringify(v)} is not one of ${JSON.stringify(s)}`); break;
      case 'const': if (s !== v) fail(`${JSON.stringify(v)} is not ${JSON.stringify(s)}`); break;
      case 'format':
        if (typeof v !== 'string') break;
        if (s === 'date-time' && !(RFC3339.test(v) && !Number.isNaN(Date.parse(v.replace(' ', 'T'))))) fail(`${JSON.stringify(v)} is not an RFC 3339 date-time`);
        else if (s === 'uri') { try { new URL(v); } catch { fail(`${JSON.stringify(v)} is not a URI`); } }
        else if (!['date-time', 'uri', 'int64', 'password'].includes(s)) throw new Error(`unknown format ${s} at ${at}`);
        break;
      case 'pattern': if (typeof v === 'string' && !new RegExp(s, 'u').test(v)) fail(`${JSON.stringify(v)} does not match /${s}/`); break;
      case 'minLength': if (typeof v === 'string' && [...v].length < s) fail(`shorter than ${s} characters`); break;
      case 'maxLength': if (typeof v === 'string' && [...v].length > s) fail(`longer than ${s} characters`); break;
      case 'minimum': if (typeof v === 'number' && v < s) fail(`${v} < ${s}`); break;
      case 'maximum': if (typeof v === 'number' && v > s) fail(`${v} > ${s}`); break;
      case 'multipleOf': if (typeof v === 'number' && v % s !== 0) fail(`${v} is not a multiple of ${s}`); break;
      case 'minItems': if (Array.isArray(v) && v.length < s) fail(`fewer than ${s} items`); break;
      case 'maxItems': if (Array.isArray(v) && v.length > s) fail(`more than ${s} items`); break;
      case 'items': if (Array.isArray(v)) v.forEach((x, i) => sub(s, x, `${at}[${i}]`)); break;
      case 'required': if (isObj) for (const p of s) if (!(p in v)) fail(`missing required property ${p}`); break;
      case 'minProperties': if (isObj && Object.keys(v).length < s) fail(`fewer than ${s} properties`); break;
      case 'maxProperties': if (isObj && Object.keys(v).length > s) fail(`more than ${s} properties`); break;
      case 'properties':
        if (!isObj) break;
        for (const [p, ps] of Object.entries(s)) {
          if (!(p in v)) continue;
          seen.add(p);
          sub(ps, v[p], `${at}.${p}`);
        }
        break;
      case 'additionalProperties':
        if (!isObj) break;
        for (const p of Object.keys(v)) {
          if (schema.properties && p in schema.properties) continue;
          seen.add(p);
          if (s === false) fail(`unexpected property ${p}`);
          else sub(s, v[p], `${at}.${p}`);
        }
        break;
      case 'allOf': for (const b of s) { const r = sub(b, v, at); r.seen.forEach((p) => seen.add(p)); } break;
      case 'anyOf':
      case 'oneOf': {
        const ok = s.map((b) => walk(b, v, at)).filter((r) => r.errs.length === 0);
        if (ok.length === 0) fail(`matches none of the ${k} branches`);
        else if (k === 'oneOf' && ok.length > 1) fail(`matches ${ok.length} oneOf branches, not exactly one`);
        for (const r of ok) r.seen.forEach((p) => seen.add(p));
        break;
      }
      case 'not': if (walk(s, v, at).errs.length === 0) fail('matches a schema it must not'); break;
      default: throw new Error(`the checker does not know the keyword "${k}" (at ${at}); teach it before using it`);
    }
  }
  if (schema.unevaluatedProperties !== undefined && isObj) {
    for (const p of Object.keys(v)) {
      if (seen.has(p)) continue;
      if (schema.unevaluatedProperties === false) fail(`unexpected property ${p}`);
      else errs.push(...walk(schema.unevaluatedProperties, v[p], `${at}.${p}`).errs);
      seen.add(p);
    }
  }
  return { errs, seen };
}

function schemaErrors(schema, value) {
  return walk(schema, value, '$').errs;
}

function deref(node) {
  return node && node.$ref ? deref(resolve(node.$ref)) : node;
}

// Asserts that a live response is one openapi.yaml documents for (method, template): its
// status is listed, its required headers are there and every documented header present fits
// its schema, its media type is listed and its body fits that media type's schema.
function assertDocumented(method, template, res) {
  const op = spec.paths[template]?.[method.toLowerCase()];
  assert.ok(op, `${method} ${template} is not in openapi.yaml`);
  const resp = op.responses[String(res.status)];
  assert.ok(resp, `${method} ${template} answered ${res.status} (${res.text}); openapi.yaml does not list that status`);
  assertFits(deref(resp), res, `${method} ${template} ${res.status}`);
}

function assertFits(resp, res, what) {
  for (const [name, h] of Object.entries(resp.headers ?? {})) {
    const hd = deref(h);
    const value = res.headers.get(name);
    if (value === null) {
      assert.ok(!hd.required, `${what}: the required header ${name} is missing`);
      continue;
    }
    const typed = hd.schema?.type === 'integer' && /^[0-9]+$/.test(value) ? Number(value) : value;
    assert.deepEqual(schemaErrors(hd.schema, typed), [], `${what}: header ${name}: ${value}`);
  }
  if (!resp.content) {
    assert.equal(res.text, '', `${what}: no body is documented, but one came`);
    return;
  }
  const mediaType = (res.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  const media = resp.content[mediaType];
  assert.ok(media, `${what}: media type ${mediaType} is not documented (${Object.keys(resp.content).join(', ')})`);
  const body = mediaType === 'application/json' ? JSON.parse(res.text) : res.text;
  assert.deepEqual(schemaErrors(media.schema, body), [], `${what}: the body does not fit openapi.yaml: ${res.text}`);
}

// ---- the route table ------------------------------------------------------------------------

// Every route of app/api/routes.c as {pattern, name, testOnly, methods:[{method, flags}]}.
function routeTable() {
  const src = readFileSync(path.join(ROOT, 'app/api/routes.c'), 'utf8');
  const entry = /\[(ROUTE_\w+)\]\s*=\s*\{\s*(NULL|"([^"]*)")\s*,\s*"([^"]*)"\s*,\s*\{([\s\S]*?)\}\s*,\s*(\d+)\s*\}/g;
  const routes = [];
  for (const m of src.matchAll(entry)) {
    if (m[2] === 'NULL') continue;
    const testOnly = /#ifdef\s+VSESSION_TESTING[^#]*$/.test(src.slice(0, m.index));
    const methods = [...m[5].matchAll(/M\(\s*VS_(\w+)\s*,\s*\w+\s*,\s*([^)]*)\)/g)].map((x) => ({ method: x[1].toLowerCase(), flags: x[2] }));
    assert.equal(methods.length, Number(m[6]), `routes.c: ${m[1]} lists ${methods.length} methods but says ${m[6]}`);
    routes.push({ pattern: m[3], name: m[4], testOnly, methods });
  }
  assert.ok(routes.length >= 10, `routes.c: only ${routes.length} routes parsed; has the table's shape changed?`);
  return routes;
}

// "/api/partners/:id/clients" and "/api/partners/{partnerId}/clients" both become "/api/partners/{}/clients".
const shape = (p) => p.replace(/:[a-z]+/g, '{}').replace(/\{[^}]+\}/g, '{}');
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

// ---- static tests -----------------------------------------------------------------------------

test('openapi.yaml lints clean with redocly recommended-strict, offline', () => {
  const r = redocly(['lint', '--config', REDOCLY_CONFIG, SPEC_FILE]);
  assert.equal(r.status, 0, `redocly lint failed:\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout + r.stderr, /valid/i);
  assert.doesNotMatch(r.stdout + r.stderr, /warning was generated|error was generated/i);
});

test('the spec lists exactly the routes and methods of routes.c, and not the test-only route', () => {
  const routes = routeTable();
  const fromRoutes = new Set();
  for (const r of routes) {
    if (r.testOnly) {
      assert.equal(r.name, 'test.sleep', `an unexpected test-only route: ${r.pattern}`);
      continue;
    }
    for (const m of r.methods) fromRoutes.add(`${m.method.toUpperCase()} ${shape(r.pattern)}`);
  }
  const fromSpec = new Set();
  for (const [p, item] of Object.entries(spec.paths)) {
    for (const m of HTTP_METHODS) if (item[m]) fromSpec.add(`${m.toUpperCase()} ${shape(p)}`);
  }
  assert.deepEqual([...fromRoutes].filter((x) => !fromSpec.has(x)).sort(), [], 'routes of routes.c missing from openapi.yaml');
  assert.deepEqual([...fromSpec].filter((x) => !fromRoutes.has(x)).sort(), [], 'operations of openapi.yaml that routes.c does not have');
  assert.ok(!Object.keys(spec.paths).some((p) => p.startsWith('/api/test/')), 'the test-only route must not be documented');
  assert.ok(routes.some((r) => r.testOnly), 'routes.c has no test-only route any more: drop this check');
});

test('public routes, bodies and optional bodies in the spec agree with the route flags', () => {
  for (const r of routeTable().filter((x) => !x.testOnly)) {
    const item = Object.entries(spec.paths).find(([p]) => shape(p) === shape(r.pattern))?.[1] ?? {};
    for (const m of r.methods) {
      const op = item[m.method];
      const what = `${m.method.toUpperCase()} ${r.pattern}`;
      assert.ok(op, `${what} is not in openapi.yaml`);
      const isPublic = /VS_RF_PUBLIC/.test(m.flags);
      assert.equal(Array.isArray(op.security) && op.security.length === 0, isPublic,
        `${what}: ${isPublic ? 'public, so it needs security: []' : 'needs a login, so it must not say security: []'}`);
      if (!isPublic) assert.ok(op.responses['401'], `${what}: needs a login, so 401 must be listed`);
      const body = deref(op.requestBody);
      if (/\bVS_RF_BODY\b/.test(m.flags)) assert.equal(body?.required, true, `${what}: takes a body, so requestBody.required`);
      else if (/VS_RF_BODY_OPTIONAL/.test(m.flags)) assert.ok(body && !body.required, `${what}: an optional body`);
      else if (/VS_RF_BODY_IGNORED/.test(m.flags)) assert.ok(body && !body.required, `${what}: any body, not read`);
      else assert.equal(body, undefined, `${what}: takes no body`);
      // a body that is never read cannot be malformed (400) or of the wrong type (415); its size still counts
      const bodyStatuses = /VS_RF_BODY_IGNORED/.test(m.flags) ? ['413'] : ['400', '413', '415'];
      if (body) for (const s of bodyStatuses) assert.ok(op.responses[s], `${what}: takes a body, so ${s} must be listed`);
    }
  }
});

test('every component is referenced, except the ones documented on purpose without an operation', () => {
  const refs = new Set();
  (function collect(node) {
    if (Array.isArray(node)) node.forEach(collect);
    else if (node && typeof node === 'object') {
      if (typeof node.$ref === 'string') refs.add(node.$ref);
      Object.values(node).forEach(collect);
    }
  })(spec);
  const unused = [];
  for (const [kind, group] of Object.entries(spec.components)) {
    if (kind === 'securitySchemes') continue; // used by name in `security`, not by $ref
    for (const name of Object.keys(group)) {
      const ref = `#/components/${kind}/${name}`;
      if (!refs.has(ref) && !UNATTACHED_COMPONENTS.has(ref)) unused.push(ref);
    }
  }
  assert.deepEqual(unused, [], 'components nothing refers to');
  for (const ref of UNATTACHED_COMPONENTS) assert.ok(resolve(ref), `${ref} is listed as documented on purpose but does not exist`);
  for (const s of Object.keys(spec.components.securitySchemes)) {
    const used = JSON.stringify(spec.security ?? []).includes(`"${s}"`);
    assert.ok(used, `security scheme ${s} is not used`);
  }
});

test('the ErrorCode enum is exactly the codes the API and nginx write', () => {
  const codes = new Set();
  for (const f of readdirSync(path.join(ROOT, 'app/api')).filter((x) => x.endsWith('.c'))) {
    const src = readFileSync(path.join(ROOT, 'app/api', f), 'utf8');
    for (const m of src.matchAll(/vs_http_error\(\s*[^,]+,\s*\d{3}\s*,\s*"([a-z_]+)"/g)) codes.add(m[1]);
    // the rows of the error table (errors.c): [VS_ERR_X] = { status, "code", ... }
    for (const m of src.matchAll(/\[VS_[A-Z_]+\]\s*=\s*\{\s*\d{3}\s*,\s*"([a-z_]+)"/g)) codes.add(m[1]);
  }
  const nginx = readFileSync(path.join(ROOT, 'nginx/vsession-locations.conf.in'), 'utf8');
  for (const m of nginx.matchAll(/"code":"([a-z_]+)"/g)) codes.add(m[1]);
  assert.ok(codes.size >= 10, `only ${codes.size} codes found in the sources; has the error writer changed?`);
  assert.deepEqual([...spec.components.schemas.ErrorCode.enum].sort(), [...codes].sort());
});

test('the schema checker refuses what it should (so the live checks can fail)', () => {
  const session = spec.components.schemas.VideoSession;
  const good = {
    id: 1, partner_id: 2, user_id: 3, partner: { id: 2, name: 'P' }, user: { id: 3, name: 'C' }, title: 'T',
    session_date: '2026-12-01T15:00:00Z', end_date: '2026-12-01T15:30:00Z', duration_minutes: 30, status: 'scheduled',
    password_enabled: true, meeting_url: 'https://h.example/join/1', join_url: 'https://h.example/join/1?hint=1.1796003600.0f4c1e8d2b7a6c5e4d3c2b1a09f8e7d6',
    created_at: '2026-11-01T10:00:00.123456Z',
    updated_at: '2026-11-01T10:00:00.123456Z',
  };
  assert.deepEqual(schemaErrors(session, good), []);
  assert.deepEqual(schemaErrors(session, { ...good, notes: '' }), []);
  const bad = [
    { ...good, password: '123456' },                      // reads never carry a password
    { ...good, status: 'done' },                          // not in the enum
    { ...good, duration_minutes: 52 },                    // not a multiple of 5
    { ...good, session_date: '2026-12-01T16:00:00+01:00' }, // answers are in UTC with Z
    { ...good, user: null },                              // wrong type
    (({ id, ...rest }) => rest)(good),                    // id missing
  ];
  for (const b of bad) assert.notDeepEqual(schemaErrors(session, b), [], JSON.stringify(b));
  assert.deepEqual(schemaErrors(spec.components.schemas.VideoSessionWithPassword, { ...good, password: '123456' }), []);
  const err = spec.components.responses.NotFound.content['application/json'].schema;
  assert.deepEqual(schemaErrors(err, { error: { code: 'not_found', message: 'x' } }), []);
  assert.notDeepEqual(schemaErrors(err, { error: { code: 'forbidden', message: 'x' } }), []);
  assert.notDeepEqual(schemaErrors(err, { error: { code: 'not_found', message: 'x', stack: 'y' } }), []);
  assert.throws(() => schemaErrors({ propertyNames: { maxLength: 3 } }, {}), /does not know the keyword/);
});

// ---- live answers -----------------------------------------------------------------------------

function iso(ms) { return new Date(ms).toISOString().replace('.000Z', 'Z'); }
function future(days, hours = 10) {
  const t = new Date(Date.now() + days * 86400000);
  t.setUTCHours(hours, 0, 0, 0);
  return t.getTime();
}

test('health, login, me and the client list answer as documented', { skip: LIVE }, async () => {
  const { api, makeUser, link } = await import('./lib.mjs');
  assertDocumented('GET', '/api/health', await api('GET', '/api/health'));

  const partner = makeUser('partner');
  const client = makeUser('client');
  link(partner, client);
  const r = await api('POST', '/api/auth/login', { body: { email: partner.email, password: partner.password } });
  assertDocumented('POST', '/api/auth/login', r);
  assert.equal(r.status, 200);
  const token = r.json.token;
  assertDocumented('GET', '/api/auth/me', await api('GET', '/api/auth/me', { token }));
  assertDocumented('GET', '/api/auth/me', await api('GET', '/api/auth/me', { cookie: `__Host-vs_session=${token}` }));
  const clients = await api('GET', `/api/partners/${partner.id}/clients`, { token });
  assertDocumented('GET', '/api/partners/{partnerId}/clients', clients);
  assert.equal(clients.json.clients.length, 1);

  // errors: no token, a login that is not valid input, someone else's collection
  assertDocumented('GET', '/api/auth/me', await api('GET', '/api/auth/me'));
  const bad = await api('POST', '/api/auth/login', { body: { email: partner.email, password: partner.password, extra: 1 } });
  assert.equal(bad.status, 422);
  assertDocumented('POST', '/api/auth/login', bad);
  assertDocumented('GET', '/api/partners/{partnerId}/clients', await api('GET', `/api/partners/${partner.id + 1}/clients`, { token }));
  const wrongType = await api('POST', '/api/auth/login', { body: 'email=x', headers: { 'Content-Type': 'text/plain' } });
  assert.equal(wrongType.status, 415);
  assertDocumented('POST', '/api/auth/login', wrongType);

  // a change with the cookie alone, without the app's header: the documented 403
  const csrf = await api('POST', '/api/auth/logout', { cookie: `__Host-vs_session=${token}` });
  assert.equal(csrf.status, 403, csrf.text);
  assertDocumented('POST', '/api/auth/logout', csrf);
  const csrfDelete = await api('DELETE', '/api/appointments/1', { cookie: `__Host-vs_session=${token}`, headers: { 'X-Requested-With': 'vsession', Origin: 'https://evil.example' } });
  assert.equal(csrfDelete.status, 403, csrfDelete.text);
  assertDocumented('DELETE', '/api/appointments/{id}', csrfDelete);

  const out = await api('POST', '/api/auth/logout', { token });
  assertDocumented('POST', '/api/auth/logout', out);
  assert.equal(out.status, 204);
  assertDocumented('GET', '/api/auth/me', await api('GET', '/api/auth/me', { token }));
});

test('sessions, lists, appointments and the calendar answer as documented', { skip: LIVE }, async () => {
  const { api, practice } = await import('./lib.mjs');
  const { partner, client } = await practice();
  const start = future(3);
  const body = { user_id: client.id, title: 'Weekly check-in', session_date: iso(start), duration_minutes: 45, notes: 'private' };
  const created = await api('POST', '/api/video-sessions', { token: partner.token, body });
  assertDocumented('POST', '/api/video-sessions', created);
  assert.equal(created.status, 201);
  assert.match(created.json.password, /^\d{6}$/);
  const id = created.json.id;

  const asPartner = await api('GET', `/api/video-sessions/${id}`, { token: partner.token });
  assertDocumented('GET', '/api/video-sessions/{id}', asPartner);
  assert.equal(asPartner.json.notes, 'private');
  const asClient = await api('GET', `/api/video-sessions/${id}`, { token: client.token });
  assertDocumented('GET', '/api/video-sessions/{id}', asClient);
  assert.ok(!('notes' in asClient.json));

  // a second session, so a page of one has a next_cursor
  const second = await api('POST', '/api/video-sessions', { token: partner.token, body: { ...body, session_date: iso(start + 86400000), password_enabled: false } });
  assertDocumented('POST', '/api/video-sessions', second);
  assert.ok(!('password' in second.json));
  const page = await api('GET', `/api/partners/${partner.id}/video-sessions?when=upcoming&limit=1`, { token: partner.token });
  assertDocumented('GET', '/api/partners/{partnerId}/video-sessions', page);
  assert.equal(typeof page.json.next_cursor, 'string');
  const last = await api('GET', `/api/partners/${partner.id}/video-sessions?limit=1&cursor=${encodeURIComponent(page.json.next_cursor)}`, { token: partner.token });
  assertDocumented('GET', '/api/partners/{partnerId}/video-sessions', last);
  assert.equal(last.json.next_cursor, null);
  assertDocumented('GET', '/api/users/{userId}/video-sessions', await api('GET', `/api/users/${client.id}/video-sessions`, { token: client.token }));
  assertDocumented('GET', '/api/users/{userId}/video-sessions', await api('GET', `/api/users/${client.id}/video-sessions?when=soon`, { token: client.token }));

  // errors: a conflict names the booking; validation names the field; clients cannot create
  const conflict = await api('POST', '/api/video-sessions', { token: partner.token, body: { ...body, session_date: iso(start + 15 * 60000) } });
  assertDocumented('POST', '/api/video-sessions', conflict);
  assert.equal(conflict.status, 409);
  assert.deepEqual(conflict.json.error.details.conflicting, { kind: 'video_session', id, start: iso(start), end: iso(start + 45 * 60000), title: body.title, user: { id: client.id, name: client.name } });
  const invalid = await api('POST', '/api/video-sessions', { token: partner.token, body: { ...body, duration_minutes: 52 } });
  assertDocumented('POST', '/api/video-sessions', invalid);
  assert.equal(invalid.json.error.field, 'duration_minutes');
  assertDocumented('POST', '/api/video-sessions', await api('POST', '/api/video-sessions', { token: client.token, body }));
  assertDocumented('GET', '/api/video-sessions/{id}', await api('GET', `/api/video-sessions/${id + 1000000}`, { token: partner.token }));
  const notJson = await api('POST', '/api/video-sessions', { token: partner.token, body: '{"user_id": 1,', headers: { 'Content-Type': 'application/json' } });
  assert.equal(notJson.status, 400);
  assertDocumented('POST', '/api/video-sessions', notJson);

  // 405 with Allow, as the unattached MethodNotAllowed component says
  const notAllowed = await api('PATCH', `/api/video-sessions/${id}`, { token: partner.token, body: {} });
  assert.equal(notAllowed.status, 405);
  assert.equal(notAllowed.headers.get('allow'), 'GET, PUT, DELETE');
  assertFits(spec.components.responses.MethodNotAllowed, notAllowed, 'PATCH /api/video-sessions/{id} 405');

  // appointments and the calendar, both kinds
  const appt = await api('POST', `/api/partners/${partner.id}/appointments`, {
    token: partner.token, body: { title: 'Supervision', starts_at: iso(start - 2 * 3600000), ends_at: iso(start - 3600000) },
  });
  assertDocumented('POST', '/api/partners/{partnerId}/appointments', appt);
  assert.equal(appt.status, 201);
  assertDocumented('GET', '/api/appointments/{id}', await api('GET', `/api/appointments/${appt.json.id}`, { token: partner.token }));
  const put = await api('PUT', `/api/appointments/${appt.json.id}`, { token: partner.token, body: { user_id: client.id } });
  assertDocumented('PUT', '/api/appointments/{id}', put);
  assert.deepEqual(put.json.user, { id: client.id, name: client.name });
  assertDocumented('GET', '/api/partners/{partnerId}/appointments', await api('GET', `/api/partners/${partner.id}/appointments?from=${iso(start - 86400000)}&to=${iso(start + 86400000)}`, { token: partner.token }));
  const cal = await api('GET', `/api/partners/${partner.id}/calendar?from=${iso(start - 86400000)}&to=${iso(start + 2 * 86400000)}`, { token: partner.token });
  assertDocumented('GET', '/api/partners/{partnerId}/calendar', cal);
  assert.deepEqual(cal.json.events.map((e) => e.kind), ['appointment', 'video_session', 'video_session']);
  const noRange = await api('GET', `/api/partners/${partner.id}/calendar`, { token: partner.token });
  assert.equal(noRange.status, 422);
  assertDocumented('GET', '/api/partners/{partnerId}/calendar', noRange);

  // the iCalendar file, and a cancellation
  const ics = await api('GET', `/api/video-sessions/${id}/calendar.ics`, { token: client.token });
  assertDocumented('GET', '/api/video-sessions/{id}/calendar.ics', ics);
  const cancelled = await api('PUT', `/api/video-sessions/${id}`, { token: partner.token, body: { status: 'cancelled' } });
  assertDocumented('PUT', '/api/video-sessions/{id}', cancelled);
  assert.equal(cancelled.json.status, 'cancelled');
  const moveCancelled = await api('PUT', `/api/video-sessions/${id}`, { token: partner.token, body: { duration_minutes: 60 } });
  assert.equal(moveCancelled.status, 409);
  assertDocumented('PUT', '/api/video-sessions/{id}', moveCancelled);
  assertDocumented('DELETE', '/api/appointments/{id}', await api('DELETE', `/api/appointments/${appt.json.id}`, { token: partner.token }));
  assertDocumented('DELETE', '/api/video-sessions/{id}', await api('DELETE', `/api/video-sessions/${second.json.id}`, { token: partner.token }));
});

test('joining, password checks and guest invites answer as documented', { skip: LIVE }, async () => {
  const { api, practice, minutesFromNow } = await import('./lib.mjs');
  const { partner, client } = await practice();
  // starts within two minutes: the join window (15 minutes before the start) is open
  const soon = await api('POST', '/api/video-sessions', {
    token: partner.token, body: { user_id: client.id, title: 'Now', session_date: minutesFromNow(2), duration_minutes: 30 },
  });
  assert.equal(soon.status, 201, soon.text);
  const { id, password } = soon.json;
  const later = await api('POST', '/api/video-sessions', {
    token: partner.token, body: { user_id: client.id, title: 'Later', session_date: iso(future(5)), duration_minutes: 30 },
  });

  const partnerJoin = await api('POST', `/api/video-sessions/${id}/join`, { token: partner.token });
  assertDocumented('POST', '/api/video-sessions/{id}/join', partnerJoin);
  assert.equal(partnerJoin.status, 200);
  assert.equal(partnerJoin.json.moderator, true);
  const early = await api('POST', `/api/video-sessions/${later.json.id}/join`, { token: partner.token });
  assert.equal(early.status, 403);
  assertDocumented('POST', '/api/video-sessions/{id}/join', early);
  const unverified = await api('POST', `/api/video-sessions/${id}/join`, { token: client.token, body: {} });
  assert.equal(unverified.status, 403);
  assertDocumented('POST', '/api/video-sessions/{id}/join', unverified);

  // public Jitsi mode: a verified client whose partner is not in the room is held (202)
  if (!process.env.VSESSION_JITSI_MODE || process.env.VSESSION_JITSI_MODE === 'public') {
    const other = await practice();
    const held = await api('POST', '/api/video-sessions', {
      token: other.partner.token, body: { user_id: other.client.id, title: 'Held', session_date: minutesFromNow(2), duration_minutes: 30, password_enabled: false },
    });
    const waiting = await api('POST', `/api/video-sessions/${held.json.id}/join`, { token: other.client.token });
    assert.equal(waiting.status, 202, waiting.text);
    assertDocumented('POST', '/api/video-sessions/{id}/join', waiting);
  }

  const wrong = await api('POST', `/api/video-sessions/${id}/verify-password`, { token: client.token, body: { password: password === '000000' ? '111111' : '000000' } });
  assert.equal(wrong.status, 403);
  assertDocumented('POST', '/api/video-sessions/{id}/verify-password', wrong);
  const verified = await api('POST', `/api/video-sessions/${id}/verify-password`, { token: client.token, body: { password } });
  assertDocumented('POST', '/api/video-sessions/{id}/verify-password', verified);
  assert.equal(verified.status, 200);
  const clientJoin = await api('POST', `/api/video-sessions/${id}/join`, { token: client.token });
  assertDocumented('POST', '/api/video-sessions/{id}/join', clientJoin);
  assert.equal(clientJoin.json.moderator, false);

  const invite = await api('POST', `/api/video-sessions/${id}/invite`, { token: partner.token });
  assertDocumented('POST', '/api/video-sessions/{id}/invite', invite);
  assert.equal(invite.status, 201);
  const token = new URL(invite.json.invite_url).searchParams.get('invite');
  const guest = await api('POST', `/api/join/${id}`, { body: { invite: token, password, name: 'Guest' } });
  assertDocumented('POST', '/api/join/{id}', guest);
  assert.equal(guest.status, 200);
  assert.equal(guest.json.display_name, 'Guest (guest)');
  for (const [who, status] of [[partner, 204], [client, 403]]) {
    const unlock = await api('DELETE', `/api/video-sessions/${id}/password-lockout`, { token: who.token });
    assertDocumented('DELETE', '/api/video-sessions/{id}/password-lockout', unlock);
    assert.equal(unlock.status, status, unlock.text);
  }
  const noPassword = await api('POST', `/api/join/${id}`, { body: { invite: token, name: 'Guest' } });
  assert.equal(noPassword.status, 403);
  assertDocumented('POST', '/api/join/{id}', noPassword);
  const badInvite = await api('POST', `/api/join/${id}`, { body: { invite: 'nope', password, name: 'Guest' } });
  assert.equal(badInvite.status, 404);
  assertDocumented('POST', '/api/join/{id}', badInvite);
});

test('a weekly series answers as documented: create, skipped dates, the 409 listing each clash, this and following', { skip: LIVE }, async () => {
  const { api, practice } = await import('./lib.mjs');
  const { partner, client } = await practice();
  const start = future(40);
  const body = { user_id: client.id, title: 'Weekly', session_date: iso(start), duration_minutes: 50, recurrence: { frequency: 'weekly', count: 4 } };
  const made = await api('POST', '/api/video-sessions', { token: partner.token, body });
  assertDocumented('POST', '/api/video-sessions', made);
  assert.equal(made.status, 201, made.text);
  const clash = await api('POST', '/api/video-sessions', { token: partner.token, body: { ...body, session_date: iso(start + 14 * 86400000), password_enabled: false } });
  assertDocumented('POST', '/api/video-sessions', clash);
  assert.equal(clash.status, 409);
  assert.equal(clash.json.error.details.conflicts.length, 2);
  const skipped = await api('POST', '/api/video-sessions', { token: partner.token, body: { ...body, session_date: iso(start + 14 * 86400000), password_enabled: false, skip_conflicts: true } });
  assertDocumented('POST', '/api/video-sessions', skipped);
  assert.equal(skipped.json.skipped.length, 2);
  const bad = await api('POST', '/api/video-sessions', { token: partner.token, body: { ...body, recurrence: { frequency: 'weekly', count: 53 } } });
  assertDocumented('POST', '/api/video-sessions', bad);
  const id = made.json.sessions[1].id;
  const following = await api('PUT', `/api/video-sessions/${id}`, { token: partner.token, body: { title: 'Renamed', scope: 'following' } });
  assertDocumented('PUT', '/api/video-sessions/{id}', following);
  assert.equal(following.status, 200);
  assertDocumented('GET', '/api/video-sessions/{id}', await api('GET', `/api/video-sessions/${id}`, { token: client.token }));
  const cancelled = await api('POST', `/api/video-sessions/${made.json.sessions[2].id}/cancel`, { token: partner.token, body: { scope: 'following' } });
  assertDocumented('POST', '/api/video-sessions/{id}/cancel', cancelled);
  assert.equal(cancelled.json.sessions.length, 2);
});

test('adding clients, links, password reset and change, and settings answer as documented', { skip: LIVE }, async () => {
  const { api, makeUser, sql, uniq } = await import('./lib.mjs');
  const { freshAddress, request } = await import('./helpers-extra.mjs');
  const partner = makeUser('partner');
  const other = makeUser('partner');
  const login = await api('POST', '/api/auth/login', { body: { email: partner.email, password: partner.password } });
  const token = login.json.token;
  const email = `${uniq('doc')}@test.example`;
  const added = await api('POST', `/api/partners/${partner.id}/clients`, { token, body: { name: 'Doc Client', email } });
  assert.equal(added.status, 201, added.text);
  assertDocumented('POST', '/api/partners/{partnerId}/clients', added);
  const again = await api('POST', `/api/partners/${partner.id}/clients`, { token, body: { name: 'Doc Client', email } });
  assert.equal(again.status, 200, again.text);
  assertDocumented('POST', '/api/partners/{partnerId}/clients', again);
  for (const r of [
    await api('POST', `/api/partners/${partner.id}/clients`, { token, body: { name: 'X', email: other.email } }),
    await api('POST', `/api/partners/${other.id}/clients`, { token, body: { name: 'X', email: `${uniq('x')}@test.example` } }),
  ]) assertDocumented('POST', '/api/partners/{partnerId}/clients', r);

  const from = freshAddress();
  const link = sql(`SELECT payload->>'url' FROM outbox WHERE recipient_user_id = ${added.json.id} ORDER BY id DESC LIMIT 1`)[0][0];
  const linkToken = /#token=(.+)$/.exec(link)[1];
  const bad = await request('POST', '/api/auth/set-password', { from, body: { token: 'nope', password: 'long enough 1' } });
  assert.equal(bad.status, 422);
  assertDocumented('POST', '/api/auth/set-password', { ...bad, headers: new Headers(bad.headers) });
  const set = await api('POST', '/api/auth/set-password', { body: { token: linkToken, password: 'long enough 1', purpose: 'onboarding' } });
  assert.equal(set.status, 200, set.text);
  assertDocumented('POST', '/api/auth/set-password', set);

  const reset = await api('POST', '/api/auth/password-reset', { body: { email: `${uniq('nobody')}@test.example` } });
  assert.equal(reset.status, 202);
  assertDocumented('POST', '/api/auth/password-reset', reset);
  assertDocumented('POST', '/api/auth/password-reset', await api('POST', '/api/auth/password-reset', { body: {} }));

  const change = await api('POST', '/api/auth/password', { token, body: { current_password: partner.password, new_password: partner.password } });
  assert.equal(change.status, 200, change.text);
  assertDocumented('POST', '/api/auth/password', change);
  assertDocumented('POST', '/api/auth/password', await api('POST', '/api/auth/password', { token, body: { current_password: 'wrong-one', new_password: 'whatever1' } }));

  assertDocumented('GET', '/api/me/settings', await api('GET', '/api/me/settings', { token }));
  const mine = await api('PUT', '/api/me/settings', { token, body: { timezone: 'Europe/Paris', email_reminders: false } });
  assert.equal(mine.status, 200, mine.text);
  assertDocumented('PUT', '/api/me/settings', mine);
  assertDocumented('PUT', '/api/me/settings', await api('PUT', '/api/me/settings', { token, body: { timezone: 'Nowhere/Land' } }));

  assertDocumented('GET', '/api/partners/{partnerId}/settings', await api('GET', `/api/partners/${partner.id}/settings`, { token }));
  const practice = await api('PUT', `/api/partners/${partner.id}/settings`, { token, body: { practice_name: 'Doc Practice', titles_in_email: true } });
  assert.equal(practice.status, 200, practice.text);
  assertDocumented('PUT', '/api/partners/{partnerId}/settings', practice);
  assertDocumented('PUT', '/api/partners/{partnerId}/settings', await api('PUT', `/api/partners/${other.id}/settings`, { token, body: { reminder_1h: false } }));
});
