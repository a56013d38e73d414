// Emails a guest invite: POST /video-sessions/:id/invite with the guest's address (and name).
// The server makes a new link (the previous one stops working) and queues the email in the
// same transaction; onSent gets the new link so the dialog can show it.
import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.js';
import { Field } from '../../../components/Field.jsx';

export function emailInvite(id, email, name) {
  return api.post(`/video-sessions/${id}/invite`, name ? { email, name } : { email });
}

export function InviteByEmail({ session, onSent, send = emailInvite }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const mutation = useMutation({
    mutationFn: () => send(session.id, email.trim(), name.trim()),
    onSuccess: (data) => onSent?.(data.invite_url),
  });
  const fieldError = mutation.error?.status === 422 ? mutation.error.message : undefined;

  function onSubmit(e) {
    e.preventDefault();
    mutation.mutate();
  }

  return (
    <form className="invite-email" onSubmit={onSubmit} noValidate>
      <h3 className="invite-email__title">Email a new link to the guest</h3>
      <Field id="invite-email" label="Guest's email" error={fieldError}>
        {(p) => <input {...p} type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} required />}
      </Field>
      <Field id="invite-name" label="Guest's name (optional)">
        {(p) => <input {...p} type="text" maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <button type="submit" className="btn btn--secondary" disabled={mutation.isPending || !email.trim()}>
        {mutation.isPending ? 'Sending…' : 'Email the link'}
      </button>
      <span role="status" aria-live="polite" className={mutation.isError && !fieldError ? 'field__error' : 'muted'}>
        {mutation.isSuccess
          ? ` Sent to ${email.trim()}: the link above is the new one.`
          : mutation.isError && !fieldError
            ? ` ${mutation.error.message}`
            : ''}
      </span>
    </form>
  );
}
