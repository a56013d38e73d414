// The client cancels their own upcoming session. Before confirming they are told the
// therapist's notice period and, when the session starts within it, that cancelling now
// counts as a late cancellation (the server decides again at the moment it cancels).
import { useState } from 'react';
import { ConfirmDialog } from '../../../components/Modal.jsx';
import { Field } from '../../../components/Field.jsx';
import { formatDateTime } from '../../../utils/time.js';
import { useClientCancel } from '../api/attendance.js';

export const REASON_MAX = 500;

export function noticeText(hours) {
  if (hours === 0) return 'Your therapist asks for no notice: you can cancel until the session starts.';
  return `Your therapist asks for ${hours} ${hours === 1 ? 'hour’s' : 'hours’'} notice.`;
}

export function ClientCancelDialog({ session, tz, onClose }) {
  const cancel = useClientCancel();
  const [reason, setReason] = useState('');
  const policy = session.cancellation;
  const therapist = session.partner?.name || 'your therapist';
  async function confirm() {
    try {
      await cancel.mutateAsync({ id: session.id, reason: reason.trim() });
    } catch {
      return; // the dialog stays open with the mutation's error
    }
    onClose();
  }
  return (
    <ConfirmDialog
      title="Cancel this session?"
      confirmLabel={policy?.late ? 'Cancel anyway' : 'Cancel the session'}
      cancelLabel="Keep the session"
      danger
      busy={cancel.isPending}
      error={cancel.error?.message}
      onConfirm={confirm}
      onCancel={onClose}
    >
      <p>
        <strong>{session.title}</strong> with {therapist} on {formatDateTime(session.session_date, tz)} will be cancelled, and {therapist}{' '}
        is told.
      </p>
      {policy && <p>{noticeText(policy.notice_hours)}</p>}
      {policy?.late && (
        <p className="alert alert--warn" data-testid="late-cancel-warning">
          This session starts in less than {policy.notice_hours} {policy.notice_hours === 1 ? 'hour' : 'hours'}: cancelling now counts as a
          late cancellation.
        </p>
      )}
      <Field id="client-cancel-reason" label="Reason (optional)" hint={`${therapist} reads this.`}>
        {(p) => <textarea {...p} rows={3} maxLength={REASON_MAX} value={reason} onChange={(e) => setReason(e.target.value)} />}
      </Field>
    </ConfirmDialog>
  );
}
