// The client's dashboard: Overview (the next session with a live countdown and
// a Join button that turns on 15 minutes before the start, then the rest of
// the upcoming ones) and Video Sessions (the full list, upcoming and past).
import { useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useAuth } from '../../../lib/auth/AuthProvider.jsx';
import { Tabs, TabPanel } from '../../../components/Tabs.jsx';
import { ErrorMessage, Loading } from '../../../components/Feedback.jsx';
import { useNow } from '../../../components/useNow.js';
import { groupByDay, splitSessions } from '../../../utils/sessions.js';
import { safeTimeZone } from '../../../utils/time.js';
import { useUserSessions } from '../../../features/video-sessions/api/video-sessions.js';
import { SessionList } from '../../../features/video-sessions/components/SessionItem.jsx';
import { NextSessionCard } from '../../../features/video-sessions/components/NextSessionCard.jsx';
import { ClientCancelDialog } from '../../../features/attendance/components/ClientCancelDialog.jsx';
import { RequestTimeDialog } from '../../../features/attendance/components/RequestTimeDialog.jsx';

const TABS = [
  { id: 'overview', label: 'Overview' },
  { id: 'sessions', label: 'Video Sessions' },
];

export function ClientDashboard() {
  const { user } = useAuth();
  const tz = safeTimeZone(user.timezone);
  const { tab: tabParam } = useParams();
  const tab = TABS.some((t) => t.id === tabParam) ? tabParam : 'overview';
  const navigate = useNavigate();
  const now = useNow(1000);

  const sessions = useUserSessions(user.id);
  const { upcoming, past } = useMemo(() => splitSessions(sessions.data || [], now), [sessions.data, now]);
  const groups = useMemo(() => groupByDay(upcoming, tz, now), [upcoming, tz, now]);
  const [first, ...rest] = upcoming;
  const loading = sessions.isPending;
  const [dialog, setDialog] = useState(null);
  const close = () => setDialog(null);
  // the client's own acts on an upcoming session: cancel (under the notice period), ask for another time
  const acts = {
    onClientCancel: (s) => setDialog({ kind: 'cancel', session: s }),
    onRequestTime: (s) => setDialog({ kind: 'request', session: s }),
  };

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
          <ErrorMessage error={sessions.error} onRetry={sessions.refetch} />
          {loading ? (
            <Loading label="Loading your sessions…" />
          ) : first ? (
            <>
              <NextSessionCard session={first} tz={tz} now={now} {...acts} />
              {rest.length > 0 && (
                <section aria-labelledby="later-h">
                  <h3 id="later-h">Later</h3>
                  <SessionList sessions={rest.slice(0, 5)} tz={tz} now={now} role="client" headingLevel={4} {...acts} />
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
          <ErrorMessage error={sessions.error} onRetry={sessions.refetch} />
          {loading ? (
            <Loading label="Loading your sessions…" />
          ) : (
            <>
              <section aria-labelledby="c-upcoming">
                <h2 id="c-upcoming">Upcoming ({upcoming.length})</h2>
                <SessionList groups={groups} tz={tz} now={now} role="client" empty="No upcoming sessions." {...acts} />
              </section>
              <section aria-labelledby="c-past">
                <h2 id="c-past">Past and cancelled</h2>
                <SessionList sessions={past} tz={tz} now={now} role="client" empty="No past sessions yet." />
              </section>
            </>
          )}
        </TabPanel>
      )}
      {dialog?.kind === 'cancel' && <ClientCancelDialog session={dialog.session} tz={tz} onClose={close} />}
      {dialog?.kind === 'request' && <RequestTimeDialog session={dialog.session} tz={tz} onClose={close} />}
    </main>
  );
}
