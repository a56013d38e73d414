/*
 * attendance.c — who came, the outcome after the end, the client's own
 * cancellation under the partner's notice period, restore, a request for
 * another time, and the partner's dashboard notices.
 *
 * Invariants: the attendance record is written only by a join grant, in the
 * grant's own audit statement, so a granted room and its record commit
 * together; a client's cancellation, its late flag (decided in SQL from the
 * partner's setting at the moment of the change), the partner's notice, the
 * partner's email and the audit row are one statement; a restore is refused
 * by the bookings exclusion constraint when its slot is taken, never by a
 * read before the write.
 */
#include <stdio.h>
#include <string.h>

#include "vsession/attendance.h"
#include "vsession/audit_sql.h"
#include "vsession/json.h"
#include "vsession/timeutil.h"

/* ---- attendance ---------------------------------------------------------- */

static struct vs_stmt stAttend = VS_STMT("attendance_record", 7, false,
	"WITH j AS (INSERT INTO session_attendance (video_session_id, role, guest_name)"
	"  VALUES ($1, $2, coalesce($3, '')) ON CONFLICT DO NOTHING RETURNING 1)"
	VS_AUDIT_INSERT " VALUES ($4, $5, 'video_session', $1, 'ok', $6, $7)");

enum vs_err vs_attendance_record(struct vs_db *db, const struct vs_view *v, int64_t iId, const char *zRole,
				 const char *zGuest, const char *zAction)
{
	char zId[24], zActor[24];
	const char *az[7] = { vs_db_param_i64(zId, iId), zRole, zGuest,
			      v->c != NULL && v->c->iId > 0 ? vs_db_param_i64(zActor, v->c->iId) : NULL, zAction,
			      vs_origin_request_id(v->o), v->o != NULL ? v->o->zClientAddr : NULL };

	return vs_db_run(db, &stAttend, az);
}

/* ---- the record after ---------------------------------------------------- */

enum vs_err vs_record_update_check(const struct vs_view *v, const struct vs_session_input *in, int64_t iEndUs,
				   struct vs_outcome *pOut)
{
	char zMsg[160];
	const char *zField = NULL;

	if (iEndUs > v->iNowUs) {
		if (in->bOutcome) {
			vs_outcome_set(pOut, "outcome", "outcome can be set only after the session has ended.");
			return VS_ERR_INVALID;
		}
		return VS_OK;
	}
	if (in->bUser)
		zField = "user_id";
	else if (in->bTitle)
		zField = "title";
	else if (in->bStart)
		zField = "session_date";
	else if (in->bDuration)
		zField = "duration_minutes";
	else if (in->bPasswordEnabled)
		zField = "password_enabled";
	else if (in->bCancel)
		zField = "status";
	else if (in->bRegenerate)
		zField = "regenerate_password";
	else if (in->bEmailPassword)
		zField = "email_password";
	if (zField != NULL) {
		snprintf(zMsg, sizeof(zMsg), "%s cannot be changed after the session has ended: only notes and outcome can.",
			 zField);
		vs_outcome_set(pOut, zField, zMsg);
		return VS_ERR_INVALID;
	}
	if ((in->bNotes || in->bOutcome) &&
	    v->iNowUs > iEndUs + (int64_t)VS_RECORD_EDIT_DAYS * 24 * 60 * VS_US_PER_MIN) {
		vs_outcome_set(pOut, in->bNotes ? "notes" : "outcome",
			       "The record of a session can be changed for 7 days after it ended.");
		return VS_ERR_INVALID;
	}
	return VS_OK;
}

static struct vs_stmt stOutcome = VS_STMT("record_outcome", 2, false,
	"UPDATE video_sessions SET outcome = $2 WHERE id = $1");

enum vs_err vs_record_set_outcome(struct vs_db *db, int64_t iId, const char *zOutcome)
{
	char zId[24];
	const char *az[2] = { vs_db_param_i64(zId, iId), zOutcome };

