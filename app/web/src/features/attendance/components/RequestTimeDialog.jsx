// The client asks for another time: a short message the therapist sees on their dashboard.
// Nothing about the session changes until the therapist moves it.
import { useState } from 'react';
import { Modal } from '../../../components/Modal.jsx';
import { Field } from '../../../components/Field.jsx';
import { formatDateTime } from '../../../utils/time.js';
import { useRequestAnotherTime } from '../api/attendance.js';

export function RequestTimeDialog({ session, tz, onClose }) {
  const request = useRequestAnotherTime();
  const [message, setMessage] = useState('');
  const [error, setError] = useState(null);
  const therapist = session.partner?.name || 'your therapist';
  async function send(e) {
    e.preventDefault();
    if (!message.trim()) {
      setError('Write a few words about the time that suits you.');
      return;
    }
    try {
      await request.mutateAsync({ id: session.id, message: message.trim() });
    } catch {
      return;
    }
  }
  if (request.isSuccess) {
    return (
      <Modal
        title="Request sent"
        onClose={onClose}
        size="small"
        footer={
          <button type="button" className="btn btn--primary" onClick={onClose}>
            Done
          </button>
        }
      >
        <p role="status">{therapist} sees your request on their dashboard. The session stays as it is until they move it.</p>
      </Modal>
    );
  }
  return (
    <Modal title="Ask for another time" onClose={onClose} size="small">
      <form onSubmit={send} noValidate>
        <p>
          <strong>{session.title}</strong> on {formatDateTime(session.session_date, tz)}.
        </p>
        <Field id="request-message" label="Which time would suit you?" error={error} hint={`${therapist} reads this.`}>
          {(p) => (
            <textarea
              {...p}
              rows={3}
              maxLength={500}
              value={message}
              onChange={(e) => {
                setMessage(e.target.value);
                setError(null);
              }}
            />
          )}
        </Field>
        {request.error && (
          <p className="alert alert--error" role="alert">
            {request.error.message}
          </p>
        )}
        <div className="modal__footer">
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
          <button type="submit" className="btn btn--primary" disabled={request.isPending}>
            {request.isPending ? 'Sending…' : 'Send the request'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
