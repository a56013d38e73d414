// "Forgot password?" end to end: from the login page, the request, the email
// (delivered by vsession-mailer to a real SMTP server), the link it carries, a
// new password, the dashboard; the old password and the other logins of the
// account have ended. An unknown email gets the same page and no message.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DESKTOP, PHONE, apiAs, createUser, launch, login, newPage, requireStack, shot } from './lib/harness.mjs';
import { assertNoSeriousA11y } from './lib/flows.mjs';
import { assertNoSideScroll } from './lib/account.mjs';
import { assertFrom, linkIn, received, requireOwnMailer, startMail } from './lib/mail.mjs';
import { to } from '../mail/lib.mjs';

const skip = requireStack() || requireOwnMailer();

describe('forgot password', { skip }, () => {
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

  for (const [label, device] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ]) {
    it(`a person resets their password from the login page (${label})`, async () => {
      const user = createUser('client', `Riley Forgetful ${label}`, 'Europe/London');
      const other = await apiAs(user); // another login of the same account, which must end
      const { page, context } = await newPage(browser, { device });
      await page.goto('/login');
      await page.getByRole('link', { name: 'Forgot password?' }).click();
      await page.getByRole('heading', { level: 1, name: 'Forgot your password?' }).waitFor();
      await assertNoSeriousA11y(page, `the forgot-password page (${label})`);
      if (label === 'phone') await assertNoSideScroll(page, 'the forgot-password page at 390 px');
      await page.getByLabel('Email address').fill(user.email);
      await page.getByRole('button', { name: 'Email me a link' }).click();
      await page.getByRole('status').filter({ hasText: 'If an account uses this email' }).waitFor();
      await shot(page, `${label}-forgot-password-sent`);

      const [msg] = await received(mail, user.email, 1, 'the reset email');
      assert.equal(msg.parsed.subject, 'Reset your vsession password');
      assertFrom(msg, 'vsession');
      assert.equal(msg.parsed.to.value[0].name, user.name);
      const link = linkIn(msg, 'Choose a new password');
      assert.match(new URL(link).pathname, /\/reset-password$/);
      await page.goto(link);
      await page.getByRole('heading', { level: 1, name: 'Choose a new password' }).waitFor();
      await assertNoSeriousA11y(page, `the reset page (${label})`);
      await page.getByLabel('New password', { exact: true }).fill('riley-remembers-now');
      await page.getByLabel('New password again').fill('riley-remembers-now');
      await page.getByRole('button', { name: 'Set new password' }).click();
      await page.getByRole('heading', { level: 1, name: `Hello, ${user.name}` }).waitFor();

      // the other login has ended; the old password no longer works, the new one does
      await assert.rejects(other.get('/api/auth/me'), (e) => e.status === 401);
      await other.dispose();
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.getByLabel('Email address').fill(user.email);
      await page.getByLabel('Password').fill(user.password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('alert').filter({ hasText: 'do not match an account' }).waitFor();
      await login(page, { ...user, password: 'riley-remembers-now' });
      await context.close();
    });
  }

  it('an unknown email gets the very same answer on the page', async () => {
    const { page, context } = await newPage(browser, { device: DESKTOP });
    await page.goto('/forgot-password');
    await page.getByLabel('Email address').fill('nobody-at-all@test.example');
    await page.getByRole('button', { name: 'Email me a link' }).click();
    await page.getByRole('status').filter({ hasText: 'If an account uses this email' }).waitFor();
    await context.close();
    // A known account's request made after this one is delivered; by then nothing went to the unknown one.
    const known = createUser('client', 'Robin Known', 'Europe/London');
    const res = await fetch(new URL('/api/auth/password-reset', process.env.VSESSION_BASE_URL), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: known.email }),
    });
    assert.ok(res.ok, `the request for the known account: ${res.status} ${await res.text()}`);
    await received(mail, known.email, 1, 'the reset email');
    assert.equal(to(mail.smtp, 'nobody-at-all@test.example').length, 0);
  });
});
