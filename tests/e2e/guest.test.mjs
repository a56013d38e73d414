// A guest without an account joins through an invite link that the partner
// made (POST /api/video-sessions/:id/invite with the partner's Bearer token).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BASE_URL, PHONE, apiAs, createPair, isoZ, jitsiRecords, launch, newPage, requireStack, shot, soonStart } from './lib/harness.mjs';
import { assertNoSeriousA11y } from './lib/flows.mjs';

const skip = requireStack();

describe('guest invite link', { skip }, () => {
  let browser;
  let partnerApi;
  let session;
  let inviteUrl;
  before(async () => {
    browser = await launch();
    const { partner, client } = createPair('Guest');
    partnerApi = await apiAs(partner);
    session = await partnerApi.post('/api/video-sessions', {
      user_id: client.id,
      title: 'Guest check-in',
      session_date: isoZ(soonStart(5)),
      duration_minutes: 30,
    });
    const invite = await partnerApi.post(`/api/video-sessions/${session.id}/invite`);
    // The link names the public origin; the test reaches the same stack at BASE_URL.
    const u = new URL(invite.invite_url);
    assert.match(u.pathname, new RegExp(`^/join/${session.id}$`));
    assert.ok(u.searchParams.get('invite'), 'the invite URL carries its token');
    inviteUrl = `${BASE_URL}${u.pathname}${u.search}`;
  });
  after(async () => {
    await partnerApi?.dispose();
    await browser?.close();
  });

  it('joins on a phone with a name and the session password; the stand-in gets the room and the name', { timeout: 90_000 }, async () => {
    const partnerJoin = await partnerApi.post(`/api/video-sessions/${session.id}/join`);
    const { page, context } = await newPage(browser, { device: PHONE, timezoneId: 'Europe/Paris' });
    await page.goto(inviteUrl);
    await page.getByRole('heading', { name: 'Join your video session' }).waitFor();
    await page.getByText('Times are shown in your time zone, Europe/Paris').waitFor(); // guests see the browser's zone
    await assertNoSeriousA11y(page, 'the guest join page');

    await page.getByLabel('Your name').fill('Gina Guest');
    const wrong = session.password === '000000' ? '111111' : '000000';
    await page.getByLabel('Session password').fill(wrong);
    const first = page.waitForResponse((r) => r.url().endsWith(`/api/join/${session.id}`));
    await page.getByRole('button', { name: 'Continue' }).click();
    assert.equal((await first).status(), 403);
    await page.getByText(/That password is not correct/).waitFor();
    await shot(page, 'phone-guest-join');

    await page.getByLabel('Session password').fill(session.password);
    const second = page.waitForResponse((r) => r.url().endsWith(`/api/join/${session.id}`));
    await page.getByRole('button', { name: 'Continue' }).click();
    const join = await (await second).json();
    assert.equal(join.room, partnerJoin.room, 'the guest gets the session’s room');
    assert.equal(join.moderator, false);

    await page.getByTestId('device-ok').waitFor();
    if (join.password && !join.jwt) await page.evaluate((l) => (window.__jitsiStubOptions = { lockedWith: l }), join.password);
    await page.getByRole('button', { name: 'Join now' }).click();
    await page.waitForFunction(() => window.__jitsiStub?.last?.joined, null, { timeout: 5000 });
    const rec = (await jitsiRecords(page)).last;
    assert.equal(rec.domain, join.domain);
    assert.equal(rec.roomName, partnerJoin.room);
    assert.equal(rec.displayName, join.display_name);
    assert.match(rec.displayName, /Gina Guest/);
    assert.equal(rec.jwt, join.jwt ?? null);
    await shot(page, 'phone-guest-meeting', { fullPage: false });

    await page.getByRole('button', { name: 'Leave' }).click();
    await page.getByRole('heading', { name: 'You left the session' }).waitFor();
    await context.close();
  });

  it('says so when the invite token is wrong', async () => {
    const { page, context } = await newPage(browser);
    await page.goto(`/join/${session.id}?invite=not-a-real-token`);
    // said at once, from the preview, before anyone types a name (issue 18)
    await page.getByRole('heading', { name: 'This invite link is not valid any more' }).waitFor();
    assert.equal(await page.getByLabel('Your name').count(), 0);
    await context.close();
  });
});
