import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.js';
import { videoSessionKeys } from '../../video-sessions/api/video-sessions.js';
import { clientKeys } from '../../clients/api/clients.js';

/** The partner's open notices: a client's cancellation or request for another time. */
export const noticeKeys = { partner: (partnerId) => ['notices', partnerId] };

export function usePartnerNotices(partnerId, enabled = true) {
  return useQuery({
    queryKey: noticeKeys.partner(partnerId),
    queryFn: () => api.get(`/partners/${partnerId}/notices`).then((d) => d.notices || []),
    enabled,
    refetchInterval: 60000,
  });
}

export function useDismissNotice(partnerId) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id) => api.del(`/notices/${id}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: noticeKeys.partner(partnerId) }),
  });
}

// Writes on a session: every cached list and session is read again, and the client list
// (its no-show and late-cancellation counts).
function useSessionWrite(mutationFn) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: videoSessionKeys.all }),
        queryClient.invalidateQueries({ queryKey: clientKeys.all }),
      ]),
  });
}

/** The client cancels their own session (the partner's notice period decides whether it is late). */
export function useClientCancel() {
  return useSessionWrite(({ id, reason }) => api.post(`/video-sessions/${id}/cancel`, reason ? { reason } : {}));
}

/** The client asks for another time. */
export function useRequestAnotherTime() {
  return useMutation({ mutationFn: ({ id, message }) => api.post(`/video-sessions/${id}/reschedule-request`, { message }) });
}

/** The partner restores a cancelled session while its slot is free. */
export function useRestoreSession() {
  return useSessionWrite((id) => api.post(`/video-sessions/${id}/restore`, {}));
}

/** The record after: notes and outcome of an ended session. */
export function useSaveRecord() {
  return useSessionWrite(({ id, body }) => api.put(`/video-sessions/${id}`, body));
}
