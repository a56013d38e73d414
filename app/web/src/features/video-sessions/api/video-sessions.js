import { api } from '../../../lib/api-client.js';

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
