// Weekly series in the scheduling form: the repeat choice, its checks and the
// "recurrence" the API takes; the series label of a row; the text of a clash.
import { formatDate, formatTimeRange } from '../../../utils/time.js';

export const REPEAT_NONE = 'none';
export const COUNT_MIN = 2;
export const COUNT_MAX = 52;

/** The form's repeat fields, as a new session starts. */
export function initialRepeat() {
  return { repeat: REPEAT_NONE, repeat_end: 'count', repeat_count: '10', repeat_until: '' };
}

/** Adds {field: message} for the repeat fields (keyed by the API's field names). */
export function validateRepeat(values, errors) {
  if (!values.repeat || values.repeat === REPEAT_NONE) return errors;
  if (values.repeat_end === 'until') {
    if (!values.repeat_until) errors['recurrence.until'] = 'Choose the date of the last session.';
    else if (values.date && values.repeat_until < values.date)
      errors['recurrence.until'] = 'The last date must not be before the first session.';
  } else {
    const n = Number(values.repeat_count);
    if (!Number.isInteger(n) || n < COUNT_MIN || n > COUNT_MAX)
      errors['recurrence.count'] = `Choose from ${COUNT_MIN} to ${COUNT_MAX} sessions.`;
  }
  return errors;
}

/** The create body's "recurrence", or undefined for a single session. */
export function toRecurrence(values) {
  if (!values.repeat || values.repeat === REPEAT_NONE) return undefined;
  const rule = { frequency: 'weekly', interval: values.repeat === 'biweekly' ? 2 : 1 };
  if (values.repeat_end === 'until') rule.until = values.repeat_until;
  else rule.count = Number(values.repeat_count);
  return rule;
}

/** "Weekly · 3 of 10", "Every 2 weeks · 1 of 6", or null outside a series. */
export function seriesLabel(session) {
  const s = session?.series;
  if (!s) return null;
  return `${s.interval_weeks === 2 ? 'Every 2 weeks' : 'Weekly'} · ${s.index} of ${s.count}`;
}

/** One clashing date of a series, for people: "Mon 4 Jan, 10:00–10:50 (clashes with Supervision)". */
export function describeSeriesConflict(c, tz) {
  const what = c.conflicting?.title
    ? `${c.conflicting.title}${c.conflicting.user?.name ? ` with ${c.conflicting.user.name}` : ''}`
    : 'another booking';
  return `${formatDate(c.session_date, tz)}, ${formatTimeRange(c.session_date, c.end_date, tz)} (clashes with ${what})`;
}
