// The partner's email when a client cancels (issue 17): sent through the real outbox and
// vsession-mailer to the partner, in the partner's time zone, naming the client and the reason,
// saying whether it was a late cancellation; the client gets the usual cancellation with its
// calendar update; notes never appear, the title only when the practice allows titles in email.
import test from 'node:test';
import assert from 'node:assert/strict';
import { api, practice, minutesFromNow, sql } from '../api/lib.mjs';
import { startSmtp, startMailer, waitFor, to, setAsidePending } from './lib.mjs';

let smtp;
let mailer;

test.before(async () => {
  setAsidePending();
  smtp = await startSmtp();
  mailer = startMailer(smtp.url);
});
test.after(async () => {
  await mailer?.stop();
  await smtp?.close();
});

const TITLE = 'Grief work, part 3';
const NOTES = 'Private: talked about the funeral.';

async function scheduleAndCancel(p, minutes, reason) {
  const s = await api('POST', '/api/video-sessions', {
    token: p.partner.token,
    body: { user_id: p.client.id, title: TITLE, notes: NOTES, session_date: minutesFromNow(minutes), duration_minutes: 50, password_enabled: false },
  });
  assert.equal(s.status, 201, s.text);
  const c = await api('POST', `/api/video-sessions/${s.json.id}/cancel`, { token: p.client.token, body: reason ? { reason } : {} });
  assert.equal(c.status, 200, c.text);
  return s.json;
}

test('a client cancelling in good time: the partner is emailed who, when and why; the client gets the calendar cancellation', async () => {
  const p = await practice();
  const s = await scheduleAndCancel(p, 4 * 24 * 60, 'My daughter is sick');
  const [msg] = await waitFor(() => { const m = to(smtp, p.partner.email); return m.length === 1 && m; }, 15000, 'the partner’s email');
  assert.match(msg.parsed.subject, new RegExp(`^Cancelled: ${p.client.name} cancelled the video session on `));
  assert.ok(msg.parsed.text.includes(`${p.client.name} has cancelled this video session.`), msg.parsed.text);
  assert.ok(msg.parsed.text.includes('Reason: My daughter is sick'));
  assert.ok(msg.parsed.text.includes(p.partner.timezone), 'the time in the partner’s zone');
  assert.ok(!msg.parsed.text.includes('late cancellation'));
  assert.ok(!msg.parsed.attachments.some((a) => a.contentType === 'text/calendar'), 'no calendar part for the partner');
  const all = [msg.parsed.text, msg.parsed.html, msg.raw].join('\n');
  assert.ok(!all.includes(NOTES), 'notes never appear');
  assert.ok(!all.includes(TITLE), 'the title is off by default');

  const [toClient] = await waitFor(() => { const m = to(smtp, p.client.email).filter((x) => /^Cancelled:/.test(x.parsed.subject)); return m.length === 1 && m; }, 15000, 'the client’s cancellation');
  assert.ok(toClient.parsed.attachments.some((a) => a.contentType === 'text/calendar' && /METHOD:CANCEL/.test(a.content.toString('utf8'))));
  const rows = sql(`SELECT kind, status FROM outbox WHERE video_session_id = ${s.id} AND kind = 'client_cancelled'`);
  assert.deepEqual(rows, [['client_cancelled', 'sent']]);
});

test('a late cancellation says so, and shows the title when the practice allows titles in email', async () => {
  const p = await practice();
  assert.equal((await api('PUT', `/api/partners/${p.partner.id}/settings`, { token: p.partner.token, body: { titles_in_email: true } })).status, 200);
  await scheduleAndCancel(p, 3 * 60, null);
  const [msg] = await waitFor(() => { const m = to(smtp, p.partner.email); return m.length === 1 && m; }, 15000, 'the partner’s email');
  assert.match(msg.parsed.subject, /^Late cancellation: /);
  assert.ok(msg.parsed.text.includes('inside your notice period: it is recorded as a late cancellation'), msg.parsed.text);
  assert.ok(msg.parsed.text.includes(`Title: ${TITLE}`));
  assert.ok(!msg.parsed.text.includes('Reason:'), 'no reason given, no reason line');
});
