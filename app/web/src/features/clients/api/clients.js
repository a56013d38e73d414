import { api } from '../../../lib/api-client.js';

export async function listClients(partnerId) {
  const data = await api.get(`/partners/${partnerId}/clients`);
  return data.clients || [];
}
