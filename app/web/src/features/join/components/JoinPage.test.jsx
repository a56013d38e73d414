import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { clientUser, iso, makeSession, partnerUser, renderApp, routeFetch } from '../../../testing/helpers.jsx';

// A stand-in for Jitsi's JitsiMeetExternalAPI: @jitsi/react-sdk uses
// window.JitsiMeetExternalAPI when it is already there.
class FakeJitsi {
  static instances = [];
  constructor(domain, options) {
    this.domain = domain;
    this.options = options;
    this.listeners = {};
    this.commands = [];
    FakeJitsi.instances.push(this);
  }
  addListener(name, fn) {
    (this.listeners[name] ||= []).push(fn);
  }
  on(name, fn) {
    this.addListener(name, fn);
  }
  removeListener() {}
  executeCommand(...args) {
    this.commands.push(args);
  }
  emit(name, data) {
    (this.listeners[name] || []).forEach((fn) => fn(data));
  }
  dispose() {
    this.disposed = true;
  }
}

function deny(name) {
  const err = new Error('denied');
  err.name = name;
  return err;
}

const joinAnswer = (over = {}) => ({
  domain: 'meet.example',
  room: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6',
  jwt: null,
  display_name: 'Sam Client',
  moderator: false,
  password: 'room-pw-xyz',
  config: { startWithAudioMuted: false },
  ...over,
});

