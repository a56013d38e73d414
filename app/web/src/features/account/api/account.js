// Accounts: links from email (onboarding, password reset), "forgot password",
// settings and password changes (see app/api/openapi.yaml, tag auth/partners).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.js';

export const accountKeys = {
  mine: ['account', 'settings'],
  practice: (partnerId) => ['account', 'practice', partnerId],
};

/** Sets a password with a link's token; answers like login (the user is in `user`). */
export async function setPasswordWithLink(token, password, purpose) {
  const data = await api.post('/auth/set-password', { token, password, purpose }, { auth: false });
  return data.user;
}

export function requestPasswordReset(email) {
  return api.post('/auth/password-reset', { email }, { auth: false });
}

export function useMySettings() {
  return useQuery({ queryKey: accountKeys.mine, queryFn: () => api.get('/me/settings') });
}

export function useUpdateMySettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body) => api.put('/me/settings', body),
    onSuccess: (data) => qc.setQueryData(accountKeys.mine, data),
  });
}

export function useChangePassword() {
  return useMutation({ mutationFn: (body) => api.post('/auth/password', body) });
}

export function usePracticeSettings(partnerId, enabled) {
  return useQuery({
    queryKey: accountKeys.practice(partnerId),
    queryFn: () => api.get(`/partners/${partnerId}/settings`),
    enabled,
  });
}

export function useUpdatePracticeSettings(partnerId) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body) => api.put(`/partners/${partnerId}/settings`, body),
    onSuccess: (data) => qc.setQueryData(accountKeys.practice(partnerId), data),
  });
}
