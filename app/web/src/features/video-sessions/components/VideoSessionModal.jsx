// Create or edit a video session. Date and time are typed in the partner's
// own zone (named next to the fields) and sent as UTC. After a create (or an
// edit that made a new password) the dialog shows the join link and the
// one-time password with copy buttons; the server's 422 lands next to the
// field it names, and a 409 says which booking is in the way.
import { useEffect, useRef, useState } from 'react';
import { Modal } from '../../../components/Modal.jsx';
import { Field } from '../../../components/Field.jsx';
import { CopyButton } from '../../../components/CopyButton.jsx';
import { dayKey, formatDateTime, formatDuration } from '../../../utils/time.js';
import { ClientSelect } from '../../../components/ClientSelect.jsx';
import { describeConflict } from '../../../utils/conflict.js';
import { changeText, invitationText } from '../utils/invitation.js';
import { useCreateSession, useUpdateSession } from '../api/video-sessions.js';
import { SessionEmails } from './SessionEmails.jsx';
import { CancelSessionDialog } from './CancelSessionDialog.jsx';
import { TellClient } from './TellClient.jsx';
import { NOTES_MAX, TITLE_MAX, durationOptions, initialValues, toCreateBody, toUpdateBody, validateSessionForm } from '../utils/form.js';
import { describeSeriesConflict, seriesLabel } from '../utils/series.js';
import { RepeatFields, ScopeField, SeriesCreatedNote } from './SeriesFields.jsx';

const FIELD_IDS = {
  user_id: 'vs-client',
  title: 'vs-title',
  session_date: 'vs-date',
  duration_minutes: 'vs-duration',
  password_enabled: 'vs-password',
  notes: 'vs-notes',
  recurrence: 'vs-repeat',
  'recurrence.frequency': 'vs-repeat',
  'recurrence.interval': 'vs-repeat',
  'recurrence.count': 'vs-repeat-count',
  'recurrence.until': 'vs-repeat-until',
};

// Fields a change of "this and following" sessions cannot carry: they belong to one session.
const ONE_SESSION_FIELDS = ['user_id', 'password_enabled', 'regenerate_password', 'email_password'];

