/*
 * sessions.c — video sessions: create, read, update, delete, lists,
 * password checks and the iCalendar view.
 *
 * Double booking is refused by PostgreSQL (the bookings exclusion
 * constraint, fed by triggers), never by a read before a write; a conflict
 * comes back as 23P01 and is then described by one more read. Status is
 * computed at the moment of the answer from the stored times, so it is
 * always true whatever was stored, except that cancelled stays cancelled.
 * Changes that depend on the current row (update) run in one transaction
 * holding the row lock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsession/crypto.h"
#include "vsession/ics.h"
#include "vsession/json.h"
#include "vsession/people.h"
#include "vsession/store.h"
#include "vsession/timeutil.h"

/* The columns every session read selects, in this order (see SC_*). */
#define SESSION_COLS \
	"s.id, s.partner_id, s.user_id," \
	" (SELECT p.name FROM users p WHERE p.id = s.partner_id)," \
	" (SELECT u.name FROM users u WHERE u.id = s.user_id), s.title," \
	" (extract(epoch FROM s.session_date) * 1000000)::int8," \
	" (extract(epoch FROM s.end_date) * 1000000)::int8," \
	" s.duration_minutes, s.status, s.password_enabled, s.notes," \
	" (extract(epoch FROM s.created_at) * 1000000)::int8," \
	" (extract(epoch FROM s.updated_at) * 1000000)::int8, s.sequence, s.cancel_reason"
/*
 * The names come from scalar subqueries, not joins: every statement is then
 * a scan of video_sessions alone, whose plan (an index scan in the order the
 * index keeps) holds for any parameter values, so the cached generic plan of
 * a prepared statement is as good as a fresh one.
 */
#define SESSION_FROM " FROM video_sessions s"

enum { SC_ID, SC_PARTNER, SC_USER, SC_PARTNER_NAME, SC_USER_NAME, SC_TITLE, SC_START, SC_END,
       SC_DURATION, SC_STATUS, SC_PW_ENABLED, SC_NOTES, SC_CREATED, SC_UPDATED, SC_SEQUENCE,
       SC_CANCEL_REASON, SC__N };

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

static void set_msg(struct vs_outcome *o, const char *zField, const char *zMsg)
{
	if (o == NULL)
		return;
	o->zField = zField;
	snprintf(o->zMessage, sizeof(o->zMessage), "%s", zMsg);
}

/* Writes one session row as the API's session object. */
static void session_json(struct vs_buf *b, const struct vs_view *v, const PGresult *r, int i,
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
	vs_json_key(b, "meeting_url", false);
	vs_buf_putc(b, '"');
	vs_buf_puts(b, v->zPublicUrl);
	vs_buf_puts(b, "/join/");
	vs_buf_put_i64(b, iId);
	vs_buf_putc(b, '"');
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

static bool sees_notes(const struct vs_caller *c)
{
	return c->eRole == VS_ROLE_PARTNER || c->eRole == VS_ROLE_ADMIN;
}

static enum vs_err audit(struct vs_db *db, const struct vs_view *v, const char *zAction,
			 const char *zType, int64_t iObj, const char *zOutcome)
{
	struct vs_audit a = { v->c != NULL ? v->c->iId : 0, NULL, zAction, zType, iObj, zOutcome };
	return vs_audit_write(db, v->o, &a);
}

/* An audit row inside the caller's open transaction. */
static enum vs_err audit_tx(struct vs_db *db, const struct vs_view *v, const char *zAction,
			   const char *zType, int64_t iObj)
{
	struct vs_audit a = { v->c != NULL ? v->c->iId : 0, NULL, zAction, zType, iObj, "ok" };
	return vs_audit_write(db, v->o, &a);
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
	set_msg(pOut, NULL, "The partner is already booked at that time.");
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
	" a AS (INSERT INTO audit_log (actor_id, action, object_type, object_id, outcome, request_id, client_addr)"
	"  SELECT $1, 'video_session.create', 'video_session', s.id, 'ok', $11, $12 FROM s)"
	" SELECT " SESSION_COLS " FROM s");

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
	bool bLinked;

	if ((rc = vs_authorize_session_create(v->c)) != VS_OK)
		return rc;
	if (!in->bUser || !in->bTitle || !in->bStart || !in->bDuration) {
		set_msg(pOut, !in->bUser ? "user_id" : !in->bTitle ? "title" : !in->bStart ? "session_date" : "duration_minutes",
			"This field is required.");
		return VS_ERR_INVALID;
	}
	if (in->bCancel || in->bRegenerate) {
		set_msg(pOut, in->bCancel ? "status" : "regenerate_password", "This field is only for updates.");
		return VS_ERR_INVALID;
	}
	if (in->iStartUs < v->iNowUs) {
		set_msg(pOut, "session_date", "session_date must not be in the past.");
		return VS_ERR_INVALID;
	}
	if ((rc = vs_client_is_linked(db, v->c->iId, in->iUserId, &bLinked)) != VS_OK)
		return rc;
	if (!bLinked) {
		set_msg(pOut, "user_id", "user_id must be one of your clients.");
		return VS_ERR_INVALID;
	}
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
	rc = vs_db_exec(db, &stCreate, az, &r);
	explicit_bzero(zHash, sizeof(zHash));
	if (rc == VS_ERR_CONFLICT) {
		vs_booking_conflict(db, v->c->iId, in->iStartUs,
				  in->iStartUs + (int64_t)in->nDuration * 60 * VS_US_PER_SEC, "video_session", 0, pOut);
		return rc;
	}
	if (rc == VS_ERR_INVALID) {
		set_msg(pOut, "user_id", "user_id must be one of your clients.");
		return rc;
	}
	if (rc != VS_OK)
		return rc;
	session_json(out, v, r, 0, true, bPw ? zPw : NULL);
	explicit_bzero(zPw, sizeof(zPw));
	PQclear(r);
	return VS_OK;
}