	return vs_db_run(db, &stOutcome, az);
}

/* ---- the client's cancellation ------------------------------------------ */

static struct vs_stmt stOwnRow = VS_STMT("session_own_row", 1, true,
	"SELECT partner_id, user_id, status, session_date <= now() FROM video_sessions WHERE id = $1");

/*
 * Loads session iId for one of the client's own acts and refuses what its
 * state forbids: a cancelled session, or one that has started.
 */
static enum vs_err client_act_check(struct vs_db *db, const struct vs_view *v, int64_t iId,
				    struct vs_outcome *pOut)
{
	char zId[24];
	const char *az[1] = { vs_db_param_i64(zId, iId) };
	PGresult *r;
	enum vs_err rc;

	if ((rc = vs_db_exec(db, &stOwnRow, az, &r)) != VS_OK)
		return rc;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return VS_ERR_NOT_FOUND;
	}
	rc = vs_authorize_session_client(v->c, vs_db_i64(r, 0, 0), vs_db_i64(r, 0, 1));
	if (rc == VS_OK && !strcmp(PQgetvalue(r, 0, 2), "cancelled")) {
		vs_outcome_set(pOut, NULL, "This session is already cancelled.");
		rc = VS_ERR_INVALID_STATE;
	} else if (rc == VS_OK && vs_db_bool(r, 0, 3)) {
		vs_outcome_set(pOut, NULL, "This session has already started; it can no longer be cancelled or moved.");
		rc = VS_ERR_INVALID_STATE;
	}
	PQclear(r);
	return rc;
}

/*
 * Late when the session starts within the partner's notice period. The
 * partner's notice and email say who cancelled, when, whether it was late
 * and why; the email carries the title only as the partner's own reminder
 * (the renderer obeys titles_in_email).
 */
static struct vs_stmt stClientCancel = VS_STMT("session_client_cancel", 5, false,
	"WITH n AS (SELECT coalesce((SELECT ps.cancel_notice_hours FROM partner_settings ps"
	"   JOIN video_sessions x ON x.partner_id = ps.partner_id WHERE x.id = $1), 24) AS h),"
	" s AS (UPDATE video_sessions v SET status = 'cancelled', cancel_reason = $2, cancelled_by = 'client',"
	"   outcome = CASE WHEN v.session_date < now() + make_interval(hours => n.h) THEN 'late_cancel' ELSE v.outcome END,"
	"   sequence = v.sequence + 1, updated_at = now()"
	"  FROM n WHERE v.id = $1 AND v.user_id = $3 AND v.status <> 'cancelled' AND v.session_date > now()"
	"  RETURNING v.id, v.partner_id, v.user_id, v.title, v.session_date, v.end_date, coalesce(v.outcome = 'late_cancel', false) AS late,"
	"   n.h),"
	" p AS (INSERT INTO partner_notices (partner_id, client_id, video_session_id, kind, message, late)"
	"  SELECT partner_id, user_id, id, 'client_cancel', $2, late FROM s),"
	" m AS (INSERT INTO outbox (kind, recipient_user_id, recipient_email, recipient_name, video_session_id, payload)"
	"  SELECT 'client_cancelled', p.id, p.email, p.name, s.id,"
	"   jsonb_build_object('session_id', s.id, 'partner_id', s.partner_id, 'title', s.title, 'start', s.session_date,"
	"    'end', s.end_date, 'client_name', coalesce(pc.alias, c.name), 'late', s.late, 'notice_hours', s.h,"
	"    'reason', $2::text)"
	"  FROM s JOIN users p ON p.id = s.partner_id JOIN users c ON c.id = s.user_id"
	"  LEFT JOIN partner_clients pc ON pc.partner_id = s.partner_id AND pc.client_id = s.user_id),"
	" a AS (" VS_AUDIT_ROW("$3", "video_session.client_cancel", "video_session", "s.id", "$4", "$5", "s") ")"
	" SELECT late FROM s");

