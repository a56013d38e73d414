import { useState } from 'react';
import { Field } from '../../../components/Field.jsx';
import { ErrorMessage } from '../../../components/Feedback.jsx';
import { browserTimeZone } from '../../../utils/time.js';
import { useAddClient } from '../api/clients.js';

// A partner adds a client by name and email. The client is emailed a link to
// choose a password (or, with an account already, told that they were added).
export function AddClientForm({ partnerId }) {
  const add = useAddClient(partnerId);
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [timezone, setTimezone] = useState('');
  const [local, setLocal] = useState({});
  const [done, setDone] = useState(null);
  const errors = { ...(add.error?.field ? { [add.error.field]: add.error.message } : {}), ...local };

  async function onSubmit(e) {
    e.preventDefault();
    setDone(null);
    const bad = {};
    if (!name.trim()) bad.name = 'Enter the client’s name.';
    if (!/^[^@\s]+@[^@\s]+$/.test(email.trim())) bad.email = 'Enter an email address such as sam@example.com.';
    setLocal(bad);
    if (Object.keys(bad).length) return;
    try {
      const body = { name: name.trim(), email: email.trim() };
      if (timezone.trim()) body.timezone = timezone.trim();
      const c = await add.mutateAsync(body);
      setDone(`${c.name} was added. We emailed ${c.email} an invitation.`);
      setName('');
      setEmail('');
      setTimezone('');
    } catch {
      // shown through add.error
    }
  }

  if (!open) {
    return (
      <div className="button-row">
        <button type="button" className="btn btn--primary btn--small" onClick={() => setOpen(true)}>
          Add a client
        </button>
        {done && (
          <p className="success-line" role="status">
            {done}
          </p>
        )}
      </div>
    );
  }

  return (
    <form className="add-client" onSubmit={onSubmit} noValidate aria-labelledby="add-client-h">
      <h3 id="add-client-h">Add a client</h3>
      <p className="muted">They get an email with a link to choose a password. The link works for 7 days.</p>
      <div className="field-row">
        <Field id="add-client-name" label="Name" error={errors.name}>
          {(p) => <input {...p} type="text" autoComplete="off" maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field id="add-client-email" label="Email address" error={errors.email}>
          {(p) => <input {...p} type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} />}
        </Field>
      </div>
      <Field
        id="add-client-timezone"
        label="Time zone (optional)"
        hint={`An IANA zone such as America/New_York. Leave it empty to use yours (${browserTimeZone()}); the client can change it later.`}
        error={errors.timezone}
      >
        {(p) => <input {...p} type="text" autoComplete="off" value={timezone} onChange={(e) => setTimezone(e.target.value)} />}
      </Field>
      {add.error && !add.error.field && <ErrorMessage error={add.error} />}
      {done && (
        <p className="success-line" role="status">
          {done}
        </p>
      )}
      <div className="button-row">
        <button type="submit" className="btn btn--primary" disabled={add.isPending}>
          {add.isPending ? 'Adding…' : 'Add and send invitation'}
        </button>
        <button
          type="button"
          className="btn btn--ghost"
          onClick={() => {
            setOpen(false);
            setLocal({});
            add.reset();
          }}
        >
          Close
        </button>
      </div>
    </form>
  );
}
