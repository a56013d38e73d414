import { useEffect, useRef, useState } from 'react';
import { retryMinutes } from '../../../utils/time.js';

export const PASSWORD_RE = /^\d{6}$/;

/** Text for a failed password check (403 wrong_password, 429 too_many_attempts). */
export function passwordErrorText(err) {
  if (err?.status === 429) {
    const m = retryMinutes(err.retryAfter);
    return `Too many wrong attempts. Try again in ${m ?? 15} minute${m === 1 ? '' : 's'}.`;
  }
  if (err?.code === 'wrong_password') {
    return 'That password is not correct. Check the 6-digit code your therapist sent you and try again.';
  }
  return err?.message || 'The password could not be checked. Try again.';
}

/**
 * The 6-digit session password: numeric keypad on phones, one-time-code
 * autofill, and the server's answer in an alert tied to the field.
 */
export function PasswordForm({ onSubmit, error, busy, lockedUntil, label = 'Session password', submitLabel = 'Continue', children }) {
  const [value, setValue] = useState('');
  const [localError, setLocalError] = useState(null);
  const inputRef = useRef(null);
  const [, force] = useState(0);

  useEffect(() => {
    if (!lockedUntil) return undefined;
    const id = setInterval(() => force((n) => n + 1), 1000);
    return () => clearInterval(id);
  }, [lockedUntil]);

  useEffect(() => {
    if (error) inputRef.current?.focus();
  }, [error]);

  const locked = lockedUntil && Date.now() < lockedUntil;
  const shown = localError || error;

  function submit(e) {
    e.preventDefault();
    const digits = value.replace(/\s+/g, '');
    if (!PASSWORD_RE.test(digits)) {
      setLocalError('Enter the 6 digits of the password.');
      inputRef.current?.focus();
      return;
    }
    setLocalError(null);
    onSubmit(digits);
  }

  return (
    <form onSubmit={submit} noValidate className="password-form">
      {children}
      <div className={`field ${shown ? 'field--invalid' : ''}`}>
        <label htmlFor="session-password">{label}</label>
        <input
          ref={inputRef}
          id="session-password"
          className="password-input"
          type="text"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9]{6}"
          maxLength={6}
          placeholder="••••••"
          value={value}
          onChange={(e) => {
            setValue(e.target.value.replace(/\D/g, '').slice(0, 6));
            setLocalError(null);
          }}
          aria-invalid={shown ? true : undefined}
          aria-describedby={`session-password-hint${shown ? ' session-password-error' : ''}`}
          disabled={busy}
        />
        <p className="field__hint" id="session-password-hint">
          The 6-digit code from your invitation.
        </p>
        {shown && (
          <p className="field__error" id="session-password-error" role="alert">
            {shown}
          </p>
        )}
      </div>
      <button type="submit" className="btn btn--primary btn--block" disabled={busy || locked}>
        {busy ? 'Checking…' : submitLabel}
      </button>
    </form>
  );
}
