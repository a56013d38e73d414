// The client's next session: a live countdown and a Join button that turns on
// 15 minutes before the start.
import { StatusBadge } from '../../../components/StatusBadge.jsx';
import { joinState, liveStatus } from '../../../utils/sessions.js';
import { formatCountdown, formatDateTime, formatDuration, formatTime } from '../../../utils/time.js';
import { JoinButton } from './SessionItem.jsx';

export function NextSessionCard({ session, tz, now, onClientCancel, onRequestTime }) {
  const js = joinState(session, now);
  const status = liveStatus(session, now);
  return (
    <article className="next-card" aria-labelledby="next-title" data-testid="next-session">
      <p className="next-card__eyebrow">Your next session</p>
      <h3 id="next-title" className="next-card__title">
        {session.title}
      </h3>
      <p className="next-card__when">
        {formatDateTime(session.session_date, tz)} · {formatDuration(session.duration_minutes)}
      </p>
      <p className="next-card__who">With {session.partner?.name || 'your therapist'}</p>
      <div className="next-card__countdown" aria-live="off">
        {js.msUntilStart > 0 ? (
          <>
            <span className="next-card__label">Starts in</span>
            <span className="countdown" data-testid="countdown" role="timer">
              {formatCountdown(js.msUntilStart)}
            </span>
          </>
        ) : (
          <StatusBadge status={status} />
        )}
      </div>
      <div className="next-card__actions">
        <JoinButton session={session} now={now} tz={tz} className="btn btn--primary btn--large" />
        {!js.canJoin && js.state === 'too_early' && (
          <p className="field__hint">
            You can join from {formatTime(js.opensAt, tz)} ({tz}), 15 minutes before the start.
          </p>
        )}
        {session.password_enabled && <p className="field__hint">Have the 6-digit password from your therapist ready.</p>}
      </div>
      {session.cancellation && (onClientCancel || onRequestTime) && (
        <div className="next-card__changes">
          {onRequestTime && (
            <button type="button" className="btn btn--small" onClick={() => onRequestTime(session)}>
              Ask for another time
            </button>
          )}
          {onClientCancel && (
            <button type="button" className="btn btn--small" onClick={() => onClientCancel(session)}>
              Cancel this session
            </button>
          )}
        </div>
      )}
    </article>
  );
}
