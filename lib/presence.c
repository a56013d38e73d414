/*
 * presence.c — who is on a session's join page or in its room right now.
 *
 * Each page beats about every 15 s; a beat is one statement: an UPSERT of
 * the caller's row in the unlogged presence table (no WAL, HOT updates in
 * place) and, in the same round trip, the fresh rows of the others. A row
 * not refreshed for VS_PRESENCE_FRESH_SEC means its person has gone; a gap
 * that long, or a move between the waiting page and the room, starts a new
 * stay, so "since" says how long someone has been waiting. Beats count only
 * inside the join window of a session that is not cancelled, and so are
 * the others' rows, so presence never says more than the join endpoint
 * would allow.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsession/crypto.h"
#include "vsession/json.h"
#include "vsession/people.h"
#include "vsession/utf8.h"

#define PRESENCE_UPSERT(ROLE, NAME) \
	" up AS (INSERT INTO presence AS p (video_session_id, role, place, name, since, last_seen)" \
	"  SELECT s.id, " ROLE ", $3, " NAME ", now(), now() FROM s" \
	"  WHERE " ROLE " IS NOT NULL AND s.status <> 'cancelled'" \
	"   AND now() >= s.session_date - interval '15 minutes' AND now() < s.end_date" \
	"  ON CONFLICT (video_session_id, role) DO UPDATE SET place = excluded.place, name = excluded.name," \
	"   since = CASE WHEN p.last_seen < now() - interval '40 seconds' OR p.place <> excluded.place" \
	"                THEN now() ELSE p.since END, last_seen = now()" \
	"  RETURNING 1)"

#define PRESENCE_OTHERS(ROLE) \
	" SELECT s.partner_id, s.user_id, (SELECT count(*) FROM up)::int, o.role, o.name, o.place," \
	" (extract(epoch FROM o.since) * 1000000)::int8" \
	" FROM s LEFT JOIN presence o ON o.video_session_id = s.id AND o.role <> " ROLE \
	"  AND o.last_seen > now() - interval '40 seconds' AND s.status <> 'cancelled'" \
	"  AND now() >= s.session_date - interval '15 minutes' AND now() < s.end_date" \
	" ORDER BY o.role"

/* $1 session, $2 caller id, $3 place */
static struct vs_stmt stBeat = VS_STMT("presence_beat", 3, false,
	"WITH s AS (SELECT id, partner_id, user_id, status, session_date, end_date,"
	"  CASE WHEN partner_id = $2 THEN 'partner' WHEN user_id = $2 THEN 'client' END AS role"
	"  FROM video_sessions WHERE id = $1),"
	PRESENCE_UPSERT("s.role", "(SELECT name FROM users WHERE id = $2)")
	PRESENCE_OTHERS("s.role"));

/* $1 session, $2 invite hash, $3 place, $4 name */
static struct vs_stmt stGuestBeat = VS_STMT("presence_guest_beat", 4, false,
	"WITH s AS (SELECT s.id, s.partner_id, s.user_id, s.status, s.session_date, s.end_date"
	"  FROM invites i JOIN video_sessions s ON s.id = i.video_session_id"
	"  WHERE i.video_session_id = $1 AND i.token_sha256 = $2 AND s.end_date > now()),"
	PRESENCE_UPSERT("'guest'", "$4")
	PRESENCE_OTHERS("'guest'"));

/* Writes {"recorded","present":[...]} from a beat's rows. */
static void beat_json(const PGresult *r, struct vs_buf *out)
{
	int i, n = PQntuples(r);
	bool bFirst = true;

	vs_buf_putc(out, '{');
	vs_json_key(out, "recorded", true);
	vs_json_bool(out, n > 0 && vs_db_i64(r, 0, 2) > 0);
	vs_buf_puts(out, ",\"present\":[");
	for (i = 0; i < n; i++) {
		if (PQgetisnull(r, i, 3))
			continue;
		if (!bFirst)
			vs_buf_putc(out, ',');
		bFirst = false;
		vs_buf_putc(out, '{');
		vs_json_key(out, "role", true);
		vs_json_str(out, PQgetvalue(r, i, 3));
		vs_json_key(out, "name", false);
		vs_json_str(out, PQgetvalue(r, i, 4));
		vs_json_key(out, "place", false);
		vs_json_str(out, PQgetvalue(r, i, 5));
		vs_json_key(out, "since", false);
		vs_json_time(out, vs_db_i64(r, i, 6));
		vs_buf_putc(out, '}');
	}
	vs_buf_puts(out, "]}");
}

enum vs_err vs_presence_beat(struct vs_db *db, const struct vs_view *v, int64_t iId, bool bRoom,
			     struct vs_buf *out)
{
	char zId[24], zUid[24];
	const char *az[3] = { vs_db_param_i64(zId, iId), vs_db_param_i64(zUid, v->c->iId),
			      bRoom ? "room" : "waiting" };
	PGresult *r;
	enum vs_err rc;

