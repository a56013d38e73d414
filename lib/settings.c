/*
 * settings.c — what a logged-in person changes about their own account: the
 * password (ending their other logins), their name, time zone and reminder
 * choice, and, for a partner, the practice's email settings. Every change
 * writes its audit row; bad values change nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsession/account.h"
#include "vsession/json.h"

/* ---- password change ------------------------------------------------------------ */

static struct vs_stmt stPwHash = VS_STMT("account_pw_hash", 1, true,
	"SELECT coalesce(password_hash, '') FROM users WHERE id = $1");

/* Only when the hash is still the one verified: a concurrent change wins, this one fails. */
static struct vs_stmt stPwChange = VS_STMT("account_pw_change", 6, false,
	"WITH u AS (UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1 AND password_hash = $6 RETURNING id),"
	" e AS (UPDATE login_sessions s SET revoked_at = now() FROM u"
	"  WHERE s.user_id = u.id AND s.id <> $3::uuid AND s.revoked_at IS NULL RETURNING 1),"
	" d AS (DELETE FROM account_tokens x USING u WHERE x.user_id = u.id),"
	" a AS (INSERT INTO audit_log (actor_id, action, object_type, object_id, outcome, request_id, client_addr)"
	"  SELECT u.id, 'password.change', 'user', u.id, 'ok', $4, $5 FROM u)"
	" SELECT (SELECT count(*) FROM e)::int FROM u");

enum vs_err vs_password_change(struct vs_db *db, const struct vs_origin *o, const struct vs_caller *c,
			       const char *zCurrent, size_t nCurrent, const char *zNew, size_t nNew,
			       int *pnEnded, struct vs_outcome *pOutcome)
{
	char zKey[64], zU[24], zOld[VS_PASSWORD_HASH_MAX] = "", zHash[VS_PASSWORD_HASH_MAX] = "";
	const char *az[6];
	struct vs_audit a = { c->iId, NULL, "password.change", "user", c->iId, "failed" };
	PGresult *r = NULL;
	enum vs_err rc;
	bool bMatch;

	*pnEnded = 0;
	if (nNew < VS_PASSWORD_MIN_BYTES || nNew > VS_PASSWORD_MAX_BYTES) {
		vs_outcome_set(pOutcome, "new_password", "new_password must be 8 to 1024 bytes long.");
		return VS_ERR_INVALID;
	}
	snprintf(zKey, sizeof(zKey), "password:user:%lld", (long long)c->iId);
	rc = vs_limit_reserve(db, zKey, VS_PWCHANGE_MAX, NULL, 0, VS_PWCHANGE_WINDOW_SEC, &pOutcome->iRetryAfter);
	if (rc == VS_ERR_RATE_LIMITED)
		vs_outcome_set(pOutcome, NULL, "Too many wrong current passwords; try again later.");
	if (rc != VS_OK)
		return rc;
	az[0] = vs_db_param_i64(zU, c->iId);
	if ((rc = vs_db_exec(db, &stPwHash, az, &r)) != VS_OK)
		return rc;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return VS_ERR_UNAUTHENTICATED;
	}
	snprintf(zOld, sizeof(zOld), "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	r = NULL;
	if (zOld[0] != '\0') {
		bMatch = vs_password_verify(zOld, zCurrent, nCurrent);
	} else {
		vs_password_verify_dummy(zCurrent, nCurrent);
		bMatch = false;
	}
	if (!bMatch)
		goto wrong;
	if ((rc = vs_password_hash(zNew, nNew, zHash)) != VS_OK)
		goto out;
	az[1] = zHash;
	az[2] = c->zSid;
	az[3] = vs_origin_request_id(o);
	az[4] = o->zClientAddr;
	az[5] = zOld;
	if ((rc = vs_db_exec(db, &stPwChange, az, &r)) != VS_OK)
		goto out;
	if (PQntuples(r) != 1)
		goto wrong;
	*pnEnded = (int)vs_db_i64(r, 0, 0);
	vs_limit_release(db, zKey, NULL);
	goto out;
wrong:
	if ((rc = vs_audit_write(db, o, &a)) == VS_OK) {
		vs_outcome_set(pOutcome, "current_password", "The current password is not correct.");
		rc = VS_ERR_INVALID;
	}
out:
	PQclear(r);
	explicit_bzero(zOld, sizeof(zOld));
	explicit_bzero(zHash, sizeof(zHash));
	return rc;
}

/* ---- settings ---------------------------------------------------------------------- */

static struct vs_stmt stMySettings = VS_STMT("account_my_settings", 1, true,
	"SELECT name, email, role, timezone, email_reminders FROM users WHERE id = $1");

