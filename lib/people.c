/*
 * people.c — what the people around a session see of it, beyond the
 * session object: the guest page's preview through the invite, the
 * state of the session password check (tries left, verified, locked), and
 * the partner's cancel with a reason the client sees.
 *
 * All but the cancel are reads. The preview answers only for the live invite
 * of a session that has not ended, with no more than a guest needs to know
 * they are in the right place: title, therapist's name, times, and whether
 * a password will be asked. Lockout state comes from the same counters the
 * password check writes (attempt_counters), so every worker agrees on it.
 */
#include <stdio.h>
#include <string.h>

#include "vsession/attendance.h"
#include "vsession/crypto.h"
#include "vsession/json.h"
#include "vsession/people.h"
#include "vsession/timeutil.h"

static struct vs_stmt stPreview = VS_STMT("guest_preview", 2, true,
	"SELECT s.title, p.name,"
	" (extract(epoch FROM s.session_date) * 1000000)::int8, (extract(epoch FROM s.end_date) * 1000000)::int8,"
	" s.duration_minutes, s.status, s.password_enabled"
	" FROM invites i JOIN video_sessions s ON s.id = i.video_session_id JOIN users p ON p.id = s.partner_id"
	" WHERE i.video_session_id = $1 AND i.token_sha256 = $2 AND s.end_date > now()");

enum vs_err vs_guest_preview(struct vs_db *db, int64_t iId, const char *zInvite, int64_t iNowUs,
			     struct vs_buf *out)
{
	char zId[24], zHash[65];
	const char *az[2] = { vs_db_param_i64(zId, iId), zHash };
	PGresult *r;
	enum vs_err rc;
	int64_t iStart, iEnd;

	vs_sha256_hex(zInvite, strlen(zInvite), zHash);
	if ((rc = vs_db_exec(db, &stPreview, az, &r)) != VS_OK)
		return rc;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return VS_ERR_NOT_FOUND;
	}
	iStart = vs_db_i64(r, 0, 2);
	iEnd = vs_db_i64(r, 0, 3);
	vs_buf_putc(out, '{');
	vs_json_key(out, "title", true);
	vs_json_str(out, PQgetvalue(r, 0, 0));
	vs_buf_puts(out, ",\"partner\":{\"name\":");
	vs_json_str(out, PQgetvalue(r, 0, 1));
	vs_buf_putc(out, '}');
	vs_json_key(out, "session_date", false);
	vs_json_time(out, iStart);
	vs_json_key(out, "end_date", false);
	vs_json_time(out, iEnd);
	vs_json_key(out, "duration_minutes", false);
	vs_json_i64(out, vs_db_i64(r, 0, 4));
	vs_json_key(out, "status", false);
	vs_json_str(out, vs_session_status_at(PQgetvalue(r, 0, 5), iStart, iEnd, iNowUs));
	vs_json_key(out, "password_enabled", false);
	vs_json_bool(out, vs_db_bool(r, 0, 6));
	vs_buf_putc(out, '}');
	PQclear(r);
	return VS_OK;
}

/*
 * One read for both views: $3 the caller's counter key (empty for the
 * partner), $4 the session's. Counters older than the window count as
 * zero, as the check itself treats them.
 */
static struct vs_stmt stPwState = VS_STMT("password_state", 7, true,
	"WITH k AS (SELECT key, attempts, window_start FROM attempt_counters"
	"  WHERE (key = $4 OR key LIKE $4 || ':%') AND window_start > now() - make_interval(secs => $5::int))"
	" SELECT s.partner_id, s.user_id, s.password_enabled,"
	" EXISTS (SELECT 1 FROM session_verifications sv WHERE sv.video_session_id = s.id AND sv.user_id = $2),"
	" greatest(0, least($6::int - coalesce((SELECT attempts FROM k WHERE key = $3), 0),"
	"                   $7::int - coalesce((SELECT attempts FROM k WHERE key = $4), 0))),"
	" (SELECT (extract(epoch FROM max(window_start) + make_interval(secs => $5::int)) * 1000000)::int8 FROM k"
	"   WHERE (key = $4 AND attempts >= $7) OR (key = $3 AND attempts >= $6)),"
	" (SELECT (extract(epoch FROM max(window_start) + make_interval(secs => $5::int)) * 1000000)::int8 FROM k"
	"   WHERE (key = $4 AND attempts >= $7) OR (key <> $4 AND attempts >= $6))"
	" FROM video_sessions s WHERE s.id = $1");

enum vs_err vs_session_password_state(struct vs_db *db, const struct vs_view *v, int64_t iId,
				      struct vs_buf *out)
{
	char zId[24], zUid[24], zKey[48], zCallerKey[96], zWin[24], zMax[24], zSessMax[24];
	const char *az[7];
	PGresult *r;
	enum vs_err rc;
	bool bClient = v->c->eRole == VS_ROLE_CLIENT;
	int iLockCol;

