// Asks before a session is deleted; the delete runs only on the explicit button.
import { ConfirmDialog } from '../../../components/Modal.jsx';
import { formatDateTime } from '../../../utils/time.js';
import { useDeleteSession } from '../api/video-sessions.js';

export function DeleteSessionDialog({ session, tz, onClose, onDeleted }) {
  const remove = useDeleteSession();
  async function confirm() {
    try {
      await remove.mutateAsync(session.id);
    } catch {
      return; // the dialog stays open with the mutation's error
    }
    onDeleted?.();
    onClose();
  }
  return (
    <ConfirmDialog
      title="Delete this session?"
      confirmLabel="Delete session"
      danger
      busy={remove.isPending}
      error={remove.error?.message}
      onConfirm={confirm}
      onCancel={onClose}
      cancelLabel="Keep it"
    >
      <p>
        <strong>{session.title}</strong> with {session.user?.name} on {formatDateTime(session.session_date, tz)} will be removed from your
        list, your calendar and {session.user?.name ? `${session.user.name.split(' ')[0]}’s` : 'the client’s'} dashboard, with its notes,
        its guest link and its password. The audit log keeps that it happened. This cannot be undone.
      </p>
    </ConfirmDialog>
  );
}
