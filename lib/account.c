/*
 * account.c — clients a partner adds, onboarding and reset links (their
 * settings and password changes are in settings.c).
 *
 * Invariants: a link token exists in clear only in the answer's outbox
 * payload and the URL fragment; the database keeps its SHA-256. A link row
 * and its outbox message are written in one transaction (or one statement),
 * so there is never a token without its message or the other way round.
 * Setting a password through a link deletes every link of the account and
 * ends every login session of it, in the same statement that opens the new
 * login. The answer to a reset request does not depend on whether the email
 * has an account: the same statement runs either way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsession/account.h"
#include "vsession/crypto.h"
#include "vsession/json.h"
#include "vsession/loginkeys.h"
#include "vsession/utf8.h"

#define LINK_TOKEN_BYTES 32
#define LINK_URL_MAX 1024

enum vs_link_purpose vs_link_purpose_parse(const char *z)
{
	if (z != NULL && !strcmp(z, "onboarding"))
		return VS_LINK_ONBOARDING;
	if (z != NULL && !strcmp(z, "password_reset"))
		return VS_LINK_PASSWORD_RESET;
	return VS_LINK_ANY;
}

static const char *purpose_name(enum vs_link_purpose e)
{
	return e == VS_LINK_ONBOARDING ? "onboarding" : e == VS_LINK_PASSWORD_RESET ? "password_reset" : NULL;
}

bool vs_email_plausible(const char *z, size_t n)
{
	size_t nAt = 0, iAt = 0;

	if (n < 3 || n > 254 || !vs_utf8_valid(z, n))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)z[i];
		if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == ',' || c == ';' || c == '"'
		    || c == '(' || c == ')' || c == '\\' || c == '[' || c == ']')
			return false;
		if (c == '@') {
			nAt++;
			iAt = i;
		}
	}
	return nAt == 1 && iAt > 0 && iAt + 1 < n && z[iAt + 1] != '.' && z[n - 1] != '.';
}

bool vs_text_is_clean_line(const char *z, size_t n)
{
	bool bVisible = false;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)z[i];
		if (c < 0x20 || c == 0x7f)
			return false;
		if (c != ' ')
			bVisible = true;
	}
	return bVisible;
}

/* ---- shared statements ---------------------------------------------------- */

static struct vs_stmt stTzValid = VS_STMT("account_tz_valid", 1, true,
	"SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $1)");

/* VS_OK when zTz names an IANA zone PostgreSQL knows; VS_ERR_INVALID (field "timezone") if not. */
static enum vs_err timezone_check(struct vs_db *db, const char *zTz, struct vs_outcome *pOut)
{
	const char *az[1] = { zTz };
	PGresult *r;
	enum vs_err rc = vs_db_exec(db, &stTzValid, az, &r);
	bool bOk;

	if (rc != VS_OK)
		return rc;
	bOk = PQntuples(r) == 1 && vs_db_bool(r, 0, 0);
	PQclear(r);
	if (bOk)
		return VS_OK;
	vs_outcome_set(pOut, "timezone", "timezone must be an IANA time zone such as Europe/Berlin or America/New_York.");
	return VS_ERR_INVALID;
}

/*
 * A new link of one purpose for one account (replacing the old ones of that
 * purpose) and its outbox message. $6, when not NULL, is the partner whose
 * name the message carries.
 */
static struct vs_stmt stLinkIssue = VS_STMT("account_link_issue", 6, false,
	"WITH d AS (DELETE FROM account_tokens WHERE user_id = $1 AND purpose = $2),"
	" t AS (INSERT INTO account_tokens (token_sha256, user_id, purpose, expires_at)"
	"  VALUES ($3, $1, $2, now() + make_interval(secs => $4::int)) RETURNING user_id)"
	" INSERT INTO outbox (kind, recipient_user_id, recipient_email, recipient_name, payload)"
	" SELECT $2, u.id, u.email, u.name, jsonb_strip_nulls(jsonb_build_object('url', $5::text, 'partner_name', p.name))"
	" FROM t JOIN users u ON u.id = t.user_id LEFT JOIN users p ON p.id = $6::bigint");

