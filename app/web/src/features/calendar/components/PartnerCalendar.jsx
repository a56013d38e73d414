// The partner's calendar (FullCalendar 7): week and month views in the
// partner's zone, video sessions purple, appointments blue, cancelled
// sessions never shown (the API leaves them out). Clicking a session edits
// it; selecting an empty slot offers to create a session or an appointment
// there. Buttons above the calendar do the same for keyboard users.
import { memo, useCallback, useEffect, useRef, useState } from 'react';
import { matchQuery, useQueryClient } from '@tanstack/react-query';
import FullCalendar from '@fullcalendar/react';
import dayGridPlugin from '@fullcalendar/react/daygrid';
import timeGridPlugin from '@fullcalendar/react/timegrid';
import interactionPlugin from '@fullcalendar/react/interaction';
import classicThemePlugin from '@fullcalendar/react/themes/classic';
import '@fullcalendar/react/skeleton.css';
import '@fullcalendar/react/themes/classic/theme.css';
import '@fullcalendar/react/themes/classic/palette.css';
import { calendarKeys, calendarRangeQuery } from '../api/calendar.js';
import { ErrorMessage } from '../../../components/Feedback.jsx';
import { useLatest } from '../../../components/useLatest.js';
import { utcToZonedInputs } from '../../../utils/time.js';

export const EVENT_COLORS = { video_session: '#6d28d9', appointment: '#1d4ed8' };

export function toCalendarEvent(ev) {
  const isVideo = ev.kind === 'video_session';
  const who = ev.user?.name ? ` · ${ev.user.name}` : '';
  return {
    id: `${ev.kind}-${ev.id}`,
    title: `${isVideo ? 'Video: ' : ''}${ev.title}${who}`,
    start: ev.start,
    end: ev.end,
    color: EVENT_COLORS[ev.kind] || EVENT_COLORS.appointment,
    contrastColor: '#ffffff',
    className: isVideo ? 'ev ev--video' : 'ev ev--appointment',
    extendedProps: { kind: ev.kind, entityId: ev.id, status: ev.status, user: ev.user },
  };
}

