// The same story at a 390×844 phone viewport (touch, mobile).
import { after, before, describe, it } from 'node:test';
import { PHONE, createPair, launch, requireStack } from './lib/harness.mjs';
import { partnerAndClientFlow } from './lib/flows.mjs';

const skip = requireStack();

describe('phone 390×844: partner schedules, client joins', { skip }, () => {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  it('works end to end on a phone', { timeout: 120_000 }, async () => {
    const { partner, client } = createPair('Phone');
    await partnerAndClientFlow(browser, { partner, client, name: 'phone', device: PHONE });
  });
});
