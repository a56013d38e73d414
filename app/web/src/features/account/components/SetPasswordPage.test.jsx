import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { clientUser, renderApp, routeFetch } from '../../../testing/helpers.jsx';

describe('set password from an emailed link', () => {
  // the page's own address changes below; the app is mounted at the root all the same
  let base;
  beforeEach(() => {
    base = document.createElement('base');
    base.setAttribute('href', '/');
    document.head.append(base);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    window.history.replaceState(null, '', '/');
    base.remove();
  });

  it('takes the token from the fragment, clears it from the address bar, posts it with the purpose and logs in', async () => {
    const user = userEvent.setup();
    const fetchMock = routeFetch({
      'POST /api/auth/set-password': [200, { token: 't', expires_at: '2026-12-01T00:00:00Z', user: clientUser }],
      'GET /api/users/9/video-sessions': [200, { video_sessions: [], next_cursor: null }],
    });
    vi.stubGlobal('fetch', fetchMock);
    window.history.replaceState(null, '', '/welcome#token=abc_DEF-123');
    renderApp('/welcome', null);
    expect(window.location.hash).toBe('');
    await user.type(screen.getByLabelText('New password'), 'long enough 1');
    await user.type(screen.getByLabelText('New password again'), 'long enough 2');
    await user.click(screen.getByRole('button', { name: 'Set password and continue' }));
    expect(await screen.findByText('The two passwords are not the same.')).toBeInTheDocument();
    expect(fetchMock.calls).toHaveLength(0);
    await user.clear(screen.getByLabelText('New password again'));
    await user.type(screen.getByLabelText('New password again'), 'long enough 1');
    await user.click(screen.getByRole('button', { name: 'Set password and continue' }));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/dashboard'));
    expect(fetchMock.calls[0].body).toEqual({ token: 'abc_DEF-123', password: 'long enough 1', purpose: 'onboarding' });
  });

  it('says when the link does not work and offers a new one', async () => {
    const user = userEvent.setup();
    vi.stubGlobal(
      'fetch',
      routeFetch({
        'POST /api/auth/set-password': [
          422,
          { error: { code: 'validation_failed', message: 'This link does not work any more.', field: 'token' } },
        ],
      }),
    );
    window.history.replaceState(null, '', '/reset-password#token=used');
    renderApp('/reset-password', null);
    await user.type(screen.getByLabelText('New password'), 'long enough 1');
    await user.type(screen.getByLabelText('New password again'), 'long enough 1');
    await user.click(screen.getByRole('button', { name: 'Set new password' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('This link does not work any more.');
    expect(screen.getByRole('link', { name: 'Get a new link' })).toBeInTheDocument();
  });

  it('without a token it explains where the link comes from', () => {
    window.history.replaceState(null, '', '/welcome');
    renderApp('/welcome', null);
    expect(screen.getByRole('alert')).toHaveTextContent('needs the link from your email');
    expect(screen.queryByRole('button', { name: 'Set password and continue' })).toBeNull();
  });
});
