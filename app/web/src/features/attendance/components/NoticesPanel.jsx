// What the partner's clients told them: a cancellation (late or in good time, with the reason)
// or a request for another time. Each stays on the dashboard until dismissed.
import { formatDateTime } from '../../../utils/time.js';
import { useDismissNotice, usePartnerNotices } from '../api/attendance.js';

export function noticeHeadline(n, tz) {
  const when = n.session_date ? ` on ${formatDateTime(n.session_date, tz)}` : '';
  if (n.kind === 'reschedule_request') return `${n.client.name} asks for another time for ${n.session_title || 'a session'}${when}`;
  return `${n.client.name} cancelled ${n.session_title || 'a session'}${when}${n.late ? ' (late cancellation)' : ''}`;
}

export function NoticesPanel({ partnerId, tz }) {
  const notices = usePartnerNotices(partnerId);
  const dismiss = useDismissNotice(partnerId);
  const list = notices.data || [];
  if (list.length === 0) return null;
  return (
    <section className="notices" aria-labelledby="notices-h" data-testid="notices">
      <h2 id="notices-h">From your clients ({list.length})</h2>
      <ul className="notices__list">
        {list.map((n) => (
          <li key={n.id} className={`notice notice--${n.kind}${n.late ? ' notice--late' : ''}`}>
            <p className="notice__headline">{noticeHeadline(n, tz)}</p>
            {n.message && <p className="notice__message">“{n.message}”</p>}
            <p className="notice__meta muted">{formatDateTime(n.created_at, tz)}</p>
            <button
              type="button"
              className="btn btn--small"
              onClick={() => dismiss.mutate(n.id)}
              disabled={dismiss.isPending}
              aria-label={`Dismiss: ${noticeHeadline(n, tz)}`}
            >
              Dismiss
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
