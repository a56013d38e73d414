import { useEffect, useRef, useState } from 'react';
import { Field } from '../../../components/Field.jsx';
import { useNow } from '../../../components/useNow.js';
import { retryMinutes } from '../../../utils/time.js';

export const PASSWORD_RE = /^\d{6}$/;

/** Text for a failed password check (403 wrong_password, 429 too_many_attempts). */
export function passwordErrorText(err) {
  if (err?.status === 429) {
    const m = retryMinutes(err.retryAfter);
    return `Too many wrong attempts. Try again in ${m ?? 15} minute${m === 1 ? '' : 's'}.`;
  }
  if (err?.code === 'wrong_password') {
    const left = err.details?.remaining;
    const tries =
      left === 0
        ? ' That was the last try for now: the next one waits 15 minutes, or ask your therapist to reset the attempts.'
        : left === 1
          ? ' 1 try left.'
          : typeof left === 'number'
            ? ` ${left} tries left.`
            : '';
    return `That password is not correct. Check the 6-digit code your therapist sent you and try again.${tries}`;
  }
  return err?.message || 'The password could not be checked. Try again.';
}

/**
 * The digits of what was typed or pasted: "345 427", "345-427" and
 * "345\u00a0427" all give "345427"; at most 6.
 */
export function passwordDigits(text) {
  return String(text).replace(/\D/g, '').slice(0, 6);
}

/**
 * The 6-digit session password field: numeric keypad on phones, one-time-code
 * autofill, digits only (spaces and dashes of a pasted code are dropped, so
 * the field takes more than 6 characters); the error is announced when it
 * appears.
 */
export function SessionPasswordField({
  ref,
  label = 'Session password',
  hint = 'The 6-digit code from your invitation.',
  value,
  onChange,
  error,
  disabled,
}) {
  return (
    <Field id="session-password" label={label} hint={hint} error={error} alertError>
      {(p) => (
        <input
          {...p}
          ref={ref}
          className="password-input"
          type="text"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9]{6}"
          maxLength={16}
          placeholder="••••••"
          value={value}
          onChange={(e) => onChange(passwordDigits(e.target.value))}
          disabled={disabled}
        />
      )}
    </Field>
  );
}

/**
 * The 6-digit session password: numeric keypad on phones, one-time-code
 * autofill, and the server's answer in an alert tied to the field.
 */
export function PasswordForm({ onSubmit, error, busy, lockedUntil, label = 'Session password', submitLabel = 'Continue', children }) {
  const [value, setValue] = useState('');
  const [localError, setLocalError] = useState(null);
  const inputRef = useRef(null);
  // Ticks every second while locked, so the button comes back by itself.
  const now = useNow(lockedUntil ? 1000 : 60000);

  useEffect(() => {
    if (error) inputRef.current?.focus();
  }, [error]);

  const locked = lockedUntil && now < lockedUntil;
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
      <SessionPasswordField
        ref={inputRef}
        label={label}
        value={value}
        onChange={(digits) => {
          setValue(digits);
          setLocalError(null);
        }}
        error={shown}
        disabled={busy}
      />
      <button type="submit" className="btn btn--primary btn--block" disabled={busy || locked}>
        {busy ? 'Checking…' : submitLabel}
      </button>
    </form>
  );
}
