/*
 * waiting.c — the waiting room of public Jitsi mode (waiting.h says why).
 *
 * Two statements, both on the unlogged presence table that the beats of
 * presence.c keep: the read of whether the partner is in the room, one
 * primary-key probe, and the partner's entry, the same UPSERT as a beat.
 */
#include <stdio.h>

#include "vsession/json.h"
#include "vsession/people.h"
#include "vsession/waiting.h"

/* The window below is VS_PRESENCE_FRESH_SEC, as in presence.c's statements. */
static struct vs_stmt stPartnerIn = VS_STMT("waiting_partner_in", 1, true,
	"SELECT EXISTS (SELECT 1 FROM presence WHERE video_session_id = $1 AND role = 'partner'"
	" AND place = 'room' AND last_seen > now() - interval '40 seconds')");

/* $1 session, $2 partner */
static struct vs_stmt stPartnerEntered = VS_STMT("waiting_partner_entered", 2, false,
	"INSERT INTO presence AS p (video_session_id, role, place, name, since, last_seen)"
	" SELECT $1, 'partner', 'room', u.name, now(), now() FROM users u WHERE u.id = $2"
	" ON CONFLICT (video_session_id, role) DO UPDATE SET place = 'room', name = excluded.name,"
	"  since = CASE WHEN p.last_seen < now() - interval '40 seconds' OR p.place <> 'room'"
	"               THEN now() ELSE p.since END, last_seen = now()");

enum vs_err vs_waiting_partner_in_room(struct vs_db *db, int64_t iId, bool *pbIn)
{
	char zId[24];
	const char *az[1] = { vs_db_param_i64(zId, iId) };
	PGresult *r;
	enum vs_err rc;

	*pbIn = false;
	if ((rc = vs_db_exec(db, &stPartnerIn, az, &r)) != VS_OK)
		return rc;
	*pbIn = PQntuples(r) == 1 && vs_db_bool(r, 0, 0);
	PQclear(r);
	return VS_OK;
}

enum vs_err vs_waiting_partner_entered(struct vs_db *db, int64_t iId, int64_t iPartner)
{
	char zId[24], zPartner[24];
	const char *az[2] = { vs_db_param_i64(zId, iId), vs_db_param_i64(zPartner, iPartner) };
	PGresult *r;
	enum vs_err rc;

	if ((rc = vs_db_exec(db, &stPartnerEntered, az, &r)) != VS_OK)
		return rc;
	PQclear(r);
	return VS_OK;
}

void vs_waiting_answer(struct vs_buf *out, const char *zPartnerName)
{
	char zMessage[1024];

	snprintf(zMessage, sizeof(zMessage), "%s will let you in shortly.", zPartnerName);
	vs_buf_putc(out, '{');
	vs_json_key(out, "waiting", true);
	vs_json_bool(out, true);
	vs_buf_puts(out, ",\"partner\":{");
	vs_json_key(out, "name", true);
	vs_json_str(out, zPartnerName);
	vs_buf_puts(out, "},");
	vs_json_key(out, "message", true);
	vs_json_str(out, zMessage);
	vs_buf_putc(out, '}');
}
