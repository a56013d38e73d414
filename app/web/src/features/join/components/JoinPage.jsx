// /join/:id — the way into a session, for the partner, the client, and (with
// ?invite=<token>) a guest without an account.
//
// Logged in:  details → password (client, when the session has one) →
//             countdown until the window opens (15 min before) →
//             camera/microphone check → POST …/join → Jitsi full screen.
// Guest:      name + password → POST /api/join/:id → camera/microphone check →
//             Jitsi full screen.
// Leaving returns to the dashboard (guests see a short "you left" page).
import { Suspense, lazy, useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useAuth } from '../../../lib/auth/AuthProvider.jsx';
import { Field } from '../../../components/Field.jsx';
import { ErrorMessage, Loading } from '../../../components/Feedback.jsx';
import { StatusBadge } from '../../../components/StatusBadge.jsx';
import { useNow } from '../../../components/useNow.js';
import { joinState, liveStatus } from '../../../utils/sessions.js';
import {
  browserTimeZone,
  formatCountdown,
  formatDateTime,
  formatDuration,
  formatTime,
  formatTimeRange,
  retryMinutes,
  safeTimeZone,
} from '../../../utils/time.js';
import { guestJoin, joinSession, useJoinSession, verifyPassword } from '../api/join.js';
import { DeviceCheck } from './DeviceCheck.jsx';
import { PASSWORD_RE, PasswordForm, SessionPasswordField, passwordErrorText } from './PasswordForm.jsx';
// The Jitsi SDK loads only when someone actually enters a room.
const LazyMeetingRoom = lazy(() => import('./MeetingRoom.jsx').then((m) => ({ default: m.MeetingRoom })));
function MeetingRoom(props) {
  return (
    <Suspense fallback={<Loading label="Opening the video room…" />}>
      <LazyMeetingRoom {...props} />
    </Suspense>
  );
}

function JoinShell({ children, session, tz, now }) {
  return (
    <main className="join-page" id="main">
      <div className="join-card">
        <p className="brand" aria-hidden="true">
          <span className="brand__mark" /> vsession
        </p>
        {session ? <SessionDetails session={session} tz={tz} now={now} /> : null}
        {children}
      </div>
    </main>
  );
}

export function SessionDetails({ session, tz, now }) {
  const status = liveStatus(session, now);
  return (
    <section className="join-details" aria-labelledby="join-title">
      <h1 id="join-title">{session.title}</h1>
      <dl className="details-list">
        <div>
          <dt>When</dt>
          <dd data-testid="join-when">
            {formatDateTime(session.session_date, tz)}
            <br />
            <span className="muted">
              {formatTimeRange(session.session_date, session.end_date, tz)} · {formatDuration(session.duration_minutes)}
            </span>
          </dd>
        </div>
        <div>
          <dt>With</dt>
          <dd>
            {session.partner?.name}
            {session.user?.name ? ` and ${session.user.name}` : ''}
          </dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>
            <StatusBadge status={status} />
          </dd>
        </div>
      </dl>
    </section>
  );
}

function Countdown({ session, tz, now }) {
  const js = joinState(session, now);
  return (
    <section className="join-wait" aria-labelledby="wait-h">
      <h2 id="wait-h">Not open yet</h2>
      <p>
        You can join from <strong>{formatTime(js.opensAt, tz)}</strong> ({tz}), 15 minutes before the start.
      </p>
      <p className="countdown-big">
        <span className="muted">Opens in</span>{' '}
        <span className="countdown" role="timer" data-testid="join-countdown">
          {formatCountdown(js.msUntilOpen)}
        </span>
      </p>
      <p className="field__hint">Keep this page open; it moves on by itself.</p>
    </section>
  );
}

/** The join page of a logged-in partner or client. */
export function MemberJoin() {
  const { id } = useParams();
  const { user } = useAuth();
  const navigate = useNavigate();
  const tz = safeTimeZone(user.timezone);
  const now = useNow(1000);
  const { data: session, error: queryError } = useJoinSession(id);
  // A failed refetch keeps the session already shown.
  const loadError = session ? null : queryError;
  const [verified, setVerified] = useState(false);
  const [pwError, setPwError] = useState(null);
  const [lockedUntil, setLockedUntil] = useState(null);
  const [busy, setBusy] = useState(false);
  const [joinError, setJoinError] = useState(null);
  const [joinInfo, setJoinInfo] = useState(null);

  if (joinInfo) {
    return <MeetingRoom join={joinInfo} title={session?.title} onLeave={() => navigate('/dashboard', { replace: true })} />;
  }

  if (loadError) {
    return (
      <JoinShell>
        <h1>Session not available</h1>
        <ErrorMessage error={loadError.status === 404 ? 'This session does not exist, or it is not yours to join.' : loadError} />
        <Link to="/dashboard" className="btn">
          Back to the dashboard
        </Link>
      </JoinShell>
    );
  }
  if (!session) return <Loading label="Loading the session…" />;

  const js = joinState(session, now);
  const needsPassword = user.role === 'client' && session.password_enabled && !verified;

  async function onPassword(pw) {
    setBusy(true);
    setPwError(null);
    try {
      await verifyPassword(session.id, pw);
      setVerified(true);
    } catch (err) {
      setPwError(passwordErrorText(err));
      if (err.status === 429) setLockedUntil(Date.now() + (retryMinutes(err.retryAfter) ?? 15) * 60000);
    } finally {
      setBusy(false);
    }
  }

  async function onJoin() {
    setBusy(true);
    setJoinError(null);
    try {
      const info = await joinSession(session.id);
      setJoinInfo(info);
    } catch (err) {
      if (err.code === 'wrong_password') {
        setVerified(false);
        setPwError('Please enter the session password again.');
      } else {
        setJoinError(err.status === 429 ? passwordErrorText(err) : err.message);
      }
    } finally {
      setBusy(false);
    }
  }

  let body;
  if (user.role === 'admin') {
    body = <p className="alert alert--warn">Administrators cannot join video sessions.</p>;
  } else if (js.state === 'cancelled') {
    body = <p className="alert alert--warn">This session was cancelled.</p>;
  } else if (js.state === 'ended') {
    body = <p className="alert alert--info">This session has ended.</p>;
  } else if (needsPassword) {
    body = (
      <PasswordForm onSubmit={onPassword} error={pwError} busy={busy} lockedUntil={lockedUntil}>
        <h2>Enter the session password</h2>
      </PasswordForm>
    );
  } else if (js.state === 'too_early') {
    body = <Countdown session={session} tz={tz} now={now} />;
  } else {
    body = (
      <>
        {joinError && <ErrorMessage error={joinError} />}
        <DeviceCheck busy={busy} onContinue={onJoin} />
      </>
    );
  }

  return (
    <JoinShell session={session} tz={tz} now={now}>
      {body}
      <p className="join-back">
        <Link to="/dashboard">Back to the dashboard</Link>
      </p>
    </JoinShell>
  );
}

