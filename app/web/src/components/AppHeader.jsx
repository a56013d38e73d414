import { Link, useNavigate } from 'react-router';
import { useAuth } from '../lib/auth/AuthProvider.jsx';

export function AppHeader() {
  const { user, logout } = useAuth();
  const navigate = useNavigate();
  async function onLogout() {
    await logout();
    navigate('/login', { replace: true });
  }
  return (
    <header className="app-header">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <Link className="brand" to="/dashboard" aria-label="vsession, go to the dashboard">
        <span className="brand__mark" aria-hidden="true" />
        <span>vsession</span>
      </Link>
      {user && (
        <div className="app-header__user">
          <span className="app-header__name">
            {user.name}
            <span className="app-header__zone"> · {user.timezone}</span>
          </span>
          <Link className="btn btn--small btn--ghost" to="/settings">
            Settings
          </Link>
          <button type="button" className="btn btn--small btn--ghost" onClick={onLogout}>
            Log out
          </button>
        </div>
      )}
    </header>
  );
}
