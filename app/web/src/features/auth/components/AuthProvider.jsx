// Who is logged in. The cookie is HttpOnly, so the SPA asks GET /api/auth/me
// at start; a 401 from any authenticated call (see lib/api-client) clears the
// user, and the route guard sends the person to the login page.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { onUnauthorized } from '../../../lib/api-client.js';
import { getMe, login as apiLogin, logout as apiLogout } from '../api/auth.js';

const AuthContext = createContext(null);

export function AuthProvider({ children, initialUser }) {
  const [user, setUser] = useState(initialUser ?? null);
  const [status, setStatus] = useState(initialUser === undefined ? 'loading' : 'ready');
  const [expired, setExpired] = useState(false);
  const userRef = useRef(user);
  userRef.current = user;

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
      }),
    [],
  );

  const login = useCallback(async (email, password) => {
    const u = await apiLogin(email, password);
    setExpired(false);
    setUser(u);
    return u;
  }, []);

  const logout = useCallback(async () => {
    try {
      await apiLogout();
    } finally {
      setExpired(false);
      setUser(null);
    }
  }, []);

  const value = useMemo(() => ({ user, status, expired, login, logout }), [user, status, expired, login, logout]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth() {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}
