/*
 * series.c — weekly series of video sessions (series.h).
 *
 * The times of a series are computed by PostgreSQL from the rule kept in
 * session_series (009_series.sql): the first wall-clock time in the
 * partner's zone plus whole weeks, turned back into instants in that zone,
 * so a 10:00 session stays at 10:00 across a DST change. Each occurrence is
 * an ordinary session row, refused by the same bookings exclusion constraint
 * as a single session. The writes of one request run in one transaction that
 * first takes the partner's booking lock (bookings_lock_partner, 002), so
 * concurrent series of one partner queue rather than interleave; each
 * occurrence is written under a savepoint, so that a conflicting one can be
 * described (and, when asked, skipped) without losing the others.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session_row.h"
#include "vsession/audit.h"
#include "vsession/audit_sql.h"
#include "vsession/authz.h"
#include "vsession/crypto.h"
#include "vsession/ics.h"
#include "vsession/json.h"
#include "vsession/jsonin.h"
#include "vsession/people.h"
#include "vsession/series.h"
#include "vsession/timeutil.h"
#include "vsession/users.h"

/* ---- the rule ------------------------------------------------------------ */

static const struct vs_field aRuleField[] = {
	{ "frequency", VS_F_STRING, true,  false, 1, 16, 0 },
	{ "interval",  VS_F_INT,    false, false, 1, 2, 0 },
	{ "count",     VS_F_INT,    false, false, VS_SERIES_COUNT_MIN, VS_SERIES_COUNT_MAX, 0 },
	{ "until",     VS_F_STRING, false, false, 10, 10, 0 },
};
static const char *const azRuleField[] = {
	"recurrence.frequency", "recurrence.interval", "recurrence.count", "recurrence.until",
};
enum { RF_FREQ, RF_INTERVAL, RF_COUNT, RF_UNTIL, RF__N };

static bool refuse(const char **pzField, const char *zField, char *zMsg, size_t nMsg, const char *zText)
{
	*pzField = zField;
	snprintf(zMsg, nMsg, "%s", zText);
	return false;
}

/* A calendar date "YYYY-MM-DD" between 1970 and 9999. */
static bool is_date(const char *z)
{
	static const int aDays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d;

	if (strlen(z) != 10 || z[4] != '-' || z[7] != '-' || strspn(z, "0123456789") != 4 ||
	    strspn(z + 5, "0123456789") != 2 || strspn(z + 8, "0123456789") != 2)
		return false;
	y = atoi(z);
	m = (z[5] - '0') * 10 + (z[6] - '0');
	d = (z[8] - '0') * 10 + (z[9] - '0');
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > aDays[m - 1])
		return false;
	return !(m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)));
}

bool vs_recurrence_parse(const cJSON *p, struct vs_recurrence *r, const char **pzField, char *zMsg, size_t nMsg)
{
	struct vs_value a[RF__N];
	const char *zBad = NULL;

	memset(r, 0, sizeof(*r));
	if (!cJSON_IsObject(p))
		return refuse(pzField, "recurrence", zMsg, nMsg,
			      "recurrence must be an object such as {\"frequency\":\"weekly\",\"count\":10}.");
	if (vs_form_validate(p, aRuleField, RF__N, a, &zBad, zMsg, nMsg) != VS_FORM_OK) {
		*pzField = "recurrence";
		for (int i = 0; i < RF__N; i++)
			if (zBad != NULL && !strcmp(zBad, aRuleField[i].zName))
				*pzField = azRuleField[i];
		return false;
	}
	if (strcmp(a[RF_FREQ].z, "weekly") != 0)
		return refuse(pzField, azRuleField[RF_FREQ], zMsg, nMsg, "frequency must be \"weekly\".");
	if (a[RF_COUNT].bPresent && a[RF_UNTIL].bPresent)
		return refuse(pzField, azRuleField[RF_UNTIL], zMsg, nMsg, "Give count or until, not both.");
	if (!a[RF_COUNT].bPresent && !a[RF_UNTIL].bPresent)
		return refuse(pzField, azRuleField[RF_COUNT], zMsg, nMsg, "count (2 to 52) or until is required.");
	if (a[RF_UNTIL].bPresent && !is_date(a[RF_UNTIL].z))
		return refuse(pzField, azRuleField[RF_UNTIL], zMsg, nMsg, "until must be a date such as 2027-03-31.");
	r->nInterval = a[RF_INTERVAL].bPresent ? (int)a[RF_INTERVAL].i : 1;
	r->nCount = a[RF_COUNT].bPresent ? (int)a[RF_COUNT].i : 0;
	if (a[RF_UNTIL].bPresent)
		memcpy(r->zUntil, a[RF_UNTIL].z, 10);
	return true;
}

/* ---- shared pieces --------------------------------------------------------- */

/* Takes the partner's booking lock for the rest of the transaction. */
static struct vs_stmt stLockPartner = VS_STMT("series_lock_partner", 1, false,
	"SELECT bookings_lock_partner($1::int8)");

static enum vs_err lock_partner(struct vs_db *db, int64_t iPartner)
{
	char zP[24];
	const char *az[1] = { vs_db_param_i64(zP, iPartner) };

	return vs_db_run(db, &stLockPartner, az);
}

static void rollback(struct vs_db *db)
{
	if (vs_db_in_transaction(db))
		vs_db_command(db, "ROLLBACK");
}

