// Real email for the browser tests: the mail tests' recording SMTP server (smtp-server, every
// message parsed with mailparser) and a vsession-mailer delivering this stack's outbox to it
// (tests/mail/lib.mjs, whose packages resolve from tests/node_modules), and the link a message
// carries, read from its text and its HTML as a person's mail program would show them.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMailer, startSmtp, to, waitFor } from '../../mail/lib.mjs';

export const MAIL_FROM = 'sessions@practice.example';

/**
 * Skips a file when the stack already runs its own sender (scripts/run starts one against its
 * catch-all server): two senders would share the messages, and the test would miss some.
 */
export function requireOwnMailer() {
  const pidFile = join(process.env.VSESSION_STATE_DIR || '/nonexistent', 'mailer.pid');
  if (!existsSync(pidFile)) return false;
  try {
    process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 0);
    return 'this stack runs its own vsession-mailer (scripts/run); run the browser tests through scripts/test';
  } catch {
    return false;
  }
}

/** Starts the recording SMTP server and a mailer against it; stop() ends both. */
export async function startMail() {
  const smtp = await startSmtp();
  const mailer = startMailer(smtp.url, { VSESSION_MAIL_FROM: MAIL_FROM });
  return {
    smtp,
    mailer,
    async stop() {
      await mailer.stop();
      await smtp.close();
    },
  };
}

/** Waits until `count` messages have reached `email`; returns them, oldest first. */
export function received(mail, email, count, what) {
  return waitFor(() => to(mail.smtp, email).length >= count && to(mail.smtp, email), 20000, `${what} to ${email} (mailer log: ${mail.mailer.log()})`);
}

function unescapeHtml(s) {
  return s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * The link a message offers under `label` ("Set your password: <url>" in the text, the button's
 * href in the HTML): both must carry the same absolute link, with the token in the fragment
 * (never sent to a server, never in a log) and nowhere else.
 */
export function linkIn(msg, label) {
  const esc = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const t = new RegExp(`^${esc}: (\\S+)$`, 'm').exec(msg.parsed.text);
  assert.ok(t, `"${label}: …" in the text:\n${msg.parsed.text}`);
  const hrefs = [...msg.parsed.html.matchAll(/<a href="([^"]+)"[^>]*>([^<]*)<\/a>/g)].filter((m) => m[2] === label).map((m) => unescapeHtml(m[1]));
  assert.equal(hrefs.length, 1, `one "${label}" button in the HTML:\n${msg.parsed.html}`);
  assert.equal(hrefs[0], t[1], 'the text and the HTML carry the same link');
  const u = new URL(t[1]);
  assert.equal(u.origin, new URL(process.env.VSESSION_BASE_URL).origin, 'the link points at this site');
  assert.match(u.hash, /^#token=[A-Za-z0-9_-]{20,}$/, 'the token is in the fragment');
  const token = u.hash.slice('#token='.length);
  assert.ok(!u.pathname.includes(token) && !u.search.includes(token), 'the token is only in the fragment');
  return t[1];
}

/** Asserts the envelope and header sender: VSESSION_MAIL_FROM, under the practice's name. */
export function assertFrom(msg, name) {
  assert.equal(msg.from, MAIL_FROM, 'envelope sender');
  assert.equal(msg.parsed.from.value.length, 1);
  assert.equal(msg.parsed.from.value[0].address, MAIL_FROM);
  assert.equal(msg.parsed.from.value[0].name, name);
}
