// The partner's dashboard: Overview, Video Sessions, Calendar, Clients. It
// owns the data the tabs share (clients, sessions) and the dialogs (schedule,
// edit, delete, guest link, appointment, "what to add in this slot").
import { Suspense, lazy, useCallback, useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useAuth } from '../../auth/components/AuthProvider.jsx';
import { Tabs, TabPanel } from '../../../components/Tabs.jsx';
import { ConfirmDialog, Modal } from '../../../components/Modal.jsx';
import { CopyButton } from '../../../components/CopyButton.jsx';
import { ErrorMessage, Loading } from '../../../components/Feedback.jsx';
import { useAsync } from '../../../lib/useAsync.js';
import { useNow } from '../../../components/useNow.js';
import { groupByDay, todayAndNext } from '../../../utils/sessions.js';
import { formatDate, formatDateTime, formatTimeRange, safeTimeZone, utcToZonedInputs } from '../../../utils/time.js';
import { listClients } from '../../clients/api/clients.js';
import { ClientsTab } from '../../clients/components/ClientsTab.jsx';
import { createInvite, deleteSession, getSession, listAll, listPartnerSessions } from '../../video-sessions/api/video-sessions.js';
import { SessionList } from '../../video-sessions/components/SessionItem.jsx';
import { VideoSessionModal } from '../../video-sessions/components/VideoSessionModal.jsx';
import { AppointmentModal } from '../../calendar/components/AppointmentModal.jsx';
import { getAppointment } from '../../calendar/api/calendar.js';