/* One occurrence that could not be booked, and the booking in its way, as a JSON object. */
static void conflict_json(struct vs_buf *b, bool bFirst, int64_t iStartUs, int64_t iEndUs, int64_t iId,
			  const struct vs_outcome *o)
{
	if (!bFirst)
		vs_buf_putc(b, ',');
	vs_buf_putc(b, '{');
	if (iId > 0) {
		vs_json_key(b, "id", true);
		vs_json_i64(b, iId);
	}
	vs_json_key(b, "session_date", iId <= 0);
	vs_json_time(b, iStartUs);
	vs_json_key(b, "end_date", false);
	vs_json_time(b, iEndUs);
	vs_json_key(b, "conflicting", false);
	if (o->iConflictId <= 0) {
		vs_json_null(b);
	} else {
		vs_buf_putc(b, '{');
		vs_json_key(b, "kind", true);
		vs_json_str(b, o->zConflictKind);
		vs_json_key(b, "id", false);
		vs_json_i64(b, o->iConflictId);
		vs_json_key(b, "start", false);
		vs_json_time(b, o->iConflictStartUs);
		vs_json_key(b, "end", false);
		vs_json_time(b, o->iConflictEndUs);
		vs_json_key(b, "title", false);
		vs_json_str(b, o->zConflictTitle);
		vs_json_key(b, "user", false);
		if (o->iConflictUserId > 0) {
			vs_buf_puts(b, "{\"id\":");
			vs_json_i64(b, o->iConflictUserId);
			vs_json_key(b, "name", false);
			vs_json_str(b, o->zConflictUser);
			vs_buf_putc(b, '}');
		} else {
			vs_json_null(b);
		}
		vs_buf_putc(b, '}');
	}
	vs_buf_putc(b, '}');
}

/* ---- create ---------------------------------------------------------------- */

/*
 * The rule's first 53 dates from $2 in the partner's zone: number, start,
 * local date, the date a year after the first, the zone, the first local time.
 */
static struct vs_stmt stPlan = VS_STMT("series_plan", 3, true,
	"WITH f AS (SELECT ($2::timestamptz AT TIME ZONE u.timezone) AS l, u.timezone AS tz FROM users u WHERE u.id = $1),"
	" g AS (SELECT i, f.l + make_interval(days => 7 * $3::int * (i - 1)) AS l FROM f, generate_series(1, 53) i)"
	" SELECT g.i, (extract(epoch FROM (g.l AT TIME ZONE f.tz)) * 1000000)::int8, to_char(g.l, 'YYYY-MM-DD'),"
	"  to_char(f.l::date + interval '1 year', 'YYYY-MM-DD'), f.tz"
	" FROM f, g ORDER BY g.i");

static struct vs_stmt stNewSeries = VS_STMT("series_insert", 6, false,
	"INSERT INTO session_series (partner_id, user_id, interval_weeks, occurrences, first_local, timezone)"
	" VALUES ($1, $2, $3::int, $4::int, $5::timestamptz AT TIME ZONE $6, $6) RETURNING id");

/* One occurrence and its audit row, in one statement (as session_create). */
static struct vs_stmt stMember = VS_STMT("series_member_insert", 14, false,
	"WITH s AS (INSERT INTO video_sessions (partner_id, user_id, title, session_date, duration_minutes,"
	"   end_date, password_enabled, password_hash, meeting_room_id, jitsi_password, notes, series_id, series_index)"
	"  VALUES ($1, $2, $3, $4::timestamptz, $5::int, $4::timestamptz + make_interval(mins => $5::int),"
	"   $6::bool, $7, $8, $9, $10, $13, $14::int) RETURNING *),"
	" a AS (" VS_AUDIT_ROW("$1", "video_session.create", "video_session", "s.id", "$11", "$12", "s") ")"
	" SELECT " SESSION_COLS " FROM s");

static struct vs_stmt stMailPassword = VS_STMT("series_mail_password", 1, false,
	"SELECT set_config('vsession.mail_password', $1, true)");

/* What a create has decided before it writes. */
struct series_plan {
	int     n;
	int64_t aStart[VS_SERIES_OCCURRENCES_MAX];
	char    zTz[72];
};

static enum vs_err plan_series(struct vs_db *db, const struct vs_view *v, const struct vs_session_input *in,
			       const struct vs_recurrence *rule, int64_t iLatestUs, struct series_plan *p,
			       struct vs_outcome *pOut)
{
	char zP[24], zS[40], zI[24];
	const char *az[3] = { vs_db_param_i64(zP, v->c->iId), vs_db_param_time(zS, in->iStartUs),
			      vs_db_param_i64(zI, rule->nInterval) };
	PGresult *r;
	enum vs_err rc = vs_db_exec(db, &stPlan, az, &r);

	if (rc != VS_OK)
		return rc;
	if (PQntuples(r) != VS_SERIES_OCCURRENCES_MAX) {
		PQclear(r);
		return VS_ERR_INTERNAL;
	}
	if (rule->zUntil[0] != '\0' && strcmp(rule->zUntil, PQgetvalue(r, 0, 2)) < 0) {
		vs_outcome_set(pOut, "recurrence.until", "until must not be before the date of the first session.");
		rc = VS_ERR_INVALID;
	} else if (rule->zUntil[0] != '\0' && strcmp(rule->zUntil, PQgetvalue(r, 0, 3)) > 0) {
		vs_outcome_set(pOut, "recurrence.until", "until must be at most a year after the first session.");
		rc = VS_ERR_INVALID;
	}
	p->n = 0;
	for (int i = 0; rc == VS_OK && i < VS_SERIES_OCCURRENCES_MAX; i++) {
		if (rule->nCount > 0 ? i >= rule->nCount : strcmp(PQgetvalue(r, i, 2), rule->zUntil) > 0)
			break;
		p->aStart[p->n++] = vs_db_i64(r, i, 1);
	}
	snprintf(p->zTz, sizeof(p->zTz), "%s", PQgetvalue(r, 0, 4));
	PQclear(r);
	if (rc == VS_OK && p->aStart[p->n - 1] > iLatestUs) {
		vs_outcome_set(pOut, rule->nCount > 0 ? "recurrence.count" : "recurrence.until",
			       "The last session of the series would be beyond the booking horizon.");
		rc = VS_ERR_INVALID;
	}
	return rc;
}

