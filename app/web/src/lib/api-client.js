// The one HTTP client of the SPA (the contract: app/api/openapi.yaml).
//
// - Requests go to the same origin with credentials 'same-origin': the API's
//   HttpOnly cookie `__Host-vs_session` carries the login. No token is kept
//   in JavaScript.
// - Every request carries `X-Requested-With: vsession`: the API refuses a change
//   made with the login cookie unless it is JSON or carries this header (another
//   site cannot send either without a CORS preflight), so a bodiless DELETE or
//   join from the app passes and the same request started by another site does not.
// - Every non-2xx answer becomes an ApiError carrying the contract's
//   {error:{code,message,field,details}} plus the HTTP status and, for 429,
//   the Retry-After seconds.
// - A 401 on an authenticated call notifies the registered handler (the auth
//   provider), which sends the user back to the login page.

import { basePath } from './base-path.js';

export class ApiError extends Error {
  constructor({ status, code, message, field, details, retryAfter }) {
    super(message || `Request failed (${status})`);
    this.name = 'ApiError';
    this.status = status;
    this.code = code || 'unknown';
    this.field = field || null;
    this.details = details || null;
    this.retryAfter = retryAfter ?? null;
  }
}

let unauthorizedHandler = null;

/** Registers the function called when an authenticated request answers 401. */
export function onUnauthorized(handler) {
  unauthorizedHandler = handler;
  return () => {
    if (unauthorizedHandler === handler) unauthorizedHandler = null;
  };
}

function parseRetryAfter(value) {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  if (Number.isFinite(date)) return Math.max(0, Math.round((date - Date.now()) / 1000));
  return null;
}

function buildUrl(path, query) {
  let url = basePath() + (path.startsWith('/api') ? path : `/api${path}`);
  if (query) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
    }
    const qs = params.toString();
    if (qs) url += `?${qs}`;
  }
  return url;
}

/**
 * Sends one request. `options.auth === false` marks calls that are allowed
 * without a login (login itself, the guest join): their 401s are not treated
 * as an expired session.
 */
export async function request(method, path, { body, query, auth = true, signal } = {}) {
  const headers = { Accept: 'application/json', 'X-Requested-With': 'vsession' };
  const init = { method, headers, credentials: 'same-origin', signal };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }

  let response;
  try {
    response = await fetch(buildUrl(path, query), init);
  } catch (err) {
    if (err?.name === 'AbortError') throw err;
    throw new ApiError({
      status: 0,
      code: 'network',
      message: 'The server cannot be reached. Check your connection and try again.',
    });
  }

  if (response.status === 204) return null;

  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }

  if (!response.ok) {
    const e = (data && data.error) || {};
    const error = new ApiError({
      status: response.status,
      code: e.code || (response.status === 401 ? 'unauthenticated' : 'http_' + response.status),
      message: e.message || defaultMessage(response.status),
      field: e.field,
      details: e.details,
      retryAfter: parseRetryAfter(response.headers.get('Retry-After')),
    });
    if (response.status === 401 && auth && unauthorizedHandler) unauthorizedHandler(error);
    throw error;
  }
  return data;
}

function defaultMessage(status) {
  if (status === 401) return 'Please log in again.';
  if (status === 403) return 'You are not allowed to do that.';
  if (status === 404) return 'Not found.';
  if (status === 429) return 'Too many attempts. Please wait and try again.';
  if (status >= 500) return 'Something went wrong on the server. Please try again.';
  return `Request failed (${status}).`;
}

export const api = {
  get: (path, opts) => request('GET', path, opts),
  post: (path, body, opts) => request('POST', path, { ...opts, body: body ?? {} }),
  put: (path, body, opts) => request('PUT', path, { ...opts, body }),
  del: (path, opts) => request('DELETE', path, opts),
};
