/*
 * demo.c — demo data for trying the product: a partner, three clients,
 * an admin, video sessions and appointments around the current week.
 */
#include <stdio.h>
#include <string.h>

#include "vsession/crypto.h"
#include "vsession/demo.h"
#include "vsession/users.h"

/* The demo's one password-protected session; printed with the logins. */
#define VS_DEMO_SESSION_PASSWORD "246810"

struct demo_user {
	enum vs_role eRole;
	const char  *zEmail, *zName, *zTz, *zPassword;
};

static const struct demo_user aDemo[] = {
	{ VS_ROLE_PARTNER, "ada@demo.vsession.test", "Dr. Ada Rivers", "Europe/Berlin", "ada-demo-2026" },
	{ VS_ROLE_CLIENT,  "sam@demo.vsession.test", "Sam Client", "America/New_York", "sam-demo-2026" },
	{ VS_ROLE_CLIENT,  "jo@demo.vsession.test",  "Jo Lee", "Europe/London", "jo-demo-2026" },
	{ VS_ROLE_CLIENT,  "kim@demo.vsession.test", "Kim Park", "Asia/Seoul", "kim-demo-2026" },
	{ VS_ROLE_ADMIN,   "admin@demo.vsession.test", "Practice Admin", "Europe/Berlin", "admin-demo-2026" },
};

static struct vs_stmt stDemoEmpty = VS_STMT("demo_empty", 0, true, "SELECT count(*) FROM users");

/* Sessions and appointments relative to now, aligned to the quarter hour. */
static struct vs_stmt stDemoBookings = VS_STMT("demo_bookings", 5, false,
	"WITH base AS (SELECT now() + interval '5 minutes' AS h),"
	" s(client, title, start_off, dur, cancelled) AS (VALUES"
	"  ($2::bigint, 'Weekly check-in', interval '10 minutes', 45, false),"
	"  ($3::bigint, 'Intake conversation', interval '1 day 2 hours', 60, false),"
	"  ($4::bigint, 'Follow-up', interval '2 days 4 hours', 45, false),"
	"  ($2::bigint, 'Weekly check-in', interval '7 days', 45, false),"
	"  ($3::bigint, 'Progress review', interval '-2 days', 60, false),"
	"  ($4::bigint, 'Moved session', interval '3 days 1 hour', 30, true)),"
	" ins AS (INSERT INTO video_sessions (partner_id, user_id, title, session_date, duration_minutes,"
	"   end_date, status, password_enabled, password_hash, meeting_room_id, jitsi_password, notes)"
	"  SELECT $1, client, title,"
	"   date_trunc('hour', base.h + start_off) + interval '15 minutes' * floor(extract(minute FROM base.h + start_off) / 15),"
	"   dur,"
	"   date_trunc('hour', base.h + start_off) + interval '15 minutes' * floor(extract(minute FROM base.h + start_off) / 15) + make_interval(mins => dur),"
	"   CASE WHEN cancelled THEN 'cancelled' ELSE 'scheduled' END,"
	"   start_off = interval '10 minutes', CASE WHEN start_off = interval '10 minutes' THEN $5 END,"
	"   lower(translate(encode(gen_random_bytes(20), 'base64'), '+/=01890', 'abcdefgh')) ,"
	"   encode(gen_random_bytes(18), 'hex'), 'Demo notes, visible to the partner only.'"
	"  FROM s, base RETURNING id)"
	" INSERT INTO appointments (partner_id, user_id, title, starts_at, ends_at, notes)"
	" SELECT $1, a.client, a.title, date_trunc('hour', base.h) + a.off, date_trunc('hour', base.h) + a.off + a.len, ''"
	" FROM base, (VALUES (NULL::bigint, 'Supervision', interval '1 day 5 hours', interval '1 hour'),"
	"   ($3::bigint, 'Case notes review', interval '2 days 1 hour', interval '30 minutes'),"
	"   (NULL::bigint, 'Team meeting', interval '4 days 3 hours', interval '90 minutes')) AS a(client, title, off, len)");

enum vs_err vs_demo_load(struct vs_db *db, struct vs_buf *pLogins, const char **pzWhy)
{
	int64_t aId[sizeof(aDemo) / sizeof(aDemo[0])];
	char azId[4][24], zHash[VS_PASSWORD_HASH_MAX];
	const char *az[5];
	PGresult *r;
	enum vs_err rc;

	*pzWhy = NULL;
	if ((rc = vs_db_exec(db, &stDemoEmpty, NULL, &r)) != VS_OK)
		return rc;
	if (vs_db_i64(r, 0, 0) != 0) {
		PQclear(r);
		*pzWhy = "the database has users already; demo data goes only into an empty database";
		return VS_ERR_INVALID_STATE;
	}
	PQclear(r);
	for (size_t i = 0; i < sizeof(aDemo) / sizeof(aDemo[0]); i++) {
		rc = vs_user_create(db, aDemo[i].eRole, aDemo[i].zEmail, aDemo[i].zName, aDemo[i].zTz,
				    aDemo[i].zPassword, strlen(aDemo[i].zPassword), &aId[i], pzWhy);
		if (rc != VS_OK)
			return rc;
	}
	for (size_t i = 1; i <= 3; i++)
		if ((rc = vs_client_link(db, aDemo[0].zEmail, aDemo[i].zEmail, pzWhy)) != VS_OK)
			return rc;
	for (int i = 0; i < 4; i++)
		az[i] = vs_db_param_i64(azId[i], aId[i]);
	if ((rc = vs_password_hash(VS_DEMO_SESSION_PASSWORD, strlen(VS_DEMO_SESSION_PASSWORD), zHash)) != VS_OK)
		return rc;
	az[4] = zHash;
	if ((rc = vs_db_exec(db, &stDemoBookings, az, &r)) != VS_OK) {
		*pzWhy = vs_db_message(db);
		return rc;
	}
	PQclear(r);
	vs_buf_puts(pLogins, "Demo logins (email / password):\n");
	for (size_t i = 0; i < sizeof(aDemo) / sizeof(aDemo[0]); i++)
		vs_buf_printf(pLogins, "  %-8s %-28s %s  (%s, %s)\n", vs_role_name(aDemo[i].eRole),
			      aDemo[i].zEmail, aDemo[i].zPassword, aDemo[i].zName, aDemo[i].zTz);
	vs_buf_printf(pLogins, "The first session (Sam Client, starting in a few minutes) has the session password %s.\n",
		      VS_DEMO_SESSION_PASSWORD);
	return VS_OK;
}