/* A fresh token (zToken) and its hash (zHash) and the link URL for a page of the SPA. */
static enum vs_err link_make(const char *zPublicUrl, const char *zPage, char zToken[VS_B64URL_LEN(LINK_TOKEN_BYTES) + 1],
			     char zHash[65], char zUrl[LINK_URL_MAX])
{
	enum vs_err rc = vs_random_token(zToken, LINK_TOKEN_BYTES);

	if (rc != VS_OK)
		return rc;
	vs_sha256_hex(zToken, strlen(zToken), zHash);
	if ((size_t)snprintf(zUrl, LINK_URL_MAX, "%s/%s#token=%s", zPublicUrl, zPage, zToken) >= LINK_URL_MAX)
		return VS_ERR_INTERNAL;
	return VS_OK;
}

static enum vs_err link_issue(struct vs_db *db, int64_t iUser, enum vs_link_purpose e, int iTtlSec,
			      const char *zPublicUrl, int64_t iPartner)
{
	char zToken[VS_B64URL_LEN(LINK_TOKEN_BYTES) + 1], zHash[65], zUrl[LINK_URL_MAX];
	char zU[24], zTtl[24], zP[24];
	const char *az[6];
	PGresult *r;
	enum vs_err rc;

	rc = link_make(zPublicUrl, e == VS_LINK_ONBOARDING ? "welcome" : "reset-password", zToken, zHash, zUrl);
	if (rc == VS_OK) {
		az[0] = vs_db_param_i64(zU, iUser);
		az[1] = purpose_name(e);
		az[2] = zHash;
		az[3] = vs_db_param_i64(zTtl, iTtlSec);
		az[4] = zUrl;
		az[5] = iPartner > 0 ? vs_db_param_i64(zP, iPartner) : NULL;
		if ((rc = vs_db_exec(db, &stLinkIssue, az, &r)) == VS_OK)
			PQclear(r);
	}
	explicit_bzero(zToken, sizeof(zToken));
	explicit_bzero(zUrl, sizeof(zUrl));
	return rc;
}

/* ---- a partner adds a client ---------------------------------------------- */

static struct vs_stmt stClientFind = VS_STMT("account_client_find", 2, false,
	"SELECT u.id, u.role, u.name, u.email, u.timezone, u.password_hash IS NULL,"
	" EXISTS (SELECT 1 FROM partner_clients pc WHERE pc.partner_id = $2 AND pc.client_id = u.id)"
	" FROM users u WHERE lower(u.email) = lower($1) FOR UPDATE OF u");

static struct vs_stmt stClientNew = VS_STMT("account_client_new", 4, false,
	"INSERT INTO users (role, email, name, timezone, password_hash)"
	" SELECT 'client', $1, $2, coalesce($3, p.timezone), NULL FROM users p WHERE p.id = $4"
	" RETURNING id, role, name, email, timezone");

static struct vs_stmt stClientLinkNew = VS_STMT("account_client_link", 2, false,
	"INSERT INTO partner_clients (partner_id, client_id) VALUES ($1, $2) ON CONFLICT DO NOTHING");

/* An onboarding message without a token, to a person who has an account already. */
static struct vs_stmt stTellExisting = VS_STMT("account_tell_existing", 3, false,
	"INSERT INTO outbox (kind, recipient_user_id, recipient_email, recipient_name, payload)"
	" SELECT 'onboarding', u.id, u.email, u.name,"
	"  jsonb_build_object('url', $2::text, 'partner_name', p.name, 'existing_account', true)"
	" FROM users u, users p WHERE u.id = $1 AND p.id = $3");

