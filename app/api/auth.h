/*
 * auth.h — who is calling: the one function every protected route runs.
 */
#ifndef VSESSION_AUTH_H
#define VSESSION_AUTH_H

#include <stdbool.h>
#include "http.h"

/*
 * Authenticates the request from its Bearer header or, failing that, the
 * __Host-vs_session cookie (never from the query string): verifies the token with
 * the pinned algorithm and claims, then checks its login session in the
 * database. On success fills ctx->caller and returns true; otherwise writes
 * the 401 (or 503) answer and returns false.
 */
bool vs_authenticate(struct vs_ctx *ctx);

/*
 * Answers a refused authorization decision (403 or 404) and writes the
 * audit row for a 403. Returns true when err was VS_OK (allowed).
 */
bool vs_authorized(struct vs_ctx *ctx, enum vs_err err, const char *zObjectType, int64_t iObjectId);

#endif
