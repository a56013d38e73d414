import { useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.js';

/** Who is waiting for, or in, the partner's current sessions; read again every 15 s. */
export function usePartnerPresence(partnerId, { intervalMs = 15000 } = {}) {
  return useQuery({
    queryKey: ['video-sessions', 'presence', partnerId],
    queryFn: async () => (await api.get(`/partners/${partnerId}/presence`)).presence || [],
    refetchInterval: intervalMs,
    refetchIntervalInBackground: true,
  });
}

/** The password check's state of one session, for its partner: locked until when. */
export function usePasswordLock(sessionId, enabled) {
  return useQuery({
    queryKey: ['video-sessions', 'password-state', sessionId],
    queryFn: () => api.get(`/video-sessions/${sessionId}/password-state`),
    enabled,
    refetchInterval: 15000,
  });
}

/** "Sam is waiting · 2 min", "Sam is in the room · 5 min". */
export function presenceText(p, now = Date.now()) {
  const min = Math.max(0, Math.floor((now - Date.parse(p.since)) / 60000));
  const first = p.name.split(' ')[0] || p.name;
  return p.place === 'room' ? `${first} is in the room · ${min} min` : `${first} is waiting · ${min} min`;
}
