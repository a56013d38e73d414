/*
 * invites.c — guest invites (invites.h).
 *
 * A session has at most one live invite; a new one replaces it. Only the
 * token's SHA-256 is stored, so the link in the answer is the token's only
 * copy, and an invite dies with its session's end (or the client's change,
 * sessions.c). Making one counts against the partner's write limit.
 */
#include <stdio.h>
#include <string.h>

#include "vsession/audit.h"
#include "vsession/authz.h"
#include "vsession/crypto.h"
#include "vsession/invites.h"
#include "vsession/limits.h"

enum { IC_PARTNER, IC_USER, IC_STATUS, IC_END };

static struct vs_stmt stInviteRow = VS_STMT("invite_row", 1, true,
	"SELECT partner_id, user_id, status, (extract(epoch FROM end_date) * 1000000)::int8"
	" FROM video_sessions WHERE id = $1");

/* The new invite (replacing the old one) and its audit row, in one statement. */
static struct vs_stmt stInvite = VS_STMT("invite_upsert", 5, false,
	"WITH i AS (INSERT INTO invites (video_session_id, token_sha256, expires_at)"
	"  SELECT id, $2, end_date FROM video_sessions WHERE id = $1"
	"  ON CONFLICT (video_session_id) DO UPDATE SET token_sha256 = excluded.token_sha256,"
	"   created_at = now(), expires_at = excluded.expires_at RETURNING video_session_id)"
	VS_AUDIT_ROW("$3", "video_session.invite", "video_session", "i.video_session_id", "$4", "$5", "i"));

enum vs_err vs_session_invite(struct vs_db *db, const struct vs_view *v, int64_t iId,
			      struct vs_buf *out, struct vs_outcome *pOut)
{
	char zId[24], zToken[VS_B64URL_LEN(32) + 1], zHash[65], zActor[24];
	const char *az[5] = { vs_db_param_i64(zId, iId), NULL };
	PGresult *r;
	enum vs_err rc;

	if ((rc = vs_db_exec(db, &stInviteRow, az, &r)) != VS_OK)
		return rc;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return VS_ERR_NOT_FOUND;
	}
	rc = vs_authorize_session(v->c, VS_ACT_WRITE, vs_db_i64(r, 0, IC_PARTNER), vs_db_i64(r, 0, IC_USER));
	if (rc == VS_OK && (!strcmp(PQgetvalue(r, 0, IC_STATUS), "cancelled") || v->iNowUs >= vs_db_i64(r, 0, IC_END))) {
		vs_outcome_set(pOut, NULL, "A cancelled or ended session cannot be shared.");
		rc = VS_ERR_INVALID_STATE;
	}
	PQclear(r);
	/* loaded and authorized: only now is a slot of the partner's write limit spent */
	if (rc == VS_OK && (rc = vs_write_limit_reserve(db, v->c->iId, &pOut->iRetryAfter)) == VS_ERR_RATE_LIMITED)
		vs_outcome_set(pOut, NULL, "Too many new session passwords and invites; try again later.");
	if (rc != VS_OK)
		return rc;
	if ((rc = vs_random_token(zToken, 32)) != VS_OK)
		return rc;
	vs_sha256_hex(zToken, strlen(zToken), zHash);
	az[1] = zHash;
	vs_audit_params(v, zActor, az + 2);
	if ((rc = vs_db_run(db, &stInvite, az)) != VS_OK) {
		explicit_bzero(zToken, sizeof(zToken));
		return rc;
	}
	vs_buf_puts(out, "{\"invite_url\":\"");
	vs_buf_printf(out, "%s/join/%lld?invite=%s", v->zPublicUrl, (long long)iId, zToken);
	vs_buf_puts(out, "\"}");
	explicit_bzero(zToken, sizeof(zToken));
	return VS_OK;
}

static struct vs_stmt stInviteCheck = VS_STMT("invite_check", 2, true,
	"SELECT 1 FROM invites i JOIN video_sessions s ON s.id = i.video_session_id"
	" WHERE i.video_session_id = $1 AND i.token_sha256 = $2 AND s.end_date > now()");

enum vs_err vs_invite_is_live(struct vs_db *db, int64_t iId, const char *zHash, bool *pb)
{
	char zId[24];
	const char *az[2] = { vs_db_param_i64(zId, iId), zHash };
	PGresult *r;
	enum vs_err rc = vs_db_exec(db, &stInviteCheck, az, &r);

	*pb = false;
	if (rc != VS_OK)
		return rc;
	*pb = PQntuples(r) == 1;
	PQclear(r);
	return VS_OK;
}
