// The video room, full screen, through @jitsi/react-sdk with exactly what the
// join endpoint answered: domain, room, jwt, config, display name. In public
// Jitsi mode (jwt null, password set) the partner's page — the moderator —
// locks the room with the password once it has joined, and the client's page
// answers Jitsi's password prompt with it. Leaving (Jitsi's hang-up or our
// Leave button) calls onLeave.
import { useCallback, useEffect, useMemo, useRef } from 'react';
import { JitsiMeeting } from '@jitsi/react-sdk';
import { useLatest } from '../../../components/useLatest.js';

export function MeetingRoom({ join, title, onLeave }) {
  const apiRef = useRef(null);
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
      api.addListener('videoConferenceLeft', leave);
      api.addListener('readyToClose', leave);
    },
    [join.password, join.moderator, leave],
  );

  return (
    <div className="meeting" role="region" aria-label="Video meeting">
      <div className="meeting__bar">
        <span className="meeting__title">{title || 'Video session'}</span>
        <button type="button" className="btn btn--small btn--danger" onClick={leave}>
          Leave
        </button>
      </div>
      <div className="meeting__frame" data-testid="meeting-frame">
        <JitsiMeeting
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

function MeetingSpinner() {
  return (
    <div className="loading loading--dark" role="status">
      <span className="spinner" aria-hidden="true" />
      <span>Connecting to the video room…</span>
    </div>
  );
}