/* ---- read --------------------------------------------------------------- */

static struct vs_stmt stGet = VS_STMT("session_get", 1, true,
	"SELECT " SESSION_COLS SESSION_FROM " WHERE s.id = $1");

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
	" a AS (INSERT INTO audit_log (actor_id, action, object_type, object_id, outcome, request_id, client_addr)"
	"  SELECT $2, 'video_session.notes_read', 'video_session', s.id, 'ok', $4, $5 FROM s, c"
	"  WHERE c.x IS NOT NULL AND ($3 = 'admin' OR ($3 = 'partner' AND s.partner_id = $2)))"
	" SELECT * FROM s");

enum vs_err vs_session_read(struct vs_db *db, const struct vs_view *v, int64_t iId, struct vs_buf *out)
{
	char zId[24], zActor[24];
	const char *az[5];
	PGresult *r;
	enum vs_err rc;

	if (!sees_notes(v->c)) {
		if ((rc = load(db, v, iId, VS_ACT_READ, &r)) != VS_OK)
			return rc;
		session_json(out, v, r, 0, false, NULL);
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
		session_json(out, v, r, 0, true, NULL);
	PQclear(r);
	return rc;
}

/* ---- update ------------------------------------------------------------- */

static struct vs_stmt stLock = VS_STMT("session_lock", 1, false,
	"SELECT " SESSION_COLS SESSION_FROM " WHERE s.id = $1 FOR UPDATE");

/* $11/$12: a new room name and Jitsi password (when the client changes), NULL to keep them. */
static struct vs_stmt stUpdate = VS_STMT("session_update", 12, false,
	"WITH s AS (UPDATE video_sessions SET user_id = $2, title = $3, session_date = $4::timestamptz,"
	"   duration_minutes = $5::int, end_date = $4::timestamptz + make_interval(mins => $5::int),"
	"   status = $6, password_enabled = $7::bool,"
	"   password_hash = CASE WHEN $8 = 'keep' THEN password_hash WHEN $8 = 'none' THEN NULL ELSE $8 END,"
	"   notes = $9, sequence = sequence + 1, updated_at = now(),"
	"   meeting_room_id = coalesce($11, meeting_room_id), jitsi_password = coalesce($12, jitsi_password)"
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
	" INSERT INTO audit_log (actor_id, action, object_type, object_id, outcome, request_id, client_addr)"
	" SELECT $3, 'video_session.client_change', 'video_session', $1, 'ok', $4, $5"
	" FROM (SELECT (SELECT count(*) FROM i) + (SELECT count(*) FROM v) + (SELECT count(*) FROM c)) x");

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
		set_msg(pOut, NULL, !strcmp(zStatus, "cancelled") ? "A cancelled session cannot be moved or changed."
			: "A completed session cannot be moved or changed.");
		return VS_ERR_INVALID_STATE;
	}
	if (in->bStart && p->iNewStart != iStart && p->iNewStart < v->iNowUs) {
		set_msg(pOut, "session_date", "session_date must not be in the past.");
		return VS_ERR_INVALID;
	}
	p->bPwNow = in->bPasswordEnabled ? in->bPasswordEnabledValue : bPwWas;
	if (!p->bPwNow && in->bRegenerate) {
		set_msg(pOut, "regenerate_password", "A session without a password cannot regenerate one.");
		return VS_ERR_INVALID;
	}
	/* the old client knows the old password: a new client gets a new one */
	p->bNewPw = p->bPwNow && (in->bRegenerate || !bPwWas || p->bClientChange);
	return VS_OK;
}

