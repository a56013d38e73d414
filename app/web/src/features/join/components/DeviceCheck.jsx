// Camera and microphone check before joining: asks for permission, shows a
// preview and a microphone level, and explains what to do when access is
// denied, no device exists or it is busy. Joining without the check is always
// possible. Tracks are stopped before the meeting takes the devices.
import { useEffect, useRef, useState } from 'react';
import { browserName, deniedSteps } from '../utils/media-help.js';

export function describeMediaError(err, partial) {
  const name = err?.name || '';
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') {
    return {
      kind: 'denied',
      title: `Camera and microphone are blocked in ${browserName()}`,
      steps: [
        ...deniedSteps(),
        'You can also join now and allow access later in the meeting; until then the other person cannot see or hear you.',
      ],
    };
  }
  if (name === 'NotFoundError' || name === 'DevicesNotFoundError' || name === 'OverconstrainedError') {
    return {
      kind: 'nodevice',
      title: partial ? `No ${partial === 'audio' ? 'camera' : 'microphone'} found` : 'No camera or microphone found',
      steps: [
        'Connect a headset or webcam (or close the lid of a docked laptop and open it again), then press “Check again”.',
        partial === 'audio'
          ? 'Your microphone works: you can join with audio only.'
          : 'You can join without them and use the chat, but the other person will not hear you.',
      ],
    };
  }
  if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError') {
    return {
      kind: 'busy',
      title: 'Your camera or microphone is in use',
      steps: ['Close other apps or tabs that use the camera (another video call, for example), then press “Check again”.'],
    };
  }
  return {
    kind: 'error',
    title: 'The camera and microphone could not be started',
    steps: ['Press “Check again”, or join without them.', err?.message ? `Details: ${err.message}` : ''].filter(Boolean),
  };
}

function stopStream(stream) {
  stream?.getTracks().forEach((t) => t.stop());
}

export function DeviceCheck({ onContinue, busy, autoStart = true, continueLabel }) {
  const [state, setState] = useState({ phase: 'idle' });
  const streamRef = useRef(null);
  const videoRef = useRef(null);
  const meterRef = useRef(null);
  const audioRef = useRef(null);

  const supported = typeof navigator !== 'undefined' && Boolean(navigator.mediaDevices?.getUserMedia);

  async function check() {
    if (!supported) {
      setState({ phase: 'unsupported' });
      return;
    }
    cleanup();
    setState({ phase: 'requesting' });
    let stream = null;
    let partial = null;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    } catch (err) {
      if (err?.name === 'NotFoundError' || err?.name === 'OverconstrainedError' || err?.name === 'NotReadableError') {
        // Maybe only one of the two is missing or busy.
        for (const only of ['audio', 'video']) {
          try {
            stream = await navigator.mediaDevices.getUserMedia({ [only]: true });
            partial = only;
            break;
          } catch {
            /* try the other */
          }
        }
      }
      if (!stream) {
        setState({ phase: 'failed', info: describeMediaError(err) });
        return;
      }
      setState({ phase: 'partial', info: describeMediaError(err, partial) });
    }
    streamRef.current = stream;
    const cams = stream.getVideoTracks().map((t) => t.label || 'Camera');
    const mics = stream.getAudioTracks().map((t) => t.label || 'Microphone');
    setState((s) => ({ phase: partial ? 'partial' : 'ok', info: s.info, cams, mics }));
  }

  function cleanup() {
    if (audioRef.current) {
      cancelAnimationFrame(audioRef.current.raf);
      audioRef.current.ctx.close?.().catch(() => {});
      audioRef.current = null;
    }
    stopStream(streamRef.current);
    streamRef.current = null;
  }

  // Attach the preview and the level meter once the stream is there.
  useEffect(() => {
    const stream = streamRef.current;
    if (!stream || (state.phase !== 'ok' && state.phase !== 'partial')) return;
    if (videoRef.current && stream.getVideoTracks().length) {
      videoRef.current.srcObject = stream;
      try {
        const playing = videoRef.current.play?.();
        playing?.catch?.(() => {});
      } catch {
        /* autoplay refused: the preview stays still */
      }
    }
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (Ctx && stream.getAudioTracks().length && !audioRef.current) {
      try {
        const ctx = new Ctx();
        const analyser = ctx.createAnalyser();
        analyser.fftSize = 256;
        ctx.createMediaStreamSource(stream).connect(analyser);
        const data = new Uint8Array(analyser.frequencyBinCount);
        const tick = () => {
          analyser.getByteTimeDomainData(data);
          let peak = 0;
          for (const v of data) peak = Math.max(peak, Math.abs(v - 128));
          if (meterRef.current) meterRef.current.style.transform = `scaleX(${Math.min(1, peak / 64)})`;
          audioRef.current.raf = requestAnimationFrame(tick);
        };
        audioRef.current = { ctx, raf: requestAnimationFrame(tick) };
      } catch {
        /* the meter is a nicety */
      }
    }
  }, [state.phase]);

  // The check starts once, when the page opens: asking for the camera is the
  // outside system this effect syncs with, and its first step shows "asking".
  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- see above
    if (autoStart) check();
    return cleanup;
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per mount, not per render of check/cleanup
  }, []);

  function proceed() {
    cleanup();
    onContinue();
  }

  const working = state.phase === 'ok' || state.phase === 'partial';
  return (
    <section className="device-check" aria-labelledby="device-h">
      <h2 id="device-h">Camera and microphone</h2>
      {state.phase === 'idle' && <p>Check that the other person will see and hear you.</p>}
      {state.phase === 'requesting' && <p role="status">Waiting for permission… If your browser asks, choose “Allow”.</p>}
      {state.phase === 'unsupported' && (
        <div className="alert alert--warn" role="alert">
          This browser cannot use a camera or microphone on this page. Use a current Chrome, Edge, Firefox or Safari, or join without them.
        </div>
      )}
      {state.info && (
        <div className={`alert ${state.phase === 'failed' ? 'alert--error' : 'alert--warn'}`} role="alert" data-testid="device-problem">
          <strong>{state.info.title}.</strong>
          <ul>
            {state.info.steps.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ul>
        </div>
      )}
      {working && (
        <div className="device-check__ok" data-testid="device-ok">
          {state.cams?.length > 0 && (
            <video ref={videoRef} className="device-check__preview" muted playsInline autoPlay aria-label="Your camera preview" />
          )}
          <ul className="device-check__list">
            <li>
              <span aria-hidden="true">{state.cams?.length ? '✓' : '✗'}</span> Camera: {state.cams?.[0] || 'not available'}
            </li>
            <li>
              <span aria-hidden="true">{state.mics?.length ? '✓' : '✗'}</span> Microphone: {state.mics?.[0] || 'not available'}
              {state.mics?.length > 0 && (
                <span className="meter" aria-hidden="true">
                  <span className="meter__bar" ref={meterRef} />
                </span>
              )}
            </li>
          </ul>
          <p role="status" className="success-line">
            {state.phase === 'ok' ? 'Your camera and microphone work.' : 'Partly working — see above.'}
          </p>
        </div>
      )}
      <div className="button-row">
        <button type="button" className="btn btn--primary btn--large" onClick={proceed} disabled={busy}>
          {busy ? 'Joining…' : continueLabel || (working ? 'Join now' : 'Join without camera and microphone')}
        </button>
        {state.phase !== 'requesting' && supported && (
          <button type="button" className="btn" onClick={check} disabled={busy}>
            {state.phase === 'idle' ? 'Check camera and microphone' : 'Check again'}
          </button>
        )}
      </div>
    </section>
  );
}
