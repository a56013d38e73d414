// After an edit: tell the client by email. A new start or length has already
// been emailed by the server (the session_moved email, queued with the change),
// so the dialog says so; any other change can be sent as the invitation again.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { resendInvitation, sessionMessagesKey } from './SessionEmails.jsx';

export function TellClient({ session, first, moved, resend = resendInvitation }) {
  const queryClient = useQueryClient();
  const send = useMutation({
    mutationFn: () => resend(session.id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sessionMessagesKey(session.id) }),
  });
  if (session.status === 'cancelled' || session.status === 'completed') return null;
  if (moved) {
    return (
      <p className="success-line" data-testid="tell-client">
        {first} has been emailed the new time.
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
