// The partner's Video Sessions: upcoming ones grouped by day, then past and
// cancelled ones, 20 more at a time.
import { ErrorMessage, Loading } from '../../../components/Feedback.jsx';
import { TabPanel } from '../../../components/Tabs.jsx';
import { SessionList } from '../../../features/video-sessions/components/SessionItem.jsx';

export function SessionsTab({ sessions, upcoming, upcomingGroups, past, pastLimit, onShowMore, tz, now, handlers }) {
  return (
    <TabPanel idPrefix="partner" id="sessions">
      <ErrorMessage error={sessions.error} onRetry={sessions.refetch} />
      {sessions.isPending ? (
        <Loading label="Loading sessions…" />
      ) : (
        <>
          <section aria-labelledby="vs-upcoming">
            <h2 id="vs-upcoming">Upcoming ({upcoming.length})</h2>
            <SessionList
              groups={upcomingGroups}
              tz={tz}
              now={now}
              role="partner"
              empty="No upcoming sessions. Schedule one to get started."
              {...handlers}
            />
          </section>
          <section aria-labelledby="vs-past">
            <h2 id="vs-past">Past and cancelled</h2>
            <SessionList
              sessions={past.slice(0, pastLimit)}
              tz={tz}
              now={now}
              role="partner"
              empty="No past sessions yet."
              onDelete={handlers.onDelete}
              onOpenRecord={handlers.onOpenRecord}
            />
            {past.length > pastLimit && (
              <button type="button" className="btn btn--small" onClick={onShowMore}>
                Show more
              </button>
            )}
          </section>
        </>
      )}
    </TabPanel>
  );
}
