// After an empty calendar slot is selected: a video session or an appointment there?
import { Modal } from '../../../components/Modal.jsx';
import { formatDate, formatTimeRange } from '../../../utils/time.js';

export function SlotDialog({ slot, tz, onVideoSession, onAppointment, onClose }) {
  return (
    <Modal title="Add to your calendar" onClose={onClose} size="small">
      <p>
        {formatDate(slot.startIso || `${slot.start.date}T12:00:00Z`, tz)}
        {slot.startIso ? `, ${formatTimeRange(slot.startIso, slot.endIso, tz)}` : ''}
      </p>
      <div className="choice-buttons">
        <button
          type="button"
          className="btn btn--primary btn--video"
          onClick={() => onVideoSession({ date: slot.start.date, time: slot.start.time, duration: slot.minutes })}
        >
          Video session
        </button>
        <button
          type="button"
          className="btn btn--appointment"
          onClick={() => onAppointment({ date: slot.start.date, time: slot.start.time, endDate: slot.end.date, endTime: slot.end.time })}
        >
          Appointment
        </button>
      </div>
    </Modal>
  );
}
