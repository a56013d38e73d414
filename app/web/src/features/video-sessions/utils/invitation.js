// The text a partner pastes to the client: the time in the CLIENT's zone
// (and the partner's, when they differ, so both can check it), the link and
// what the password step will ask.
import { formatDateTime, formatDuration } from '../../../utils/time.js';

export function invitationText(session, { clientZone, partnerZone, password } = {}) {
  const zone = clientZone || partnerZone || 'UTC';
  const lines = [`You're invited to a video session: ${session.title}`];
  lines.push(`When: ${formatDateTime(session.session_date, zone)}, ${formatDuration(session.duration_minutes)}`);
  if (partnerZone && clientZone && partnerZone !== clientZone)
    lines.push(`(That is ${formatDateTime(session.session_date, partnerZone)} for your therapist.)`);
  if (session.partner?.name) lines.push(`With: ${session.partner.name}`);
  // join_url carries the signed hint that lets the login page name the session
  lines.push(`Join: ${session.join_url || session.meeting_url}`);
  if (password) lines.push(`Password: ${password}`);
  else if (session.password_enabled) lines.push('Password: you will be asked for the 6-digit session password your therapist gave you.');
  else lines.push('No password is needed.');
  lines.push('You can join from 15 minutes before the start, on a computer or phone, in your browser.');
  return lines.join('\n');
}

/** "Saved. Tell Sam about the change?": what changed, in the client's zone. */
export function changeText(session, { clientZone, partnerZone } = {}) {
  return invitationText(session, { clientZone, partnerZone }).replace(
    /^You're invited to a video session: /,
    'Your video session has changed. The new details: ',
  );
}
