// The partner's dashboard: Overview, Video Sessions, Calendar, Clients, and
// the dialogs they open (schedule or edit a session, delete it, its guest
// link, an appointment, "what to add in this slot"). It composes the
// video-sessions, calendar and clients features: the data they share comes
// from their queries, and a session written here also marks the calendar stale.
import { useCallback, useMemo, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams } from 'react-router';
import { useAuth } from '../../../lib/auth/AuthProvider.jsx';
import { Tabs, TabPanel } from '../../../components/Tabs.jsx';
import { ErrorMessage } from '../../../components/Feedback.jsx';
import { useNow } from '../../../components/useNow.js';
import { groupByDay, todayAndNext } from '../../../utils/sessions.js';
import { safeTimeZone, utcToZonedInputs } from '../../../utils/time.js';
import { useClients } from '../../../features/clients/api/clients.js';
import { ClientsTab } from '../../../features/clients/components/ClientsTab.jsx';
import { sessionQuery, usePartnerSessions } from '../../../features/video-sessions/api/video-sessions.js';
import { VideoSessionModal } from '../../../features/video-sessions/components/VideoSessionModal.jsx';
import { DeleteSessionDialog } from '../../../features/video-sessions/components/DeleteSessionDialog.jsx';
import { CancelSessionDialog } from '../../../features/video-sessions/components/CancelSessionDialog.jsx';
import { WaitingBanner } from '../../../features/video-sessions/components/WaitingBanner.jsx';
import { usePartnerPresence } from '../../../features/video-sessions/api/presence.js';
import { InviteDialog } from '../../../features/video-sessions/components/InviteDialog.jsx';
import { appointmentQuery, calendarKeys } from '../../../features/calendar/api/calendar.js';
import { AppointmentModal } from '../../../features/calendar/components/AppointmentModal.jsx';
import { OverviewTab } from './OverviewTab.jsx';
import { SessionsTab } from './SessionsTab.jsx';
import { CalendarTab } from './CalendarTab.jsx';
import { SlotDialog } from './SlotDialog.jsx';
import { NoticesPanel } from '../../../features/attendance/components/NoticesPanel.jsx';
import { SessionRecordDialog } from '../../../features/attendance/components/SessionRecordDialog.jsx';
import { usePracticeSettings } from '../../../features/account/api/account.js';

const TABS = [
  { id: 'overview', label: 'Overview' },
  { id: 'sessions', label: 'Video Sessions' },
  { id: 'calendar', label: 'Calendar' },
  { id: 'clients', label: 'Clients' },
];

