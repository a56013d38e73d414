// A guest link for a session: made when the dialog opens (each new link
// revokes the previous one), shown with a copy button.
import { useEffect, useState } from 'react';
import { Modal } from '../../../components/Modal.jsx';
import { CopyButton } from '../../../components/CopyButton.jsx';
import { Loading } from '../../../components/Feedback.jsx';
import { Field } from '../../../components/Field.jsx';
import { useCreateInvite } from '../api/video-sessions.js';
import { InviteByEmail } from './InviteByEmail.jsx';

export function InviteDialog({ session, onClose }) {
  const invite = useCreateInvite();
  const { mutate } = invite;
  // One link per opening of the dialog: the id is the only dependency.
  useEffect(() => mutate(session.id), [mutate, session.id]);
  const [emailedUrl, setEmailedUrl] = useState(null);
  const url = emailedUrl || invite.data?.invite_url;
  return (
    <Modal
      title="Guest invite link"
      onClose={onClose}
      footer={
        <button type="button" className="btn btn--primary" onClick={onClose}>
          Done
        </button>
      }
    >
      <p>
        For a client without an account. Anyone with this link can join <strong>{session.title}</strong>
        {session.password_enabled ? ' with the session password' : ''}. Making a new link revokes the previous one.
      </p>
      {invite.error && (
        <p className="alert alert--error" role="alert">
          {invite.error.message}
        </p>
      )}
      {!url && !invite.error && <Loading label="Creating link…" />}
      {url && (
        <Field id="invite-url" label="Invite link">
          {(p) => (
            <div className="copy-row">
              <input {...p} type="text" readOnly value={url} onFocus={(e) => e.target.select()} />
              <CopyButton text={url} label="Copy link" copiedLabel="Invite link copied" />
            </div>
          )}
        </Field>
      )}
      {url && <InviteByEmail session={session} onSent={setEmailedUrl} />}
    </Modal>
  );
}