static void fill_user(const PGresult *r, int iRow, struct vs_user *u)
{
	u->iId = vs_db_i64(r, iRow, 0);
	u->eRole = vs_role_parse(PQgetvalue(r, iRow, 1));
	snprintf(u->zName, sizeof(u->zName), "%s", PQgetvalue(r, iRow, 2));
	snprintf(u->zEmail, sizeof(u->zEmail), "%s", PQgetvalue(r, iRow, 3));
	snprintf(u->zTimezone, sizeof(u->zTimezone), "%s", PQgetvalue(r, iRow, 4));
}

/* The new client's name, email and zone: VS_ERR_INVALID (422) naming the field. */
static enum vs_err client_input_check(struct vs_db *db, const char *zName, const char *zEmail,
				      const char *zTimezone, struct vs_outcome *pOutcome)
{
	if (!vs_text_is_clean_line(zName, strlen(zName))) {
		vs_outcome_set(pOutcome, "name", "name must be 1 to 200 characters on one line.");
		return VS_ERR_INVALID;
	}
	if (!vs_email_plausible(zEmail, strlen(zEmail))) {
		vs_outcome_set(pOutcome, "email", "email must be an email address such as sam@example.com.");
		return VS_ERR_INVALID;
	}
	return zTimezone != NULL ? timezone_check(db, zTimezone, pOutcome) : VS_OK;
}

/*
 * Inside the caller's transaction: the client with this email (*pbNoPassword,
 * *pbLinked say whether they set a password and are already this partner's),
 * or a new one without a password. Someone who cannot be a client, or is
 * already this partner's client with a password, is refused.
 */
static enum vs_err client_find_or_create(struct vs_db *db, const char *zName, const char *zEmail,
					 const char *zTimezone, const char *zP, struct vs_client_added *pOut,
					 bool *pbNoPassword, bool *pbLinked, struct vs_outcome *pOutcome)
{
	const char *az[4] = { zEmail, zP, NULL, NULL };
	PGresult *r;
	enum vs_err rc = vs_db_exec(db, &stClientFind, az, &r);

	if (rc != VS_OK)
		return rc;
	if (PQntuples(r) == 1) {
		fill_user(r, 0, &pOut->user);
		*pbNoPassword = vs_db_bool(r, 0, 5);
		*pbLinked = vs_db_bool(r, 0, 6);
		PQclear(r);
		if (pOut->user.eRole != VS_ROLE_CLIENT) {
			vs_outcome_set(pOutcome, "email", "This email belongs to an account that cannot be a client. Use another email address.");
			return VS_ERR_INVALID;
		}
		if (*pbLinked && !*pbNoPassword) {
			vs_outcome_set(pOutcome, "email", "This person is already one of your clients and has set a password.");
			return VS_ERR_INVALID_STATE;
		}
		return VS_OK;
	}
	PQclear(r);
	az[0] = zEmail;
	az[1] = zName;
	az[2] = zTimezone;
	az[3] = zP;
	rc = vs_db_exec(db, &stClientNew, az, &r);
	if (rc == VS_ERR_DUPLICATE) {
		/* the same email added at this very moment by another request */
		vs_outcome_set(pOutcome, "email", "This email was just added by someone else; try again.");
		return VS_ERR_INVALID_STATE;
	}
	if (rc == VS_ERR_INVALID)
		vs_outcome_set(pOutcome, "email", "The email or name is not valid.");
	if (rc != VS_OK)
		return rc;
	if (PQntuples(r) == 1)
		fill_user(r, 0, &pOut->user);
	else
		rc = VS_ERR_INTERNAL;
	PQclear(r);
	return rc;
}

enum vs_err vs_client_add(struct vs_db *db, const struct vs_view *v, int64_t iPartner,
			  const char *zName, const char *zEmail, const char *zTimezone,
			  struct vs_client_added *pOut, struct vs_outcome *pOutcome)
{
	char zP[24], zU[24], zLogin[LINK_URL_MAX];
	const char *az[3];
	struct vs_audit a = { v->c->iId, NULL, "client.add", "user", 0, "ok" };
	PGresult *r = NULL;
	enum vs_err rc;
	bool bNoPassword = true, bLinked = false;