export function PartnerDashboard() {
  const { user } = useAuth();
  const tz = safeTimeZone(user.timezone);
  const { tab: tabParam } = useParams();
  const tab = TABS.some((t) => t.id === tabParam) ? tabParam : 'overview';
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const now = useNow(1000);
  const [dialog, setDialog] = useState(null);
  const [pastLimit, setPastLimit] = useState(20);
  const [actionError, setActionError] = useState(null);

  const clients = useClients(user.id);
  const sessions = usePartnerSessions(user.id);
  const presence = usePartnerPresence(user.id);
  const practice = usePracticeSettings(user.id, true);
  const waiting = useMemo(() => presence.data || [], [presence.data]);
  const clientZones = useMemo(() => Object.fromEntries((clients.data || []).map((c) => [c.id, c.timezone])), [clients.data]);

  const upcoming = useMemo(() => sessions.data?.upcoming || [], [sessions.data]);
  const past = useMemo(() => sessions.data?.past || [], [sessions.data]);
  const { today, next } = useMemo(() => todayAndNext(upcoming, tz, now), [upcoming, tz, now]);
  const upcomingGroups = useMemo(() => groupByDay(upcoming, tz, now), [upcoming, tz, now]);

  // Video sessions appear on the calendar too.
  const sessionsChanged = useCallback(() => queryClient.invalidateQueries({ queryKey: calendarKeys.all }), [queryClient]);
  const close = () => setDialog(null);

  async function openEdit(sessionOrId) {
    setActionError(null);
    try {
      const id = typeof sessionOrId === 'object' ? sessionOrId.id : sessionOrId;
      const fresh = await queryClient.fetchQuery(sessionQuery(id));
      // a past or cancelled session opens as its record, read-only but for notes and outcome
      if (fresh.status === 'cancelled' || Date.parse(fresh.end_date) <= Date.now()) setDialog({ kind: 'record', session: fresh });
      else setDialog({ kind: 'session', session: fresh });
    } catch (err) {
      setActionError(err);
    }
  }

  async function openAppointment(id) {
    setActionError(null);
    try {
      const appointment = await queryClient.fetchQuery(appointmentQuery(id));
      setDialog({ kind: 'appointment', appointment });
    } catch (err) {
      setActionError(err);
    }
  }

  function onSelectSlot({ start, end, allDay }) {
    const s = allDay ? { date: start.slice(0, 10), time: '09:00' } : utcToZonedInputs(start, tz);
    const e = allDay ? { date: start.slice(0, 10), time: '10:00' } : utcToZonedInputs(end, tz);
    const minutes = allDay ? 60 : Math.round((Date.parse(end) - Date.parse(start)) / 60000);
    setDialog({ kind: 'slot', start: s, end: e, minutes, startIso: allDay ? null : start, endIso: allDay ? null : end });
  }

  const handlers = {
    onEdit: openEdit,
    onDelete: (s) => setDialog({ kind: 'delete', session: s }),
    onCancel: (s) => setDialog({ kind: 'cancel', session: s }),
    onOpenRecord: (s) => setDialog({ kind: 'record', session: s }),
    presence: waiting,
    clientZones,
    onInvite: (s) => {
      setActionError(null);
      setDialog({ kind: 'invite', session: s });
    },
  };
  const clientList = clients.data || [];
  // a new session starts from the practice's default title and duration (settings)
  const newSession = (initial) => {
    const defaults = { title: practice.data?.default_title || undefined, duration: practice.data?.default_duration_minutes };
    const given = Object.fromEntries(Object.entries(initial || {}).filter(([, v]) => v !== undefined));
    setDialog({ kind: 'session', initial: { ...defaults, ...given } });
  };
  const newAppointment = (init) => setDialog({ kind: 'appointment', init: init || {} });

  return (
    <main className="dashboard" id="main">
      <div className="dashboard__head">
        <div>
          <h1>Hello, {user.name}</h1>
          <p className="muted">All times in {tz}.</p>
        </div>
        <button type="button" className="btn btn--primary" onClick={() => newSession()}>
          + Schedule session
        </button>
      </div>
      <WaitingBanner presence={waiting} sessions={upcoming} now={now} />
      <NoticesPanel partnerId={user.id} tz={tz} />
      <Tabs label="Dashboard sections" tabs={TABS} active={tab} onChange={(id) => navigate(`/dashboard/${id}`)} idPrefix="partner" />
      <ErrorMessage error={actionError} />

      {tab === 'overview' && (
        <OverviewTab
          sessions={sessions}
          today={today}
          next={next}
          upcoming={upcoming}
          clients={clients}
          tz={tz}
          now={now}
          handlers={handlers}
        />
      )}
      {tab === 'sessions' && (
        <SessionsTab
          sessions={sessions}
          upcoming={upcoming}
          upcomingGroups={upcomingGroups}
          past={past}
          pastLimit={pastLimit}
          onShowMore={() => setPastLimit((n) => n + 20)}
          tz={tz}
          now={now}
          handlers={handlers}
        />
      )}
      {tab === 'calendar' && (
        <CalendarTab
          partnerId={user.id}
          timezone={tz}
          onSessionClick={openEdit}
          onAppointmentClick={openAppointment}
          onSelectSlot={onSelectSlot}
          onNewSession={() => newSession()}
          onNewAppointment={() => newAppointment()}
        />
      )}
      {tab === 'clients' && (
        <TabPanel idPrefix="partner" id="clients">
          <ClientsTab clients={clients} sessions={upcoming} tz={tz} onSchedule={(c) => newSession({ userId: c.id })} />
        </TabPanel>
      )}

      {dialog?.kind === 'session' && (
        <VideoSessionModal
          session={dialog.session}
          initial={dialog.initial}
          clients={clientList}
          timezone={tz}
          onClose={close}
          onSaved={sessionsChanged}
        />
      )}
      {dialog?.kind === 'appointment' && (
        <AppointmentModal
          partnerId={user.id}
          appointment={dialog.appointment}
          init={dialog.init}
          clients={clientList}
          timezone={tz}
          onClose={close}
        />
      )}
      {dialog?.kind === 'delete' && <DeleteSessionDialog session={dialog.session} tz={tz} onClose={close} onDeleted={sessionsChanged} />}
      {dialog?.kind === 'cancel' && <CancelSessionDialog session={dialog.session} tz={tz} onClose={close} onCancelled={sessionsChanged} />}
      {dialog?.kind === 'invite' && <InviteDialog session={dialog.session} onClose={close} />}
      {dialog?.kind === 'record' && (
        <SessionRecordDialog sessionId={dialog.session.id} title={dialog.session.title} tz={tz} now={now} onClose={close} />
      )}
      {dialog?.kind === 'slot' && (
        <SlotDialog slot={dialog} tz={tz} onVideoSession={newSession} onAppointment={newAppointment} onClose={close} />
      )}
    </main>
  );
}
