// The partner clears a session's password lockout (DELETE /video-sessions/:id/password-lockout):
// after too many wrong session passwords, the client or a guest gets in again at once. The
// server audits each clear. Self-contained: its own request and its own message.
import { useState } from 'react';
import { api } from '../../../lib/api-client.js';

export function clearPasswordLockout(id) {
  return api.del(`/video-sessions/${id}/password-lockout`);
}

export function UnlockPasswordButton({ session, clear = clearPasswordLockout, onCleared }) {
  const [state, setState] = useState({ phase: 'idle', message: '' });
  const busy = state.phase === 'working';

  async function onClick() {
    setState({ phase: 'working', message: '' });
    try {
      await clear(session.id);
      setState({ phase: 'done', message: 'Password attempts reset: your client can try again now.' });
      onCleared?.();
    } catch (err) {
      setState({ phase: 'error', message: err?.message || 'The password attempts could not be reset.' });
    }
  }

  return (
    <>
      <button
        type="button"
        className="btn btn--small"
        onClick={onClick}
        disabled={busy}
        aria-label={`Reset password attempts for ${session.title}`}
      >
        {busy ? 'Resetting…' : 'Reset password attempts'}
      </button>
      <span role="status" aria-live="polite" className={state.phase === 'error' ? 'field__error' : 'muted'}>
        {state.message}
      </span>
    </>
  );
}
