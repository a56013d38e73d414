import { describe, expect, it } from 'vitest';
import { ApiError } from './api-client.js';
import { MAX_RETRIES, createQueryClient, shouldRetry } from './query-client.js';

describe('query client retries', () => {
  it('never retries an answer the person can act on (4xx)', () => {
    for (const status of [400, 401, 403, 404, 409, 422, 429]) {
      expect(shouldRetry(0, new ApiError({ status }))).toBe(false);
    }
  });

  it('retries network failures and server errors twice, then gives up', () => {
    for (const status of [0, 500, 502, 503, 504]) {
      const err = new ApiError({ status });
      expect(shouldRetry(0, err)).toBe(true);
      expect(shouldRetry(MAX_RETRIES - 1, err)).toBe(true);
      expect(shouldRetry(MAX_RETRIES, err)).toBe(false);
    }
  });

  it('is the policy of every query, and writes are never repeated', () => {
    const defaults = createQueryClient().getDefaultOptions();
    expect(defaults.queries.retry).toBe(shouldRetry);
    expect(defaults.queries.refetchOnWindowFocus).toBe(true);
    expect(defaults.mutations.retry).toBe(false);
  });
});
