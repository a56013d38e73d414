// Delivery under faults: 4xx then 2xx (retried, delivered once), 5xx (failed for good, the
// reason kept), the give-up time, a sender killed after the server took the message but before
// it recorded that (exactly one duplicate, same Message-ID), PostgreSQL restarted under a
// running sender (nothing lost), two senders at once (each message once), and a slow SMTP
// server that never slows the API.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { api, practice, minutesFromNow, sql, sleep, uniq } from '../api/lib.mjs';
import { startSmtp, startMailer, waitFor, outboxOf, to, setAsidePending } from './lib.mjs';

test.before(() => setAsidePending());

// Queues n onboarding messages straight into the outbox (what wt-account's endpoint writes).
function queue(n, tag) {
  sql(`INSERT INTO outbox (kind, recipient_email, recipient_name, payload)
       SELECT 'onboarding', '${tag}-' || g || '@mail.example', 'Client ' || g,
              jsonb_build_object('url', 'https://localhost/welcome#t' || g, 'partner_name', 'Dr. Tag')
         FROM generate_series(1, ${n}) g`);
}
function rowsOf(tag) {
  return sql(`SELECT status, count(*) FROM outbox WHERE recipient_email LIKE '${tag}-%' GROUP BY status ORDER BY status`);
}

test('4xx then 2xx: the message is retried with back-off and delivered once', async () => {
  const tag = uniq('soft');
  const smtp = await startSmtp({ behave: (_r, n) => (n <= 2 ? { code: 451, message: 'try later' } : null) });
  const mailer = startMailer(smtp.url);
  try {
    queue(1, tag);
    await waitFor(() => to(smtp, `${tag}-1@mail.example`).length === 1, 20000, 'delivery after two refusals');
    const [row] = outboxOf({ email: `${tag}-1@mail.example` });
    assert.equal(row.status, 'sent');
    assert.equal(row.attempts, 3);
    assert.equal(row.lastError, '');
    assert.equal(row.payload.url, undefined, 'the link leaves the outbox once sent');
  } finally {
    await mailer.stop();
    await smtp.close();
  }
});

test('5xx: failed at once, the reason shown; a retry from vsessionctl sends it again', async () => {
  const tag = uniq('hard');
  let refuse = true;
  const smtp = await startSmtp({ behave: () => (refuse ? { code: 550, message: 'no such user' } : null) });
  const mailer = startMailer(smtp.url);
  try {
    queue(1, tag);
    const row = await waitFor(() => outboxOf({ email: `${tag}-1@mail.example` }).find((o) => o.status !== 'pending'), 15000, 'settled');
    assert.equal(row.status, 'failed');
    assert.equal(row.lastError, 'mailbox unavailable (550)');
    assert.equal(row.attempts, 1);
    const list = spawnSync(process.env.VSESSIONCTL, ['outbox'], { encoding: 'utf8' });
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`^${row.id}\\s+failed\\s+onboarding.*mailbox unavailable \\(550\\)$`, 'm'));
    refuse = false;
    // the link was cleared when it failed for good: a retry cannot resend it, and says so
    const retry = spawnSync(process.env.VSESSIONCTL, ['outbox', 'retry', String(row.id)], { encoding: 'utf8' });
    assert.equal(retry.status, 0, retry.stderr);
    const again = await waitFor(() => outboxOf({ email: `${tag}-1@mail.example` }).find((o) => o.status !== 'pending'), 15000, 'settled again');
    assert.equal(again.status, 'failed');
    assert.match(again.lastError, /cannot be made/);
    assert.equal(spawnSync(process.env.VSESSIONCTL, ['outbox', 'retry', '999999999'], { encoding: 'utf8' }).status, 1);
  } finally {
    await mailer.stop();
    await smtp.close();
  }
});

test('a server down for longer than the give-up time: the message fails, it is never dropped silently', async () => {
  const tag = uniq('down');
  const mailer = startMailer('smtp://127.0.0.1:9', { VSESSION_MAIL_GIVE_UP_SECONDS: '2' });
  try {
    queue(1, tag);
    const row = await waitFor(() => outboxOf({ email: `${tag}-1@mail.example` }).find((o) => o.status === 'failed'), 20000, 'failed');
    assert.equal(row.lastError, 'mail server unreachable');
    assert.ok(row.attempts >= 2, `retried first (${row.attempts} tries)`);
  } finally {
    await mailer.stop();
  }
});

test('the sender killed after the server took the message: delivered again once, same Message-ID', async () => {
  const tag = uniq('crash');
  // the server keeps the message but answers only after 3 s: the sender dies in between
  const smtp = await startSmtp({ behave: (r, n) => (r.startsWith(tag) && n === 1 ? { delayMs: 3000 } : null) });
  let mailer = startMailer(smtp.url);
  try {
    queue(1, tag);
    await sleep(800);  // the first delivery is under way (the server holds its answer 3 s)
    await mailer.stop('SIGKILL');
    assert.equal(outboxOf({ email: `${tag}-1@mail.example` })[0].status, 'pending', 'not recorded as sent');
    mailer = startMailer(smtp.url);
    await waitFor(() => outboxOf({ email: `${tag}-1@mail.example` })[0].status === 'sent', 15000, 'sent after the restart');
    await sleep(3500);  // the first copy lands when the slow answer would have
    const copies = to(smtp, `${tag}-1@mail.example`);
    assert.equal(copies.length, 2, 'exactly one duplicate');
    assert.equal(copies[0].parsed.messageId, copies[1].parsed.messageId, 'with the same Message-ID');
  } finally {
    await mailer.stop();
    await smtp.close();
  }
});

