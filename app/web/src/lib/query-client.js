// The one TanStack Query client of the SPA. Every feature names its cached
// data with its own key scheme (`<feature>Keys` in its api/ folder) and
// invalidates those keys after a write; pages that combine features (app/)
// invalidate across them.
//
// - Answers the person can act on (4xx) are not retried: a second try gives
//   the same answer. Network failures and 5xx are tried twice more.
// - Data is fresh for 30 s and refetched when the window regains focus, so a
//   dashboard left open catches up with changes made elsewhere.
import { QueryClient } from '@tanstack/react-query';

export const MAX_RETRIES = 2;

export function shouldRetry(failureCount, error) {
  const status = error?.status;
  if (status >= 400 && status < 500) return false;
  return failureCount < MAX_RETRIES;
}

export function createQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: shouldRetry, staleTime: 30_000, refetchOnWindowFocus: true },
      mutations: { retry: false },
    },
  });
}
