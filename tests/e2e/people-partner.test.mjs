// Issue 18, frictions 1, 4, 5, 6 and the durations, as the partner meets them (Berlin) with a
// client in New York: the client's zone in the Clients tab, the modal and the row; "Copy
// invitation" in the client's zone; a 50-minute session; "Saved. Tell … about the change?"
// after an edit; a lockout shown on the row with its way out; Cancel with a reason the client
// sees (from the row or from inside Edit); Delete only for past or cancelled sessions, saying what
// it removes; the Guest link explained on the row; after an edit the client is told by email.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DESKTOP, PHONE, apiAs, copied, createPair, isoZ, launch, login, newPage, requireStack, shot, soonStart, wallClock } from './lib/harness.mjs';
import { assertNoSeriousA11y } from './lib/flows.mjs';

const skip = requireStack();
const wrongFor = (pw) => (pw === '000000' ? '111111' : '000000');

describe('the partner’s clear actions, in the client’s zone', { skip }, () => {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  for (const [label, device] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ]) {
    it(`${label}: zones, invitation, edit, lockout, cancel with a reason, delete only when over`, { timeout: 150_000 }, async () => {
      const pair = createPair(`Actions ${label}`);
      const partnerApi = await apiAs(pair.partner);
      const clientApi = await apiAs(pair.client);
      const startMs = soonStart(7);
      const session = await partnerApi.post('/api/video-sessions', {
        user_id: pair.client.id,
        title: 'Progress review',
        session_date: isoZ(startMs),
        duration_minutes: 50,
      });
      assert.equal(session.duration_minutes, 50, '5-minute steps');
      const { page, context } = await newPage(browser, { device });
      await login(page, pair.partner);
      const first = pair.client.name.split(' ')[0];
      const row = page.locator(`li[data-session-id="${session.id}"]`).first();
      await row.waitFor();

      // the client's zone on the row, and the invitation in it
      const ny = wallClock(startMs, 'America/New_York');
      assert.ok((await row.getByTestId('client-time').innerText()).includes(`${ny.time}`), 'the client’s time on the row');
      await row.getByRole('button', { name: 'Copy invitation for Progress review' }).click();
      const clip = (await copied(page)).at(-1);
      assert.ok(clip.includes(`${ny.time} (America/New_York)`), `invitation in the client's zone: ${clip}`);
      assert.ok(clip.includes('(Europe/Berlin) for your therapist'), 'and the partner’s');
      assert.ok(clip.includes(session.meeting_url));
      assert.match(clip, /6-digit session password/);
      assert.equal(await row.getByRole('button', { name: /^Delete / }).count(), 0, 'no Delete on an upcoming session');
      // the Guest link explained where it is offered, in words on the screen (a phone has no tooltips)
      const guestHint = row.getByTestId('guest-link-hint');
      assert.ok(await guestHint.isVisible(), 'the Guest link is explained on the row');
      assert.match(await guestHint.innerText(), /Guest link: for someone without an account\. They open it, type their name and the session password and join, no login\./);
      const hintBox = await guestHint.boundingBox();
      assert.ok(hintBox.x >= 0 && hintBox.x + hintBox.width <= device.viewport.width + 1, `the hint fits the screen: ${JSON.stringify(hintBox)}`);
      await shot(page, `${label}-partner-row-actions`);

      // a locked-out client shows on the row, with the way out
      for (let i = 0; i < 5; i++) await clientApi.post(`/api/video-sessions/${session.id}/verify-password`, { password: wrongFor(session.password) }).catch(() => {});
      await page.reload();
      const lock = page.locator(`li[data-session-id="${session.id}"]`).first().getByTestId('lock-state');
      await lock.waitFor({ timeout: 20_000 });
      assert.match(await lock.innerText(), /Password locked until \d{2}:\d{2}/);
      await shot(page, `${label}-partner-row-locked`);
      await lock.getByRole('button', { name: /Reset password attempts/ }).click();
      await lock.waitFor({ state: 'detached', timeout: 10_000 }); // the row no longer says locked
      assert.equal((await clientApi.post(`/api/video-sessions/${session.id}/verify-password`, { password: session.password })).verified, true);

      // the edit: 5-minute steps, the client's zone in the modal, then "Saved. Tell … about the change?"
      await page.locator(`li[data-session-id="${session.id}"]`).first().getByRole('button', { name: 'Edit Progress review' }).click();
      const modal = page.getByRole('dialog', { name: 'Edit video session' });
      await modal.waitFor();
      assert.match(await modal.getByTestId('modal-client-zone').innerText(), new RegExp(`${first}’s time zone: America/New_York`));
      await modal.getByLabel('Duration').selectOption('55');
      await modal.getByRole('button', { name: 'Save changes' }).click();
      const saved = page.getByRole('dialog', { name: `Saved. Tell ${first} about the change?` });
      await saved.waitFor();
      await assertNoSeriousA11y(page, `the saved dialog (${label})`);
      // a new length is a time change: the server has queued the session_moved email, and the dialog says so
      assert.equal(await saved.getByTestId('tell-client').innerText(), `${first} has been emailed the new time.`);
      const mails = await partnerApi.get(`/api/video-sessions/${session.id}/messages`);
      assert.ok(
        mails.messages.some((m) => m.kind === 'session_moved'),
        `a session_moved email is queued: ${JSON.stringify(mails.messages.map((m) => m.kind))}`,
      );
      await shot(page, `${label}-partner-saved-tell`, { fullPage: false });
      await saved.getByRole('button', { name: 'Copy the new details' }).click();
      assert.match((await copied(page)).at(-1), /^Your video session has changed\. The new details: Progress review[\s\S]*55 min/);
      await saved.getByRole('button', { name: 'Done' }).click();

      // an edit that keeps the time: the dialog offers to email the new details (the invitation again)
      await page.locator(`li[data-session-id="${session.id}"]`).first().getByRole('button', { name: 'Edit Progress review' }).click();
      await modal.getByLabel('Title').fill('Progress review');
      await modal.getByLabel(/Notes/).fill('Bring the sleep diary');
      await modal.getByRole('button', { name: 'Save changes' }).click();
      await saved.waitFor();
      const before = (await partnerApi.get(`/api/video-sessions/${session.id}/messages`)).messages.length;
      await saved.getByRole('button', { name: `Email ${first} the new details` }).click();
      await saved.getByText(`Queued: ${first} gets the invitation with the new details within a minute.`).waitFor();
      const afterMails = (await partnerApi.get(`/api/video-sessions/${session.id}/messages`)).messages;
      assert.equal(afterMails.length, before + 1, 'one more email queued');
      await assertNoSeriousA11y(page, `the saved dialog with the email offer (${label})`);
      await shot(page, `${label}-partner-saved-email`, { fullPage: false });
      await saved.getByRole('button', { name: 'Done' }).click();

      // Cancel, with a reason the client sees: from the row (desktop), or from inside Edit (phone), the same dialog
      if (label === 'phone') {
        await page.locator(`li[data-session-id="${session.id}"]`).first().getByRole('button', { name: 'Edit Progress review' }).click();
        await modal.getByRole('button', { name: 'Cancel session…' }).click();
      } else {
        await page.locator(`li[data-session-id="${session.id}"]`).first().getByRole('button', { name: 'Cancel Progress review' }).click();
      }
      const cancel = page.getByRole('dialog', { name: 'Cancel this session?' });
      await cancel.getByLabel('Reason (optional)').fill('I am ill today, sorry. I will send you a new time.');
      await assertNoSeriousA11y(page, `the cancel dialog (${label})`);
      await shot(page, `${label}-partner-cancel`, { fullPage: false });
      await cancel.getByRole('button', { name: 'Cancel the session' }).click();
      await cancel.waitFor({ state: 'detached' });

      // now over: it may be deleted, and the dialog says what goes
      await page.getByRole('tab', { name: 'Video Sessions' }).click();
      const pastRow = page.locator(`li[data-session-id="${session.id}"]`).first();
      await pastRow.getByText('Reason: I am ill today').waitFor();
      await pastRow.getByRole('button', { name: 'Delete Progress review' }).click();
      const del = page.getByRole('dialog', { name: 'Delete this session?' });
      assert.match(await del.innerText(), /notes, its guest link and its password/);
      await del.getByRole('button', { name: 'Keep it' }).click();

      // the client sees the cancellation and the reason
      const c = await newPage(browser, { device, timezoneId: 'America/New_York' });
      await login(c.page, pair.client);
      await c.page.getByRole('tab', { name: 'Video Sessions' }).click();
      await c.page.getByText('Reason: I am ill today, sorry. I will send you a new time.').first().waitFor();
      await shot(c.page, `${label}-client-cancelled-reason`);
      await c.context.close();

      // the Clients tab names each client's zone
      await page.getByRole('tab', { name: 'Clients' }).click();
      await page.getByTestId('client-zone').first().waitFor();
      assert.match(await page.getByTestId('client-zone').first().innerText(), /America\/New_York/);
      await shot(page, `${label}-partner-clients-zone`);
      await partnerApi.dispose();
      await clientApi.dispose();
      await context.close();
    });
  }
});
