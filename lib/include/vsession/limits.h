/*
 * limits.h — attempt counters and rate limits, held in PostgreSQL so every
 * worker and host counts together (lib/limits.c).
 *
 * Ownership: keys are the caller's strings; only error values and the
 * number of seconds to wait come back.
 */
#ifndef VSESSION_LIMITS_H
#define VSESSION_LIMITS_H

#include <stdint.h>

#include "vsession/db.h"
#include "vsession/error.h"

#define VS_LOGIN_WINDOW_SEC   (15 * 60)
#define VS_LOGIN_MAX_EMAIL    10
#define VS_LOGIN_MAX_ADDR     50
#define VS_LOGIN_MAX_DEVICE   10
#define VS_VERIFY_WINDOW_SEC  (15 * 60)
#define VS_VERIFY_MAX         5    /* wrong session passwords per caller (the client, one invite) */
#define VS_VERIFY_SESSION_MAX 20   /* wrong session passwords per session, all callers together */
#define VS_WRITE_WINDOW_SEC   (15 * 60)
#define VS_WRITE_MAX          30   /* expensive writes per user: new session passwords, invites */

/*
 * Reserves one attempt on each non-NULL key (limits nMax1, nMax2) in a fixed
 * window of iWindowSec seconds that starts at the first attempt. When either
 * key is already at its limit nothing is written at all; when a concurrent
 * try pushed one over, the reservation is undone. Either way
 * VS_ERR_RATE_LIMITED is returned with *piRetryAfter seconds until that
 * window ends. A reserved attempt counts as a failure until
 * vs_limit_release() gives it back.
 */
enum vs_err vs_limit_reserve(struct vs_db *db, const char *zKey1, int nMax1,
			     const char *zKey2, int nMax2, int iWindowSec, int *piRetryAfter);
enum vs_err vs_limit_release(struct vs_db *db, const char *zKey1, const char *zKey2);

/*
 * Counts one expensive write of user iUser (a new session password, which
 * costs an argon2id hash, or a new invite) in the per-user window held in
 * PostgreSQL. Call it after loading and authorizing, before the work.
 * VS_ERR_RATE_LIMITED with *piRetryAfter past VS_WRITE_MAX.
 */
enum vs_err vs_write_limit_reserve(struct vs_db *db, int64_t iUser, int *piRetryAfter);

#endif
