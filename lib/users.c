/*
 * users.c — accounts and the partner–client links (users.h).
 *
 * Emails are unique case-insensitively (an index on lower(email)); time
 * zones must be ones PostgreSQL knows. Passwords are stored only as
 * argon2id hashes.
 */
#include <stdio.h>
#include <string.h>

#include "vsession/authz.h"
#include "vsession/crypto.h"
#include "vsession/json.h"
#include "vsession/users.h"

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

/* The one user row st finds for zParam into *pUser, and its password hash into zHash when not NULL. */
static enum vs_err user_one(struct vs_db *db, struct vs_stmt *st, const char *zParam, struct vs_user *pUser,
			    char *zHash)
{
	const char *az[1] = { zParam };
	PGresult *r;
	enum vs_err rc = vs_db_exec(db, st, az, &r);

	if (rc != VS_OK)
		return rc;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return VS_ERR_NOT_FOUND;
	}
	fill_user(r, 0, 0, pUser);
	if (zHash != NULL)
		snprintf(zHash, VS_PASSWORD_HASH_MAX, "%s", PQgetvalue(r, 0, 5));
	PQclear(r);
	return VS_OK;
}

enum vs_err vs_user_get(struct vs_db *db, int64_t iId, struct vs_user *pUser)
{
	char zId[24];

	return user_one(db, &stUserGet, vs_db_param_i64(zId, iId), pUser, NULL);
}

enum vs_err vs_user_find_email(struct vs_db *db, const char *zEmail, struct vs_user *pUser)
{
	return user_one(db, &stUserByEmail, zEmail, pUser, NULL);
}

enum vs_err vs_user_find_credentials(struct vs_db *db, const char *zEmail, struct vs_user *pUser,
				     char zHash[VS_PASSWORD_HASH_MAX])
{
	return user_one(db, &stUserByEmail, zEmail, pUser, zHash);
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
	return vs_db_run(db, &stLink, az);
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
	"SELECT u.id, u.name, u.email, u.timezone,"
	" (SELECT count(*) FILTER (WHERE s.outcome = 'no_show') FROM video_sessions s"
	"   WHERE s.user_id = u.id AND s.partner_id = pc.partner_id),"
	" (SELECT count(*) FILTER (WHERE s.outcome = 'late_cancel') FROM video_sessions s"
	"   WHERE s.user_id = u.id AND s.partner_id = pc.partner_id)"
	" FROM partner_clients pc JOIN users u ON u.id = pc.client_id"
	" WHERE pc.partner_id = $1 ORDER BY u.name, u.id");

enum vs_err vs_clients_json(struct vs_db *db, const struct vs_view *v, int64_t iPartner,
			    struct vs_buf *out)
{
	char zP[24];
	const char *az[1] = { vs_db_param_i64(zP, iPartner) };
	PGresult *r;
	enum vs_err rc = vs_authorize_partner_collection(v->c, iPartner, VS_ACT_READ);

	if (rc != VS_OK)
		return rc;
	if ((rc = vs_db_exec(db, &stClients, az, &r)) != VS_OK)
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
		/* the record after: how often this client did not come, or cancelled late */
		vs_json_key(out, "no_show_count", false);
		vs_json_i64(out, vs_db_i64(r, i, 4));
		vs_json_key(out, "late_cancel_count", false);
		vs_json_i64(out, vs_db_i64(r, i, 5));
		vs_buf_putc(out, '}');
	}
	vs_buf_puts(out, "]}");
	PQclear(r);
	return VS_OK;
}
