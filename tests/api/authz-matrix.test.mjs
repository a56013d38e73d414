// The authorization matrix: every route and method of app/api/routes.c, called by every role,
// on its own and on someone else's objects, gives the status API.md ("Roles and ownership")
// documents; no denied answer carries the object's data; a denied write changes nothing; every
// 403 leaves an audit row. A route added to routes.c without a row in EXPECT below fails here.
//
// The actors: P1 (a partner, who owns every object the calls name), C1 (P1's client, and the
// client of P1's sessions), P2 (another partner), C2 (P2's client), A (an admin), and nobody.
import test from 'node:test';
import assert from 'node:assert/strict';
import { api, makeUser, link, login, sql, minutesFromNow } from './lib.mjs';
import { routeTable, fill, openPsql, dataChecksumWith, randomText } from './helpers-extra.mjs';

const ACTORS = ['partner', 'partner.foreign', 'client', 'client.foreign', 'admin', 'nobody'];

// Statuses in ACTORS order: [P1, P2, C1, C2, A, nobody]. `target` is what :id names and whether
// each call needs a fresh object (because the call may change or remove it).
const row = (target, statuses, extra = {}) => ({ target, expect: Object.fromEntries(ACTORS.map((a, i) => [a, statuses[i]])), ...extra });
const EXPECT = {
  // Public: no roles to check here (health: errors.test.mjs; login: auth.test.mjs; guest join: join tests).
  'GET /api/health': { public: true },
  'HEAD /api/health': { public: true },
  'POST /api/auth/login': { public: true },
  'POST /api/join/:id': { public: true },
  'GET /api/test/sleep': { public: true },
  'POST /api/email/unsubscribe': { public: true },
  'POST /api/join/:id/preview': { public: true },
  'POST /api/join/:id/presence': { public: true },
  'POST /api/join/:id/hint': { public: true },

  'POST /api/auth/logout': row('self.fresh-login', [204, 204, 204, 204, 204, 401]),
  'GET /api/auth/me': row('self', [200, 200, 200, 200, 200, 401]),
  // Someone else's collection is 403; an admin reads every collection.
  'GET /api/partners/:id/clients': row('partner', [200, 403, 403, 403, 200, 401]),
  'GET /api/partners/:id/video-sessions': row('partner', [200, 403, 403, 403, 200, 401]),
  'GET /api/partners/:id/appointments': row('partner', [200, 403, 403, 403, 200, 401]),
  'POST /api/partners/:id/appointments': row('partner', [201, 403, 403, 403, 403, 401], { body: (c) => c.appointmentBody() }),
  'GET /api/partners/:id/calendar': row('partner', [200, 403, 403, 403, 200, 401], { query: (c) => c.range }),
  // C1's sessions: C1 themself, C1's partner (only their shared sessions) and admins.
  'GET /api/users/:id/video-sessions': row('client', [200, 403, 200, 403, 200, 401]),
  // Only partners create sessions, and only with their own clients (P2 naming C1: 422 user_id).
  'POST /api/video-sessions': row('none', [201, 422, 403, 403, 403, 401], { body: (c) => c.sessionBody() }),
  // Someone else's object is 404; the session's client may read but not change; admins read only.
  'GET /api/video-sessions/:id': row('session', [200, 404, 200, 404, 200, 401]),
  'PUT /api/video-sessions/:id': row('session.fresh', [200, 404, 403, 404, 403, 401], { body: () => ({ title: randomText('Changed') }) }),
  'DELETE /api/video-sessions/:id': row('session.fresh', [204, 404, 403, 404, 403, 401]),
  'GET /api/video-sessions/:id/calendar.ics': row('session', [200, 404, 200, 404, 200, 401]),
  'POST /api/video-sessions/:id/invite': row('session', [201, 404, 403, 404, 403, 401]),
  // Clearing a session's password lockout is its partner's (issue 13, item 5).
  'DELETE /api/video-sessions/:id/password-lockout': row('session', [204, 404, 403, 404, 403, 401]),
  // A session's emails are its partner's alone; for everyone else the session does not exist (404).
  'GET /api/video-sessions/:id/messages': row('session', [200, 404, 404, 404, 404, 401]),
  'POST /api/video-sessions/:id/messages/resend-invitation': row('session', [202, 404, 404, 404, 404, 401]),
  // The password check is the client's step: the partner needs none (403), admins cannot (403).
  'POST /api/video-sessions/:id/verify-password': row('session', [403, 404, 200, 404, 403, 401], { body: (c) => ({ password: c.session.password }) }),
  // Joined inside its window (no session password, so C1 needs no verification first).
  'POST /api/video-sessions/:id/join': row('session.joinable', [200, 404, 200, 404, 403, 401]),
  // The password check's state: the client's own, the partner's lockout view, admins read.
  'GET /api/video-sessions/:id/password-state': row('session', [200, 404, 200, 404, 200, 401]),
  // Presence beats come from the session's two people; admins do not join (403).
  'POST /api/video-sessions/:id/presence': row('session', [200, 404, 200, 404, 403, 401], { body: () => ({ place: 'waiting' }) }),
  'GET /api/partners/:id/presence': row('partner', [200, 403, 403, 403, 200, 401]),
  // The partner cancels (with a reason); so does the session's client, under the notice period (issue 17).
  'POST /api/video-sessions/:id/cancel': row('session.fresh', [200, 404, 200, 404, 403, 401], { body: () => ({ reason: 'Ill today' }) }),
  // Restoring a cancelled session is its partner's; asking for another time is its client's; the
  // dashboard's notices are the partner's collection, each notice the partner's object (issue 17).
  'POST /api/video-sessions/:id/restore': row('session.cancelled.fresh', [200, 404, 403, 404, 403, 401]),
  'POST /api/video-sessions/:id/reschedule-request': row('session', [403, 404, 201, 404, 403, 401], { body: () => ({ message: 'Could we move it to Friday?' }) }),
  'GET /api/partners/:id/notices': row('partner', [200, 403, 403, 403, 200, 401]),
  'DELETE /api/notices/:id': row('notice.fresh', [204, 404, 404, 404, 403, 401]),
  // Clients see no appointments, not even those naming them (404).
  'GET /api/appointments/:id': row('appointment', [200, 404, 404, 404, 200, 401]),
  'PUT /api/appointments/:id': row('appointment.fresh', [200, 404, 404, 404, 403, 401], { body: () => ({ title: randomText('Moved') }) }),
  'DELETE /api/appointments/:id': row('appointment.fresh', [204, 404, 404, 404, 403, 401]),
  // Accounts (issues 16 and 18): links are public; a partner adds to their own client list only;
  // everyone reads and changes their own settings and password; the practice is its partner's.
  'POST /api/auth/set-password': { public: true },
  'POST /api/auth/password-reset': { public: true },
  'POST /api/partners/:id/clients': row('partner', [201, 403, 403, 403, 403, 401], { body: () => ({ name: randomText('Invited'), email: `${randomText('inv').replace(/[^A-Za-z0-9-]/g, '')}@test.example` }) }),
  'GET /api/me/settings': row('self', [200, 200, 200, 200, 200, 401]),
  'PUT /api/me/settings': row('self', [200, 200, 200, 200, 200, 401], { body: () => ({ email_reminders: true }) }),
  // The password stays what it was (current = new): the other rows still log in with it.
  'POST /api/auth/password': row('self', [200, 200, 200, 200, 200, 401], { body: (c, actor) => ({ current_password: actor?.password ?? 'none-given', new_password: actor?.password ?? 'none-given' }) }),
  'GET /api/partners/:id/settings': row('partner', [200, 403, 403, 403, 200, 401]),
  'PUT /api/partners/:id/settings': row('partner', [200, 403, 403, 403, 403, 401], { body: () => ({ reminder_1h: true }) }),
};

