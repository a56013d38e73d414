// vsessionctl: the admin command line's commands, exit statuses and messages.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { CTL, uniq, sql } from './lib.mjs';

const MIGRATIONS = path.join(process.env.VSESSION_ROOT ?? process.cwd(), 'sql/migrations');

function ctl(args, input = '') {
  const r = spawnSync(CTL, args, { input, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('every command answers --help with its usage and exit 0', () => {
  for (const args of [['--help'], ['migrate', '--help'], ['user', 'add', '--help'], ['client', 'link', '--help'], ['demo', '--help']]) {
    const r = ctl(args);
    assert.equal(r.code, 0, args.join(' '));
    assert.match(r.out, /usage: vsessionctl/);
  }
});

test('bad usage exits 2 with one line on stderr', () => {
  for (const args of [[], ['frobnicate'], ['user'], ['user', 'add'], ['user', 'add', '--role', 'root', '--email', 'a@b.c', '--name', 'n', '--password-stdin'],
    ['user', 'add', '--role', 'client', '--email', 'a@b.c', '--name', 'n'], ['client', 'link', '--partner', 'x'], ['migrate', '--bogus'], ['demo', 'now']]) {
    const r = ctl(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
    assert.equal(r.out, '');
  }
});

test('user add prints the new id; a duplicate email (any case) fails with exit 1', () => {
  const email = `${uniq('ctl')}@test.example`;
  const r = ctl(['user', 'add', '--role', 'client', '--email', email, '--name', 'Ctl User', '--timezone', 'Asia/Tokyo', '--password-stdin'], 'long-enough-pw\n');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^\d+\n$/);
  const [[role, tz, hash]] = sql(`SELECT role, timezone, password_hash FROM users WHERE id = ${Number(r.out)}`);
  assert.deepEqual([role, tz], ['client', 'Asia/Tokyo']);
  assert.match(hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  const dup = ctl(['user', 'add', '--role', 'partner', '--email', email.toUpperCase(), '--name', 'Other', '--password-stdin'], 'another-password\n');
  assert.equal(dup.code, 1);
  assert.match(dup.err, /exists/);
  assert.equal(dup.err.trim().split('\n').length, 1);
});

test('user add refuses a bad time zone, a short password and a bad email with exit 1', () => {
  const cases = [
    [['--timezone', 'Mars/Olympus'], 'long-enough-pw\n', /time zone/],
    [[], 'short\n', /password/],
  ];
  for (const [extra, pw, why] of cases) {
    const r = ctl(['user', 'add', '--role', 'client', '--email', `${uniq('ctl')}@test.example`, '--name', 'N', ...extra, '--password-stdin'], pw);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, why);
  }
  const bad = ctl(['user', 'add', '--role', 'client', '--email', 'not-an-email', '--name', 'N', '--password-stdin'], 'long-enough-pw\n');
  assert.equal(bad.code, 1);
});

test('client link links a client to a partner, idempotently, and refuses unknown or wrong-role users', () => {
  const p = `${uniq('ctlp')}@test.example`;
  const c = `${uniq('ctlc')}@test.example`;
  assert.equal(ctl(['user', 'add', '--role', 'partner', '--email', p, '--name', 'P', '--password-stdin'], 'long-enough-pw').code, 0);
  assert.equal(ctl(['user', 'add', '--role', 'client', '--email', c, '--name', 'C', '--password-stdin'], 'long-enough-pw').code, 0);
  assert.equal(ctl(['client', 'link', '--partner', p, '--client', c]).code, 0);
  assert.equal(ctl(['client', 'link', '--partner', p, '--client', c]).code, 0);
  const [[n]] = sql(`SELECT count(*) FROM partner_clients pc JOIN users u ON u.id = pc.client_id WHERE u.email = '${c}'`);
  assert.equal(n, '1');
  assert.equal(ctl(['client', 'link', '--partner', c, '--client', p]).code, 1);
  assert.equal(ctl(['client', 'link', '--partner', p, '--client', 'nobody@test.example']).code, 1);
});

test('migrate twice changes nothing; demo refuses a database that has users', () => {
  const before = sql('SELECT version FROM schema_migrations ORDER BY version').map((r) => r[0]);
  const r = ctl(['migrate', '--dir', MIGRATIONS]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /0 migrations applied/);
  assert.deepEqual(sql('SELECT version FROM schema_migrations ORDER BY version').map((x) => x[0]), before);
  assert.ok(before.includes('001_schema.sql'));
  const d = ctl(['demo']);
  assert.equal(d.code, 1);
  assert.match(d.err, /empty database/);
});
