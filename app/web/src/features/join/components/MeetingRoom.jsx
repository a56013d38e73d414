// The video room, full screen, through @jitsi/react-sdk with exactly what the
// join endpoint answered: domain, room, jwt, config, display name. In public
// Jitsi mode (jwt null, password set) the partner's page — the moderator —
// locks the room with the password once it has joined, and the client's page
// answers Jitsi's password prompt with it. Leaving (Jitsi's hang-up or our
// Leave button) calls onLeave.
//
// The room explains itself: when Jitsi's script has not loaded, or the
// conference has not joined within JOIN_TIMEOUT_MS, or Jitsi reports a fatal
// error, the frame gives way to RoomHelp (try again, test the devices, open
// the room in a new tab, reach the other person). A camera or microphone
// refused inside the room gets the browser's own steps in a banner.
//
// In the token modes (the join answer carries a jwt) the partner joins as
// Jitsi's moderator and their page turns Jitsi's lobby on once the room is
// theirs: the client waits in the lobby and the partner admits them. The
// client's page says so in a plain line; the partner's says how to admit.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { JitsiMeeting } from '@jitsi/react-sdk';
import { useLatest } from '../../../components/useLatest.js';
import { deniedSteps } from '../utils/media-help.js';
import { RoomHelp } from './RoomHelp.jsx';

export const JOIN_TIMEOUT_MS = 20000;

