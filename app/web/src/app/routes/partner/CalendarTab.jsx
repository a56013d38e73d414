// The partner's Calendar tab. FullCalendar is the biggest dependency: it loads
// with this tab.
import { Suspense, lazy } from 'react';
import { Loading } from '../../../components/Feedback.jsx';
import { TabPanel } from '../../../components/Tabs.jsx';

const PartnerCalendar = lazy(() =>
  import('../../../features/calendar/components/PartnerCalendar.jsx').then((m) => ({ default: m.PartnerCalendar })),
);

export function CalendarTab(props) {
  return (
    <TabPanel idPrefix="partner" id="calendar">
      <h2 className="visually-hidden">Calendar</h2>
      <Suspense fallback={<Loading label="Loading the calendar…" />}>
        <PartnerCalendar {...props} />
      </Suspense>
    </TabPanel>
  );
}
