// The series parts of the session dialog: how a new session repeats (every
// week or every 2 weeks, a number of sessions or an end date), which sessions
// an edit of a series member changes, and what a created series says.
import { Field } from '../../../components/Field.jsx';
import { COUNT_MAX, COUNT_MIN, describeSeriesConflict } from '../utils/series.js';

export function RepeatFields({ values, errors, set }) {
  const repeating = values.repeat && values.repeat !== 'none';
  return (
    <fieldset className="fieldset" data-testid="repeat-fields">
      <legend>Repeat</legend>
      <Field id="vs-repeat" label="Repeats" error={errors.recurrence || errors['recurrence.interval'] || errors['recurrence.frequency']}>
        {(p) => (
          <select {...p} value={values.repeat} onChange={(e) => set('repeat', e.target.value)}>
            <option value="none">Does not repeat</option>
            <option value="weekly">Weekly</option>
            <option value="biweekly">Every 2 weeks</option>
          </select>
        )}
      </Field>
      {repeating && (
        <>
          <div className="radio-row" role="radiogroup" aria-label="Ends">
            <label>
              <input
                type="radio"
                name="vs-repeat-end"
                value="count"
                checked={values.repeat_end !== 'until'}
                onChange={() => set('repeat_end', 'count')}
              />{' '}
              Stop after a number of sessions
            </label>
            <label>
              <input
                type="radio"
                name="vs-repeat-end"
                value="until"
                checked={values.repeat_end === 'until'}
                onChange={() => set('repeat_end', 'until')}
              />{' '}
              Stop on a chosen day
            </label>
          </div>
          {values.repeat_end === 'until' ? (
            <Field id="vs-repeat-until" label="Ends on (at most a year ahead)" error={errors['recurrence.until']}>
              {(p) => (
                <input
                  {...p}
                  type="date"
                  min={values.date}
                  value={values.repeat_until}
                  onChange={(e) => set('repeat_until', e.target.value)}
                />
              )}
            </Field>
          ) : (
            <Field id="vs-repeat-count" label="Number of sessions" error={errors['recurrence.count']}>
              {(p) => (
                <input
                  {...p}
                  type="number"
                  min={COUNT_MIN}
                  max={COUNT_MAX}
                  value={values.repeat_count}
                  onChange={(e) => set('repeat_count', e.target.value)}
                />
              )}
            </Field>
          )}
          <p className="field__hint">Each session keeps this start time in your time zone, also across daylight-saving changes.</p>
        </>
      )}
    </fieldset>
  );
}

/** Editing a member of a series: this session only, or this and the following ones. */
export function ScopeField({ label, value, onChange }) {
  return (
    <fieldset className="fieldset" data-testid="scope-field">
      <legend>Part of a series ({label})</legend>
      <div className="radio-row">
        <label>
          <input type="radio" name="vs-scope" value="one" checked={value === 'one'} onChange={() => onChange('one')} /> This session
        </label>
        <label>
          <input type="radio" name="vs-scope" value="following" checked={value === 'following'} onChange={() => onChange('following')} />{' '}
          This and following
        </label>
      </div>
    </fieldset>
  );
}

/** "10 sessions created", and the dates skipped because they clashed. */
export function SeriesCreatedNote({ series, timezone }) {
  const n = series.count;
  return (
    <div role="status" data-testid="series-result">
      <p className="success-line">
        <strong>
          {n} {n === 1 ? 'session' : 'sessions'} {series.following ? 'changed' : 'created'}
        </strong>
        {series.skipped?.length ? `; ${series.skipped.length} skipped because the time is taken:` : '.'}
      </p>
      {series.skipped?.length > 0 && (
        <ul className="series-skipped">
          {series.skipped.map((c) => (
            <li key={c.session_date}>{describeSeriesConflict(c, timezone)}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