/* Books occurrence i under a savepoint: VS_OK with the row in *ppRes, or VS_ERR_CONFLICT rolled back to it. */
static enum vs_err insert_member(struct vs_db *db, const char **az, PGresult **ppRes)
{
	enum vs_err rc;

	if ((rc = vs_db_command(db, "SAVEPOINT occurrence")) != VS_OK)
		return rc;
	rc = vs_db_exec(db, &stMember, az, ppRes);
	if (rc == VS_ERR_CONFLICT)
		return vs_db_command(db, "ROLLBACK TO SAVEPOINT occurrence") == VS_OK ? VS_ERR_CONFLICT : VS_ERR_INTERNAL;
	if (rc == VS_OK && (rc = vs_db_command(db, "RELEASE SAVEPOINT occurrence")) != VS_OK)
		PQclear(*ppRes);
	return rc;
}

/*
 * Queues the one invitation of a new series: the first booked member's
 * message gets the list of every booked date, and the other members' own
 * "scheduled" messages (queued by the outbox trigger) are not sent.
 */
static struct vs_stmt stSeriesMail = VS_STMT("series_invitation", 1, false,
	"WITH sr AS (SELECT * FROM session_series WHERE id = $1::int8),"
	" m AS (SELECT id, series_index, session_date, end_date, duration_minutes FROM video_sessions"
	"  WHERE series_id = $1::int8),"
	" d AS (SELECT jsonb_agg(jsonb_build_object('start', session_date, 'end', end_date) ORDER BY session_date) AS dates,"
	"  min(id) AS first, min(duration_minutes) AS dur FROM m),"
	" ex AS (SELECT coalesce(jsonb_agg(to_char(g.l, 'YYYYMMDD\"T\"HH24MISS') ORDER BY g.i), '[]'::jsonb) AS dates"
	"  FROM (SELECT i, sr.first_local + make_interval(days => 7 * sr.interval_weeks * (i - 1)) AS l"
	"   FROM sr, generate_series(1, sr.occurrences) i) g"
	"  WHERE NOT EXISTS (SELECT 1 FROM m WHERE m.series_index = g.i)),"
	" x AS (UPDATE outbox o SET status = 'cancelled', last_error = 'sent as one invitation for the series',"
	"   payload = o.payload - 'password' - 'url'"
	"  FROM d WHERE o.video_session_id IN (SELECT id FROM m) AND o.video_session_id <> d.first"
	"   AND o.kind = 'session_scheduled' AND o.status = 'pending' RETURNING 1)"
	" UPDATE outbox o SET payload = o.payload || jsonb_build_object('series', jsonb_build_object("
	"   'id', sr.id, 'interval_weeks', sr.interval_weeks, 'count', sr.occurrences, 'tz', sr.timezone,"
	"   'start_local', to_char(sr.first_local, 'YYYYMMDD\"T\"HH24MISS'),"
	"   'end_local', to_char(sr.first_local + make_interval(mins => d.dur), 'YYYYMMDD\"T\"HH24MISS'),"
	"   'exdates', ex.dates, 'dates', d.dates))"
	" FROM d, sr, ex WHERE o.video_session_id = d.first"
	"  AND o.kind = 'session_scheduled' AND o.status = 'pending'");

enum vs_err vs_series_create(struct vs_db *db, const struct vs_view *v, const struct vs_session_input *in,
			     const struct vs_recurrence *rule, bool bSkip, int64_t iLatestUs,
			     struct vs_buf *out, struct vs_buf *pConflicts, struct vs_outcome *pOut)
{
	char zP[24], zU[24], zStart[40], zDur[24], zRoom[64], zJpw[64], zI[24], zN[24], zSeries[24], zIdx[24];
	char zPw[VS_SESSION_PASSWORD_DIGITS + 1] = "", zHash[VS_PASSWORD_HASH_MAX] = "";
	bool bPw = in->bPasswordEnabled ? in->bPasswordEnabledValue : true;
	struct series_plan plan;
	struct vs_buf sessions = VS_BUF_INIT, skipped = VS_BUF_INIT;
	const char *az[14];
	PGresult *r = NULL;
	enum vs_err rc;
	int nMade = 0, nRefused = 0;
	int64_t iSeries = 0;

