// Rules about video sessions that the screens share: when one may be joined,
// how lists are split and grouped. Mirrors the API: the join window opens 15
// minutes before session_date and closes at end_date; a cancelled session is
// never joinable.
import { dayKey, dayLabel } from './time.js';

export const JOIN_EARLY_MINUTES = 15;
export const DURATIONS = Array.from({ length: 31 }, (_, i) => 30 + i * 5); // 30..180 in 5-minute steps

const ms = (v) => (typeof v === 'number' ? v : v instanceof Date ? v.getTime() : Date.parse(v));

export function sessionEnd(session) {
  if (session.end_date) return ms(session.end_date);
  return ms(session.session_date) + (session.duration_minutes || 0) * 60000;
}

export function joinOpensAt(session) {
  return ms(session.session_date) - JOIN_EARLY_MINUTES * 60000;
}

/**
 * Where a session stands for joining at `now`:
 * 'cancelled' | 'too_early' | 'open' | 'ended', with the milliseconds until
 * the window opens and until the session starts.
 */
export function joinState(session, now = Date.now()) {
  const t = ms(now);
  const opensAt = joinOpensAt(session);
  const startsAt = ms(session.session_date);
  const endsAt = sessionEnd(session);
  let state;
  if (session.status === 'cancelled') state = 'cancelled';
  else if (t >= endsAt) state = 'ended';
  else if (t < opensAt) state = 'too_early';
  else state = 'open';
  return {
    state,
    canJoin: state === 'open',
    msUntilOpen: Math.max(0, opensAt - t),
    msUntilStart: startsAt - t,
    opensAt: new Date(opensAt),
    startsAt: new Date(startsAt),
    endsAt: new Date(endsAt),
  };
}

/** The status as of now (the server's value may be a few minutes old on screen). */
export function liveStatus(session, now = Date.now()) {
  if (session.status === 'cancelled') return 'cancelled';
  const t = ms(now);
  if (t >= sessionEnd(session)) return 'completed';
  if (t >= ms(session.session_date)) return 'in_progress';
  return 'scheduled';
}

export const STATUS_LABELS = {
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  completed: 'Completed',
  cancelled: 'Cancelled',
};

/**
 * Splits sessions into upcoming (not ended, not cancelled; soonest first) and
 * past (ended or cancelled; newest first), like the API's when=upcoming|past.
 */
export function splitSessions(sessions, now = Date.now()) {
  const t = ms(now);
  const upcoming = [];
  const past = [];
  for (const s of sessions) {
    if (s.status === 'cancelled' || sessionEnd(s) <= t) past.push(s);
    else upcoming.push(s);
  }
  upcoming.sort((a, b) => ms(a.session_date) - ms(b.session_date) || a.id - b.id);
  past.sort((a, b) => ms(b.session_date) - ms(a.session_date) || b.id - a.id);
  return { upcoming, past };
}

/**
 * Groups an already ordered list by the day (in tz) of session_date:
 * [{key:'2026-12-01', label:'Today', sessions:[...]}, ...], keeping order.
 */
export function groupByDay(sessions, tz, now = Date.now()) {
  const groups = [];
  const byKey = new Map();
  for (const s of sessions) {
    const key = dayKey(s.session_date, tz);
    let g = byKey.get(key);
    if (!g) {
      g = { key, label: dayLabel(s.session_date, tz, new Date(ms(now))), sessions: [] };
      byKey.set(key, g);
      groups.push(g);
    }
    g.sessions.push(s);
  }
  return groups;
}

/** Sessions of today (in tz) that have not ended, and the next ones after today. */
export function todayAndNext(sessions, tz, now = Date.now(), nextCount = 5) {
  const { upcoming } = splitSessions(sessions, now);
  const today = dayKey(new Date(ms(now)), tz);
  return {
    today: upcoming.filter((s) => dayKey(s.session_date, tz) === today),
    next: upcoming.filter((s) => dayKey(s.session_date, tz) !== today).slice(0, nextCount),
  };
}
