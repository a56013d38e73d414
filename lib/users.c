/*
 * users.c — accounts, logins, rate limits and the audit log.
 *
 * Login cost is the same for unknown and known emails (a dummy argon2id
 * verify), and every attempt first reserves a slot in the database counters
 * so concurrent guesses on many workers can never exceed the limits. A typed
 * email is never stored: counters and audit rows name the user id, or the
 * keyed hash of an email that matches no user (loginkeys.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vsession/crypto.h"
#include "vsession/json.h"
#include "vsession/loginkeys.h"
#include "vsession/store.h"

static const char *const azRole[] = { "none", "partner", "client", "admin" };

const char *vs_role_name(enum vs_role e)
{
	return (unsigned)e <= VS_ROLE_ADMIN ? azRole[e] : "none";
}

enum vs_role vs_role_parse(const char *z)
{
	for (int i = VS_ROLE_PARTNER; i <= VS_ROLE_ADMIN; i++)
		if (z != NULL && !strcmp(z, azRole[i]))
			return (enum vs_role)i;
	return VS_ROLE_NONE;
}

/* ---- health ---------------------------------------------------------- */

static struct vs_stmt stPing = VS_STMT("ping", 0, true, "SELECT 1");

enum vs_err vs_store_ping(struct vs_db *db)
{
	PGresult *r;
	enum vs_err rc = vs_db_exec(db, &stPing, NULL, &r);

	if (rc == VS_OK)
		PQclear(r);
	return rc == VS_OK ? VS_OK : VS_ERR_UNAVAILABLE;
}

/* ---- audit ----------------------------------------------------------- */

static struct vs_stmt stAudit = VS_STMT("audit_write", 8, false,
	"INSERT INTO audit_log (actor_id, actor_email, action, object_type, object_id, outcome,"
	" request_id, client_addr) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");

/*
 * The same row for reads (who read which notes): committed without waiting
 * for the WAL flush, so a read costs no disk sync. A crash of PostgreSQL
 * itself may lose the last fraction of a second of read rows; changes and
 * their audit rows are always committed synchronously.
 */
static struct vs_stmt stAuditRead = VS_STMT("audit_read", 8, false,
	"WITH c AS (SELECT set_config('synchronous_commit', 'off', true))"
	" INSERT INTO audit_log (actor_id, actor_email, action, object_type, object_id, outcome,"
	" request_id, client_addr) SELECT $1, $2, $3, $4, $5, $6, $7, $8 FROM c");

static enum vs_err audit_exec(struct vs_db *db, struct vs_stmt *st, const struct vs_origin *o,
			      const struct vs_audit *a);

enum vs_err vs_audit_write(struct vs_db *db, const struct vs_origin *o, const struct vs_audit *a)
{
	return audit_exec(db, &stAudit, o, a);
}

enum vs_err vs_audit_write_read(struct vs_db *db, const struct vs_origin *o, const struct vs_audit *a)
{
	return audit_exec(db, &stAuditRead, o, a);
}

static enum vs_err audit_exec(struct vs_db *db, struct vs_stmt *st, const struct vs_origin *o,
			      const struct vs_audit *a)
{
	char zActor[24], zObj[24];
	const char *az[8];
	PGresult *r;
	enum vs_err rc;

	az[0] = a->iActorId > 0 ? vs_db_param_i64(zActor, a->iActorId) : NULL;
	az[1] = a->zActorEmail;
	az[2] = a->zAction;
	az[3] = a->zObjectType;
	az[4] = a->iObjectId > 0 ? vs_db_param_i64(zObj, a->iObjectId) : NULL;
	az[5] = a->zOutcome;
	az[6] = vs_origin_request_id(o);
	az[7] = o != NULL ? o->zClientAddr : NULL;
	rc = vs_db_exec(db, st, az, &r);
	if (rc == VS_OK)
		PQclear(r);
	return rc;
}

const char *vs_origin_request_id(const struct vs_origin *o)
{
	return o != NULL && o->zRequestId != NULL && strlen(o->zRequestId) < 64 ? o->zRequestId : NULL;
}

/* ---- rate limits ----------------------------------------------------- */

