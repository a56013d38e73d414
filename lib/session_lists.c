/*
 * session_lists.c — the lists of video sessions: a partner's, and a user's
 * (their own, or for a partner the ones shared with that client), upcoming,
 * past or all, in keyset-paginated pages (sessions.h).
 */
#include <stdlib.h>
#include <string.h>

#include "session_row.h"
#include "vsession/audit.h"
#include "vsession/authz.h"
#include "vsession/json.h"
#include "vsession/sessions.h"
#include "vsession/users.h"

/*
 * One statement per (scope, when): keyset pagination on (session_date, id),
 * both in the (partner_id|user_id, session_date, id) indexes, so a page costs
 * the same at any depth. $2/$3 bound session_date ([from, to)), $4/$5 are the
 * cursor, $6 the page size + 1, $7 (user scope) an optional partner filter.
 * Every row of a page shares its owner ($1): that one's name (and, for a
 * partner, the notice period) is read once per page, not per row. The pages
 * of callers who see notes carry the attendance record; the others do not.
 */
#define COLS_PARTNER SESSION_COLS_AS("$1", "s.user_id", SESSION_ATTENDANCE)
#define COLS_USER SESSION_COLS_AS("s.partner_id", "$1", SESSION_ATTENDANCE)
#define COLS_PARTNER_PLAIN SESSION_COLS_NO_ATTENDANCE("$1", "s.user_id")
#define COLS_USER_PLAIN SESSION_COLS_NO_ATTENDANCE("s.partner_id", "$1")
#define LIST_SQL(cols, scope, filter, cmp, order, lower) \
	"SELECT " cols SESSION_FROM \
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
#define LIST_AUDITED_SQL(cols, scope, filter, cmp, order, lower, objtype) \
	"WITH c AS (SELECT set_config('synchronous_commit', 'off', true) AS x)," \
	" l AS (" LIST_SQL(cols, scope, filter, cmp, order, lower) ")," \
	" a AS (" VS_AUDIT_ROW("$8", "video_session.list_notes_read", objtype, "$1", "$9", "$10", \
			     "c WHERE c.x IS NOT NULL AND EXISTS (SELECT 1 FROM l)") ")" \
	" SELECT * FROM l ORDER BY 7 " order ", 1 " order

static struct vs_stmt aListAudited[2][3] = {
	{
		VS_STMT("list_partner_all_audited", 10, false,
			LIST_AUDITED_SQL(COLS_PARTNER, "partner_id", "", ">", "ASC", LOWER_ALL, "partner")),
		VS_STMT("list_partner_upcoming_audited", 10, false,
			LIST_AUDITED_SQL(COLS_PARTNER, "partner_id", F_UPCOMING, ">", "ASC", LOWER_UPCOMING, "partner")),
		VS_STMT("list_partner_past_audited", 10, false,
			LIST_AUDITED_SQL(COLS_PARTNER, "partner_id", F_PAST, "<", "DESC", LOWER_ALL, "partner")),
	},
	{
		VS_STMT("list_user_all_audited", 10, false,
			LIST_AUDITED_SQL(COLS_USER, "user_id", "", ">", "ASC", LOWER_ALL, "user")),
		VS_STMT("list_user_upcoming_audited", 10, false,
			LIST_AUDITED_SQL(COLS_USER, "user_id", F_UPCOMING, ">", "ASC", LOWER_UPCOMING, "user")),
		VS_STMT("list_user_past_audited", 10, false,
			LIST_AUDITED_SQL(COLS_USER, "user_id", F_PAST, "<", "DESC", LOWER_ALL, "user")),
	},
};

static struct vs_stmt aList[2][3] = {
	{
		VS_STMT("list_partner_all", 7, true, LIST_SQL(COLS_PARTNER_PLAIN, "partner_id", "", ">", "ASC", LOWER_ALL)),
		VS_STMT("list_partner_upcoming", 7, true, LIST_SQL(COLS_PARTNER_PLAIN, "partner_id", F_UPCOMING, ">", "ASC", LOWER_UPCOMING)),
		VS_STMT("list_partner_past", 7, true, LIST_SQL(COLS_PARTNER_PLAIN, "partner_id", F_PAST, "<", "DESC", LOWER_ALL)),
	},
	{
		VS_STMT("list_user_all", 7, true, LIST_SQL(COLS_USER_PLAIN, "user_id", "", ">", "ASC", LOWER_ALL)),
		VS_STMT("list_user_upcoming", 7, true, LIST_SQL(COLS_USER_PLAIN, "user_id", F_UPCOMING, ">", "ASC", LOWER_UPCOMING)),
		VS_STMT("list_user_past", 7, true, LIST_SQL(COLS_USER_PLAIN, "user_id", F_PAST, "<", "DESC", LOWER_ALL)),
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
	bool bAudited = vs_session_sees_notes(v->c);
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
		vs_session_row_json(out, v, r, i, vs_session_sees_notes(v->c), NULL);
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