static struct vs_stmt stMySettingsUpdate = VS_STMT("account_my_settings_update", 6, false,
	"WITH u AS (UPDATE users SET name = coalesce($2, name), timezone = coalesce($3, timezone),"
	"  email_reminders = coalesce($4::boolean, email_reminders), updated_at = now()"
	"  WHERE id = $1 AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $3))"
	"  RETURNING name, email, role, timezone, email_reminders),"
	" a AS (INSERT INTO audit_log (actor_id, action, object_type, object_id, outcome, request_id, client_addr)"
	"  SELECT $1, 'user.settings', 'user', $1, 'ok', $5, $6 FROM u)"
	" SELECT name, email, role, timezone, email_reminders FROM u");

static void my_settings_json(struct vs_buf *out, const PGresult *r)
{
	vs_buf_putc(out, '{');
	vs_json_key(out, "name", true);
	vs_json_str(out, PQgetvalue(r, 0, 0));
	vs_json_key(out, "email", false);
	vs_json_str(out, PQgetvalue(r, 0, 1));
	vs_json_key(out, "role", false);
	vs_json_str(out, PQgetvalue(r, 0, 2));
	vs_json_key(out, "timezone", false);
	vs_json_str(out, PQgetvalue(r, 0, 3));
	vs_json_key(out, "email_reminders", false);
	vs_json_bool(out, vs_db_bool(r, 0, 4));
	vs_buf_putc(out, '}');
}

enum vs_err vs_my_settings_json(struct vs_db *db, const struct vs_caller *c, struct vs_buf *out)
{
	char zU[24];
	const char *az[1] = { vs_db_param_i64(zU, c->iId) };
	PGresult *r;
	enum vs_err rc = vs_db_exec(db, &stMySettings, az, &r);

	if (rc != VS_OK)
		return rc;
	if (PQntuples(r) == 1)
		my_settings_json(out, r);
	else
		rc = VS_ERR_UNAUTHENTICATED;
	PQclear(r);
	return rc;
}

enum vs_err vs_my_settings_update(struct vs_db *db, const struct vs_origin *o, const struct vs_caller *c,
				  const struct vs_my_settings_input *in, struct vs_buf *out,
				  struct vs_outcome *pOutcome)
{
	char zU[24];
	const char *az[6];
	PGresult *r;
	enum vs_err rc;

	if (in->zName != NULL && !vs_text_is_clean_line(in->zName, strlen(in->zName))) {
		vs_outcome_set(pOutcome, "name", "name must be 1 to 200 characters on one line.");
		return VS_ERR_INVALID;
	}
	if (in->zName == NULL && in->zTimezone == NULL && !in->bReminders)
		return vs_my_settings_json(db, c, out);
	az[0] = vs_db_param_i64(zU, c->iId);
	az[1] = in->zName;
	az[2] = in->zTimezone;
	az[3] = in->bReminders ? (in->bRemindersValue ? "true" : "false") : NULL;
	az[4] = vs_origin_request_id(o);
	az[5] = o->zClientAddr;
	if ((rc = vs_db_exec(db, &stMySettingsUpdate, az, &r)) != VS_OK)
		return rc;
	if (PQntuples(r) == 1) {
		my_settings_json(out, r);
	} else {
		/* the caller exists (the login check passed): only the zone can have refused */
		vs_outcome_set(pOutcome, "timezone", "timezone must be an IANA time zone such as Europe/Berlin or America/New_York.");
		rc = VS_ERR_INVALID;
	}
	PQclear(r);
	return rc;
}

static struct vs_stmt stPractice = VS_STMT("account_practice", 1, true,
	"SELECT s.practice_name, coalesce(s.reminder_24h, true), coalesce(s.reminder_1h, true),"
	" coalesce(s.titles_in_email, false),"
	" coalesce(s.cancel_notice_hours, 24), coalesce(s.default_duration_minutes, 60), s.default_title"
	" FROM users p LEFT JOIN partner_settings s ON s.partner_id = p.id WHERE p.id = $1 AND p.role = 'partner'");

