// The session emails end to end: a session scheduled, moved and cancelled through the API
// reaches the client through vsession-mailer and a real SMTP server, as multipart/alternative
// text + HTML with an iCalendar part (METHOD REQUEST / CANCEL, the .ics endpoint's UID and a
// rising SEQUENCE), times in the client's own zone, never the notes, the title only when the
// partner allows it, the password only when the partner asked; reminders planned by the sender
// when due (once each, at a moved session's new time, none for a cancelled one), dropped when off,
// carrying List-Unsubscribe.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ICAL from 'ical.js';
import { api, practice, minutesFromNow, sql } from '../api/lib.mjs';
import { startSmtp, startMailer, waitFor, outboxOf, to, setAsidePending, planReminders, travel } from './lib.mjs';

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

const NOTES = 'NOTES-must-never-leave-7f3a';
const TITLE = 'Grief work, second block';

async function schedule(p, minutes, extra = {}) {
  const r = await api('POST', '/api/video-sessions', {
    token: p.partner.token,
    body: { user_id: p.client.id, title: TITLE, session_date: minutesFromNow(minutes), duration_minutes: 45, notes: NOTES, ...extra },
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

function calendarOf(msg) {
  const att = msg.parsed.attachments.find((a) => a.contentType === 'text/calendar');
  assert.ok(att, 'an iCalendar attachment');
  const comp = new ICAL.Component(ICAL.parse(att.content.toString('utf8')));
  return { comp, event: comp.getFirstSubcomponent('vevent') };
}

function allText(msg) {
  return [msg.parsed.text, msg.parsed.html, msg.raw, ...msg.parsed.attachments.map((a) => a.content.toString('utf8'))].join('\n');
}

test('a scheduled session reaches the client: MIME, headers, calendar, local time, no notes, no title, no password', async () => {
  const p = await practice();  // the client lives in America/New_York
  const s = await schedule(p, 3 * 24 * 60);
  const [msg] = await waitFor(() => to(smtp, p.client.email).length === 1 && to(smtp, p.client.email), 15000, 'the email');
  const h = msg.parsed.headers;
  assert.equal(msg.from, 'sessions@practice.example');
  assert.equal(msg.parsed.from.value[0].address, 'sessions@practice.example');
  assert.equal(msg.parsed.from.value[0].name, p.partner.name, 'From carries the partner name');
  assert.equal(msg.parsed.to.value[0].address, p.client.email);
  assert.equal(msg.parsed.to.value[0].name, p.client.name);
  const row = outboxOf({ session: s.id }).find((o) => o.kind === 'session_scheduled');
  assert.equal(row.status, 'sent');
  assert.equal(msg.parsed.messageId, `<${row.payload.session_id ? '' : ''}${sql(`SELECT message_id FROM outbox WHERE id = ${row.id}`)[0][0]}@localhost>`);
  assert.match(h.get('content-type').value, /^multipart\/mixed/);
  assert.match(msg.raw, /Content-Type: multipart\/alternative/);
  assert.match(msg.raw, /Content-Type: text\/plain; charset=utf-8/);
  assert.match(msg.raw, /Content-Type: text\/html; charset=utf-8/);
  assert.ok(msg.parsed.text.includes(`/join/${s.id}`), 'the join link in the text');
  assert.ok(msg.parsed.html.includes(`/join/${s.id}`), 'the join link in the HTML');
  // the link carries the session's signed hint, as its join_url does (the login page names the session)
  assert.ok(msg.parsed.text.includes(s.join_url), `the join link with its hint in the text: ${s.join_url}`);

  // the time in the client's zone (New York), with the zone named
  const start = new Date(s.session_date);
  const local = new Intl.DateTimeFormat('en-GB', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(start);
  const day = new Intl.DateTimeFormat('en-GB', { timeZone: 'America/New_York', day: 'numeric', month: 'long', year: 'numeric' }).format(start);
  assert.ok(msg.parsed.text.includes(local) && msg.parsed.text.includes(day), `local time ${day} ${local} in: ${msg.parsed.text}`);
  assert.ok(msg.parsed.text.includes('America/New_York'));
  assert.ok(msg.parsed.subject.includes(local), msg.parsed.subject);

  const text = allText(msg);
  assert.ok(!text.includes(NOTES), 'notes never appear');
  assert.ok(!text.includes(TITLE), 'the title is off by default');
  assert.ok(!text.includes(s.password), 'the password is not sent unless asked');
  assert.ok(!/password:/i.test(msg.parsed.text));

  const ics = await api('GET', `/api/video-sessions/${s.id}/calendar.ics`, { token: p.partner.token });
  const endpoint = new ICAL.Component(ICAL.parse(ics.text)).getFirstSubcomponent('vevent');
  const { comp, event } = calendarOf(msg);
  assert.equal(comp.getFirstPropertyValue('method'), 'REQUEST');
  assert.equal(event.getFirstPropertyValue('uid'), endpoint.getFirstPropertyValue('uid'));
  assert.equal(event.getFirstPropertyValue('sequence'), endpoint.getFirstPropertyValue('sequence'));
  assert.equal(event.getFirstPropertyValue('dtstart').toJSDate().getTime(), start.getTime());
  assert.equal(event.getFirstPropertyValue('summary'), 'Video session');
  assert.match(String(event.getFirstPropertyValue('organizer')), /^mailto:sessions@practice\.example$/i);
  assert.match(String(event.getFirstPropertyValue('attendee')), new RegExp(`^mailto:${p.client.email}$`, 'i'));

  // the change wrote its own message only: the reminders are planned by the sender when they come
  // due, 24 h and 1 h before the start (here: a planner looking 3 days ahead)
  assert.deepEqual(outboxOf({ session: s.id }).map((o) => o.kind), ['session_scheduled']);
  planReminders(72);
  const due = sql(`SELECT kind, status, extract(epoch FROM not_before)::int8, reminder_for = '${start.toISOString()}'
    FROM outbox WHERE video_session_id = ${s.id} AND kind LIKE 'reminder%' ORDER BY kind`);
  assert.deepEqual(due.map((d) => [d[0], d[1], d[3]]), [['reminder_1h', 'pending', 't'], ['reminder_24h', 'pending', 't']]);
  assert.equal(Number(due[0][2]) * 1000, start.getTime() - 3600e3);
  assert.equal(Number(due[1][2]) * 1000, start.getTime() - 24 * 3600e3);
  // each reminder is written once, however often (and by however many senders) it is planned
  planReminders(72);
  assert.equal(outboxOf({ session: s.id }).length, 3);
  assert.throws(() => sql(`INSERT INTO outbox (kind, recipient_user_id, recipient_email, video_session_id, reminder_for)
    SELECT kind, recipient_user_id, recipient_email, video_session_id, reminder_for FROM outbox
     WHERE video_session_id = ${s.id} AND kind = 'reminder_24h'`), /outbox_reminder_once/);
});

test('a reminder whose moment passed before the client was told of the session is not planned', async () => {
  const p = await practice();
  const s = await schedule(p, 23 * 60);
  planReminders(1 / 60);
  assert.deepEqual(outboxOf({ session: s.id }).map((o) => o.kind), ['session_scheduled']);
  planReminders(23);
  assert.deepEqual(outboxOf({ session: s.id }).map((o) => o.kind), ['session_scheduled', 'reminder_1h']);
});

test('moved: a new time with a higher SEQUENCE, and the reminder at the new time', async () => {
  const p = await practice();
  const s = await schedule(p, 3 * 24 * 60);
  await waitFor(() => to(smtp, p.client.email).length === 1, 15000, 'the scheduled email');
  const firstSeq = calendarOf(to(smtp, p.client.email)[0]).event.getFirstPropertyValue('sequence');
  const newStart = minutesFromNow(5 * 24 * 60);
  const r = await api('PUT', `/api/video-sessions/${s.id}`, { token: p.partner.token, body: { session_date: newStart } });
  assert.equal(r.status, 200, r.text);
  const msgs = await waitFor(() => to(smtp, p.client.email).length === 2 && to(smtp, p.client.email), 15000, 'the moved email');
  const moved = msgs[1];
  assert.match(moved.parsed.subject, /^Moved:/);
  const { comp, event } = calendarOf(moved);
  assert.equal(comp.getFirstPropertyValue('method'), 'REQUEST');
  assert.ok(event.getFirstPropertyValue('sequence') > firstSeq, 'SEQUENCE rises');
  assert.equal(event.getFirstPropertyValue('dtstart').toJSDate().toISOString().replace('.000Z', 'Z'), newStart);
  assert.ok(moved.parsed.text.includes('Was: '), 'the former time is named');
  assert.ok(!allText(moved).includes(NOTES));

  // a day before the new start (not the old one) the sender plans and sends the 24 h reminder
  travel(s.id, (Date.parse(newStart) - Date.now()) / 3600e3 - 24 + 1 / 60);
  const rem = await waitFor(() => to(smtp, p.client.email).length === 3 && to(smtp, p.client.email)[2], 15000, 'the reminder');
  assert.match(rem.parsed.subject, /^Reminder: video session tomorrow, /);
  const rows = await waitFor(() => {
    const r = sql(`SELECT o.kind, o.status, o.reminder_for = s.session_date, o.created_at > now() - interval '1 minute'
      FROM outbox o JOIN video_sessions s ON s.id = o.video_session_id WHERE s.id = ${s.id} AND o.kind LIKE 'reminder%'`);
    return r.length === 1 && r[0][1] === 'sent' && r;
  }, 15000, 'the reminder recorded as sent');
  assert.deepEqual(rows, [['reminder_24h', 'sent', 't', 't']]);
});

test('cancelled: METHOD:CANCEL with the same UID, and no reminder goes out afterwards', async () => {
  const p = await practice();
  const s = await schedule(p, 3 * 24 * 60);
  await waitFor(() => to(smtp, p.client.email).length === 1, 15000, 'the scheduled email');
  const r = await api('PUT', `/api/video-sessions/${s.id}`, { token: p.partner.token, body: { status: 'cancelled' } });
  assert.equal(r.status, 200, r.text);
  const msgs = await waitFor(() => to(smtp, p.client.email).length === 2 && to(smtp, p.client.email), 15000, 'the cancellation');
  const { comp, event } = calendarOf(msgs[1]);
  assert.equal(comp.getFirstPropertyValue('method'), 'CANCEL');
  assert.equal(event.getFirstPropertyValue('status'), 'CANCELLED');
  assert.equal(event.getFirstPropertyValue('uid'), calendarOf(msgs[0]).event.getFirstPropertyValue('uid'));
  assert.ok(event.getFirstPropertyValue('sequence') > calendarOf(msgs[0]).event.getFirstPropertyValue('sequence'));
  // past both reminders' moments, a cancelled session gets none
  travel(s.id, 3 * 24 - 1 / 2);
  planReminders(0);
  assert.deepEqual(outboxOf({ session: s.id }).map((o) => o.kind), ['session_scheduled', 'session_cancelled']);
});

test('deleting an upcoming session sends a cancellation', async () => {
  const p = await practice();
  const s = await schedule(p, 2 * 24 * 60);
  await waitFor(() => to(smtp, p.client.email).length === 1, 15000, 'the scheduled email');
  const r = await api('DELETE', `/api/video-sessions/${s.id}`, { token: p.partner.token });
  assert.equal(r.status, 204, r.text);
  const msgs = await waitFor(() => to(smtp, p.client.email).length === 2 && to(smtp, p.client.email), 15000, 'the cancellation');
  assert.equal(calendarOf(msgs[1]).comp.getFirstPropertyValue('method'), 'CANCEL');
});

test('a rolled-back change sends nothing (the outbox row is in the same transaction)', async () => {
  const p = await practice();
  const before = sql('SELECT coalesce(max(id), 0) FROM outbox')[0][0];
  // a second session at the same time conflicts: the insert and its outbox rows roll back together
  const s = await schedule(p, 4 * 24 * 60);
  const r = await api('POST', '/api/video-sessions', {
    token: p.partner.token,
    body: { user_id: p.client.id, title: 'x', session_date: s.session_date, duration_minutes: 30 },
  });
  assert.equal(r.status, 409);
  assert.deepEqual(sql(`SELECT kind, video_session_id FROM outbox WHERE id > ${before} AND recipient_user_id = ${p.client.id}`),
    [['session_scheduled', String(s.id)]], 'only the first session queued mail');
});

test('reminders: sent when due with List-Unsubscribe (RFC 8058); dropped when off or cancelled', async () => {
  const p = await practice();
  const s = await schedule(p, 3 * 24 * 60);
  await waitFor(() => to(smtp, p.client.email).length === 1, 15000, 'the scheduled email');
  // a day before the start the running sender plans the 24 h reminder and sends it
  travel(s.id, 2 * 24 + 1 / 60);
  const msgs = await waitFor(() => to(smtp, p.client.email).length === 2 && to(smtp, p.client.email), 15000, 'the reminder');
  const rem = msgs[1];
  assert.match(rem.parsed.subject, /^Reminder:/);
  const unsub = rem.parsed.headers.get('list')?.unsubscribe?.url ?? '';
  assert.match(unsub, new RegExp(`^https://localhost:\\d+/api/email/unsubscribe\\?u=${p.client.id}&t=[0-9a-f]{64}$`));
  assert.match(rem.raw, /\r\nList-Unsubscribe: <https:\/\/localhost:\d+\/api\/email\/unsubscribe\?u=\d+&t=[0-9a-f]{64}>\r\n/);
  assert.match(rem.raw, /\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n/);
  assert.equal(rem.parsed.attachments.length, 0, 'a reminder has no calendar part');

  // the client turns reminders off: the 1 h reminder is dropped, visibly
  sql(`UPDATE users SET email_reminders = false WHERE id = ${p.client.id}`);
  travel(s.id, 23);
  const row = await waitFor(() => outboxOf({ session: s.id }).find((o) => o.kind === 'reminder_1h' && o.status !== 'pending'), 15000, 'the 1 h reminder settled');
  assert.equal(row.status, 'cancelled');
  assert.equal(row.lastError, 'reminders turned off by the recipient');
  // a dropped reminder is not planned again
  planReminders(1);
  assert.equal(outboxOf({ session: s.id }).filter((o) => o.kind === 'reminder_1h').length, 1);
  assert.equal(to(smtp, p.client.email).length, 2);
});

test('a reminder of a session cancelled behind the triggers\' back is not sent', async () => {
  const p = await practice();
  const s = await schedule(p, 3 * 24 * 60);
  await waitFor(() => to(smtp, p.client.email).length === 1, 15000, 'the scheduled email');
  // a writer that bypasses the status column the trigger watches cannot fool the sender
  planReminders(72);
  sql(`ALTER TABLE video_sessions DISABLE TRIGGER video_sessions_outbox; UPDATE video_sessions SET status = 'cancelled' WHERE id = ${s.id}; ALTER TABLE video_sessions ENABLE TRIGGER video_sessions_outbox`);
  sql(`UPDATE outbox SET not_before = now() WHERE video_session_id = ${s.id} AND kind = 'reminder_24h'`);
  const row = await waitFor(() => outboxOf({ session: s.id }).find((o) => o.kind === 'reminder_24h' && o.status !== 'pending'), 15000, 'settled');
  assert.equal(row.status, 'cancelled');
  assert.equal(row.lastError, 'session cancelled');
  assert.equal(to(smtp, p.client.email).length, 1);
});

test('a reminder planned for a start the session no longer has is not sent', async () => {
  const p = await practice();
  const s = await schedule(p, 3 * 24 * 60);
  await waitFor(() => to(smtp, p.client.email).length === 1, 15000, 'the scheduled email');
  planReminders(72);
  // moved by a writer the trigger does not see (as a move racing the planner would leave it)
  sql(`ALTER TABLE video_sessions DISABLE TRIGGER video_sessions_outbox; UPDATE video_sessions SET session_date = session_date + interval '1 day', end_date = end_date + interval '1 day' WHERE id = ${s.id}; ALTER TABLE video_sessions ENABLE TRIGGER video_sessions_outbox`);
  sql(`UPDATE outbox SET not_before = now() WHERE video_session_id = ${s.id} AND kind = 'reminder_24h'`);
  const row = await waitFor(() => outboxOf({ session: s.id }).find((o) => o.kind === 'reminder_24h' && o.status !== 'pending'), 15000, 'settled');
  assert.equal(row.status, 'cancelled');
  assert.equal(row.lastError, 'session moved');
  assert.equal(to(smtp, p.client.email).length, 1);
});

test('titles only with the partner\'s consent; the password only when asked for (email_password)', async () => {
  const p = await practice();
  sql(`INSERT INTO partner_settings (partner_id, practice_name, titles_in_email) VALUES (${p.partner.id}, 'Praxis Müller & Co', true)`);
  const s = await schedule(p, 3 * 24 * 60, { email_password: true });
  const [msg] = await waitFor(() => to(smtp, p.client.email).length === 1 && to(smtp, p.client.email), 15000, 'the email');
  assert.equal(msg.parsed.from.value[0].name, 'Praxis Müller & Co');
  assert.ok(msg.parsed.text.includes(`Title: ${TITLE}`));
  assert.equal(calendarOf(msg).event.getFirstPropertyValue('summary'), TITLE);
  assert.ok(msg.parsed.text.includes(`Session password: ${s.password}`), 'the password the partner chose to send');
  assert.ok(!allText(msg).includes(NOTES));
  // a picture of the message as a mail program shows it (README, docs/screenshots/)
  const dir = process.env.VSESSION_SCREENSHOT_DIR;
  if (dir) {
    mkdirSync(dir, { recursive: true });
    const html = path.join(process.env.VSESSION_STATE_DIR, 'email-session-scheduled.html');
    writeFileSync(html, msg.parsed.html.replace(s.password, '482913'));
    const shot = spawnSync(process.env.VSESSION_CHROMIUM || '/usr/bin/chromium', ['--headless', '--no-sandbox', '--disable-gpu',
      '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--hide-scrollbars',
      `--user-data-dir=${path.join(process.env.VSESSION_STATE_DIR, 'chromium-mail')}`, '--window-size=720,760',
      `--screenshot=${path.join(dir, 'email-session-scheduled.png')}`, `file://${html}`], { encoding: 'utf8', timeout: 60000 });
    assert.equal(shot.status, 0, shot.stderr);
  }
  // and it leaves the outbox once sent
  const row = outboxOf({ session: s.id }).find((o) => o.kind === 'session_scheduled');
  assert.equal(row.payload.password, undefined);
  assert.equal(sql(`SELECT count(*) FROM outbox WHERE payload::text LIKE '%${s.password}%'`)[0][0], '0');
});
