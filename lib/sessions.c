/*
 * sessions.c — video sessions: create, read, update, delete, password
 * checks and the iCalendar view (the lists are in session_lists.c).
 *
 * Double booking is refused by PostgreSQL (the bookings exclusion
 * constraint, fed by triggers), never by a read before a write; a conflict
 * comes back as 23P01 and is then described by one more read. Status is
 * computed at the moment of the answer from the stored times, so it is
 * always true whatever was stored, except that cancelled stays cancelled.
 * Changes that depend on the current row (update) run in one transaction
 * holding the row lock.
 *
 * Why one file of over 500 lines: create, read, update, delete, the
 * password check and the calendar file share the row loader (load(), which
 * authorizes), the room and password makers and the password-counter key;
 * the update alone (its plan, decided twice, and a client change) is a
 * third of the file. The lists, which share only the row's columns, are
 * in session_lists.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session_row.h"
#include "vsession/attendance.h"
#include "vsession/audit.h"
#include "vsession/authz.h"
#include "vsession/crypto.h"
#include "vsession/ics.h"
#include "vsession/json.h"
#include "vsession/limits.h"
#include "vsession/people.h"
#include "vsession/series.h"
#include "vsession/sessions.h"
#include "vsession/timeutil.h"
#include "vsession/users.h"
#include "vsession/joinhints.h"

const char *vs_session_status_at(const char *zStored, int64_t iStartUs, int64_t iEndUs, int64_t iNowUs)
{
	if (zStored != NULL && !strcmp(zStored, "cancelled"))
		return "cancelled";
	if (iNowUs >= iEndUs)
		return "completed";
	if (iNowUs >= iStartUs)
		return "in_progress";
	return "scheduled";
}

/*
 * The record after and the cancellation policy: the outcome, who cancelled,
 * and, before the start, the notice period and whether cancelling now would
 * be late; the attendance record for those who see notes.
 */
static void session_record_json(struct vs_buf *b, const struct vs_view *v, const PGresult *r, int i, bool bNotes)
{
	int64_t iStart = vs_db_i64(r, i, SC_START), iNotice = vs_db_i64(r, i, SC_NOTICE_HOURS);
	bool bCancelled = !strcmp(PQgetvalue(r, i, SC_STATUS), "cancelled");

	vs_json_key(b, "outcome", false);
	vs_json_str(b, PQgetisnull(r, i, SC_OUTCOME) ? NULL : PQgetvalue(r, i, SC_OUTCOME));
	if (bCancelled) {
		vs_json_key(b, "cancelled_by", false);
		vs_json_str(b, PQgetisnull(r, i, SC_CANCELLED_BY) ? NULL : PQgetvalue(r, i, SC_CANCELLED_BY));
	} else if (v->iNowUs < iStart) {
		vs_buf_puts(b, ",\"cancellation\":{\"notice_hours\":");
		vs_json_i64(b, iNotice);
		vs_json_key(b, "late", false);
		vs_json_bool(b, iStart - v->iNowUs < iNotice * 60 * VS_US_PER_MIN);
		vs_buf_putc(b, '}');
	}
	if (bNotes) {
		vs_json_key(b, "attendance", false);
		vs_buf_puts(b, PQgetisnull(r, i, SC_ATTENDANCE) ? "[]" : PQgetvalue(r, i, SC_ATTENDANCE));
	}
}

