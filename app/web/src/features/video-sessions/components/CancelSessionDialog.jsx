// Cancelling an upcoming session: it stays in both lists as cancelled (with
// the reason the client sees), its link stops working, and the time is free
// again. Deleting is only for past or cancelled sessions.
import { useState } from 'react';
import { ConfirmDialog } from '../../../components/Modal.jsx';
import { Field } from '../../../components/Field.jsx';
import { formatDateTime } from '../../../utils/time.js';
import { useCancelSession } from '../api/video-sessions.js';
import { seriesLabel } from '../utils/series.js';
import { ScopeField } from './SeriesFields.jsx';

export const REASON_MAX = 500;

export function CancelSessionDialog({ session, tz, onClose, onCancelled }) {
  const cancel = useCancelSession();
  const [reason, setReason] = useState('');
  const [scope, setScope] = useState('one');
  const first = session.user?.name?.split(' ')[0] || 'Your client';
  async function confirm() {
    try {
      await cancel.mutateAsync({ id: session.id, reason: reason.trim(), scope: session.series ? scope : undefined });
    } catch {
      return; // the dialog stays open with the mutation's error
    }
    onCancelled?.();
    onClose();
  }
  return (
    <ConfirmDialog
      title="Cancel this session?"
      confirmLabel="Cancel the session"
      cancelLabel="Keep the session"
      danger
      busy={cancel.isPending}
      error={cancel.error?.message}
      onConfirm={confirm}
      onCancel={onClose}
    >
      <p>
        <strong>{session.title}</strong> on {formatDateTime(session.session_date, tz)} will show as cancelled to {first}; its link and
        password stop working and the time is free again.
      </p>
      {session.series && <ScopeField label={seriesLabel(session)} value={scope} onChange={setScope} />}
      <Field id="cancel-reason" label="Reason (optional)" hint={`${first} sees this on their dashboard.`}>
        {(p) => <textarea {...p} rows={3} maxLength={REASON_MAX} value={reason} onChange={(e) => setReason(e.target.value)} />}
      </Field>
    </ConfirmDialog>
  );
}