static struct vs_stmt stPracticeUpdate = VS_STMT("account_practice_update", 13, false,
	"WITH s AS (INSERT INTO partner_settings AS s (partner_id, practice_name, reminder_24h, reminder_1h, titles_in_email,"
	"   cancel_notice_hours, default_duration_minutes, default_title)"
	"  VALUES ($1, $2, coalesce($3::boolean, true), coalesce($4::boolean, true), coalesce($5::boolean, false),"
	"   coalesce($10::int, 24), coalesce($11::int, 60), $12)"
	"  ON CONFLICT (partner_id) DO UPDATE SET"
	"   practice_name = CASE WHEN $6::boolean THEN excluded.practice_name ELSE s.practice_name END,"
	"   reminder_24h = coalesce($3::boolean, s.reminder_24h), reminder_1h = coalesce($4::boolean, s.reminder_1h),"
	"   titles_in_email = coalesce($5::boolean, s.titles_in_email),"
	"   cancel_notice_hours = coalesce($10::int, s.cancel_notice_hours),"
	"   default_duration_minutes = coalesce($11::int, s.default_duration_minutes),"
	"   default_title = CASE WHEN $13::boolean THEN excluded.default_title ELSE s.default_title END, updated_at = now()"
	"  RETURNING practice_name, reminder_24h, reminder_1h, titles_in_email, cancel_notice_hours,"
	"   default_duration_minutes, default_title),"
	" a AS (INSERT INTO audit_log (actor_id, action, object_type, object_id, outcome, request_id, client_addr)"
	"  SELECT $7, 'partner.settings', 'user', $1, 'ok', $8, $9 FROM s)"
	" SELECT practice_name, reminder_24h, reminder_1h, titles_in_email, cancel_notice_hours,"
	" default_duration_minutes, default_title FROM s");

static void practice_json(struct vs_buf *out, const PGresult *r)
{
	vs_buf_putc(out, '{');
	vs_json_key(out, "practice_name", true);
	if (PQgetisnull(r, 0, 0))
		vs_json_null(out);
	else
		vs_json_str(out, PQgetvalue(r, 0, 0));
	vs_json_key(out, "reminder_24h", false);
	vs_json_bool(out, vs_db_bool(r, 0, 1));
	vs_json_key(out, "reminder_1h", false);
	vs_json_bool(out, vs_db_bool(r, 0, 2));
	vs_json_key(out, "titles_in_email", false);
	vs_json_bool(out, vs_db_bool(r, 0, 3));
	vs_json_key(out, "cancel_notice_hours", false);
	vs_json_i64(out, vs_db_i64(r, 0, 4));
	vs_json_key(out, "default_duration_minutes", false);
	vs_json_i64(out, vs_db_i64(r, 0, 5));
	vs_json_key(out, "default_title", false);
	vs_json_str(out, PQgetisnull(r, 0, 6) ? NULL : PQgetvalue(r, 0, 6));
	vs_buf_putc(out, '}');
}

enum vs_err vs_practice_settings_json(struct vs_db *db, int64_t iPartner, struct vs_buf *out)
{
	char zP[24];
	const char *az[1] = { vs_db_param_i64(zP, iPartner) };
	PGresult *r;
	enum vs_err rc = vs_db_exec(db, &stPractice, az, &r);

	if (rc != VS_OK)
		return rc;
	if (PQntuples(r) == 1)
		practice_json(out, r);
	else
		rc = VS_ERR_NOT_FOUND;
	PQclear(r);
	return rc;
}

enum vs_err vs_practice_settings_update(struct vs_db *db, const struct vs_origin *o, const struct vs_caller *c,
					int64_t iPartner, const struct vs_practice_settings_input *in,
					struct vs_buf *out)
{
	char zP[24], zA[24], zNotice[24], zDur[24];
	const char *az[13];
	PGresult *r;
	enum vs_err rc;

	if (!in->bName && !in->b24h && !in->b1h && !in->bTitles && !in->bNotice && !in->bDefaultDuration &&
	    !in->bDefaultTitle)
		return vs_practice_settings_json(db, iPartner, out);
	az[0] = vs_db_param_i64(zP, iPartner);
	az[1] = in->bName && !in->bNameNull ? in->zName : NULL;
	az[2] = in->b24h ? (in->b24hValue ? "true" : "false") : NULL;
	az[3] = in->b1h ? (in->b1hValue ? "true" : "false") : NULL;
	az[4] = in->bTitles ? (in->bTitlesValue ? "true" : "false") : NULL;
	az[5] = in->bName ? "true" : "false";
	az[6] = vs_db_param_i64(zA, c->iId);
	az[7] = vs_origin_request_id(o);
	az[8] = o->zClientAddr;
	az[9] = in->bNotice ? vs_db_param_i64(zNotice, in->nNoticeHours) : NULL;
	az[10] = in->bDefaultDuration ? vs_db_param_i64(zDur, in->nDefaultDuration) : NULL;
	az[11] = in->bDefaultTitle && !in->bDefaultTitleNull ? in->zDefaultTitle : NULL;
	az[12] = in->bDefaultTitle ? "true" : "false";
	if ((rc = vs_db_exec(db, &stPracticeUpdate, az, &r)) != VS_OK)
		return rc;
	if (PQntuples(r) == 1)
		practice_json(out, r);
	else
		rc = VS_ERR_INTERNAL;
	PQclear(r);
	return rc;
}
