import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useAuth } from '../../../lib/auth/AuthProvider.jsx';
import { Field } from '../../../components/Field.jsx';
import { tryAgainText } from '../../../utils/time.js';
import { AuthCard } from '../../../components/AuthCard.jsx';
import { setPasswordWithLink } from '../api/account.js';

// The link's token is in the URL fragment (#token=…), which browsers never
// send to a server or in a Referer. It is read once and removed from the
// address bar, so it is not left in the history or shown over a shoulder.
function takeToken() {
  const m = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  if (m && window.history?.replaceState) {
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return m ? m[1] : null;
}

const TEXT = {
  onboarding: {
    title: 'Welcome to vsession',
    intro: 'Choose a password for your account. You will use it with your email address to log in.',
    button: 'Set password and continue',
  },
  password_reset: {
    title: 'Choose a new password',
    intro: 'Setting a new password logs you out everywhere else.',
    button: 'Set new password',
  },
};

export function SetPasswordPage({ purpose }) {
  const { adopt } = useAuth();
  const navigate = useNavigate();
  const [token] = useState(takeToken);
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [errors, setErrors] = useState({});
  const [linkError, setLinkError] = useState(
    token ? null : 'This page needs the link from your email. Open the link again, or ask for a new one.',
  );
  const [busy, setBusy] = useState(false);
  const alertRef = useRef(null);
  const t = TEXT[purpose];

  useEffect(() => {
    if (linkError) alertRef.current?.focus();
  }, [linkError]);

  async function onSubmit(e) {
    e.preventDefault();
    const next = {};
    if (new TextEncoder().encode(password).length < 8) next.password = 'Use at least 8 characters.';
    else if (password !== repeat) next.repeat = 'The two passwords are not the same.';
    setErrors(next);
    if (Object.keys(next).length) return;
    setBusy(true);
    try {
      const user = await setPasswordWithLink(token, password, purpose);
      adopt(user);
      navigate('/dashboard', { replace: true });
    } catch (err) {
      if (err.field === 'token') setLinkError(err.message);
      else if (err.field === 'password') setErrors({ password: err.message });
      else if (err.status === 429) {
        setLinkError(`Too many tries. ${tryAgainText(err.retryAfter)}`);
      } else setLinkError(err.message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthCard>
      <h1>{t.title}</h1>
      <p className="muted">{t.intro}</p>
      {linkError && (
        <div className="alert alert--error" role="alert" tabIndex={-1} ref={alertRef}>
          <p>{linkError}</p>
          <p>
            <Link to="/forgot-password">Get a new link</Link> or <Link to="/login">log in</Link>.
          </p>
        </div>
      )}
      {token && (
        <form onSubmit={onSubmit} noValidate>
          <Field id="set-password" label="New password" hint="At least 8 characters." error={errors.password}>
            {(p) => (
              <input
                {...p}
                type="password"
                autoComplete="new-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                required
              />
            )}
          </Field>
          <Field id="set-password-repeat" label="New password again" error={errors.repeat}>
            {(p) => (
              <input
                {...p}
                type="password"
                autoComplete="new-password"
                value={repeat}
                onChange={(e) => setRepeat(e.target.value)}
                required
              />
            )}
          </Field>
          <button className="btn btn--primary btn--block" type="submit" disabled={busy}>
            {busy ? 'Saving…' : t.button}
          </button>
        </form>
      )}
    </AuthCard>
  );
}