/*
 * A key already at its limit in a live window refuses the attempt before
 * anything is written (blocked), so a refused attempt creates no row and
 * raises no counter. Otherwise every key is counted in one UPSERT; two tries
 * racing past the check are still ordered by the row lock, and the later
 * one sees the count over the limit and gives its reservation back.
 */
static struct vs_stmt stLimitReserve = VS_STMT("limit_reserve", 5, false,
	"WITH k(key, lim) AS (VALUES (lower($1::text), $2::int), (lower($3::text), $4::int)),"
	" blocked AS ("
	"  SELECT ceil(extract(epoch FROM c.window_start + make_interval(secs => $5::int) - now())) AS wait"
	"  FROM attempt_counters c JOIN k USING (key)"
	"  WHERE c.window_start > now() - make_interval(secs => $5::int) AND c.attempts >= k.lim),"
	" up AS ("
	"  INSERT INTO attempt_counters AS c (key, window_start, attempts)"
	"  SELECT key, now(), 1 FROM k WHERE key IS NOT NULL AND NOT EXISTS (SELECT 1 FROM blocked)"
	"  ON CONFLICT (key) DO UPDATE SET"
	"   attempts = CASE WHEN c.window_start <= now() - make_interval(secs => $5::int) THEN 1"
	"              ELSE c.attempts + 1 END,"
	"   window_start = CASE WHEN c.window_start <= now() - make_interval(secs => $5::int) THEN now()"
	"              ELSE c.window_start END"
	"  RETURNING c.key, c.attempts, c.window_start)"
	" SELECT greatest((SELECT max(wait) FROM blocked),"
	"  (SELECT max(ceil(extract(epoch FROM up.window_start + make_interval(secs => $5::int) - now())))"
	"   FROM up JOIN k USING (key) WHERE up.attempts > k.lim), 0)::int,"
	" EXISTS (SELECT 1 FROM blocked)");

static struct vs_stmt stLimitRelease = VS_STMT("limit_release", 2, false,
	"UPDATE attempt_counters SET attempts = greatest(attempts - 1, 0)"
	" WHERE key = lower($1) OR key = lower($2)");

enum vs_err vs_limit_reserve(struct vs_db *db, const char *zKey1, int nMax1,
			     const char *zKey2, int nMax2, int iWindowSec, int *piRetryAfter)
{
	char zMax1[24], zMax2[24], zWin[24];
	const char *az[5] = { zKey1, vs_db_param_i64(zMax1, nMax1), zKey2,
			      vs_db_param_i64(zMax2, nMax2), vs_db_param_i64(zWin, iWindowSec) };
	PGresult *r;
	enum vs_err rc;
	int64_t iRetry;
	bool bBlocked;

	*piRetryAfter = 0;
	rc = vs_db_exec(db, &stLimitReserve, az, &r);
	if (rc != VS_OK)
		return rc;
	iRetry = PQntuples(r) == 1 ? vs_db_i64(r, 0, 0) : 0;
	bBlocked = PQntuples(r) == 1 && vs_db_bool(r, 0, 1);
	PQclear(r);
	if (iRetry <= 0)
		return VS_OK;
	if (!bBlocked)  /* counted, then found over: give the reservation back */
		vs_limit_release(db, zKey1, zKey2);
	*piRetryAfter = (int)iRetry;
	return VS_ERR_RATE_LIMITED;
}

enum vs_err vs_limit_release(struct vs_db *db, const char *zKey1, const char *zKey2)
{
	const char *az[2] = { zKey1, zKey2 };
	PGresult *r;
	enum vs_err rc = vs_db_exec(db, &stLimitRelease, az, &r);

	if (rc == VS_OK)
		PQclear(r);
	return rc;
}

/* ---- users ----------------------------------------------------------- */

static struct vs_stmt stUserCreate = VS_STMT("user_create", 5, false,
	"INSERT INTO users (role, email, name, timezone, password_hash)"
	" SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $4)"
	" RETURNING id");