describe('join page (logged in)', () => {
  beforeEach(() => {
    FakeJitsi.instances = [];
    window.JitsiMeetExternalAPI = FakeJitsi;
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    delete navigator.mediaDevices;
  });

  it('client: wrong password, too many attempts, right password, then the countdown', async () => {
    const user = userEvent.setup();
    const session = makeSession({ session_date: iso(Date.now() + 2 * 3600e3) });
    const fetchMock = routeFetch({
      'GET /api/video-sessions/42': [200, session],
      'POST /api/video-sessions/42/verify-password': [
        [403, { error: { code: 'wrong_password', message: 'Wrong password.', details: { remaining: 2 } } }],
        [429, { error: { code: 'too_many_attempts', message: 'Too many.' } }, { 'Retry-After': '540' }],
        [200, { verified: true }],
      ],
    });
    vi.stubGlobal('fetch', fetchMock);
    renderApp('/join/42', clientUser);

    expect(await screen.findByRole('heading', { level: 1, name: 'Weekly check-in' })).toBeInTheDocument();
    expect(screen.getByTestId('join-when')).toHaveTextContent('(America/New_York)');
    // the day, then the times once: "Tue 1 Dec 2026 / 10:00–10:50 (America/New_York) · 50 min";
    // a session that ends after midnight in that zone names the end's day too
    // ("Fri 4 Dec 2026 / 23:21–Sat 5 Dec 2026, 00:21 (America/New_York) · 1 h")
    const when = screen.getByTestId('join-when').textContent;
    expect(when.match(/\(America\/New_York\)/g)).toHaveLength(1);
    expect(when).toMatch(/^\w{3} \d{1,2} \w{3} \d{4}\d{2}:\d{2}–(\w{3} \d{1,2} \w{3} \d{4}, )?\d{2}:\d{2} \(America\/New_York\)/);
    const input = await screen.findByLabelText('Session password');
    expect(input).toHaveAttribute('inputmode', 'numeric');
    expect(input).toHaveAttribute('autocomplete', 'one-time-code');
    // room for a pasted "345 427" or "345-427": the field keeps the digits only
    expect(input).toHaveAttribute('maxlength', '16');

    await user.type(input, '12');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(screen.getByText('Enter the 6 digits of the password.')).toBeInTheDocument();

    await user.type(input, 'ab3456');
    expect(input).toHaveValue('123456');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(await screen.findByText(/That password is not correct.*2 tries left\./)).toBeInTheDocument();
    expect(fetchMock.calls.filter((c) => c.path.endsWith('/verify-password')).at(-1).body).toEqual({ password: '123456' });

    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(await screen.findByText('Too many wrong attempts. Try again in 9 minutes.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Continue' })).toBeDisabled();
  });

  it('client: a password already passed (kept by the server) is not asked again after a reload', async () => {
    const session = makeSession({ session_date: iso(Date.now() + 2 * 3600e3) });
    vi.stubGlobal(
      'fetch',
      routeFetch({
        'GET /api/video-sessions/42': [200, session],
        'GET /api/video-sessions/42/password-state': [200, { password_enabled: true, verified: true, remaining: 5, locked_until: null }],
      }),
    );
    renderApp('/join/42', clientUser);
    expect(await screen.findByTestId('join-countdown')).toBeInTheDocument();
    expect(screen.queryByLabelText('Session password')).not.toBeInTheDocument();
  });

  it('client: after the password, waits with a countdown until the window opens', async () => {
    const user = userEvent.setup();
    const session = makeSession({ session_date: iso(Date.now() + 2 * 3600e3) });
    vi.stubGlobal(
      'fetch',
      routeFetch({
        'GET /api/video-sessions/42': [200, session],
        'POST /api/video-sessions/42/verify-password': [200, { verified: true }],
      }),
    );
    renderApp('/join/42', clientUser);
    await user.type(await screen.findByLabelText('Session password'), '654321');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(await screen.findByRole('heading', { name: 'Not open yet' })).toBeInTheDocument();
    expect(screen.getByTestId('join-countdown').textContent).toMatch(/^1 h 4[45] min$/);
  });

  it('client: device check explains a denied permission, joins without it, answers Jitsi’s password prompt, and leaving returns to the dashboard', async () => {
    const user = userEvent.setup();
    const session = makeSession({ session_date: iso(Date.now() + 5 * 60e3) });
    const getUserMedia = vi.fn().mockRejectedValue(deny('NotAllowedError'));
    Object.defineProperty(navigator, 'mediaDevices', { value: { getUserMedia }, configurable: true });
    const fetchMock = routeFetch({
      'GET /api/video-sessions/42': [200, session],
      'POST /api/video-sessions/42/verify-password': [200, { verified: true }],
      'POST /api/video-sessions/42/join': [200, joinAnswer()],
      'GET /api/users/9/video-sessions': [200, { video_sessions: [], next_cursor: null }],
    });
    vi.stubGlobal('fetch', fetchMock);
    renderApp('/join/42', clientUser);
    await user.type(await screen.findByLabelText('Session password'), '654321');
    await user.click(screen.getByRole('button', { name: 'Continue' }));

    const problem = await screen.findByTestId('device-problem');
    expect(problem).toHaveTextContent('Camera and microphone are blocked');
    expect(problem).toHaveTextContent(/address bar/);
    expect(getUserMedia).toHaveBeenCalledWith({ video: true, audio: true });

    await user.click(screen.getByRole('button', { name: 'Join without camera and microphone' }));
    await waitFor(() => expect(FakeJitsi.instances).toHaveLength(1));
    const api = FakeJitsi.instances[0];
    expect(api.domain).toBe('meet.example');
    expect(api.options.roomName).toBe('a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6');
    expect(api.options.jwt).toBeUndefined();
    expect(api.options.userInfo.displayName).toBe('Sam Client');
    expect(api.options.configOverwrite.startWithAudioMuted).toBe(false);
    expect(screen.getByRole('region', { name: 'Video meeting' })).toBeInTheDocument();

    api.emit('passwordRequired');
    expect(api.commands).toEqual([['password', 'room-pw-xyz']]);
    api.emit('videoConferenceJoined', {});
    expect(api.commands).toHaveLength(1); // the client never sets the room password

    api.emit('readyToClose');
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/dashboard'));
    expect(api.disposed).toBe(true);
  });

  it('partner: no password step; as moderator sets the room password once joined', async () => {
    const user = userEvent.setup();
    const session = makeSession({ session_date: iso(Date.now() - 5 * 60e3), status: 'in_progress' });
    const stream = { getTracks: () => [], getVideoTracks: () => [{ label: 'Fake cam', stop() {} }], getAudioTracks: () => [] };
    Object.defineProperty(navigator, 'mediaDevices', { value: { getUserMedia: vi.fn().mockResolvedValue(stream) }, configurable: true });
    vi.stubGlobal(
      'fetch',
      routeFetch({
        'GET /api/video-sessions/42': [200, session],
        'POST /api/video-sessions/42/join': [200, joinAnswer({ display_name: 'Dr. Ada Rivers', moderator: true })],
      }),
    );
    renderApp('/join/42', partnerUser);
    expect(await screen.findByTestId('device-ok')).toHaveTextContent('Camera: Fake cam');
    expect(screen.queryByLabelText('Session password')).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Join now' }));
    await waitFor(() => expect(FakeJitsi.instances).toHaveLength(1));
    const api = FakeJitsi.instances[0];
    expect(api.options.userInfo.displayName).toBe('Dr. Ada Rivers');
    api.emit('videoConferenceJoined', {});
    expect(api.commands).toContainEqual(['password', 'room-pw-xyz']);
  });

  it('shows a cancelled session as such, without a way in', async () => {
    vi.stubGlobal(
      'fetch',
      routeFetch({ 'GET /api/video-sessions/42': [200, makeSession({ status: 'cancelled', session_date: iso(Date.now() + 60e3) })] }),
    );
    renderApp('/join/42', clientUser);
    expect(await screen.findByText('This session was cancelled.')).toBeInTheDocument();
    expect(screen.queryByLabelText('Session password')).not.toBeInTheDocument();
  });

  it('sends someone without a login to the login page and back', async () => {
    vi.stubGlobal('fetch', routeFetch({}));
    renderApp('/join/42', null);
    expect(await screen.findByRole('heading', { name: 'Log in to join your video session' })).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/login?next=%2Fjoin%2F42');
  });
});