	memset(pOut, 0, sizeof(*pOut));
	if ((rc = vs_authorize_partner_collection(v->c, iPartner, VS_ACT_WRITE)) != VS_OK)
		return rc;
	if ((rc = client_input_check(db, zName, zEmail, zTimezone, pOutcome)) != VS_OK)
		return rc;
	/* an invitation is a message to a stranger's mailbox: it counts like a guest invite */
	if ((rc = vs_write_limit_reserve(db, v->c->iId, &pOutcome->iRetryAfter)) == VS_ERR_RATE_LIMITED)
		vs_outcome_set(pOutcome, NULL, "Too many invitations and new session passwords; try again later.");
	if (rc != VS_OK)
		return rc;

	vs_db_param_i64(zP, iPartner);
	if ((rc = vs_db_command(db, "BEGIN")) != VS_OK)
		return rc;
	rc = client_find_or_create(db, zName, zEmail, zTimezone, zP, pOut, &bNoPassword, &bLinked, pOutcome);
	if (rc != VS_OK)
		goto out;
	if (!bLinked) {
		az[0] = zP;
		az[1] = vs_db_param_i64(zU, pOut->user.iId);
		if ((rc = vs_db_exec(db, &stClientLinkNew, az, &r)) != VS_OK)
			goto out;
		PQclear(r);
		r = NULL;
		pOut->bLinkCreated = true;
	} else {
		a.zAction = "client.invite";
	}
	if (bNoPassword) {
		rc = link_issue(db, pOut->user.iId, VS_LINK_ONBOARDING, VS_ONBOARDING_TTL_SEC, v->zPublicUrl, iPartner);
	} else {
		snprintf(zLogin, sizeof(zLogin), "%s/", v->zPublicUrl);
		az[0] = vs_db_param_i64(zU, pOut->user.iId);
		az[1] = zLogin;
		az[2] = zP;
		if ((rc = vs_db_exec(db, &stTellExisting, az, &r)) == VS_OK) {
			PQclear(r);
			r = NULL;
		}
	}
	if (rc != VS_OK)
		goto out;
	a.iObjectId = pOut->user.iId;
	if ((rc = vs_audit_write(db, v->o, &a)) != VS_OK)
		goto out;
	return vs_db_command(db, "COMMIT");
out:
	PQclear(r);
	if (vs_db_in_transaction(db))
		vs_db_command(db, "ROLLBACK");
	return rc;
}

/* ---- using a link ------------------------------------------------------------ */

static struct vs_stmt stLinkPeek = VS_STMT("account_link_peek", 2, true,
	"SELECT user_id FROM account_tokens WHERE token_sha256 = $1 AND expires_at > now()"
	" AND ($2::text IS NULL OR purpose = $2)");

/*
 * Consumes the token, sets the password, drops the account's other links,
 * ends its login sessions and opens a new one, with the audit row: all or
 * nothing. No row when the token was used or expired in the meantime.
 */
static struct vs_stmt stLinkUse = VS_STMT("account_link_use", 6, false,
	"WITH t AS (DELETE FROM account_tokens WHERE token_sha256 = $1 AND expires_at > now()"
	"  AND ($2::text IS NULL OR purpose = $2) RETURNING user_id, purpose),"
	" u AS (UPDATE users SET password_hash = $3, updated_at = now() FROM t WHERE users.id = t.user_id"
	"  RETURNING users.id, users.role, users.name, users.email, users.timezone, t.purpose),"
	" o AS (DELETE FROM account_tokens x USING u WHERE x.user_id = u.id AND x.token_sha256 <> $1),"
	" e AS (UPDATE login_sessions s SET revoked_at = now() FROM u WHERE s.user_id = u.id AND s.revoked_at IS NULL),"
	" s AS (INSERT INTO login_sessions (user_id, expires_at, client_addr)"
	"  SELECT id, now() + make_interval(secs => $4::int), $5 FROM u RETURNING id, user_id, expires_at),"
	" a AS (INSERT INTO audit_log (actor_id, action, object_type, object_id, outcome, request_id, client_addr)"
	"  SELECT u.id, 'password.set.' || u.purpose, 'user', u.id, 'ok', $6, $5 FROM u)"
	" SELECT u.id, u.role, u.name, u.email, u.timezone, s.id, extract(epoch FROM s.expires_at)::bigint"
	" FROM u JOIN s ON s.user_id = u.id");