	if ((rc = vs_session_check_create(db, v, in, bPw, pOut)) != VS_OK)
		return rc;
	if ((rc = plan_series(db, v, in, rule, iLatestUs, &plan, pOut)) != VS_OK)
		return rc;
	if (bPw) {
		if ((rc = vs_random_digits(zPw, VS_SESSION_PASSWORD_DIGITS)) != VS_OK ||
		    (rc = vs_password_hash(zPw, VS_SESSION_PASSWORD_DIGITS, zHash)) != VS_OK)
			return rc;
	}
	if ((rc = vs_db_command(db, "BEGIN")) != VS_OK)
		goto done;
	if ((rc = lock_partner(db, v->c->iId)) != VS_OK)
		goto done;
	if (in->bEmailPassword) {
		const char *azPw[1] = { zPw };
		if ((rc = vs_db_run(db, &stMailPassword, azPw)) != VS_OK)
			goto done;
	}
	az[0] = vs_db_param_i64(zP, v->c->iId);
	az[1] = vs_db_param_i64(zU, in->iUserId);
	az[2] = vs_db_param_i64(zI, rule->nInterval);
	az[3] = vs_db_param_i64(zN, plan.n);
	az[4] = vs_db_param_time(zStart, in->iStartUs);
	az[5] = plan.zTz;
	if ((rc = vs_db_exec(db, &stNewSeries, az, &r)) != VS_OK)
		goto done;
	iSeries = vs_db_i64(r, 0, 0);
	PQclear(r);
	r = NULL;
	az[2] = in->zTitle;
	az[4] = vs_db_param_i64(zDur, in->nDuration);
	az[5] = bPw ? "true" : "false";
	az[6] = bPw ? zHash : NULL;
	az[7] = zRoom;
	az[8] = zJpw;
	az[9] = in->bNotes ? in->zNotes : "";
	az[10] = vs_origin_request_id(v->o);
	az[11] = v->o != NULL ? v->o->zClientAddr : NULL;
	az[12] = vs_db_param_i64(zSeries, iSeries);
	for (int i = 0; i < plan.n; i++) {
		int64_t iEnd = plan.aStart[i] + (int64_t)in->nDuration * VS_US_PER_MIN;

		if ((rc = vs_random_base32(zRoom, 20)) != VS_OK || (rc = vs_random_token(zJpw, 18)) != VS_OK)
			goto done;
		az[3] = vs_db_param_time(zStart, plan.aStart[i]);
		az[13] = vs_db_param_i64(zIdx, i + 1);
		rc = insert_member(db, az, &r);
		if (rc == VS_ERR_CONFLICT) {
			struct vs_outcome o;

			memset(&o, 0, sizeof(o));
			vs_booking_conflict(db, v->c->iId, plan.aStart[i], iEnd, "video_session", 0, &o);
			conflict_json(bSkip ? &skipped : pConflicts, nRefused == 0, plan.aStart[i], iEnd, 0, &o);
			nRefused++;
			continue;
		}
		if (rc == VS_ERR_INVALID) {
			vs_outcome_set(pOut, "user_id", "user_id must be one of your clients.");
			goto done;
		}
		if (rc != VS_OK)
			goto done;
		if (nMade++ > 0)
			vs_buf_putc(&sessions, ',');
		vs_session_row_json(&sessions, v, r, 0, true, bPw ? zPw : NULL);
		PQclear(r);
		r = NULL;
	}
	if (nRefused > 0 && (!bSkip || nMade == 0)) {
		if (bSkip) {  /* nothing could be booked: the skipped are the conflicts */
			vs_buf_puts(pConflicts, vs_buf_str(&skipped));
		}
		snprintf(pOut->zMessage, sizeof(pOut->zMessage),
			 "%d of the %d sessions clash with other bookings; nothing was booked.", nRefused, plan.n);
		rc = VS_ERR_CONFLICT;
		goto done;
	}
	if ((rc = vs_db_run(db, &stSeriesMail, az + 12)) != VS_OK)
		goto done;
	if ((rc = vs_db_command(db, "COMMIT")) != VS_OK)
		goto done;
	vs_buf_puts(out, "{\"series_id\":");
	vs_json_i64(out, iSeries);
	vs_buf_puts(out, ",\"sessions\":[");
	vs_buf_puts(out, vs_buf_str(&sessions));
	vs_buf_puts(out, "],\"skipped\":[");
	vs_buf_puts(out, vs_buf_str(&skipped));
	vs_buf_putc(out, ']');
	if (bPw) {
		vs_json_key(out, "password", false);
		vs_json_str(out, zPw);
	}
	vs_buf_putc(out, '}');
done:
	rollback(db);
	PQclear(r);
	explicit_bzero(zPw, sizeof(zPw));
	explicit_bzero(zHash, sizeof(zHash));
	if (sessions.zData != NULL)
		explicit_bzero(sessions.zData, sessions.nLen);
	vs_buf_free(&sessions);
	vs_buf_free(&skipped);
	return rc;
}

/* ---- scope: the member and its series ---------------------------------------- */

/* The member row and its series' rule, locked. */
static struct vs_stmt stMemberLock = VS_STMT("series_member_lock", 1, false,
	"SELECT " SESSION_COLS ", sr.timezone, sr.occurrences, sr.interval_weeks"
	SESSION_FROM " LEFT JOIN session_series sr ON sr.id = s.series_id WHERE s.id = $1 FOR UPDATE OF s");
enum { SM_TZ = SC__N, SM_OCCURRENCES, SM_INTERVAL };

static struct vs_stmt stMemberRow = VS_STMT("series_member_row", 1, true,
	"SELECT partner_id, user_id, series_id FROM video_sessions WHERE id = $1");

/* Loads and authorizes; VS_ERR_INVALID naming "scope" when the session is in no series. */
static enum vs_err member_of_series(struct vs_db *db, const struct vs_view *v, int64_t iId, struct vs_outcome *pOut)
{
	char zId[24];
	const char *az[1] = { vs_db_param_i64(zId, iId) };
	PGresult *r;
	enum vs_err rc = vs_db_exec(db, &stMemberRow, az, &r);

	if (rc != VS_OK)
		return rc;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return VS_ERR_NOT_FOUND;
	}
	rc = vs_authorize_session(v->c, VS_ACT_WRITE, vs_db_i64(r, 0, 0), vs_db_i64(r, 0, 1));
	if (rc == VS_OK && PQgetisnull(r, 0, 2)) {
		vs_outcome_set(pOut, "scope", "scope is only for a session of a series; this session is not in one.");
		rc = VS_ERR_INVALID;
	}
	PQclear(r);
	return rc;
}

