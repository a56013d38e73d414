import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { partnerUser, renderApp, routeFetch } from '../../../testing/helpers.jsx';

describe('login', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('logs in through the API (cookie set by the server, no token kept) and goes where the person wanted', async () => {
    const user = userEvent.setup();
    const fetchMock = routeFetch({
      'POST /api/auth/login': [200, { token: 'secret-token', expires_at: '2026-12-01T00:00:00Z', user: partnerUser }],
      'GET /api/partners/3/clients': [200, { clients: [] }],
      'GET /api/partners/3/video-sessions': [200, { video_sessions: [], next_cursor: null }],
    });
    vi.stubGlobal('fetch', fetchMock);
    const setItem = vi.spyOn(Storage.prototype, 'setItem');
    renderApp('/login?next=%2Fdashboard%2Fclients', null);
    await user.type(screen.getByLabelText('Email address'), 'ada@x.test');
    await user.type(screen.getByLabelText('Password'), 'pw');
    await user.click(screen.getByRole('button', { name: 'Log in' }));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/dashboard/clients'));
    expect(fetchMock.calls[0].body).toEqual({ email: 'ada@x.test', password: 'pw' });
    expect(setItem).not.toHaveBeenCalled();
    expect(JSON.stringify(window.localStorage)).not.toContain('secret-token');
  });

  it('says when the email and password do not match, and when there were too many tries', async () => {
    const user = userEvent.setup();
    vi.stubGlobal(
      'fetch',
      routeFetch({
        'POST /api/auth/login': [
          [401, { error: { code: 'unauthenticated', message: 'Wrong email or password.' } }],
          [429, { error: { code: 'too_many_attempts', message: 'Too many.' } }, { 'Retry-After': '300' }],
        ],
      }),
    );
    renderApp('/login', null);
    await user.type(screen.getByLabelText('Email address'), 'a@x.test');
    await user.type(screen.getByLabelText('Password'), 'nope');
    await user.click(screen.getByRole('button', { name: 'Log in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('do not match');
    await user.click(screen.getByRole('button', { name: 'Log in' }));
    expect(await screen.findByText('Too many login attempts. Try again in 5 minutes.')).toBeInTheDocument();
  });

  it('a 401 from any call sends the person back to the login page', async () => {
    vi.stubGlobal(
      'fetch',
      routeFetch({
        'GET /api/partners/3/clients': [401, { error: { code: 'unauthenticated', message: 'expired' } }],
        'GET /api/partners/3/video-sessions': [401, { error: { code: 'unauthenticated', message: 'expired' } }],
      }),
    );
    renderApp('/dashboard/sessions', partnerUser);
    expect(await screen.findByRole('heading', { name: 'Log in' })).toBeInTheDocument();
    expect(screen.getByText('Your session has ended. Please log in again.')).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/login?next=%2Fdashboard%2Fsessions');
  });
});
