/*
 * test_authz.c — the authorization decisions of lib/authz.c, as a table.
 *
 * Proves, for every role and action: partners act on their own sessions,
 * appointments and collections and get 404 for anyone else's objects;
 * clients read and join their own sessions, verify their passwords and
 * change nothing; admins read everything and change nothing (403);
 * nobody (no role) learns that an object exists (404). The API's matrix
 * test (tests/api/authz-matrix.test.mjs) proves the same through HTTP.
 */
#include "vsession/authz.h"
#include "unit.h"

enum { PARTNER = 10, OTHER_PARTNER = 11, CLIENT = 20, OTHER_CLIENT = 21, ADMIN = 30 };

static const struct vs_caller cPartner = { PARTNER, VS_ROLE_PARTNER, "" };
static const struct vs_caller cOtherPartner = { OTHER_PARTNER, VS_ROLE_PARTNER, "" };
static const struct vs_caller cClient = { CLIENT, VS_ROLE_CLIENT, "" };
static const struct vs_caller cOtherClient = { OTHER_CLIENT, VS_ROLE_CLIENT, "" };
static const struct vs_caller cAdmin = { ADMIN, VS_ROLE_ADMIN, "" };
static const struct vs_caller cNobody = { 0, VS_ROLE_NONE, "" };

/* One session of PARTNER with CLIENT: read, write, verify, join. */
static void one_session_by_role(void)
{
	static const struct {
		const struct vs_caller *c;
		enum vs_err aWant[4];   /* READ, WRITE, VERIFY, JOIN */
	} aCase[] = {
		{ &cPartner,      { VS_OK, VS_OK, VS_ERR_FORBIDDEN, VS_OK } },
		{ &cOtherPartner, { VS_ERR_NOT_FOUND, VS_ERR_NOT_FOUND, VS_ERR_NOT_FOUND, VS_ERR_NOT_FOUND } },
		{ &cClient,       { VS_OK, VS_ERR_FORBIDDEN, VS_OK, VS_OK } },
		{ &cOtherClient,  { VS_ERR_NOT_FOUND, VS_ERR_NOT_FOUND, VS_ERR_NOT_FOUND, VS_ERR_NOT_FOUND } },
		{ &cAdmin,        { VS_OK, VS_ERR_FORBIDDEN, VS_ERR_FORBIDDEN, VS_ERR_FORBIDDEN } },
		{ &cNobody,       { VS_ERR_NOT_FOUND, VS_ERR_NOT_FOUND, VS_ERR_NOT_FOUND, VS_ERR_NOT_FOUND } },
	};
	static const enum vs_action aAct[4] = { VS_ACT_READ, VS_ACT_WRITE, VS_ACT_VERIFY, VS_ACT_JOIN };

	for (size_t i = 0; i < sizeof(aCase) / sizeof(aCase[0]); i++)
		for (int a = 0; a < 4; a++)
			CHECK_INT(vs_authorize_session(aCase[i].c, aAct[a], PARTNER, CLIENT), aCase[i].aWant[a]);
}

/* One appointment of PARTNER: clients never see appointments. */
static void one_appointment_by_role(void)
{
	CHECK_INT(vs_authorize_appointment(&cPartner, VS_ACT_READ, PARTNER), VS_OK);
	CHECK_INT(vs_authorize_appointment(&cPartner, VS_ACT_WRITE, PARTNER), VS_OK);
	CHECK_INT(vs_authorize_appointment(&cPartner, VS_ACT_JOIN, PARTNER), VS_ERR_FORBIDDEN);
	CHECK_INT(vs_authorize_appointment(&cOtherPartner, VS_ACT_READ, PARTNER), VS_ERR_NOT_FOUND);
	CHECK_INT(vs_authorize_appointment(&cClient, VS_ACT_READ, PARTNER), VS_ERR_NOT_FOUND);
	CHECK_INT(vs_authorize_appointment(&cAdmin, VS_ACT_READ, PARTNER), VS_OK);
	CHECK_INT(vs_authorize_appointment(&cAdmin, VS_ACT_WRITE, PARTNER), VS_ERR_FORBIDDEN);
	CHECK_INT(vs_authorize_appointment(&cNobody, VS_ACT_READ, PARTNER), VS_ERR_NOT_FOUND);
}

/* Collections are named in the path, so a refusal is 403, never 404. */
static void collections_by_role(void)
{
	CHECK_INT(vs_authorize_partner_collection(&cPartner, PARTNER, VS_ACT_READ), VS_OK);
	CHECK_INT(vs_authorize_partner_collection(&cPartner, PARTNER, VS_ACT_WRITE), VS_OK);
	CHECK_INT(vs_authorize_partner_collection(&cPartner, PARTNER, VS_ACT_JOIN), VS_ERR_FORBIDDEN);
	CHECK_INT(vs_authorize_partner_collection(&cOtherPartner, PARTNER, VS_ACT_READ), VS_ERR_FORBIDDEN);
	CHECK_INT(vs_authorize_partner_collection(&cClient, PARTNER, VS_ACT_READ), VS_ERR_FORBIDDEN);
	CHECK_INT(vs_authorize_partner_collection(&cAdmin, PARTNER, VS_ACT_READ), VS_OK);
	CHECK_INT(vs_authorize_partner_collection(&cAdmin, PARTNER, VS_ACT_WRITE), VS_ERR_FORBIDDEN);
	CHECK_INT(vs_authorize_partner_collection(&cNobody, 0, VS_ACT_READ), VS_ERR_FORBIDDEN);

	CHECK_INT(vs_authorize_user_collection(&cClient, CLIENT, false), VS_OK);
	CHECK_INT(vs_authorize_user_collection(&cOtherClient, CLIENT, false), VS_ERR_FORBIDDEN);
	CHECK_INT(vs_authorize_user_collection(&cPartner, CLIENT, true), VS_OK);
	CHECK_INT(vs_authorize_user_collection(&cOtherPartner, CLIENT, false), VS_ERR_FORBIDDEN);
	CHECK_INT(vs_authorize_user_collection(&cAdmin, CLIENT, false), VS_OK);
	CHECK_INT(vs_authorize_user_collection(&cNobody, CLIENT, true), VS_ERR_FORBIDDEN);
}

static void only_partners_create_sessions(void)
{
	CHECK_INT(vs_authorize_session_create(&cPartner), VS_OK);
	CHECK_INT(vs_authorize_session_create(&cClient), VS_ERR_FORBIDDEN);
	CHECK_INT(vs_authorize_session_create(&cAdmin), VS_ERR_FORBIDDEN);
	CHECK_INT(vs_authorize_session_create(&cNobody), VS_ERR_FORBIDDEN);
}

int main(void)
{
	one_session_by_role();
	one_appointment_by_role();
	collections_by_role();
	only_partners_create_sessions();
	return unit_summary("test_authz");
}
