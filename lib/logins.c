/*
 * logins.c — login attempts, login sessions and logout (logins.h).
 *
 * Login cost is the same for unknown and known emails (a dummy argon2id
 * verify), and every attempt first reserves a slot in the database counters
 * so concurrent guesses on many workers can never exceed the limits. A typed
 * email is never stored: counters and audit rows name the user id, or the
 * keyed hash of an email that matches no user (loginkeys.h).
 * tests/isolation/logout-race.spec copies the guard and logout statements.
 */
#include <stdio.h>
#include <string.h>

#include "vsession/audit.h"
#include "vsession/crypto.h"
#include "vsession/limits.h"
#include "vsession/loginkeys.h"
#include "vsession/logins.h"

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
	rc = vs_user_find_credentials(db, pIn->zEmail, pUser, zHash);
	if (rc != VS_OK && rc != VS_ERR_NOT_FOUND)
		return rc;
	bKnown = rc == VS_OK;
	login_keys(pIn, o, pUser, bKnown, zNameHash, zKey1, sizeof(zKey1), &nMax1,
		   zKeyAddr, sizeof(zKeyAddr), zNonce);
	rc = vs_limit_reserve(db, zKey1, nMax1, zKeyAddr, VS_LOGIN_MAX_ADDR,
			      VS_LOGIN_WINDOW_SEC, &pOut->iRetryAfter);
	if (rc != VS_OK)
		goto out;

	/* an account whose owner never set a password (onboarding pending) fails like a wrong one */
	if (bKnown && zHash[0] != '\0')
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
	VS_AUDIT_ROW("$2", "logout", "user", "$2", "$3", "$4", "(SELECT count(*) FROM s) x"));

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