/* Writes one session row as the API's session object. */
void vs_session_row_json(struct vs_buf *b, const struct vs_view *v, const PGresult *r, int i,
			 bool bNotes, const char *zPassword)
{
	int64_t iStart = vs_db_i64(r, i, SC_START), iEnd = vs_db_i64(r, i, SC_END);
	int64_t iId = vs_db_i64(r, i, SC_ID);

	vs_buf_putc(b, '{');
	vs_json_key(b, "id", true);
	vs_json_i64(b, iId);
	vs_json_key(b, "partner_id", false);
	vs_json_i64(b, vs_db_i64(r, i, SC_PARTNER));
	vs_json_key(b, "user_id", false);
	vs_json_i64(b, vs_db_i64(r, i, SC_USER));
	vs_buf_puts(b, ",\"partner\":{\"id\":");
	vs_json_i64(b, vs_db_i64(r, i, SC_PARTNER));
	vs_json_key(b, "name", false);
	vs_json_str(b, PQgetvalue(r, i, SC_PARTNER_NAME));
	vs_buf_puts(b, "},\"user\":{\"id\":");
	vs_json_i64(b, vs_db_i64(r, i, SC_USER));
	vs_json_key(b, "name", false);
	vs_json_str(b, PQgetvalue(r, i, SC_USER_NAME));
	vs_buf_putc(b, '}');
	vs_json_key(b, "title", false);
	vs_json_str(b, PQgetvalue(r, i, SC_TITLE));
	vs_json_key(b, "session_date", false);
	vs_json_time(b, iStart);
	vs_json_key(b, "end_date", false);
	vs_json_time(b, iEnd);
	vs_json_key(b, "duration_minutes", false);
	vs_json_i64(b, vs_db_i64(r, i, SC_DURATION));
	vs_json_key(b, "status", false);
	vs_json_str(b, vs_session_status_at(PQgetvalue(r, i, SC_STATUS), iStart, iEnd, v->iNowUs));
	vs_json_key(b, "password_enabled", false);
	vs_json_bool(b, vs_db_bool(r, i, SC_PW_ENABLED));
	if (!strcmp(PQgetvalue(r, i, SC_STATUS), "cancelled")) {
		vs_json_key(b, "cancel_reason", false);
		if (PQgetisnull(r, i, SC_CANCEL_REASON))
			vs_json_null(b);
		else
			vs_json_str(b, PQgetvalue(r, i, SC_CANCEL_REASON));
	}
	vs_json_key(b, "series", false);
	if (PQgetisnull(r, i, SC_SERIES_ID) || PQgetisnull(r, i, SC_SERIES_COUNT)) {
		vs_json_null(b);
	} else {
		vs_buf_puts(b, "{\"id\":");
		vs_json_i64(b, vs_db_i64(r, i, SC_SERIES_ID));
		vs_json_key(b, "index", false);
		vs_json_i64(b, vs_db_i64(r, i, SC_SERIES_INDEX));
		vs_json_key(b, "count", false);
		vs_json_i64(b, vs_db_i64(r, i, SC_SERIES_COUNT));
		vs_json_key(b, "interval_weeks", false);
		vs_json_i64(b, vs_db_i64(r, i, SC_SERIES_INTERVAL));
		vs_buf_putc(b, '}');
	}
	session_record_json(b, v, r, i, bNotes);
	vs_json_key(b, "meeting_url", false);
	vs_buf_putc(b, '"');
	vs_buf_puts(b, v->zPublicUrl);
	vs_buf_puts(b, "/join/");
	vs_buf_put_i64(b, iId);
	vs_buf_putc(b, '"');
	/* the same page with a signed hint: the login page can then name the session */
	vs_json_key(b, "join_url", false);
	vs_join_url(b, v->zPublicUrl, iId, iEnd);
	if (bNotes) {
		vs_json_key(b, "notes", false);
		vs_json_str(b, PQgetvalue(r, i, SC_NOTES));
	}
	vs_json_key(b, "created_at", false);
	vs_json_time(b, vs_db_i64(r, i, SC_CREATED));
	vs_json_key(b, "updated_at", false);
	vs_json_time(b, vs_db_i64(r, i, SC_UPDATED));
	if (zPassword != NULL) {
		vs_json_key(b, "password", false);
		vs_json_str(b, zPassword);
	}
	vs_buf_putc(b, '}');
}

bool vs_session_sees_notes(const struct vs_caller *c)
{
	return c->eRole == VS_ROLE_PARTNER || c->eRole == VS_ROLE_ADMIN;
}

/* ---- conflicts ---------------------------------------------------------- */

static struct vs_stmt stConflict = VS_STMT("booking_conflict", 5, true,
	"SELECT b.kind, b.ref_id, (extract(epoch FROM lower(b.during)) * 1000000)::int8,"
	" (extract(epoch FROM upper(b.during)) * 1000000)::int8,"
	" coalesce(vs.title, ap.title), u.id, u.name"
	" FROM bookings b"
	" LEFT JOIN video_sessions vs ON b.kind = 'video_session' AND vs.id = b.ref_id"
	" LEFT JOIN appointments ap ON b.kind = 'appointment' AND ap.id = b.ref_id"
	" LEFT JOIN users u ON u.id = coalesce(vs.user_id, ap.user_id)"
	" WHERE b.partner_id = $1 AND b.active"
	" AND b.during && tstzrange($2::timestamptz, $3::timestamptz, '[)')"
	" AND NOT (b.kind = $4 AND b.ref_id = $5)"
	" ORDER BY lower(b.during), b.id LIMIT 1");

void vs_booking_conflict(struct vs_db *db, int64_t iPartner, int64_t iStartUs, int64_t iEndUs,
			 const char *zSelfKind, int64_t iSelfId, struct vs_outcome *pOut)
{
	char zP[24], zS[40], zE[40], zSelf[24];
	const char *az[5] = { vs_db_param_i64(zP, iPartner), vs_db_param_time(zS, iStartUs),
			      vs_db_param_time(zE, iEndUs), zSelfKind, vs_db_param_i64(zSelf, iSelfId) };
	PGresult *r;

	pOut->bConflict = true;
	vs_outcome_set(pOut, NULL, "The partner is already booked at that time.");
	if (vs_db_exec(db, &stConflict, az, &r) != VS_OK)
		return;
	if (PQntuples(r) == 1) {
		snprintf(pOut->zConflictKind, sizeof(pOut->zConflictKind), "%s", PQgetvalue(r, 0, 0));
		pOut->iConflictId = vs_db_i64(r, 0, 1);
		pOut->iConflictStartUs = vs_db_i64(r, 0, 2);
		pOut->iConflictEndUs = vs_db_i64(r, 0, 3);
		/* the partner's own booking: its title and client name them in the answer */
		snprintf(pOut->zConflictTitle, sizeof(pOut->zConflictTitle), "%s", PQgetvalue(r, 0, 4));
		pOut->iConflictUserId = PQgetisnull(r, 0, 5) ? 0 : vs_db_i64(r, 0, 5);
		snprintf(pOut->zConflictUser, sizeof(pOut->zConflictUser), "%s", PQgetvalue(r, 0, 6));
	}
	PQclear(r);
}

/* ---- create ------------------------------------------------------------- */