	if ((rc = vs_db_exec(db, &stBeat, az, &r)) != VS_OK)
		return rc;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return VS_ERR_NOT_FOUND;
	}
	/* nothing was written for a stranger or an admin: the statement needs the role */
	rc = vs_authorize_session(v->c, VS_ACT_JOIN, vs_db_i64(r, 0, 0), vs_db_i64(r, 0, 1));
	if (rc == VS_OK)
		beat_json(r, out);
	PQclear(r);
	return rc;
}

enum vs_err vs_presence_guest_beat(struct vs_db *db, int64_t iId, const char *zInvite, const char *zName,
				   bool bRoom, struct vs_buf *out, struct vs_outcome *pOut)
{
	char zId[24], zHash[65], zDisplay[100 * 4 + sizeof(" (guest)")];
	const char *az[4] = { vs_db_param_i64(zId, iId), zHash, bRoom ? "room" : "waiting", zDisplay };
	size_t nName = strlen(zName), nCp;
	char *zClean;
	PGresult *r;
	enum vs_err rc;

	/* the name as the guest join shows it: cleaned, at most 100 code points, marked */
	if ((zClean = malloc(nName + 1)) == NULL)
		return VS_ERR_NOMEM;
	nCp = vs_utf8_display_name(zName, nName, zClean);
	if (nCp == 0 || nCp == (size_t)-1 || nCp > 100) {
		free(zClean);
		pOut->zField = "name";
		snprintf(pOut->zMessage, sizeof(pOut->zMessage), "%s",
			 nCp > 100 && nCp != (size_t)-1 ? "name must be at most 100 characters."
							: "name must have a visible character.");
		return VS_ERR_INVALID;
	}
	snprintf(zDisplay, sizeof(zDisplay), "%s (guest)", zClean);
	free(zClean);
	vs_sha256_hex(zInvite, strlen(zInvite), zHash);
	if ((rc = vs_db_exec(db, &stGuestBeat, az, &r)) != VS_OK)
		return rc;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return VS_ERR_NOT_FOUND;
	}
	beat_json(r, out);
	PQclear(r);
	return VS_OK;
}

/*
 * Sessions that can have people now: started at most 3 hours ago (the
 * longest session) and opening within 15 minutes, so the partner's index
 * (partner_id, session_date) bounds the scan whatever the table holds.
 */
static struct vs_stmt stOfPartner = VS_STMT("presence_of_partner", 1, true,
	"SELECT p.video_session_id, p.role, p.name, p.place, (extract(epoch FROM p.since) * 1000000)::int8"
	" FROM video_sessions s JOIN presence p ON p.video_session_id = s.id"
	" WHERE s.partner_id = $1 AND s.session_date > now() - interval '180 minutes'"
	"  AND s.session_date <= now() + interval '15 minutes' AND s.end_date > now() AND s.status <> 'cancelled'"
	"  AND p.role <> 'partner' AND p.last_seen > now() - interval '40 seconds'"
	" ORDER BY p.since, p.video_session_id, p.role");

enum vs_err vs_presence_of_partner(struct vs_db *db, const struct vs_view *v, int64_t iPartner,
				   struct vs_buf *out)
{
	char zId[24];
	const char *az[1] = { vs_db_param_i64(zId, iPartner) };
	PGresult *r;
	enum vs_err rc;
	int i, n;

	if (!(v->c->eRole == VS_ROLE_ADMIN || (v->c->eRole == VS_ROLE_PARTNER && v->c->iId == iPartner)))
		return VS_ERR_FORBIDDEN;
	if ((rc = vs_db_exec(db, &stOfPartner, az, &r)) != VS_OK)
		return rc;
	n = PQntuples(r);
	vs_buf_puts(out, "{\"presence\":[");
	for (i = 0; i < n; i++) {
		if (i > 0)
			vs_buf_putc(out, ',');
		vs_buf_putc(out, '{');
		vs_json_key(out, "video_session_id", true);
		vs_json_i64(out, vs_db_i64(r, i, 0));
		vs_json_key(out, "role", false);
		vs_json_str(out, PQgetvalue(r, i, 1));
		vs_json_key(out, "name", false);
		vs_json_str(out, PQgetvalue(r, i, 2));
		vs_json_key(out, "place", false);
		vs_json_str(out, PQgetvalue(r, i, 3));
		vs_json_key(out, "since", false);
		vs_json_time(out, vs_db_i64(r, i, 4));
		vs_buf_putc(out, '}');
	}
	vs_buf_puts(out, "]}");
	PQclear(r);
	return VS_OK;
}
