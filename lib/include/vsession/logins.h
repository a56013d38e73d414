/*
 * logins.h — login attempts, login sessions and logout (lib/logins.c).
 *
 * Ownership: the strings of a vs_login_attempt belong to the caller; a
 * vs_login_result and a vs_caller have fixed-size fields, nothing to free.
 */
#ifndef VSESSION_LOGINS_H
#define VSESSION_LOGINS_H

#include <stddef.h>
#include <stdint.h>

#include "vsession/caller.h"
#include "vsession/db.h"
#include "vsession/error.h"
#include "vsession/loginkeys.h"
#include "vsession/token.h"
#include "vsession/users.h"

/* What one login attempt brings; the strings belong to the caller. */
struct vs_login_attempt {
	const char *zEmail;            /* as typed; never stored */
	const char *zPassword;
	size_t      nPassword;
	const char *zDeviceCookie;     /* the __Host-vs_device value, or NULL */
	size_t      nDeviceCookie;
	const unsigned char *pKey;     /* the server secret the keyed hashes and cookies use */
	size_t      nKey;
	int64_t     iTtlSec;           /* lifetime of the login session */
};

/* What a login attempt answers; fixed-size fields, nothing to free. */
struct vs_login_result {
	struct vs_user user;
	char    zSid[VS_SID_MAX];
	int64_t iExpiresSec;
	int     iRetryAfter;                       /* with VS_ERR_RATE_LIMITED */
	char    zDeviceCookie[VS_DEVICE_COOKIE_MAX]; /* on VS_OK: the device cookie to set */
};

/*
 * Checks the email and password under the login rate limits. On VS_OK fills
 * pOut (user, login session id and expiry, the device cookie to set).
 * VS_ERR_UNAUTHENTICATED for an unknown email or a wrong password (same
 * cost, same answer), VS_ERR_RATE_LIMITED with pOut->iRetryAfter.
 *
 * Limits: VS_LOGIN_MAX_ADDR per client address (IPv6 by /64), and either
 * VS_LOGIN_MAX_EMAIL per account (per keyed hash for an unknown email) or,
 * for an attempt carrying a valid device cookie issued for that account,
 * VS_LOGIN_MAX_DEVICE per device instead, so strangers failing on an email
 * cannot lock its owner's own devices out. A refused (429) attempt writes
 * nothing. Failed and successful attempts are audited under the user id,
 * or the keyed hash of the typed email when it matches no user.
 */
enum vs_err vs_login(struct vs_db *db, const struct vs_origin *o, const struct vs_login_attempt *pIn,
		     struct vs_login_result *pOut);

/*
 * Checks that the login session zSid of user iUserId is live (not revoked,
 * not expired) and fills *pCaller with the user's current role.
 * VS_ERR_UNAUTHENTICATED when it is not.
 */
enum vs_err vs_login_check(struct vs_db *db, const char *zSid, int64_t iUserId,
			   struct vs_caller *pCaller);
/*
 * The same check, not run yet: recorded as the connection's guard (db.h),
 * so it travels in one round trip with the request's first statement, which
 * it aborts when the login is not live. Fills *pCaller from the token's
 * verified claims (zRole must be the account's role; the guard checks it).
 * The caller must resolve the guard (vs_db_guard_resolve) before answering:
 * VS_ERR_UNAUTHENTICATED from it means the login has ended.
 */
enum vs_err vs_login_check_deferred(struct vs_db *db, const char *zSid, int64_t iUserId,
				    const char *zRole, struct vs_caller *pCaller);
/* Revokes one login session at once, for every worker and host. */
enum vs_err vs_logout(struct vs_db *db, const struct vs_origin *o, const struct vs_caller *c);

#endif