/* The audit row is written by the same statement: a change and its row commit together. */
static struct vs_stmt stCreate = VS_STMT("session_create", 12, false,
	"WITH s AS (INSERT INTO video_sessions (partner_id, user_id, title, session_date, duration_minutes,"
	"   end_date, password_enabled, password_hash, meeting_room_id, jitsi_password, notes)"
	"  VALUES ($1, $2, $3, $4::timestamptz, $5::int, $4::timestamptz + make_interval(mins => $5::int),"
	"   $6::bool, $7, $8, $9, $10) RETURNING *),"
	" a AS (" VS_AUDIT_ROW("$1", "video_session.create", "video_session", "s.id", "$11", "$12", "s") ")"
	" SELECT " SESSION_COLS " FROM s");

/*
 * The password the partner asked to email, for the outbox trigger of the next
 * write in this transaction only (005_outbox.sql reads vsession.mail_password).
 */
static struct vs_stmt stMailPassword = VS_STMT("session_mail_password", 1, false,
	"SELECT set_config('vsession.mail_password', $1, true)");

static enum vs_err mail_password(struct vs_db *db, const char *zPw)
{
	const char *az[1] = { zPw };
	PGresult *r;
	enum vs_err rc = vs_db_exec(db, &stMailPassword, az, &r);

	if (rc == VS_OK)
		PQclear(r);
	return rc;
}

/* Makes the random values a new session needs: room name, Jitsi password. */
static enum vs_err new_room(char zRoom[64], char zJitsiPw[64])
{
	enum vs_err rc = vs_random_base32(zRoom, 20);
	if (rc == VS_OK)
		rc = vs_random_token(zJitsiPw, 18);
	return rc;
}

/* A fresh 6-digit password and its hash. */
static enum vs_err new_password(char zPw[VS_SESSION_PASSWORD_DIGITS + 1], char zHash[VS_PASSWORD_HASH_MAX])
{
	enum vs_err rc = vs_random_digits(zPw, VS_SESSION_PASSWORD_DIGITS);
	if (rc == VS_OK)
		rc = vs_password_hash(zPw, VS_SESSION_PASSWORD_DIGITS, zHash);
	return rc;
}

/* The checks of a create before anything is written (a single session or a whole series). */
enum vs_err vs_session_check_create(struct vs_db *db, const struct vs_view *v, const struct vs_session_input *in,
				    bool bPw, struct vs_outcome *pOut)
{
	enum vs_err rc;
	bool bLinked;

	if ((rc = vs_authorize_session_create(v->c)) != VS_OK)
		return rc;
	if (!in->bUser || !in->bTitle || !in->bStart || !in->bDuration) {
		vs_outcome_set(pOut, !in->bUser ? "user_id" : !in->bTitle ? "title" : !in->bStart ? "session_date" : "duration_minutes",
			"This field is required.");
		return VS_ERR_INVALID;
	}
	if (in->bCancel || in->bRegenerate) {
		vs_outcome_set(pOut, in->bCancel ? "status" : "regenerate_password", "This field is only for updates.");
		return VS_ERR_INVALID;
	}
	if (in->bEmailPassword && !bPw) {
		vs_outcome_set(pOut, "email_password", "A session without a password has no password to email.");
		return VS_ERR_INVALID;
	}
	if (in->iStartUs < v->iNowUs) {
		vs_outcome_set(pOut, "session_date", "session_date must not be in the past.");
		return VS_ERR_INVALID;
	}
	if ((rc = vs_client_is_linked(db, v->c->iId, in->iUserId, &bLinked)) != VS_OK)
		return rc;
	if (!bLinked) {
		vs_outcome_set(pOut, "user_id", "user_id must be one of your clients.");
		return VS_ERR_INVALID;
	}
	return VS_OK;
}

enum vs_err vs_session_create(struct vs_db *db, const struct vs_view *v,
			      const struct vs_session_input *in, struct vs_buf *out,
			      struct vs_outcome *pOut)
{
	char zP[24], zU[24], zStart[40], zDur[24], zRoom[64], zJpw[64];
	char zPw[VS_SESSION_PASSWORD_DIGITS + 1] = "", zHash[VS_PASSWORD_HASH_MAX] = "";
	bool bPw = in->bPasswordEnabled ? in->bPasswordEnabledValue : true;
	const char *az[12];
	PGresult *r;
	enum vs_err rc;

