// The client's dashboard: Overview (the next session with a live countdown and
// a Join button that turns on 15 minutes before the start, then the rest of
// the upcoming ones) and Video Sessions (the full list, upcoming and past).
import { useMemo } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useAuth } from '../../auth/components/AuthProvider.jsx';
import { Tabs, TabPanel } from '../../../components/Tabs.jsx';
import { ErrorMessage, Loading } from '../../../components/Feedback.jsx';
import { StatusBadge } from '../../../components/StatusBadge.jsx';
import { useAsync } from '../../../lib/useAsync.js';
import { useNow } from '../../../components/useNow.js';
import { groupByDay, joinState, liveStatus, splitSessions } from '../../../utils/sessions.js';
import { formatCountdown, formatDateTime, formatDuration, formatTime, safeTimeZone } from '../../../utils/time.js';
import { listAll, listUserSessions } from '../../video-sessions/api/video-sessions.js';
import { JoinButton, SessionList } from '../../video-sessions/components/SessionItem.jsx';

const TABS = [
  { id: 'overview', label: 'Overview' },
  { id: 'sessions', label: 'Video Sessions' },
];

export function NextSessionCard({ session, tz, now }) {
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
    </article>
  );
}

export function ClientDashboard() {
  const { user } = useAuth();
  const tz = safeTimeZone(user.timezone);
  const { tab: tabParam } = useParams();
  const tab = TABS.some((t) => t.id === tabParam) ? tabParam : 'overview';
  const navigate = useNavigate();
  const now = useNow(1000);

  const sessions = useAsync(() => listAll((q) => listUserSessions(user.id, q), { when: 'all' }), [user.id]);
  const { upcoming, past } = useMemo(() => splitSessions(sessions.data || [], now), [sessions.data, now]);
  const groups = useMemo(() => groupByDay(upcoming, tz, now), [upcoming, tz, now]);
  const [first, ...rest] = upcoming;
  const loading = sessions.loading && !sessions.data;

  return (
    <main className="dashboard" id="main">
      <div className="dashboard__head">
        <div>
          <h1>Hello, {user.name}</h1>
          <p className="muted">All times in {tz}.</p>
        </div>
      </div>
      <Tabs label="Dashboard sections" tabs={TABS} active={tab} onChange={(id) => navigate(`/dashboard/${id}`)} idPrefix="client" />
      {tab === 'overview' && (
        <TabPanel idPrefix="client" id="overview">
          <h2 className="visually-hidden">Overview</h2>
          <ErrorMessage error={sessions.error} onRetry={sessions.reload} />
          {loading ? (
            <Loading label="Loading your sessions…" />
          ) : first ? (
            <>
              <NextSessionCard session={first} tz={tz} now={now} />
              {rest.length > 0 && (
                <section aria-labelledby="later-h">
                  <h3 id="later-h">Later</h3>
                  <SessionList sessions={rest.slice(0, 5)} tz={tz} now={now} role="client" headingLevel={4} />
                </section>
              )}
            </>
          ) : (
            <p className="empty">You have no upcoming video sessions. Your therapist will schedule one with you.</p>
          )}
        </TabPanel>
      )}
      {tab === 'sessions' && (
        <TabPanel idPrefix="client" id="sessions">
          <ErrorMessage error={sessions.error} onRetry={sessions.reload} />
          {loading ? (
            <Loading label="Loading your sessions…" />
          ) : (
            <>
              <section aria-labelledby="c-upcoming">
                <h2 id="c-upcoming">Upcoming ({upcoming.length})</h2>
                <SessionList groups={groups} tz={tz} now={now} role="client" empty="No upcoming sessions." />
              </section>
              <section aria-labelledby="c-past">
                <h2 id="c-past">Past and cancelled</h2>
                <SessionList sessions={past} tz={tz} now={now} role="client" empty="No past sessions yet." />
              </section>
            </>
          )}
        </TabPanel>
      )}
    </main>
  );
}