/* The later members of a series from index $2 on, with the start each gets by the wall-clock change $4 -> $5. */
static struct vs_stmt stFollowing = VS_STMT("series_following", 5, false,
	"SELECT s.id, s.series_index, s.status = 'cancelled' OR s.end_date <= now(),"
	" (extract(epoch FROM (((s.session_date AT TIME ZONE $3) + (($5::timestamptz AT TIME ZONE $3)"
	"   - ($4::timestamptz AT TIME ZONE $3))) AT TIME ZONE $3)) * 1000000)::int8"
	" FROM video_sessions s WHERE s.series_id = $1 AND s.series_index >= $2::int"
	" ORDER BY s.series_index FOR UPDATE");

/* A split: the members from index $2 on become series $3, numbered from 1. */
static struct vs_stmt stSplit = VS_STMT("series_split", 3, false,
	"WITH n AS (INSERT INTO session_series (partner_id, user_id, interval_weeks, occurrences, first_local, timezone)"
	"   SELECT partner_id, user_id, interval_weeks, occurrences - $2::int + 1, $3::timestamptz AT TIME ZONE timezone,"
	"    timezone FROM session_series WHERE id = $1 RETURNING id),"
	" o AS (UPDATE session_series SET occurrences = $2::int - 1 WHERE id = $1 RETURNING 1)"
	" UPDATE video_sessions s SET series_id = n.id, series_index = s.series_index - $2::int + 1"
	"  FROM n WHERE s.series_id = $1 AND s.series_index >= $2::int AND (SELECT count(*) FROM o) = 1"
	" RETURNING n.id");

/* The rule itself moves when the first member moves. */
static struct vs_stmt stMoveRule = VS_STMT("series_move_rule", 2, false,
	"UPDATE session_series SET first_local = $2::timestamptz AT TIME ZONE timezone WHERE id = $1");

/* One member's change and its audit row. */
static struct vs_stmt stMemberUpdate = VS_STMT("series_member_update", 8, false,
	"WITH s AS (UPDATE video_sessions SET session_date = $2::timestamptz, duration_minutes = $3::int,"
	"   end_date = $2::timestamptz + make_interval(mins => $3::int), title = coalesce($4, title),"
	"   notes = coalesce($5, notes), sequence = sequence + 1, updated_at = now()"
	"  WHERE id = $1 RETURNING id)"
	VS_AUDIT_ROW("$6", "video_session.update", "video_session", "s.id", "$7", "$8", "s"));

static struct vs_stmt stChanged = VS_STMT("series_changed", 2, true,
	"SELECT " SESSION_COLS SESSION_FROM " WHERE s.series_id = $1 AND s.series_index >= $2::int"
	" AND s.status <> 'cancelled' AND s.end_date > now() ORDER BY s.series_index");

/* Fields a "following" change cannot carry: they are one session's. */
static const char *one_only_field(const struct vs_session_input *in)
{
	return in->bUser ? "user_id" : in->bPasswordEnabled ? "password_enabled" : in->bRegenerate ? "regenerate_password"
		: in->bEmailPassword ? "email_password" : in->bCancel ? "status" : NULL;
}

/* Writes {"series_id":..,"sessions":[...]} for the members of iSeries from index iFrom on. */
static enum vs_err answer_members(struct vs_db *db, const struct vs_view *v, int64_t iSeries, int64_t iFrom,
				  struct vs_buf *out)
{
	char zS[24], zI[24];
	const char *az[2] = { vs_db_param_i64(zS, iSeries), vs_db_param_i64(zI, iFrom) };
	PGresult *r;
	enum vs_err rc = vs_db_exec(db, &stChanged, az, &r);

	if (rc != VS_OK)
		return rc;
	vs_buf_puts(out, "{\"series_id\":");
	vs_json_i64(out, iSeries);
	vs_buf_puts(out, ",\"sessions\":[");
	for (int i = 0; i < PQntuples(r); i++) {
		if (i > 0)
			vs_buf_putc(out, ',');
		vs_session_row_json(out, v, r, i, true, NULL);
	}
	vs_buf_puts(out, "]}");
	PQclear(r);
	return VS_OK;
}

static enum vs_err update_following(struct vs_db *db, const struct vs_view *v, int64_t iId,
				   const struct vs_session_input *in, int64_t iLatestUs,
				   struct vs_buf *out, struct vs_buf *pConflicts, struct vs_outcome *pOut)
{
	char zId[24], zSeries[24], zIdx[24], zOld[40], zNew[40], zDur[24], zActor[24], zMid[24];
	const char *az[8];
	PGresult *r = NULL, *rm = NULL;
	enum vs_err rc;
	int64_t iSeries, iIdx, iOld, iNew, iNewSeries;
	int nDur, nRefused = 0, n;
	const char *zStatus;

