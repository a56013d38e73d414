import { describe, expect, it } from 'vitest';
import { changeText, invitationText } from './invitation.js';

const session = {
  title: 'Progress review',
  session_date: '2026-12-04T12:37:00Z',
  duration_minutes: 50,
  partner: { name: 'Dr Ada Rivers' },
  meeting_url: 'https://vs.example/join/42',
  password_enabled: true,
};

describe('the invitation a partner copies', () => {
  it('gives the time in the client’s zone, and the partner’s too when they differ', () => {
    const text = invitationText(session, { clientZone: 'America/New_York', partnerZone: 'Europe/Berlin' });
    expect(text).toContain('07:37 (America/New_York)');
    expect(text).toContain('That is Fri 4 Dec 2026, 13:37 (Europe/Berlin) for your therapist.');
    expect(text).toContain('https://vs.example/join/42');
    expect(text).toMatch(/asked for the 6-digit session password/);
    expect(text).not.toMatch(/T12:37/);
  });
  it('says when no password is needed, and carries one only when given', () => {
    expect(invitationText({ ...session, password_enabled: false }, { clientZone: 'Europe/Berlin' })).toContain('No password is needed.');
    expect(invitationText(session, { clientZone: 'Europe/Berlin', partnerZone: 'Europe/Berlin', password: '345427' })).toContain(
      'Password: 345427',
    );
  });
  it('says what changed after an edit', () => {
    expect(changeText(session, { clientZone: 'Asia/Tokyo' })).toMatch(/^Your video session has changed\. The new details: Progress review/);
  });
});
