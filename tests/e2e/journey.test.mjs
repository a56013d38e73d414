// A new client's whole journey through real email (issue 16's "done when"): the partner adds the
// client from the Clients tab; the invitation arrives by email (vsession-mailer delivering to a
// real SMTP server, every message parsed); on a phone the client follows its link, sets a password
// and lands on their dashboard; the partner schedules a session; the client receives it with an
// iCalendar REQUEST (the .ics endpoint's UID and SEQUENCE, DTSTART the session's start) and the
// time in their own zone; both reminders arrive; the partner's Emails section lists what was
// sent; the partner cancels and the client receives a CANCEL with the same UID and a higher
// SEQUENCE.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { randomBytes } from 'node:crypto';
import ICAL from 'ical.js';
import { DESKTOP, PHONE, apiAs, createUser, launch, login, newPage, requireStack, shot } from './lib/harness.mjs';
import { scheduleThroughModal } from './lib/flows.mjs';
import { assertFrom, linkIn, received, requireOwnMailer, startMail } from './lib/mail.mjs';
import { sql } from '../api/lib.mjs';

const skip = requireStack() || requireOwnMailer();

const NOTES = 'E2E private note'; // what scheduleThroughModal types into the Notes field

function calendarOf(msg) {
  const parts = msg.parsed.attachments.filter((a) => a.contentType === 'text/calendar');
  assert.equal(parts.length, 1, 'one iCalendar part');
  const comp = new ICAL.Component(ICAL.parse(parts[0].content.toString('utf8')));
  const events = comp.getAllSubcomponents('vevent');
  assert.equal(events.length, 1, 'one event');
  return { method: comp.getFirstPropertyValue('method'), event: events[0] };
}

function everything(msg) {
  return [msg.raw, msg.parsed.text, msg.parsed.html, ...msg.parsed.attachments.map((a) => a.content.toString('utf8'))].join('\n');
}

