// The partner's Overview: counts, today's remaining sessions and the next ones.
import { ErrorMessage, Loading } from '../../../components/Feedback.jsx';
import { TabPanel } from '../../../components/Tabs.jsx';
import { formatDate } from '../../../utils/time.js';
import { SessionList } from '../../../features/video-sessions/components/SessionItem.jsx';

export function OverviewTab({ sessions, today, next, upcoming, clients, tz, now, handlers }) {
  const loading = sessions.isPending;
  return (
    <TabPanel idPrefix="partner" id="overview">
      <div className="stats">
        <div className="stat">
          <span className="stat__value">{loading ? '–' : today.length}</span>
          <span className="stat__label">sessions left today</span>
        </div>
        <div className="stat">
          <span className="stat__value">{loading ? '–' : upcoming.length}</span>
          <span className="stat__label">upcoming sessions</span>
        </div>
        <div className="stat">
          <span className="stat__value">{clients.data ? clients.data.length : '–'}</span>
          <span className="stat__label">clients</span>
        </div>
      </div>
      <ErrorMessage error={sessions.error} onRetry={sessions.refetch} />
      {loading ? (
        <Loading label="Loading sessions…" />
      ) : (
        <div className="overview-grid">
          <section aria-labelledby="ov-today">
            <h2 id="ov-today">Today · {formatDate(now, tz)}</h2>
            <SessionList sessions={today} tz={tz} now={now} role="partner" empty="No more sessions today." {...handlers} />
          </section>
          <section aria-labelledby="ov-next">
            <h2 id="ov-next">Next sessions</h2>
            <SessionList sessions={next} tz={tz} now={now} role="partner" empty="Nothing scheduled after today." {...handlers} />
          </section>
        </div>
      )}
    </TabPanel>
  );
}
