import { describe, expect, it, vi } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { SessionEmails, describeMessage } from './SessionEmails.jsx';
import { renderWithQuery } from '../../../testing/helpers.jsx';

const session = { id: 42, status: 'scheduled', user: { id: 9, name: 'Sam Client' } };
const sent = {
  id: 1,
  kind: 'session_scheduled',
  status: 'sent',
  attempts: 1,
  sent_at: '2026-12-01T15:00:00Z',
  not_before: '2026-12-01T15:00:00Z',
  last_error: null,
};
const failed = { ...sent, id: 2, kind: 'reminder_24h', status: 'failed', sent_at: null, last_error: 'mailbox unavailable (550)' };

describe('SessionEmails', () => {
  it('loads nothing until opened, then shows what was sent and what failed, and why', async () => {
    const user = userEvent.setup();
    const list = vi.fn().mockResolvedValue({ messages: [failed, sent] });
    renderWithQuery(<SessionEmails session={session} timezone="Europe/Berlin" list={list} resend={vi.fn()} />);
    expect(list).not.toHaveBeenCalled();
    await user.click(screen.getByText('Emails to Sam Client'));
    expect(await screen.findByText('Reminder (24 hours) failed: mailbox unavailable (550)')).toBeInTheDocument();
    expect(screen.getByText(/^Invitation sent /)).toBeInTheDocument();
    expect(list).toHaveBeenCalledWith(42);
  });

  it('sends the invitation again and reads the list again', async () => {
    const user = userEvent.setup();
    const list = vi.fn().mockResolvedValue({ messages: [] });
    const resend = vi.fn().mockResolvedValue({ ...sent, status: 'pending' });
    renderWithQuery(<SessionEmails session={session} timezone="Europe/Berlin" list={list} resend={resend} />);
    await user.click(screen.getByText('Emails to Sam Client'));
    expect(await screen.findByText('No email about this session yet.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Send the invitation again' }));
    await waitFor(() => expect(resend).toHaveBeenCalledWith(42));
    expect(await screen.findByText(/Queued/)).toBeInTheDocument();
    await waitFor(() => expect(list).toHaveBeenCalledTimes(2));
  });

  it('offers no resend for a cancelled session, and says when a retry is due', () => {
    renderWithQuery(<SessionEmails session={{ ...session, status: 'cancelled' }} timezone="UTC" list={vi.fn()} resend={vi.fn()} />);
    expect(screen.queryByRole('button', { name: 'Send the invitation again' })).toBeNull();
    const retry = { ...sent, status: 'pending', attempts: 2, last_error: 'mail server unreachable' };
    expect(describeMessage(retry, 'UTC')).toMatch(/^Invitation not delivered yet \(mail server unreachable\); next try /);
  });
});
