// hints.test.mjs — the signed hint in join links (issue 18): the session object's join_url
// carries ?hint=<id>.<expiry>.<mac>, and POST /api/join/{id}/hint answers title, therapist and
// start without a login for a valid, unexpired hint of that session only; a tampered, expired,
// malformed or other session's hint is 404 and says nothing more. The hint is recomputed here
// from the stack's secret with node's own HMAC, so a mistake in our C cannot hide itself.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { api } from './lib.mjs';
import { practice, newSession } from './join-helpers.mjs';
import { stackJwtSecret } from './helpers-extra.mjs';

const SECRET = stackJwtSecret();

/** A hint as the server makes it: HMAC-SHA256 under HMAC-SHA256(secret, label), 128 bits in hex. */
function sign(id, expSec) {
  const key = createHmac('sha256', SECRET).update('vsession join hint v1').digest();
  return `${id}.${expSec}.${createHmac('sha256', key).update(`${id}.${expSec}`).digest('hex').slice(0, 32)}`;
}

const ask = (id, hint) => api('POST', `/api/join/${id}/hint`, { body: { hint } });
const hintOf = (s) => new URL(s.join_url).searchParams.get('hint');

function assertNotFound(r, what) {
  assert.equal(r.status, 404, `${what}: ${r.status} ${r.text}`);
  assert.equal(r.json.error.code, 'not_found', what);
  assert.deepEqual(Object.keys(r.json), ['error'], `${what}: nothing else in the answer`);
}

test('the session object carries join_url, whose hint opens title, therapist and start without a login', async () => {
  const { partner, client } = await practice();
  const s = await newSession(partner, client, { title: 'Weekly session' });
  assert.match(s.join_url, new RegExp(`^${s.meeting_url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\?hint=${s.id}\\.\\d+\\.[0-9a-f]{32}$`));
  const hint = hintOf(s);
  assert.equal(hint.split('.')[1], String(Date.parse(s.end_date) / 1000), 'the hint expires when the session ends');
  if (SECRET) assert.equal(hint, sign(s.id, Date.parse(s.end_date) / 1000), 'the MAC is HMAC-SHA256 under the derived key');
  // the client reads the same link
  const asClient = await api('GET', `/api/video-sessions/${s.id}`, { token: client.token });
  assert.equal(asClient.json.join_url, s.join_url);

  const r = await ask(s.id, hint);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { title: 'Weekly session', partner: { name: partner.name }, session_date: s.session_date });
  assert.equal(r.headers.get('set-cookie'), null);
});

test('a tampered, expired, malformed or other session\'s hint is 404 and says nothing', async () => {
  const { partner, client } = await practice();
  const s = await newSession(partner, client);
  const other = await newSession(partner, client, { session_date: new Date(Date.parse(s.session_date) + 86400000).toISOString().replace('.000Z', 'Z') });
  const hint = hintOf(s);
  const [id, exp, mac] = hint.split('.');
  const flip = (c) => (c === '0' ? '1' : '0');
  for (const [what, h] of [
    ['the last MAC digit changed', `${id}.${exp}.${mac.slice(0, -1)}${flip(mac.at(-1))}`],
    ['a later expiry with the old MAC', `${id}.${Number(exp) + 86400}.${mac}`],
    ['another id with the old MAC', `${other.id}.${exp}.${mac}`],
    ['the MAC cut short', `${id}.${exp}.${mac.slice(0, 31)}`],
    ['upper-case hex', `${id}.${exp}.${mac.toUpperCase()}`],
    ['a leading zero', `0${id}.${exp}.${mac}`],
    ['no MAC', `${id}.${exp}`],
    ['rubbish', 'x'],
  ]) {
    if (what === 'upper-case hex' && mac === mac.toUpperCase()) continue;
    assertNotFound(await ask(s.id, h), what);
  }
  // the other session's own valid hint, on this session's path
  assertNotFound(await ask(s.id, hintOf(other)), "another session's hint");
  assert.equal((await ask(other.id, hintOf(other))).status, 200);
  // a well-signed hint that has expired (made here with the stack's secret)
  if (SECRET) {
    assert.equal((await ask(s.id, sign(s.id, Math.floor(Date.now() / 1000) + 60))).status, 200, 'a fresh hint signed here verifies');
    assertNotFound(await ask(s.id, sign(s.id, Math.floor(Date.now() / 1000) - 1)), 'an expired hint');
  }
  // a cancelled session is not named any more
  const c = await api('POST', `/api/video-sessions/${s.id}/cancel`, { token: partner.token, body: {} });
  assert.equal(c.status, 200, c.text);
  assertNotFound(await ask(s.id, hint), 'a cancelled session');
  // input: the hint is required, a string, at most 87 characters; nothing else may come along
  for (const [what, body, field] of [['no hint', {}, 'hint'], ['a number', { hint: 7 }, 'hint'],
    ['88 characters', { hint: 'x'.repeat(88) }, 'hint'], ['an unknown field', { hint, title: 'x' }, 'title']]) {
    const r = await api('POST', `/api/join/${other.id}/hint`, { body });
    assert.equal(r.status, 422, `${what}: ${r.text}`);
    assert.equal(r.json.error.field, field, what);
  }
});
