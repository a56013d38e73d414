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

#include "vsession/crypto.h"
#include "vsession/json.h"
#include "vsession/loginkeys.h"
#include "vsession/mail.h"
#include "vsession/outbox.h"
#include "vsession/store.h"

#define LOCAL_DAY "'FMDay, FMDD FMMonth YYYY, HH24:MI'"

/*
 * c locks the row (the index outbox_due gives it at once, whatever the backlog) and yields
 * its latest version: a row changed since the statement began is re-checked (still pending
 * and due) and read as it is now. Everything else is joined to that row.
 */
static struct vs_stmt stClaim = VS_STMT("outbox_claim", 1, false,
	"WITH o AS (SELECT id, kind, recipient_email, recipient_name, message_id, payload, attempts,"
	"   video_session_id, recipient_user_id, reminder_for FROM outbox"
	"  WHERE status = 'pending' AND not_before <= now()"
	"  ORDER BY not_before, id LIMIT $1 FOR UPDATE SKIP LOCKED)"
	" SELECT o.id, o.kind, o.recipient_email, coalesce(o.recipient_name, ''), o.message_id,"
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
	"         WHEN o.reminder_for <> s.session_date THEN 'session moved'"
	"         WHEN o.recipient_user_id IS DISTINCT FROM s.user_id THEN 'session given to another client'"
	"         WHEN ru.email_reminders IS FALSE THEN 'reminders turned off by the recipient' END"
	"  WHEN o.kind = 'guest_invite' THEN"
	"    CASE WHEN s.id IS NULL OR s.status = 'cancelled' OR s.end_date <= now() THEN 'session no longer upcoming' END"
	"  END,"
	"  o.attempts, (extract(epoch FROM now()) * 1000000)::int8,"
	"  (SELECT string_agg(to_char((x.d->>'start')::timestamptz AT TIME ZONE z.tz, " LOCAL_DAY "), '; ' ORDER BY x.n)"
	"    FROM jsonb_array_elements(o.payload->'series'->'dates') WITH ORDINALITY x(d, n)),"
	"  o.payload->'series'->>'id', o.payload->'series'->>'tz', o.payload->'series'->>'start_local',"
	"  o.payload->'series'->>'end_local', o.payload->'series'->>'interval_weeks', o.payload->'series'->>'count',"
	"  (SELECT string_agg(x.e, ',' ORDER BY x.n) FROM jsonb_array_elements_text(o.payload->'series'->'exdates')"
	"    WITH ORDINALITY x(e, n)),"
	"  o.payload->>'client_name', coalesce((o.payload->>'late')::boolean, false), o.payload->>'reason'"
	" FROM o"
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
	" ORDER BY o.id");

enum vs_err vs_outbox_claim(struct vs_db *db, int nMax, PGresult **ppRows)
{
	char zMax[24];
	const char *az[1] = { vs_db_param_i64(zMax, nMax) };
	enum vs_err rc;

	*ppRows = NULL;
	if ((rc = vs_db_command(db, "BEGIN")) != VS_OK)
		return rc;
	if ((rc = vs_db_exec(db, &stClaim, az, ppRows)) != VS_OK) {
		if (vs_db_in_transaction(db))
			vs_db_command(db, "ROLLBACK");
		return rc;
	}
	if (PQntuples(*ppRows) == 0)
		return vs_db_command(db, "COMMIT");
	return VS_OK;
}

enum vs_err vs_outbox_commit(struct vs_db *db)
{
	enum vs_err rc = vs_db_command(db, "COMMIT");

	if (rc != VS_OK && vs_db_in_transaction(db))
		vs_db_command(db, "ROLLBACK");
	return rc;
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

	if (rc == VS_OK)
		PQclear(r);
	else if (vs_db_in_transaction(db))
		vs_db_command(db, "ROLLBACK");
	return rc;
}

static struct vs_stmt stPlan = VS_STMT("outbox_plan_reminders", 1, false,
	"SELECT outbox_plan_due_reminders(make_interval(secs => $1::int))");

enum vs_err vs_outbox_plan_reminders(struct vs_db *db, int iAheadSec, int *pnPlanned)
{
	char zAhead[24];
	const char *az[1] = { vs_db_param_i64(zAhead, iAheadSec) };
	PGresult *r;
	enum vs_err rc = vs_db_exec(db, &stPlan, az, &r);

