// The login page's heading when it comes from a join link. Links the product
// hands out carry a signed hint (/join/42?hint=…); the server answers the
// session's title, the therapist's name and the start for a valid hint only
// (POST /api/join/:id/hint), so the page can say "Log in to join Weekly
// session with Dr Rivers". Without a hint, or when it does not verify, the
// page says only that it leads to a video session.
import { useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.js';
import { browserTimeZone, formatDateTime } from '../../../utils/time.js';

/** {id, hint} from a "next" path of a join link, or null; hint is null when the link has none. */
export function joinTarget(next) {
  const m = /^\/join\/(\d+)(?:\?hint=([0-9]+\.[0-9]+\.[0-9a-f]{32}))?$/.exec(next || '');
  return m ? { id: m[1], hint: m[2] || null } : null;
}

export function JoinHintHeading({ target }) {
  const { id, hint } = target;
  const q = useQuery({
    queryKey: ['join', 'hint', id, hint],
    queryFn: () => api.post(`/join/${id}/hint`, { hint }, { auth: false }),
    enabled: Boolean(hint),
    retry: false,
  });
  const s = q.data;
  return (
    <>
      {s ? (
        <h1 data-testid="login-joining-title">
          Log in to join <em>{s.title}</em> with {s.partner.name}
        </h1>
      ) : (
        <h1>Log in to join your video session</h1>
      )}
      <p className="muted" data-testid="login-joining">
        {s ? `${formatDateTime(s.session_date, browserTimeZone())}. ` : ''}
        After you log in you go straight to the session’s page, where you can check your camera and microphone.
      </p>
    </>
  );
}
