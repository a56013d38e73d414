import { describe, expect, it } from 'vitest';
import { groupByDay, joinState, liveStatus, splitSessions, todayAndNext } from './sessions.js';

const at = (iso) => Date.parse(iso);
function session(id, start, minutes = 50, status = 'scheduled') {
  const end = new Date(Date.parse(start) + minutes * 60000).toISOString();
  return { id, title: `S${id}`, session_date: start, end_date: end, duration_minutes: minutes, status };
}

describe('join window', () => {
  const s = session(1, '2026-12-01T15:00:00Z', 50);

  it('is closed until 15 minutes before the start and counts down to it', () => {
    const js = joinState(s, at('2026-12-01T14:44:59Z'));
    expect(js.state).toBe('too_early');
    expect(js.canJoin).toBe(false);
    expect(js.msUntilOpen).toBe(1000);
    expect(js.msUntilStart).toBe(15 * 60000 + 1000);
  });

  it('opens exactly 15 minutes before the start', () => {
    expect(joinState(s, at('2026-12-01T14:45:00Z')).canJoin).toBe(true);
  });

  it('stays open during the session and closes at its end', () => {
    expect(joinState(s, at('2026-12-01T15:49:59Z')).state).toBe('open');
    expect(joinState(s, at('2026-12-01T15:50:00Z')).state).toBe('ended');
  });

  it('never opens for a cancelled session', () => {
    expect(joinState({ ...s, status: 'cancelled' }, at('2026-12-01T15:00:00Z')).canJoin).toBe(false);
  });

  it('derives the live status', () => {
    expect(liveStatus(s, at('2026-12-01T14:00:00Z'))).toBe('scheduled');
    expect(liveStatus(s, at('2026-12-01T15:10:00Z'))).toBe('in_progress');
    expect(liveStatus(s, at('2026-12-01T16:00:00Z'))).toBe('completed');
    expect(liveStatus({ ...s, status: 'cancelled' }, at('2026-12-01T14:00:00Z'))).toBe('cancelled');
  });
});

describe('list grouping', () => {
  const now = at('2026-12-01T12:00:00Z');
  const list = [
    session(1, '2026-12-03T09:00:00Z'),
    session(2, '2026-11-30T09:00:00Z'),
    session(3, '2026-12-01T11:30:00Z', 60), // in progress
    session(4, '2026-12-01T23:30:00Z'),
    session(5, '2026-12-05T09:00:00Z', 50, 'cancelled'),
    session(6, '2026-12-01T13:00:00Z'),
  ];

  it('splits upcoming (soonest first) from past and cancelled (newest first)', () => {
    const { upcoming, past } = splitSessions(list, now);
    expect(upcoming.map((s) => s.id)).toEqual([3, 6, 4, 1]);
    expect(past.map((s) => s.id)).toEqual([5, 2]);
  });

  it('groups by the day in the viewer’s zone, keeping the order', () => {
    const { upcoming } = splitSessions(list, now);
    const berlin = groupByDay(upcoming, 'Europe/Berlin', now);
    expect(berlin.map((g) => [g.label, g.sessions.map((s) => s.id)])).toEqual([
      ['Today', [3, 6]],
      ['Tomorrow', [4]],
      ['Thu 3 Dec 2026', [1]],
    ]);
    const ny = groupByDay(upcoming, 'America/New_York', now);
    expect(ny.map((g) => [g.label, g.sessions.map((s) => s.id)])).toEqual([
      ['Today', [3, 6, 4]],
      ['Thu 3 Dec 2026', [1]],
    ]);
  });

  it('separates today from the next sessions', () => {
    const { today, next } = todayAndNext(list, 'Europe/Berlin', now);
    expect(today.map((s) => s.id)).toEqual([3, 6]);
    expect(next.map((s) => s.id)).toEqual([4, 1]);
  });
});