// An id no object will have, for "404 must look the same as for something that does not exist".
const NO_SUCH_ID = 987654321987;

async function setUp() {
  const mk = (role) => makeUser(role, { name: randomText(role === 'partner' ? 'Dr' : role) });
  const c = { P1: mk('partner'), P2: mk('partner'), C1: mk('client'), C2: mk('client'), A: mk('admin') };
  link(c.P1, c.C1);
  link(c.P2, c.C2);
  await Promise.all([c.P1, c.P2, c.C1, c.C2, c.A].map(login));
  c.ids = [c.P1.id, c.P2.id, c.C1.id, c.C2.id, c.A.id];
  c.actor = { partner: c.P1, 'partner.foreign': c.P2, client: c.C1, 'client.foreign': c.C2, admin: c.A, nobody: null };
  // What must never appear in a denied answer.
  c.secrets = new Set([c.P1.email, c.P1.name, c.C1.email, c.C1.name]);
  // Set-up through the API: when a route is missing, the cells that need its objects fail with
  // this reason and the rest of the matrix still runs.
  c.problems = [];
  c.setupFailed = (why) => { if (!c.problems.includes(why)) c.problems.push(why); return null; };
  let slot = 0;
  const nextSlot = () => minutesFromNow(2 * 24 * 60 + 60 * slot++);
  c.sessionBody = () => ({ user_id: c.C1.id, title: randomText('Title'), session_date: nextSlot(), duration_minutes: 30, notes: randomText('Notes') });
  c.appointmentBody = () => {
    const start = nextSlot();
    return { title: randomText('Appt'), starts_at: start, ends_at: new Date(Date.parse(start) + 30 * 60000).toISOString(), user_id: c.C1.id, notes: randomText('ApptNotes') };
  };
  c.remember = (obj) => {
    for (const k of ['title', 'notes', 'password', 'meeting_url']) if (typeof obj?.[k] === 'string' && obj[k].length >= 6) c.secrets.add(obj[k]);
  };
  c.newSession = async (extra = {}) => {
    const body = { ...c.sessionBody(), ...extra };
    const r = await api('POST', '/api/video-sessions', { token: c.P1.token, body });
    if (r.status !== 201) return c.setupFailed(`P1 could not create a session: ${r.status} ${r.text}`);
    c.remember(body);
    c.remember(r.json);
    for (const [room, pw] of sql(`SELECT meeting_room_id, jitsi_password FROM video_sessions WHERE id = ${r.json.id}`)) {
      c.secrets.add(room);
      c.secrets.add(pw);
    }
    return r.json;
  };
  c.newAppointment = async () => {
    const body = c.appointmentBody();
    const r = await api('POST', `/api/partners/${c.P1.id}/appointments`, { token: c.P1.token, body });
    if (r.status !== 201) return c.setupFailed(`P1 could not create an appointment: ${r.status} ${r.text}`);
    c.remember(body);
    return r.json;
  };
  c.session = await c.newSession();
  if (c.session && !/^\d{6}$/.test(String(c.session.password))) c.setupFailed(`a new session has no 6-digit password: ${JSON.stringify(c.session)}`);
  // Starts within 15 minutes: its join window is open now.
  c.joinable = await c.newSession({ session_date: minutesFromNow(5), password_enabled: false });
  c.appointment = await c.newAppointment();
  c.range = `?from=${encodeURIComponent(minutesFromNow(-24 * 60))}&to=${encodeURIComponent(minutesFromNow(60 * 24 * 60))}`;
  return c;
}