enum vs_err vs_session_client_cancel(struct vs_db *db, const struct vs_view *v, int64_t iId,
				     const char *zReason, struct vs_buf *out, struct vs_outcome *pOut)
{
	char zId[24], zActor[24];
	const char *az[5] = { vs_db_param_i64(zId, iId), zReason, vs_db_param_i64(zActor, v->c->iId),
			      vs_origin_request_id(v->o), v->o != NULL ? v->o->zClientAddr : NULL };
	PGresult *r;
	enum vs_err rc;
	bool bDone;

	if ((rc = client_act_check(db, v, iId, pOut)) != VS_OK)
		return rc;
	if ((rc = vs_db_exec(db, &stClientCancel, az, &r)) != VS_OK)
		return rc;
	bDone = PQntuples(r) == 1;
	PQclear(r);
	if (!bDone) {  /* cancelled or started between the two statements */
		vs_outcome_set(pOut, NULL, "This session can no longer be cancelled.");
		return VS_ERR_INVALID_STATE;
	}
	return vs_session_read(db, v, iId, out);
}

/* ---- restore -------------------------------------------------------------- */

static struct vs_stmt stRestoreRow = VS_STMT("session_restore_row", 1, true,
	"SELECT partner_id, user_id, status, session_date <= now(),"
	" (extract(epoch FROM session_date) * 1000000)::int8, (extract(epoch FROM end_date) * 1000000)::int8"
	" FROM video_sessions WHERE id = $1");

/* A late cancellation's outcome goes with the cancellation it recorded. */
static struct vs_stmt stRestore = VS_STMT("session_restore", 4, false,
	"WITH s AS (UPDATE video_sessions SET status = 'scheduled', cancel_reason = NULL, cancelled_by = NULL,"
	"   outcome = CASE WHEN outcome = 'late_cancel' THEN NULL ELSE outcome END,"
	"   sequence = sequence + 1, updated_at = now()"
	"  WHERE id = $1 AND status = 'cancelled' AND session_date > now() RETURNING id)"
	VS_AUDIT_ROW("$2", "video_session.restore", "video_session", "s.id", "$3", "$4", "s")
	" RETURNING object_id");

/* The client hears of the session again, as of a new one; vsession-mailer plans its reminders
 * when they come due (outbox_plan_due_reminders), as for any session. */
static struct vs_stmt stRestoreMail = VS_STMT("session_restore_mail", 1, false,
	"SELECT outbox_enqueue_session('session_scheduled', v, outbox_session_payload(v, v.sequence), now(), true)"
	" FROM video_sessions v WHERE v.id = $1");

enum vs_err vs_session_restore(struct vs_db *db, const struct vs_view *v, int64_t iId, struct vs_buf *out,
			       struct vs_outcome *pOut)
{
	char zId[24], zActor[24];
	const char *az[4] = { vs_db_param_i64(zId, iId) };
	PGresult *r;
	enum vs_err rc;
	int64_t iPartner, iStart, iEnd;
	bool bDone;