	*pnPlanned = 0;
	if (rc != VS_OK)
		return rc;
	*pnPlanned = (int)vs_db_i64(r, 0, 0);
	PQclear(r);
	return VS_OK;
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

/* ---- what the API offers ------------------------------------------------ */

static struct vs_stmt stOwner = VS_STMT("outbox_session_owner", 1, true,
	"SELECT partner_id, status, (extract(epoch FROM end_date) * 1000000)::int8"
	" FROM video_sessions WHERE id = $1");

/* VS_OK when the caller is the partner who owns session iId; VS_ERR_NOT_FOUND otherwise. */
static enum vs_err owner_only(struct vs_db *db, const struct vs_view *v, int64_t iId, bool *pbOpen)
{
	char zId[24];
	const char *az[1] = { vs_db_param_i64(zId, iId) };
	PGresult *r;
	enum vs_err rc = vs_db_exec(db, &stOwner, az, &r);

	if (rc != VS_OK)
		return rc;
	if (PQntuples(r) != 1 || v->c->eRole != VS_ROLE_PARTNER || vs_db_i64(r, 0, 0) != v->c->iId)
		rc = VS_ERR_NOT_FOUND;
	else if (pbOpen != NULL)
		*pbOpen = strcmp(PQgetvalue(r, 0, 1), "cancelled") != 0 && vs_db_i64(r, 0, 2) > v->iNowUs;
	PQclear(r);
	return rc;
}

#define MESSAGE_COLS \
	" id, kind, status, recipient_email, coalesce(recipient_name, ''), attempts," \
	" (extract(epoch FROM created_at) * 1000000)::int8, (extract(epoch FROM not_before) * 1000000)::int8," \
	" (extract(epoch FROM sent_at) * 1000000)::int8, last_error"

static struct vs_stmt stMessages = VS_STMT("outbox_session_messages", 1, true,
	"SELECT" MESSAGE_COLS " FROM outbox WHERE video_session_id = $1 ORDER BY created_at DESC, id DESC LIMIT 200");

static void message_json(struct vs_buf *b, const PGresult *r, int i)
{
	vs_json_key(b, "id", true);
	vs_json_i64(b, vs_db_i64(r, i, 0));
	vs_json_key(b, "kind", false);
	vs_json_str(b, PQgetvalue(r, i, 1));
	vs_json_key(b, "status", false);
	vs_json_str(b, PQgetvalue(r, i, 2));
	vs_json_key(b, "recipient_email", false);
	vs_json_str(b, PQgetvalue(r, i, 3));
	vs_json_key(b, "recipient_name", false);
	vs_json_str(b, PQgetvalue(r, i, 4));
	vs_json_key(b, "attempts", false);
	vs_json_i64(b, vs_db_i64(r, i, 5));
	vs_json_key(b, "created_at", false);
	vs_json_time(b, vs_db_i64(r, i, 6));
	vs_json_key(b, "not_before", false);
	vs_json_time(b, vs_db_i64(r, i, 7));
	vs_json_key(b, "sent_at", false);
	if (PQgetisnull(r, i, 8))
		vs_json_null(b);
	else
		vs_json_time(b, vs_db_i64(r, i, 8));
	vs_json_key(b, "last_error", false);
	if (PQgetisnull(r, i, 9))
		vs_json_null(b);
	else
		vs_json_str(b, PQgetvalue(r, i, 9));
	vs_buf_putc(b, '}');
}

enum vs_err vs_session_messages(struct vs_db *db, const struct vs_view *v, int64_t iId, struct vs_buf *out)
{
	char zId[24];
	const char *az[1] = { vs_db_param_i64(zId, iId) };
	PGresult *r;
	enum vs_err rc = owner_only(db, v, iId, NULL);

