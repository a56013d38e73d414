// The purge job as installed: deploy/systemd/vsession-purge.{service,timer} pass
// `systemd-analyze verify` (and a broken copy does not), the service's sandbox rates "OK", the
// timer starts it hourly, and the command it runs (`vsessionctl purge` with the API's settings,
// so as the API's database role) deletes expired counters and ended login sessions and nothing
// that is still live.
//
// systemd is not PID 1 in the test container: `verify` and `security --offline` work on unit
// files without a running manager, and the service's command is run here the way it would run.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from '../api/lib.mjs';
import { ROOT, requireStack, tempDir, removeDir } from './lib.mjs';

const UNITS = path.join(ROOT, 'deploy', 'systemd');
const SERVICE = readFileSync(path.join(UNITS, 'vsession-purge.service'), 'utf8');
const TIMER = readFileSync(path.join(UNITS, 'vsession-purge.timer'), 'utf8');
const CTL = process.env.VSESSIONCTL;
const HAVE_ANALYZE = spawnSync('systemd-analyze', ['--version']).status === 0;
const NO_ANALYZE = 'systemd-analyze is not installed (Debian package systemd)';

function settings(text) {
  return text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#') && !l.startsWith('['))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]);
}
const get = (text, key) => settings(text).filter(([k]) => k === key).map(([, v]) => v);

// The units in a folder, ExecStart pointing at the built vsessionctl (verify checks it exists).
function unitCopy(edit = (s) => s) {
  const dir = tempDir('purge-units');
  writeFileSync(path.join(dir, 'vsession-purge.service'), edit(SERVICE.replace(/^ExecStart=\/usr\/local\/bin\/vsessionctl/m, `ExecStart=${CTL}`)));
  writeFileSync(path.join(dir, 'vsession-purge.timer'), TIMER);
  return dir;
}

function verify(dir) {
  const r = spawnSync('systemd-analyze', ['verify', '--man=no', path.join(dir, 'vsession-purge.timer'), path.join(dir, 'vsession-purge.service')],
    { encoding: 'utf8', env: { ...process.env, SYSTEMD_LOG_COLOR: '0' } });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

test('systemd-analyze verify accepts the purge timer and service, and rejects a broken copy', { skip: !HAVE_ANALYZE && NO_ANALYZE }, () => {
  requireStack();
  const good = unitCopy();
  const bad = unitCopy((s) => s.replace(/^ExecStart=.*$/m, 'ExecStart=/nonexistent/vsessionctl purge'));
  try {
    const r = verify(good);
    assert.equal(r.status, 0, r.output);
    assert.equal(r.output, '', `verify printed warnings:\n${r.output}`);
    const b = verify(bad);
    assert.notEqual(b.status, 0);
    assert.match(b.output, /nonexistent/);
  } finally {
    removeDir(good);
    removeDir(bad);
  }
});

test('the purge service\'s sandbox rates "OK" or better in systemd-analyze security', { skip: !HAVE_ANALYZE && NO_ANALYZE }, (t) => {
  requireStack();
  const dir = unitCopy();
  try {
    const r = spawnSync('systemd-analyze', ['security', '--offline=yes', '--no-pager', path.join(dir, 'vsession-purge.service')],
      { encoding: 'utf8', env: { ...process.env, SYSTEMD_COLORS: '0' } });
    const m = /Overall exposure level for vsession-purge\.service: ([\d.]+) (\S+)/.exec(`${r.stdout}${r.stderr}`);
    assert.ok(m, `no exposure level in:\n${r.stdout}${r.stderr}`);
    t.diagnostic(`exposure ${m[1]} ${m[2]}`);
    assert.ok(Number(m[1]) <= 2.0, `exposure ${m[1]} ${m[2]}`);
  } finally {
    removeDir(dir);
  }
});

test('the timer runs the oneshot service hourly with the API\'s settings and user', () => {
  assert.deepEqual(get(TIMER, 'OnCalendar'), ['hourly']);
  assert.deepEqual(get(TIMER, 'Persistent'), ['true'], 'a run missed while the machine was off happens at boot');
  assert.deepEqual(get(TIMER, 'WantedBy'), ['timers.target']);
  assert.deepEqual(get(SERVICE, 'Type'), ['oneshot']);
  assert.deepEqual(get(SERVICE, 'ExecStart'), ['/usr/local/bin/vsessionctl purge'], 'counters and logins only, never the audit log');
  assert.deepEqual(get(SERVICE, 'EnvironmentFile'), ['/etc/vsession/vsession.env']);
  assert.deepEqual(get(SERVICE, 'User'), ['vsession'], 'the API\'s user: peer authentication maps it to vsession_api');
});

test('the service\'s command, run with the API\'s database role, purges what is over and keeps what is live', () => {
  requireStack();
  const tag = randomBytes(4).toString('hex');
  sql(`INSERT INTO attempt_counters (key, window_start, attempts) VALUES
    ('timer:${tag}:old', now() - interval '2 days', 9), ('timer:${tag}:live', now(), 9)`);
  const [[uid]] = sql(`SELECT id FROM users ORDER BY id LIMIT 1`);
  const [[ended]] = sql(`INSERT INTO login_sessions (user_id, created_at, expires_at) VALUES (${uid}, now() - interval '2 days', now() - interval '1 day') RETURNING id`);
  const [[live]] = sql(`INSERT INTO login_sessions (user_id, expires_at) VALUES (${uid}, now() + interval '1 hour') RETURNING id`);
  const argv = get(SERVICE, 'ExecStart')[0].split(' ').slice(1);
  const r = spawnSync(CTL, argv, { encoding: 'utf8', env: { PATH: process.env.PATH, VSESSION_DATABASE_URL: process.env.VSESSION_API_DATABASE_URL } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^purged [1-9]\d* counters, [1-9]\d* login sessions, 0 audit rows\npurged \d+ outbox messages, \d+ account links\n$/);
  assert.deepEqual(sql(`SELECT key FROM attempt_counters WHERE key LIKE 'timer:${tag}:%'`), [[`timer:${tag}:live`]]);
  assert.deepEqual(sql(`SELECT id FROM login_sessions WHERE id IN ('${ended}', '${live}')`), [[live]]);
});
