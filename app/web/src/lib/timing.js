// How often the join page and the room talk to the server, in one place.
// Browser tests may shorten them by setting window.__vsessionTiming =
// { presenceBeatMs, waitingBeatMs } before the app loads (Playwright's
// addInitScript), so they need not sit through real 15 s intervals; nothing
// in the product sets it, and only whole positive numbers are taken.
const overrides = (typeof window !== 'undefined' && window.__vsessionTiming) || {};

function pick(value, fallback) {
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

/** A presence beat from the join page and the room. */
export const PRESENCE_BEAT_MS = pick(overrides.presenceBeatMs, 15000);

/**
 * A beat while our waiting room holds a client or guest (public Jitsi mode):
 * faster, so the room opens within a few seconds of the partner entering it.
 */
export const WAITING_BEAT_MS = pick(overrides.waitingBeatMs, 5000);
