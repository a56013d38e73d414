// Our waiting room (public Jitsi mode): the server holds the client or guest
// (202 from the join) until the partner is in the room. The page beats every
// few seconds meanwhile (usePresence); JoinPage joins again as soon as a beat
// shows the partner in the room, so the room opens by itself.
import { partnerInRoom } from './usePresence.js';

export function WaitingRoom({ partnerName, present }) {
  const name = partnerName || 'Your therapist';
  const here = Boolean(present?.some((p) => p.role === 'partner'));
  const opening = partnerInRoom(present);
  let status = `${name} will let you in shortly.`;
  if (opening) status = `${name} is here. Opening the video room…`;
  else if (here) status = `${name} is here and will let you in in a moment.`;
  return (
    <section className="join-wait waiting-room" aria-labelledby="waiting-room-h" data-testid="waiting-room">
      <h2 id="waiting-room-h">You are in the waiting room</h2>
      <p className={`presence-line${here ? ' presence-line--here' : ''}`} role="status" data-testid="waiting-room-status">
        <span className="presence-line__dot" aria-hidden="true" /> {status}
      </p>
      <p className="field__hint">Keep this page open: the video room opens by itself when {name} is ready for you.</p>
    </section>
  );
}
