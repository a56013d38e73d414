import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.js';

/** The calendar feature's query keys: everything under ['calendar']. */
export const calendarKeys = {
  all: ['calendar'],
  range: (partnerId, from, to) => ['calendar', 'range', partnerId, from, to],
  appointment: (id) => ['calendar', 'appointment', id],
};

export async function getCalendar(partnerId, from, to, signal) {
  const data = await api.get(`/partners/${partnerId}/calendar`, { query: { from, to }, signal });
  return data.events || [];
}

export function getAppointment(id) {
  return api.get(`/appointments/${id}`);
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

/** The events between `from` and `to` (FullCalendar's visible range). */
export function calendarRangeQuery(partnerId, from, to) {
  return queryOptions({
    queryKey: calendarKeys.range(partnerId, from, to),
    queryFn: ({ signal }) => getCalendar(partnerId, from, to, signal),
  });
}

/** One appointment, always read again before it is edited. */
export function appointmentQuery(id) {
  return queryOptions({ queryKey: calendarKeys.appointment(id), queryFn: () => getAppointment(id), staleTime: 0 });
}

// Writes mark every cached calendar range stale.
function useAppointmentMutation(mutationFn) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: calendarKeys.all }),
  });
}

export function useCreateAppointment() {
  return useAppointmentMutation(({ partnerId, body }) => createAppointment(partnerId, body));
}

export function useUpdateAppointment() {
  return useAppointmentMutation(({ id, body }) => updateAppointment(id, body));
}

export function useDeleteAppointment() {
  return useAppointmentMutation((id) => deleteAppointment(id));
}
