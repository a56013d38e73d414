import { useQuery } from '@tanstack/react-query';
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