// One set of actors and objects for the whole file (making users costs an argon2id hash each).
let shared = null;
async function context() {
  shared ??= await setUp();
  return shared;
}

// The id a call's :id names; undefined when set-up could not make the object. A '.fresh' target
// is a new object for each caller allowed to change it, and one per row shared by the callers
// who are not (a denied call that changed it anyway fails the checksum, and the next caller's
// status too).
async function targetId(c, target, allowed, row) {
  if (target.endsWith('.fresh') && !allowed) {
    if (!('shared' in row)) row.shared = await targetId(c, target, true, row);
    return row.shared;
  }
  switch (target) {
    case 'self': case 'none': case 'self.fresh-login': return null;
    case 'partner': return c.P1.id;
    case 'client': return c.C1.id;
    case 'session': return c.session?.id;
    case 'session.joinable': return c.joinable?.id;
    case 'session.fresh': return (await c.newSession())?.id;
    case 'session.cancelled.fresh': {
      const s = await c.newSession();
      if (!s) return undefined;
      const r = await api('POST', `/api/video-sessions/${s.id}/cancel`, { token: c.P1.token });
      return r.status === 200 ? s.id : c.setupFailed(`P1 could not cancel a session: ${r.status} ${r.text}`);
    }
    case 'notice.fresh': {
      if (!c.session) return undefined;
      const r = await api('POST', `/api/video-sessions/${c.session.id}/reschedule-request`, { token: c.C1.token, body: { message: 'Another time, please' } });
      return r.status === 201 ? r.json.id : c.setupFailed(`C1 could not ask for another time: ${r.status} ${r.text}`);
    }
    case 'appointment': return c.appointment?.id;
    case 'appointment.fresh': return (await c.newAppointment())?.id;
    default: throw new Error(`unknown target ${target}`);
  }
}

