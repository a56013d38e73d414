// What the account browser tests share: the link an email would carry, read
// from the outbox row the API wrote (until the mail sender is part of the test
// stack), and a check that a page does not scroll sideways.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

function sql(query) {
  const url = process.env.VSESSION_DATABASE_URL;
  if (!url) throw new Error('VSESSION_DATABASE_URL is not set (source .vsession/env or run scripts/test)');
  return execFileSync('psql', ['-X', '-qtA', '-v', 'ON_ERROR_STOP=1', url, '-c', query], { encoding: 'utf8' }).trim();
}

/** The path and fragment ("/welcome#token=…") of the newest link of `kind` emailed to `email`. */
export function latestLink(email, kind) {
  const lit = `'${email.replace(/'/g, "''")}'`;
  const url = sql(
    `SELECT payload->>'url' FROM outbox WHERE lower(recipient_email) = lower(${lit}) AND kind = '${kind}' ORDER BY id DESC LIMIT 1`,
  );
  assert.match(url, /^https?:\/\/[^/]+\/[a-z-]+#token=[A-Za-z0-9_-]+$/, `no ${kind} link for ${email}`);
  const u = new URL(url);
  return u.pathname + u.hash;
}

/** One row of a query as an array of strings (tab-separated columns). */
export function row(query) {
  return sql(query).split('|');
}

export async function assertNoSideScroll(page, where) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 1, `${where} scrolls sideways by ${overflow}px`);
}
