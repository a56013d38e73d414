import { api } from '../../../lib/api-client.js';

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
