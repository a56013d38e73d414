// The scheduling form's rules, kept apart from the component so they can be
// tested directly. They mirror the server's (app/api/openapi.yaml) so most
// mistakes are caught before a round trip; the server stays the authority.
import { DURATIONS } from '../../../utils/sessions.js';
import { utcToZonedInputs, zonedInputsToUtc } from '../../../utils/time.js';
import { initialRepeat, toRecurrence, validateRepeat } from './series.js';

export const TITLE_MAX = 200;
export const NOTES_MAX = 10000;

/** The duration choices; an edited session keeps its own value even off the grid. */
export function durationOptions(original) {
  const d = original?.duration_minutes;
  if (!d || DURATIONS.includes(d)) return DURATIONS;
  return [...DURATIONS, d].sort((a, b) => a - b);
}

/** Nearest allowed duration (30..180, step 5). */
export function clampDuration(minutes) {
  const m = Number(minutes);
  if (!Number.isFinite(m)) return 60;
  let best = DURATIONS[0];
  for (const d of DURATIONS) if (Math.abs(d - m) < Math.abs(best - m)) best = d;
  return best;
}

/** Form values for a new session or for editing one, in the viewer's zone. */
/** The next half hour from now, at least 10 minutes ahead, in tz. */
export function defaultStart(tz, now = Date.now()) {
  const slot = 30 * 60000;
  const ms = Math.ceil((now + 10 * 60000) / slot) * slot;
  return utcToZonedInputs(new Date(ms), tz);
}

export function initialValues({ session, initial = {}, tz, clients = [], now }) {
  if (session) {
    const { date, time } = utcToZonedInputs(session.session_date, tz);
    return {
      user_id: String(session.user_id ?? session.user?.id ?? ''),
      title: session.title || '',
      date,
      time,
      duration_minutes: String(session.duration_minutes),
      password_enabled: Boolean(session.password_enabled),
      regenerate_password: false,
      notes: session.notes || '',
    };
  }
  return {
    user_id: initial.userId ? String(initial.userId) : clients.length === 1 ? String(clients[0].id) : '',
    title: initial.title || 'Video session',
    ...(initial.date ? { date: initial.date, time: initial.time || '09:00' } : defaultStart(tz, now)),
    duration_minutes: String(clampDuration(initial.duration ?? 60)),
    password_enabled: true,
    regenerate_password: false,
    notes: '',
    ...initialRepeat(),
  };
}

/**
 * Checks the values; returns {field: message} keyed by the API's field names
 * (session_date for the date and time). `now` is injectable for tests.
 */
export function validateSessionForm(values, { tz, now = Date.now(), original } = {}) {
  const errors = {};
  if (!values.user_id) errors.user_id = 'Choose the client for this session.';
  const title = values.title.trim();
  if (!title) errors.title = 'Enter a title.';
  else if ([...title].length > TITLE_MAX) errors.title = `Keep the title under ${TITLE_MAX} characters.`;
  if (!values.date || !values.time) {
    errors.session_date = 'Choose the date and the start time.';
  } else {
    const iso = zonedInputsToUtc(values.date, values.time, tz);
    const moved = !original || iso !== normalize(original.session_date);
    if (!iso) errors.session_date = 'That date or time is not valid.';
    else if (moved && Date.parse(iso) < now) errors.session_date = 'The start time is in the past. Choose a later time.';
  }
  const d = Number(values.duration_minutes);
  const unchanged = original && d === original.duration_minutes;
  if (!DURATIONS.includes(d) && !unchanged)
    errors.duration_minutes = 'Choose a duration between 30 minutes and 3 hours, in steps of 5 minutes.';
  if ([...values.notes].length > NOTES_MAX) errors.notes = `Notes can be at most ${NOTES_MAX.toLocaleString('en-GB')} characters.`;
  if (!original) validateRepeat(values, errors);
  return errors;
}

function normalize(iso) {
  return new Date(iso).toISOString().replace('.000Z', 'Z');
}

/** The create body (POST /api/video-sessions). */
export function toCreateBody(values, tz) {
  const body = {
    user_id: Number(values.user_id),
    title: values.title.trim(),
    session_date: zonedInputsToUtc(values.date, values.time, tz),
    duration_minutes: Number(values.duration_minutes),
    password_enabled: Boolean(values.password_enabled),
  };
  if (values.notes.trim()) body.notes = values.notes;
  const recurrence = toRecurrence(values);
  if (recurrence) body.recurrence = recurrence;
  return body;
}

/** Only what changed (PUT /api/video-sessions/:id); an unmoved session keeps its date. */
export function toUpdateBody(values, original, tz) {
  const body = {};
  const userId = Number(values.user_id);
  if (userId !== (original.user_id ?? original.user?.id)) body.user_id = userId;
  if (values.title.trim() !== original.title) body.title = values.title.trim();
  const iso = zonedInputsToUtc(values.date, values.time, tz);
  if (iso !== normalize(original.session_date)) body.session_date = iso;
  const d = Number(values.duration_minutes);
  if (d !== original.duration_minutes) body.duration_minutes = d;
  if (Boolean(values.password_enabled) !== Boolean(original.password_enabled)) body.password_enabled = Boolean(values.password_enabled);
  if (values.password_enabled && original.password_enabled && values.regenerate_password) body.regenerate_password = true;
  if ((values.notes || '') !== (original.notes || '')) body.notes = values.notes;
  return body;
}