	if ((rc = vs_db_exec(db, &stRestoreRow, az, &r)) != VS_OK)
		return rc;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return VS_ERR_NOT_FOUND;
	}
	iPartner = vs_db_i64(r, 0, 0);
	iStart = vs_db_i64(r, 0, 4);
	iEnd = vs_db_i64(r, 0, 5);
	rc = vs_authorize_session(v->c, VS_ACT_WRITE, iPartner, vs_db_i64(r, 0, 1));
	if (rc == VS_OK && strcmp(PQgetvalue(r, 0, 2), "cancelled") != 0) {
		vs_outcome_set(pOut, NULL, "This session is not cancelled.");
		rc = VS_ERR_INVALID_STATE;
	} else if (rc == VS_OK && vs_db_bool(r, 0, 3)) {
		vs_outcome_set(pOut, NULL, "This session's time has passed; it cannot be restored.");
		rc = VS_ERR_INVALID_STATE;
	}
	PQclear(r);
	if (rc != VS_OK)
		return rc;
	vs_audit_params(v, zActor, az + 1);
	if ((rc = vs_db_command(db, "BEGIN")) != VS_OK)
		return rc;
	rc = vs_db_exec(db, &stRestore, az, &r);
	if (rc == VS_ERR_CONFLICT) {
		vs_db_command(db, "ROLLBACK");
		vs_booking_conflict(db, iPartner, iStart, iEnd, "video_session", iId, pOut);
		return rc;
	}
	if (rc != VS_OK)
		goto fail;
	bDone = PQntuples(r) == 1;
	PQclear(r);
	if (!bDone) {  /* restored, deleted or started between the two statements */
		vs_outcome_set(pOut, NULL, "This session can no longer be restored.");
		rc = VS_ERR_INVALID_STATE;
		goto fail;
	}
	if ((rc = vs_db_run(db, &stRestoreMail, az)) != VS_OK)
		goto fail;
	if ((rc = vs_db_command(db, "COMMIT")) != VS_OK)
		return rc;
	return vs_session_read(db, v, iId, out);
fail:
	if (vs_db_in_transaction(db))
		vs_db_command(db, "ROLLBACK");
	return rc;
}

/* ---- another time, and the partner's notices ------------------------------ */

#define NOTICE_COLS \
	"n.id, n.kind, n.video_session_id, n.client_id, coalesce(pc.alias, u.name), n.message, n.late," \
	" (extract(epoch FROM n.created_at) * 1000000)::int8, s.title, (extract(epoch FROM s.session_date) * 1000000)::int8"
#define NOTICE_FROM \
	" JOIN users u ON u.id = n.client_id" \
	" LEFT JOIN partner_clients pc ON pc.partner_id = n.partner_id AND pc.client_id = n.client_id" \
	" LEFT JOIN video_sessions s ON s.id = n.video_session_id"

static void notice_json(struct vs_buf *b, const PGresult *r, int i)
{
	vs_buf_putc(b, '{');
	vs_json_key(b, "id", true);
	vs_json_i64(b, vs_db_i64(r, i, 0));
	vs_json_key(b, "kind", false);
	vs_json_str(b, PQgetvalue(r, i, 1));
	vs_json_key(b, "video_session_id", false);
	if (PQgetisnull(r, i, 2))
		vs_json_null(b);
	else
		vs_json_i64(b, vs_db_i64(r, i, 2));
	vs_buf_puts(b, ",\"client\":{\"id\":");
	vs_json_i64(b, vs_db_i64(r, i, 3));
	vs_json_key(b, "name", false);
	vs_json_str(b, PQgetvalue(r, i, 4));
	vs_buf_putc(b, '}');
	vs_json_key(b, "message", false);
	vs_json_str(b, PQgetisnull(r, i, 5) ? NULL : PQgetvalue(r, i, 5));
	vs_json_key(b, "late", false);
	vs_json_bool(b, vs_db_bool(r, i, 6));
	vs_json_key(b, "created_at", false);
	vs_json_time(b, vs_db_i64(r, i, 7));
	vs_json_key(b, "session_title", false);
	vs_json_str(b, PQgetisnull(r, i, 8) ? NULL : PQgetvalue(r, i, 8));
	vs_json_key(b, "session_date", false);
	if (PQgetisnull(r, i, 9))
		vs_json_null(b);
	else
		vs_json_time(b, vs_db_i64(r, i, 9));
	vs_buf_putc(b, '}');
}