enum vs_err vs_write_limit_reserve(struct vs_db *db, int64_t iUser, int *piRetryAfter)
{
	char zKey[48];

	snprintf(zKey, sizeof(zKey), "write:user:%lld", (long long)iUser);
	return vs_limit_reserve(db, zKey, VS_WRITE_MAX, NULL, 0, VS_WRITE_WINDOW_SEC, piRetryAfter);
}

/* The key of a session's password counters: the session's total; each caller's adds ":<caller>". */
static void verify_key(char *z, size_t n, int64_t iId)
{
	snprintf(z, n, "verify:session:%lld", (long long)iId);
}

enum vs_err vs_session_update(struct vs_db *db, const struct vs_view *v, int64_t iId,
			      const struct vs_session_input *in, struct vs_buf *out,
			      struct vs_outcome *pOut)
{
	char zId[24], zU[24], zStart[40], zDur[24], zRoom[64] = "", zJpw[64] = "";
	char zPw[VS_SESSION_PASSWORD_DIGITS + 1] = "", zHash[VS_PASSWORD_HASH_MAX] = "";
	const char *az[12];
	const char *azId[1] = { vs_db_param_i64(zId, iId) };
	PGresult *r = NULL, *rNew = NULL;
	enum vs_err rc;
	bool bLinked;
	struct update_plan p;
	bool bNothing = !in->bUser && !in->bTitle && !in->bStart && !in->bDuration && !in->bPasswordEnabled &&
			!in->bNotes && !in->bCancel && !in->bRegenerate;

