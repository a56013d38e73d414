import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { UnlockPasswordButton } from './UnlockPasswordButton.jsx';
import { routeFetch } from '../../../testing/helpers.jsx';

const session = { id: 42, title: 'Weekly check-in', password_enabled: true };

describe('UnlockPasswordButton', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('sends DELETE /api/video-sessions/:id/password-lockout and says the client can try again', async () => {
    const fetchMock = routeFetch({ 'DELETE /api/video-sessions/42/password-lockout': [204] });
    vi.stubGlobal('fetch', fetchMock);
    const user = userEvent.setup();
    render(<UnlockPasswordButton session={session} />);
    await user.click(screen.getByRole('button', { name: 'Reset password attempts for Weekly check-in' }));
    expect(await screen.findByRole('status')).toHaveTextContent('your client can try again now');
    expect(fetchMock.calls).toEqual([
      expect.objectContaining({ method: 'DELETE', path: '/api/video-sessions/42/password-lockout', body: undefined }),
    ]);
  });

  it("shows the server's refusal and can be tried again", async () => {
    const fetchMock = routeFetch({
      'DELETE /api/video-sessions/42/password-lockout': [
        [503, { error: { code: 'unavailable', message: 'The service is briefly unavailable; try again in a moment.' } }],
        [204],
      ],
    });
    vi.stubGlobal('fetch', fetchMock);
    const user = userEvent.setup();
    render(<UnlockPasswordButton session={session} />);
    const button = screen.getByRole('button', { name: /Reset password attempts/ });
    await user.click(button);
    expect(await screen.findByRole('status')).toHaveTextContent('briefly unavailable');
    expect(button).toBeEnabled();
    await user.click(button);
    expect(await screen.findByText(/can try again now/)).toBeInTheDocument();
    expect(fetchMock.calls).toHaveLength(2);
  });

  it('is disabled while the request runs', async () => {
    let release;
    const clear = vi.fn(
      () =>
        new Promise((resolve) => {
          release = resolve;
        }),
    );
    const user = userEvent.setup();
    render(<UnlockPasswordButton session={session} clear={clear} />);
    await user.click(screen.getByRole('button', { name: /Reset password attempts/ }));
    expect(screen.getByRole('button', { name: /Reset password attempts/ })).toBeDisabled();
    expect(clear).toHaveBeenCalledWith(42);
    release(null);
    expect(await screen.findByText(/can try again now/)).toBeInTheDocument();
  });
});
