import { describe, expect, it, vi } from 'vitest';
import { act, render, screen } from '@testing-library/react';

// A fake JitsiMeeting: hands a recording API object to onApiReady, like the SDK does.
const apis = [];
vi.mock('@jitsi/react-sdk', async () => {
  const { useEffect } = await import('react');
  return {
    JitsiMeeting: function FakeJitsiMeeting({ onApiReady }) {
      useEffect(() => {
        const listeners = {};
        const api = {
          commands: [],
          addListener: (name, fn) => (listeners[name] = listeners[name] || []).push(fn),
          executeCommand: (...args) => api.commands.push(args),
          emit: (name, data) => (listeners[name] || []).forEach((fn) => fn(data)),
          dispose: () => {},
        };
        apis.push(api);
        onApiReady(api);
      }, [onApiReady]);
      return null;
    },
  };
});

const { MeetingRoom } = await import('./MeetingRoom.jsx');

const base = { domain: 'meet.example.test', room: 'vs-1-abc', display_name: 'Someone', config: {} };

function enter(join, otherName) {
  apis.length = 0;
  render(<MeetingRoom join={join} title="Weekly" otherName={otherName} onLeave={() => {}} />);
  const api = apis.at(-1);
  act(() => {
    api.emit('videoConferenceJoined', {});
    if (join.moderator) api.emit('participantRoleChanged', { role: 'moderator' });
  });
  return api;
}

describe('MeetingRoom and Jitsi’s lobby', () => {
  it('token mode, partner: turns the lobby on once, and says how to admit the client', () => {
    const api = enter({ ...base, jwt: 'header.payload.sig', moderator: true, password: null }, 'Sam Client');
    expect(api.commands.filter((c) => c[0] === 'toggleLobby')).toEqual([['toggleLobby', true]]);
    expect(screen.getByTestId('lobby-line')).toHaveTextContent('when Sam Client knocks, Jitsi asks you to admit them');
  });

  it('token mode, client: never touches the lobby and reads that the therapist lets them in', () => {
    const api = enter({ ...base, jwt: 'header.payload.sig', moderator: false, password: null }, 'Dr Rivers');
    expect(api.commands.some((c) => c[0] === 'toggleLobby')).toBe(false);
    expect(screen.getByTestId('lobby-line')).toHaveTextContent('Dr Rivers will let you in.');
  });

  it('public mode: the moderator locks with the password, no lobby and no lobby line', () => {
    const api = enter({ ...base, jwt: null, moderator: true, password: '345427' }, 'Sam Client');
    expect(api.commands.some((c) => c[0] === 'toggleLobby')).toBe(false);
    expect(api.commands).toContainEqual(['password', '345427']);
    expect(screen.queryByTestId('lobby-line')).toBeNull();
  });
});