enum vs_err vs_user_create(struct vs_db *db, enum vs_role eRole, const char *zEmail,
			   const char *zName, const char *zTimezone, const char *zPassword,
			   size_t nPassword, int64_t *piId, const char **pzWhy)
{
	char zHash[VS_PASSWORD_HASH_MAX];
	const char *az[5];
	PGresult *r;
	enum vs_err rc;

	*pzWhy = NULL;
	if (eRole == VS_ROLE_NONE) {
		*pzWhy = "role must be partner, client or admin";
		return VS_ERR_INVALID;
	}
	if (nPassword < 8 || nPassword > 1024) {
		*pzWhy = "the password must be 8 to 1024 bytes";
		return VS_ERR_INVALID;
	}
	if ((rc = vs_password_hash(zPassword, nPassword, zHash)) != VS_OK)
		return rc;
	az[0] = vs_role_name(eRole);
	az[1] = zEmail;
	az[2] = zName;
	az[3] = zTimezone;
	az[4] = zHash;
	rc = vs_db_exec(db, &stUserCreate, az, &r);
	explicit_bzero(zHash, sizeof(zHash));
	if (rc == VS_ERR_DUPLICATE) {
		*pzWhy = "a user with this email exists already";
		return rc;
	}
	if (rc == VS_ERR_INVALID) {
		*pzWhy = "the email, name or time zone is not valid";
		return rc;
	}
	if (rc != VS_OK)
		return rc;
	if (PQntuples(r) != 1) {
		PQclear(r);
		*pzWhy = "the time zone is not a known IANA zone such as Europe/Berlin";
		return VS_ERR_INVALID;
	}
	*piId = vs_db_i64(r, 0, 0);
	PQclear(r);
	return VS_OK;
}

static void fill_user(const PGresult *r, int iRow, int iCol, struct vs_user *u)
{
	u->iId = vs_db_i64(r, iRow, iCol);
	u->eRole = vs_role_parse(PQgetvalue(r, iRow, iCol + 1));
	snprintf(u->zName, sizeof(u->zName), "%s", PQgetvalue(r, iRow, iCol + 2));
	snprintf(u->zEmail, sizeof(u->zEmail), "%s", PQgetvalue(r, iRow, iCol + 3));
	snprintf(u->zTimezone, sizeof(u->zTimezone), "%s", PQgetvalue(r, iRow, iCol + 4));
}

static struct vs_stmt stUserGet = VS_STMT("user_get", 1, true,
	"SELECT id, role, name, email, timezone FROM users WHERE id = $1");
static struct vs_stmt stUserByEmail = VS_STMT("user_by_email", 1, true,
	"SELECT id, role, name, email, timezone, password_hash FROM users WHERE lower(email) = lower($1)");

enum vs_err vs_user_get(struct vs_db *db, int64_t iId, struct vs_user *pUser)
{
	char zId[24];
	const char *az[1] = { vs_db_param_i64(zId, iId) };
	PGresult *r;
	enum vs_err rc = vs_db_exec(db, &stUserGet, az, &r);

	if (rc != VS_OK)
		return rc;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return VS_ERR_NOT_FOUND;
	}
	fill_user(r, 0, 0, pUser);
	PQclear(r);
	return VS_OK;
}

enum vs_err vs_user_find_email(struct vs_db *db, const char *zEmail, struct vs_user *pUser)
{
	const char *az[1] = { zEmail };
	PGresult *r;
	enum vs_err rc = vs_db_exec(db, &stUserByEmail, az, &r);

	if (rc != VS_OK)
		return rc;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return VS_ERR_NOT_FOUND;
	}
	fill_user(r, 0, 0, pUser);
	PQclear(r);
	return VS_OK;
}

static struct vs_stmt stLink = VS_STMT("client_link", 2, false,
	"INSERT INTO partner_clients (partner_id, client_id)"
	" SELECT p.id, c.id FROM users p, users c"
	" WHERE lower(p.email) = lower($1) AND lower(c.email) = lower($2)"
	" ON CONFLICT DO NOTHING RETURNING partner_id");

