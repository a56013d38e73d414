// The "Emails" section of a session's edit dialog: what was emailed about the session and when,
// what is waiting (reminders, retries) and what failed and why ("mailbox unavailable (550)"),
// with a button that sends the invitation again. Self-contained: its own requests, made only
// once the section is opened.
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.js';
import { formatDateTime } from '../../../utils/time.js';

export const sessionMessagesKey = (id) => ['video-sessions', 'messages', id];

export function listSessionMessages(id) {
  return api.get(`/video-sessions/${id}/messages`);
}

export function resendInvitation(id) {
  return api.post(`/video-sessions/${id}/messages/resend-invitation`, {});
}

const KIND_LABEL = {
  session_scheduled: 'Invitation',
  session_moved: 'New time',
  session_cancelled: 'Cancellation',
  reminder_24h: 'Reminder (24 hours)',
  reminder_1h: 'Reminder (1 hour)',
  guest_invite: 'Guest invite',
};

/** One line for people: what happened to this message. */
export function describeMessage(m, timezone) {
  const what = KIND_LABEL[m.kind] || m.kind;
  switch (m.status) {
    case 'sent':
      return `${what} sent ${formatDateTime(m.sent_at, timezone)}`;
    case 'failed':
      return `${what} failed: ${m.last_error || 'not delivered'}`;
    case 'cancelled':
      return `${what} not sent: ${m.last_error || 'no longer needed'}`;
    default:
      return m.attempts > 0
        ? `${what} not delivered yet (${m.last_error || 'retrying'}); next try ${formatDateTime(m.not_before, timezone)}`
        : `${what} due ${formatDateTime(m.not_before, timezone)}`;
  }
}

export function SessionEmails({ session, timezone, list = listSessionMessages, resend = resendInvitation }) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const messages = useQuery({
    queryKey: sessionMessagesKey(session.id),
    queryFn: () => list(session.id),
    staleTime: 0,
    enabled: open,
  });
  const again = useMutation({
    mutationFn: () => resend(session.id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sessionMessagesKey(session.id) }),
  });
  const canResend = session.status !== 'cancelled' && session.status !== 'completed';
  const items = Array.isArray(messages.data?.messages) ? messages.data.messages : null;

  return (
    <details className="session-emails" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary className="session-emails__title">Emails to {session.user?.name || 'the client'}</summary>
      {messages.isPending && <p className="muted">Loading…</p>}
      {messages.isError && <p className="field__error">The emails could not be loaded.</p>}
      {items && items.length === 0 && <p className="muted">No email about this session yet.</p>}
      {items && items.length > 0 && (
        <ul className="session-emails__list">
          {items.map((m) => (
            <li key={m.id} className={m.status === 'failed' ? 'field__error' : undefined} data-status={m.status}>
              {describeMessage(m, timezone)}
            </li>
          ))}
        </ul>
      )}
      {canResend && (
        <button type="button" className="btn btn--small" onClick={() => again.mutate()} disabled={again.isPending}>
          {again.isPending ? 'Sending…' : 'Send the invitation again'}
        </button>
      )}
      <span role="status" aria-live="polite" className={again.isError ? 'field__error' : 'muted'}>
        {again.isSuccess ? ' Queued: it goes out within a minute.' : again.isError ? ` ${again.error.message}` : ''}
      </span>
    </details>
  );
}
