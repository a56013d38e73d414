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
#include "vsession/loginkeys.h"
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
	const char *zActorEmail;  /* a failed login's keyed email hash ("hmac-sha256:<hex>"), else NULL */
	const char *zAction;      /* "login", "video_session.update", ... */
	const char *zObjectType;  /* NULL or "video_session", ... */
	int64_t     iObjectId;    /* 0 = none */
	const char *zOutcome;     /* "ok", "denied", "failed" */
};

/* The request id to record (NULL when absent or implausibly long). */
const char *vs_origin_request_id(const struct vs_origin *o);

/* Appends one row; failures are reported but callers usually go on. */
enum vs_err vs_audit_write(struct vs_db *db, const struct vs_origin *o, const struct vs_audit *a);
/* The same for a read (of notes): committed without waiting for the disk. */
enum vs_err vs_audit_write_read(struct vs_db *db, const struct vs_origin *o, const struct vs_audit *a);

/* ---- rate limits ----------------------------------------------------- */

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
 * Counts one expensive write of user iUser (a new session password, which
 * costs an argon2id hash, or a new invite) in the per-user window held in
 * PostgreSQL. Call it after loading and authorizing, before the work.
 * VS_ERR_RATE_LIMITED with *piRetryAfter past VS_WRITE_MAX.
 */
enum vs_err vs_write_limit_reserve(struct vs_db *db, int64_t iUser, int *piRetryAfter);

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
enum vs_err vs_login_check(struct vs_db *db, const char *zSid, int64_t iUserId,
			   struct vs_caller *pCaller);
/* Revokes one login session at once, for every worker and host. */
enum vs_err vs_logout(struct vs_db *db, const struct vs_origin *o, const struct vs_caller *c);

/* ---- video sessions, appointments, calendar, joins ---------------------- */

/* A session's status at iNowUs: cancelled stays cancelled, else it follows the clock. */
const char *vs_session_status_at(const char *zStored, int64_t iStartUs, int64_t iEndUs, int64_t iNowUs);

/* Who asks, when, and how to write links: passed to everything below. */
struct vs_view {
	const struct vs_caller *c;
	const struct vs_origin *o;
	const char *zPublicUrl;   /* "https://host", no trailing slash */
	int64_t     iNowUs;
};

/* Why a request was refused, for the answer: 422 field and message, 409 details, 429 wait. */
struct vs_outcome {
	const char *zField;
	char        zMessage[256];
	bool        bConflict;
	char        zConflictKind[16];   /* "video_session" or "appointment" */
	int64_t     iConflictId, iConflictStartUs, iConflictEndUs;
	int         iRetryAfter;
	bool        bRemaining;          /* a wrong password: iRemaining tries are left */
	int         iRemaining;
	char        zConflictTitle[801];  /* the booking in the way: its title (200 code points) */
	int64_t     iConflictUserId;      /* and its client, 0 for none */
	char        zConflictUser[801];
};

/* A validated create or update of a video session; bX says whether X was given. */
struct vs_session_input {
	bool        bUser, bTitle, bStart, bDuration, bPasswordEnabled, bNotes, bCancel, bRegenerate;
	int64_t     iUserId;
	const char *zTitle;
	int64_t     iStartUs;
	int         nDuration;
	bool        bPasswordEnabledValue;
	const char *zNotes;
};

/*
 * After a 23P01 exclusion violation: describes the booking in the way of
 * [iStartUs, iEndUs) for the 409 answer (the booking zSelfKind/iSelfId being
 * changed is not counted). Best effort: when it is gone by now, only the
 * message is set.
 */
void vs_booking_conflict(struct vs_db *db, int64_t iPartner, int64_t iStartUs, int64_t iEndUs,
			 const char *zSelfKind, int64_t iSelfId, struct vs_outcome *pOut);

#define VS_SESSION_PASSWORD_DIGITS 6
#define VS_JOIN_EARLY_US (INT64_C(15) * 60 * 1000000)

/*
 * Creates a video session for the calling partner. The answer (the session
 * object, plus "password" when one was made) is appended to out.
 * VS_ERR_INVALID (422, pOut->zField), VS_ERR_CONFLICT (409 with details),
 * VS_ERR_FORBIDDEN for callers who are not partners.
 */
enum vs_err vs_session_create(struct vs_db *db, const struct vs_view *v,
			      const struct vs_session_input *in, struct vs_buf *out,
			      struct vs_outcome *pOut);
