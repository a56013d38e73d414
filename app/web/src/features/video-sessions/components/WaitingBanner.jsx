// The partner's dashboard says who is waiting: "Sam is waiting · 2 min" with
// the way in. When the partner allows it, a newcomer also brings a browser
// notification and a short sound (a tone made on the spot: no file to load).
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { presenceText } from '../api/presence.js';

const PREF_KEY = 'vsession.notify-waiting';

function playTone() {
  const Ctx = window.AudioContext || window.webkitAudioContext;
  if (!Ctx) return;
  try {
    const ctx = new Ctx();
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.15, ctx.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + 0.6);
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 0.6);
    osc.onended = () => ctx.close?.();
  } catch {
    /* sound is a nicety */
  }
}

function readPref() {
  try {
    return window.localStorage.getItem(PREF_KEY) === 'on';
  } catch {
    return false;
  }
}

export function WaitingBanner({ presence, sessions, now }) {
  const [notify, setNotify] = useState(readPref);
  const seen = useRef(null);
  const titleOf = (id) => sessions.find((s) => s.id === id)?.title;

  // A newcomer (a session and person not seen at the last read) is announced once.
  useEffect(() => {
    const keys = new Set(presence.map((p) => `${p.video_session_id}:${p.role}`));
    const before = seen.current;
    seen.current = keys;
    if (!before || !notify) return;
    const fresh = presence.filter((p) => !before.has(`${p.video_session_id}:${p.role}`));
    if (!fresh.length) return;
    playTone();
    if (typeof Notification !== 'undefined' && Notification.permission === 'granted') {
      for (const p of fresh) {
        try {
          new Notification(`${p.name} is waiting`, {
            body: titleOf(p.video_session_id) || 'Video session',
            tag: `vs-${p.video_session_id}`,
          });
        } catch {
          /* some browsers only notify from a service worker */
        }
      }
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- announce on new presence only
  }, [presence]);

  async function toggle() {
    const next = !notify;
    if (next && typeof Notification !== 'undefined' && Notification.permission === 'default') {
      try {
        await Notification.requestPermission();
      } catch {
        /* the sound still plays */
      }
    }
    try {
      window.localStorage.setItem(PREF_KEY, next ? 'on' : 'off');
    } catch {
      /* kept for this page only */
    }
    setNotify(next);
  }

  return (
    <section className="waiting-banner" aria-label="Who is waiting">
      {presence.length > 0 ? (
        <ul className="waiting-banner__list" data-testid="waiting-banner">
          {presence.map((p) => (
            <li key={`${p.video_session_id}:${p.role}`} className="waiting-banner__item">
              <span className="presence-dot" aria-hidden="true" />
              <span>
                <strong>{presenceText(p, now)}</strong>
                {titleOf(p.video_session_id) ? ` — ${titleOf(p.video_session_id)}` : ''}
              </span>
              <Link className="btn btn--primary btn--small" to={`/join/${p.video_session_id}`}>
                Join now<span className="visually-hidden"> ({titleOf(p.video_session_id) || 'video session'})</span>
              </Link>
            </li>
          ))}
        </ul>
      ) : null}
      <button type="button" className="btn btn--small btn--ghost" aria-pressed={notify} onClick={toggle}>
        Sound when someone waits
      </button>
    </section>
  );
}
