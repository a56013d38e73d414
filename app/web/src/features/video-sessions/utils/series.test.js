import { describe, expect, it } from 'vitest';
import { describeSeriesConflict, seriesLabel, toRecurrence, validateRepeat } from './series.js';

describe('weekly series in the form', () => {
  const base = { date: '2027-01-04', repeat: 'weekly', repeat_end: 'count', repeat_count: '10', repeat_until: '' };

  it('makes the recurrence the API takes', () => {
    expect(toRecurrence({ ...base, repeat: 'none' })).toBeUndefined();
    expect(toRecurrence(base)).toEqual({ frequency: 'weekly', interval: 1, count: 10 });
    expect(toRecurrence({ ...base, repeat: 'biweekly', repeat_end: 'until', repeat_until: '2027-03-01' })).toEqual({
      frequency: 'weekly',
      interval: 2,
      until: '2027-03-01',
    });
  });

  it('checks the count and the end date like the server', () => {
    expect(validateRepeat(base, {})).toEqual({});
    expect(validateRepeat({ ...base, repeat_count: '1' }, {})).toHaveProperty('recurrence.count');
    expect(validateRepeat({ ...base, repeat_count: '53' }, {})).toHaveProperty('recurrence.count');
    expect(validateRepeat({ ...base, repeat_end: 'until' }, {})).toHaveProperty('recurrence.until');
    expect(validateRepeat({ ...base, repeat_end: 'until', repeat_until: '2027-01-03' }, {})).toHaveProperty('recurrence.until');
    expect(validateRepeat({ ...base, repeat: 'none', repeat_count: '0' }, {})).toEqual({});
  });

  it('labels a row and a clash', () => {
    expect(seriesLabel({ series: { index: 3, count: 10, interval_weeks: 1 } })).toBe('Weekly · 3 of 10');
    expect(seriesLabel({ series: { index: 1, count: 6, interval_weeks: 2 } })).toBe('Every 2 weeks · 1 of 6');
    expect(seriesLabel({ series: null })).toBeNull();
    const text = describeSeriesConflict(
      {
        session_date: '2027-01-11T09:00:00Z',
        end_date: '2027-01-11T09:50:00Z',
        conflicting: { title: 'Supervision', user: null },
      },
      'Europe/Berlin',
    );
    expect(text).toContain('10:00');
    expect(text).toContain('Supervision');
  });
});
