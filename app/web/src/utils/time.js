// Time display and conversion. The API speaks UTC (RFC 3339 with Z); people see
// wall-clock time in their own zone (user.timezone, or the browser's zone for
// guests), always with the zone named: "Tue 1 Dec 2026, 16:00 (Europe/Berlin)".
// Wall-clock input (a date and a time typed in the viewer's zone) is turned
// into an instant with Temporal, which resolves DST gaps and overlaps the way
// a calendar would ("compatible").
import { Temporal } from 'temporal-polyfill';

const LOCALE = 'en-GB';

export function browserTimeZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** Returns tz when the runtime knows it, else 'UTC'. */
export function safeTimeZone(tz) {
  if (!tz) return browserTimeZone();
  try {
    new Intl.DateTimeFormat(LOCALE, { timeZone: tz });
    return tz;
  } catch {
    return 'UTC';
  }
}

const formatters = new Map();
function formatter(tz, kind) {
  const key = `${tz}|${kind}`;
  let f = formatters.get(key);
  if (!f) {
    const base = { timeZone: safeTimeZone(tz) };
    const options = {
      time: { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
      date: { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' },
      dateShort: { weekday: 'short', day: 'numeric', month: 'short' },
      parts: {
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      },
    }[kind];
    f = new Intl.DateTimeFormat(LOCALE, { ...base, ...options });
    formatters.set(key, f);
  }
  return f;
}

function toDate(value) {
  return value instanceof Date ? value : new Date(value);
}

/** "16:00" in tz. */
export function formatTime(value, tz) {
  return formatter(tz, 'time').format(toDate(value));
}

/** "Tue 1 Dec 2026" in tz. */
export function formatDate(value, tz) {
  return formatter(tz, 'date').format(toDate(value)).replace(',', '');
}

/** "Tue 1 Dec 2026, 16:00 (Europe/Berlin)". */
export function formatDateTime(value, tz) {
  const zone = safeTimeZone(tz);
  return `${formatDate(value, zone)}, ${formatTime(value, zone)} (${zone})`;
}

/** "16:00–16:50 (Europe/Berlin)"; the end date is added when it differs. */
export function formatTimeRange(start, end, tz) {
  const zone = safeTimeZone(tz);
  const sameDay = dayKey(start, zone) === dayKey(end, zone);
  const endText = sameDay ? formatTime(end, zone) : `${formatDate(end, zone)}, ${formatTime(end, zone)}`;
  return `${formatTime(start, zone)}–${endText} (${zone})`;
}

/** Wall-clock parts of an instant in tz: {date:'2026-12-01', time:'16:00'}. */
export function utcToZonedInputs(value, tz) {
  const parts = {};
  for (const p of formatter(tz, 'parts').formatToParts(toDate(value))) parts[p.type] = p.value;
  const hour = parts.hour === '24' ? '00' : parts.hour;
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${hour}:${parts.minute}` };
}

/** 'YYYY-MM-DD' of an instant as seen in tz. */
export function dayKey(value, tz) {
  return utcToZonedInputs(value, tz).date;
}

/**
 * Converts a date ('2026-12-01') and time ('16:00') typed in tz to the UTC
 * instant as RFC 3339 ('2026-12-01T15:00:00Z'). Returns null for bad input.
 */
export function zonedInputsToUtc(date, time, tz) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date || '') || !/^\d{2}:\d{2}(:\d{2})?$/.test(time || '')) return null;
  try {
    const pdt = Temporal.PlainDateTime.from(`${date}T${time.length === 5 ? time + ':00' : time}`);
    const zdt = pdt.toZonedDateTime(safeTimeZone(tz), { disambiguation: 'compatible' });
    return new Date(zdt.epochMilliseconds).toISOString().replace('.000Z', 'Z');
  } catch {
    return null;
  }
}

function addDays(dateKeyStr, days) {
  return Temporal.PlainDate.from(dateKeyStr).add({ days }).toString();
}

/** "Today", "Tomorrow", "Yesterday" or "Tue 1 Dec 2026", relative to now, in tz. */
export function dayLabel(value, tz, now = new Date()) {
  const key = dayKey(value, tz);
  const today = dayKey(now, tz);
  if (key === today) return 'Today';
  if (key === addDays(today, 1)) return 'Tomorrow';
  if (key === addDays(today, -1)) return 'Yesterday';
  return formatDate(value, tz);
}

/** "50 min", "1 h", "1 h 15 min". */
export function formatDuration(minutes) {
  const m = Math.round(Number(minutes) || 0);
  const h = Math.floor(m / 60);
  const rest = m % 60;
  if (h === 0) return `${rest} min`;
  if (rest === 0) return `${h} h`;
  return `${h} h ${rest} min`;
}

/**
 * A countdown for ms milliseconds: "2 days 3 h", "1 h 5 min", "4 min 09 s", "9 s".
 * Negative values count as zero.
 */
export function formatCountdown(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const days = Math.floor(total / 86400);
  const hours = Math.floor((total % 86400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (days > 0) return `${days} ${days === 1 ? 'day' : 'days'}${hours ? ` ${hours} h` : ''}`;
  if (hours > 0) return `${hours} h${minutes ? ` ${minutes} min` : ''}`;
  if (minutes > 0) return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
  return `${seconds} s`;
}

/** Minutes for a Retry-After given in seconds, at least 1. */
export function retryMinutes(seconds) {
  if (seconds == null || !Number.isFinite(Number(seconds))) return null;
  return Math.max(1, Math.ceil(Number(seconds) / 60));
}

/** "Try again in 3 minutes." from a 429's Retry-After seconds, or "Try again later." */
export function tryAgainText(seconds) {
  const m = retryMinutes(seconds);
  return `Try again${m ? ` in ${m} minute${m === 1 ? '' : 's'}` : ' later'}.`;
}
