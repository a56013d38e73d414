/*
 * auth.c — authentication of API requests.
 */
#include <string.h>

#include "auth.h"
#include "cookies.h"
#include "router.h"
#include "vsession/timeutil.h"
#include "vsession/token.h"

/* The token from "Authorization: Bearer x" or the __Host-vs_session cookie. */
static bool find_token(const struct vs_request *req, const char **pz, size_t *pn)
{
	const char *z = req->zAuthorization;

	if (z != NULL && z[0] != '\0') {
		if (strncasecmp(z, "Bearer ", 7) != 0)
			return false;
		z += 7;
		while (*z == ' ')
			z++;
		*pz = z;
		*pn = strlen(z);
		return *pn > 0;
	}
	return vs_cookie_find(req->zCookie, VS_SESSION_COOKIE, pz, pn);
}

/* The answer when the login check fails with rc. */
static void login_ended(struct vs_ctx *ctx, enum vs_err rc)
{
	if (rc == VS_ERR_UNAUTHENTICATED)
		vs_http_error(ctx->res, 401, "unauthenticated", "Your login has ended; log in again.", NULL);
	else
		vs_http_error_from(ctx->res, rc);
}

bool vs_authenticate(struct vs_ctx *ctx)
{
	struct vs_token_claims claims;
	const char *zTok;
	size_t nTok;
	enum vs_err rc;

	if (!find_token(ctx->req, &zTok, &nTok) ||
	    vs_token_verify(&ctx->cfg->token, zTok, nTok, ctx->req->iNowUs / VS_US_PER_SEC, &claims) != VS_OK) {
		vs_http_error(ctx->res, 401, "unauthenticated", "Log in to continue.", NULL);
		return false;
	}
	/* The login check travels with the handler's first statement (one round
	 * trip) and aborts it when the login has ended; vs_authenticate_finish()
	 * settles it before anything is answered. */
	rc = vs_login_check_deferred(ctx->db, claims.zSid, claims.iSub, claims.zRole, &ctx->caller);
	if (rc == VS_OK)
		return true;
	memset(&ctx->caller, 0, sizeof(ctx->caller));
	login_ended(ctx, rc);
	return false;
}

bool vs_authenticate_finish(struct vs_ctx *ctx)
{
	enum vs_err rc;

	if (vs_db_guard_state(ctx->db) == VS_GUARD_NONE)
		return true;
	rc = vs_db_guard_resolve(ctx->db);
	if (rc == VS_OK)
		return true;
	/* Whatever the handler wrote was aborted with the guard's pipeline:
	 * the answer is the one a failed login check always gave. */
	memset(&ctx->caller, 0, sizeof(ctx->caller));
	vs_buf_reset(&ctx->res->headers);
	login_ended(ctx, rc);
	return false;
}

void vs_audit_denied(struct vs_ctx *ctx, const char *zObjectType, int64_t iObjectId)
{
	struct vs_origin o = { ctx->req->zRequestId, ctx->req->zRemoteAddr };
	struct vs_audit a = {
		ctx->caller.iId, NULL,
		ctx->req->iRoute >= 0 ? vs_aRoute[ctx->req->iRoute].zName : "request",
		zObjectType, iObjectId, "denied"
	};

	vs_audit_write(ctx->db, &o, &a);
}
