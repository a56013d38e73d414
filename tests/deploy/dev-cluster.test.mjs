// The private PostgreSQL cluster of scripts/run and scripts/test (scripts/lib/common.sh,
// vs_pg_start) trusts whoever reaches its socket, so its socket folder must be private: root
// (the scripts and the API they start) and postgres get in, any other local account does not —
// before, the folder was world-readable and every local user was a database superuser.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { requireStack } from './lib.mjs';

const SOCK = process.env.VSESSION_PG_SOCKET;
const PORT = process.env.VSESSION_PG_PORT;

function psqlAs(user, role) {
  const args = ['-X', '-qtA', '-h', SOCK, '-p', PORT, '-U', role, '-d', 'vsession', '-c', 'SELECT current_user'];
  const cmd = user === 'root' ? ['psql', args] : ['runuser', ['-u', user, '--', 'psql', ...args]];
  const r = spawnSync(cmd[0], cmd[1], { encoding: 'utf8', timeout: 10000, cwd: '/' });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}`.trim() };
}

test('the dev cluster\'s socket folder is private to postgres', () => {
  requireStack();
  const st = statSync(SOCK);
  assert.equal(st.mode & 0o777, 0o700, `socket folder mode ${(st.mode & 0o777).toString(8)}`);
  assert.equal(st.uid, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })));
});

test('another local account cannot reach the dev cluster, as any role; root and postgres can', () => {
  requireStack();
  for (const role of ['postgres', 'vsession_api']) {
    const r = psqlAs('nobody', role);
    assert.equal(r.ok, false, `nobody connected as ${role}: ${r.out}`);
    assert.match(r.out, /permission denied|No such file|could not connect/i);
  }
  assert.deepEqual(psqlAs('root', 'vsession_api'), { ok: true, out: 'vsession_api' });
  assert.deepEqual(psqlAs('postgres', 'postgres'), { ok: true, out: 'postgres' });
});
