// The record after: a past or cancelled session opens read-only for its partner, with who
// joined when, the reason it was cancelled, its notes and its outcome. Notes and the outcome
// stay editable for 7 days after the end (the server's rule); the outcome is pre-filled from
// the attendance record ("Sam never joined"). A cancelled session that has not started and
// whose slot is free can be restored from here.
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Modal } from '../../../components/Modal.jsx';
import { Field } from '../../../components/Field.jsx';
import { ErrorMessage, Loading } from '../../../components/Feedback.jsx';
import { formatDateTime, formatTime, formatTimeRange, formatDate } from '../../../utils/time.js';
import { describeConflict } from '../../../utils/conflict.js';
import { sessionQuery } from '../../video-sessions/api/video-sessions.js';
import { useRestoreSession, useSaveRecord } from '../api/attendance.js';

export const RECORD_EDIT_DAYS = 7;
const DAY = 24 * 3600 * 1000;

export const OUTCOMES = [
  { value: 'attended', label: 'Attended' },
  { value: 'no_show', label: 'No-show' },
  { value: 'late_cancel', label: 'Late cancellation' },
];

/** The outcome the record suggests when none is marked yet. */
export function suggestedOutcome(session) {
  if (session.outcome) return session.outcome;
  if (session.status === 'cancelled') return '';
  return (session.attendance || []).some((a) => a.role === 'client') ? 'attended' : 'no_show';
}

/** "Sam joined at 10:02" / "Sam never joined", for each of the session's people. */
export function attendanceLines(session, tz) {
  const first = (n) => (n || '').split(' ')[0] || n;
  const of = (role) => (session.attendance || []).find((a) => a.role === role);
  const line = (who, a, verb = 'joined') => (a ? `${who} ${verb} at ${formatTime(a.first_joined_at, tz)}` : `${who} never joined`);
  const lines = [line(first(session.user?.name) || 'The client', of('client')), line('You', of('partner'), 'joined')];
  for (const g of (session.attendance || []).filter((a) => a.role === 'guest'))
    lines.push(`${g.name} (guest) joined at ${formatTime(g.first_joined_at, tz)}`);
  return lines;
}

function RecordForm({ session, tz, now, onClose }) {
  const save = useSaveRecord();
  const restore = useRestoreSession();
  const ended = now >= Date.parse(session.end_date);
  const editable = now < Date.parse(session.end_date) + RECORD_EDIT_DAYS * DAY;
  const [notes, setNotes] = useState(session.notes || '');
  const [outcome, setOutcome] = useState(suggestedOutcome(session));
  const [saved, setSaved] = useState(false);
  const canRestore = session.status === 'cancelled' && now < Date.parse(session.session_date);
  const cancelledBy = session.cancelled_by === 'client' ? session.user?.name || 'The client' : 'You';

  async function submit(e) {
    e.preventDefault();
    const body = { notes };
    if (ended && outcome) body.outcome = outcome;
    try {
      await save.mutateAsync({ id: session.id, body });
      setSaved(true);
    } catch {
      /* shown below */
    }
  }
  async function doRestore() {
    try {
      await restore.mutateAsync(session.id);
      onClose();
    } catch {
      /* shown below */
    }
  }
  return (
    <form onSubmit={submit} noValidate>
      <dl className="record">
        <dt>When</dt>
        <dd>
          {formatDate(session.session_date, tz)}, {formatTimeRange(session.session_date, session.end_date, tz)}
        </dd>
        <dt>Client</dt>
        <dd>{session.user?.name}</dd>
        {session.status === 'cancelled' && (
          <>
            <dt>Cancelled</dt>
            <dd data-testid="record-cancelled">
              {cancelledBy} cancelled{session.outcome === 'late_cancel' ? ', inside your notice period' : ''}
              {session.cancel_reason ? `: “${session.cancel_reason}”` : '.'}
            </dd>
          </>
        )}
        {ended && session.status !== 'cancelled' && (
          <>
            <dt>Attendance</dt>
            <dd>
              <ul className="record__attendance" data-testid="record-attendance">
                {attendanceLines(session, tz).map((l) => (
                  <li key={l}>{l}</li>
                ))}
              </ul>
            </dd>
          </>
        )}
      </dl>
      {ended && (
        <Field id="record-outcome" label="Outcome" hint={session.outcome ? undefined : 'Suggested from who joined; saved when you save.'}>
          {(p) => (
            <select {...p} value={outcome} disabled={!editable} onChange={(e) => setOutcome(e.target.value)}>
              <option value="">Not marked</option>
              {OUTCOMES.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <Field
        id="record-notes"
        label="Notes (only you see these)"
        hint={
          editable
            ? `Editable until ${formatDateTime(Date.parse(session.end_date) + RECORD_EDIT_DAYS * DAY, tz)}.`
            : 'The record closed 7 days after the session ended.'
        }
      >
        {(p) => (
          <textarea {...p} rows={6} maxLength={10000} value={notes} readOnly={!editable} onChange={(e) => setNotes(e.target.value)} />
        )}
      </Field>
      {(save.error || restore.error) && (
        <p className="alert alert--error" role="alert">
          {restore.error
            ? restore.error.code === 'conflict'
              ? describeConflict(restore.error.details?.conflicting, tz)
              : restore.error.message
            : save.error.message}
        </p>
      )}
      {saved && !save.isPending && (
        <p className="alert alert--info" role="status">
          Saved.
        </p>
      )}
      <div className="modal__footer">
        {canRestore && (
          <button type="button" className="btn" onClick={doRestore} disabled={restore.isPending}>
            {restore.isPending ? 'Restoring…' : 'Restore the session'}
          </button>
        )}
        <button type="button" className="btn" onClick={onClose}>
          Close
        </button>
        {editable && (
          <button type="submit" className="btn btn--primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : 'Save'}
          </button>
        )}
      </div>
    </form>
  );
}

export function SessionRecordDialog({ sessionId, title, tz, now, onClose }) {
  const q = useQuery(sessionQuery(sessionId));
  return (
    <Modal title={title} onClose={onClose} size="medium">
      <ErrorMessage error={q.error} onRetry={q.refetch} />
      {q.isPending ? (
        <Loading label="Loading the session…" />
      ) : (
        q.data && <RecordForm session={q.data} tz={tz} now={now} onClose={onClose} />
      )}
    </Modal>
  );
}