const guestPreview = {
  title: 'Weekly check-in',
  partner: { name: 'Dr. Ada Rivers' },
  session_date: iso(Date.now() + 5 * 60e3).replace(/\d\d:\d\dZ$/, '00:00Z'),
  end_date: iso(Date.now() + 55 * 60e3),
  duration_minutes: 50,
  status: 'scheduled',
  password_enabled: true,
};

describe('join page (guest invite)', () => {
  beforeEach(() => {
    FakeJitsi.instances = [];
    window.JitsiMeetExternalAPI = FakeJitsi;
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    delete navigator.mediaDevices;
  });

  it('asks for a name and the password, handles a wrong one, then joins with the jwt', async () => {
    const user = userEvent.setup();
    Object.defineProperty(navigator, 'mediaDevices', {
      value: { getUserMedia: vi.fn().mockRejectedValue(deny('NotFoundError')) },
      configurable: true,
    });
    const fetchMock = routeFetch({
      'POST /api/join/42/preview': [200, guestPreview],
      'POST /api/join/42': [
        [403, { error: { code: 'wrong_password', message: 'Wrong.' } }],
        [200, joinAnswer({ jwt: 'eyJ.jwt.sig', password: null, display_name: 'Guest Gina' })],
      ],
    });
    vi.stubGlobal('fetch', fetchMock);
    renderApp('/join/42?invite=tok123', null);
    expect(screen.getByRole('heading', { name: 'Join your video session' })).toBeInTheDocument();
    // what the invite leads to, in the guest's own zone, never a raw ISO string
    expect(await screen.findByTestId('guest-title')).toHaveTextContent('Weekly check-in');
    expect(screen.getByText('Dr. Ada Rivers')).toBeInTheDocument();
    expect(screen.getByTestId('guest-when')).not.toHaveTextContent('T15:00:00Z');
    expect(screen.getByTestId('guest-when')).toHaveTextContent(/\d{2}:\d{2}/);
    expect(screen.getByText('This session needs the 6-digit code from your invitation.')).toBeInTheDocument();
    expect(fetchMock.calls[0]).toMatchObject({ method: 'POST', path: '/api/join/42/preview', body: { invite: 'tok123' } });
    expect(fetchMock.calls[0].url).not.toContain('tok123');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(screen.getByText('Enter the name the other person will see.')).toBeInTheDocument();

    await user.type(screen.getByLabelText('Your name'), 'Guest Gina');
    await user.type(screen.getByLabelText('Session password'), '111111');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(await screen.findByText(/That password is not correct/)).toBeInTheDocument();
    expect(fetchMock.calls.find((c) => c.path === '/api/join/42').body).toEqual({
      invite: 'tok123',
      name: 'Guest Gina',
      password: '111111',
    });

    await user.clear(screen.getByLabelText('Session password'));
    await user.type(screen.getByLabelText('Session password'), '222222');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    const problem = await screen.findByTestId('device-problem');
    expect(within(problem).getByText(/No camera or microphone found/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Join without camera and microphone' }));
    await waitFor(() => expect(FakeJitsi.instances).toHaveLength(1));
    expect(FakeJitsi.instances[0].options.jwt).toBe('eyJ.jwt.sig');
    expect(FakeJitsi.instances[0].options.userInfo.displayName).toBe('Guest Gina');
  });

  it('says when an invite link is no longer valid, before the guest types anything', async () => {
    vi.stubGlobal('fetch', routeFetch({ 'POST /api/join/42/preview': [404, { error: { code: 'not_found', message: 'Not found.' } }] }));
    renderApp('/join/42?invite=old', null);
    expect(await screen.findByRole('heading', { name: 'This invite link is not valid any more' })).toBeInTheDocument();
    expect(screen.queryByLabelText('Your name')).not.toBeInTheDocument();
  });

  it('asks for no password when the session has none', async () => {
    vi.stubGlobal('fetch', routeFetch({ 'POST /api/join/42/preview': [200, { ...guestPreview, password_enabled: false }] }));
    renderApp('/join/42?invite=tok', null);
    expect(await screen.findByTestId('guest-title')).toBeInTheDocument();
    expect(screen.queryByLabelText('Session password')).not.toBeInTheDocument();
  });
});