export function VideoSessionModal({ session, initial, clients, timezone, onClose, onSaved, now }) {
  const isEdit = Boolean(session);
  const [values, setValues] = useState(() => initialValues({ session, initial, tz: timezone, clients }));
  const [errors, setErrors] = useState({});
  const [formError, setFormError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState(null); // {session, password, emailed}
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [scope, setScope] = useState('one'); // a series member: this session, or this and following
  const [skipOffer, setSkipOffer] = useState(false); // a series clashed: offer to book the free dates
  const formRef = useRef(null);
  const create = useCreateSession();
  const update = useUpdateSession();
  const alertRef = useRef(null);

  useEffect(() => {
    if (formError) alertRef.current?.focus();
  }, [formError]);

  function set(field, value) {
    setValues((v) => ({ ...v, [field]: value }));
    if (errors[field] || (field === 'date' || field === 'time' ? errors.session_date : false)) {
      setErrors((e) => {
        const next = { ...e };
        delete next[field === 'date' || field === 'time' ? 'session_date' : field];
        return next;
      });
    }
  }

  function focusFirstError(errs) {
    const first = Object.keys(FIELD_IDS).find((f) => errs[f]);
    if (first) formRef.current?.querySelector(`#${FIELD_IDS[first]}`)?.focus();
  }

  function onSubmit(e) {
    e.preventDefault();
    save(false);
  }

  async function save(skipConflicts) {
    setFormError(null);
    setSkipOffer(false);
    const errs = validateSessionForm(values, { tz: timezone, now: now ? now() : Date.now(), original: session });
    setErrors(errs);
    if (Object.keys(errs).length) {
      focusFirstError(errs);
      return;
    }
    setBusy(true);
    try {
      let saved;
      let sentPassword = false;
      let series = null;
      if (isEdit) {
        const body = toUpdateBody(values, session, timezone);
        if (values.email_password && (body.regenerate_password || body.password_enabled)) body.email_password = true;
        sentPassword = Boolean(body.email_password);
        if (session.series && scope === 'following' && Object.keys(body).length) {
          const own = ONE_SESSION_FIELDS.find((f) => f in body);
          if (own) {
            setFormError({
              title: 'Only for this session',
              text: 'The client and the password change one session at a time: choose “This session” to change them.',
            });
            return;
          }
          body.scope = 'following';
          const res = await update.mutateAsync({ id: session.id, body });
          saved = res.sessions.find((s) => s.id === session.id) || res.sessions[0];
          series = { count: res.sessions.length, following: true };
        } else {
          saved = Object.keys(body).length ? await update.mutateAsync({ id: session.id, body }) : session;
        }
      } else {
        const body = toCreateBody(values, timezone);
        if (values.email_password && body.password_enabled) body.email_password = true;
        if (body.recurrence && skipConflicts) body.skip_conflicts = true;
        saved = await create.mutateAsync(body);
        if (saved.series_id) {
          series = { count: saved.sessions.length, skipped: saved.skipped || [] };
          saved = { ...saved.sessions[0], password: saved.password };
        }
      }
      onSaved?.(saved);
      if (saved.password || !isEdit || saved !== session) {
        // What the server has emailed with the change already (its mail triggers): another client
        // gets the whole session, a new start or length a session_moved email, a password the
        // partner chose to email the details with it. Otherwise the dialog offers to email.
        let emailed = null;
        if (isEdit) {
          if (String(saved.user_id ?? saved.user?.id) !== String(session.user_id ?? session.user?.id)) emailed = 'session';
          else if (
            Date.parse(saved.session_date) !== Date.parse(session.session_date) ||
            Number(saved.duration_minutes) !== Number(session.duration_minutes)
          )
            emailed = 'time';
          else if (sentPassword) emailed = 'password';
        }
        setResult({ session: saved, password: saved.password || null, emailed, series });
      } else {
        onClose();
      }
    } catch (err) {
      if (err.status === 422 && err.field && FIELD_IDS[err.field]) {
        const errs2 = { [err.field]: err.message };
        setErrors(errs2);
        focusFirstError(errs2);
      } else if (err.status === 409 && err.code === 'conflict' && err.details?.conflicts) {
        const list = err.details.conflicts;
        setFormError({
          title: `${list.length === 1 ? 'One date is' : `${list.length} dates are`} already booked`,
          text: isEdit ? 'Nothing was changed.' : 'No session was created.',
          list: list.map((c) => describeSeriesConflict(c, timezone)),
        });
        setSkipOffer(!isEdit);
      } else if (err.status === 409 && err.code === 'conflict') {
        setFormError({ title: 'That time is already booked', text: describeConflict(err.details?.conflicting, timezone) });
      } else if (err.status === 422) {
        setFormError({ title: 'Please check the form', text: err.message });
      } else {
        setFormError({ title: 'The session could not be saved', text: err.message });
      }
    } finally {
      setBusy(false);
    }
  }

  if (confirmCancel) {
    // the same cancel as the row's: a reason the client sees, POST …/cancel; "Keep the session" goes back to the form
    return (
      <CancelSessionDialog
        session={session}
        tz={timezone}
        onClose={() => setConfirmCancel(false)}
        onCancelled={() => {
          onSaved?.();
          onClose();
        }}
      />
    );
  }

  if (result) {
    const clientZone = clients.find((c) => c.id === (result.session.user_id ?? result.session.user?.id))?.timezone;
    return <CreatedView result={result} timezone={timezone} clientZone={clientZone} isEdit={isEdit} onClose={onClose} />;
  }

  const today = dayKey(new Date(), timezone);
  return (
    <Modal
      title={isEdit ? 'Edit video session' : 'Schedule a video session'}
      onClose={busy ? undefined : onClose}
      footer={
        <>
          {isEdit && session.status === 'scheduled' && (
            <button type="button" className="btn btn--danger-ghost footer-left" onClick={() => setConfirmCancel(true)} disabled={busy}>
              Cancel session…
            </button>
          )}
          <button type="button" className="btn" onClick={onClose} disabled={busy}>
            {isEdit ? 'Close' : 'Discard'}
          </button>
          <button type="submit" form="video-session-form" className="btn btn--primary" disabled={busy}>
            {busy ? 'Saving…' : isEdit ? 'Save changes' : 'Create session'}
          </button>
        </>
      }
    >
      <form id="video-session-form" ref={formRef} onSubmit={onSubmit} noValidate>
        {formError && (
          <div className="alert alert--error" role="alert" tabIndex={-1} ref={alertRef} data-testid="form-error">
            <strong>{formError.title}.</strong> {formError.text}
            {formError.list && (
              <ul className="series-conflicts" data-testid="series-conflicts">
                {formError.list.map((t) => (
                  <li key={t}>{t}</li>
                ))}
              </ul>
            )}
            {skipOffer && (
              <button type="button" className="btn btn--small" onClick={() => save(true)} disabled={busy}>
                Book the other dates
              </button>
            )}
          </div>
        )}
        {isEdit && session.series && <ScopeField label={seriesLabel(session)} value={scope} onChange={setScope} />}
        <Field id="vs-client" label="Client" error={errors.user_id}>
          {(p) => (
            <ClientSelect
              {...p}
              clients={clients}
              emptyLabel="Choose a client…"
              value={values.user_id}
              onChange={(e) => set('user_id', e.target.value)}
              required
            />
          )}
        </Field>
        {clients.length === 0 && <p className="field__hint">You have no clients yet. An administrator links clients to your account.</p>}
        <ClientZoneHint client={clients.find((c) => String(c.id) === String(values.user_id))} timezone={timezone} />
        <Field id="vs-title" label="Title" error={errors.title}>
          {(p) => (
            <input {...p} type="text" value={values.title} maxLength={TITLE_MAX} onChange={(e) => set('title', e.target.value)} required />
          )}
        </Field>
        <fieldset className="fieldset">
          <legend>
            Date and start time <span className="muted">({timezone})</span>
          </legend>
          <div className="field-row">
            <Field id="vs-date" label="Date" error={errors.session_date}>
              {(p) => (
                <input
                  {...p}
                  type="date"
                  min={isEdit ? undefined : today}
                  value={values.date}
                  onChange={(e) => set('date', e.target.value)}
                  required
                />
              )}
            </Field>
            <Field id="vs-time" label="Start time">
              {(p) => (
                <input
                  {...p}
                  aria-invalid={errors.session_date ? true : undefined}
                  type="time"
                  step={300}
                  value={values.time}
                  onChange={(e) => set('time', e.target.value)}
                  required
                />
              )}
            </Field>
          </div>
        </fieldset>
        <Field id="vs-duration" label="Duration" error={errors.duration_minutes}>
          {(p) => (
            <select {...p} value={values.duration_minutes} onChange={(e) => set('duration_minutes', e.target.value)}>
              {durationOptions(session).map((d) => (
                <option key={d} value={String(d)}>
                  {formatDuration(d)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          id="vs-password"
          label="Password protection"
          check
          hint="The client enters a 6-digit password before joining. It is shown once, after saving."
          error={errors.password_enabled}
        >
          {(p) => (
            <input {...p} type="checkbox" checked={values.password_enabled} onChange={(e) => set('password_enabled', e.target.checked)} />
          )}
        </Field>
        {isEdit && session.password_enabled && values.password_enabled && (
          <Field id="vs-regenerate" label="Make a new password (the old one stops working)" check>
            {(p) => (
              <input
                {...p}
                type="checkbox"
                checked={values.regenerate_password}
                onChange={(e) => set('regenerate_password', e.target.checked)}
              />
            )}
          </Field>
        )}
        {values.password_enabled && (!isEdit || values.regenerate_password || !session.password_enabled) && (
          <Field
            id="vs-email-password"
            label="Send the details and this password by email"
            check
            hint="To your client, with the invitation. The password exists in clear only now: it can be emailed only when it is made."
          >
            {(p) => (
              <input
                {...p}
                type="checkbox"
                checked={Boolean(values.email_password)}
                onChange={(e) => set('email_password', e.target.checked)}
              />
            )}
          </Field>
        )}
        <Field
          id="vs-notes"
          label="Notes (only you see these)"
          error={errors.notes}
          hint={`Optional, up to ${NOTES_MAX.toLocaleString('en-GB')} characters.`}
        >
          {(p) => <textarea {...p} rows={3} value={values.notes} onChange={(e) => set('notes', e.target.value)} />}
        </Field>
        {!isEdit && <RepeatFields values={values} errors={errors} set={set} />}
      </form>
      {isEdit && <SessionEmails session={session} timezone={timezone} />}
    </Modal>
  );
}

/** The chosen client's zone, so the partner can say the time the way the client will see it. */
function ClientZoneHint({ client, timezone }) {
  if (!client?.timezone) return null;
  const first = client.name.split(' ')[0];
  return (
    <p className="field__hint" data-testid="modal-client-zone">
      {first}’s time zone: {client.timezone}
      {client.timezone !== timezone ? '. Invitations you copy give the time in both zones.' : ', the same as yours.'}
    </p>
  );
}

function CreatedView({ result, timezone, clientZone, isEdit, onClose }) {
  const { session, password, emailed, series } = result;
  const first = session.user?.name?.split(' ')[0] || 'your client';
  const message =
    isEdit && !password
      ? changeText(session, { clientZone, partnerZone: timezone })
      : invitationText(session, { clientZone, partnerZone: timezone, password });
  return (
    <Modal
      title={isEdit ? `Saved. Tell ${first} about the change?` : series ? 'Sessions scheduled' : 'Session scheduled'}
      onClose={onClose}
      footer={
        <button type="button" className="btn btn--primary" onClick={onClose}>
          Done
        </button>
      }
    >
      {series && <SeriesCreatedNote series={series} timezone={timezone} />}
      <p className="success-line" role={series ? undefined : 'status'}>
        {series && !series.following && 'The first: '}
        <strong>{session.title}</strong> with {session.user?.name || 'your client'} on {formatDateTime(session.session_date, timezone)},{' '}
        {formatDuration(session.duration_minutes)}.
      </p>
      <Field id="created-link" label="Join link">
        {(p) => (
          <div className="copy-row">
            <input {...p} type="text" readOnly value={session.meeting_url || ''} onFocus={(e) => e.target.select()} />
            <CopyButton text={session.meeting_url} label="Copy link" copiedLabel="Link copied" />
          </div>
        )}
      </Field>
      {password ? (
        <Field id="created-password" label="Password">
          {(p) => (
            <>
              <div className="copy-row">
                <input {...p} className="password-display" type="text" readOnly value={password} onFocus={(e) => e.target.select()} />
                <CopyButton text={password} label="Copy password" copiedLabel="Password copied" />
              </div>
              <p className="notice notice--warn">This password is shown only now. Copy it and send it to your client.</p>
            </>
          )}
        </Field>
      ) : (
        !isEdit && <p className="muted">No password: anyone with the link who is logged in as the client can join.</p>
      )}
      <div className="created-actions">
        <CopyButton
          text={message}
          label={isEdit && !password ? 'Copy the new details' : 'Copy details'}
          copiedLabel="Details copied"
          className="btn btn--secondary"
          aria-describedby="details-hint"
        />
        <p className="field__hint" id="details-hint">
          Copies the link{password ? ', the password' : ''} and the time
          {clientZone && clientZone !== timezone ? ` in ${clientZone} and ${timezone}` : ''} as a message you can paste to {first}.
        </p>
      </div>
      {isEdit && <TellClient session={session} first={first} emailed={emailed} />}
    </Modal>
  );
}
