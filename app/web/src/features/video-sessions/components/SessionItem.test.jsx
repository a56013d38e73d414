import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { SessionItem } from './SessionItem.jsx';
import { makeSession, renderWithQuery } from '../../../testing/helpers.jsx';

const NOW = Date.parse('2026-12-01T08:00:00Z');

function row(session, props = {}) {
  return renderWithQuery(
    <MemoryRouter>
      <ul>
        <SessionItem session={session} tz="Europe/Berlin" now={NOW} role="partner" onInvite={() => {}} {...props} />
      </ul>
    </MemoryRouter>,
  );
}

describe('SessionItem: the Guest link explained where it is offered', () => {
  it('says in visible words what a guest link is, tied to the button', () => {
    row(makeSession({ password_enabled: true }));
    const hint = screen.getByTestId('guest-link-hint');
    expect(hint).toBeVisible();
    expect(hint).toHaveTextContent(
      'Guest link: for someone without an account. They open it, type their name and the session password and join, no login.',
    );
    const button = screen.getByRole('button', { name: 'Guest link for Weekly check-in' });
    expect(button).toHaveAccessibleDescription(hint.textContent);
  });

  it('leaves the password out when the session has none', () => {
    row(makeSession({ password_enabled: false }));
    expect(screen.getByTestId('guest-link-hint')).not.toHaveTextContent('password');
  });

  it('is not shown to a client, nor on a past session', () => {
    row(makeSession(), { role: 'client' });
    expect(screen.queryByTestId('guest-link-hint')).toBeNull();
    row(makeSession({ id: 43, session_date: '2026-11-01T10:00:00Z', status: 'completed' }));
    expect(screen.queryByTestId('guest-link-hint')).toBeNull();
  });
});