/** The join page of a guest with an invite link. */
export function GuestJoin({ invite }) {
  const { id } = useParams();
  const tz = browserTimeZone();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState(null);
  const [busy, setBusy] = useState(false);
  const [lockedUntil, setLockedUntil] = useState(null);
  const [joinInfo, setJoinInfo] = useState(null);
  const [inMeeting, setInMeeting] = useState(false);
  const [left, setLeft] = useState(false);
  const retryTimer = useRef(null);
  useNow(lockedUntil ? 1000 : 60000);
  useEffect(() => () => clearTimeout(retryTimer.current), []);

  async function submit(e) {
    e?.preventDefault();
    const errs = {};
    const trimmed = name.trim();
    if (!trimmed) errs.name = 'Enter the name the other person will see.';
    else if ([...trimmed].length > 100) errs.name = 'Use at most 100 characters.';
    if (password && !PASSWORD_RE.test(password)) errs.password = 'The password has 6 digits.';
    setErrors(errs);
    if (Object.keys(errs).length) return;
    setBusy(true);
    setMessage(null);
    try {
      const info = await guestJoin(id, { invite, name: trimmed, password });
      setJoinInfo(info);
    } catch (err) {
      if (err.status === 404)
        setMessage({ kind: 'error', text: 'This invite link is not valid any more. Ask your therapist for a new one.' });
      else if (err.code === 'wrong_password')
        setErrors({ password: password ? passwordErrorText(err) : 'This session needs its 6-digit password.' });
      else if (err.status === 429) {
        setErrors({ password: passwordErrorText(err) });
        setLockedUntil(Date.now() + (retryMinutes(err.retryAfter) ?? 15) * 60000);
      } else if (err.status === 422 && err.field === 'name') setErrors({ name: err.message });
      else if (err.status === 403) {
        // Not open yet (or cancelled): the server's message says when.
        setMessage({ kind: 'wait', text: err.message });
        clearTimeout(retryTimer.current);
        retryTimer.current = setTimeout(() => submit(), 30000);
      } else setMessage({ kind: 'error', text: err.message });
    } finally {
      setBusy(false);
    }
  }

  if (left) {
    return (
      <JoinShell>
        <h1>You left the session</h1>
        <p>You can close this page now.</p>
        <button
          type="button"
          className="btn btn--primary"
          onClick={() => {
            setLeft(false);
            setJoinInfo(null);
            setInMeeting(false);
          }}
        >
          Rejoin
        </button>
      </JoinShell>
    );
  }
  if (joinInfo && inMeeting) return <MeetingRoom join={joinInfo} title="Video session" onLeave={() => setLeft(true)} />;

  return (
    <JoinShell>
      <h1>Join your video session</h1>
      <p className="muted">You were invited as a guest. Times are shown in your time zone, {tz}.</p>
      {joinInfo ? (
        <DeviceCheck onContinue={() => setInMeeting(true)} />
      ) : (
        <form onSubmit={submit} noValidate>
          {message && (
            <p className={`alert ${message.kind === 'wait' ? 'alert--info' : 'alert--error'}`} role="alert">
              {message.text}
              {message.kind === 'wait' && ' This page tries again every 30 seconds.'}
            </p>
          )}
          <Field id="guest-name" label="Your name" hint="Shown to the other person in the call." error={errors.name}>
            {(p) => <input {...p} type="text" autoComplete="name" maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <SessionPasswordField
            hint="The 6-digit code from your invitation, if you received one."
            value={password}
            onChange={setPassword}
            error={errors.password}
          />
          <button type="submit" className="btn btn--primary btn--block" disabled={busy || (lockedUntil && Date.now() < lockedUntil)}>
            {busy ? 'Checking…' : 'Continue'}
          </button>
        </form>
      )}
    </JoinShell>
  );
}