	if ((rc = vs_session_check_create(db, v, in, bPw, pOut)) != VS_OK)
		return rc;
	if ((rc = new_room(zRoom, zJpw)) != VS_OK)
		return rc;
	if (bPw && (rc = new_password(zPw, zHash)) != VS_OK)
		return rc;
	az[0] = vs_db_param_i64(zP, v->c->iId);
	az[1] = vs_db_param_i64(zU, in->iUserId);
	az[2] = in->zTitle;
	az[3] = vs_db_param_time(zStart, in->iStartUs);
	az[4] = vs_db_param_i64(zDur, in->nDuration);
	az[5] = bPw ? "true" : "false";
	az[6] = bPw ? zHash : NULL;
	az[7] = zRoom;
	az[8] = zJpw;
	az[9] = in->bNotes ? in->zNotes : "";
	az[10] = vs_origin_request_id(v->o);
	az[11] = v->o != NULL ? v->o->zClientAddr : NULL;
	if (in->bEmailPassword) {
		/* the password reaches the outbox trigger in the insert's own transaction */
		if ((rc = vs_db_command(db, "BEGIN")) == VS_OK && (rc = mail_password(db, zPw)) == VS_OK &&
		    (rc = vs_db_exec(db, &stCreate, az, &r)) == VS_OK && (rc = vs_db_command(db, "COMMIT")) != VS_OK)
			PQclear(r);
		if (rc != VS_OK && vs_db_in_transaction(db))
			vs_db_command(db, "ROLLBACK");
	} else {
		rc = vs_db_exec(db, &stCreate, az, &r);
	}
	explicit_bzero(zHash, sizeof(zHash));
	if (rc == VS_ERR_CONFLICT) {
		vs_booking_conflict(db, v->c->iId, in->iStartUs,
				  in->iStartUs + (int64_t)in->nDuration * 60 * VS_US_PER_SEC, "video_session", 0, pOut);
		return rc;
	}
	if (rc == VS_ERR_INVALID) {
		vs_outcome_set(pOut, "user_id", "user_id must be one of your clients.");
		return rc;
	}
	if (rc != VS_OK)
		return rc;
	vs_session_row_json(out, v, r, 0, true, bPw ? zPw : NULL);
	explicit_bzero(zPw, sizeof(zPw));
	PQclear(r);
	return VS_OK;
}

/* ---- read --------------------------------------------------------------- */

/* without attendance: its callers answer a client, or only decide on the row */
static struct vs_stmt stGet = VS_STMT("session_get", 1, true,
	"SELECT " SESSION_COLS_NO_ATTENDANCE("s.partner_id", "s.user_id") SESSION_FROM " WHERE s.id = $1");

/* Loads one row and decides whether the caller may do a to it. */
static enum vs_err load(struct vs_db *db, const struct vs_view *v, int64_t iId, enum vs_action a,
			PGresult **ppRes)
{
	char zId[24];
	const char *az[1] = { vs_db_param_i64(zId, iId) };
	enum vs_err rc = vs_db_exec(db, &stGet, az, ppRes);

	if (rc != VS_OK)
		return rc;
	if (PQntuples(*ppRes) != 1) {
		PQclear(*ppRes);
		*ppRes = NULL;
		return VS_ERR_NOT_FOUND;
	}
	rc = vs_authorize_session(v->c, a, vs_db_i64(*ppRes, 0, SC_PARTNER), vs_db_i64(*ppRes, 0, SC_USER));
	if (rc != VS_OK) {
		PQclear(*ppRes);
		*ppRes = NULL;
	}
	return rc;
}

/*
 * A read by someone who sees notes, and its audit row, in one round trip.
 * The row is written only when the caller may read this session's notes
 * (its partner, or an admin: the same rule as vs_authorize_session), and
 * commits without waiting for the disk, as every read audit does.
 */
static struct vs_stmt stGetAudited = VS_STMT("session_get_audited", 5, false,
	"WITH c AS (SELECT set_config('synchronous_commit', 'off', true) AS x),"
	" s AS (SELECT " SESSION_COLS SESSION_FROM " WHERE s.id = $1),"
	" a AS (" VS_AUDIT_ROW("$2", "video_session.notes_read", "video_session", "s.id", "$4", "$5",
			     "s, c WHERE c.x IS NOT NULL AND ($3 = 'admin' OR ($3 = 'partner' AND s.partner_id = $2))") ")"
	" SELECT * FROM s");

enum vs_err vs_session_read(struct vs_db *db, const struct vs_view *v, int64_t iId, struct vs_buf *out)
{
	char zId[24], zActor[24];
	const char *az[5];
	PGresult *r;
	enum vs_err rc;

	if (!vs_session_sees_notes(v->c)) {
		if ((rc = load(db, v, iId, VS_ACT_READ, &r)) != VS_OK)
			return rc;
		vs_session_row_json(out, v, r, 0, false, NULL);
		PQclear(r);
		return VS_OK;
	}
	az[0] = vs_db_param_i64(zId, iId);
	az[1] = vs_db_param_i64(zActor, v->c->iId);
	az[2] = vs_role_name(v->c->eRole);
	az[3] = vs_origin_request_id(v->o);
	az[4] = v->o != NULL ? v->o->zClientAddr : NULL;
	if ((rc = vs_db_exec(db, &stGetAudited, az, &r)) != VS_OK)
		return rc;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return VS_ERR_NOT_FOUND;
	}
	rc = vs_authorize_session(v->c, VS_ACT_READ, vs_db_i64(r, 0, SC_PARTNER), vs_db_i64(r, 0, SC_USER));
	if (rc == VS_OK)
		vs_session_row_json(out, v, r, 0, true, NULL);
	PQclear(r);
	return rc;
}

/* ---- update ------------------------------------------------------------- */

static struct vs_stmt stLock = VS_STMT("session_lock", 1, false,
	"SELECT " SESSION_COLS SESSION_FROM " WHERE s.id = $1 FOR UPDATE");

/*
 * $11/$12: a new room name and Jitsi password (when the client changes), NULL to keep them;
 * a session given to another client leaves its weekly series (009_series.sql).
 */
