import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.js';

/** The clients feature's query keys: everything under ['clients']. */
export const clientKeys = {
  all: ['clients'],
  ofPartner: (partnerId) => ['clients', 'partner', partnerId],
};

export async function listClients(partnerId) {
  const data = await api.get(`/partners/${partnerId}/clients`);
  return data.clients || [];
}

/** The clients linked to a partner. */
export function useClients(partnerId) {
  return useQuery({ queryKey: clientKeys.ofPartner(partnerId), queryFn: () => listClients(partnerId) });
}

/** A partner adds a client by name and email; the client is emailed a link to set a password. */
export function useAddClient(partnerId) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body) => api.post(`/partners/${partnerId}/clients`, body),
    onSuccess: () => qc.invalidateQueries({ queryKey: clientKeys.ofPartner(partnerId) }),
  });
}
