// What the room says when it does not work: the video service did not load,
// did not connect within the time limit, or refused the connection. Plain
// words, then what the person can do about it: try again, test the camera
// and microphone, open the room in a new tab, or reach the other person.
import { useState } from 'react';
import { DeviceCheck } from './DeviceCheck.jsx';

const WHY = {
  noapi: {
    title: 'The video service did not load',
    text: 'Your browser could not reach the video service. A network that blocks video calls (some workplaces, schools and hotels do), an ad or content blocker, or a dropped connection can cause this.',
  },
  timeout: {
    title: 'The video room is not connecting',
    text: 'The video service loaded, but the room has not opened in 20 seconds. The connection may be slow or blocked.',
  },
  failed: {
    title: 'The video room refused the connection',
    text: 'The video service answered with an error, so the room could not open.',
  },
};

/** A link that opens the same room straight on the video service, in a new tab. */
export function roomUrl(join) {
  const base = `https://${join.domain}/${encodeURI(join.room)}`;
  const query = join.jwt ? `?jwt=${encodeURIComponent(join.jwt)}` : '';
  const hash = `#userInfo.displayName=${encodeURIComponent(JSON.stringify(join.display_name || ''))}&config.prejoinConfig.enabled=false`;
  return `${base}${query}${hash}`;
}

export function RoomHelp({ reason, detail, join, otherName, contact, onRetry, onLeave }) {
  const [testing, setTesting] = useState(false);
  const why = WHY[reason] || WHY.failed;
  return (
    <div className="room-help" data-testid="room-help">
      <div className="room-help__card">
        <h1 id="room-help-h">{why.title}</h1>
        <p>{why.text}</p>
        {detail && <p className="muted">Details from the video service: {detail}</p>}
        <div className="button-row">
          <button type="button" className="btn btn--primary" onClick={onRetry}>
            Try again
          </button>
          <button type="button" className="btn" onClick={() => setTesting((t) => !t)} aria-expanded={testing}>
            Test your camera and microphone
          </button>
          <a className="btn" href={roomUrl(join)} target="_blank" rel="noreferrer noopener">
            Open the room in a new tab
          </a>
        </div>
        {join.password && !join.jwt && (
          <p className="field__hint">
            If the new tab asks for a room password, enter <code>{join.password}</code>.
          </p>
        )}
        {testing && <DeviceCheck onContinue={onRetry} continueLabel="Try the room again" />}
        <h2>Reaching {otherName || 'the other person'}</h2>
        <p data-testid="room-help-contact">
          {contact
            ? `Let ${otherName || 'them'} know the video room does not open: ${contact}`
            : `Let ${otherName || 'them'} know the video room does not open, by phone or the way you usually reach them, and agree to try again or to talk by phone.`}
        </p>
        <p>
          <button type="button" className="btn btn--small" onClick={onLeave}>
            Leave
          </button>
        </p>
      </div>
    </div>
  );
}