static struct vs_stmt stUpdate = VS_STMT("session_update", 12, false,
	"WITH s AS (UPDATE video_sessions SET user_id = $2, title = $3, session_date = $4::timestamptz,"
	"   duration_minutes = $5::int, end_date = $4::timestamptz + make_interval(mins => $5::int),"
	"   status = $6, password_enabled = $7::bool,"
	"   password_hash = CASE WHEN $8 = 'keep' THEN password_hash WHEN $8 = 'none' THEN NULL ELSE $8 END,"
	"   notes = $9, sequence = sequence + 1, updated_at = now(),"
	"   meeting_room_id = coalesce($11, meeting_room_id), jitsi_password = coalesce($12, jitsi_password),"
	"   series_id = CASE WHEN $11::text IS NULL THEN series_id END,"
	"   series_index = CASE WHEN $11::text IS NULL THEN series_index END"
	"  WHERE id = $1 RETURNING *)"
	" SELECT " SESSION_COLS " FROM s"
	" WHERE $10::int IS NOT NULL");

/*
 * A new client: every way in that the old client had ends with the change,
 * in the same transaction — invites, passed password checks and the
 * password counters of the session — and the change is audited.
 */
static struct vs_stmt stRevokeAccess = VS_STMT("session_revoke_access", 5, false,
	"WITH i AS (DELETE FROM invites WHERE video_session_id = $1 RETURNING 1),"
	" v AS (DELETE FROM session_verifications WHERE video_session_id = $1 RETURNING 1),"
	" c AS (DELETE FROM attempt_counters WHERE key = $2 OR key LIKE $2 || ':%' RETURNING 1)"
	VS_AUDIT_ROW("$3", "video_session.client_change", "video_session", "$1", "$4", "$5",
		     "(SELECT (SELECT count(*) FROM i) + (SELECT count(*) FROM v) + (SELECT count(*) FROM c)) x"));

/* What an update will do to the current row r, once its input is known. */
struct update_plan {
	const char *zStored;       /* the stored status (points into r) */
	int64_t     iUser, iNewStart, iNewEnd;
	int         nDur;
	bool        bPwNow;        /* the session has a password after the change */
	bool        bNewPw;        /* a new 6-digit password is made (and shown once) */
	bool        bClientChange; /* another client: new room, new secrets, old access revoked */
};

/*
 * Decides an update of row r and refuses what the rules forbid. Runs twice:
 * on a first read, so that nothing is spent (a rate-limit slot, argon2id)
 * for a request that will be refused, and again under the row lock.
 */
static enum vs_err plan_update(const struct vs_view *v, const PGresult *r,
			       const struct vs_session_input *in, struct update_plan *p,
			       struct vs_outcome *pOut)
{
	int64_t iStart = vs_db_i64(r, 0, SC_START), iEnd = vs_db_i64(r, 0, SC_END);
	bool bPwWas = vs_db_bool(r, 0, SC_PW_ENABLED), bMoved;
	const char *zStatus;
	enum vs_err rc;

	/* the record after: a past session takes only notes and outcome, for 7 days */
	if ((rc = vs_record_update_check(v, in, iEnd, pOut)) != VS_OK)
		return rc;
	p->zStored = PQgetvalue(r, 0, SC_STATUS);
	zStatus = vs_session_status_at(p->zStored, iStart, iEnd, v->iNowUs);
	p->iUser = in->bUser ? in->iUserId : vs_db_i64(r, 0, SC_USER);
	p->bClientChange = p->iUser != vs_db_i64(r, 0, SC_USER);
	p->iNewStart = in->bStart ? in->iStartUs : iStart;
	p->nDur = in->bDuration ? in->nDuration : (int)vs_db_i64(r, 0, SC_DURATION);
	p->iNewEnd = p->iNewStart + (int64_t)p->nDur * 60 * VS_US_PER_SEC;
	bMoved = p->iNewStart != iStart || p->iNewEnd != iEnd || p->bClientChange;
	if ((!strcmp(zStatus, "cancelled") || !strcmp(zStatus, "completed")) &&
	    (bMoved || in->bRegenerate || (in->bPasswordEnabled && in->bPasswordEnabledValue != bPwWas))) {
		vs_outcome_set(pOut, NULL, !strcmp(zStatus, "cancelled") ? "A cancelled session cannot be moved or changed."
			: "A completed session cannot be moved or changed.");
		return VS_ERR_INVALID_STATE;
	}
	if (in->bStart && p->iNewStart != iStart && p->iNewStart < v->iNowUs) {
		vs_outcome_set(pOut, "session_date", "session_date must not be in the past.");
		return VS_ERR_INVALID;
	}
	p->bPwNow = in->bPasswordEnabled ? in->bPasswordEnabledValue : bPwWas;
	if (!p->bPwNow && in->bRegenerate) {
		vs_outcome_set(pOut, "regenerate_password", "A session without a password cannot regenerate one.");
		return VS_ERR_INVALID;
	}
	/* the old client knows the old password: a new client gets a new one */
	p->bNewPw = p->bPwNow && (in->bRegenerate || !bPwWas || p->bClientChange);
	return VS_OK;
}

/* The key of a session's password counters: the session's total; each caller's adds ":<caller>". */
static void verify_key(char *z, size_t n, int64_t iId)
{
	snprintf(z, n, "verify:session:%lld", (long long)iId);
}

/* The secrets an update may make: a new password (shown once) and its hash, a new room. */
struct update_secrets {
	char zPw[VS_SESSION_PASSWORD_DIGITS + 1];
	char zHash[VS_PASSWORD_HASH_MAX];
	char zRoom[64], zJpw[64];
};

