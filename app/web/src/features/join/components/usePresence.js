// Presence beats every PRESENCE_BEAT_MS while the page is open (and once at
// once): the join page reports "waiting", the room "room". Answers the others
// who are there, as the last beat saw them. A failed beat keeps the last
// answer: presence is a courtesy, never a reason to stop someone joining.
import { useEffect, useState } from 'react';
import { useLatest } from '../../../components/useLatest.js';
import { PRESENCE_BEAT_MS } from '../../../lib/timing.js';

export { PRESENCE_BEAT_MS };

export function usePresence(beat, place, { enabled = true, intervalMs = PRESENCE_BEAT_MS } = {}) {
  const [present, setPresent] = useState(null);
  const beatRef = useLatest(beat);
  useEffect(() => {
    if (!enabled) return undefined;
    let stopped = false;
    async function once() {
      try {
        const r = await beatRef.current(place);
        if (!stopped) setPresent(r?.present || []);
      } catch {
        /* keep the last answer */
      }
    }
    once();
    const timer = setInterval(once, intervalMs);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [place, enabled, intervalMs, beatRef]);
  return present;
}

/** True when a beat's answer has the partner in the room: what opens our waiting room. */
export function partnerInRoom(present) {
  return Boolean(present?.some((p) => p.role === 'partner' && p.place === 'room'));
}

/** What the client or guest is told about the partner. */
export function partnerPresenceText(present, partnerName) {
  const name = partnerName || 'Your therapist';
  const partner = present?.find((p) => p.role === 'partner');
  if (!present) return null;
  if (partner) return { here: true, text: `${name} is here.` };
  return { here: false, text: `${name} will let you in shortly. This page tells you when they are here.` };
}

/** What the partner is told about the client or guest. */
export function otherPresenceText(present, now = Date.now()) {
  const other = present?.find((p) => p.role !== 'partner');
  if (!other) return null;
  const min = Math.max(0, Math.floor((now - Date.parse(other.since)) / 60000));
  const first = other.name.split(' ')[0] || other.name;
  return other.place === 'room' ? `${first} is in the room · ${min} min` : `${first} is waiting · ${min} min`;
}