static struct vs_stmt stRequest = VS_STMT("reschedule_request", 5, false,
	"WITH n AS (INSERT INTO partner_notices (partner_id, client_id, video_session_id, kind, message)"
	"  SELECT partner_id, user_id, id, 'reschedule_request', $2 FROM video_sessions"
	"  WHERE id = $1 AND user_id = $3 AND status <> 'cancelled' AND session_date > now() RETURNING *),"
	" a AS (" VS_AUDIT_ROW("$3", "video_session.reschedule_request", "video_session", "n.video_session_id",
			     "$4", "$5", "n") ")"
	" SELECT " NOTICE_COLS " FROM n" NOTICE_FROM);

enum vs_err vs_reschedule_request(struct vs_db *db, const struct vs_view *v, int64_t iId,
				  const char *zMessage, struct vs_buf *out, struct vs_outcome *pOut)
{
	char zId[24], zActor[24];
	const char *az[5] = { vs_db_param_i64(zId, iId), zMessage, vs_db_param_i64(zActor, v->c->iId),
			      vs_origin_request_id(v->o), v->o != NULL ? v->o->zClientAddr : NULL };
	PGresult *r;
	enum vs_err rc;

	if ((rc = client_act_check(db, v, iId, pOut)) != VS_OK)
		return rc;
	if ((rc = vs_db_exec(db, &stRequest, az, &r)) != VS_OK)
		return rc;
	if (PQntuples(r) == 1) {
		notice_json(out, r, 0);
	} else {
		vs_outcome_set(pOut, NULL, "This session can no longer be moved.");
		rc = VS_ERR_INVALID_STATE;
	}
	PQclear(r);
	return rc;
}

static struct vs_stmt stNotices = VS_STMT("partner_notices", 1, true,
	"SELECT " NOTICE_COLS " FROM partner_notices n" NOTICE_FROM
	" WHERE n.partner_id = $1 AND n.dismissed_at IS NULL ORDER BY n.created_at DESC, n.id DESC LIMIT 100");

enum vs_err vs_partner_notices(struct vs_db *db, const struct vs_view *v, int64_t iPartner,
			       struct vs_buf *out)
{
	char zP[24];
	const char *az[1] = { vs_db_param_i64(zP, iPartner) };
	PGresult *r;
	enum vs_err rc;
	int i;

	if ((rc = vs_authorize_partner_collection(v->c, iPartner, VS_ACT_READ)) != VS_OK)
		return rc;
	if ((rc = vs_db_exec(db, &stNotices, az, &r)) != VS_OK)
		return rc;
	vs_buf_puts(out, "{\"notices\":[");
	for (i = 0; i < PQntuples(r); i++) {
		if (i > 0)
			vs_buf_putc(out, ',');
		notice_json(out, r, i);
	}
	vs_buf_puts(out, "]}");
	PQclear(r);
	return VS_OK;
}

static struct vs_stmt stNoticeOwner = VS_STMT("partner_notice_owner", 1, true,
	"SELECT partner_id FROM partner_notices WHERE id = $1 AND dismissed_at IS NULL");

static struct vs_stmt stDismiss = VS_STMT("partner_notice_dismiss", 4, false,
	"WITH d AS (UPDATE partner_notices SET dismissed_at = now() WHERE id = $1 AND dismissed_at IS NULL RETURNING id)"
	VS_AUDIT_ROW("$2", "partner_notice.dismiss", "partner_notice", "d.id", "$3", "$4", "d"));

enum vs_err vs_partner_notice_dismiss(struct vs_db *db, const struct vs_view *v, int64_t iId)
{
	char zId[24];
	const char *az[1] = { vs_db_param_i64(zId, iId) };
	PGresult *r;
	enum vs_err rc;

	if ((rc = vs_db_exec(db, &stNoticeOwner, az, &r)) != VS_OK)
		return rc;
	rc = PQntuples(r) == 1 ? vs_authorize_partner_object(v->c, VS_ACT_WRITE, vs_db_i64(r, 0, 0))
			       : VS_ERR_NOT_FOUND;
	PQclear(r);
	return rc != VS_OK ? rc : vs_audit_run_on(db, v, &stDismiss, iId);
}