/*
 * The first, unlocked pass of an update: load and authorize first, then
 * decide, and only then spend: a slot of the caller's write limit and
 * argon2id (~20 ms) are for requests that will be carried out. The hash is
 * made here, outside the transaction, which holds the row lock.
 */
static enum vs_err prepare_update(struct vs_db *db, const struct vs_view *v, int64_t iId,
				  const struct vs_session_input *in, bool bNothing,
				  struct update_secrets *k, struct vs_outcome *pOut)
{
	PGresult *r = NULL;
	struct update_plan p;
	bool bLinked;
	enum vs_err rc;

	if ((rc = load(db, v, iId, VS_ACT_WRITE, &r)) != VS_OK || bNothing) {
		PQclear(r);
		return rc;
	}
	rc = plan_update(v, r, in, &p, pOut);
	if (rc == VS_OK && p.bClientChange) {
		rc = vs_client_is_linked(db, v->c->iId, p.iUser, &bLinked);
		if (rc == VS_OK && !bLinked) {
			vs_outcome_set(pOut, "user_id", "user_id must be one of your clients.");
			rc = VS_ERR_INVALID;
		}
	}
	if (rc == VS_OK && (p.bNewPw || p.bClientChange) &&
	    (rc = vs_write_limit_reserve(db, v->c->iId, &pOut->iRetryAfter)) == VS_ERR_RATE_LIMITED)
		vs_outcome_set(pOut, NULL, "Too many new session passwords and invites; try again later.");
	if (rc == VS_OK && p.bNewPw)
		rc = new_password(k->zPw, k->zHash);
	if (rc == VS_OK && p.bClientChange)
		rc = new_room(k->zRoom, k->zJpw);
	PQclear(r);
	return rc;
}

/*
 * Inside the transaction, after the UPDATE: a new client loses every way
 * in the old one had, and the change gets its audit row, so both commit
 * with the change or not at all.
 */
static enum vs_err update_side_effects(struct vs_db *db, const struct vs_view *v, int64_t iId,
				       const char *zId, bool bClientChange, bool bCancel)
{
	enum vs_err rc;

	if (bClientChange) {
		char zKey[48], zActor[24];
		const char *azR[5] = { zId, zKey };

		verify_key(zKey, sizeof(zKey), iId);
		vs_audit_params(v, zActor, azR + 2);
		if ((rc = vs_db_run(db, &stRevokeAccess, azR)) != VS_OK)
			return rc;
	}
	return vs_audit_view(db, v, bCancel ? "video_session.cancel" : "video_session.update", "video_session", iId, "ok");
}

enum vs_err vs_session_update(struct vs_db *db, const struct vs_view *v, int64_t iId,
			      const struct vs_session_input *in, struct vs_buf *out,
			      struct vs_outcome *pOut)
{
	char zId[24], zU[24], zStart[40], zDur[24];
	struct update_secrets k = { "", "", "", "" };
	const char *az[12];
	const char *azId[1] = { vs_db_param_i64(zId, iId) };
	PGresult *r = NULL, *rNew = NULL;
	enum vs_err rc;
	struct update_plan p;
	bool bNothing = !in->bUser && !in->bTitle && !in->bStart && !in->bDuration && !in->bPasswordEnabled &&
			!in->bNotes && !in->bCancel && !in->bRegenerate && !in->bEmailPassword && !in->bOutcome;

	if ((rc = prepare_update(db, v, iId, in, bNothing, &k, pOut)) != VS_OK)
		goto done;
	if ((rc = vs_db_command(db, "BEGIN")) != VS_OK)
		goto done;
	if ((rc = vs_db_exec(db, &stLock, azId, &r)) != VS_OK)
		goto out;
	if (PQntuples(r) != 1) {
		rc = VS_ERR_NOT_FOUND;
		goto out;
	}
	if ((rc = vs_authorize_session(v->c, VS_ACT_WRITE, vs_db_i64(r, 0, SC_PARTNER), vs_db_i64(r, 0, SC_USER))) != VS_OK)
		goto out;
	if (bNothing) {
		/* nothing to change: answer the session as it is, without a new SEQUENCE */
		vs_session_row_json(out, v, r, 0, true, NULL);
		rc = vs_db_command(db, "COMMIT");
		goto done;
	}
	/* decided again on the locked row: it may have changed since the first read */
	if ((rc = plan_update(v, r, in, &p, pOut)) != VS_OK)
		goto out;
	if (p.bNewPw && k.zHash[0] == '\0' && (rc = new_password(k.zPw, k.zHash)) != VS_OK)
		goto out;
	if (p.bClientChange && k.zRoom[0] == '\0' && (rc = new_room(k.zRoom, k.zJpw)) != VS_OK)
		goto out;
	if (in->bEmailPassword && !p.bNewPw) {
		vs_outcome_set(pOut, "email_password", "The password can be emailed only by the request that makes it "
			"(regenerate_password, or a new client).");
		rc = VS_ERR_INVALID;
		goto out;
	}
	if (in->bEmailPassword && (rc = mail_password(db, k.zPw)) != VS_OK)
		goto out;
	if (in->bOutcome && (rc = vs_record_set_outcome(db, iId, in->zOutcome)) != VS_OK)
		goto out;
	az[0] = zId;
	az[1] = vs_db_param_i64(zU, p.iUser);
	az[2] = in->bTitle ? in->zTitle : PQgetvalue(r, 0, SC_TITLE);
	az[3] = vs_db_param_time(zStart, p.iNewStart);
	az[4] = vs_db_param_i64(zDur, p.nDur);
	az[5] = in->bCancel ? "cancelled" : p.zStored;
	az[6] = p.bPwNow ? "true" : "false";
	az[7] = !p.bPwNow ? "none" : p.bNewPw ? k.zHash : "keep";
	az[8] = in->bNotes ? in->zNotes : PQgetvalue(r, 0, SC_NOTES);
	az[9] = "1";
	az[10] = p.bClientChange ? k.zRoom : NULL;
	az[11] = p.bClientChange ? k.zJpw : NULL;
	rc = vs_db_exec(db, &stUpdate, az, &rNew);
	if (rc == VS_ERR_CONFLICT) {
		vs_db_command(db, "ROLLBACK");
		vs_booking_conflict(db, v->c->iId, p.iNewStart, p.iNewEnd, "video_session", iId, pOut);
		goto done;
	}
	if (rc == VS_ERR_INVALID && p.bClientChange) {
		/* the partner-client link went away since it was checked (the foreign key) */
		vs_outcome_set(pOut, "user_id", "user_id must be one of your clients.");
		goto out;
	}
	if (rc != VS_OK || (rc = update_side_effects(db, v, iId, zId, p.bClientChange, in->bCancel)) != VS_OK)
		goto out;
	if ((rc = vs_db_command(db, "COMMIT")) != VS_OK)
		goto done;
	vs_session_row_json(out, v, rNew, 0, true, p.bNewPw ? k.zPw : NULL);
	goto done;
out:
	if (vs_db_in_transaction(db))
		vs_db_command(db, "ROLLBACK");
done:
	explicit_bzero(&k, sizeof(k));
	PQclear(r);
	PQclear(rNew);
	return rc;
}

