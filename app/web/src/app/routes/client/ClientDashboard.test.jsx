import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { NextSessionCard } from '../../../features/video-sessions/components/NextSessionCard.jsx';
import { useNow } from '../../../components/useNow.js';
import { clientUser, iso, makeSession, renderApp, routeFetch } from '../../../testing/helpers.jsx';

function LiveCard({ session, tz }) {
  const now = useNow(1000);
  return <NextSessionCard session={session} tz={tz} now={now} />;
}

describe('client countdown and join window', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-12-01T14:40:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('counts down live and enables Join from 15 minutes before the start', () => {
    const session = makeSession({ session_date: '2026-12-01T15:00:00Z' });
    render(
      <MemoryRouter>
        <LiveCard session={session} tz="America/New_York" />
      </MemoryRouter>,
    );
    expect(screen.getByTestId('countdown')).toHaveTextContent('20 min 00 s');
    expect(screen.getByRole('button', { name: 'Join' })).toBeDisabled();
    expect(screen.getByText(/You can join from 09:45 \(America\/New_York\)/)).toBeInTheDocument();
    expect(screen.getByText('Tue 1 Dec 2026, 10:00 (America/New_York) · 1 h')).toBeInTheDocument();

    act(() => vi.advanceTimersByTime(61_000));
    expect(screen.getByTestId('countdown')).toHaveTextContent('18 min 59 s');
    expect(screen.getByRole('button', { name: 'Join' })).toBeDisabled();

    act(() => vi.advanceTimersByTime(4 * 60_000));
    expect(screen.getByTestId('countdown')).toHaveTextContent('14 min 59 s');
    const join = screen.getByRole('link', { name: /^Join now\s*\(Weekly check-in\)$/ });
    expect(join).toHaveAttribute('href', '/join/42');
  });
});

describe('client dashboard', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('lists upcoming sessions in the client’s zone and past ones apart', async () => {
    const now = Date.now();
    const soon = makeSession({ id: 1, title: 'Soon', session_date: iso(now + 3 * 3600e3) });
    const later = makeSession({ id: 2, title: 'Later one', session_date: iso(now + 5 * 86400e3) });
    const old = makeSession({ id: 3, title: 'Old one', session_date: iso(now - 5 * 86400e3) });
    const cancelled = makeSession({
      id: 4,
      title: 'Called off',
      session_date: iso(now + 86400e3),
      status: 'cancelled',
      cancel_reason: 'I am ill today, sorry.',
    });
    vi.stubGlobal(
      'fetch',
      routeFetch({ 'GET /api/users/9/video-sessions': [200, { video_sessions: [soon, later, old, cancelled], next_cursor: null }] }),
    );
    renderApp('/dashboard/sessions', clientUser);
    expect(await screen.findByRole('heading', { name: 'Upcoming (2)' })).toBeInTheDocument();
    const upcoming = screen.getByRole('heading', { name: 'Upcoming (2)' }).closest('section');
    expect(upcoming).toHaveTextContent('Soon');
    expect(upcoming).toHaveTextContent('Later one');
    expect(upcoming).not.toHaveTextContent('Old one');
    const past = screen.getByRole('heading', { name: 'Past and cancelled' }).closest('section');
    expect(past).toHaveTextContent('Old one');
    expect(past).toHaveTextContent('Called off');
    expect(past).toHaveTextContent('Cancelled');
    expect(past).toHaveTextContent('Reason: I am ill today, sorry.');
    expect(within(upcoming).getByRole('link', { name: 'Add to calendar: Soon' })).toHaveAttribute(
      'href',
      '/api/video-sessions/1/calendar.ics',
    );
    expect(screen.getAllByText(/America\/New_York/).length).toBeGreaterThan(0);
  });
});
