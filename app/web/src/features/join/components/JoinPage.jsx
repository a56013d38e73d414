// /join/:id — the way into a session, for the partner, the client, and (with
// ?invite=<token>) a guest without an account.
//
// Logged in:  details → password (client, when the session has one) →
//             countdown until the window opens (15 min before) →
//             camera/microphone check → POST …/join → Jitsi full screen.
// Guest:      name + password → POST /api/join/:id → camera/microphone check →
//             Jitsi full screen.
// Public Jitsi mode: a join answered 202 {waiting} holds the client or guest
// in our waiting room; the page beats faster and joins again as soon as a
// beat shows the partner in the room.
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
  formatDate,
  formatDuration,
  formatTime,
  formatTimeRange,
  retryMinutes,
  safeTimeZone,
} from '../../../utils/time.js';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.js';
import {
  getPasswordState,
  guestJoin,
  guestPresenceBeat,
  guestPreview,
  joinKeys,
  joinSession,
  presenceBeat,
  useJoinSession,
  verifyPassword,
} from '../api/join.js';
import { otherPresenceText, partnerInRoom, partnerPresenceText, usePresence } from './usePresence.js';
import { WaitingRoom } from './WaitingRoom.jsx';
import { useLatest } from '../../../components/useLatest.js';
import { PRESENCE_BEAT_MS, WAITING_BEAT_MS } from '../../../lib/timing.js';
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
            {formatDate(session.session_date, tz)}
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

