/*
 * outbox.c — the outbox's statements (see outbox.h for the protocol).
 *
 * A claimed row is read with everything its message needs, decided in SQL
 * where the data is: the times in the recipient's own zone (users.timezone;
 * a guest gets the partner's), the sender's practice name, the title only
 * when the partner allows titles in email, and whether a reminder or an
 * invite is still wanted at all (the session may have been cancelled, moved
 * past, or the recipient may have turned reminders off since it was queued).
 * Session messages describe the session as it was at the change that queued
 * them (the payload); reminders and invites as it is now.
 */
#include <stdio.h>
#include <string.h>

#include "vsession/outbox.h"

#define LOCAL_DAY "'FMDay, FMDD FMMonth YYYY, HH24:MI'"

static struct vs_stmt stClaim = VS_STMT("outbox_claim", 0, false,
	"SELECT o.id, o.kind, o.recipient_email, coalesce(o.recipient_name, ''), o.message_id,"
	"  o.payload->>'password', o.payload->>'url',"
	"  coalesce(nullif(ps.practice_name, ''), pu.name, o.payload->>'partner_name', 'vsession'),"
	"  CASE WHEN coalesce(ps.titles_in_email, false) THEN f.title END,"
	"  to_char(f.st AT TIME ZONE z.tz, " LOCAL_DAY "), to_char(f.en AT TIME ZONE z.tz, 'HH24:MI'), z.tz,"
	"  to_char((o.payload->>'old_start')::timestamptz AT TIME ZONE z.tz, " LOCAL_DAY "),"
	"  (extract(epoch FROM f.st) * 1000000)::int8, (extract(epoch FROM f.en) * 1000000)::int8,"
	"  f.seq, (extract(epoch FROM f.created) * 1000000)::int8, f.sid, o.recipient_user_id,"
	"  CASE WHEN o.kind IN ('reminder_24h', 'reminder_1h') THEN"
	"    CASE WHEN s.id IS NULL THEN 'session deleted'"
	"         WHEN s.status = 'cancelled' THEN 'session cancelled'"
	"         WHEN s.session_date <= now() THEN 'session already started'"
	"         WHEN ru.email_reminders IS FALSE THEN 'reminders turned off by the recipient' END"
	"  WHEN o.kind = 'guest_invite' THEN"
	"    CASE WHEN s.id IS NULL OR s.status = 'cancelled' OR s.end_date <= now() THEN 'session no longer upcoming' END"
	"  END,"
	"  o.attempts, (extract(epoch FROM now()) * 1000000)::int8"
	" FROM outbox o"
	" LEFT JOIN video_sessions s ON s.id = o.video_session_id"
	" LEFT JOIN users ru ON ru.id = o.recipient_user_id"
	" CROSS JOIN LATERAL (SELECT"
	"   CASE WHEN o.kind IN ('reminder_24h', 'reminder_1h', 'guest_invite') THEN s.session_date"
	"        ELSE (o.payload->>'start')::timestamptz END AS st,"
	"   CASE WHEN o.kind IN ('reminder_24h', 'reminder_1h', 'guest_invite') THEN s.end_date"
	"        ELSE (o.payload->>'end')::timestamptz END AS en,"
	"   CASE WHEN o.kind IN ('reminder_24h', 'reminder_1h', 'guest_invite') THEN s.sequence"
	"        ELSE (o.payload->>'sequence')::int END AS seq,"
	"   CASE WHEN o.kind IN ('reminder_24h', 'reminder_1h', 'guest_invite') THEN s.created_at"
	"        ELSE (o.payload->>'created')::timestamptz END AS created,"
	"   coalesce(s.id, (o.payload->>'session_id')::int8) AS sid,"
	"   coalesce(s.partner_id, (o.payload->>'partner_id')::int8) AS pid,"
	"   CASE WHEN o.kind IN ('reminder_24h', 'reminder_1h', 'guest_invite') THEN s.title"
	"        ELSE o.payload->>'title' END AS title) f"
	" LEFT JOIN partner_settings ps ON ps.partner_id = f.pid"
	" LEFT JOIN users pu ON pu.id = f.pid"
	" CROSS JOIN LATERAL (SELECT coalesce(ru.timezone, pu.timezone, 'UTC') AS tz) z"
	" WHERE o.status = 'pending' AND o.not_before <= now()"
	" ORDER BY o.not_before, o.id LIMIT 1"
	" FOR UPDATE OF o SKIP LOCKED");

enum vs_err vs_outbox_claim(struct vs_db *db, PGresult **ppRow)
{
	enum vs_err rc;

	*ppRow = NULL;
	if ((rc = vs_db_command(db, "BEGIN")) != VS_OK)
		return rc;
	if ((rc = vs_db_exec(db, &stClaim, NULL, ppRow)) != VS_OK) {
		if (vs_db_in_transaction(db))
			vs_db_command(db, "ROLLBACK");
		return rc;
	}
	if (PQntuples(*ppRow) == 0)
		return vs_db_command(db, "COMMIT");
	return VS_OK;
}

/*
 * $2: sent | retry | failed | dropped. A retry becomes 'failed' once the
 * first try is $5 seconds old; the wait is $4 * 2^(tries before this one),
 * capped at an hour. Secrets leave the payload with every final state.
 */
