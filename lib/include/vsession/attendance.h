/*
 * attendance.h — the rhythm of therapy after (and around) a session: who
 * came (written by the join grant), the outcome the partner marks after the
 * end, the client's own cancellation under the partner's notice period,
 * restoring a cancelled session, a client's request for another time, and
 * the notices the partner sees on the dashboard until dismissed.
 *
 * Every function appends its JSON answer to out (owned by the caller) and
 * returns a vs_err; a refusal fills pOut (field, message, conflict).
 */
#ifndef VSESSION_ATTENDANCE_H
#define VSESSION_ATTENDANCE_H

#include "vsession/store.h"

/* A past session's record stays editable (notes, outcome) this long after its end. */
#define VS_RECORD_EDIT_DAYS 7
/* The notice period when the partner has not set one, and its bounds. */
#define VS_CANCEL_NOTICE_DEFAULT_HOURS 24
#define VS_CANCEL_NOTICE_MAX_HOURS 168

/*
 * The join grant's write: the first time the partner, the client or the
 * guest zGuest (NULL for the others) entered session iId, and the grant's
 * audit row (zAction), in one statement. A later join changes nothing of the
 * record but is audited as before.
 */
enum vs_err vs_attendance_record(struct vs_db *db, const struct vs_view *v, int64_t iId, const char *zRole,
				 const char *zGuest, const char *zAction);

/*
 * Checks an update of a session that has ended (iEndUs <= now): only notes
 * and outcome, and only within VS_RECORD_EDIT_DAYS after the end; anything
 * else is VS_ERR_INVALID naming the field. For a session that has not ended,
 * an outcome is VS_ERR_INVALID naming "outcome".
 */
enum vs_err vs_record_update_check(const struct vs_view *v, const struct vs_session_input *in, int64_t iEndUs,
				   struct vs_outcome *pOut);
/* Inside the update's transaction, before its UPDATE: sets the outcome of session iId. */
enum vs_err vs_record_set_outcome(struct vs_db *db, int64_t iId, const char *zOutcome);

/*
 * The client cancels their own upcoming session iId (not yet started), with
 * zReason (NULL: none). Late when it starts within the partner's notice
 * period: the outcome becomes "late_cancel". The partner gets a dashboard
 * notice and an email (outbox kind client_cancelled), all with the audit
 * row in one statement. VS_ERR_INVALID_STATE when already cancelled or
 * started; VS_ERR_NOT_FOUND when it is not the caller's session.
 */
enum vs_err vs_session_client_cancel(struct vs_db *db, const struct vs_view *v, int64_t iId,
				     const char *zReason, struct vs_buf *out, struct vs_outcome *pOut);

/*
 * The partner restores cancelled session iId, when it has not started and
 * its slot is free: VS_ERR_CONFLICT naming the booking in the way,
 * VS_ERR_INVALID_STATE when it is not cancelled or has started. The client
 * is sent the session again (outbox) and its reminders are planned.
 */
enum vs_err vs_session_restore(struct vs_db *db, const struct vs_view *v, int64_t iId, struct vs_buf *out,
			       struct vs_outcome *pOut);

/*
 * The client asks for another time for upcoming session iId with message
 * zMessage (1..500 characters): a notice for the partner. Answers the notice.
 */
enum vs_err vs_reschedule_request(struct vs_db *db, const struct vs_view *v, int64_t iId,
				  const char *zMessage, struct vs_buf *out, struct vs_outcome *pOut);

/* Partner iPartner's open notices, newest first: {"notices":[...]}. */
enum vs_err vs_partner_notices(struct vs_db *db, const struct vs_view *v, int64_t iPartner,
			       struct vs_buf *out);
/* The partner dismisses notice iId (their own; VS_ERR_NOT_FOUND otherwise). */
enum vs_err vs_partner_notice_dismiss(struct vs_db *db, const struct vs_view *v, int64_t iId);

#endif