/* ---- delete ------------------------------------------------------------- */

static struct vs_stmt stDelete = VS_STMT("session_delete", 4, false,
	"WITH d AS (DELETE FROM video_sessions WHERE id = $1 RETURNING id)"
	VS_AUDIT_ROW("$2", "video_session.delete", "video_session", "d.id", "$3", "$4", "d"));

enum vs_err vs_session_delete(struct vs_db *db, const struct vs_view *v, int64_t iId)
{
	PGresult *r;
	enum vs_err rc = load(db, v, iId, VS_ACT_WRITE, &r);

	PQclear(r);
	return rc != VS_OK ? rc : vs_audit_run_on(db, v, &stDelete, iId);
}

/* ---- password ----------------------------------------------------------- */

static struct vs_stmt stSecret = VS_STMT("session_secret", 1, true,
	"SELECT partner_id, user_id, status, password_enabled, password_hash,"
	" (extract(epoch FROM session_date) * 1000000)::int8, (extract(epoch FROM end_date) * 1000000)::int8"
	" FROM video_sessions WHERE id = $1");
/* The passed check and its audit row, in one statement: both or neither. */
static struct vs_stmt stVerified = VS_STMT("session_verified", 4, false,
	"WITH v AS (INSERT INTO session_verifications (video_session_id, user_id) VALUES ($1, $2)"
	"  ON CONFLICT (video_session_id, user_id) DO UPDATE SET verified_at = now() RETURNING video_session_id)"
	VS_AUDIT_ROW("$2", "video_session.verify_password", "video_session", "v.video_session_id", "$3", "$4", "v"));

enum vs_err vs_session_check_password(struct vs_db *db, int64_t iId, const char *zCaller, const char *zHash,
				      const char *zPassword, size_t nPassword, struct vs_outcome *pOut)
{
	char zKey[48], zCallerKey[160];
	enum vs_err rc;

	verify_key(zKey, sizeof(zKey), iId);
	snprintf(zCallerKey, sizeof(zCallerKey), "%s:%s", zKey, zCaller);
	rc = vs_limit_reserve(db, zCallerKey, VS_VERIFY_MAX, zKey, VS_VERIFY_SESSION_MAX,
			      VS_VERIFY_WINDOW_SEC, &pOut->iRetryAfter);
	if (rc == VS_ERR_RATE_LIMITED)
		vs_outcome_set(pOut, NULL, "Too many wrong passwords; try again later.");
	if (rc != VS_OK)
		return rc;
	if (!vs_password_verify(zHash, zPassword, nPassword)) {
		int n = vs_verify_remaining(db, zCallerKey, zKey);

		pOut->bRemaining = n >= 0;
		pOut->iRemaining = n;
		return VS_ERR_WRONG_PASSWORD;
	}
	vs_limit_release(db, zCallerKey, zKey);
	return VS_OK;
}