enum vs_err vs_client_link(struct vs_db *db, const char *zPartnerEmail, const char *zClientEmail,
			   const char **pzWhy)
{
	struct vs_user p, c;
	const char *az[2] = { zPartnerEmail, zClientEmail };
	PGresult *r;
	enum vs_err rc;

	*pzWhy = NULL;
	if ((rc = vs_user_find_email(db, zPartnerEmail, &p)) != VS_OK) {
		*pzWhy = "no user has the partner's email";
		return rc;
	}
	if ((rc = vs_user_find_email(db, zClientEmail, &c)) != VS_OK) {
		*pzWhy = "no user has the client's email";
		return rc;
	}
	if (p.eRole != VS_ROLE_PARTNER || c.eRole != VS_ROLE_CLIENT) {
		*pzWhy = p.eRole != VS_ROLE_PARTNER ? "the first user is not a partner" : "the second user is not a client";
		return VS_ERR_INVALID;
	}
	rc = vs_db_exec(db, &stLink, az, &r);
	if (rc == VS_OK)
		PQclear(r);
	return rc;
}

static struct vs_stmt stLinked = VS_STMT("client_is_linked", 2, true,
	"SELECT 1 FROM partner_clients WHERE partner_id = $1 AND client_id = $2");

enum vs_err vs_client_is_linked(struct vs_db *db, int64_t iPartner, int64_t iClient, bool *pb)
{
	char zP[24], zC[24];
	const char *az[2] = { vs_db_param_i64(zP, iPartner), vs_db_param_i64(zC, iClient) };
	PGresult *r;
	enum vs_err rc = vs_db_exec(db, &stLinked, az, &r);

	*pb = false;
	if (rc != VS_OK)
		return rc;
	*pb = PQntuples(r) == 1;
	PQclear(r);
	return VS_OK;
}

static struct vs_stmt stClients = VS_STMT("clients_list", 1, true,
	"SELECT u.id, u.name, u.email, u.timezone FROM partner_clients pc JOIN users u ON u.id = pc.client_id"
	" WHERE pc.partner_id = $1 ORDER BY u.name, u.id");

enum vs_err vs_clients_json(struct vs_db *db, int64_t iPartner, struct vs_buf *out)
{
	char zP[24];
	const char *az[1] = { vs_db_param_i64(zP, iPartner) };
	PGresult *r;
	enum vs_err rc = vs_db_exec(db, &stClients, az, &r);

	if (rc != VS_OK)
		return rc;
	vs_buf_puts(out, "{\"clients\":[");
	for (int i = 0; i < PQntuples(r); i++) {
		if (i > 0)
			vs_buf_putc(out, ',');
		vs_buf_putc(out, '{');
		vs_json_key(out, "id", true);
		vs_json_i64(out, vs_db_i64(r, i, 0));
		vs_json_key(out, "name", false);
		vs_json_str(out, PQgetvalue(r, i, 1));
		vs_json_key(out, "email", false);
		vs_json_str(out, PQgetvalue(r, i, 2));
		vs_json_key(out, "timezone", false);
		vs_json_str(out, PQgetvalue(r, i, 3));
		vs_buf_putc(out, '}');
	}
	vs_buf_puts(out, "]}");
	PQclear(r);
	return VS_OK;
}

/* ---- logins ----------------------------------------------------------- */

/* The login session and its audit row, in one statement: both or neither. */
static struct vs_stmt stLoginOpen = VS_STMT("login_open", 5, false,
	"WITH s AS (INSERT INTO login_sessions (user_id, expires_at, client_addr)"
	"  VALUES ($1, now() + make_interval(secs => $2::int), $3)"
	"  RETURNING id, user_id, expires_at),"
	" a AS (INSERT INTO audit_log (actor_id, actor_email, action, object_type, object_id, outcome, request_id, client_addr)"
	"  SELECT s.user_id, $4, 'login', 'user', s.user_id, 'ok', $5, $3 FROM s)"
	" SELECT id, extract(epoch FROM expires_at)::bigint FROM s");

/*
 * The attempt's counter keys: the account's (by id, so every spelling of an
 * email counts as one) or the keyed hash of an unknown email, or the
 * device's when the attempt carries a valid device cookie for this very
 * account; and the client address's.
 */