test('every route and method in routes.c has a row in the expectation table, and every row a route', () => {
  const routes = routeTable();
  const seen = new Set();
  const missing = [];
  for (const r of routes) {
    for (const m of r.methods) {
      const key = `${m.method} ${r.pattern}`;
      seen.add(key);
      const e = EXPECT[key];
      if (!e) { missing.push(key); continue; }
      assert.equal(Boolean(e.public), m.public, `${key}: public in routes.c is ${m.public}, in EXPECT ${Boolean(e.public)}`);
      if (!e.public) assert.deepEqual(Object.keys(e.expect), ACTORS, key);
    }
  }
  assert.deepEqual(missing, [], `routes.c has routes with no expectation row; add them to EXPECT: ${missing.join(', ')}`);
  const stale = Object.keys(EXPECT).filter((k) => !seen.has(k));
  assert.deepEqual(stale, [], `EXPECT has rows for routes routes.c no longer has: ${stale.join(', ')}`);
});

test('every role on own and foreign objects gets the documented status, and denied answers leak nothing and change nothing', async (t) => {
  const c = await context();
  const db = openPsql();
  t.after(() => db.end());
  const results = [];
  const failures = [];
  for (const r of routeTable()) {
    for (const m of r.methods) {
      const key = `${m.method} ${r.pattern}`;
      const e = EXPECT[key];
      if (!e || e.public) continue;
      const rowState = {};
      for (const actorName of ACTORS) {
        const want = e.expect[actorName];
        const id = await targetId(c, e.target, want < 300, rowState);
        if (id === undefined) {
          failures.push(`${key} as ${actorName}: not tested, its object could not be made (see set-up above)`);
          results.push({ key, actorName, want, got: 'n/a' });
          continue;
        }
        const urlPath = (id === null ? r.pattern : fill(r.pattern, id)) + (e.query ? e.query(c) : '');
        let token = c.actor[actorName]?.token;
        if (e.target === 'self.fresh-login' && c.actor[actorName]) {
          const again = await api('POST', '/api/auth/login', { body: { email: c.actor[actorName].email, password: c.actor[actorName].password } });
          token = again.json.token;
        }
        const body = e.body ? e.body(c, c.actor[actorName]) : undefined;
        const writes = m.method !== 'GET' && m.method !== 'HEAD';
        const before = writes && want >= 400 ? await dataChecksumWith(db, c.ids) : null;
        const res = await api(m.method, urlPath, { token, body });
        results.push({ key, actorName, want, got: res.status, requestId: res.headers.get('x-request-id') });
        const tag = `${key} as ${actorName} (${urlPath})`;
        if (res.status !== want) failures.push(`${tag}: want ${want}, got ${res.status} ${res.text.slice(0, 160)}`);
        if (res.status === 201) c.remember(res.json);
        if (res.status >= 400) {
          const code = { 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found', 422: 'validation_failed' }[res.status];
          if (code && res.json?.error?.code !== code) failures.push(`${tag}: error code ${res.json?.error?.code}, want ${code}`);
          for (const s of c.secrets) if (res.text.includes(s)) failures.push(`${tag}: the ${res.status} answer carries "${s}"`);
          if (res.status === 422 && res.json?.error?.field !== 'user_id') failures.push(`${tag}: 422 should name field user_id, not ${res.json?.error?.field}`);
        }
        if (before !== null) {
          const after = await dataChecksumWith(db, c.ids);
          if (after !== before) failures.push(`${tag}: the denied ${m.method} changed the data`);
        }
        // A 404 for someone else's object must look exactly like one for no object at all.
        if (res.status === 404 && id !== null && r.pattern.includes(':id') && !['partner', 'client'].includes(e.target)) {
          const none = await api(m.method, fill(r.pattern, NO_SUCH_ID) + (e.query ? e.query(c) : ''), { token, body: e.body ? e.body(c) : undefined });
          if (none.status !== 404 || none.text !== res.text) failures.push(`${tag}: 404 differs from a missing object's: ${none.status} ${none.text} vs ${res.text}`);
        }
      }
    }
  }
  // The leak check looks for real data: the owner does see these strings.
  if (c.session) {
    const own = await api('GET', `/api/video-sessions/${c.session.id}`, { token: c.P1.token });
    for (const k of ['title', 'notes']) if (!own.text.includes(c.session[k])) failures.push(`the owner's view lacks the session's ${k}: the leak check would look for nothing`);
  }
  // Every 403 is in the audit log as denied, with the caller and the request id.
  const denied = results.filter((x) => x.got === 403 && x.requestId);
  const wanted403 = results.filter((x) => x.want === 403).length;
  if (denied.length < wanted403) failures.push(`only ${denied.length} answers were 403 and carried X-Request-Id; ${wanted403} were expected`);
  if (denied.length > 0) {
    const rows = sql(`SELECT request_id, outcome, coalesce(actor_id::text, '') FROM audit_log WHERE request_id IN (${denied.map((x) => `'${x.requestId}'`).join(',')})`);
    const byId = new Map(rows.map(([rid, outcome, actor]) => [rid, { outcome, actor }]));
    for (const x of denied) {
      const a = byId.get(x.requestId);
      if (!a || a.outcome !== 'denied' || a.actor !== String(c.actor[x.actorName].id)) failures.push(`${x.key} as ${x.actorName}: 403 without a matching denied audit row (${JSON.stringify(a)})`);
    }
  }
  failures.unshift(...c.problems.map((p) => `set-up: ${p}`));
  const table = results.map((x) => `${x.got === x.want ? '  ' : '✗ '}${x.key.padEnd(52)} ${x.actorName.padEnd(16)} want ${x.want} got ${x.got}`).join('\n');
  assert.deepEqual(failures, [], `${failures.length} problems:\n${failures.join('\n')}\n\n${table}`);
});

test('someone else\'s object cannot be told from a missing one, whatever the request carries', async () => {
  const c = await context();
  assert.deepEqual(c.problems, []);
  const objectRoutes = [];
  for (const r of routeTable()) {
    for (const m of r.methods) {
      const e = EXPECT[`${m.method} ${r.pattern}`];
      if (e && !e.public && /^(session|appointment)/.test(e.target)) objectRoutes.push({ r, m, e });
    }
  }
  assert.ok(objectRoutes.length >= 10, `${objectRoutes.length} object routes`);
  const failures = [];
  for (const { r, m, e } of objectRoutes) {
    const id = e.target.startsWith('session') ? (e.target === 'session.joinable' ? c.joinable.id : c.session.id) : c.appointment.id;
    for (const actorName of ACTORS.filter((a) => e.expect[a] === 404)) {
      const token = c.actor[actorName].token;
      const variants = [['as documented', e.body?.(c), e.query?.(c) ?? '']];
      if (m.body || m.bodyOptional) variants.push(['an unknown field', { bogus: 1 }, ''], ['a wrong type', { title: 5, password: 5, starts_at: 'soon' }, '']);
      if (m.method === 'GET') variants.push(['a bad query', undefined, '?limit=0&bogus=1']);
      for (const [what, body, query] of variants) {
        const real = await api(m.method, fill(r.pattern, id) + query, { token, body });
        const none = await api(m.method, fill(r.pattern, NO_SUCH_ID) + query, { token, body });
        if (real.status !== none.status || real.text !== none.text) {
          failures.push(`${m.method} ${r.pattern} as ${actorName} with ${what}: theirs ${real.status} ${real.text.slice(0, 100)} / missing ${none.status} ${none.text.slice(0, 100)}`);
        }
      }
    }
  }
  assert.deepEqual(failures, [], failures.join('\n'));
});

test('a client\'s view of a session carries no notes; the partner\'s and the admin\'s do; the calendar file never does', async () => {
  const c = await context();
  const notes = c.sessionBody().notes;
  const s = await c.newSession({ notes });
  assert.ok(s, c.problems.join('; '));
  const asClient = await api('GET', `/api/video-sessions/${s.id}`, { token: c.C1.token });
  assert.equal(asClient.status, 200, asClient.text);
  assert.equal('notes' in asClient.json, false, 'notes in the client\'s view');
  assert.ok(!asClient.text.includes(notes));
  for (const who of [c.P1, c.A]) {
    const r = await api('GET', `/api/video-sessions/${s.id}`, { token: who.token });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.notes, notes);
  }
  const lists = [
    await api('GET', `/api/users/${c.C1.id}/video-sessions`, { token: c.C1.token }),
    await api('GET', `/api/users/${c.C1.id}/video-sessions?when=upcoming`, { token: c.C1.token }),
  ];
  for (const r of lists) {
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.video_sessions.some((x) => x.id === s.id));
    assert.ok(r.json.video_sessions.every((x) => !('notes' in x)));
    assert.ok(!r.text.includes(notes));
  }
  for (const who of [c.P1, c.C1, c.A]) {
    const r = await api('GET', `/api/video-sessions/${s.id}/calendar.ics`, { token: who.token });
    assert.equal(r.status, 200, r.text);
    assert.ok(!r.text.includes(notes), 'notes in the .ics');
    assert.ok(!r.text.includes(s.password), 'the session password in the .ics');
  }
});

test('a partner reading a client\'s sessions sees only the sessions they share with that client', async () => {
  const c = await context();
  assert.ok(c.session, c.problems.join('; '));
  // C1 becomes the client of another partner too, who books a session with C1.
  const P3 = makeUser('partner');
  link(P3, c.C1);
  await login(P3);
  const body = { ...c.sessionBody(), session_date: minutesFromNow(40 * 24 * 60) };
  const theirs = await api('POST', '/api/video-sessions', { token: P3.token, body });
  assert.equal(theirs.status, 201, theirs.text);
  const asP1 = await api('GET', `/api/users/${c.C1.id}/video-sessions`, { token: c.P1.token });
  assert.equal(asP1.status, 200, asP1.text);
  assert.ok(asP1.json.video_sessions.length >= 1);
  assert.ok(asP1.json.video_sessions.every((x) => x.partner_id === c.P1.id), 'P1 sees another partner\'s session with their shared client');
  assert.ok(!asP1.text.includes(body.title) && !asP1.text.includes(body.notes));
  const asC1 = await api('GET', `/api/users/${c.C1.id}/video-sessions`, { token: c.C1.token });
  assert.ok(asC1.json.video_sessions.some((x) => x.id === theirs.json.id), 'the client sees sessions with both partners');
});
