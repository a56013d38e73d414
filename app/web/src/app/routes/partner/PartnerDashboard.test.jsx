import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { iso, makeSession, partnerUser, renderApp, routeFetch } from '../../../testing/helpers.jsx';
import { dayLabel } from '../../../utils/time.js';

function fixtures() {
  const now = Date.now();
  const today = makeSession({ id: 1, title: 'Late today', session_date: iso(now + 10 * 60e3) });
  const tomorrow = makeSession({ id: 2, title: 'Tomorrow one', session_date: iso(now + 26 * 3600e3) });
  const past = makeSession({ id: 3, title: 'Last week', session_date: iso(now - 7 * 86400e3), status: 'completed' });
  return { today, tomorrow, past };
}

describe('partner video sessions tab', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('groups upcoming sessions by day, lists past ones, and deletes only past ones after confirmation', async () => {
    const user = userEvent.setup();
    const { today, tomorrow, past } = fixtures();
    let deleted = false;
    const fetchMock = routeFetch({
      'GET /api/partners/3/clients': [200, { clients: [{ id: 9, name: 'Sam Client', email: 's@x' }] }],
      'GET /api/partners/3/video-sessions': (_b, url) =>
        url.includes('when=upcoming')
          ? [200, { video_sessions: [today, tomorrow], next_cursor: null }]
          : [200, { video_sessions: deleted ? [] : [past], next_cursor: null }],
      'DELETE /api/video-sessions/3': () => {
        deleted = true;
        return [204];
      },
    });
    vi.stubGlobal('fetch', fetchMock);
    renderApp('/dashboard/sessions', partnerUser);

    const upcoming = (await screen.findByRole('heading', { name: 'Upcoming (2)' }, { timeout: 5000 })).closest('section');
    const groups = within(upcoming)
      .getAllByRole('heading', { level: 3 })
      .map((h) => h.textContent);
    // Labels are days in the partner's zone (Europe/Berlin): Today, Tomorrow, or a date.
    expect(groups).toEqual([dayLabel(today.session_date, 'Europe/Berlin'), dayLabel(tomorrow.session_date, 'Europe/Berlin')]);
    expect(groups[0]).toMatch(/^(Today|Tomorrow)$/);
    expect(within(upcoming).getByText('Tomorrow one')).toBeInTheDocument();
    const pastSection = screen.getByRole('heading', { name: 'Past and cancelled' }).closest('section');
    expect(within(pastSection).getByText('Last week')).toBeInTheDocument();
    expect(within(pastSection).getByText('Completed')).toBeInTheDocument();

    // Upcoming sessions are cancelled, not deleted; "Cancel" never means "close this form".
    expect(screen.queryByRole('button', { name: 'Delete Tomorrow one' })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Cancel Tomorrow one' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Copy invitation for Tomorrow one' })).toBeInTheDocument();
    // the session's .ics, for the partner's own calendar
    expect(screen.getByRole('link', { name: 'Add to calendar: Tomorrow one' })).toHaveAttribute(
      'href',
      '/api/video-sessions/2/calendar.ics',
    );

    await user.click(screen.getByRole('button', { name: 'Delete Last week' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete this session?' });
    expect(dialog).toHaveTextContent(/notes, its guest link and its password/);
    expect(within(dialog).getByRole('button', { name: 'Keep it' })).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(fetchMock.calls.some((c) => c.method === 'DELETE')).toBe(false);

    await user.click(screen.getByRole('button', { name: 'Delete Last week' }));
    await user.click(screen.getByRole('button', { name: 'Delete session' }));
    await waitFor(() => expect(screen.queryByText('Last week')).not.toBeInTheDocument());
    expect(fetchMock.calls.filter((c) => c.method === 'DELETE').map((c) => c.path)).toEqual(['/api/video-sessions/3']);
  });

  it('edits a session from the list and can cancel it', async () => {
    const user = userEvent.setup();
    const { tomorrow } = fixtures();
    const fetchMock = routeFetch({
      'GET /api/partners/3/clients': [200, { clients: [{ id: 9, name: 'Sam Client', email: 's@x' }] }],
      'GET /api/partners/3/video-sessions': [200, { video_sessions: [tomorrow], next_cursor: null }],
      'GET /api/video-sessions/2': [200, { ...tomorrow, notes: 'private' }],
      'POST /api/video-sessions/2/cancel': (body) => [200, { ...tomorrow, status: 'cancelled', cancel_reason: body.reason }],
    });
    vi.stubGlobal('fetch', fetchMock);
    renderApp('/dashboard/sessions', partnerUser);
    await user.click(await screen.findByRole('button', { name: 'Edit Tomorrow one' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit video session' });
    expect(within(dialog).getByLabelText(/Notes/)).toHaveValue('private');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel session…' }));
    const confirm = await screen.findByRole('dialog', { name: 'Cancel this session?' });
    await user.type(within(confirm).getByLabelText('Reason (optional)'), 'Travelling');
    await user.click(within(confirm).getByRole('button', { name: 'Cancel the session' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(fetchMock.calls.find((c) => c.method === 'POST' && c.url.endsWith('/cancel')).body).toEqual({ reason: 'Travelling' });
    expect(fetchMock.calls.some((c) => c.method === 'PUT')).toBe(false);
  });

  it('shows the clients with a way to schedule', async () => {
    const user = userEvent.setup();
    vi.stubGlobal(
      'fetch',
      routeFetch({
        'GET /api/partners/3/clients': [200, { clients: [{ id: 9, name: 'Sam Client', email: 'sam@x.test' }] }],
        'GET /api/partners/3/video-sessions': [200, { video_sessions: [], next_cursor: null }],
      }),
    );
    renderApp('/dashboard/clients', partnerUser);
    expect(await screen.findByText('sam@x.test')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Schedule a session with Sam Client' }));
    const dialog = screen.getByRole('dialog', { name: 'Schedule a video session' });
    expect(within(dialog).getByLabelText('Client')).toHaveValue('9');
  });
});