static void link_limit_key(const struct vs_origin *o, char *z, size_t n)
{
	char zAddr[VS_ADDR_KEY_MAX];

	vs_addr_limit_key(o->zClientAddr, zAddr);
	snprintf(z, n, "link:addr:%s", zAddr);
}

enum vs_err vs_link_set_password(struct vs_db *db, const struct vs_origin *o,
				 const unsigned char *pKey, size_t nKey, int64_t iTtlSec,
				 const char *zToken, enum vs_link_purpose ePurpose,
				 const char *zPassword, size_t nPassword,
				 struct vs_link_login *pOut, struct vs_outcome *pOutcome)
{
	char zKey[96], zHash[65], zPw[VS_PASSWORD_HASH_MAX] = "", zTtl[24];
	const char *az[6];
	PGresult *r = NULL;
	enum vs_err rc;

	memset(pOut, 0, sizeof(*pOut));
	if (nPassword < VS_PASSWORD_MIN_BYTES || nPassword > VS_PASSWORD_MAX_BYTES) {
		vs_outcome_set(pOutcome, "password", "password must be 8 to 1024 bytes long.");
		return VS_ERR_INVALID;
	}
	link_limit_key(o, zKey, sizeof(zKey));
	rc = vs_limit_reserve(db, zKey, VS_LINK_MAX_ADDR, NULL, 0, VS_LINK_WINDOW_SEC, &pOutcome->iRetryAfter);
	if (rc == VS_ERR_RATE_LIMITED)
		vs_outcome_set(pOutcome, NULL, "Too many tries with links that do not work; try again later.");
	if (rc != VS_OK)
		return rc;

	vs_sha256_hex(zToken, strlen(zToken), zHash);
	az[0] = zHash;
	az[1] = purpose_name(ePurpose);
	if ((rc = vs_db_exec(db, &stLinkPeek, az, &r)) != VS_OK)
		return rc;
	if (PQntuples(r) != 1) {
		rc = VS_ERR_INVALID;
		goto out;
	}
	PQclear(r);
	r = NULL;
	/* only a live link is worth an argon2id hash */
	if ((rc = vs_password_hash(zPassword, nPassword, zPw)) != VS_OK)
		goto out;
	az[2] = zPw;
	az[3] = vs_db_param_i64(zTtl, iTtlSec);
	az[4] = o->zClientAddr;
	az[5] = vs_origin_request_id(o);
	if ((rc = vs_db_exec(db, &stLinkUse, az, &r)) != VS_OK)
		goto out;
	if (PQntuples(r) != 1) {
		rc = VS_ERR_INVALID;
		goto out;
	}
	fill_user(r, 0, &pOut->user);
	snprintf(pOut->zSid, sizeof(pOut->zSid), "%s", PQgetvalue(r, 0, 5));
	pOut->iExpiresSec = vs_db_i64(r, 0, 6);
	vs_limit_release(db, zKey, NULL);
	rc = vs_device_cookie_make(pKey, nKey, pOut->user.iId, NULL, pOut->zDeviceCookie);
out:
	if (rc == VS_ERR_INVALID)
		vs_outcome_set(pOutcome, "token",
			"This link does not work any more: it was used already, it expired, or a newer one replaced it. "
			"Ask for a new one.");
	PQclear(r);
	explicit_bzero(zPw, sizeof(zPw));
	return rc;
}