const PG_BIN = '/usr/lib/postgresql/15/bin';
function pgCtl(args) {
  return spawnSync('runuser', ['-u', 'postgres', '--', path.join(PG_BIN, 'pg_ctl'), '-D', process.env.VSESSION_PG_DATA, ...args], { encoding: 'utf8', timeout: 60000 });
}
function pgRestart() {
  const opts = readFileSync(path.join(process.env.VSESSION_PG_DATA, 'postmaster.opts'), 'utf8');
  const args = [...opts.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]);
  const i = args.indexOf('-D');
  if (i >= 0) args.splice(i, 2);
  const o = args.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const r = pgCtl(['-m', 'immediate', '-w', '-t', '30', '-o', o, '-l', path.join(process.env.VSESSION_PG_DATA, 'server.log'), 'restart']);
  if (r.status !== 0) throw new Error(`pg_ctl restart failed: ${r.stdout} ${r.stderr}`);
}

test('PostgreSQL restarted under a running sender: nothing lost, at most one duplicate each', async () => {
  const tag = uniq('pgrs');
  const smtp = await startSmtp({ behave: () => ({ delayMs: 20 }) });
  const mailer = startMailer(smtp.url);
  try {
    queue(60, tag);
    await waitFor(() => smtp.messages.length >= 10, 20000, 'delivery under way');
    pgRestart();
    // every API worker finds its connection gone at its next request: let each reconnect
    for (let i = 0; i < 60; i++) await api('GET', '/api/health');
    await waitFor(() => new Set(smtp.messages.filter((m) => m.rcpt[0].startsWith(`${tag}-`)).map((m) => m.rcpt[0])).size === 60, 40000, 'all 60 at the server');
    await waitFor(() => rowsOf(tag).length === 1 && rowsOf(tag)[0][0] === 'sent', 20000, 'every row recorded as sent');
    const counts = new Map();
    for (const m of smtp.messages) counts.set(m.rcpt[0], (counts.get(m.rcpt[0]) ?? 0) + 1);
    assert.equal(counts.size, 60, 'every message arrived');
    assert.ok([...counts.values()].every((c) => c <= 2), 'none more than twice');
    // only the batch in flight (at most 20 rows, one transaction) can be sent again
    assert.ok([...counts.values()].filter((c) => c === 2).length <= 20, 'at most the batch in flight doubled');
  } finally {
    await mailer.stop();
    await smtp.close();
  }
});

test('two senders at once deliver every message exactly once', async () => {
  const tag = uniq('pair');
  const smtp = await startSmtp();
  queue(200, tag);
  const a = startMailer(smtp.url);
  const b = startMailer(smtp.url);
  try {
    // wait on the server's own count: a psql poll blocks this process, and the SMTP server in it
    const t0 = Date.now();
    const arrived = () => smtp.messages.filter((m) => m.rcpt[0].startsWith(`${tag}-`)).length;
    try {
      await waitFor(() => arrived() >= 200, 60000, 'all 200 at the server');
      await waitFor(() => rowsOf(tag).length === 1 && rowsOf(tag)[0][0] === 'sent', 20000, 'all recorded as sent');
    } catch (e) {
      throw new Error(`${e.message}: ${JSON.stringify(rowsOf(tag))}; sender logs:\n${a.log().slice(-1500)}\n${b.log().slice(-1500)}`);
    }
    console.log(`two senders: 200 messages in ${Date.now() - t0} ms`);
    const mine = smtp.messages.filter((m) => m.rcpt[0].startsWith(`${tag}-`));
    assert.equal(mine.length, 200);
    assert.equal(new Set(mine.map((m) => m.parsed.messageId)).size, 200, 'each Message-ID once');
    const sentBy = (log) => (log.match(/\) sent/g) ?? []).length;
    assert.ok(sentBy(a.log()) > 0 && sentBy(b.log()) > 0, `both senders worked (${sentBy(a.log())} + ${sentBy(b.log())})`);
  } finally {
    await a.stop();
    await b.stop();
    await smtp.close();
  }
});

test('a slow SMTP server never slows the API\'s answers', async () => {
  const smtp = await startSmtp({ behave: () => ({ delayMs: 4000 }) });
  const mailer = startMailer(smtp.url);
  try {
    const p = await practice();
    const times = [];
    for (let i = 0; i < 4; i++) {
      const t0 = performance.now();
      const r = await api('POST', '/api/video-sessions', {
        token: p.partner.token,
        body: { user_id: p.client.id, title: 'x', session_date: minutesFromNow(2 * 24 * 60 + i * 60), duration_minutes: 30, password_enabled: false },
      });
      times.push(performance.now() - t0);
      assert.equal(r.status, 201, r.text);
    }
    await waitFor(() => smtp.attempts >= 1, 10000, 'the mailer busy with the slow server');
    assert.ok(Math.max(...times) < 1000, `API answers took ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
  } finally {
    await mailer.stop();
    await smtp.close();
  }
});
