// Who is logged in. The cookie is HttpOnly, so the SPA asks GET /api/auth/me
// at start; a 401 from any authenticated call (see lib/api-client) clears the
// user, and the route guard sends the person to the login page. Whenever the
// person changes (login, logout, a login that ended), the query cache is
// emptied so nothing read for one person is shown to the next.
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { onUnauthorized } from '../api-client.js';
import { useLatest } from '../../components/useLatest.js';
import { getMe, login as apiLogin, logout as apiLogout } from './auth-api.js';

const AuthContext = createContext(null);

export function AuthProvider({ children, initialUser }) {
  const [user, setUser] = useState(initialUser ?? null);
  const [status, setStatus] = useState(initialUser === undefined ? 'loading' : 'ready');
  const [expired, setExpired] = useState(false);
  const queryClient = useQueryClient();
  const userRef = useLatest(user);

  useEffect(() => {
    if (initialUser !== undefined) return undefined;
    let live = true;
    getMe()
      .then((me) => live && setUser(me))
      .catch(() => live && setUser(null))
      .finally(() => live && setStatus('ready'));
    return () => {
      live = false;
    };
  }, [initialUser]);

  useEffect(
    () =>
      onUnauthorized(() => {
        // A 401 while someone was logged in means the login ended elsewhere
        // (expired, revoked): say so on the login page.
        if (userRef.current) setExpired(true);
        setUser(null);
        queryClient.clear();
      }),
    [queryClient, userRef],
  );

  const login = useCallback(
    async (email, password) => {
      const u = await apiLogin(email, password);
      queryClient.clear();
      setExpired(false);
      setUser(u);
      return u;
    },
    [queryClient],
  );

  const logout = useCallback(async () => {
    try {
      await apiLogout();
    } finally {
      queryClient.clear();
      setExpired(false);
      setUser(null);
    }
  }, [queryClient]);

  // A login that happened elsewhere than login() (a link from an email), or the
  // caller's own changed details (settings): the user object to show from now on.
  const adopt = useCallback(
    (u) => {
      if (!userRef.current || userRef.current.id !== u.id) queryClient.clear();
      setExpired(false);
      setUser(u);
    },
    [queryClient, userRef],
  );

  const value = useMemo(() => ({ user, status, expired, login, logout, adopt }), [user, status, expired, login, logout, adopt]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth() {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}
