import { render } from '@testing-library/react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { vi } from 'vitest';
import { QueryClientProvider } from '@tanstack/react-query';
import { createQueryClient } from '../lib/query-client.js';
import { AuthProvider } from '../lib/auth/AuthProvider.jsx';
import { AppRoutes } from '../app/App.jsx';

export function jsonResponse(status, body, headers = {}) {
  return new Response(body === undefined || status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

/**
 * A fetch stub answering by "METHOD /path" with [status, body, headers?], a
 * function (body, url) returning one, or a queue (array) of those used in
 * turn (the last repeats). Unmatched requests answer 404; all are recorded.
 */
export function routeFetch(routes) {
  const calls = [];
  const fn = vi.fn(async (url, init = {}) => {
    const method = init.method || 'GET';
    const path = String(url).split('?')[0];
    const body = init.body ? JSON.parse(init.body) : undefined;
    calls.push({ method, url: String(url), path, body });
    const handler = routes[`${method} ${path}`];
    if (!handler) return jsonResponse(404, { error: { code: 'not_found', message: 'Not found.' } });
    const queue = Array.isArray(handler) && (Array.isArray(handler[0]) || typeof handler[0] === 'function') ? handler : null;
    const h = queue ? (queue.shift() ?? queue.at(-1)) : handler;
    const [status, resBody, headers] = typeof h === 'function' ? h(body, String(url)) : h;
    return jsonResponse(status, resBody, headers);
  });
  fn.calls = calls;
  return fn;
}

export function LocationProbe() {
  const loc = useLocation();
  return <output data-testid="location">{loc.pathname + loc.search}</output>;
}

/** An RFC 3339 UTC time without milliseconds, as the API writes them. */
export const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Renders `ui` with a query client of its own (the app's settings), so tests
 * share no cache; the client is returned with Testing Library's result.
 */
export function renderWithQuery(ui) {
  const queryClient = createQueryClient();
  return { queryClient, ...render(<QueryClientProvider client={queryClient}>{ui}</QueryClientProvider>) };
}

export function renderApp(path, user) {
  return renderWithQuery(
    <AuthProvider initialUser={user}>
      <MemoryRouter initialEntries={[path]}>
        <AppRoutes />
        <Routes>
          <Route path="*" element={<LocationProbe />} />
        </Routes>
      </MemoryRouter>
    </AuthProvider>,
  );
}

export const partnerUser = { id: 3, role: 'partner', name: 'Dr. Ada Rivers', email: 'ada@x.test', timezone: 'Europe/Berlin' };
export const clientUser = { id: 9, role: 'client', name: 'Sam Client', email: 'sam@x.test', timezone: 'America/New_York' };

export function makeSession(overrides = {}) {
  const start = overrides.session_date || '2026-12-01T15:00:00Z';
  const minutes = overrides.duration_minutes || 60;
  return {
    id: 42,
    partner_id: 3,
    user_id: 9,
    partner: { id: 3, name: 'Dr. Ada Rivers' },
    user: { id: 9, name: 'Sam Client' },
    title: 'Weekly check-in',
    session_date: start,
    end_date: new Date(Date.parse(start) + minutes * 60000).toISOString().replace('.000Z', 'Z'),
    duration_minutes: minutes,
    status: 'scheduled',
    password_enabled: true,
    meeting_url: 'https://vs.example/join/42',
    ...overrides,
  };
}
