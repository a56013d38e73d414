/*
 * authz.c — object-level authorization, decided in one place.
 *
 * The rule: every decision "may this caller do this to this object" is
 * made by a function of this file, and called by the store function that
 * loads the object (or, for a collection, first thing in the store
 * function that reads or changes it), before anything is read for the
 * caller or changed. Handlers decide nothing; they answer what the store
 * returns (handlers_common.c, vs_h_refuse), and every 403 is audited there.
 *
 * Partners act on their own things; clients read and join their own
 * sessions; admins read everything and change nothing. A 404 is answered
 * where a 403 would confirm that someone else's object exists; a 403 where
 * the caller names a collection it may not read. The authorization matrix
 * test (tests/api/authz-matrix.test.mjs) walks every route for every role;
 * tests/unit/test_authz.c checks these functions' table of decisions.
 */
#include "vsession/authz.h"

enum vs_err vs_authorize_partner_collection(const struct vs_caller *c, int64_t iPartner,
					    enum vs_action a)
{
	if (c->eRole == VS_ROLE_ADMIN)
		return a == VS_ACT_READ ? VS_OK : VS_ERR_FORBIDDEN;
	if (c->eRole == VS_ROLE_PARTNER && c->iId == iPartner)
		return a == VS_ACT_READ || a == VS_ACT_WRITE ? VS_OK : VS_ERR_FORBIDDEN;
	return VS_ERR_FORBIDDEN;
}

enum vs_err vs_authorize_user_collection(const struct vs_caller *c, int64_t iUser, bool bLinked)
{
	switch (c->eRole) {
	case VS_ROLE_ADMIN:
		return VS_OK;
	case VS_ROLE_CLIENT:
		return c->iId == iUser ? VS_OK : VS_ERR_FORBIDDEN;
	case VS_ROLE_PARTNER:
		return bLinked ? VS_OK : VS_ERR_FORBIDDEN;
	default:
		return VS_ERR_FORBIDDEN;
	}
}

enum vs_err vs_authorize_session_create(const struct vs_caller *c)
{
	return c->eRole == VS_ROLE_PARTNER ? VS_OK : VS_ERR_FORBIDDEN;
}

enum vs_err vs_authorize_session(const struct vs_caller *c, enum vs_action a,
				 int64_t iPartner, int64_t iClient)
{
	switch (c->eRole) {
	case VS_ROLE_ADMIN:
		return a == VS_ACT_READ ? VS_OK : VS_ERR_FORBIDDEN;
	case VS_ROLE_PARTNER:
		if (c->iId != iPartner)
			return VS_ERR_NOT_FOUND;
		/* the partner needs no password: verifying is the client's step */
		return a == VS_ACT_VERIFY ? VS_ERR_FORBIDDEN : VS_OK;
	case VS_ROLE_CLIENT:
		if (c->iId != iClient)
			return VS_ERR_NOT_FOUND;
		return a == VS_ACT_WRITE ? VS_ERR_FORBIDDEN : VS_OK;
	default:
		return VS_ERR_NOT_FOUND;
	}
}

enum vs_err vs_authorize_appointment(const struct vs_caller *c, enum vs_action a, int64_t iPartner)
{
	if (c->eRole == VS_ROLE_ADMIN)
		return a == VS_ACT_READ ? VS_OK : VS_ERR_FORBIDDEN;
	if (c->eRole == VS_ROLE_PARTNER && c->iId == iPartner)
		return a == VS_ACT_READ || a == VS_ACT_WRITE ? VS_OK : VS_ERR_FORBIDDEN;
	return VS_ERR_NOT_FOUND;
}

enum vs_err vs_authorize_session_client(const struct vs_caller *c, int64_t iPartner, int64_t iClient)
{
	enum vs_err rc = vs_authorize_session(c, VS_ACT_READ, iPartner, iClient);

	if (rc != VS_OK)
		return rc;
	return c->eRole == VS_ROLE_CLIENT ? VS_OK : VS_ERR_FORBIDDEN;
}

enum vs_err vs_authorize_partner_object(const struct vs_caller *c, enum vs_action a, int64_t iPartner)
{
	return vs_authorize_appointment(c, a, iPartner);
}
