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

/** The client's or partner's view of the password check (tries left, verified, locked until). */
export function getPasswordState(id) {
  return api.get(`/video-sessions/${id}/password-state`);
}

/** What a guest's invite leads to: title, therapist, times, whether a password is needed. */
export function guestPreview(id, invite) {
  return api.post(`/join/${id}/preview`, { invite }, { auth: false });
}

/** One presence beat of a partner or client; answers who else is there. */
export function presenceBeat(id, place) {
  return api.post(`/video-sessions/${id}/presence`, { place });
}

/** One presence beat of a guest. */
export function guestPresenceBeat(id, { invite, name, place }) {
  return api.post(`/join/${id}/presence`, { invite, name, place }, { auth: false });
}
