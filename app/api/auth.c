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
	rc = vs_login_check(ctx->db, claims.zSid, claims.iSub, &ctx->caller);
	if (rc == VS_OK)
		return true;
	if (rc == VS_ERR_UNAUTHENTICATED)
		vs_http_error(ctx->res, 401, "unauthenticated", "Your login has ended; log in again.", NULL);
	else
		vs_http_error_from(ctx->res, rc);
	return false;
}

bool vs_authorized(struct vs_ctx *ctx, enum vs_err err, const char *zObjectType, int64_t iObjectId)
{
	if (err == VS_OK)
		return true;
	if (err == VS_ERR_FORBIDDEN) {
		struct vs_origin o = { ctx->req->zRequestId, ctx->req->zRemoteAddr };
		struct vs_audit a = {
			ctx->caller.iId, NULL,
			ctx->req->iRoute >= 0 ? vs_aRoute[ctx->req->iRoute].zName : "request",
			zObjectType, iObjectId, "denied"
		};
		vs_audit_write(ctx->db, &o, &a);
	}
	vs_http_error_from(ctx->res, err);
	return false;
}
