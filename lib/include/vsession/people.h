/*
 * people.h — what the people around a session see of it: the guest's
 * preview, the password check's state and (presence.c) who is waiting.
 */
#ifndef VSESSION_PEOPLE_H
#define VSESSION_PEOPLE_H

#include "vsession/store.h"

/*
 * The guest's view of session iId through invite zInvite (the token as
 * typed): {"title","partner":{"name"},"session_date","end_date",
 * "duration_minutes","status","password_enabled"} appended to out. Only
 * the live invite of a session that has not ended opens it; anything else
 * is VS_ERR_NOT_FOUND, exactly as the guest join answers.
 */
enum vs_err vs_guest_preview(struct vs_db *db, int64_t iId, const char *zInvite, int64_t iNowUs,
			     struct vs_buf *out);

/*
 * The session password check as the caller may know it, appended to out.
 * The session's client: {"password_enabled","verified","remaining",
 * "locked_until"}; its partner (and admins): {"password_enabled",
 * "locked_until"} where locked_until is the latest end of any lockout of
 * the session (one caller's or the session-wide one), null when none.
 * VS_ERR_NOT_FOUND for sessions the caller may not see.
 */
enum vs_err vs_session_password_state(struct vs_db *db, const struct vs_view *v, int64_t iId,
				      struct vs_buf *out);

/*
 * Wrong tries the caller zCallerKey has left in this window, the session's
 * cap (zSessionKey) included; -1 when it cannot be read (the refusal is
 * then answered without the count).
 */
int vs_verify_remaining(struct vs_db *db, const char *zCallerKey, const char *zSessionKey);

/*
 * The partner cancels session iId, with zReason (NULL: none given) for the
 * client to read, and the answer is the cancelled session. The change, its
 * new SEQUENCE for calendar files and its audit row are one statement.
 * VS_ERR_INVALID_STATE when already cancelled or ended; VS_ERR_FORBIDDEN
 * for admins; VS_ERR_NOT_FOUND for anyone else. The session's client
 * cancels under the partner's notice period (vs_session_client_cancel).
 */
enum vs_err vs_session_cancel(struct vs_db *db, const struct vs_view *v, int64_t iId, const char *zReason,
			      struct vs_buf *out, struct vs_outcome *pOut);

/* ---- presence.c ---------------------------------------------------------- */

/* A beat counts for VS_PRESENCE_FRESH_SEC; pages beat about every 15 s. */
#define VS_PRESENCE_FRESH_SEC 40

/*
 * One beat of the caller (the session's partner or client) on the join page
 * (bRoom false: "waiting") or in the room, and who else is there, in one
 * statement: {"recorded": bool, "present": [{"role","name","place","since"}]}
 * appended to out. The beat is recorded only inside the join window of a
 * session that is not cancelled. VS_ERR_NOT_FOUND for sessions the caller is
 * not part of, VS_ERR_FORBIDDEN for admins.
 */
enum vs_err vs_presence_beat(struct vs_db *db, const struct vs_view *v, int64_t iId, bool bRoom,
			     struct vs_buf *out);

/*
 * The same for a guest holding the live invite zInvite, shown as zName
 * (cleaned as the guest join cleans it; VS_ERR_INVALID naming "name"
 * otherwise). VS_ERR_NOT_FOUND for an unknown, revoked or expired invite.
 */
enum vs_err vs_presence_guest_beat(struct vs_db *db, int64_t iId, const char *zInvite, const char *zName,
				   bool bRoom, struct vs_buf *out, struct vs_outcome *pOut);

/*
 * Who is waiting or in the room for partner iPartner's sessions now:
 * {"presence":[{"video_session_id","role","name","place","since"}]}, the
 * partner's own beats left out. VS_ERR_FORBIDDEN unless the caller is that
 * partner or an admin.
 */
enum vs_err vs_presence_of_partner(struct vs_db *db, const struct vs_view *v, int64_t iPartner,
				   struct vs_buf *out);

#endif