	if (rc != VS_OK)
		return rc;
	if ((rc = vs_db_exec(db, &stMessages, az, &r)) != VS_OK)
		return rc;
	vs_buf_puts(out, "{\"messages\":[");
	for (int i = 0; i < PQntuples(r); i++) {
		vs_buf_puts(out, i == 0 ? "{" : ",{");
		message_json(out, r, i);
	}
	vs_buf_puts(out, "]}");
	PQclear(r);
	return out->bFailed ? VS_ERR_NOMEM : VS_OK;
}

/* The session as it is now, with its current SEQUENCE, to its client; audited in the same statement. */
static struct vs_stmt stResend = VS_STMT("outbox_resend_invitation", 4, false,
	"WITH m AS (INSERT INTO outbox (kind, recipient_user_id, recipient_email, recipient_name, video_session_id, payload)"
	"  SELECT 'session_scheduled', u.id, u.email, u.name, s.id, outbox_session_payload(s, s.sequence)"
	"    FROM video_sessions s JOIN users u ON u.id = s.user_id"
	"   WHERE s.id = $1 AND s.partner_id = $2 AND s.status <> 'cancelled' AND s.end_date > now()"
	"  RETURNING" MESSAGE_COLS "),"
	" a AS (INSERT INTO audit_log (actor_id, action, object_type, object_id, outcome, request_id, client_addr)"
	"  SELECT $2, 'video_session.resend_invitation', 'video_session', $1, 'ok', $3, $4 FROM m)"
	" SELECT * FROM m");

enum vs_err vs_session_resend_invitation(struct vs_db *db, const struct vs_view *v, int64_t iId,
					 struct vs_buf *out)
{
	char zId[24], zActor[24];
	const char *az[4] = { vs_db_param_i64(zId, iId), vs_db_param_i64(zActor, v->c->iId),
			      v->o != NULL ? v->o->zRequestId : NULL, v->o != NULL ? v->o->zClientAddr : NULL };
	PGresult *r;
	bool bOpen = false;
	enum vs_err rc = owner_only(db, v, iId, &bOpen);

	if (rc != VS_OK)
		return rc;
	if (!bOpen)
		return VS_ERR_INVALID_STATE;
	if ((rc = vs_db_exec(db, &stResend, az, &r)) != VS_OK)
		return rc;
	if (PQntuples(r) != 1) {
		/* cancelled or ended between the two statements */
		PQclear(r);
		return VS_ERR_INVALID_STATE;
	}
	vs_buf_putc(out, '{');
	message_json(out, r, 0);
	PQclear(r);
	return out->bFailed ? VS_ERR_NOMEM : VS_OK;
}

static struct vs_stmt stUnsubscribe = VS_STMT("outbox_unsubscribe", 1, false,
	"UPDATE users SET email_reminders = false, updated_at = now() WHERE id = $1 RETURNING id");

enum vs_err vs_email_unsubscribe(struct vs_db *db, const unsigned char *pSecret, size_t nSecret,
				 int64_t iUser, const char *zMac)
{
	char zId[24], zWant[VS_KEYED_HASH_HEX];
	const char *az[1];
	PGresult *r;
	enum vs_err rc;
	bool bOk;

	snprintf(zId, sizeof(zId), "%lld", (long long)iUser);
	vs_keyed_hash_hex(pSecret, nSecret, VS_UNSUBSCRIBE_LABEL, zId, strlen(zId), zWant);
	bOk = zMac != NULL && strlen(zMac) == 64 && zWant[0] != '\0' && vs_ct_equal(zWant, zMac, 64);
	explicit_bzero(zWant, sizeof(zWant));
	if (!bOk)
		return VS_ERR_NOT_FOUND;
	az[0] = zId;
	if ((rc = vs_db_exec(db, &stUnsubscribe, az, &r)) != VS_OK)
		return rc;
	rc = PQntuples(r) == 1 ? VS_OK : VS_ERR_NOT_FOUND;
	PQclear(r);
	return rc;
}

static struct vs_stmt stGuestInvite = VS_STMT("outbox_guest_invite", 4, false,
	"INSERT INTO outbox (kind, recipient_email, recipient_name, video_session_id, payload)"
	" VALUES ('guest_invite', $2, $3, $1, jsonb_build_object('url', $4::text))");

enum vs_err vs_outbox_guest_invite(struct vs_db *db, int64_t iId, const char *zEmail, const char *zName,
				   const char *zUrl)
{
	char zId[24];
	const char *az[4] = { vs_db_param_i64(zId, iId), zEmail, zName, zUrl };
	PGresult *r;
	enum vs_err rc;

	if (!vs_mail_address_ok(zEmail))
		return VS_ERR_INVALID;
	if ((rc = vs_db_exec(db, &stGuestInvite, az, &r)) != VS_OK)
		return rc;
	PQclear(r);
	return VS_OK;
}
