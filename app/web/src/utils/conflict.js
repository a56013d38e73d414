import { formatDate, formatTimeRange } from './time.js';

/** Human text for a 409's details.conflicting, in the viewer's zone. */
export function describeConflict(conflicting, tz) {
  if (!conflicting) return 'This time overlaps another booking.';
  const what = conflicting.kind === 'appointment' ? 'an appointment' : 'another video session';
  const when =
    conflicting.start && conflicting.end
      ? ` on ${formatDate(conflicting.start, tz)}, ${formatTimeRange(conflicting.start, conflicting.end, tz)}`
      : '';
  return `This time overlaps ${what}${conflicting.id ? ` (#${conflicting.id})` : ''}${when}. Choose another time or a shorter duration.`;
}
