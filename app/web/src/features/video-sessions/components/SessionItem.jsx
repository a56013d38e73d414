// One video session in a list, for a partner or a client, in the viewer's zone.
import { Link } from 'react-router';
import { StatusBadge } from '../../../components/StatusBadge.jsx';
import { CopyButton } from '../../../components/CopyButton.jsx';
import { UnlockPasswordButton } from './UnlockPasswordButton.jsx';
import { presenceText, usePasswordLock } from '../api/presence.js';
import { invitationText } from '../utils/invitation.js';
import { basePath } from '../../../lib/base-path.js';
import { joinState, liveStatus } from '../../../utils/sessions.js';
import { seriesLabel } from '../utils/series.js';
import { formatCountdown, formatDate, formatDuration, formatTime, formatTimeRange } from '../../../utils/time.js';

const OUTCOME_LABEL = { attended: 'Attended', no_show: 'No-show', late_cancel: 'Late cancellation' };

export function timingText(session, now, tz) {
  const js = joinState(session, now);
  if (js.state === 'cancelled') return 'Cancelled';
  if (js.state === 'ended') return 'Ended';
  if (js.msUntilStart > 0) return `Starts in ${formatCountdown(js.msUntilStart)}`;
  return `In progress · ends ${formatTime(js.endsAt, tz)}`;
}

export function JoinButton({ session, now, tz, className = 'btn btn--primary btn--small' }) {
  const js = joinState(session, now);
  const hintId = `join-hint-${session.id}`;
  if (js.canJoin) {
    return (
      <Link className={className} to={`/join/${session.id}`}>
        Join now<span className="visually-hidden"> ({session.title})</span>
      </Link>
    );
  }
  if (js.state !== 'too_early') return null;
  return (
    <>
      <button type="button" className={className} disabled aria-describedby={hintId}>
        Join
      </button>
      <span className="visually-hidden" id={hintId}>
        Joining opens at {formatTime(js.opensAt, tz)}, 15 minutes before the start.
      </span>
    </>
  );
}

/** "Locked until 10:42" and the way to unlock, while a lockout lasts (partner, open sessions). */
function LockState({ session, tz, now }) {
  const open = joinState(session, now).canJoin;
  const lock = usePasswordLock(session.id, open && session.password_enabled);
  const until = lock.data?.locked_until ? Date.parse(lock.data.locked_until) : null;
  if (!until || until <= now) return null;
  return (
    <p className="session-item__lock" data-testid="lock-state">
      <span className="tag tag--warn">Password locked until {formatTime(until, tz)}</span>{' '}
      <UnlockPasswordButton session={session} onCleared={() => lock.refetch()} />
    </p>
  );
}

