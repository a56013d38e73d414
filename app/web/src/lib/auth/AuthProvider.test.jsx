import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { makeSession, partnerUser, renderApp, routeFetch } from '../../testing/helpers.jsx';

const partnerRoutes = (extra = {}) => ({
  'GET /api/partners/3/clients': [200, { clients: [{ id: 9, name: 'Sam Client', email: 's@x' }] }],
  'GET /api/partners/3/video-sessions': [
    200,
    { video_sessions: [makeSession({ session_date: '2030-01-07T10:00:00Z' })], next_cursor: null },
  ],
  ...extra,
});

describe('login state and the query cache', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('logging out empties the cache, so the next person sees nothing of the last', async () => {
    const user = userEvent.setup();
    vi.stubGlobal('fetch', routeFetch(partnerRoutes({ 'POST /api/auth/logout': [204] })));
    const { queryClient } = renderApp('/dashboard/sessions', partnerUser);
    await screen.findByRole('heading', { name: 'Upcoming (1)' }, { timeout: 5000 });
    expect(queryClient.getQueryCache().getAll().length).toBeGreaterThan(0);

    await user.click(screen.getByRole('button', { name: 'Log out' }));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/login'));
    expect(queryClient.getQueryCache().getAll()).toEqual([]);
  });

  it('a login that ended elsewhere (401) empties the cache and asks to log in again', async () => {
    const user = userEvent.setup();
    vi.stubGlobal(
      'fetch',
      routeFetch(partnerRoutes({ 'GET /api/video-sessions/42': [401, { error: { code: 'unauthenticated', message: 'Log in.' } }] })),
    );
    const { queryClient } = renderApp('/dashboard/sessions', partnerUser);
    await user.click(await screen.findByRole('button', { name: 'Edit Weekly check-in' }));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/login'));
    expect(await screen.findByText('Your session has ended. Please log in again.')).toBeInTheDocument();
    expect(
      queryClient
        .getQueryCache()
        .getAll()
        .filter((q) => q.state.data !== undefined),
    ).toEqual([]);
  });
});