// FullCalendar is the biggest dependency: it loads with the Calendar tab.
const PartnerCalendar = lazy(() => import('../../calendar/components/PartnerCalendar.jsx').then((m) => ({ default: m.PartnerCalendar })));

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
  const now = useNow(1000);
  const [dialog, setDialog] = useState(null);
  const [calendarVersion, setCalendarVersion] = useState(0);
  const [pastLimit, setPastLimit] = useState(20);
  const [actionError, setActionError] = useState(null);

  const clients = useAsync(() => listClients(user.id), [user.id]);
  const sessions = useAsync(async () => {
    const [upcoming, past] = await Promise.all([
      listAll((q) => listPartnerSessions(user.id, q), { when: 'upcoming' }),
      listPartnerSessions(user.id, { when: 'past', limit: 100 }).then((d) => d.video_sessions || []),
    ]);
    return { upcoming, past };
  }, [user.id]);

  const reloadSessions = sessions.reload;
  const refresh = useCallback(() => {
    reloadSessions();
    setCalendarVersion((v) => v + 1);
  }, [reloadSessions]);

  const upcoming = useMemo(() => sessions.data?.upcoming || [], [sessions.data]);
  const past = useMemo(() => sessions.data?.past || [], [sessions.data]);
  const { today, next } = useMemo(() => todayAndNext(upcoming, tz, now), [upcoming, tz, now]);
  const upcomingGroups = useMemo(() => groupByDay(upcoming, tz, now), [upcoming, tz, now]);

  async function openEdit(sessionOrId) {
    setActionError(null);
    try {
      const id = typeof sessionOrId === 'object' ? sessionOrId.id : sessionOrId;
      const fresh = await getSession(id);
      setDialog({ kind: 'session', session: fresh });
    } catch (err) {
      setActionError(err);
    }
  }

  async function openAppointment(id, fcEvent) {
    setActionError(null);
    try {
      const start = new Date(Date.parse(fcEvent.startStr || fcEvent.start) - 60000).toISOString();
      const end = new Date(Date.parse(fcEvent.endStr || fcEvent.end || fcEvent.start) + 60000).toISOString();
      const appointment = await getAppointment(user.id, id, start, end);
      if (appointment) setDialog({ kind: 'appointment', appointment });
    } catch (err) {
      setActionError(err);
    }
  }

  async function openInvite(session) {
    setActionError(null);
    setDialog({ kind: 'invite', session, url: null, busy: true });
    try {
      const { invite_url: url } = await createInvite(session.id);
      setDialog({ kind: 'invite', session, url });
    } catch (err) {
      setDialog({ kind: 'invite', session, error: err.message });
    }
  }

  function onSelectSlot({ start, end, allDay }) {
    const s = allDay ? { date: start.slice(0, 10), time: '09:00' } : utcToZonedInputs(start, tz);
    const e = allDay ? { date: start.slice(0, 10), time: '10:00' } : utcToZonedInputs(end, tz);
    const minutes = allDay ? 60 : Math.round((Date.parse(end) - Date.parse(start)) / 60000);
    setDialog({ kind: 'slot', start: s, end: e, minutes, startIso: allDay ? null : start, endIso: allDay ? null : end });
  }

  async function confirmDelete() {
    const s = dialog.session;
    setDialog({ ...dialog, busy: true, error: null });
    try {
      await deleteSession(s.id);
      setDialog(null);
      refresh();
    } catch (err) {
      setDialog({ ...dialog, busy: false, error: err.message });
    }
  }

  const handlers = {
    onEdit: openEdit,
    onDelete: (s) => setDialog({ kind: 'delete', session: s }),
    onInvite: openInvite,
  };
  const clientList = clients.data || [];
  const newSession = (initial) => setDialog({ kind: 'session', initial: initial || {} });
  const loading = sessions.loading && !sessions.data;

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
      <Tabs label="Dashboard sections" tabs={TABS} active={tab} onChange={(id) => navigate(`/dashboard/${id}`)} idPrefix="partner" />
      <ErrorMessage error={actionError} />

      {tab === 'overview' && (
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
              <span className="stat__value">{clients.data ? clientList.length : '–'}</span>
              <span className="stat__label">clients</span>
            </div>
          </div>
          <ErrorMessage error={sessions.error} onRetry={sessions.reload} />
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
      )}

      {tab === 'sessions' && (
        <TabPanel idPrefix="partner" id="sessions">
          <ErrorMessage error={sessions.error} onRetry={sessions.reload} />
          {loading ? (
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
                />
                {past.length > pastLimit && (
                  <button type="button" className="btn btn--small" onClick={() => setPastLimit((n) => n + 20)}>
                    Show more
                  </button>
                )}
              </section>
            </>
          )}
        </TabPanel>
      )}

      {tab === 'calendar' && (
        <TabPanel idPrefix="partner" id="calendar">
          <h2 className="visually-hidden">Calendar</h2>
          <Suspense fallback={<Loading label="Loading the calendar…" />}>
            <PartnerCalendar
              partnerId={user.id}
              timezone={tz}
              version={calendarVersion}
              onSessionClick={openEdit}
              onAppointmentClick={openAppointment}
              onSelectSlot={onSelectSlot}
              onNewSession={() => newSession()}
              onNewAppointment={() => setDialog({ kind: 'appointment', init: {} })}
            />
          </Suspense>
        </TabPanel>
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
          onClose={() => setDialog(null)}
          onSaved={refresh}
        />
      )}
      {dialog?.kind === 'appointment' && (
        <AppointmentModal
          partnerId={user.id}
          appointment={dialog.appointment}
          init={dialog.init}
          clients={clientList}
          timezone={tz}
          onClose={() => setDialog(null)}
          onSaved={refresh}
        />
      )}
      {dialog?.kind === 'delete' && (
        <ConfirmDialog
          title="Delete this session?"
          confirmLabel="Delete session"
          danger
          busy={dialog.busy}
          error={dialog.error}
          onConfirm={confirmDelete}
          onCancel={() => setDialog(null)}
        >
          <p>
            <strong>{dialog.session.title}</strong> with {dialog.session.user?.name} on {formatDateTime(dialog.session.session_date, tz)}{' '}
            will be removed. Its link and password stop working. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
      {dialog?.kind === 'invite' && (
        <Modal
          title="Guest invite link"
          onClose={() => setDialog(null)}
          footer={
            <button type="button" className="btn btn--primary" onClick={() => setDialog(null)}>
              Done
            </button>
          }
        >
          <p>
            For a client without an account. Anyone with this link can join <strong>{dialog.session.title}</strong>
            {dialog.session.password_enabled ? ' with the session password' : ''}. Making a new link revokes the previous one.
          </p>
          {dialog.error && (
            <p className="alert alert--error" role="alert">
              {dialog.error}
            </p>
          )}
          {!dialog.url && !dialog.error && <Loading label="Creating link…" />}
          {dialog.url && (
            <div className="field">
              <label htmlFor="invite-url">Invite link</label>
              <div className="copy-row">
                <input id="invite-url" type="text" readOnly value={dialog.url} onFocus={(e) => e.target.select()} />
                <CopyButton text={dialog.url} label="Copy link" copiedLabel="Invite link copied" />
              </div>
            </div>
          )}
        </Modal>
      )}
      {dialog?.kind === 'slot' && (
        <Modal title="Add to your calendar" onClose={() => setDialog(null)} size="small">
          <p>
            {formatDate(dialog.startIso || `${dialog.start.date}T12:00:00Z`, tz)}
            {dialog.startIso ? `, ${formatTimeRange(dialog.startIso, dialog.endIso, tz)}` : ''}
          </p>
          <div className="choice-buttons">
            <button
              type="button"
              className="btn btn--primary btn--video"
              onClick={() => newSession({ date: dialog.start.date, time: dialog.start.time, duration: dialog.minutes })}
            >
              Video session
            </button>
            <button
              type="button"
              className="btn btn--appointment"
              onClick={() =>
                setDialog({
                  kind: 'appointment',
                  init: { date: dialog.start.date, time: dialog.start.time, endDate: dialog.end.date, endTime: dialog.end.time },
                })
              }
            >
              Appointment
            </button>
          </div>
        </Modal>
      )}
    </main>
  );
}
