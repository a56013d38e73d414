import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { clientUser, iso, makeSession, renderApp, routeFetch } from '../../../testing/helpers.jsx';

// Shortened beats (lib/timing.js reads this once, when it is first imported).
vi.hoisted(() => {
  window.__vsessionTiming = { waitingBeatMs: 50 };
});

class FakeJitsi {
  static instances = [];
  constructor(domain, options) {
    this.domain = domain;
    this.options = options;
    FakeJitsi.instances.push(this);
  }
  addListener() {}
  on() {}
  removeListener() {}
  executeCommand() {}
  dispose() {}
}

const waiting = { waiting: true, partner: { name: 'Dr. Ada Rivers' }, message: 'Dr. Ada Rivers will let you in shortly.' };
const grant = {
  domain: 'meet.example',
  room: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6',
  jwt: null,
  display_name: 'Sam Client',
  moderator: false,
  password: 'room-pw-xyz',
  config: {},
};

/** Beats answer whatever `where` says the partner is doing: absent, on the join page, in the room. */
function presence(state) {
  return () => [
    200,
    {
      recorded: true,
      present: state.where ? [{ role: 'partner', name: 'Dr. Ada Rivers', place: state.where, since: iso(Date.now()) }] : [],
    },
  ];
}

describe('our waiting room (public Jitsi mode)', () => {
  beforeEach(() => {
    FakeJitsi.instances = [];
    window.JitsiMeetExternalAPI = FakeJitsi;
    Object.defineProperty(navigator, 'mediaDevices', {
      value: { getUserMedia: vi.fn().mockRejectedValue(Object.assign(new Error('x'), { name: 'NotFoundError' })) },
      configurable: true,
    });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    delete navigator.mediaDevices;
  });

  it('client: held until the partner is in the room, then the room opens by itself', async () => {
    const user = userEvent.setup();
    const state = { where: null };
    const session = makeSession({ session_date: iso(Date.now() - 60e3), status: 'in_progress', password_enabled: false });
    const fetchMock = routeFetch({
      'GET /api/video-sessions/42': [200, session],
      'POST /api/video-sessions/42/presence': presence(state),
      'POST /api/video-sessions/42/join': () => (state.where === 'room' ? [200, grant] : [202, waiting]),
    });
    vi.stubGlobal('fetch', fetchMock);
    renderApp('/join/42', clientUser);
    await user.click(await screen.findByRole('button', { name: /Join without camera/ }));

    expect(await screen.findByRole('heading', { name: 'You are in the waiting room' })).toBeInTheDocument();
    expect(screen.getByTestId('waiting-room-status')).toHaveTextContent('Dr. Ada Rivers will let you in shortly.');
    expect(FakeJitsi.instances).toHaveLength(0);

    // the partner opens the join page: here, but the room is not open yet
    state.where = 'waiting';
    await waitFor(() => expect(screen.getByTestId('waiting-room-status')).toHaveTextContent('Dr. Ada Rivers is here and will let you in'));
    expect(FakeJitsi.instances).toHaveLength(0);

    // the partner enters the room: the page joins again and gets the room
    state.where = 'room';
    // (the first render of the lazily loaded room may take a few seconds on a busy machine)
    await waitFor(() => expect(FakeJitsi.instances).toHaveLength(1), { timeout: 10000 });
    expect(FakeJitsi.instances[0].options.roomName).toBe(grant.room);
    const joins = fetchMock.calls.filter((c) => c.path === '/api/video-sessions/42/join');
    expect(joins.length).toBeGreaterThanOrEqual(2);
    // the held page beat as "waiting" while it waited
    const places = fetchMock.calls.filter((c) => c.path === '/api/video-sessions/42/presence').map((c) => c.body.place);
    expect(places).toContain('waiting');
  });

  it('guest: held after the password is accepted, then on to the device check once the partner is in the room', async () => {
    const user = userEvent.setup();
    const state = { where: null };
    const preview = {
      title: 'Weekly check-in',
      partner: { name: 'Dr. Ada Rivers' },
      session_date: iso(Date.now() - 60e3),
      end_date: iso(Date.now() + 49 * 60e3),
      duration_minutes: 50,
      status: 'in_progress',
      password_enabled: true,
    };
    const fetchMock = routeFetch({
      'POST /api/join/42/preview': [200, preview],
      'POST /api/join/42/presence': presence(state),
      'POST /api/join/42': () => (state.where === 'room' ? [200, { ...grant, display_name: 'Gina (guest)' }] : [202, waiting]),
    });
    vi.stubGlobal('fetch', fetchMock);
    renderApp('/join/42?invite=tok123', null);
    await user.type(await screen.findByLabelText('Your name'), 'Gina');
    await user.type(screen.getByLabelText('Session password'), '222222');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(await screen.findByTestId('waiting-room-status')).toHaveTextContent('Dr. Ada Rivers will let you in shortly.');
    await waitFor(() =>
      expect(fetchMock.calls.some((c) => c.path === '/api/join/42/presence' && c.body.place === 'waiting' && c.body.name === 'Gina')).toBe(
        true,
      ),
    );

    state.where = 'room';
    expect(await screen.findByRole('heading', { name: 'Camera and microphone' }, { timeout: 5000 })).toBeInTheDocument();
    const joins = fetchMock.calls.filter((c) => c.path === '/api/join/42');
    expect(joins.at(-1).body).toEqual({ invite: 'tok123', name: 'Gina', password: '222222' });
  });
});