	if (one_only_field(in) != NULL) {
		vs_outcome_set(pOut, one_only_field(in), "This field changes one session at a time (scope \"one\").");
		return VS_ERR_INVALID;
	}
	if ((rc = vs_db_command(db, "BEGIN")) != VS_OK)
		return rc;
	az[0] = vs_db_param_i64(zId, iId);
	if ((rc = vs_db_exec(db, &stMemberLock, az, &r)) != VS_OK)
		goto done;
	if (PQntuples(r) != 1) {
		rc = VS_ERR_NOT_FOUND;
		goto done;
	}
	if ((rc = vs_authorize_session(v->c, VS_ACT_WRITE, vs_db_i64(r, 0, SC_PARTNER), vs_db_i64(r, 0, SC_USER))) != VS_OK)
		goto done;
	if (PQgetisnull(r, 0, SC_SERIES_ID)) {
		vs_outcome_set(pOut, "scope", "scope is only for a session of a series; this session is not in one.");
		rc = VS_ERR_INVALID;
		goto done;
	}
	if ((rc = lock_partner(db, vs_db_i64(r, 0, SC_PARTNER))) != VS_OK)
		goto done;
	iSeries = vs_db_i64(r, 0, SC_SERIES_ID);
	iIdx = vs_db_i64(r, 0, SC_SERIES_INDEX);
	iOld = vs_db_i64(r, 0, SC_START);
	iNew = in->bStart ? in->iStartUs : iOld;
	nDur = in->bDuration ? in->nDuration : (int)vs_db_i64(r, 0, SC_DURATION);
	zStatus = vs_session_status_at(PQgetvalue(r, 0, SC_STATUS), iOld, vs_db_i64(r, 0, SC_END), v->iNowUs);
	if (strcmp(zStatus, "scheduled") != 0) {
		vs_outcome_set(pOut, NULL, !strcmp(zStatus, "cancelled") ? "A cancelled session cannot be moved or changed."
			: "Only an upcoming session can change itself and the following ones.");
		rc = VS_ERR_INVALID_STATE;
		goto done;
	}
	if (iNew != iOld && iNew < v->iNowUs) {
		vs_outcome_set(pOut, "session_date", "session_date must not be in the past.");
		rc = VS_ERR_INVALID;
		goto done;
	}
	az[0] = vs_db_param_i64(zSeries, iSeries);
	az[1] = vs_db_param_i64(zIdx, iIdx);
	az[2] = PQgetvalue(r, 0, SM_TZ);
	az[3] = vs_db_param_time(zOld, iOld);
	az[4] = vs_db_param_time(zNew, iNew);
	if ((rc = vs_db_exec(db, &stFollowing, az, &rm)) != VS_OK)
		goto done;
	n = PQntuples(rm);
	for (int i = 0; i < n; i++)
		if (!vs_db_bool(rm, i, 2) && vs_db_i64(rm, i, 3) > iLatestUs) {
			vs_outcome_set(pOut, "session_date", "A session of the series would move beyond the booking horizon.");
			rc = VS_ERR_INVALID;
			goto done;
		}
	/* a new time starts a new rule: the series splits here (or its rule moves, from the first member) */
	iNewSeries = iSeries;
	if (iNew != iOld && iIdx > 1) {
		PGresult *rs;

		az[2] = zNew;
		if ((rc = vs_db_exec(db, &stSplit, az, &rs)) != VS_OK)
			goto done;
		iNewSeries = PQntuples(rs) > 0 ? vs_db_i64(rs, 0, 0) : iSeries;
		PQclear(rs);
	} else if (iNew != iOld) {
		az[1] = zNew;
		if ((rc = vs_db_run(db, &stMoveRule, az)) != VS_OK)
			goto done;
	}
	/* later members first when moving later, earlier first when moving earlier: no member meets another */
	for (int k = 0; k < n; k++) {
		int i = iNew > iOld ? n - 1 - k : k;
		int64_t iStart = vs_db_i64(rm, i, 3), iEnd = iStart + (int64_t)nDur * VS_US_PER_MIN;
		int64_t iMember = vs_db_i64(rm, i, 0);

		if (vs_db_bool(rm, i, 2))
			continue;
		az[0] = vs_db_param_i64(zMid, iMember);
		az[1] = vs_db_param_time(zNew, iStart);
		az[2] = vs_db_param_i64(zDur, nDur);
		az[3] = in->bTitle ? in->zTitle : NULL;
		az[4] = in->bNotes ? in->zNotes : NULL;
		vs_audit_params(v, zActor, az + 5);
		if ((rc = vs_db_command(db, "SAVEPOINT member")) != VS_OK)
			goto done;
		rc = vs_db_run(db, &stMemberUpdate, az);
		if (rc == VS_ERR_CONFLICT) {
			struct vs_outcome o;

			if ((rc = vs_db_command(db, "ROLLBACK TO SAVEPOINT member")) != VS_OK)
				goto done;
			memset(&o, 0, sizeof(o));
			vs_booking_conflict(db, v->c->iId, iStart, iEnd, "video_session", iMember, &o);
			conflict_json(pConflicts, nRefused++ == 0, iStart, iEnd, iMember, &o);
			continue;
		}
		if (rc != VS_OK || (rc = vs_db_command(db, "RELEASE SAVEPOINT member")) != VS_OK)
			goto done;
	}
	if (nRefused > 0) {
		snprintf(pOut->zMessage, sizeof(pOut->zMessage),
			 "%d of the sessions would clash with other bookings; nothing was changed.", nRefused);
		rc = VS_ERR_CONFLICT;
		goto done;
	}
	if ((rc = vs_db_command(db, "COMMIT")) != VS_OK)
		goto done;
	rc = answer_members(db, v, iNewSeries, iNewSeries == iSeries ? iIdx : 1, out);
done:
	rollback(db);
	PQclear(r);
	PQclear(rm);
	return rc;
}

enum vs_err vs_series_update(struct vs_db *db, const struct vs_view *v, int64_t iId,
			     const struct vs_session_input *in, enum vs_scope eScope, int64_t iLatestUs,
			     struct vs_buf *out, struct vs_buf *pConflicts, struct vs_outcome *pOut)
{
	enum vs_err rc = member_of_series(db, v, iId, pOut);

	if (rc != VS_OK)
		return rc;
	if (eScope == VS_SCOPE_ONE)
		return vs_session_update(db, v, iId, in, out, pOut);
	return update_following(db, v, iId, in, iLatestUs, out, pConflicts, pOut);
}

/* ---- cancel ------------------------------------------------------------------ */

