// lib.mjs — what the mail tests share: a real SMTP server (smtp-server) that
// records and parses (mailparser) every message it accepts, and the sender
// (vsession-mailer) started against it and this stack's database.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { sql, sleep } from '../api/lib.mjs';

const BUILD = process.env.VSESSION_BUILD_DIR;

// An SMTP server on a free port. behave(recipient, attemptForThatRecipient, raw) may return
// {code, message} to refuse the message after DATA, and/or {delayMs} to answer late.
export async function startSmtp({ behave } = {}) {
  const messages = [];
  const perRcpt = new Map();
  let attempts = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', async () => {
        attempts += 1;
        const rawText = Buffer.concat(chunks).toString('utf8');
        const rcpt = session.envelope.rcptTo[0]?.address ?? '';
        perRcpt.set(rcpt, (perRcpt.get(rcpt) ?? 0) + 1);
        const b = behave ? await behave(rcpt, perRcpt.get(rcpt), rawText) : null;
        if (b?.delayMs) await sleep(b.delayMs);
        if (b?.code) {
          const err = new Error(b.message ?? 'refused');
          err.responseCode = b.code;
          return callback(err);
        }
        const parsed = await simpleParser(rawText);
        messages.push({ raw: rawText, parsed, rcpt: session.envelope.rcptTo.map((r) => r.address), from: session.envelope.mailFrom.address });
        callback(null, 'queued');
      });
    },
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.server.address().port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    get attempts() { return attempts; },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

// Starts vsession-mailer; returns {proc, log(), stop()}.
export function startMailer(smtpUrl, env = {}) {
  const proc = spawn(path.join(BUILD, 'vsession-mailer'), [], {
    env: {
      PATH: process.env.PATH,
      VSESSION_CONFIG_FILE: '/dev/null',
      VSESSION_DATABASE_URL: process.env.VSESSION_API_DATABASE_URL,
      VSESSION_PUBLIC_URL: process.env.VSESSION_BASE_URL,
      VSESSION_JWT_SECRET_FILE: path.join(process.env.VSESSION_STATE_DIR, 'jwt-secret'),
      VSESSION_SMTP_URL: smtpUrl,
      VSESSION_MAIL_FROM: 'sessions@practice.example',
      VSESSION_MAIL_POLL_SECONDS: '1',
      VSESSION_MAIL_RETRY_SECONDS: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (c) => { out += c; });
  proc.stderr.on('data', (c) => { out += c; });
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  return {
    proc,
    log: () => out,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      await exited;
    },
  };
}

// Waits until pred() is truthy (polling every 100 ms), or throws after ms. A pred that runs psql
// blocks this process, the recording SMTP server included, while psql runs: poll gently.
export async function waitFor(pred, ms = 15000, what = 'condition') {
  const end = Date.now() + ms;
  for (;;) {
    const v = await pred();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

// The outbox rows of a session (or of a recipient), oldest first.
export function outboxOf({ session, email }) {
  const where = session ? `video_session_id = ${Number(session)}` : `recipient_email = '${email.replace(/'/g, "''")}'`;
  return sql(`SELECT id, kind, status, attempts, coalesce(last_error, ''), payload::text FROM outbox WHERE ${where} ORDER BY id`)
    .map(([id, kind, status, attempts, lastError, payload]) => ({ id: Number(id), kind, status, attempts: Number(attempts), lastError, payload: JSON.parse(payload) }));
}

// Messages the server received for one address.
export function to(smtp, email) {
  return smtp.messages.filter((m) => m.rcpt.includes(email));
}

// Rows other layers left pending (sessions the API tests made) are set aside, so each test
// sees only its own messages.
export function setAsidePending() {
  sql("UPDATE outbox SET status = 'cancelled', last_error = 'set aside by the mail tests' WHERE status = 'pending'");
}

// Runs the sender's reminder planner now with a horizon of `hours`: the reminders of every
// session that come due within it are written, each at its own moment (not_before), so one in
// the future is not sent until a test moves its not_before to now. Returns how many it wrote.
export function planReminders(hours) {
  return Number(sql(`SELECT outbox_plan_due_reminders(interval '${Number(hours)} hours')`)[0][0]);
}

// As if `hours` had passed since session `id` and its messages were written: the session's start
// and end, and the times and the starts its messages name, all move that far back (the outbox
// trigger is off for the move, so the move itself writes no message).
export function travel(id, hours) {
  const iv = `interval '${Number(hours)} hours'`;
  sql(`BEGIN;
    ALTER TABLE video_sessions DISABLE TRIGGER video_sessions_outbox;
    UPDATE video_sessions SET session_date = session_date - ${iv}, end_date = end_date - ${iv},
      created_at = created_at - ${iv} WHERE id = ${Number(id)};
    ALTER TABLE video_sessions ENABLE TRIGGER video_sessions_outbox;
    UPDATE outbox SET created_at = created_at - ${iv}, not_before = not_before - ${iv}, reminder_for = reminder_for - ${iv},
      payload = CASE WHEN payload ? 'start' THEN payload || jsonb_build_object(
        'start', (payload->>'start')::timestamptz - ${iv}, 'end', (payload->>'end')::timestamptz - ${iv}) ELSE payload END
     WHERE video_session_id = ${Number(id)};
    COMMIT;`);
}