function useNarrow(query = '(max-width: 640px)') {
  const get = () => typeof window !== 'undefined' && window.matchMedia?.(query).matches;
  const [narrow, setNarrow] = useState(get);
  useEffect(() => {
    const mq = window.matchMedia?.(query);
    if (!mq) return undefined;
    const on = () => setNarrow(mq.matches);
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, [query]);
  return narrow;
}

// Every option handed to FullCalendar is stable across renders: a new events
// function or options object would make it refetch and redraw (the dashboard
// re-renders every second for its countdowns).
const TITLE_CLASS = 'calendar__title';
const VIEWS = { dayGridMonth: { eventDisplay: 'block' } };
const BUTTON_TEXT = { today: 'Today', timeGridWeek: 'Week', dayGridMonth: 'Month', timeGridDay: 'Day' };
const SLOT_FORMAT = { hour: '2-digit', minute: '2-digit', omitZeroMinute: false, hourCycle: 'h23' };
const EVENT_TIME_FORMAT = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
const TOOLBAR_NARROW = { start: 'prev,next', center: 'title', end: 'timeGridDay,timeGridWeek,dayGridMonth' };
const TOOLBAR_WIDE = { start: 'prev,next today', center: 'title', end: 'timeGridWeek,dayGridMonth' };
const PLUGINS = [classicThemePlugin, dayGridPlugin, timeGridPlugin, interactionPlugin];
const prevHint = (unit) => `Previous ${unit}`;
const nextHint = (unit) => `Next ${unit}`;
const viewHint = (text) => `${text} view`;

export const PartnerCalendar = memo(function PartnerCalendar(props) {
  const { partnerId, timezone, onNewSession, onNewAppointment } = props;
  const handlersRef = useLatest(props);
  const ref = useRef(null);
  const queryClient = useQueryClient();
  const [error, setError] = useState(null);
  const narrow = useNarrow();
  // Open the day an hour before now (in the partner's zone), so the next
  // bookings are in view without scrolling.
  const [scrollTime] = useState(() => {
    const hour = Number(utcToZonedInputs(new Date(), timezone).time.slice(0, 2));
    return `${String(Math.max(0, Math.min(hour - 1, 16))).padStart(2, '0')}:00:00`;
  });

  // FullCalendar asks for the events of the range it shows; each range is one
  // cached query (calendarRangeQuery), read again once it is stale.
  const fetchEvents = useCallback(
    async (info) => {
      try {
        const events = await queryClient.fetchQuery(calendarRangeQuery(partnerId, info.startStr, info.endStr));
        setError(null);
        return events.filter((e) => e.status !== 'cancelled').map(toCalendarEvent);
      } catch (err) {
        setError(err);
        return [];
      }
    },
    [partnerId, queryClient],
  );

  // A write that marks the calendar stale (calendarKeys.all) redraws the
  // range in view: one refetch however many cached ranges it marked.
  useEffect(() => {
    let queued = false;
    return queryClient.getQueryCache().subscribe((event) => {
      if (event.type !== 'updated' || event.action.type !== 'invalidate') return;
      if (!matchQuery({ queryKey: calendarKeys.all }, event.query) || queued) return;
      queued = true;
      queueMicrotask(() => {
        queued = false;
        ref.current?.getApi().refetchEvents();
      });
    });
  }, [queryClient]);

  const onSelect = useCallback(
    (info) => {
      handlersRef.current.onSelectSlot?.({ start: info.startStr, end: info.endStr, allDay: info.allDay });
      info.view.calendar.unselect();
    },
    [handlersRef],
  );

  const onEventClick = useCallback(
    (info) => {
      info.jsEvent?.preventDefault?.();
      const { kind, entityId } = info.event.extendedProps;
      if (kind === 'video_session') handlersRef.current.onSessionClick?.(entityId);
      else handlersRef.current.onAppointmentClick?.(entityId);
    },
    [handlersRef],
  );
  const retry = useCallback(() => ref.current?.getApi().refetchEvents(), []);

  return (
    <div className="calendar">
      <div className="calendar__bar">
        <ul className="legend" aria-label="Legend">
          <li>
            <span className="legend__swatch legend__swatch--video" aria-hidden="true" /> Video session
          </li>
          <li>
            <span className="legend__swatch legend__swatch--appointment" aria-hidden="true" /> Appointment
          </li>
        </ul>
        <div className="calendar__actions">
          <button type="button" className="btn btn--primary btn--small" onClick={onNewSession}>
            Schedule session
          </button>
          <button type="button" className="btn btn--small" onClick={onNewAppointment}>
            Add appointment
          </button>
        </div>
      </div>
      <p className="muted calendar__zone">
        Times in {timezone}. Select an empty slot to add a session or an appointment; select a video session to edit it.
      </p>
      <ErrorMessage error={error} onRetry={retry} />
      <div className="calendar__frame" data-testid="calendar">
        <FullCalendar
          ref={ref}
          plugins={PLUGINS}
          initialView={narrow ? 'timeGridDay' : 'timeGridWeek'}
          headerToolbar={narrow ? TOOLBAR_NARROW : TOOLBAR_WIDE}
          buttonText={BUTTON_TEXT}
          todayHint="Today"
          prevHint={prevHint}
          nextHint={nextHint}
          viewHint={viewHint}
          views={VIEWS}
          toolbarTitleClass={TITLE_CLASS}
          timeZone={timezone}
          locale="en-GB"
          firstDay={1}
          nowIndicator
          allDaySlot={false}
          scrollTime={scrollTime}
          height={narrow ? 620 : 720}
          slotHeaderFormat={SLOT_FORMAT}
          eventTimeFormat={EVENT_TIME_FORMAT}
          selectable
          selectMirror
          events={fetchEvents}
          select={onSelect}
          eventClick={onEventClick}
        />
      </div>
    </div>
  );
});