export function SessionItem({
  session,
  tz,
  now,
  role,
  onEdit,
  onDelete,
  onInvite,
  onCancel,
  onOpenRecord,
  onClientCancel,
  onRequestTime,
  presence = [],
  clientZones = {},
  headingLevel = 3,
}) {
  const status = liveStatus(session, now);
  const H = `h${headingLevel}`;
  const other = role === 'partner' ? session.user?.name : session.partner?.name;
  const editable = role === 'partner' && (status === 'scheduled' || status === 'in_progress');
  const upcoming = status === 'scheduled' || status === 'in_progress';
  const here = presence.filter((p) => p.video_session_id === session.id);
  const clientZone = role === 'partner' ? clientZones[session.user_id] : null;
  const otherZone = clientZone && clientZone !== tz;
  return (
    <li className={`session-item session-item--${status}`} data-session-id={session.id}>
      <div className="session-item__main">
        <H className="session-item__title">{session.title}</H>
        <p className="session-item__who">{role === 'partner' ? `Client: ${other || '—'}` : `With ${other || 'your therapist'}`}</p>
        <p className="session-item__when">
          <time dateTime={session.session_date}>{formatDate(session.session_date, tz)}</time>,{' '}
          {formatTimeRange(session.session_date, session.end_date, tz)} · {formatDuration(session.duration_minutes)}
        </p>
        {otherZone && (
          <p className="session-item__zone muted" data-testid="client-time">
            {(other || 'Client').split(' ')[0]}’s time: {formatTimeRange(session.session_date, session.end_date, clientZone)}
          </p>
        )}
        {here.map((p) => (
          <p key={p.role} className="session-item__presence" role="status" data-testid="row-presence">
            <span className="presence-dot" aria-hidden="true" /> {presenceText(p, now)}
          </p>
        ))}
        {role === 'partner' && upcoming && <LockState session={session} tz={tz} now={now} />}
        {status === 'cancelled' && session.cancel_reason && <p className="session-item__reason">Reason: {session.cancel_reason}</p>}
        {role === 'partner' && session.outcome && (
          <p className="session-item__outcome">
            <span className={`tag${session.outcome === 'attended' ? '' : ' tag--warn'}`}>{OUTCOME_LABEL[session.outcome]}</span>
          </p>
        )}
        <p className="session-item__meta">
          <StatusBadge status={status} />
          {session.series && (
            <span className="session-item__series" data-testid="series-label">
              {seriesLabel(session)}
            </span>
          )}
          {upcoming && <span className="session-item__timing">{timingText(session, now, tz)}</span>}
          {session.password_enabled && <span className="tag">Password protected</span>}
        </p>
      </div>
      <div className="session-item__actions">
        {upcoming && <JoinButton session={session} now={now} tz={tz} />}
        {role === 'partner' && upcoming && session.meeting_url && (
          <CopyButton
            text={() => invitationText(session, { clientZone, partnerZone: tz })}
            label="Copy invitation"
            copiedLabel="Invitation copied"
            aria-label={`Copy invitation for ${session.title}`}
            title={`The link, the time in ${clientZone || tz} and what the password step asks, to paste into a message`}
          />
        )}
        {role === 'partner' && upcoming && onInvite && (
          <button
            type="button"
            className="btn btn--small"
            onClick={() => onInvite(session)}
            aria-label={`Guest link for ${session.title}`}
            aria-describedby={`guest-hint-${session.id}`}
          >
            Guest link
          </button>
        )}
        {upcoming && (
          <a
            className="btn btn--small"
            href={`${basePath()}/api/video-sessions/${session.id}/calendar.ics`}
            download={`video-session-${session.id}.ics`}
            aria-label={`Add to calendar: ${session.title}`}
          >
            Add to calendar
          </a>
        )}
        {editable && onEdit && (
          <button type="button" className="btn btn--small" onClick={() => onEdit(session)} aria-label={`Edit ${session.title}`}>
            Edit
          </button>
        )}
        {editable && onCancel && (
          <button type="button" className="btn btn--small" onClick={() => onCancel(session)} aria-label={`Cancel ${session.title}`}>
            Cancel
          </button>
        )}
        {role === 'partner' && onOpenRecord && !upcoming && (
          <button type="button" className="btn btn--small" onClick={() => onOpenRecord(session)} aria-label={`Open ${session.title}`}>
            Open
          </button>
        )}
        {role === 'client' && session.cancellation && onClientCancel && (
          <button type="button" className="btn btn--small" onClick={() => onClientCancel(session)} aria-label={`Cancel ${session.title}`}>
            Cancel
          </button>
        )}
        {role === 'client' && session.cancellation && onRequestTime && (
          <button
            type="button"
            className="btn btn--small"
            onClick={() => onRequestTime(session)}
            aria-label={`Ask for another time: ${session.title}`}
          >
            Ask for another time
          </button>
        )}
        {role === 'partner' && onDelete && !upcoming && (
          <button
            type="button"
            className="btn btn--small btn--danger-ghost"
            onClick={() => onDelete(session)}
            aria-label={`Delete ${session.title}`}
          >
            Delete
          </button>
        )}
        {role === 'client' && !upcoming && null}
        {role === 'partner' && upcoming && onInvite && (
          <p className="session-item__hint" id={`guest-hint-${session.id}`} data-testid="guest-link-hint">
            Guest link: for someone without an account. They open it, type their name
            {session.password_enabled ? ' and the session password' : ''} and join, no login.
          </p>
        )}
      </div>
    </li>
  );
}

export function SessionList({ sessions, groups, tz, now, role, empty, headingLevel = 3, ...handlers }) {
  if (!sessions?.length && !groups?.length) return <p className="empty">{empty}</p>;
  if (groups) {
    return (
      <div className="session-groups">
        {groups.map((g) => {
          const GH = `h${headingLevel}`;
          return (
            <section key={g.key} className="session-group" aria-labelledby={`group-${role}-${g.key}`}>
              <GH className="session-group__label" id={`group-${role}-${g.key}`}>
                {g.label}
              </GH>
              <ul className="session-list">
                {g.sessions.map((s) => (
                  <SessionItem key={s.id} session={s} tz={tz} now={now} role={role} headingLevel={headingLevel + 1} {...handlers} />
                ))}
              </ul>
            </section>
          );
        })}
      </div>
    );
  }
  return (
    <ul className="session-list">
      {sessions.map((s) => (
        <SessionItem key={s.id} session={s} tz={tz} now={now} role={role} headingLevel={headingLevel} {...handlers} />
      ))}
    </ul>
  );
}