export function MeetingRoom({ join, title, onLeave, otherName, contact, children, timeoutMs = JOIN_TIMEOUT_MS }) {
  const apiRef = useRef(null);
  // connecting → joined, or → problem {reason, detail}; attempt remounts the frame
  const [phase, setPhase] = useState({ state: 'connecting', attempt: 0 });
  const [deviceProblem, setDeviceProblem] = useState(null);
  const leftRef = useRef(false);
  const leaveRef = useLatest(onLeave);

  const leave = useCallback(() => {
    if (leftRef.current) return;
    leftRef.current = true;
    const api = apiRef.current;
    apiRef.current = null;
    try {
      api?.dispose?.();
    } catch {
      /* already gone */
    }
    leaveRef.current?.();
  }, [leaveRef]);

  useEffect(
    () => () => {
      try {
        apiRef.current?.dispose?.();
      } catch {
        /* ignore */
      }
      apiRef.current = null;
    },
    [],
  );

  // The watchdog: no join within the limit is a problem to explain.
  useEffect(() => {
    if (phase.state !== 'connecting') return undefined;
    const timer = setTimeout(() => {
      setPhase((p) =>
        p.state === 'connecting' && p.attempt === phase.attempt
          ? { ...p, state: 'problem', reason: typeof window.JitsiMeetExternalAPI === 'function' ? 'timeout' : 'noapi' }
          : p,
      );
    }, timeoutMs);
    return () => clearTimeout(timer);
  }, [phase.state, phase.attempt, timeoutMs]);

  const retry = useCallback(() => {
    try {
      apiRef.current?.dispose?.();
    } catch {
      /* already gone */
    }
    apiRef.current = null;
    // A script that never loaded is not loaded again by the SDK: only a fresh page does.
    if (typeof window.JitsiMeetExternalAPI !== 'function') {
      window.location.reload();
      return;
    }
    setDeviceProblem(null);
    setPhase((p) => ({ state: 'connecting', attempt: p.attempt + 1 }));
  }, []);

  const configOverwrite = useMemo(
    () => ({
      prejoinPageEnabled: false,
      prejoinConfig: { enabled: false },
      disableDeepLinking: true,
      ...(join.config || {}),
    }),
    [join.config],
  );
  const interfaceConfigOverwrite = useMemo(() => ({ MOBILE_APP_PROMO: false, SHOW_JITSI_WATERMARK: false }), []);
  const userInfo = useMemo(() => ({ displayName: join.display_name }), [join.display_name]);

  const onApiReady = useCallback(
    (api) => {
      apiRef.current = api;
      const pw = join.password;
      if (pw) {
        const setPassword = () => api.executeCommand('password', pw);
        // Anyone asked for the room password answers with it.
        api.addListener('passwordRequired', setPassword);
        if (join.moderator) {
          api.addListener('videoConferenceJoined', setPassword);
          api.addListener('participantRoleChanged', (e) => {
            if (e?.role === 'moderator') setPassword();
          });
        }
      }
      if (join.jwt && join.moderator) {
        let lobbyOn = false;
        const lobby = () => {
          if (lobbyOn) return;
          lobbyOn = true;
          api.executeCommand('toggleLobby', true);
        };
        api.addListener('participantRoleChanged', (e) => {
          if (e?.role === 'moderator') lobby();
        });
        // a token with the moderator claim makes the partner the moderator from the start
        api.addListener('videoConferenceJoined', lobby);
      }
      api.addListener('videoConferenceJoined', () => setPhase((p) => ({ state: 'joined', attempt: p.attempt })));
      api.addListener('errorOccurred', (e) => {
        const err = e?.error || e || {};
        if (err.isFatal === false) return;
        setPhase((p) =>
          p.state === 'problem' ? p : { ...p, state: 'problem', reason: 'failed', detail: err.message || err.name || null },
        );
      });
      const onDevice = (kind) => (e) => {
        const type = e?.type || '';
        if (/permission/i.test(type) || /denied|notallowed/i.test(e?.message || '')) setDeviceProblem(kind);
      };
      api.addListener('cameraError', onDevice('camera'));
      api.addListener('micError', onDevice('microphone'));
      api.addListener('videoConferenceLeft', leave);
      api.addListener('readyToClose', leave);
    },
    [join.password, join.moderator, join.jwt, leave],
  );

  return (
    <div className="meeting" role="region" aria-label="Video meeting">
      <div className="meeting__bar">
        <span className="meeting__title">{title || 'Video session'}</span>
        <button type="button" className="btn btn--small btn--danger" onClick={leave}>
          Leave
        </button>
      </div>
      {children}
      <LobbyLine join={join} otherName={otherName} />
      {deviceProblem && (
        <div className="alert alert--warn meeting__alert" role="alert" data-testid="room-device-problem">
          <strong>
            Your {deviceProblem} is blocked, so the other person cannot {deviceProblem === 'camera' ? 'see' : 'hear'} you.
          </strong>
          <ul>
            {deniedSteps().map((s) => (
              <li key={s}>{s.replace(/, then press “Check again”/, '')}</li>
            ))}
          </ul>
          <button type="button" className="btn btn--small" onClick={() => setDeviceProblem(null)}>
            Close
          </button>
        </div>
      )}
      {phase.state === 'problem' && (
        <RoomHelp
          reason={phase.reason}
          detail={phase.detail}
          join={join}
          otherName={otherName}
          contact={contact}
          onRetry={retry}
          onLeave={leave}
        />
      )}
      <div className="meeting__frame" data-testid="meeting-frame" hidden={phase.state === 'problem'}>
        <JitsiMeeting
          key={phase.attempt}
          domain={join.domain}
          roomName={join.room}
          jwt={join.jwt || undefined}
          configOverwrite={configOverwrite}
          interfaceConfigOverwrite={interfaceConfigOverwrite}
          userInfo={userInfo}
          onApiReady={onApiReady}
          onReadyToClose={leave}
          getIFrameRef={(node) => {
            node.style.height = '100%';
            node.style.width = '100%';
          }}
          spinner={MeetingSpinner}
        />
      </div>
    </div>
  );
}

/** The token modes' lobby, in plain words: who lets whom in. */
export function LobbyLine({ join, otherName }) {
  if (!join.jwt) return null;
  if (join.moderator) {
    return (
      <p className="presence-line presence-line--dark" data-testid="lobby-line">
        Your room has a lobby: when {otherName || 'your client'} knocks, Jitsi asks you to admit them.
      </p>
    );
  }
  return (
    <p className="presence-line presence-line--dark" role="status" data-testid="lobby-line">
      {otherName || 'Your therapist'} will let you in. If the video room shows a waiting screen, keep this page open.
    </p>
  );
}

function MeetingSpinner() {
  return (
    <div className="loading loading--dark" role="status">
      <span className="spinner" aria-hidden="true" />
      <span>Connecting to the video room… If it does not open within 20 seconds, this page says what to do.</span>
    </div>
  );
}