/** "Dr Rivers is here" for the client or guest, "Sam is waiting · 2 min" for the partner. */
export function PresenceLine({ present, role, partnerName, dark = false }) {
  const now = useNow(30000);
  if (!present) return null;
  if (role === 'partner') {
    const text = otherPresenceText(present, now);
    return (
      <p className={`presence-line${dark ? ' presence-line--dark' : ''}`} role="status" data-testid="presence">
        {text || 'Your client has not opened the session yet.'}
      </p>
    );
  }
  const p = partnerPresenceText(present, partnerName);
  return (
    <p
      className={`presence-line${p.here ? ' presence-line--here' : ''}${dark ? ' presence-line--dark' : ''}`}
      role="status"
      data-testid="presence"
    >
      <span className="presence-line__dot" aria-hidden="true" /> {p.text}
    </p>
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
  // 202 from the join: held in our waiting room until the partner is in the room
  const [held, setHeld] = useState(false);
  const isClient = user.role === 'client';
  const isMember = user.role === 'client' || user.role === 'partner';
  // The server remembers a passed password check until the session ends: a reload does not ask again.
  const pwState = useQuery({
    queryKey: [...joinKeys.session(id), 'password-state'],
    queryFn: () => getPasswordState(id),
    enabled: isClient && Boolean(session?.password_enabled),
    retry: false, // unknown is the same as not verified: the password form is the way on
  });
  // The partner's way to reach the client when the room does not open.
  const clients = useQuery({
    queryKey: ['join', 'contact', user.id],
    queryFn: () => api.get(`/partners/${user.id}/clients`),
    enabled: user.role === 'partner' && Boolean(joinInfo),
  });
  const live = session ? joinState(session, now).state : null;
  const present = usePresence((place) => presenceBeat(id, place), joinInfo ? 'room' : 'waiting', {
    enabled: isMember && Boolean(session) && live !== 'cancelled' && live !== 'ended',
    intervalMs: held ? WAITING_BEAT_MS : PRESENCE_BEAT_MS,
  });

  async function onJoin() {
    setBusy(true);
    setJoinError(null);
    try {
      const info = await joinSession(id);
      setHeld(Boolean(info?.waiting));
      if (!info?.waiting) setJoinInfo(info);
    } catch (err) {
      setHeld(false);
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
  // The partner is in the room: join again (each new beat answer tries once more).
  const onJoinRef = useLatest(onJoin);
  useEffect(() => {
    if (held && partnerInRoom(present)) onJoinRef.current();
  }, [held, present, onJoinRef]);

  if (joinInfo) {
    const otherName = user.role === 'partner' ? session?.user?.name : session?.partner?.name;
    const email = clients.data?.clients?.find((c) => c.id === session?.user_id)?.email;
    return (
      <MeetingRoom
        join={joinInfo}
        title={session?.title}
        otherName={otherName}
        contact={email ? `email ${email}, or call them.` : null}
        onLeave={() => navigate('/dashboard', { replace: true })}
      >
        <PresenceLine present={present} role={user.role} partnerName={session?.partner?.name} dark />
      </MeetingRoom>
    );
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
  const needsPassword = isClient && session.password_enabled && !verified && !pwState.data?.verified;
  const serverLock = pwState.data?.locked_until ? Date.parse(pwState.data.locked_until) : null;
  const lockUntil = lockedUntil ?? (serverLock && serverLock > now ? serverLock : null);

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

  let body;
  if (user.role === 'admin') {
    body = <p className="alert alert--warn">Administrators cannot join video sessions.</p>;
  } else if (js.state === 'cancelled') {
    body = <p className="alert alert--warn">This session was cancelled.</p>;
  } else if (js.state === 'ended') {
    body = <p className="alert alert--info">This session has ended.</p>;
  } else if (needsPassword && pwState.isPending) {
    body = <Loading label="Checking the session password…" />;
  } else if (needsPassword) {
    body = (
      <PasswordForm
        onSubmit={onPassword}
        error={pwError || (lockUntil && !pwError ? `Too many wrong attempts. Try again at ${formatTime(lockUntil, tz)}.` : null)}
        busy={busy}
        lockedUntil={lockUntil}
      >
        <h2>Enter the session password</h2>
      </PasswordForm>
    );
  } else if (js.state === 'too_early') {
    body = <Countdown session={session} tz={tz} now={now} />;
  } else if (held) {
    body = (
      <>
        {joinError && <ErrorMessage error={joinError} />}
        <WaitingRoom partnerName={session.partner?.name} present={present} />
      </>
    );
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
      {js.state !== 'cancelled' && js.state !== 'ended' && !held && (
        <PresenceLine present={present} role={user.role} partnerName={session.partner?.name} />
      )}
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
  // 202 from the join: held in our waiting room until the partner is in the room
  const [held, setHeld] = useState(false);
  const retryTimer = useRef(null);
  const now = useNow(lockedUntil ? 1000 : 30000);
  useEffect(() => () => clearTimeout(retryTimer.current), []);
  // What the invite leads to, before the guest types anything; the token goes in a POST body.
  const preview = useQuery({ queryKey: ['join', 'preview', id], queryFn: () => guestPreview(id, invite), retry: false });
  const info = preview.data;
  const previewLive = info ? joinState(info, now).state : null;
  const present = usePresence((place) => guestPresenceBeat(id, { invite, name: name.trim(), place }), inMeeting ? 'room' : 'waiting', {
    enabled: (Boolean(joinInfo) || held) && !left && previewLive !== 'ended' && previewLive !== 'cancelled',
    intervalMs: held ? WAITING_BEAT_MS : PRESENCE_BEAT_MS,
  });

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
      setHeld(Boolean(info?.waiting));
      if (!info?.waiting) setJoinInfo(info);
    } catch (err) {
      setHeld(false);
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

  // The partner is in the room: join again (each new beat answer tries once more).
  const submitRef = useLatest(submit);
  useEffect(() => {
    if (held && partnerInRoom(present)) submitRef.current();
  }, [held, present, submitRef]);

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
  if (joinInfo && inMeeting)
    return (
      <MeetingRoom join={joinInfo} title={info?.title || 'Video session'} otherName={info?.partner?.name} onLeave={() => setLeft(true)}>
        <PresenceLine present={present} role="guest" partnerName={info?.partner?.name} dark />
      </MeetingRoom>
    );

  if (preview.error?.status === 404) {
    return (
      <JoinShell>
        <h1>This invite link is not valid any more</h1>
        <p>The session may have ended, or your therapist made a new link. Ask your therapist for a new one.</p>
      </JoinShell>
    );
  }

  const pwHint = !info
    ? 'The 6-digit code from your invitation, if you received one.'
    : info.password_enabled
      ? 'This session needs the 6-digit code from your invitation.'
      : null;

  return (
    <JoinShell>
      <h1>Join your video session</h1>
      {info ? (
        <section className="join-details" aria-label="Your session">
          <dl className="details-list">
            <div>
              <dt>Session</dt>
              <dd data-testid="guest-title">{info.title}</dd>
            </div>
            <div>
              <dt>With</dt>
              <dd>{info.partner.name}</dd>
            </div>
            <div>
              <dt>When</dt>
              <dd data-testid="guest-when">
                {formatDate(info.session_date, tz)}
                <br />
                <span className="muted">
                  {formatTimeRange(info.session_date, info.end_date, tz)} · {formatDuration(info.duration_minutes)}
                </span>
              </dd>
            </div>
          </dl>
          {previewLive === 'cancelled' && <p className="alert alert--warn">This session was cancelled.</p>}
        </section>
      ) : (
        preview.isPending && <Loading label="Loading your session…" />
      )}
      <p className="muted">You were invited as a guest. Times are shown in your time zone, {tz}.</p>
      {joinInfo && <PresenceLine present={present} role="guest" partnerName={info?.partner?.name} />}
      {joinInfo ? (
        <DeviceCheck onContinue={() => setInMeeting(true)} />
      ) : held ? (
        <WaitingRoom partnerName={info?.partner?.name} present={present} />
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
          {pwHint !== null && <SessionPasswordField hint={pwHint} value={password} onChange={setPassword} error={errors.password} />}
          <button type="submit" className="btn btn--primary btn--block" disabled={busy || (lockedUntil && Date.now() < lockedUntil)}>
            {busy ? 'Checking…' : 'Continue'}
          </button>
        </form>
      )}
    </JoinShell>
  );
}
