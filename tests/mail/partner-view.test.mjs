// What the partner sees and can do (GET .../messages, resend-invitation), the one-click
// unsubscribe (RFC 8058), and header injection: CR/LF in every field that reaches a header
// (the client's name, the practice name, the title, the partner's name, the address) never
// makes a header or a recipient of its own.
import test from 'node:test';
import assert from 'node:assert/strict';
import { api, raw, practice, makeUser, login, minutesFromNow, sql, dbChecksum } from '../api/lib.mjs';
import { startSmtp, startMailer, waitFor, outboxOf, to, setAsidePending, travel } from './lib.mjs';

let smtp;
let mailer;
const refuse = new Set();

test.before(async () => {
  setAsidePending();
  smtp = await startSmtp({ behave: (rcpt) => (refuse.has(rcpt) ? { code: 550, message: 'mailbox unavailable' } : null) });
  mailer = startMailer(smtp.url);
});
test.after(async () => {
  await mailer?.stop();
  await smtp?.close();
});

async function schedule(p, minutes, extra = {}) {
  const r = await api('POST', '/api/video-sessions', {
    token: p.partner.token,
    body: { user_id: p.client.id, title: 'Session', session_date: minutesFromNow(minutes), duration_minutes: 30, password_enabled: false, ...extra },
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

test('the partner sees what was sent and what failed, and can resend the invitation', async () => {
  const p = await practice();
  const s = await schedule(p, 3 * 24 * 60);
  await waitFor(() => to(smtp, p.client.email).length === 1, 15000, 'the email');
  const r = await api('GET', `/api/video-sessions/${s.id}/messages`, { token: p.partner.token });
  assert.equal(r.status, 200, r.text);
  const kinds = r.json.messages.map((m) => `${m.kind}:${m.status}`).sort();
  assert.deepEqual(kinds, ['session_scheduled:sent']);
  const sent = r.json.messages.find((m) => m.kind === 'session_scheduled');
  assert.equal(sent.recipient_email, p.client.email);
  assert.ok(sent.sent_at && sent.last_error === null && sent.attempts === 1);

  // the client's mailbox starts refusing: the resend fails for good, and the partner sees why
  refuse.add(p.client.email);
  const re = await api('POST', `/api/video-sessions/${s.id}/messages/resend-invitation`, { token: p.partner.token });
  assert.equal(re.status, 202, re.text);
  assert.equal(re.json.kind, 'session_scheduled');
  assert.equal(re.json.status, 'pending');
  const failed = await waitFor(async () => {
    const l = await api('GET', `/api/video-sessions/${s.id}/messages`, { token: p.partner.token });
    return l.json.messages.find((m) => m.id === re.json.id && m.status === 'failed');
  }, 15000, 'the failure shown');
  assert.equal(failed.last_error, 'mailbox unavailable (550)');

  refuse.delete(p.client.email);
  const again = await api('POST', `/api/video-sessions/${s.id}/messages/resend-invitation`, { token: p.partner.token, body: {} });
  assert.equal(again.status, 202);
  await waitFor(() => to(smtp, p.client.email).length === 2, 15000, 'the resent invitation');
  assert.equal(to(smtp, p.client.email)[1].parsed.attachments[0].contentType, 'text/calendar');
});

test('messages and resending are the owning partner\'s alone; bad input changes nothing', async () => {
  const p = await practice();
  const other = await practice();
  const admin = makeUser('admin');
  await login(admin);
  const s = await schedule(p, 3 * 24 * 60);
  const before = sql(`SELECT count(*) FROM outbox WHERE video_session_id = ${s.id}`)[0][0];
  for (const who of [other.partner, p.client, admin]) {
    assert.equal((await api('GET', `/api/video-sessions/${s.id}/messages`, { token: who.token })).status, 404);
    assert.equal((await api('POST', `/api/video-sessions/${s.id}/messages/resend-invitation`, { token: who.token })).status, 404);
  }
  assert.equal((await api('GET', `/api/video-sessions/${s.id}/messages`)).status, 401);
  assert.equal((await api('GET', '/api/video-sessions/987654321987/messages', { token: p.partner.token })).status, 404);
  const bad = await api('POST', `/api/video-sessions/${s.id}/messages/resend-invitation`, { token: p.partner.token, body: { x: 1 } });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.field, 'x');
  assert.equal((await api('POST', `/api/video-sessions/${s.id}/messages/resend-invitation`, { token: p.partner.token, body: 'x=1', headers: { 'Content-Type': 'text/plain' } })).status, 415);
  assert.equal(sql(`SELECT count(*) FROM outbox WHERE video_session_id = ${s.id}`)[0][0], before);
  // a cancelled session has no invitation to send
  await api('PUT', `/api/video-sessions/${s.id}`, { token: p.partner.token, body: { status: 'cancelled' } });
  const c = await api('POST', `/api/video-sessions/${s.id}/messages/resend-invitation`, { token: p.partner.token });
  assert.equal(c.status, 409);
  assert.equal(c.json.error.code, 'invalid_state');
});

test('email_password on a session without a password, or on an update that makes none, is 422', async () => {
  const p = await practice();
  const before = dbChecksum();
  const r = await api('POST', '/api/video-sessions', {
    token: p.partner.token,
    body: { user_id: p.client.id, title: 'x', session_date: minutesFromNow(4 * 24 * 60), duration_minutes: 30, password_enabled: false, email_password: true },
  });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'email_password');
  assert.equal(dbChecksum(), before);
  const s = await schedule(p, 5 * 24 * 60, { password_enabled: true });
  const u = await api('PUT', `/api/video-sessions/${s.id}`, { token: p.partner.token, body: { title: 'y', email_password: true } });
  assert.equal(u.status, 422);
  assert.equal(u.json.error.field, 'email_password');
  const nb = await api('POST', '/api/video-sessions', { token: p.partner.token, body: { user_id: p.client.id, title: 'x', session_date: minutesFromNow(6 * 24 * 60), duration_minutes: 30, email_password: 'yes' } });
  assert.equal(nb.status, 422);
  // a regenerated password may be emailed: it arrives with the session's details
  const g = await api('PUT', `/api/video-sessions/${s.id}`, { token: p.partner.token, body: { regenerate_password: true, email_password: true } });
  assert.equal(g.status, 200, g.text);
  await waitFor(() => to(smtp, p.client.email).some((m) => m.parsed.text.includes(`Session password: ${g.json.password}`)), 15000, 'the new password emailed');
});

test('one-click unsubscribe: the signed link turns reminders off; a forged one changes nothing', async () => {
  const p = await practice();
  const s = await schedule(p, 3 * 24 * 60);
  await waitFor(() => to(smtp, p.client.email).length === 1, 15000, 'the email');
  travel(s.id, 2 * 24 + 1 / 60);
  const rem = await waitFor(() => to(smtp, p.client.email)[1], 15000, 'the reminder');
  const url = new URL(rem.parsed.headers.get('list').unsubscribe.url);
  const path = url.pathname + url.search;
  const forged = `/api/email/unsubscribe?u=${p.client.id}&t=${'0'.repeat(64)}`;
  const other = `/api/email/unsubscribe?u=${p.partner.id}&${url.searchParams.toString().split('&')[1]}`;
  for (const bad of [forged, other, '/api/email/unsubscribe', `/api/email/unsubscribe?u=${p.client.id}`, `/api/email/unsubscribe?u=0&t=${'a'.repeat(64)}`]) {
    const r = await raw('POST', bad, { headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': '26' }, body: 'List-Unsubscribe=One-Click' });
    assert.equal(r.status, 404, `${bad}: ${r.text}`);
  }
  assert.equal((await raw('POST', `${path}&x=1`, {})).status, 422);
  assert.equal((await raw('GET', path, {})).status, 405, 'a GET (a link scanner) changes nothing');
  assert.equal(sql(`SELECT email_reminders FROM users WHERE id IN (${p.client.id}, ${p.partner.id}) ORDER BY id`).map((x) => x[0]).join(), 't,t');
  const ok = await raw('POST', path, { headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': '26' }, body: 'List-Unsubscribe=One-Click' });
  assert.equal(ok.status, 204, ok.text);
  assert.equal(sql(`SELECT email_reminders FROM users WHERE id = ${p.client.id}`)[0][0], 'f');
  // and the next reminder is not sent
  travel(s.id, 23);
  const row = await waitFor(() => outboxOf({ session: s.id }).find((o) => o.kind === 'reminder_1h' && o.status !== 'pending'), 15000, 'settled');
  assert.equal(row.status, 'cancelled');
});

test('CR/LF in every field that reaches a header never makes a header or a recipient', async () => {
  const p = await practice();
  const evil = (what) => `${what}\r\nBcc: stolen@evil.example\r\nX-Injected: ${what}\n\rSubject: spoof`;
  sql(`UPDATE users SET name = '${evil('client').replace(/'/g, "''")}' WHERE id = ${p.client.id}`);
  sql(`UPDATE users SET name = '${evil('partner').replace(/'/g, "''")}' WHERE id = ${p.partner.id}`);
  const s = await schedule(p, 3 * 24 * 60, { title: 'Title\r\nX-Injected: title' });
  const [msg] = await waitFor(() => to(smtp, p.client.email).length === 1 && to(smtp, p.client.email), 15000, 'the email');
  // the practice name as well, and the title shown
  sql(`INSERT INTO partner_settings (partner_id, practice_name, titles_in_email) VALUES (${p.partner.id}, '${evil('practice').replace(/'/g, "''")}', true)`);
  await api('POST', `/api/video-sessions/${s.id}/messages/resend-invitation`, { token: p.partner.token });
  const msgs = await waitFor(() => to(smtp, p.client.email).length === 2 && to(smtp, p.client.email), 15000, 'the second email');
  for (const m of [msg, msgs[1]]) {
    assert.deepEqual(m.rcpt, [p.client.email], 'one recipient only');
    assert.equal(m.parsed.headers.get('bcc'), undefined);
    assert.equal(m.parsed.headers.get('x-injected'), undefined);
    const head = m.raw.split('\r\n\r\n')[0];
    assert.ok(!/\n(Bcc|X-Injected|Subject: spoof)/i.test(head), head);
    assert.equal((head.match(/^Subject:/gim) ?? []).length, 1);
    assert.ok(!/[^\r]\n|\r[^\n]/.test(head), 'no bare CR or LF in the header');
    for (const line of head.split('\r\n').slice(1)) assert.match(line, /^([A-Za-z-]+: |[ \t])/, `a header line: ${line}`);
  }
  assert.ok(msgs[1].parsed.from.value[0].name.startsWith('practice'));
  assert.ok(!smtp.messages.some((m) => m.rcpt.includes('stolen@evil.example')));

  // an address that is not a plain one fails, visibly, without a byte sent
  const id = sql(`INSERT INTO outbox (kind, recipient_email, payload) VALUES ('password_reset', 'a>,stolen@evil.example', '{"url":"https://x/r"}') RETURNING id`)[0][0];
  const row = await waitFor(() => sql(`SELECT status, last_error FROM outbox WHERE id = ${id} AND status <> 'pending'`)[0], 15000, 'settled');
  assert.deepEqual(row, ['failed', 'invalid recipient address']);
});

test('a guest invite by email: the link reaches the guest, in the partner\'s zone, and leaves the outbox once sent', async () => {
  const p = await practice();
  const s = await schedule(p, 3 * 24 * 60);
  const guest = `guest-${p.client.id}@guest.example`;
  const bad = await api('POST', `/api/video-sessions/${s.id}/invite`, { token: p.partner.token, body: { email: 'not an address' } });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.field, 'email');
  const noMail = await api('POST', `/api/video-sessions/${s.id}/invite`, { token: p.partner.token, body: { name: 'Gia' } });
  assert.equal(noMail.status, 422);
  assert.equal(sql(`SELECT count(*) FROM invites WHERE video_session_id = ${s.id}`)[0][0], '0', 'refused invites made nothing');
  const r = await api('POST', `/api/video-sessions/${s.id}/invite`, { token: p.partner.token, body: { email: guest, name: 'Gia Guest' } });
  assert.equal(r.status, 201, r.text);
  const [msg] = await waitFor(() => to(smtp, guest).length === 1 && to(smtp, guest), 15000, 'the guest invite');
  assert.match(msg.parsed.subject, /^Invitation: video session on /);
  assert.equal(msg.parsed.to.value[0].name, 'Gia Guest');
  assert.ok(msg.parsed.text.includes(r.json.invite_url), 'the invite link');
  // the guest has no account: the time is given in the partner's zone (Europe/Berlin)
  assert.ok(msg.parsed.text.includes('(Europe/Berlin)'));
  const row = outboxOf({ email: guest })[0];
  assert.equal(row.kind, 'guest_invite');
  assert.equal(row.status, 'sent');
  assert.equal(row.payload.url, undefined, 'the invite link is not kept');
  // a client cannot invite, by email or not
  assert.equal((await api('POST', `/api/video-sessions/${s.id}/invite`, { token: p.client.token, body: { email: guest } })).status, 403);
});