	/*
	 * Load and authorize first, then decide, and only then spend: a slot of
	 * the caller's write limit and argon2id (~20 ms) are for requests that
	 * will be carried out. The hash is made outside the transaction, which
	 * holds the row lock.
	 */
	if ((rc = load(db, v, iId, VS_ACT_WRITE, &r)) != VS_OK)
		return rc;
	if (!bNothing) {
		rc = plan_update(v, r, in, &p, pOut);
		if (rc == VS_OK && p.bClientChange) {
			rc = vs_client_is_linked(db, v->c->iId, p.iUser, &bLinked);
			if (rc == VS_OK && !bLinked) {
				set_msg(pOut, "user_id", "user_id must be one of your clients.");
				rc = VS_ERR_INVALID;
			}
		}
		if (rc == VS_OK && (p.bNewPw || p.bClientChange) &&
		    (rc = vs_write_limit_reserve(db, v->c->iId, &pOut->iRetryAfter)) == VS_ERR_RATE_LIMITED)
			set_msg(pOut, NULL, "Too many new session passwords and invites; try again later.");
		if (rc == VS_OK && p.bNewPw)
			rc = new_password(zPw, zHash);
		if (rc == VS_OK && p.bClientChange)
			rc = new_room(zRoom, zJpw);
	}
	PQclear(r);
	r = NULL;
	if (rc != VS_OK)
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
		session_json(out, v, r, 0, true, NULL);
		rc = vs_db_command(db, "COMMIT");
		goto done;
	}
	/* decided again on the locked row: it may have changed since the first read */
	if ((rc = plan_update(v, r, in, &p, pOut)) != VS_OK)
		goto out;
	if (p.bNewPw && zHash[0] == '\0' && (rc = new_password(zPw, zHash)) != VS_OK)
		goto out;
	if (p.bClientChange && zRoom[0] == '\0' && (rc = new_room(zRoom, zJpw)) != VS_OK)
		goto out;
	az[0] = zId;
	az[1] = vs_db_param_i64(zU, p.iUser);
	az[2] = in->bTitle ? in->zTitle : PQgetvalue(r, 0, SC_TITLE);
	az[3] = vs_db_param_time(zStart, p.iNewStart);
	az[4] = vs_db_param_i64(zDur, p.nDur);
	az[5] = in->bCancel ? "cancelled" : p.zStored;
	az[6] = p.bPwNow ? "true" : "false";
	az[7] = !p.bPwNow ? "none" : p.bNewPw ? zHash : "keep";
	az[8] = in->bNotes ? in->zNotes : PQgetvalue(r, 0, SC_NOTES);
	az[9] = "1";
	az[10] = p.bClientChange ? zRoom : NULL;
	az[11] = p.bClientChange ? zJpw : NULL;
	rc = vs_db_exec(db, &stUpdate, az, &rNew);
	if (rc == VS_ERR_CONFLICT) {
		vs_db_command(db, "ROLLBACK");
		vs_booking_conflict(db, v->c->iId, p.iNewStart, p.iNewEnd, "video_session", iId, pOut);
		goto done;
	}
	if (rc == VS_ERR_INVALID && p.bClientChange) {
		/* the partner-client link went away since it was checked (the foreign key) */
		set_msg(pOut, "user_id", "user_id must be one of your clients.");
		goto out;
	}
	if (rc != VS_OK)
		goto out;
	if (p.bClientChange) {
		char zKey[48], zActor[24];
		const char *azR[5] = { zId, zKey, vs_db_param_i64(zActor, v->c->iId),
				       vs_origin_request_id(v->o), v->o != NULL ? v->o->zClientAddr : NULL };
		PGresult *rR;

		verify_key(zKey, sizeof(zKey), iId);
		if ((rc = vs_db_exec(db, &stRevokeAccess, azR, &rR)) != VS_OK)
			goto out;
		PQclear(rR);
	}
	/* the audit row commits with the change or not at all */
	if ((rc = audit_tx(db, v, in->bCancel ? "video_session.cancel" : "video_session.update", "video_session", iId)) != VS_OK)
		goto out;
	if ((rc = vs_db_command(db, "COMMIT")) != VS_OK)
		goto done;
	session_json(out, v, rNew, 0, true, p.bNewPw ? zPw : NULL);
	goto done;
out:
	if (vs_db_in_transaction(db))
		vs_db_command(db, "ROLLBACK");
done:
	explicit_bzero(zHash, sizeof(zHash));
	explicit_bzero(zPw, sizeof(zPw));
	explicit_bzero(zJpw, sizeof(zJpw));
	PQclear(r);
	PQclear(rNew);
	return rc;
}

/* ---- delete ------------------------------------------------------------- */

static struct vs_stmt stDelete = VS_STMT("session_delete", 4, false,
	"WITH d AS (DELETE FROM video_sessions WHERE id = $1 RETURNING id)"
	" INSERT INTO audit_log (actor_id, action, object_type, object_id, outcome, request_id, client_addr)"
	" SELECT $2, 'video_session.delete', 'video_session', d.id, 'ok', $3, $4 FROM d");

enum vs_err vs_session_delete(struct vs_db *db, const struct vs_view *v, int64_t iId)
{
	char zId[24], zActor[24];
	const char *az[4] = { vs_db_param_i64(zId, iId), vs_db_param_i64(zActor, v->c->iId),
			      vs_origin_request_id(v->o), v->o != NULL ? v->o->zClientAddr : NULL };
	PGresult *r;
	enum vs_err rc = load(db, v, iId, VS_ACT_WRITE, &r);

	if (rc != VS_OK)
		return rc;
	PQclear(r);
	if ((rc = vs_db_exec(db, &stDelete, az, &r)) != VS_OK)
		return rc;
	PQclear(r);
	return VS_OK;
}

