import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.js';

/** The video-sessions feature's query keys: everything under ['video-sessions']. */
export const videoSessionKeys = {
  all: ['video-sessions'],
  partner: (partnerId) => ['video-sessions', 'partner', partnerId],
  user: (userId) => ['video-sessions', 'user', userId],
  detail: (id) => ['video-sessions', 'detail', id],
};

export function listPartnerSessions(partnerId, query) {
  return api.get(`/partners/${partnerId}/video-sessions`, { query });
}

export function listUserSessions(userId, query) {
  return api.get(`/users/${userId}/video-sessions`, { query });
}

/** Follows next_cursor until the list is complete or `max` items are in. */
export async function listAll(fetchPage, query, max = 500) {
  const all = [];
  let cursor;
  do {
    const page = await fetchPage({ ...query, limit: 100, cursor });
    all.push(...(page.video_sessions || []));
    cursor = page.next_cursor;
  } while (cursor && all.length < max);
  return all;
}

export function getSession(id) {
  return api.get(`/video-sessions/${id}`);
}

export function createSession(body) {
  return api.post('/video-sessions', body);
}

export function updateSession(id, body) {
  return api.put(`/video-sessions/${id}`, body);
}

export function deleteSession(id) {
  return api.del(`/video-sessions/${id}`);
}

export function createInvite(id) {
  return api.post(`/video-sessions/${id}/invite`, {});
}

/** A partner's upcoming sessions (all of them) and the last 100 past ones. */
export function usePartnerSessions(partnerId) {
  return useQuery({
    queryKey: videoSessionKeys.partner(partnerId),
    queryFn: async () => {
      const [upcoming, past] = await Promise.all([
        listAll((q) => listPartnerSessions(partnerId, q), { when: 'upcoming' }),
        listPartnerSessions(partnerId, { when: 'past', limit: 100 }).then((d) => d.video_sessions || []),
      ]);
      return { upcoming, past };
    },
  });
}

/** Every session of a client, past and upcoming. */
export function useUserSessions(userId) {
  return useQuery({
    queryKey: videoSessionKeys.user(userId),
    queryFn: () => listAll((q) => listUserSessions(userId, q), { when: 'all' }),
  });
}

/** One session, always read again (the lists leave out the notes). */
export function sessionQuery(id) {
  return queryOptions({ queryKey: videoSessionKeys.detail(id), queryFn: () => getSession(id), staleTime: 0 });
}

// Writes: each one marks every cached list and session stale, so whatever is
// on screen is read again.
function useSessionMutation(mutationFn) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: videoSessionKeys.all }),
  });
}

export function useCreateSession() {
  return useSessionMutation((body) => createSession(body));
}

export function useUpdateSession() {
  return useSessionMutation(({ id, body }) => updateSession(id, body));
}

/** The partner cancels, with an optional reason the client sees. */
export function cancelSession(id, reason, scope) {
  const body = reason ? { reason } : {};
  if (scope) body.scope = scope; // a series member: "one" or "following"
  return api.post(`/video-sessions/${id}/cancel`, body);
}

export function useCancelSession() {
  return useSessionMutation(({ id, reason, scope }) => cancelSession(id, reason, scope));
}

export function useDeleteSession() {
  return useSessionMutation((id) => deleteSession(id));
}

/** A new guest link revokes the old one; no cached data changes. */
export function useCreateInvite() {
  return useMutation({ mutationFn: (id) => createInvite(id) });
}
