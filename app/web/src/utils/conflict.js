import { formatDate, formatTimeRange } from './time.js';

/**
 * Human text for a 409's details.conflicting, in the viewer's zone: the
 * booking is named by its title and client ("overlaps Progress review with
 * Sam Client, Fri 4 Dec, 10:00–10:50"), never by its number.
 */
export function describeConflict(conflicting, tz) {
  if (!conflicting) return 'This time overlaps another booking.';
  const kind = conflicting.kind === 'appointment' ? 'the appointment' : 'the video session';
  const what = conflicting.title
    ? `${conflicting.title}${conflicting.user?.name ? ` with ${conflicting.user.name}` : ''}`
    : conflicting.kind === 'appointment'
      ? 'an appointment'
      : 'another video session';
  const when =
    conflicting.start && conflicting.end
      ? `, ${formatDate(conflicting.start, tz)}, ${formatTimeRange(conflicting.start, conflicting.end, tz)}`
      : '';
  return `This time overlaps ${conflicting.title ? `${kind} “${what}”` : what}${when}. Choose another time or a shorter duration.`;
}