/* ---- forgot password ----------------------------------------------------------- */

/*
 * One statement whether or not the email has an account: the link and its
 * message exist only when it has; the audit row is written either way (the
 * account's id, or the keyed hash of the typed email).
 */
static struct vs_stmt stResetRequest = VS_STMT("account_reset_request", 7, false,
	"WITH u AS (SELECT id, email, name FROM users WHERE lower(email) = lower($1)),"
	" d AS (DELETE FROM account_tokens x USING u WHERE x.user_id = u.id AND x.purpose = 'password_reset'),"
	" t AS (INSERT INTO account_tokens (token_sha256, user_id, purpose, expires_at)"
	"  SELECT $2, id, 'password_reset', now() + make_interval(secs => $7::int) FROM u RETURNING user_id),"
	" m AS (INSERT INTO outbox (kind, recipient_user_id, recipient_email, recipient_name, payload)"
	"  SELECT 'password_reset', u.id, u.email, u.name, jsonb_build_object('url', $3::text)"
	"  FROM u JOIN t ON t.user_id = u.id)"
	" INSERT INTO audit_log (actor_id, actor_email, action, object_type, object_id, outcome, request_id, client_addr)"
	" SELECT u.id, CASE WHEN u.id IS NULL THEN $4 END, 'password_reset.request', 'user', u.id,"
	"  CASE WHEN u.id IS NULL THEN 'failed' ELSE 'ok' END, $5, $6"
	" FROM (SELECT 1) one LEFT JOIN u ON true");

enum vs_err vs_password_reset_request(struct vs_db *db, const struct vs_origin *o,
				      const unsigned char *pKey, size_t nKey,
				      const char *zPublicUrl, const char *zEmail,
				      struct vs_outcome *pOutcome)
{
	char zNameHash[VS_KEYED_HASH_HEX], zActor[sizeof("hmac-sha256:") + VS_KEYED_HASH_HEX];
	char zKeyEmail[128], zKeyAddr[128], zAddr[VS_ADDR_KEY_MAX], zTtl[24];
	char zToken[VS_B64URL_LEN(LINK_TOKEN_BYTES) + 1], zHash[65], zUrl[LINK_URL_MAX];
	const char *az[7];
	PGresult *r;
	enum vs_err rc;

	vs_login_name_hash(pKey, nKey, zEmail, zNameHash);
	if (zNameHash[0] == '\0')
		return VS_ERR_INTERNAL;
	snprintf(zActor, sizeof(zActor), "hmac-sha256:%s", zNameHash);
	snprintf(zKeyEmail, sizeof(zKeyEmail), "reset:email:%s", zNameHash);
	vs_addr_limit_key(o->zClientAddr, zAddr);
	snprintf(zKeyAddr, sizeof(zKeyAddr), "reset:addr:%s", zAddr);
	rc = vs_limit_reserve(db, zKeyEmail, VS_RESET_MAX_EMAIL, zKeyAddr, VS_RESET_MAX_ADDR,
			      VS_RESET_WINDOW_SEC, &pOutcome->iRetryAfter);
	if (rc == VS_ERR_RATE_LIMITED)
		vs_outcome_set(pOutcome, NULL, "Too many password reset requests; try again later.");
	if (rc != VS_OK)
		return rc;
	if ((rc = link_make(zPublicUrl, "reset-password", zToken, zHash, zUrl)) != VS_OK)
		goto out;
	az[0] = zEmail;
	az[1] = zHash;
	az[2] = zUrl;
	az[3] = zActor;
	az[4] = vs_origin_request_id(o);
	az[5] = o->zClientAddr;
	az[6] = vs_db_param_i64(zTtl, VS_RESET_TTL_SEC);
	if ((rc = vs_db_exec(db, &stResetRequest, az, &r)) == VS_OK)
		PQclear(r);
out:
	explicit_bzero(zToken, sizeof(zToken));
	explicit_bzero(zUrl, sizeof(zUrl));
	return rc;
}
