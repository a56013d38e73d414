import { useEffect, useRef, useState } from 'react';
import { Link, Navigate, useSearchParams } from 'react-router';
import { useAuth } from '../../../lib/auth/AuthProvider.jsx';
import { tryAgainText } from '../../../utils/time.js';
import { AuthCard } from '../../../components/AuthCard.jsx';
import { Loading } from '../../../components/Feedback.jsx';
import { Field } from '../../../components/Field.jsx';
import { JoinHintHeading, joinTarget } from './JoinHint.jsx';

// Only same-site paths are followed after login (no open redirect).
function safeNext(next) {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/api')) return '/dashboard';
  return next;
}

export function LoginPage() {
  const { user, status, login, expired } = useAuth();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const errorRef = useRef(null);

  useEffect(() => {
    if (error) errorRef.current?.focus();
  }, [error]);

  const joining = joinTarget(safeNext(params.get('next')));
  if (status === 'loading') return <Loading label="Loading…" />;
  if (user) return <Navigate to={safeNext(params.get('next'))} replace />;

  async function onSubmit(e) {
    e.preventDefault();
    if (!email.trim() || !password) {
      setError('Enter your email address and password.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await login(email.trim(), password);
    } catch (err) {
      if (err.status === 429) {
        setError(`Too many login attempts. ${tryAgainText(err.retryAfter)}`);
      } else if (err.status === 401) {
        setError('That email address and password do not match an account.');
      } else {
        setError(err.message);
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthCard>
      {/* From a join link: the session's title and therapist only through the link's signed hint */}
      {joining ? (
        <JoinHintHeading target={joining} />
      ) : (
        <>
          <h1>Log in</h1>
          <p className="muted">Private video sessions with your therapist.</p>
        </>
      )}
      {expired && !error && (
        <p className="notice" role="status">
          Your session has ended. Please log in again.
        </p>
      )}
      <form onSubmit={onSubmit} noValidate>
        <Field id="login-email" label="Email address">
          {(p) => (
            <input
              {...p}
              type="email"
              autoComplete="username"
              inputMode="email"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              required
            />
          )}
        </Field>
        <Field id="login-password" label="Password">
          {(p) => (
            <input
              {...p}
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
          )}
        </Field>
        {error && (
          <p className="alert alert--error" role="alert" tabIndex={-1} ref={errorRef}>
            {error}
          </p>
        )}
        <button className="btn btn--primary btn--block" type="submit" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
      <p className="auth-card__aside">
        <Link to="/forgot-password">Forgot password?</Link>
      </p>
    </AuthCard>
  );
}
