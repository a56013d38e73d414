// What the account browser tests share: a row read from the database, and a
// check that a page does not scroll sideways. (The links come from real email:
// lib/mail.mjs.)
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

function sql(query) {
  const url = process.env.VSESSION_DATABASE_URL;
  if (!url) throw new Error('VSESSION_DATABASE_URL is not set (source .vsession/env or run scripts/test)');
  return execFileSync('psql', ['-X', '-qtA', '-v', 'ON_ERROR_STOP=1', url, '-c', query], { encoding: 'utf8' }).trim();
}

/** One row of a query as an array of strings (tab-separated columns). */
export function row(query) {
  return sql(query).split('|');
}

export async function assertNoSideScroll(page, where) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 1, `${where} scrolls sideways by ${overflow}px`);
}