static struct vs_stmt stSettle = VS_STMT("outbox_settle", 5, false,
	"WITH d AS (SELECT id, CASE $2 WHEN 'sent' THEN 'sent' WHEN 'failed' THEN 'failed'"
	"   WHEN 'dropped' THEN 'cancelled'"
	"   ELSE CASE WHEN coalesce(first_tried_at, now()) <= now() - make_interval(secs => $5::int)"
	"        THEN 'failed' ELSE 'pending' END END AS st"
	"  FROM outbox WHERE id = $1)"
	" UPDATE outbox o SET status = d.st,"
	"  attempts = o.attempts + CASE WHEN $2 = 'dropped' THEN 0 ELSE 1 END,"
	"  first_tried_at = CASE WHEN $2 = 'dropped' THEN o.first_tried_at ELSE coalesce(o.first_tried_at, now()) END,"
	"  sent_at = CASE WHEN d.st = 'sent' THEN now() END,"
	"  last_error = CASE WHEN d.st = 'sent' THEN NULL ELSE left($3, 500) END,"
	"  not_before = CASE WHEN d.st = 'pending'"
	"    THEN now() + make_interval(secs => least($4::float8 * 2 ^ least(o.attempts, 20), 3600)) ELSE o.not_before END,"
	"  payload = CASE WHEN d.st = 'pending' THEN o.payload ELSE o.payload - 'password' - 'url' END"
	" FROM d WHERE o.id = d.id");

enum vs_err vs_outbox_settle(struct vs_db *db, int64_t iId, enum vs_outbox_outcome e, const char *zWhy,
			     int iRetryBaseSec, int iGiveUpSec)
{
	static const char *const azOutcome[] = { "sent", "retry", "failed", "dropped" };
	char zId[24], zBase[24], zGiveUp[24];
	const char *az[5] = { vs_db_param_i64(zId, iId), azOutcome[e], zWhy,
			      vs_db_param_i64(zBase, iRetryBaseSec), vs_db_param_i64(zGiveUp, iGiveUpSec) };
	PGresult *r;
	enum vs_err rc = vs_db_exec(db, &stSettle, az, &r);

	if (rc == VS_OK) {
		PQclear(r);
		rc = vs_db_command(db, "COMMIT");
	}
	if (rc != VS_OK && vs_db_in_transaction(db))
		vs_db_command(db, "ROLLBACK");
	return rc;
}

static struct vs_stmt stNextDue = VS_STMT("outbox_next_due", 0, true,
	"SELECT greatest(0, ceil(extract(epoch FROM min(not_before) - now()) * 1000))::int8"
	" FROM outbox WHERE status = 'pending'");

enum vs_err vs_outbox_next_due_ms(struct vs_db *db, int64_t *piMs)
{
	PGresult *r;
	enum vs_err rc = vs_db_exec(db, &stNextDue, NULL, &r);

	if (rc != VS_OK)
		return rc;
	*piMs = PQgetisnull(r, 0, 0) ? -1 : vs_db_i64(r, 0, 0);
	PQclear(r);
	return VS_OK;
}

static struct vs_stmt stList = VS_STMT("outbox_list", 0, true,
	"SELECT id, status, kind, recipient_email, attempts, to_char(not_before AT TIME ZONE 'UTC',"
	"  'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), coalesce(last_error, '')"
	" FROM outbox WHERE status IN ('pending', 'failed') ORDER BY status, not_before, id LIMIT 1000");

enum vs_err vs_outbox_list(struct vs_db *db, struct vs_buf *out)
{
	PGresult *r;
	enum vs_err rc = vs_db_exec(db, &stList, NULL, &r);

	if (rc != VS_OK)
		return rc;
	vs_buf_printf(out, "%-8s %-8s %-18s %-32s %-5s %-20s %s\n", "id", "status", "kind", "recipient",
		      "tries", "next try", "last error");
	for (int i = 0; i < PQntuples(r); i++)
		vs_buf_printf(out, "%-8s %-8s %-18s %-32s %-5s %-20s %s\n", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
			      PQgetvalue(r, i, 2), PQgetvalue(r, i, 3), PQgetvalue(r, i, 4), PQgetvalue(r, i, 5),
			      PQgetvalue(r, i, 6));
	PQclear(r);
	return out->bFailed ? VS_ERR_NOMEM : VS_OK;
}

static struct vs_stmt stRetry = VS_STMT("outbox_retry", 1, false,
	"UPDATE outbox SET status = 'pending', not_before = now(), first_tried_at = NULL"
	" WHERE id = $1 AND status IN ('pending', 'failed') RETURNING id");

enum vs_err vs_outbox_retry(struct vs_db *db, int64_t iId)
{
	char zId[24];
	const char *az[1] = { vs_db_param_i64(zId, iId) };
	PGresult *r;
	enum vs_err rc = vs_db_exec(db, &stRetry, az, &r);

	if (rc != VS_OK)
		return rc;
	rc = PQntuples(r) == 1 ? VS_OK : VS_ERR_NOT_FOUND;
	PQclear(r);
	return rc;
}
