import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api, onUnauthorized } from './api-client.js';
import { jsonResponse } from '../testing/helpers.jsx';

describe('api client', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('sends JSON with same-origin credentials and no token', async () => {
    const fetchMock = vi.fn().mockResolvedValue(jsonResponse(200, { ok: 1 }));
    vi.stubGlobal('fetch', fetchMock);
    await api.post('/video-sessions', { a: 1 });
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe('/api/video-sessions');
    expect(init.credentials).toBe('same-origin');
    expect(init.headers.Authorization).toBeUndefined();
    expect(init.body).toBe('{"a":1}');
  });

  it("sends the app's own X-Requested-With header, also on bodiless changes", async () => {
    const fetchMock = vi.fn().mockResolvedValue(new Response(null, { status: 204 }));
    vi.stubGlobal('fetch', fetchMock);
    await api.del('/video-sessions/7');
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe('/api/video-sessions/7');
    expect(init.method).toBe('DELETE');
    expect(init.body).toBeUndefined();
    expect(init.headers['X-Requested-With']).toBe('vsession');
  });

  it('turns the contract’s error body into an ApiError with field, details and Retry-After', async () => {
    vi.stubGlobal(
      'fetch',
      vi
        .fn()
        .mockResolvedValue(
          jsonResponse(
            429,
            { error: { code: 'too_many_attempts', message: 'Slow down.', field: 'password', details: { x: 1 } } },
            { 'Retry-After': '600' },
          ),
        ),
    );
    const err = await api.post('/x', {}).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      status: 429,
      code: 'too_many_attempts',
      message: 'Slow down.',
      field: 'password',
      details: { x: 1 },
      retryAfter: 600,
    });
  });

  it('reports a 401 on an authenticated call, but not on auth: false calls', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn().mockImplementation(async () => jsonResponse(401, { error: { code: 'unauthenticated', message: 'no' } })),
    );
    const handler = vi.fn();
    const off = onUnauthorized(handler);
    await api.get('/partners/1/clients').catch(() => {});
    expect(handler).toHaveBeenCalledTimes(1);
    await api.post('/join/1', {}, { auth: false }).catch(() => {});
    expect(handler).toHaveBeenCalledTimes(1);
    off();
  });

  it('encodes query parameters and returns null for 204', async () => {
    const fetchMock = vi.fn().mockResolvedValue(new Response(null, { status: 204 }));
    vi.stubGlobal('fetch', fetchMock);
    expect(await api.get('/p', { query: { from: '2026-12-01T00:00:00+01:00', to: undefined } })).toBeNull();
    expect(fetchMock.mock.calls[0][0]).toBe('/api/p?from=2026-12-01T00%3A00%3A00%2B01%3A00');
  });

  it('answers a network failure with a readable error', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    const err = await api.get('/x').catch((e) => e);
    expect(err.code).toBe('network');
  });
});
