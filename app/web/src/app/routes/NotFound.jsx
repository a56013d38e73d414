import { Link } from 'react-router';

export function NotFoundRoute() {
  return (
    <main className="auth-page" id="main">
      <div className="auth-card">
        <h1>Page not found</h1>
        <p>There is nothing at this address.</p>
        <Link className="btn btn--primary" to="/dashboard">
          Go to the dashboard
        </Link>
      </div>
    </main>
  );
}
