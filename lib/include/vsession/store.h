/*
 * store.h — the session store: users, logins, video sessions, appointments,
 * the calendar, joins and invites, rate limits and the audit log.
 *
 * This is the one place that knows SQL and the domain rules. Functions take
 * the process's database handle, return a vs_err (0 is success) and never
 * exit. Output structs with fixed-size text fields need no freeing; lists
 * and strings documented as malloc'd are the caller's to free.
 */
#ifndef VSESSION_STORE_H
#define VSESSION_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vsession/buf.h"
#include "vsession/db.h"
#include "vsession/error.h"
#include "vsession/token.h"

enum vs_role { VS_ROLE_NONE = 0, VS_ROLE_PARTNER, VS_ROLE_CLIENT, VS_ROLE_ADMIN };

const char  *vs_role_name(enum vs_role e);
enum vs_role vs_role_parse(const char *z);

#define VS_NAME_MAX   (200 * 4 + 1)   /* 200 code points of UTF-8 */
#define VS_EMAIL_MAX  255
#define VS_TZ_MAX     65

struct vs_user {
	int64_t      iId;
	enum vs_role eRole;
	char         zName[VS_NAME_MAX];
	char         zEmail[VS_EMAIL_MAX];
	char         zTimezone[VS_TZ_MAX];
};

/* Who is calling: filled by authentication, iId == 0 for nobody. */
struct vs_caller {
	int64_t      iId;
	enum vs_role eRole;
	char         zSid[VS_SID_MAX];
};

/* What every audit row and every rate-limit key needs to know of the request. */
struct vs_origin {
	const char *zRequestId;
	const char *zClientAddr;
};

/* ---- authorization ---------------------------------------------------
 *
 * The one place that decides, for (caller, action, object): VS_OK to allow,
 * VS_ERR_FORBIDDEN (403) when the caller may know the object exists but not
 * do this, VS_ERR_NOT_FOUND (404) when the caller may not even know it.
 * Partners act on their own things; clients read and join their own
 * sessions; admins read everything and change nothing.
 */
enum vs_action { VS_ACT_READ, VS_ACT_WRITE, VS_ACT_VERIFY, VS_ACT_JOIN };

/* /api/partners/:id/... collections. */
enum vs_err vs_authorize_partner_collection(const struct vs_caller *c, int64_t iPartner,
					    enum vs_action a);
/* /api/users/:id/... collections; bLinked: iUser is one of the calling partner's clients. */
enum vs_err vs_authorize_user_collection(const struct vs_caller *c, int64_t iUser, bool bLinked);
/* Creating a video session. */
enum vs_err vs_authorize_session_create(const struct vs_caller *c);
/* One video session of partner iPartner with client iClient. */
enum vs_err vs_authorize_session(const struct vs_caller *c, enum vs_action a,
				 int64_t iPartner, int64_t iClient);
/* One appointment of partner iPartner. */
enum vs_err vs_authorize_appointment(const struct vs_caller *c, enum vs_action a, int64_t iPartner);

/* ---- health ---------------------------------------------------------- */

/* VS_OK when the database answers a trivial query. */
enum vs_err vs_store_ping(struct vs_db *db);

/* ---- audit log ------------------------------------------------------- */

struct vs_audit {
	int64_t     iActorId;     /* 0 = none */
	const char *zActorEmail;  /* an attempted login email, else NULL */
	const char *zAction;      /* "login", "video_session.update", ... */
	const char *zObjectType;  /* NULL or "video_session", ... */
	int64_t     iObjectId;    /* 0 = none */
	const char *zOutcome;     /* "ok", "denied", "failed" */
};

/* Appends one row; failures are reported but callers usually go on. */
enum vs_err vs_audit_write(struct vs_db *db, const struct vs_origin *o, const struct vs_audit *a);

/* ---- rate limits ----------------------------------------------------- */

/*
 * Reserves one attempt on each non-NULL key (limits nMax1, nMax2) in a fixed
 * window of iWindowSec seconds that starts at the first attempt. When either
 * key is over its limit the reservation is undone and VS_ERR_RATE_LIMITED is
 * returned with *piRetryAfter seconds until that window ends. A reserved
 * attempt counts as a failure until vs_limit_release() gives it back.
 */
enum vs_err vs_limit_reserve(struct vs_db *db, const char *zKey1, int nMax1,
			     const char *zKey2, int nMax2, int iWindowSec, int *piRetryAfter);
enum vs_err vs_limit_release(struct vs_db *db, const char *zKey1, const char *zKey2);

#define VS_LOGIN_WINDOW_SEC   (15 * 60)
#define VS_LOGIN_MAX_EMAIL    10
#define VS_LOGIN_MAX_ADDR     50
#define VS_VERIFY_WINDOW_SEC  (15 * 60)
#define VS_VERIFY_MAX         5

/* ---- users and logins ------------------------------------------------- */

/*
 * Creates a user. VS_ERR_DUPLICATE when the email (case-insensitively) is
 * taken, VS_ERR_INVALID when a value breaks a rule (zWhy names it).
 */
enum vs_err vs_user_create(struct vs_db *db, enum vs_role eRole, const char *zEmail,
			   const char *zName, const char *zTimezone, const char *zPassword,
			   size_t nPassword, int64_t *piId, const char **pzWhy);
enum vs_err vs_user_get(struct vs_db *db, int64_t iId, struct vs_user *pUser);
enum vs_err vs_user_find_email(struct vs_db *db, const char *zEmail, struct vs_user *pUser);
/* Links a client to a partner by their emails (idempotent). */
enum vs_err vs_client_link(struct vs_db *db, const char *zPartnerEmail, const char *zClientEmail,
			   const char **pzWhy);
/* True when iClient is one of iPartner's clients. */
enum vs_err vs_client_is_linked(struct vs_db *db, int64_t iPartner, int64_t iClient, bool *pb);

/* A partner's clients as the JSON object {"clients":[...]} into out. */
enum vs_err vs_clients_json(struct vs_db *db, int64_t iPartner, struct vs_buf *out);

/*
 * Checks the email and password under the login rate limits. On VS_OK fills
 * *pUser and opens a login session whose id is written to zSid (expires in
 * iTtlSec). VS_ERR_UNAUTHENTICATED for an unknown email or a wrong password
 * (same cost, same answer), VS_ERR_RATE_LIMITED with *piRetryAfter.
 * Every outcome is written to the audit log.
 */
enum vs_err vs_login(struct vs_db *db, const struct vs_origin *o, const char *zEmail,
		     const char *zPassword, size_t nPassword, int64_t iTtlSec,
		     struct vs_user *pUser, char zSid[VS_SID_MAX], int64_t *piExpiresSec,
		     int *piRetryAfter);

/*
 * Checks that the login session zSid of user iUserId is live (not revoked,
 * not expired) and fills *pCaller with the user's current role.
 * VS_ERR_UNAUTHENTICATED when it is not.
 */
enum vs_err vs_login_check(struct vs_db *db, const char *zSid, int64_t iUserId,
			   struct vs_caller *pCaller);
/* Revokes one login session at once, for every worker and host. */
enum vs_err vs_logout(struct vs_db *db, const struct vs_origin *o, const struct vs_caller *c);

/* Fills a new, empty database with demo users, links, sessions and appointments. */
enum vs_err vs_demo_load(struct vs_db *db, struct vs_buf *pLogins, const char **pzWhy);

#endif