/* ---- lists -------------------------------------------------------------- */

/*
 * One statement per (scope, when): keyset pagination on (session_date, id),
 * both in the (partner_id|user_id, session_date, id) indexes, so a page costs
 * the same at any depth. $2/$3 bound session_date ([from, to)), $4/$5 are the
 * cursor, $6 the page size + 1, $7 (user scope) an optional partner filter.
 */
#define LIST_SQL(scope, filter, cmp, order, lower) \
	"SELECT " SESSION_COLS SESSION_FROM \
	" WHERE s." scope " = $1 AND ($7::int8 IS NULL OR s.partner_id = $7)" \
	" AND s.session_date >= " lower \
	" AND s.session_date < coalesce($3::timestamptz, 'infinity')" \
	" AND (s.session_date, s.id) " cmp " ($4::timestamptz, $5::int8)" filter \
	" ORDER BY s.session_date " order ", s.id " order " LIMIT $6"

#define LOWER_ALL "coalesce($2::timestamptz, '-infinity')"
#define LOWER_UPCOMING "greatest(coalesce($2::timestamptz, '-infinity'), now() - interval '180 minutes')"
#define F_UPCOMING " AND s.status <> 'cancelled' AND s.end_date > now()"
#define F_PAST " AND (s.status = 'cancelled' OR s.end_date <= now())"

/*
 * The same page for callers who see notes, with its notes-read audit row
 * written by the same statement (one round trip, committed without waiting
 * for the WAL flush, as every read row): $8 the actor, $9 the request id,
 * $10 the client address. The row is written when the page has any row; the
 * outer ORDER BY (start and id, columns 7 and 1) keeps the page's order.
 */
#define LIST_AUDITED_SQL(scope, filter, cmp, order, lower, objtype) \
	"WITH c AS (SELECT set_config('synchronous_commit', 'off', true) AS x)," \
	" l AS (" LIST_SQL(scope, filter, cmp, order, lower) ")," \
	" a AS (INSERT INTO audit_log (actor_id, action, object_type, object_id, outcome, request_id, client_addr)" \
	"  SELECT $8, 'video_session.list_notes_read', '" objtype "', $1, 'ok', $9, $10 FROM c" \
	"  WHERE c.x IS NOT NULL AND EXISTS (SELECT 1 FROM l))" \
	" SELECT * FROM l ORDER BY 7 " order ", 1 " order

static struct vs_stmt aListAudited[2][3] = {
	{
		VS_STMT("list_partner_all_audited", 10, false,
			LIST_AUDITED_SQL("partner_id", "", ">", "ASC", LOWER_ALL, "partner")),
		VS_STMT("list_partner_upcoming_audited", 10, false,
			LIST_AUDITED_SQL("partner_id", F_UPCOMING, ">", "ASC", LOWER_UPCOMING, "partner")),
		VS_STMT("list_partner_past_audited", 10, false,
			LIST_AUDITED_SQL("partner_id", F_PAST, "<", "DESC", LOWER_ALL, "partner")),
	},
	{
		VS_STMT("list_user_all_audited", 10, false,
			LIST_AUDITED_SQL("user_id", "", ">", "ASC", LOWER_ALL, "user")),
		VS_STMT("list_user_upcoming_audited", 10, false,
			LIST_AUDITED_SQL("user_id", F_UPCOMING, ">", "ASC", LOWER_UPCOMING, "user")),
		VS_STMT("list_user_past_audited", 10, false,
			LIST_AUDITED_SQL("user_id", F_PAST, "<", "DESC", LOWER_ALL, "user")),
	},
};

static struct vs_stmt aList[2][3] = {
	{
		VS_STMT("list_partner_all", 7, true, LIST_SQL("partner_id", "", ">", "ASC", LOWER_ALL)),
		VS_STMT("list_partner_upcoming", 7, true, LIST_SQL("partner_id", F_UPCOMING, ">", "ASC", LOWER_UPCOMING)),
		VS_STMT("list_partner_past", 7, true, LIST_SQL("partner_id", F_PAST, "<", "DESC", LOWER_ALL)),
	},
	{
		VS_STMT("list_user_all", 7, true, LIST_SQL("user_id", "", ">", "ASC", LOWER_ALL)),
		VS_STMT("list_user_upcoming", 7, true, LIST_SQL("user_id", F_UPCOMING, ">", "ASC", LOWER_UPCOMING)),
		VS_STMT("list_user_past", 7, true, LIST_SQL("user_id", F_PAST, "<", "DESC", LOWER_ALL)),
	},
};