static void login_keys(const struct vs_login_attempt *pIn, const struct vs_origin *o,
		       const struct vs_user *pUser, bool bKnown, const char *zNameHash,
		       char *zKey1, size_t nKey1, int *pnMax1, char *zKeyAddr, size_t nKeyAddr,
		       char zNonce[VS_DEVICE_NONCE_HEX])
{
	char zAddr[VS_ADDR_KEY_MAX];
	int64_t iDeviceUser = 0;

	zNonce[0] = '\0';
	if (bKnown && pIn->zDeviceCookie != NULL &&
	    vs_device_cookie_check(pIn->pKey, pIn->nKey, pIn->zDeviceCookie, pIn->nDeviceCookie,
				   &iDeviceUser, zNonce) &&
	    iDeviceUser == pUser->iId) {
		snprintf(zKey1, nKey1, "login:device:%s", zNonce);
		*pnMax1 = VS_LOGIN_MAX_DEVICE;
	} else {
		zNonce[0] = '\0';
		if (bKnown)
			snprintf(zKey1, nKey1, "login:user:%lld", (long long)pUser->iId);
		else
			snprintf(zKey1, nKey1, "login:email:%s", zNameHash);
		*pnMax1 = VS_LOGIN_MAX_EMAIL;
	}
	vs_addr_limit_key(o->zClientAddr, zAddr);
	snprintf(zKeyAddr, nKeyAddr, "login:addr:%s", zAddr);
}

enum vs_err vs_login(struct vs_db *db, const struct vs_origin *o, const struct vs_login_attempt *pIn,
		     struct vs_login_result *pOut)
{
	char zKey1[128], zKeyAddr[128], zTtl[24], zUid[24];
	char zNameHash[VS_KEYED_HASH_HEX], zActor[sizeof("hmac-sha256:") + VS_KEYED_HASH_HEX];
	char zNonce[VS_DEVICE_NONCE_HEX];
	char zHash[VS_PASSWORD_HASH_MAX] = "";
	const char *az[5];
	struct vs_audit a = { 0, NULL, "login", "user", 0, "failed" };
	struct vs_user *pUser = &pOut->user;
	PGresult *r = NULL;
	enum vs_err rc;
	bool bKnown = false, bMatch = false;
	int nMax1 = VS_LOGIN_MAX_EMAIL;

	memset(pOut, 0, sizeof(*pOut));
	vs_login_name_hash(pIn->pKey, pIn->nKey, pIn->zEmail, zNameHash);
	if (zNameHash[0] == '\0')
		return VS_ERR_INTERNAL;
	snprintf(zActor, sizeof(zActor), "hmac-sha256:%s", zNameHash);

	/* who the email names decides the keys; reading it writes nothing */
	az[0] = pIn->zEmail;
	rc = vs_db_exec(db, &stUserByEmail, az, &r);
	if (rc != VS_OK)
		return rc;
	if (PQntuples(r) == 1) {
		bKnown = true;
		fill_user(r, 0, 0, pUser);
		snprintf(zHash, sizeof(zHash), "%s", PQgetvalue(r, 0, 5));
	}
	PQclear(r);
	login_keys(pIn, o, pUser, bKnown, zNameHash, zKey1, sizeof(zKey1), &nMax1,
		   zKeyAddr, sizeof(zKeyAddr), zNonce);
	rc = vs_limit_reserve(db, zKey1, nMax1, zKeyAddr, VS_LOGIN_MAX_ADDR,
			      VS_LOGIN_WINDOW_SEC, &pOut->iRetryAfter);
	if (rc != VS_OK)
		goto out;

	if (bKnown)
		bMatch = vs_password_verify(zHash, pIn->zPassword, pIn->nPassword);
	else
		vs_password_verify_dummy(pIn->zPassword, pIn->nPassword);
	if (!bMatch) {
		if (bKnown)
			a.iActorId = pUser->iId;
		else
			a.zActorEmail = zActor;
		/* a refusal whose audit row cannot be written is answered as that failure */
		rc = vs_audit_write(db, o, &a);
		if (rc == VS_OK)
			rc = VS_ERR_UNAUTHENTICATED;
		goto out;
	}
	vs_limit_release(db, zKey1, zKeyAddr);
	if ((rc = vs_device_cookie_make(pIn->pKey, pIn->nKey, pUser->iId, zNonce[0] ? zNonce : NULL,
					pOut->zDeviceCookie)) != VS_OK)
		goto out;
	az[0] = vs_db_param_i64(zUid, pUser->iId);
	az[1] = vs_db_param_i64(zTtl, pIn->iTtlSec);
	az[2] = o->zClientAddr;
	az[3] = a.zActorEmail;
	az[4] = vs_origin_request_id(o);
	if ((rc = vs_db_exec(db, &stLoginOpen, az, &r)) != VS_OK)
		goto out;
	snprintf(pOut->zSid, VS_SID_MAX, "%s", PQgetvalue(r, 0, 0));
	pOut->iExpiresSec = vs_db_i64(r, 0, 1);
	PQclear(r);
out:
	explicit_bzero(zHash, sizeof(zHash));
	return rc;
}

