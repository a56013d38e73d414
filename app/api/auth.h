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
 * the pinned algorithm and claims, and has its login session checked in the
 * database together with the handler's first statement (db.h, the guard).
 * On success fills ctx->caller from the token and returns true; otherwise
 * writes the 401 answer and returns false.
 */
bool vs_authenticate(struct vs_ctx *ctx);

/*
 * Settles the login check after the handler ran: runs it alone if the
 * handler never reached the database. When the login has ended (or the
 * check could not run) the handler's answer is replaced by the 401 (or 503)
 * a failed check gives, and false is returned; its statements were aborted.
 */
bool vs_authenticate_finish(struct vs_ctx *ctx);

/* Writes the audit row of a refused (403) request: the route, the caller, the object. */
void vs_audit_denied(struct vs_ctx *ctx, const char *zObjectType, int64_t iObjectId);

#endif