bool vs_cursor_parse(const char *z, int64_t *piUs, int64_t *piId)
{
	char *zEnd;
	long long a, b;

	if (z == NULL || *z == '\0' || strlen(z) > 48)
		return false;
	if (z[0] < '0' || z[0] > '9')
		return false;
	a = strtoll(z, &zEnd, 10);
	if (*zEnd != '.' || zEnd[1] < '1' || zEnd[1] > '9')
		return false;
	b = strtoll(zEnd + 1, &zEnd, 10);
	if (*zEnd != '\0' || a < 0 || a > INT64_C(253402300799000000) || b <= 0 || b == INT64_MAX)
		return false;
	*piUs = a;
	*piId = b;
	return true;
}

static enum vs_err list(struct vs_db *db, const struct vs_view *v, int iScope, int64_t iOwner,
			int64_t iPartnerFilter, const struct vs_list_query *q, struct vs_buf *out)
{
	char zOwner[24], zFrom[40], zTo[40], zCur[40], zCurId[24], zLim[24], zPf[24], zActor[24];
	const char *az[10];
	bool bAudited = sees_notes(v->c);
	bool bDesc = q->eWhen == VS_WHEN_PAST;
	PGresult *r;
	enum vs_err rc;
	int n;

	az[0] = vs_db_param_i64(zOwner, iOwner);
	az[1] = q->iFromUs ? vs_db_param_time(zFrom, q->iFromUs) : NULL;
	az[2] = q->iToUs ? vs_db_param_time(zTo, q->iToUs) : NULL;
	if (q->bCursor) {
		az[3] = vs_db_param_time(zCur, q->iCursorUs);
		az[4] = vs_db_param_i64(zCurId, q->iCursorId);
	} else {
		az[3] = bDesc ? "infinity" : "-infinity";
		az[4] = "0";
	}
	az[5] = vs_db_param_i64(zLim, q->nLimit + 1);
	az[6] = iPartnerFilter ? vs_db_param_i64(zPf, iPartnerFilter) : NULL;
	az[7] = vs_db_param_i64(zActor, v->c->iId);
	az[8] = vs_origin_request_id(v->o);
	az[9] = v->o != NULL ? v->o->zClientAddr : NULL;
	rc = vs_db_exec(db, bAudited ? &aListAudited[iScope][q->eWhen] : &aList[iScope][q->eWhen], az, &r);
	if (rc != VS_OK)
		return rc;
	n = PQntuples(r);
	vs_buf_puts(out, "{\"video_sessions\":[");
	for (int i = 0; i < n && i < q->nLimit; i++) {
		if (i > 0)
			vs_buf_putc(out, ',');
		session_json(out, v, r, i, sees_notes(v->c), NULL);
	}
	vs_buf_puts(out, "],\"next_cursor\":");
	if (n > q->nLimit) {
		vs_buf_putc(out, '"');
		vs_buf_put_i64(out, vs_db_i64(r, q->nLimit - 1, SC_START));
		vs_buf_putc(out, '.');
		vs_buf_put_i64(out, vs_db_i64(r, q->nLimit - 1, SC_ID));
		vs_buf_putc(out, '"');
	} else {
		vs_json_null(out);
	}
	vs_buf_putc(out, '}');
	PQclear(r);
	return VS_OK;
}

enum vs_err vs_sessions_of_partner(struct vs_db *db, const struct vs_view *v, int64_t iPartner,
				   const struct vs_list_query *q, struct vs_buf *out)
{
	enum vs_err rc = vs_authorize_partner_collection(v->c, iPartner, VS_ACT_READ);

	if (rc != VS_OK)
		return rc;
	return list(db, v, 0, iPartner, 0, q, out);
}

