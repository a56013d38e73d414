// Onboarding, as the people meet it: a partner adds a new client by name and
// email on the Clients tab; the invitation reaches the client through
// vsession-mailer and a real SMTP server; the client opens the link the email
// carries, chooses a password on a phone and lands on their dashboard; the
// link does not work a second time.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { randomBytes } from 'node:crypto';
import { DESKTOP, PHONE, createUser, launch, login, newPage, requireStack, shot } from './lib/harness.mjs';
import { assertNoSeriousA11y } from './lib/flows.mjs';
import { assertNoSideScroll, row } from './lib/account.mjs';
import { assertFrom, linkIn, received, requireOwnMailer, startMail } from './lib/mail.mjs';

const skip = requireStack() || requireOwnMailer();

describe('onboarding a new client', { skip }, () => {
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

  it('the partner adds a client, who sets a password through the link and lands on the dashboard', async () => {
    const partner = createUser('partner', 'Dr. Onboarding Partner', 'Europe/Berlin');
    const email = `e2e-onboard-${randomBytes(4).toString('hex')}@test.example`;
    const name = 'Morgan Newclient';

    const { page, context } = await newPage(browser, { device: DESKTOP });
    await login(page, partner);
    await page.getByRole('tablist', { name: 'Dashboard sections' }).getByRole('tab', { name: 'Clients' }).click();
    await page.getByRole('button', { name: 'Add a client' }).click();
    const form = page.getByRole('form', { name: 'Add a client' });
    await form.getByLabel('Name').fill(name);
    await form.getByLabel('Email address').fill('not-an-email');
    await form.getByRole('button', { name: 'Add and send invitation' }).click();
    await form.getByText('Enter an email address such as sam@example.com.').waitFor();
    await form.getByLabel('Email address').fill(email);
    await form.getByLabel('Time zone (optional)').fill('America/Chicago');
    await assertNoSeriousA11y(page, 'the add-client form');
    await form.getByRole('button', { name: 'Add and send invitation' }).click();
    await page.getByRole('status').filter({ hasText: `${name} was added` }).waitFor();
    await page.getByRole('heading', { name: /^Clients \(1\)$/ }).waitFor();
    await page.getByRole('heading', { level: 3, name }).waitFor();
    await shot(page, 'desktop-partner-add-client');
    await context.close();

    const [hashNull, tz] = row(`SELECT password_hash IS NULL, timezone FROM users WHERE lower(email) = lower('${email}')`);
    assert.equal(hashNull, 't');
    assert.equal(tz, 'America/Chicago');
    const [invite] = await received(mail, email, 1, 'the invitation');
    assert.equal(invite.parsed.subject, `${partner.name} invites you to vsession`);
    assertFrom(invite, partner.name);
    assert.deepEqual(invite.rcpt, [email]);
    assert.equal(invite.parsed.to.value[0].name, name);
    const link = linkIn(invite, 'Set your password');
    assert.match(new URL(link).pathname, /\/welcome$/);

    const phone = await newPage(browser, { device: PHONE });
    await phone.page.goto(link);
    await phone.page.getByRole('heading', { level: 1, name: 'Welcome to vsession' }).waitFor();
    // the token left the address bar as soon as the page read it
    assert.equal(new URL(phone.page.url()).hash, '');
    await assertNoSeriousA11y(phone.page, 'the welcome page at 390 px');
    await assertNoSideScroll(phone.page, 'the welcome page at 390 px');
    await shot(phone.page, 'phone-welcome');
    await phone.page.getByLabel('New password', { exact: true }).fill('morgan-sets-this-1');
    await phone.page.getByLabel('New password again').fill('morgan-sets-this-2');
    await phone.page.getByRole('button', { name: 'Set password and continue' }).click();
    await phone.page.getByText('The two passwords are not the same.').waitFor();
    await phone.page.getByLabel('New password again').fill('morgan-sets-this-1');
    await phone.page.getByRole('button', { name: 'Set password and continue' }).click();
    await phone.page.getByRole('heading', { level: 1, name: `Hello, ${name}` }).waitFor();
    assert.match(new URL(phone.page.url()).pathname, /\/dashboard$/);
    await shot(phone.page, 'phone-client-after-onboarding');
    await phone.context.close();

    // the same link a second time: one clear message and a way on
    const again = await newPage(browser, { device: PHONE });
    await again.page.goto(link);
    await again.page.getByLabel('New password', { exact: true }).fill('another-password-3');
    await again.page.getByLabel('New password again').fill('another-password-3');
    await again.page.getByRole('button', { name: 'Set password and continue' }).click();
    await again.page.getByRole('alert').filter({ hasText: 'This link does not work any more' }).waitFor();
    await again.page.getByRole('link', { name: 'Get a new link' }).waitFor();
    await again.context.close();

    // and the password chosen on the phone is the one that logs in
    const desk = await newPage(browser, { device: DESKTOP });
    await login(desk.page, { email, password: 'morgan-sets-this-1', name });
    await desk.context.close();
  });
});