	snprintf(zKey, sizeof(zKey), "verify:session:%lld", (long long)iId);
	if (bClient)
		snprintf(zCallerKey, sizeof(zCallerKey), "%s:user:%lld", zKey, (long long)v->c->iId);
	else
		zCallerKey[0] = '\0';
	az[0] = vs_db_param_i64(zId, iId);
	az[1] = vs_db_param_i64(zUid, bClient ? v->c->iId : 0);
	az[2] = zCallerKey;
	az[3] = zKey;
	az[4] = vs_db_param_i64(zWin, VS_VERIFY_WINDOW_SEC);
	az[5] = vs_db_param_i64(zMax, VS_VERIFY_MAX);
	az[6] = vs_db_param_i64(zSessMax, VS_VERIFY_SESSION_MAX);
	if ((rc = vs_db_exec(db, &stPwState, az, &r)) != VS_OK)
		return rc;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return VS_ERR_NOT_FOUND;
	}
	rc = vs_authorize_session(v->c, VS_ACT_READ, vs_db_i64(r, 0, 0), vs_db_i64(r, 0, 1));
	if (rc != VS_OK) {
		PQclear(r);
		return rc;
	}
	vs_buf_putc(out, '{');
	vs_json_key(out, "password_enabled", true);
	vs_json_bool(out, vs_db_bool(r, 0, 2));
	if (bClient) {
		vs_json_key(out, "verified", false);
		vs_json_bool(out, vs_db_bool(r, 0, 3));
		vs_json_key(out, "remaining", false);
		vs_json_i64(out, vs_db_i64(r, 0, 4));
	}
	/* the client sees its own lockout (or the session's); the partner any of them */
	iLockCol = bClient ? 5 : 6;
	vs_json_key(out, "locked_until", false);
	if (PQgetisnull(r, 0, iLockCol))
		vs_json_null(out);
	else
		vs_json_time(out, vs_db_i64(r, 0, iLockCol));
	vs_buf_putc(out, '}');
	PQclear(r);
	return VS_OK;
}

static struct vs_stmt stRemaining = VS_STMT("verify_remaining", 5, true,
	"SELECT greatest(0, least("
	" $3::int - coalesce((SELECT attempts FROM attempt_counters WHERE key = lower($1)"
	"   AND window_start > now() - make_interval(secs => $5::int)), 0),"
	" $4::int - coalesce((SELECT attempts FROM attempt_counters WHERE key = lower($2)"
	"   AND window_start > now() - make_interval(secs => $5::int)), 0)))");

int vs_verify_remaining(struct vs_db *db, const char *zCallerKey, const char *zSessionKey)
{
	char zMax[24], zSessMax[24], zWin[24];
	const char *az[5] = { zCallerKey, zSessionKey, vs_db_param_i64(zMax, VS_VERIFY_MAX),
			      vs_db_param_i64(zSessMax, VS_VERIFY_SESSION_MAX),
			      vs_db_param_i64(zWin, VS_VERIFY_WINDOW_SEC) };
	PGresult *r;
	int n = -1;

	if (vs_db_exec(db, &stRemaining, az, &r) != VS_OK)
		return -1;
	if (PQntuples(r) == 1)
		n = (int)vs_db_i64(r, 0, 0);
	PQclear(r);
	return n;
}

static struct vs_stmt stCancelRow = VS_STMT("cancel_row", 1, true,
	"SELECT partner_id, user_id, status, end_date <= now() FROM video_sessions WHERE id = $1");

/* Cancelled only if still open; the audit row is written with it or not at all. */
static struct vs_stmt stCancel = VS_STMT("session_cancel", 5, false,
	"WITH s AS (UPDATE video_sessions SET status = 'cancelled', cancel_reason = $2, sequence = sequence + 1,"
	"   updated_at = now() WHERE id = $1 AND status <> 'cancelled' AND end_date > now() RETURNING id),"
	" a AS (INSERT INTO audit_log (actor_id, action, object_type, object_id, outcome, request_id, client_addr)"
	"  SELECT $3, 'video_session.cancel', 'video_session', s.id, 'ok', $4, $5 FROM s)"
	" SELECT count(*) FROM s");

enum vs_err vs_session_cancel(struct vs_db *db, const struct vs_view *v, int64_t iId, const char *zReason,
			      struct vs_buf *out, struct vs_outcome *pOut)
{
	char zId[24], zActor[24];
	const char *az[5] = { vs_db_param_i64(zId, iId), zReason, vs_db_param_i64(zActor, v->c->iId),
			      vs_origin_request_id(v->o), v->o != NULL ? v->o->zClientAddr : NULL };
	PGresult *r;
	enum vs_err rc;
	bool bDone;

	/* the client's own cancellation follows the partner's notice period */
	if (v->c->eRole == VS_ROLE_CLIENT)
		return vs_session_client_cancel(db, v, iId, zReason, out, pOut);
	if ((rc = vs_db_exec(db, &stCancelRow, az, &r)) != VS_OK)
		return rc;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return VS_ERR_NOT_FOUND;
	}
	rc = vs_authorize_session(v->c, VS_ACT_WRITE, vs_db_i64(r, 0, 0), vs_db_i64(r, 0, 1));
	if (rc == VS_OK && (!strcmp(PQgetvalue(r, 0, 2), "cancelled") || vs_db_bool(r, 0, 3))) {
		pOut->zField = NULL;
		snprintf(pOut->zMessage, sizeof(pOut->zMessage), "%s",
			 vs_db_bool(r, 0, 3) ? "This session has ended; it cannot be cancelled."
					     : "This session is already cancelled.");
		rc = VS_ERR_INVALID_STATE;
	}
	PQclear(r);
	if (rc != VS_OK)
		return rc;
	if ((rc = vs_db_exec(db, &stCancel, az, &r)) != VS_OK)
		return rc;
	bDone = PQntuples(r) == 1 && vs_db_i64(r, 0, 0) == 1;
	PQclear(r);
	if (!bDone) {  /* cancelled or ended between the two statements */
		snprintf(pOut->zMessage, sizeof(pOut->zMessage), "%s", "This session can no longer be cancelled.");
		return VS_ERR_INVALID_STATE;
	}
	return vs_session_read(db, v, iId, out);
}