describe("a new client's journey through real email", { skip }, () => {
  let browser;
  let mail;
  before(async () => {
    browser = await launch();
    mail = await startMail();
  });
  after(async () => {
    await mail?.stop();
    await browser?.close();
  });

  it('invited, a password set, the session, both reminders and the cancellation all arrive', async () => {
    const partner = createUser('partner', 'Dr. Journey Partner', 'Europe/Berlin');
    const client = { name: 'Jordan Journey', email: `e2e-journey-${randomBytes(4).toString('hex')}@test.example`, timezone: 'America/Chicago' };
    const pages = [];
    try {
      // ---- the partner adds the client from the Clients tab -----------------------------
      const desk = await newPage(browser, { device: DESKTOP });
      pages.push(desk.page);
      const pp = desk.page;
      await login(pp, partner);
      await pp.getByRole('tablist', { name: 'Dashboard sections' }).getByRole('tab', { name: 'Clients' }).click();
      await pp.getByRole('button', { name: 'Add a client' }).click();
      const form = pp.getByRole('form', { name: 'Add a client' });
      await form.getByLabel('Name').fill(client.name);
      await form.getByLabel('Email address').fill(client.email);
      await form.getByLabel('Time zone (optional)').fill(client.timezone);
      await form.getByRole('button', { name: 'Add and send invitation' }).click();
      await pp.getByRole('status').filter({ hasText: `${client.name} was added` }).waitFor();

      // ---- the invitation arrives; its link, on a phone, sets the password -----------------
      const [invite] = await received(mail, client.email, 1, 'the invitation');
      assert.equal(invite.parsed.subject, `${partner.name} invites you to vsession`);
      assertFrom(invite, partner.name);
      const welcome = linkIn(invite, 'Set your password');

      const phone = await newPage(browser, { device: PHONE, timezoneId: 'Europe/Lisbon' });
      pages.push(phone.page);
      const cp = phone.page;
      await cp.goto(welcome);
      await cp.getByRole('heading', { level: 1, name: 'Welcome to vsession' }).waitFor();
      client.password = `journey-${randomBytes(6).toString('hex')}`;
      await cp.getByLabel('New password', { exact: true }).fill(client.password);
      await cp.getByLabel('New password again').fill(client.password);
      await cp.getByRole('button', { name: 'Set password and continue' }).click();
      await cp.getByRole('heading', { level: 1, name: `Hello, ${client.name}` }).waitFor();
      assert.match(new URL(cp.url()).pathname, /\/dashboard$/);
      await shot(cp, 'journey-phone-client-dashboard');

      // ---- the partner schedules a session three days ahead ------------------------------------
      const startMs = Math.ceil((Date.now() + 3 * 24 * 3600e3) / 300e3) * 300e3;
      await pp.getByRole('tab', { name: 'Video Sessions' }).click();
      const title = 'Journey first session';
      const session = await scheduleThroughModal(pp, { client, partner, title, startMs, name: 'journey' });
      await pp.getByRole('dialog', { name: 'Session scheduled' }).getByRole('button', { name: 'Done' }).click();

      // ---- the scheduled-session email: calendar REQUEST, the client's own zone ----------------
      const scheduled = (await received(mail, client.email, 2, 'the scheduled-session email'))[1];
      assertFrom(scheduled, partner.name);
      const chicagoTime = new Intl.DateTimeFormat('en-GB', { timeZone: client.timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(startMs);
      const chicagoDay = new Intl.DateTimeFormat('en-GB', { timeZone: client.timezone, day: 'numeric', month: 'long', year: 'numeric' }).format(startMs);
      assert.ok(scheduled.parsed.subject.startsWith('Video session on ') && scheduled.parsed.subject.includes(chicagoTime), scheduled.parsed.subject);
      for (const body of [scheduled.parsed.text, scheduled.parsed.html]) {
        assert.ok(body.includes(chicagoDay) && body.includes(chicagoTime) && body.includes(`(${client.timezone})`), `the time in Chicago (${chicagoDay} ${chicagoTime}):\n${body}`);
        assert.ok(body.includes(`/join/${session.id}`), 'the join link');
      }
      const text = everything(scheduled);
      assert.ok(!text.includes(NOTES), 'never the notes');
      assert.ok(!text.includes(title), 'no title: titles in email are off by default');
      assert.ok(!text.includes(session.password), 'no password: the partner did not ask to email it');

      const partnerApi = await apiAs(partner);
      const icsRes = await fetch(new URL(`/api/video-sessions/${session.id}/calendar.ics`, process.env.VSESSION_BASE_URL), { headers: { Authorization: `Bearer ${partnerApi.token}` } });
      assert.equal(icsRes.status, 200);
      const endpoint = new ICAL.Component(ICAL.parse(await icsRes.text())).getFirstSubcomponent('vevent');
      const req = calendarOf(scheduled);
      assert.equal(req.method, 'REQUEST');
      const uid = req.event.getFirstPropertyValue('uid');
      assert.ok(uid, 'a UID');
      assert.equal(uid, endpoint.getFirstPropertyValue('uid'), 'the .ics endpoint\'s UID');
      const seq = req.event.getFirstPropertyValue('sequence');
      assert.equal(seq, endpoint.getFirstPropertyValue('sequence'), 'the .ics endpoint\'s SEQUENCE');
      assert.equal(req.event.getFirstPropertyValue('dtstart').toJSDate().getTime(), startMs, 'DTSTART is the session\'s start');
      assert.equal(req.event.getFirstPropertyValue('dtend').toJSDate().getTime(), startMs + 45 * 60000);

      // ---- on the phone, the client's dashboard shows it too, in their zone ------------------------
      await cp.reload();
      const card = cp.getByTestId('next-session');
      await card.waitFor();
      const cardText = await card.innerText();
      assert.ok(cardText.includes(`${chicagoTime} (${client.timezone})`), `the Chicago time on the client's card: ${cardText}`);

      // ---- both reminders -----------------------------------------------------------------------
      // Time travel, not a stub: the sender plans reminders as they come due; its planner, run
      // here with a three-day horizon, writes both at their moments, 24 h and 1 h before a start
      // three days away; moving their not_before to now makes them due, and the real sender takes them.
      sql(`SELECT outbox_plan_due_reminders(interval '72 hours')`);
      const planned = sql(`SELECT kind, extract(epoch FROM not_before)::int8 FROM outbox
        WHERE video_session_id = ${session.id} AND kind LIKE 'reminder%' AND status = 'pending' ORDER BY kind`);
      assert.deepEqual(planned, [['reminder_1h', String((startMs - 3600e3) / 1000)], ['reminder_24h', String((startMs - 24 * 3600e3) / 1000)]]);
      const reminders = [];
      for (const [kind, subject, n] of [['reminder_24h', 'Reminder: video session tomorrow, ', 3], ['reminder_1h', 'Reminder: video session in one hour, ', 4]]) {
        sql(`UPDATE outbox SET not_before = now() WHERE video_session_id = ${session.id} AND kind = '${kind}' AND status = 'pending'`);
        const r = (await received(mail, client.email, n, `the ${kind} email`))[n - 1];
        assert.ok(r.parsed.subject.startsWith(subject) && r.parsed.subject.includes(chicagoTime), r.parsed.subject);
        assert.ok(r.parsed.text.includes(`${chicagoTime} - `) && r.parsed.text.includes(`(${client.timezone})`), r.parsed.text);
        assert.ok(r.parsed.text.includes(`/join/${session.id}`));
        assert.match(r.parsed.headers.get('list')?.unsubscribe?.url ?? '', /\/api\/email\/unsubscribe\?u=/, 'a one-click way to turn reminders off');
        assert.ok(!everything(r).includes(NOTES));
        assertFrom(r, partner.name);
        reminders.push(r);
      }

      // ---- the partner sees what was sent, then cancels --------------------------------------------
      await pp.reload();
      await pp.getByRole('tab', { name: 'Video Sessions' }).click();
      await pp.getByRole('button', { name: `Edit ${title}` }).click();
      const dialog = pp.getByRole('dialog', { name: 'Edit video session' });
      await dialog.waitFor();
      await dialog.getByText(`Emails to ${client.name}`).click();
      const list = dialog.locator('.session-emails__list');
      for (const what of ['Invitation sent', 'Reminder (24 hours) sent', 'Reminder (1 hour) sent']) await list.getByText(what).waitFor();
      assert.equal(await list.locator('li[data-status="sent"]').count(), 3);
      await list.scrollIntoViewIfNeeded();
      await shot(pp, 'journey-partner-session-emails', { fullPage: false });
      // Cancel from inside Edit: the same reason dialog as on the row
      await dialog.getByRole('button', { name: 'Cancel session…' }).click();
      const cancel = pp.getByRole('dialog', { name: 'Cancel this session?' });
      await cancel.getByRole('button', { name: 'Cancel the session' }).click();
      await cancel.waitFor({ state: 'detached' });
      await dialog.waitFor({ state: 'detached' });

      // ---- the cancellation: METHOD:CANCEL, the same UID, a higher SEQUENCE ------------------------
      const cancelled = (await received(mail, client.email, 5, 'the cancellation'))[4];
      assert.ok(cancelled.parsed.subject.startsWith('Cancelled: video session on '), cancelled.parsed.subject);
      assertFrom(cancelled, partner.name);
      const can = calendarOf(cancelled);
      assert.equal(can.method, 'CANCEL');
      assert.equal(can.event.getFirstPropertyValue('status'), 'CANCELLED');
      assert.equal(can.event.getFirstPropertyValue('uid'), uid);
      assert.ok(can.event.getFirstPropertyValue('sequence') > seq, 'SEQUENCE rises');
      assert.equal(can.event.getFirstPropertyValue('dtstart').toJSDate().getTime(), startMs);
      // Every message is a distinct one (its own Message-ID), and no more than these five came.
      const all = await received(mail, client.email, 5, 'all five');
      assert.equal(new Set(all.map((m) => m.parsed.messageId)).size, 5);
      // A cancelled session leaves the partner's lists, so its dialog cannot open again; the list
      // that dialog shows (GET .../messages) now has all four session emails as sent.
      const sent = async () => (await partnerApi.get(`/api/video-sessions/${session.id}/messages`)).messages;
      let msgs;
      for (let i = 0; i < 50 && (msgs = await sent()).filter((m) => m.status === 'sent').length < 4; i++) await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(
        msgs.filter((m) => m.status === 'sent').map((m) => m.kind).sort(),
        ['reminder_1h', 'reminder_24h', 'session_cancelled', 'session_scheduled'],
      );
      await partnerApi.dispose();

      // ---- the client's phone no longer offers the session -------------------------------------------
      await cp.reload();
      await cp.getByText('You have no upcoming video sessions.').waitFor();
      assert.equal(await cp.getByTestId('next-session').count(), 0, 'no next session after the cancellation');
      await shot(cp, 'journey-phone-client-after-cancel');
    } catch (err) {
      for (const [i, p] of pages.entries()) await shot(p, `FAILED-journey-${i}`).catch(() => {});
      throw err;
    }
  });
});
