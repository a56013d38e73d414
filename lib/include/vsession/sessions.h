/*
 * sessions.h — video sessions: create, read, update, delete, lists, the
 * session password and the iCalendar view (lib/sessions.c).
 *
 * Ownership: answers are appended as JSON (or iCalendar) to the caller's
 * vs_buf; refusals are described in the caller's vs_outcome; input strings
 * belong to the caller. Every function authorizes the view's caller itself
 * (authz.h) and answers VS_ERR_NOT_FOUND or VS_ERR_FORBIDDEN before any
 * change.
 */
#ifndef VSESSION_SESSIONS_H
#define VSESSION_SESSIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vsession/buf.h"
#include "vsession/caller.h"
#include "vsession/db.h"
#include "vsession/error.h"

#define VS_SESSION_PASSWORD_DIGITS 6
#define VS_JOIN_EARLY_US (INT64_C(15) * 60 * 1000000)

/* A session's status at iNowUs: cancelled stays cancelled, else it follows the clock. */
const char *vs_session_status_at(const char *zStored, int64_t iStartUs, int64_t iEndUs, int64_t iNowUs);

/* A validated create or update of a video session; bX says whether X was given. */
struct vs_session_input {
	bool        bUser, bTitle, bStart, bDuration, bPasswordEnabled, bNotes, bCancel, bRegenerate;
	int64_t     iUserId;
	const char *zTitle;
	int64_t     iStartUs;
	int         nDuration;
	bool        bPasswordEnabledValue;
	const char *zNotes;
	bool        bEmailPassword;  /* email the password made by this request to the client (outbox) */
	bool        bOutcome;        /* zOutcome: attended, no_show or late_cancel (after the end only) */
	const char *zOutcome;
};

/*
 * After a 23P01 exclusion violation: describes the booking in the way of
 * [iStartUs, iEndUs) for the 409 answer (the booking zSelfKind/iSelfId being
 * changed is not counted). Best effort: when it is gone by now, only the
 * message is set.
 */
void vs_booking_conflict(struct vs_db *db, int64_t iPartner, int64_t iStartUs, int64_t iEndUs,
			 const char *zSelfKind, int64_t iSelfId, struct vs_outcome *pOut);

/*
 * Creates a video session for the calling partner. The answer (the session
 * object, plus "password" when one was made) is appended to out.
 * VS_ERR_INVALID (422, pOut->zField), VS_ERR_CONFLICT (409 with details),
 * VS_ERR_FORBIDDEN for callers who are not partners.
 */
enum vs_err vs_session_create(struct vs_db *db, const struct vs_view *v,
			      const struct vs_session_input *in, struct vs_buf *out,
			      struct vs_outcome *pOut);

/*
 * The checks a create makes before anything is written, shared by a single session and a
 * series (bPw: the session gets a password): the caller may create, the required fields,
 * no update-only field, a start not in the past, a client of the caller's. VS_OK, or the
 * refusal with pOut->zField set for VS_ERR_INVALID.
 */
enum vs_err vs_session_check_create(struct vs_db *db, const struct vs_view *v, const struct vs_session_input *in,
				    bool bPw, struct vs_outcome *pOut);
/* Reads one session; the client sees no notes. VS_ERR_NOT_FOUND when not allowed to know it. */
enum vs_err vs_session_read(struct vs_db *db, const struct vs_view *v, int64_t iId, struct vs_buf *out);
/* Updates one session of the calling partner (the rules: PUT /api/video-sessions/{id} in openapi.yaml). */
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
 * Checks zPassword against the session's hash zHash under the attempt
 * limits: VS_VERIFY_MAX wrong tries per caller (zCaller: "user:<id>" for the
 * client, "invite:<hash prefix>" for a guest), so one caller's guesses never
 * lock out another, and VS_VERIFY_SESSION_MAX for the session as a whole.
 * VS_OK on a match, VS_ERR_WRONG_PASSWORD, VS_ERR_RATE_LIMITED.
 */
enum vs_err vs_session_check_password(struct vs_db *db, int64_t iId, const char *zCaller, const char *zHash,
				      const char *zPassword, size_t nPassword, struct vs_outcome *pOut);
/*
 * Clears a session's password lockout (every caller's wrong tries and the
 * session's total) for its partner, with an audit row in the same statement.
 */
enum vs_err vs_session_unlock(struct vs_db *db, const struct vs_view *v, int64_t iId);
/* The session as an RFC 5545 calendar object. */
enum vs_err vs_session_ics(struct vs_db *db, const struct vs_view *v, int64_t iId, struct vs_buf *out);

#endif
