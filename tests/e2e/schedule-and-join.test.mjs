// Desktop: the partner schedules and the client joins (see lib/flows.mjs).
import { after, before, describe, it } from 'node:test';
import { createPair, launch, requireStack } from './lib/harness.mjs';
import { partnerAndClientFlow } from './lib/flows.mjs';

const skip = requireStack();

describe('desktop: partner schedules, client joins', { skip }, () => {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  it('schedules through the modal, copies the details, shows it in the list and on the calendar, and both join the same room', { timeout: 120_000 }, async () => {
    const { partner, client } = createPair('Desk');
    await partnerAndClientFlow(browser, { partner, client, name: 'desktop' });
  });
});
