import { Navigate, useLocation } from 'react-router';
import { useAuth } from './AuthProvider.jsx';
import { Loading } from '../../components/Feedback.jsx';

export function RequireAuth({ children }) {
  const { user, status } = useAuth();
  const location = useLocation();
  if (status === 'loading') return <Loading label="Loading your account…" />;
  if (!user) {
    const next = location.pathname + location.search;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return children;
}
