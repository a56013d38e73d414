// After an edit: tell the client by email. What the server's mail triggers sent
// with the change (emailed: 'time' a session_moved email, 'session' the whole
// session to a newly chosen client, 'password' the details with the password
// the partner chose to email) is said, not offered again; any other change can
// be sent as the invitation again.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { resendInvitation, sessionMessagesKey } from './SessionEmails.jsx';

const EMAILED = {
  time: (first) => `${first} has been emailed the new time.`,
  session: (first) => `${first} has been emailed the session.`,
  password: (first) => `${first} has been emailed the details with the new password.`,
};

export function TellClient({ session, first, emailed, resend = resendInvitation }) {
  const queryClient = useQueryClient();
  const send = useMutation({
    mutationFn: () => resend(session.id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sessionMessagesKey(session.id) }),
  });
  if (session.status === 'cancelled' || session.status === 'completed') return null;
  if (emailed && EMAILED[emailed]) {
    return (
      <p className="success-line" data-testid="tell-client">
        {EMAILED[emailed](first)}
      </p>
    );
  }
  return (
    <div className="created-actions" data-testid="tell-client">
      <button type="button" className="btn btn--secondary" onClick={() => send.mutate()} disabled={send.isPending || send.isSuccess}>
        {send.isPending ? 'Sending…' : `Email ${first} the new details`}
      </button>
      <p role="status" aria-live="polite" className={send.isError ? 'field__error' : 'field__hint'}>
        {send.isSuccess
          ? `Queued: ${first} gets the invitation with the new details within a minute.`
          : send.isError
            ? send.error.message
            : `Sends ${first} the invitation again, with the session as it is now.`}
      </p>
    </div>
  );
}
