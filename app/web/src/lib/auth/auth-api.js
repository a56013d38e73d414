import { api } from '../api-client.js';

// The server sets the HttpOnly cookie on login; the token in the answer is
// deliberately not kept.
export async function login(email, password) {
  const data = await api.post('/auth/login', { email, password }, { auth: false });
  return data.user;
}

export function logout() {
  return api.post('/auth/logout', undefined, { auth: false });
}

export function getMe() {
  return api.get('/auth/me', { auth: false });
}
