import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen } from '@testing-library/react';
import { renderApp, routeFetch } from '../../../testing/helpers.jsx';
import { joinTarget } from './JoinHint.jsx';

const HINT = '42.1796003600.0f4c1e8d2b7a6c5e4d3c2b1a09f8e7d6';
const loginFrom = (next) => `/login?next=${encodeURIComponent(next)}`;

describe('the login page from a join link', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('names the session and the therapist when the link carries a valid hint', async () => {
    const fetchMock = routeFetch({
      'POST /api/join/42/hint': [200, { title: 'Weekly session', partner: { name: 'Dr Rivers' }, session_date: '2026-12-01T15:00:00Z' }],
    });
    vi.stubGlobal('fetch', fetchMock);
    renderApp(loginFrom(`/join/42?hint=${HINT}`), null);
    expect(await screen.findByTestId('login-joining-title')).toHaveTextContent('Log in to join Weekly session with Dr Rivers');
    expect(screen.getByTestId('login-joining')).toHaveTextContent(/2026/);
    const call = fetchMock.calls.find((c) => c.path === '/api/join/42/hint');
    expect(call.body).toEqual({ hint: HINT });
    expect(call.url).not.toContain(HINT);
  });

  it('says only "your video session" when the hint does not verify, or there is none', async () => {
    const fetchMock = routeFetch({ 'POST /api/join/42/hint': [404, { error: { code: 'not_found', message: 'Not found.' } }] });
    vi.stubGlobal('fetch', fetchMock);
    renderApp(loginFrom(`/join/42?hint=${HINT}`), null);
    expect(await screen.findByRole('heading', { name: 'Log in to join your video session' })).toBeInTheDocument();
    expect(screen.queryByTestId('login-joining-title')).toBeNull();
  });

  it('reads the id and hint from a join path only', () => {
    expect(joinTarget(`/join/42?hint=${HINT}`)).toEqual({ id: '42', hint: HINT });
    expect(joinTarget('/join/42')).toEqual({ id: '42', hint: null });
    expect(joinTarget(`/join/42?hint=${HINT}&x=1`)).toBeNull();
    expect(joinTarget('/dashboard')).toBeNull();
  });
});
