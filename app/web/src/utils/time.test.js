import { describe, expect, it } from 'vitest';
import {
  dayKey,
  dayLabel,
  formatCountdown,
  formatDateTime,
  formatDuration,
  formatTime,
  formatTimeRange,
  retryMinutes,
  safeTimeZone,
  utcToZonedInputs,
  zonedInputsToUtc,
} from './time.js';

describe('time zone display', () => {
  const instant = '2026-12-01T15:00:00Z';

  it('shows the same instant in each viewer’s own zone, with the zone named', () => {
    expect(formatDateTime(instant, 'Europe/Berlin')).toBe('Tue 1 Dec 2026, 16:00 (Europe/Berlin)');
    expect(formatDateTime(instant, 'America/New_York')).toBe('Tue 1 Dec 2026, 10:00 (America/New_York)');
    expect(formatDateTime(instant, 'Asia/Tokyo')).toBe('Wed 2 Dec 2026, 00:00 (Asia/Tokyo)');
  });

  it('formats a time range and adds the end date when it is another day', () => {
    expect(formatTimeRange(instant, '2026-12-01T15:50:00Z', 'Europe/Berlin')).toBe('16:00–16:50 (Europe/Berlin)');
    expect(formatTimeRange('2026-12-01T22:30:00Z', '2026-12-01T23:30:00Z', 'Europe/Berlin')).toBe(
      '23:30–Wed 2 Dec 2026, 00:30 (Europe/Berlin)',
    );
  });

  it('follows daylight saving time', () => {
    expect(formatTime('2026-07-01T15:00:00Z', 'Europe/Berlin')).toBe('17:00');
    expect(formatTime('2026-01-01T15:00:00Z', 'Europe/Berlin')).toBe('16:00');
  });

  it('falls back to UTC for an unknown zone', () => {
    expect(safeTimeZone('Mars/Olympus')).toBe('UTC');
    expect(formatDateTime(instant, 'Mars/Olympus')).toBe('Tue 1 Dec 2026, 15:00 (UTC)');
  });
});

describe('wall-clock input ↔ UTC', () => {
  it('turns a date and time typed in a zone into the UTC instant', () => {
    expect(zonedInputsToUtc('2026-12-01', '16:00', 'Europe/Berlin')).toBe('2026-12-01T15:00:00Z');
    expect(zonedInputsToUtc('2026-12-01', '10:00', 'America/New_York')).toBe('2026-12-01T15:00:00Z');
    expect(zonedInputsToUtc('2026-07-01', '17:00', 'Europe/Berlin')).toBe('2026-07-01T15:00:00Z');
  });

  it('moves a time in the spring-forward gap forward, like a calendar', () => {
    // 2026-03-29 02:30 does not exist in Berlin; compatible → 03:30 CEST = 01:30Z.
    expect(zonedInputsToUtc('2026-03-29', '02:30', 'Europe/Berlin')).toBe('2026-03-29T01:30:00Z');
  });

  it('rejects malformed input', () => {
    expect(zonedInputsToUtc('', '10:00', 'UTC')).toBeNull();
    expect(zonedInputsToUtc('2026-12-01', '', 'UTC')).toBeNull();
    expect(zonedInputsToUtc('2026-13-01', '10:00', 'UTC')).toBeNull();
  });

  it('round-trips through utcToZonedInputs', () => {
    const z = utcToZonedInputs('2026-12-01T23:15:00Z', 'Europe/Berlin');
    expect(z).toEqual({ date: '2026-12-02', time: '00:15' });
    expect(zonedInputsToUtc(z.date, z.time, 'Europe/Berlin')).toBe('2026-12-01T23:15:00Z');
  });
});

describe('day labels', () => {
  const now = new Date('2026-12-01T12:00:00Z');
  it('says Today, Tomorrow, Yesterday in the viewer’s zone', () => {
    expect(dayLabel('2026-12-01T20:00:00Z', 'Europe/Berlin', now)).toBe('Today');
    expect(dayLabel('2026-12-01T23:30:00Z', 'Europe/Berlin', now)).toBe('Tomorrow');
    expect(dayLabel('2026-12-01T23:30:00Z', 'America/New_York', now)).toBe('Today');
    expect(dayLabel('2026-11-30T10:00:00Z', 'Europe/Berlin', now)).toBe('Yesterday');
    expect(dayLabel('2026-12-10T10:00:00Z', 'Europe/Berlin', now)).toBe('Thu 10 Dec 2026');
  });
  it('computes day keys per zone', () => {
    expect(dayKey('2026-12-01T23:30:00Z', 'Europe/Berlin')).toBe('2026-12-02');
    expect(dayKey('2026-12-01T23:30:00Z', 'UTC')).toBe('2026-12-01');
  });
});

describe('durations and countdowns', () => {
  it('formats durations', () => {
    expect(formatDuration(30)).toBe('30 min');
    expect(formatDuration(60)).toBe('1 h');
    expect(formatDuration(75)).toBe('1 h 15 min');
    expect(formatDuration(180)).toBe('3 h');
  });
  it('formats countdowns at each scale', () => {
    expect(formatCountdown(2 * 86400e3 + 3 * 3600e3)).toBe('2 days 3 h');
    expect(formatCountdown(86400e3)).toBe('1 day');
    expect(formatCountdown(3600e3 + 5 * 60e3)).toBe('1 h 5 min');
    expect(formatCountdown(4 * 60e3 + 9e3)).toBe('4 min 09 s');
    expect(formatCountdown(9e3)).toBe('9 s');
    expect(formatCountdown(-5000)).toBe('0 s');
  });
  it('turns Retry-After seconds into whole minutes', () => {
    expect(retryMinutes(900)).toBe(15);
    expect(retryMinutes(61)).toBe(2);
    expect(retryMinutes(5)).toBe(1);
    expect(retryMinutes(null)).toBeNull();
  });
});
