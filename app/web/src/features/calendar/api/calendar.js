import { api } from '../../../lib/api-client.js';

export async function getCalendar(partnerId, from, to, signal) {
  const data = await api.get(`/partners/${partnerId}/calendar`, { query: { from, to }, signal });
  return data.events || [];
}

export function getAppointment(partnerId, id, from, to) {
  // There is no GET /api/appointments/:id; the range query finds it.
  return api
    .get(`/partners/${partnerId}/appointments`, { query: { from, to } })
    .then((d) => (d.appointments || []).find((a) => a.id === id) || null);
}

export function createAppointment(partnerId, body) {
  return api.post(`/partners/${partnerId}/appointments`, body);
}

export function updateAppointment(id, body) {
  return api.put(`/appointments/${id}`, body);
}

export function deleteAppointment(id) {
  return api.del(`/appointments/${id}`);
}
