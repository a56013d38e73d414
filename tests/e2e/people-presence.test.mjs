// Issue 18, friction 8: presence through the real API, two browsers. The client opens the join
// page; the partner's dashboard says "<name> is waiting" by its next 15 s poll. The partner opens
// the session; the client's page says "<partner> is here" by its next 15 s beat. The pages' clocks
// are moved over the interval instead of waiting for it. Desktop and phone.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DESKTOP, PHONE, apiAs, createPair, isoZ, launch, login, newPage, requireStack, shot, soonStart } from './lib/harness.mjs';
import { assertNoSeriousA11y } from './lib/flows.mjs';

const skip = requireStack();

describe('presence and the waiting room', { skip }, () => {
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
    it(`${label}: partner and client see each other by the next 15 s beat`, { timeout: 120_000 }, async () => {
      const pair = createPair(`Presence ${label}`);
      const partnerApi = await apiAs(pair.partner);
      const session = await partnerApi.post('/api/video-sessions', {
        user_id: pair.client.id,
        title: 'Weekly session',
        session_date: isoZ(soonStart(4)),
        duration_minutes: 50,
        password_enabled: false,
      });
      await partnerApi.dispose();
      const partner = await newPage(browser, { device });
      const client = await newPage(browser, { device, timezoneId: 'America/New_York' });
      // Both pages run on Playwright's clock: real time, which the test moves over one 15 s beat
      // or poll instead of waiting for it. The server's times are real.
      await partner.context.clock.install();
      await client.context.clock.install();
      await login(partner.page, pair.partner);
      await login(client.page, pair.client);

      await client.page.goto(`/join/${session.id}`);
      await client.page.getByRole('heading', { name: 'Camera and microphone' }).waitFor();
      const clientSees = client.page.getByTestId('presence');
      await clientSees.waitFor();
      assert.match(await clientSees.innerText(), new RegExp(`${pair.partner.name} will let you in shortly`));
      await assertNoSeriousA11y(client.page, `the client's waiting page (${label})`);
      await shot(client.page, `${label}-client-waiting`);

      // the partner's dashboard asks every 15 s: at the latest on its next poll it shows the client
      const t0 = Date.now();
      const first = pair.client.name.split(' ')[0];
      const banner = partner.page.getByTestId('waiting-banner');
      const waiting = banner.getByText(new RegExp(`${first} is waiting · \\d+ min`));
      if (!(await waiting.count())) await partner.page.clock.runFor(15_000);
      await waiting.waitFor({ timeout: 5_000 });
      const row = partner.page.locator(`li[data-session-id="${session.id}"]`).getByTestId('row-presence');
      await row.first().waitFor({ timeout: 5_000 });
      assert.match(await row.first().innerText(), new RegExp(`${first} is waiting`));
      const seenIn = Date.now() - t0;
      await assertNoSeriousA11y(partner.page, `the partner's dashboard with someone waiting (${label})`);
      await shot(partner.page, `${label}-partner-waiting`);

      // the partner opens the session: the client is told within 20 s
      const t1 = Date.now();
      await banner.getByRole('link', { name: /Join now/ }).click();
      await partner.page.getByRole('heading', { name: 'Camera and microphone' }).waitFor();
      await partner.page.getByTestId('presence').getByText(new RegExp(`${first} is waiting`)).waitFor({ timeout: 5_000 });
      // the client's page learns who else is there with its next beat, at the latest 15 s on
      const here = client.page.getByTestId('presence').getByText(`${pair.partner.name} is here.`);
      if (!(await here.count())) await client.page.clock.runFor(15_000);
      await here.waitFor({ timeout: 5_000 });
      const heardIn = Date.now() - t1;
      await shot(client.page, `${label}-client-partner-here`);
      console.log(`# presence (${label}): partner saw the client after ${seenIn} ms, the client saw the partner after ${heardIn} ms`);
      await partner.context.close();
      await client.context.close();
    });
  }
});
