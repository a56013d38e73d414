import { ErrorMessage, Loading } from '../../../components/Feedback.jsx';
import { formatDateTime } from '../../../utils/time.js';
import { useAuth } from '../../../lib/auth/AuthProvider.jsx';
import { AddClientForm } from './AddClientForm.jsx';

export function ClientsTab({ clients, sessions, tz, onSchedule }) {
  const { user } = useAuth();
  if (clients.isPending) return <Loading label="Loading clients…" />;
  const list = clients.data || [];
  const nextFor = (id) => sessions.find((s) => s.user_id === id || s.user?.id === id);
  return (
    <section aria-labelledby="clients-h">
      <h2 id="clients-h">Clients ({list.length})</h2>
      <ErrorMessage error={clients.error} onRetry={clients.refetch} />
      <AddClientForm partnerId={user.id} />
      {list.length === 0 ? (
        <p className="empty">No clients yet. Add one above: they get an email to set up their account.</p>
      ) : (
        <ul className="client-list">
          {list.map((c) => {
            const next = nextFor(c.id);
            return (
              <li key={c.id} className="client-item">
                <div>
                  <h3 className="client-item__name">{c.name}</h3>
                  <p className="muted client-item__email">{c.email}</p>
                  {c.timezone && (
                    <p className="client-item__zone" data-testid="client-zone">
                      Time zone: {c.timezone}
                    </p>
                  )}
                  <p className="client-item__next">
                    {next
                      ? `Next session: ${formatDateTime(next.session_date, tz)}${c.timezone && c.timezone !== tz ? ` (${formatDateTime(next.session_date, c.timezone)} for ${c.name.split(' ')[0]})` : ''}`
                      : 'No upcoming session'}
                  </p>
                  {(c.no_show_count > 0 || c.late_cancel_count > 0) && (
                    <p className="client-item__record" data-testid="client-record">
                      {c.no_show_count > 0 && <span className="tag tag--warn">No-shows: {c.no_show_count}</span>}{' '}
                      {c.late_cancel_count > 0 && <span className="tag tag--warn">Late cancellations: {c.late_cancel_count}</span>}
                    </p>
                  )}
                </div>
                <button
                  type="button"
                  className="btn btn--small"
                  onClick={() => onSchedule(c)}
                  aria-label={`Schedule a session with ${c.name}`}
                >
                  Schedule
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