enum vs_err vs_sessions_of_user(struct vs_db *db, const struct vs_view *v, int64_t iUser,
				const struct vs_list_query *q, struct vs_buf *out)
{
	bool bLinked = false;
	enum vs_err rc;

	if (v->c->eRole == VS_ROLE_PARTNER &&
	    (rc = vs_client_is_linked(db, v->c->iId, iUser, &bLinked)) != VS_OK)
		return rc;
	if ((rc = vs_authorize_user_collection(v->c, iUser, bLinked)) != VS_OK)
		return rc;
	return list(db, v, 1, iUser, v->c->eRole == VS_ROLE_PARTNER ? v->c->iId : 0, q, out);
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
	" INSERT INTO audit_log (actor_id, action, object_type, object_id, outcome, request_id, client_addr)"
	" SELECT $2, 'video_session.verify_password', 'video_session', v.video_session_id, 'ok', $3, $4 FROM v");

/*
 * Checks zPassword against the session's hash under the attempt limits:
 * VS_VERIFY_MAX wrong tries per caller (zCaller: "user:<id>" for the client,
 * "invite:<hash prefix>" for a guest), so one caller's guesses never lock
 * out another, and VS_VERIFY_SESSION_MAX for the session as a whole.
 * VS_OK on a match, VS_ERR_WRONG_PASSWORD, VS_ERR_RATE_LIMITED.
 */
enum vs_err vs_session_check_password(struct vs_db *db, int64_t iId, const char *zCaller, const char *zHash,
				      const char *zPassword, size_t nPassword, struct vs_outcome *pOut);
enum vs_err vs_session_check_password(struct vs_db *db, int64_t iId, const char *zCaller, const char *zHash,
				      const char *zPassword, size_t nPassword, struct vs_outcome *pOut)
{
	char zKey[48], zCallerKey[160];
	enum vs_err rc;

	verify_key(zKey, sizeof(zKey), iId);
	snprintf(zCallerKey, sizeof(zCallerKey), "%s:%s", zKey, zCaller);
	rc = vs_limit_reserve(db, zCallerKey, VS_VERIFY_MAX, zKey, VS_VERIFY_SESSION_MAX,
			      VS_VERIFY_WINDOW_SEC, &pOut->iRetryAfter);
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
		set_msg(pOut, NULL, "This session was cancelled.");
		rc = VS_ERR_FORBIDDEN;
	}
	if (rc == VS_OK && v->iNowUs >= vs_db_i64(r, 0, 6)) {
		set_msg(pOut, NULL, "This session has ended.");
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
			rcAudit = audit(db, v, "video_session.verify_password", "video_session", iId,
					rc == VS_ERR_WRONG_PASSWORD ? "failed" : "denied");
			return rcAudit != VS_OK ? rcAudit : rc;
		}
		if (rc != VS_OK)
			return rc;
	}
	if ((rc = vs_db_exec(db, &stVerified, az, &r)) != VS_OK)
		return rc;
	PQclear(r);
	return VS_OK;
}

/* The lockout cleared and its audit row, in one statement. */
static struct vs_stmt stUnlock = VS_STMT("session_unlock", 5, false,
	"WITH c AS (DELETE FROM attempt_counters WHERE key = $2 OR key LIKE $2 || ':%' RETURNING 1)"
	" INSERT INTO audit_log (actor_id, action, object_type, object_id, outcome, request_id, client_addr)"
	" SELECT $3, 'video_session.unlock', 'video_session', $1, 'ok', $4, $5"
	" FROM (SELECT count(*) FROM c) x");

enum vs_err vs_session_unlock(struct vs_db *db, const struct vs_view *v, int64_t iId)
{
	char zId[24], zKey[48], zActor[24];
	const char *az[5] = { vs_db_param_i64(zId, iId), zKey, vs_db_param_i64(zActor, v->c->iId),
			      vs_origin_request_id(v->o), v->o != NULL ? v->o->zClientAddr : NULL };
	PGresult *r;
	enum vs_err rc = load(db, v, iId, VS_ACT_WRITE, &r);

	if (rc != VS_OK)
		return rc;
	PQclear(r);
	verify_key(zKey, sizeof(zKey), iId);
	if ((rc = vs_db_exec(db, &stUnlock, az, &r)) != VS_OK)
		return rc;
	PQclear(r);
	return VS_OK;
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
