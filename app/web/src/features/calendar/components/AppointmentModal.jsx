// Create, edit or delete an appointment (the blue events of the calendar):
// title, optional client, date, start and end in the partner's zone, notes.
import { useState } from 'react';
import { Modal } from '../../../components/Modal.jsx';
import { Field } from '../../../components/Field.jsx';
import { dayKey, utcToZonedInputs, zonedInputsToUtc } from '../../../utils/time.js';
import { ClientSelect } from '../../../components/ClientSelect.jsx';
import { describeConflict } from '../../../utils/conflict.js';
import { useCreateAppointment, useDeleteAppointment, useUpdateAppointment } from '../api/calendar.js';

function initial(appointment, init, tz) {
  if (appointment) {
    const s = utcToZonedInputs(appointment.starts_at, tz);
    const e = utcToZonedInputs(appointment.ends_at, tz);
    return {
      title: appointment.title,
      user_id: appointment.user_id ? String(appointment.user_id) : '',
      date: s.date,
      start: s.time,
      endDate: e.date,
      end: e.time,
      notes: appointment.notes || '',
    };
  }
  return {
    title: init?.title || '',
    user_id: init?.userId ? String(init.userId) : '',
    date: init?.date || '',
    start: init?.time || '',
    endDate: init?.endDate || init?.date || '',
    end: init?.endTime || '',
    notes: '',
  };
}

export function validateAppointment(v, tz) {
  const errors = {};
  if (!v.title.trim()) errors.title = 'Enter a title.';
  else if ([...v.title.trim()].length > 200) errors.title = 'Keep the title under 200 characters.';
  const s = zonedInputsToUtc(v.date, v.start, tz);
  const e = zonedInputsToUtc(v.endDate || v.date, v.end, tz);
  if (!s) errors.starts_at = 'Choose the date and the start time.';
  if (!e) errors.ends_at = 'Choose the end time.';
  if (s && e) {
    const minutes = (Date.parse(e) - Date.parse(s)) / 60000;
    if (minutes <= 0) errors.ends_at = 'The end must be after the start.';
    else if (minutes < 15) errors.ends_at = 'An appointment is at least 15 minutes long.';
    else if (minutes > 720) errors.ends_at = 'An appointment is at most 12 hours long.';
  }
  return { errors, starts_at: s, ends_at: e };
}

export function AppointmentModal({ partnerId, appointment, init, clients, timezone, onClose, onSaved }) {
  const [v, setV] = useState(() => initial(appointment, init, timezone));
  const [errors, setErrors] = useState({});
  const [formError, setFormError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const create = useCreateAppointment();
  const update = useUpdateAppointment();
  const remove = useDeleteAppointment();
  const set = (k, val) =>
    setV((old) => {
      const next = { ...old, [k]: val };
      if (k === 'date' && (!old.endDate || old.endDate === old.date)) next.endDate = val;
      return next;
    });

  async function onSubmit(e) {
    e.preventDefault();
    setFormError(null);
    const { errors: errs, starts_at, ends_at } = validateAppointment(v, timezone);
    setErrors(errs);
    if (Object.keys(errs).length) return;
    const body = { title: v.title.trim(), starts_at, ends_at };
    if (v.user_id) body.user_id = Number(v.user_id);
    else if (appointment?.user_id) body.user_id = null;
    if (v.notes || appointment?.notes) body.notes = v.notes;
    setBusy(true);
    try {
      const saved = appointment ? await update.mutateAsync({ id: appointment.id, body }) : await create.mutateAsync({ partnerId, body });
      onSaved?.(saved);
      onClose();
    } catch (err) {
      if (err.status === 422 && err.field) setErrors({ [err.field]: err.message });
      else if (err.status === 409) setFormError(describeConflict(err.details?.conflicting, timezone));
      else setFormError(err.message);
    } finally {
      setBusy(false);
    }
  }

  async function onDelete() {
    setBusy(true);
    try {
      await remove.mutateAsync(appointment.id);
      onSaved?.(null);
      onClose();
    } catch (err) {
      setFormError(err.message);
      setBusy(false);
    }
  }

  return (
    <Modal
      title={appointment ? 'Edit appointment' : 'Add an appointment'}
      onClose={busy ? undefined : onClose}
      footer={
        <>
          {appointment && !confirmDelete && (
            <button type="button" className="btn btn--danger-ghost footer-left" onClick={() => setConfirmDelete(true)} disabled={busy}>
              Delete
            </button>
          )}
          {confirmDelete && (
            <button type="button" className="btn btn--danger footer-left" onClick={onDelete} disabled={busy}>
              Yes, delete it
            </button>
          )}
          <button type="button" className="btn" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" form="appointment-form" className="btn btn--primary" disabled={busy}>
            {busy ? 'Saving…' : appointment ? 'Save changes' : 'Add appointment'}
          </button>
        </>
      }
    >
      <form id="appointment-form" onSubmit={onSubmit} noValidate>
        {formError && (
          <p className="alert alert--error" role="alert">
            {formError}
          </p>
        )}
        <Field id="ap-title" label="Title" error={errors.title}>
          {(p) => <input {...p} type="text" value={v.title} maxLength={200} onChange={(e) => set('title', e.target.value)} />}
        </Field>
        <Field id="ap-client" label="Client (optional)" error={errors.user_id}>
          {(p) => (
            <ClientSelect
              {...p}
              clients={clients}
              emptyLabel="No client"
              value={v.user_id}
              onChange={(e) => set('user_id', e.target.value)}
            />
          )}
        </Field>
        <fieldset className="fieldset">
          <legend>
            When <span className="muted">({timezone})</span>
          </legend>
          <div className="field-row field-row--3">
            <Field id="ap-date" label="Date" error={errors.starts_at}>
              {(p) => (
                <input
                  {...p}
                  type="date"
                  value={v.date}
                  min={appointment ? undefined : dayKey(new Date(), timezone)}
                  onChange={(e) => set('date', e.target.value)}
                />
              )}
            </Field>
            <Field id="ap-start" label="Start">
              {(p) => <input {...p} type="time" step={300} value={v.start} onChange={(e) => set('start', e.target.value)} />}
            </Field>
            <Field id="ap-end" label="End" error={errors.ends_at}>
              {(p) => <input {...p} type="time" step={300} value={v.end} onChange={(e) => set('end', e.target.value)} />}
            </Field>
          </div>
          {v.endDate && v.endDate !== v.date && <p className="field__hint">Ends on {v.endDate}.</p>}
        </fieldset>
        <Field id="ap-notes" label="Notes (only you see these)" error={errors.notes}>
          {(p) => <textarea {...p} rows={3} value={v.notes} onChange={(e) => set('notes', e.target.value)} />}
        </Field>
      </form>
    </Modal>
  );
}