/* This member and every later open one, cancelled with their audit rows, in one statement. */
static struct vs_stmt stCancelFollowing = VS_STMT("series_cancel_following", 6, false,
	"WITH m AS (SELECT series_id, series_index FROM video_sessions WHERE id = $1),"
	" s AS (UPDATE video_sessions v SET status = 'cancelled', cancel_reason = $2, sequence = sequence + 1,"
	"   updated_at = now() FROM m WHERE v.series_id = m.series_id AND v.series_index >= m.series_index"
	"   AND v.status <> 'cancelled' AND v.end_date > now() RETURNING v.*),"
	" a AS (" VS_AUDIT_ROW("$3", "video_session.cancel", "video_session", "s.id", "$4", "$5", "s") ")"
	" SELECT " SESSION_COLS " FROM s WHERE $6::int IS NOT NULL ORDER BY s.series_index");

enum vs_err vs_series_cancel(struct vs_db *db, const struct vs_view *v, int64_t iId, const char *zReason,
			     enum vs_scope eScope, struct vs_buf *out, struct vs_outcome *pOut)
{
	char zId[24], zActor[24];
	const char *az[6];
	PGresult *r = NULL;
	enum vs_err rc = member_of_series(db, v, iId, pOut);
	const char *zStatus;

	if (rc != VS_OK)
		return rc;
	if (eScope == VS_SCOPE_ONE)
		return vs_session_cancel(db, v, iId, zReason, out, pOut);
	if ((rc = vs_db_command(db, "BEGIN")) != VS_OK)
		return rc;
	az[0] = vs_db_param_i64(zId, iId);
	if ((rc = vs_db_exec(db, &stMemberLock, az, &r)) != VS_OK)
		goto done;
	if (PQntuples(r) != 1 || PQgetisnull(r, 0, SC_SERIES_ID)) {
		rc = VS_ERR_NOT_FOUND;
		goto done;
	}
	zStatus = vs_session_status_at(PQgetvalue(r, 0, SC_STATUS), vs_db_i64(r, 0, SC_START), vs_db_i64(r, 0, SC_END),
				       v->iNowUs);
	if (!strcmp(zStatus, "cancelled") || !strcmp(zStatus, "completed")) {
		vs_outcome_set(pOut, NULL, !strcmp(zStatus, "cancelled") ? "This session is already cancelled."
			: "This session has ended; it cannot be cancelled.");
		rc = VS_ERR_INVALID_STATE;
		goto done;
	}
	PQclear(r);
	r = NULL;
	az[1] = zReason;
	vs_audit_params(v, zActor, az + 2);
	az[5] = "1";
	if ((rc = vs_db_exec(db, &stCancelFollowing, az, &r)) != VS_OK)
		goto done;
	if (PQntuples(r) < 1) {
		vs_outcome_set(pOut, NULL, "This session can no longer be cancelled.");
		rc = VS_ERR_INVALID_STATE;
		goto done;
	}
	if ((rc = vs_db_command(db, "COMMIT")) != VS_OK)
		goto done;
	vs_buf_puts(out, "{\"series_id\":");
	vs_json_i64(out, vs_db_i64(r, 0, SC_SERIES_ID));
	vs_buf_puts(out, ",\"sessions\":[");
	for (int i = 0; i < PQntuples(r); i++) {
		if (i > 0)
			vs_buf_putc(out, ',');
		vs_session_row_json(out, v, r, i, true, NULL);
	}
	vs_buf_puts(out, "]}");
done:
	rollback(db);
	PQclear(r);
	return rc;
}

/* ---- iCalendar ------------------------------------------------------------- */

/*
 * Each number of the rule, its local time, and the member that has it (if
 * any): id, title, start, end, status, sequence, created, updated, whether
 * it sits at its rule time, the rule's start and end of the first number.
 */
static struct vs_stmt stIcs = VS_STMT("series_ics", 2, true,
	"WITH sr AS (SELECT * FROM session_series WHERE id = $1 AND user_id = $2),"
	" g AS (SELECT i, sr.first_local + make_interval(days => 7 * sr.interval_weeks * (i - 1)) AS l"
	"  FROM sr, generate_series(1, sr.occurrences) i)"
	" SELECT g.i, to_char(g.l, 'YYYYMMDD\"T\"HH24MISS'), s.id, s.title,"
	"  (extract(epoch FROM s.session_date) * 1000000)::int8, (extract(epoch FROM s.end_date) * 1000000)::int8,"
	"  s.status, s.sequence, (extract(epoch FROM s.created_at) * 1000000)::int8,"
	"  (extract(epoch FROM s.updated_at) * 1000000)::int8, s.session_date = (g.l AT TIME ZONE sr.timezone),"
	"  s.duration_minutes, sr.timezone, sr.interval_weeks, sr.occurrences"
	" FROM sr CROSS JOIN g LEFT JOIN video_sessions s ON s.series_id = $1 AND s.series_index = g.i"
	"  AND s.user_id = sr.user_id"
	" ORDER BY g.i");
enum { SI_N, SI_LOCAL, SI_ID, SI_TITLE, SI_START, SI_END, SI_STATUS, SI_SEQ, SI_CREATED, SI_UPDATED, SI_AT_RULE,
       SI_DURATION, SI_TZ, SI_INTERVAL, SI_COUNT };

static struct vs_stmt stLocalEnd = VS_STMT("series_ics_end", 3, true,
	"SELECT to_char(first_local + make_interval(mins => $2::int), 'YYYYMMDD\"T\"HH24MISS')"
	" FROM session_series WHERE id = $1 AND user_id = $3");

static int64_t whole_seconds(int64_t us)
{
	return us / VS_US_PER_SEC * VS_US_PER_SEC;
}