enum vs_err vs_session_verify_password(struct vs_db *db, const struct vs_view *v, int64_t iId,
				       const char *zPassword, size_t nPassword, struct vs_outcome *pOut)
{
	char zId[24], zUid[24], zCaller[32];
	const char *az[4] = { vs_db_param_i64(zId, iId), vs_db_param_i64(zUid, v->c->iId),
			      vs_origin_request_id(v->o), v->o != NULL ? v->o->zClientAddr : NULL };
	char zHash[VS_PASSWORD_HASH_MAX] = "";
	PGresult *r;
	enum vs_err rc;
	bool bPw;

	if ((rc = vs_db_exec(db, &stSecret, az, &r)) != VS_OK)
		return rc;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return VS_ERR_NOT_FOUND;
	}
	rc = vs_authorize_session(v->c, VS_ACT_VERIFY, vs_db_i64(r, 0, 0), vs_db_i64(r, 0, 1));
	if (rc == VS_OK && !strcmp(PQgetvalue(r, 0, 2), "cancelled")) {
		vs_outcome_set(pOut, NULL, "This session was cancelled.");
		rc = VS_ERR_FORBIDDEN;
	}
	if (rc == VS_OK && v->iNowUs >= vs_db_i64(r, 0, 6)) {
		vs_outcome_set(pOut, NULL, "This session has ended.");
		rc = VS_ERR_FORBIDDEN;
	}
	bPw = vs_db_bool(r, 0, 3);
	if (rc == VS_OK && bPw)
		snprintf(zHash, sizeof(zHash), "%s", PQgetvalue(r, 0, 4));
	PQclear(r);
	if (rc != VS_OK)
		return rc;
	if (bPw) {
		enum vs_err rcAudit;

		snprintf(zCaller, sizeof(zCaller), "user:%lld", (long long)v->c->iId);
		rc = vs_session_check_password(db, iId, zCaller, zHash, zPassword, nPassword, pOut);
		explicit_bzero(zHash, sizeof(zHash));
		if (rc == VS_ERR_WRONG_PASSWORD || rc == VS_ERR_RATE_LIMITED) {
			/* a refusal whose audit row cannot be written is answered as the failure it is */
			rcAudit = vs_audit_view(db, v, "video_session.verify_password", "video_session", iId,
					rc == VS_ERR_WRONG_PASSWORD ? "failed" : "denied");
			return rcAudit != VS_OK ? rcAudit : rc;
		}
		if (rc != VS_OK)
			return rc;
	}
	return vs_db_run(db, &stVerified, az);
}

/* The lockout cleared and its audit row, in one statement. */
static struct vs_stmt stUnlock = VS_STMT("session_unlock", 5, false,
	"WITH c AS (DELETE FROM attempt_counters WHERE key = $2 OR key LIKE $2 || ':%' RETURNING 1)"
	VS_AUDIT_ROW("$3", "video_session.unlock", "video_session", "$1", "$4", "$5", "(SELECT count(*) FROM c) x"));

enum vs_err vs_session_unlock(struct vs_db *db, const struct vs_view *v, int64_t iId)
{
	char zId[24], zKey[48], zActor[24];
	const char *az[5] = { vs_db_param_i64(zId, iId), zKey };
	PGresult *r;
	enum vs_err rc = load(db, v, iId, VS_ACT_WRITE, &r);

	PQclear(r);
	if (rc != VS_OK)
		return rc;
	verify_key(zKey, sizeof(zKey), iId);
	vs_audit_params(v, zActor, az + 2);
	return vs_db_run(db, &stUnlock, az);
}

/* ---- iCalendar ---------------------------------------------------------- */

enum vs_err vs_session_ics(struct vs_db *db, const struct vs_view *v, int64_t iId, struct vs_buf *out)
{
	char zUid[300], zUrl[300];
	const char *zHost;
	PGresult *r;
	struct vs_ics_event ev;
	enum vs_err rc = load(db, v, iId, VS_ACT_READ, &r);

	if (rc != VS_OK)
		return rc;
	/* a member of a series: the series' file (when it is still the series' client's) */
	if (!PQgetisnull(r, 0, SC_SERIES_ID) &&
	    (rc = vs_series_ics(db, v, vs_db_i64(r, 0, SC_SERIES_ID), vs_db_i64(r, 0, SC_USER), out)) != VS_ERR_NOT_FOUND) {
		PQclear(r);
		return rc;
	}
	zHost = strstr(v->zPublicUrl, "://");
	zHost = zHost ? zHost + 3 : v->zPublicUrl;
	snprintf(zUid, sizeof(zUid), "video-session-%lld@%.*s", (long long)iId,
		 (int)strcspn(zHost, ":/"), zHost);
	snprintf(zUrl, sizeof(zUrl), "%s/join/%lld", v->zPublicUrl, (long long)iId);
	memset(&ev, 0, sizeof(ev));
	ev.zUid = zUid;
	ev.iSequence = vs_db_i64(r, 0, SC_SEQUENCE);
	ev.iStampUs = v->iNowUs / VS_US_PER_SEC * VS_US_PER_SEC;
	ev.iStartUs = vs_db_i64(r, 0, SC_START);
	ev.iEndUs = vs_db_i64(r, 0, SC_END);
	ev.iCreatedUs = vs_db_i64(r, 0, SC_CREATED) / VS_US_PER_SEC * VS_US_PER_SEC;
	ev.iModifiedUs = vs_db_i64(r, 0, SC_UPDATED) / VS_US_PER_SEC * VS_US_PER_SEC;
	ev.zSummary = PQgetvalue(r, 0, SC_TITLE);
	ev.zUrl = zUrl;
	ev.zDescription = "Video session. Join from the link at the start time.";
	ev.bCancelled = !strcmp(PQgetvalue(r, 0, SC_STATUS), "cancelled");
	rc = vs_ics_write(out, &ev);
	PQclear(r);
	return rc;
}