/* Reads one session; the client sees no notes. VS_ERR_NOT_FOUND when not allowed to know it. */
enum vs_err vs_session_read(struct vs_db *db, const struct vs_view *v, int64_t iId, struct vs_buf *out);
/* Updates one session of the calling partner (see API.md for the rules). */
enum vs_err vs_session_update(struct vs_db *db, const struct vs_view *v, int64_t iId,
			      const struct vs_session_input *in, struct vs_buf *out,
			      struct vs_outcome *pOut);
enum vs_err vs_session_delete(struct vs_db *db, const struct vs_view *v, int64_t iId);

enum vs_when { VS_WHEN_ALL, VS_WHEN_UPCOMING, VS_WHEN_PAST };
struct vs_list_query {
	enum vs_when eWhen;
	int64_t iFromUs, iToUs;   /* 0 = unbounded */
	int     nLimit;           /* 1..100 */
	bool    bCursor;
	int64_t iCursorUs, iCursorId;
};
/* Parses an opaque cursor as written by the list functions. */
bool vs_cursor_parse(const char *z, int64_t *piUs, int64_t *piId);
/* A partner's sessions ({"video_sessions":[...],"next_cursor":...}). */
enum vs_err vs_sessions_of_partner(struct vs_db *db, const struct vs_view *v, int64_t iPartner,
				   const struct vs_list_query *q, struct vs_buf *out);
/* A user's sessions: their own, or (for a partner) the ones shared with that client. */
enum vs_err vs_sessions_of_user(struct vs_db *db, const struct vs_view *v, int64_t iUser,
				const struct vs_list_query *q, struct vs_buf *out);

/* Checks a client's session password under the attempt limit; remembers success. */
enum vs_err vs_session_verify_password(struct vs_db *db, const struct vs_view *v, int64_t iId,
				       const char *zPassword, size_t nPassword, struct vs_outcome *pOut);
/*
 * Clears a session's password lockout (every caller's wrong tries and the
 * session's total) for its partner, with an audit row in the same statement.
 */
enum vs_err vs_session_unlock(struct vs_db *db, const struct vs_view *v, int64_t iId);
/* The session as an RFC 5545 calendar object. */
enum vs_err vs_session_ics(struct vs_db *db, const struct vs_view *v, int64_t iId, struct vs_buf *out);

/* Joining: the answer of API.md's join endpoint, for a member or a guest. */
enum vs_err vs_session_join(struct vs_db *db, const struct vs_view *v, const struct vs_jitsi_config *j,
			    int64_t iId, struct vs_buf *out, struct vs_outcome *pOut);
enum vs_err vs_session_invite(struct vs_db *db, const struct vs_view *v, int64_t iId,
			      struct vs_buf *out, struct vs_outcome *pOut);
enum vs_err vs_guest_join(struct vs_db *db, const struct vs_view *v, const struct vs_jitsi_config *j,
			  int64_t iId, const char *zInvite, const char *zPassword, size_t nPassword,
			  bool bPassword, const char *zName, struct vs_buf *out, struct vs_outcome *pOut);

/* Appointments. */
struct vs_appointment_input {
	bool        bUser, bTitle, bStart, bEnd, bNotes;
	bool        bUserNull;
	int64_t     iUserId;
	const char *zTitle;
	int64_t     iStartUs, iEndUs;
	const char *zNotes;
};
enum vs_err vs_appointments_list(struct vs_db *db, const struct vs_view *v, int64_t iPartner,
				 int64_t iFromUs, int64_t iToUs, struct vs_buf *out);
enum vs_err vs_appointment_create(struct vs_db *db, const struct vs_view *v, int64_t iPartner,
				  const struct vs_appointment_input *in, struct vs_buf *out,
				  struct vs_outcome *pOut);
enum vs_err vs_appointment_read(struct vs_db *db, const struct vs_view *v, int64_t iId, struct vs_buf *out);
enum vs_err vs_appointment_update(struct vs_db *db, const struct vs_view *v, int64_t iId,
				  const struct vs_appointment_input *in, struct vs_buf *out,
				  struct vs_outcome *pOut);
enum vs_err vs_appointment_delete(struct vs_db *db, const struct vs_view *v, int64_t iId);

/* The partner's calendar between two times ({"events":[...]}). */
enum vs_err vs_calendar(struct vs_db *db, const struct vs_view *v, int64_t iPartner,
			int64_t iFromUs, int64_t iToUs, struct vs_buf *out);

/* Fills a new, empty database with demo users, links, sessions and appointments. */
enum vs_err vs_demo_load(struct vs_db *db, struct vs_buf *pLogins, const char **pzWhy);

#endif