enum vs_err vs_series_ics(struct vs_db *db, const struct vs_view *v, int64_t iSeries, int64_t iUser,
			  struct vs_buf *out)
{
	char zS[24], zU[24], zDur[24], zUid[300], zUrl[300], zEnd[32] = "";
	char aUrl[VS_SERIES_OCCURRENCES_MAX][300];
	const char *az[3] = { vs_db_param_i64(zS, iSeries), vs_db_param_i64(zU, iUser), zU };
	const char *azEx[VS_SERIES_OCCURRENCES_MAX], *azRid[VS_SERIES_OCCURRENCES_MAX];
	struct vs_ics_event aOver[VS_SERIES_OCCURRENCES_MAX];
	struct vs_ics_series sr;
	const char *zHost;
	PGresult *r, *re = NULL;
	enum vs_err rc = vs_db_exec(db, &stIcs, az, &r);
	int n, iMaster = -1;
	bool bUtc;

	if (rc != VS_OK)
		return rc;
	n = PQntuples(r);
	if (n < 1 || n > VS_SERIES_OCCURRENCES_MAX) {
		PQclear(r);
		return VS_ERR_NOT_FOUND;
	}
	/* the master carries the title and duration of the first member that takes place */
	for (int i = 0; i < n && iMaster < 0; i++)
		if (!PQgetisnull(r, i, SI_ID) && strcmp(PQgetvalue(r, i, SI_STATUS), "cancelled") != 0)
			iMaster = i;
	for (int i = 0; i < n && iMaster < 0; i++)
		if (!PQgetisnull(r, i, SI_ID))
			iMaster = i;
	if (iMaster < 0) {
		PQclear(r);
		return VS_ERR_NOT_FOUND;
	}
	az[1] = vs_db_param_i64(zDur, vs_db_i64(r, iMaster, SI_DURATION));
	if ((rc = vs_db_exec(db, &stLocalEnd, az, &re)) != VS_OK) {
		PQclear(r);
		return rc;
	}
	if (PQntuples(re) == 1)
		snprintf(zEnd, sizeof(zEnd), "%s", PQgetvalue(re, 0, 0));
	PQclear(re);
	zHost = strstr(v->zPublicUrl, "://");
	zHost = zHost ? zHost + 3 : v->zPublicUrl;
	snprintf(zUid, sizeof(zUid), "video-series-%lld@%.*s", (long long)iSeries, (int)strcspn(zHost, ":/"), zHost);
	snprintf(zUrl, sizeof(zUrl), "%s/join/%s", v->zPublicUrl, PQgetvalue(r, iMaster, SI_ID));
	bUtc = !strcmp(PQgetvalue(r, 0, SI_TZ), "UTC") || !strcmp(PQgetvalue(r, 0, SI_TZ), "Etc/UTC");
	memset(&sr, 0, sizeof(sr));
	sr.master.zUid = zUid;
	sr.master.iStampUs = whole_seconds(v->iNowUs);
	sr.master.iCreatedUs = whole_seconds(vs_db_i64(r, iMaster, SI_CREATED));
	sr.master.iModifiedUs = whole_seconds(vs_db_i64(r, iMaster, SI_UPDATED));
	sr.master.zSummary = PQgetvalue(r, iMaster, SI_TITLE);
	sr.master.zUrl = zUrl;
	sr.master.zDescription = "Weekly video sessions. Join each from the link at its start time.";
	sr.zTzid = bUtc ? NULL : PQgetvalue(r, 0, SI_TZ);
	sr.zStartLocal = PQgetvalue(r, 0, SI_LOCAL);
	sr.zEndLocal = zEnd;
	sr.nInterval = atoi(PQgetvalue(r, 0, SI_INTERVAL));
	sr.nCount = atoi(PQgetvalue(r, 0, SI_COUNT));
	sr.azExdate = azEx;
	sr.aOverride = aOver;
	sr.azRecurrenceId = azRid;
	sr.master.bCancelled = true;
	for (int i = 0; i < n; i++) {
		bool bGone = PQgetisnull(r, i, SI_ID) || !strcmp(PQgetvalue(r, i, SI_STATUS), "cancelled");
		int64_t iSeq = PQgetisnull(r, i, SI_SEQ) ? 0 : vs_db_i64(r, i, SI_SEQ);

		if (iSeq > sr.master.iSequence)
			sr.master.iSequence = iSeq;
		if (bGone) {
			azEx[sr.nExdate++] = PQgetvalue(r, i, SI_LOCAL);
			continue;
		}
		sr.master.bCancelled = false;
		if (vs_db_bool(r, i, SI_AT_RULE) && !strcmp(PQgetvalue(r, i, SI_TITLE), sr.master.zSummary) &&
		    vs_db_i64(r, i, SI_DURATION) == vs_db_i64(r, iMaster, SI_DURATION))
			continue;
		/* a member away from its rule time (or with its own title or length) replaces its date */
		aOver[sr.nOverride] = sr.master;
		aOver[sr.nOverride].iSequence = iSeq;
		aOver[sr.nOverride].iStartUs = vs_db_i64(r, i, SI_START);
		aOver[sr.nOverride].iEndUs = vs_db_i64(r, i, SI_END);
		aOver[sr.nOverride].iCreatedUs = whole_seconds(vs_db_i64(r, i, SI_CREATED));
		aOver[sr.nOverride].iModifiedUs = whole_seconds(vs_db_i64(r, i, SI_UPDATED));
		aOver[sr.nOverride].zSummary = PQgetvalue(r, i, SI_TITLE);
		snprintf(aUrl[sr.nOverride], sizeof(aUrl[0]), "%s/join/%s", v->zPublicUrl, PQgetvalue(r, i, SI_ID));
		aOver[sr.nOverride].zUrl = aUrl[sr.nOverride];
		azRid[sr.nOverride++] = PQgetvalue(r, i, SI_LOCAL);
	}
	rc = vs_ics_write_series(out, &sr);
	PQclear(r);
	return rc;
}
