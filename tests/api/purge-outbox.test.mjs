// vsessionctl purge, run with the API's own role (as vsession-purge.service runs it), also deletes
// outbox rows sent or cancelled more than 30 days ago and failed more than 90 days ago (never a
// pending one, however old), and onboarding and password-reset links that have expired; rows just
// inside those ages, and live links, stay.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { CTL, makeUser, sql } from './lib.mjs';

function purgeAsApi() {
  const r = spawnSync(CTL, ['purge'], { encoding: 'utf8', env: { ...process.env, VSESSION_DATABASE_URL: process.env.VSESSION_API_DATABASE_URL } });
  assert.equal(r.status, 0, r.stderr);
  const m = /^purged \d+ counters, \d+ login sessions, 0 audit rows\npurged (\d+) outbox messages, (\d+) account links\n$/.exec(r.stdout);
  assert.ok(m, `output: ${JSON.stringify(r.stdout)}`);
  return { outbox: Number(m[1]), links: Number(m[2]) };
}

test('purge deletes old outbox rows by status and age, and expired account links, with the API\'s role', () => {
  assert.ok(process.env.VSESSION_API_DATABASE_URL, 'VSESSION_API_DATABASE_URL is set');
  const tag = `purge-${randomBytes(4).toString('hex')}@test.example`;
  // [label, status, created days ago, sent days ago (sent rows), deleted?]
  const rows = [
    ['sent 31 days ago', 'sent', 35, 31, true],
    ['sent 29 days ago', 'sent', 35, 29, false],
    ['cancelled, written 31 days ago', 'cancelled', 31, null, true],
    ['cancelled, written 29 days ago', 'cancelled', 29, null, false],
    ['failed, written 91 days ago', 'failed', 91, null, true],
    ['failed, written 60 days ago', 'failed', 60, null, false],
    ['pending, written 200 days ago', 'pending', 200, null, false],
  ];
  const ids = new Map();
  for (const [label, status, created, sent] of rows) {
    const sentAt = sent === null ? 'NULL' : `now() - interval '${sent} days'`;
    // The pending row is due in a year, so no sender anywhere picks it up meanwhile.
    const [[id]] = sql(`INSERT INTO outbox (kind, recipient_email, status, created_at, sent_at, not_before, last_error)
      VALUES ('guest_invite', '${tag}', '${status}', now() - interval '${created} days', ${sentAt}, now() + interval '1 year', '${label}')
      RETURNING id`);
    ids.set(label, id);
  }

  const u = makeUser('client');
  const tok = (s) => createHash('sha256').update(`${tag}:${s}`).digest('hex');
  sql(`INSERT INTO account_tokens (token_sha256, user_id, purpose, created_at, expires_at) VALUES
    ('${tok('expired-reset')}', ${u.id}, 'password_reset', now() - interval '2 hours', now() - interval '90 minutes'),
    ('${tok('expired-onboarding')}', ${u.id}, 'onboarding', now() - interval '8 days', now() - interval '1 day'),
    ('${tok('live-onboarding')}', ${u.id}, 'onboarding', now(), now() + interval '7 days')`);

  const n = purgeAsApi();
  assert.ok(n.outbox >= 3, `at least this test's three old rows: ${n.outbox}`);
  assert.ok(n.links >= 2, `at least this test's two expired links: ${n.links}`);

  const left = new Set(sql(`SELECT id FROM outbox WHERE recipient_email = '${tag}'`).map(([id]) => id));
  for (const [label, , , , deleted] of rows) assert.equal(left.has(ids.get(label)), !deleted, `${label}: ${deleted ? 'deleted' : 'kept'}`);
  assert.deepEqual(sql(`SELECT purpose FROM account_tokens WHERE user_id = ${u.id}`), [['onboarding']]);
  assert.deepEqual(sql(`SELECT token_sha256 FROM account_tokens WHERE user_id = ${u.id}`), [[tok('live-onboarding')]]);

  // Nothing of those ages is left anywhere, and a second run finds nothing of this test's.
  assert.deepEqual(sql(`SELECT count(*) FROM account_tokens WHERE expires_at <= now()`), [['0']]);
  assert.deepEqual(sql(`SELECT count(*) FROM outbox WHERE (status IN ('sent', 'cancelled') AND coalesce(sent_at, created_at) < now() - interval '30 days')
    OR (status = 'failed' AND created_at < now() - interval '90 days')`), [['0']]);
  purgeAsApi();
  assert.equal(sql(`SELECT count(*) FROM outbox WHERE recipient_email = '${tag}'`)[0][0], '4');
  sql(`DELETE FROM outbox WHERE recipient_email = '${tag}'`);
});