static struct vs_stmt stLoginCheck = VS_STMT("login_check", 2, true,
	"SELECT u.role FROM login_sessions s JOIN users u ON u.id = s.user_id"
	" WHERE s.id = $1::uuid AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now()");

enum vs_err vs_login_check(struct vs_db *db, const char *zSid, int64_t iUserId,
			   struct vs_caller *pCaller)
{
	char zUid[24];
	const char *az[2] = { zSid, vs_db_param_i64(zUid, iUserId) };
	PGresult *r;
	enum vs_err rc = vs_db_exec(db, &stLoginCheck, az, &r);

	if (rc == VS_ERR_INVALID)  /* a sid that is not a uuid */
		return VS_ERR_UNAUTHENTICATED;
	if (rc != VS_OK)
		return rc;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return VS_ERR_UNAUTHENTICATED;
	}
	pCaller->iId = iUserId;
	pCaller->eRole = vs_role_parse(PQgetvalue(r, 0, 0));
	snprintf(pCaller->zSid, sizeof(pCaller->zSid), "%s", zSid);
	PQclear(r);
	return pCaller->eRole == VS_ROLE_NONE ? VS_ERR_UNAUTHENTICATED : VS_OK;
}

/*
 * The same check as a guard (see db.h): it raises division_by_zero when the
 * login session is not live or the account's role is not the token's, so
 * whatever statement shares its pipeline is aborted. Roles never change
 * after an account is created, so the token's role is the account's.
 */
static struct vs_stmt stLoginGuard = VS_STMT("login_guard", 3, true,
	"SELECT 1 / count(*)::int FROM login_sessions s JOIN users u ON u.id = s.user_id"
	" WHERE s.id = $1::uuid AND s.user_id = $2 AND u.role = $3"
	" AND s.revoked_at IS NULL AND s.expires_at > now()");

enum vs_err vs_login_check_deferred(struct vs_db *db, const char *zSid, int64_t iUserId,
				    const char *zRole, struct vs_caller *pCaller)
{
	char zUid[24];
	const char *az[3] = { zSid, vs_db_param_i64(zUid, iUserId), zRole };
	enum vs_role eRole = vs_role_parse(zRole);

	if (eRole == VS_ROLE_NONE || strlen(zSid) >= sizeof(pCaller->zSid)
	    || vs_db_guard_set(db, &stLoginGuard, az) != VS_OK)
		return VS_ERR_UNAUTHENTICATED;
	pCaller->iId = iUserId;
	pCaller->eRole = eRole;
	memcpy(pCaller->zSid, zSid, strlen(zSid) + 1);
	return VS_OK;
}

/* The revocation and its audit row, in one statement: both or neither. */
static struct vs_stmt stLogout = VS_STMT("logout", 4, false,
	"WITH s AS (UPDATE login_sessions SET revoked_at = now()"
	"  WHERE id = $1::uuid AND user_id = $2 AND revoked_at IS NULL RETURNING 1)"
	" INSERT INTO audit_log (actor_id, action, object_type, object_id, outcome, request_id, client_addr)"
	" SELECT $2, 'logout', 'user', $2, 'ok', $3, $4 FROM (SELECT count(*) FROM s) x");

enum vs_err vs_logout(struct vs_db *db, const struct vs_origin *o, const struct vs_caller *c)
{
	char zUid[24];
	const char *az[4] = { c->zSid, vs_db_param_i64(zUid, c->iId), vs_origin_request_id(o),
			      o != NULL ? o->zClientAddr : NULL };
	PGresult *r;
	enum vs_err rc = vs_db_exec(db, &stLogout, az, &r);

	if (rc != VS_OK)
		return rc;
	PQclear(r);
	return VS_OK;
}
