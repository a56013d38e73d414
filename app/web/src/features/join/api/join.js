import { useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.js';

/** The join feature's query keys: everything under ['join']. */
export const joinKeys = {
  all: ['join'],
  session: (id) => ['join', 'session', id],
};

export function getJoinSession(id) {
  return api.get(`/video-sessions/${id}`);
}

/** The session on the join page; its status and times are read again on focus. */
export function useJoinSession(id) {
  return useQuery({ queryKey: joinKeys.session(id), queryFn: () => getJoinSession(id) });
}

export function verifyPassword(id, password) {
  return api.post(`/video-sessions/${id}/verify-password`, { password });
}

export function joinSession(id) {
  return api.post(`/video-sessions/${id}/join`, {});
}

/** Guest join through an invite link: no login; password only when given. */
export function guestJoin(id, { invite, name, password }) {
  const body = { invite, name };
  if (password) body.password = password;
  return api.post(`/join/${id}`, body, { auth: false });
}
