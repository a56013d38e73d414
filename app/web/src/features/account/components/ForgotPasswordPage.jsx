import { useState } from 'react';
import { Link } from 'react-router';
import { Field } from '../../../components/Field.jsx';
import { tryAgainText } from '../../../utils/time.js';
import { AuthCard } from '../../../components/AuthCard.jsx';
import { requestPasswordReset } from '../api/account.js';

export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [error, setError] = useState(null);
  const [sent, setSent] = useState(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e) {
    e.preventDefault();
    if (!email.trim()) {
      setError('Enter the email address of your account.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const r = await requestPasswordReset(email.trim());
      setSent(r.message);
    } catch (err) {
      if (err.status === 429) {
        setError(`Too many requests. ${tryAgainText(err.retryAfter)}`);
      } else setError(err.message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthCard>
      <h1>Forgot your password?</h1>
      {sent ? (
        <p className="notice" role="status">
          {sent}
        </p>
      ) : (
        <>
          <p className="muted">We will email you a link to choose a new password.</p>
          <form onSubmit={onSubmit} noValidate>
            <Field id="forgot-email" label="Email address" error={error} alertError>
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
            <button className="btn btn--primary btn--block" type="submit" disabled={busy}>
              {busy ? 'Sending…' : 'Email me a link'}
            </button>
          </form>
        </>
      )}
      <p>
        <Link to="/login">Back to log in</Link>
      </p>
    </AuthCard>
  );
}
