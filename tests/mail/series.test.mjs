// A weekly series reaches the client as one invitation: every date listed in the client's zone,
// the one password when the partner asked to email it, and the series' calendar object (the
// .ics endpoint's UID, RRULE, EXDATE for a date skipped for a clash) as the iCalendar part.
import test from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { api, practice, sql } from '../api/lib.mjs';
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

test('a series of 6 with one date skipped: one email listing 5 dates, the password, the series calendar', async () => {
  const p = await practice();  // the client lives in America/New_York, the partner in Europe/Berlin
  const t = new Date(Date.now() + 4 * 86400000);
  t.setUTCHours(9, 0, 0, 0);
  const start = t.getTime();
  const WEEK = 7 * 86400000;
  const block = await api('POST', `/api/partners/${p.partner.id}/appointments`, { token: p.partner.token,
    body: { title: 'Supervision', starts_at: new Date(start + 2 * WEEK).toISOString(), ends_at: new Date(start + 2 * WEEK + 3600000).toISOString() } });
  assert.equal(block.status, 201, block.text);
  const r = await api('POST', '/api/video-sessions', { token: p.partner.token, body: {
    user_id: p.client.id, title: 'Weekly', session_date: new Date(start).toISOString(), duration_minutes: 50, email_password: true,
    recurrence: { frequency: 'weekly', count: 6 }, skip_conflicts: true } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.sessions.length, 5);
  const [msg] = await waitFor(() => to(smtp, p.client.email).length >= 1 && to(smtp, p.client.email), 15000, 'the invitation');
  // no second message for the other dates
  await new Promise((res) => setTimeout(res, 1500));
  assert.equal(to(smtp, p.client.email).length, 1, 'one email for the series');
  assert.match(msg.parsed.subject, /^Weekly video sessions from /);
  const fmt = new Intl.DateTimeFormat('en-GB', { timeZone: 'America/New_York', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  for (const s of r.json.sessions) {
    const parts = Object.fromEntries(fmt.formatToParts(new Date(s.session_date)).map((x) => [x.type, x.value]));
    assert.ok(msg.parsed.text.includes(`${parts.day} ${parts.month}`) && msg.parsed.text.includes(`${parts.hour}:${parts.minute}`),
      `${s.session_date} listed in: ${msg.parsed.text}`);
  }
  assert.ok(msg.parsed.text.includes(r.json.password), 'the password the partner asked to email');
  const att = msg.parsed.attachments.find((a) => a.contentType === 'text/calendar');
  const comp = new ICAL.Component(ICAL.parse(att.content.toString('utf8')));
  assert.equal(comp.getFirstPropertyValue('method'), 'REQUEST');
  const ev = comp.getFirstSubcomponent('vevent');
  assert.equal(ev.getFirstPropertyValue('uid'), `video-series-${r.json.series_id}@localhost`);
  assert.match(att.content.toString('utf8'), /\r\nRRULE:FREQ=WEEKLY;INTERVAL=1;COUNT=6\r\n/);
  assert.equal(ev.getFirstPropertyValue('rrule').count, 6);
  assert.equal(ev.getAllProperties('exdate').length, 1, 'the skipped date');
  assert.equal(ev.getFirstProperty('dtstart').getParameter('tzid'), 'Europe/Berlin');
  const ics = await api('GET', `/api/video-sessions/${r.json.sessions[0].id}/calendar.ics`, { token: p.client.token });
  assert.equal(new ICAL.Component(ICAL.parse(ics.text)).getFirstSubcomponent('vevent').getFirstPropertyValue('uid'),
    ev.getFirstPropertyValue('uid'), 'the same UID as the .ics endpoint');
  const [[pw]] = sql(`SELECT count(*) FROM outbox WHERE payload ? 'password' AND video_session_id IN (${r.json.sessions.map((s) => s.id).join(',')})`);
  assert.equal(pw, '0', 'the password leaves the outbox once sent');
});
