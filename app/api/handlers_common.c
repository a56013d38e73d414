/*
 * handlers_common.c — what every handler shares: input checks, origins,
 * the user object, and the health and account routes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "cookies.h"
#include "handlers.h"
#include "vsession/json.h"
#include "vsession/timeutil.h"
#include "vsession/token.h"

void vs_h_invalid(struct vs_ctx *ctx, const char *zField, const char *zMessage)
{
	vs_http_error(ctx->res, 422, "validation_failed", zMessage, zField);
}

bool vs_h_form(struct vs_ctx *ctx, const struct vs_field *aField, size_t nField,
	       struct vs_value *aValue)
{
	const char *zField = NULL;
	char zMsg[256];

	if (vs_form_validate(ctx->req->pJson, aField, nField, aValue, &zField, zMsg, sizeof(zMsg)) == VS_FORM_OK)
		return true;
	vs_h_invalid(ctx, zField, zMsg);
	return false;
}

bool vs_h_query(struct vs_ctx *ctx, const char *const *azAllowed, struct vs_query *q)
{
	const char *zBad = NULL;
	enum vs_err rc = vs_query_parse(ctx->req->zQuery, strlen(ctx->req->zQuery), azAllowed, q, &zBad);
	char zMsg[200];

	if (rc == VS_OK)
		return true;
	if (rc == VS_ERR_NOMEM) {
		vs_http_error_from(ctx->res, VS_ERR_INTERNAL);
		return false;
	}
	if (vs_query_bad_is_key(zBad) && zBad[0] != '\0') {
		/* an unknown or repeated parameter, or one whose value is not clean text */
		snprintf(zMsg, sizeof(zMsg), "The query parameter %s is unknown, repeated, or its value is not valid text.", zBad);
		vs_h_invalid(ctx, zBad, zMsg);
		return false;
	}
	/* a fault in no one parameter (a key that cannot be decoded, too many): the query as a whole */
	snprintf(zMsg, sizeof(zMsg), "The query string is not valid: %s.", zBad ? zBad : "bad parameter");
	vs_h_invalid(ctx, "query", zMsg);
	return false;
}

struct vs_origin vs_h_origin(const struct vs_ctx *ctx)
{
	struct vs_origin o = { ctx->req->zRequestId, ctx->req->zRemoteAddr };
	return o;
}

void vs_h_user_json(struct vs_buf *b, const struct vs_user *u)
{
	vs_buf_putc(b, '{');
	vs_json_key(b, "id", true);
	vs_json_i64(b, u->iId);
	vs_json_key(b, "role", false);
	vs_json_str(b, vs_role_name(u->eRole));
	vs_json_key(b, "name", false);
	vs_json_str(b, u->zName);
	vs_json_key(b, "email", false);
	vs_json_str(b, u->zEmail);
	vs_json_key(b, "timezone", false);
	vs_json_str(b, u->zTimezone);
	vs_buf_putc(b, '}');
}

void vs_h_health(struct vs_ctx *ctx)
{
	enum vs_err rc = vs_store_ping(ctx->db);

	if (rc == VS_OK) {
		vs_buf_puts(&ctx->res->body, "{\"status\":\"ok\",\"database\":\"ok\"}");
		return;
	}
	ctx->res->iStatus = 503;
	vs_http_header(ctx->res, "Retry-After", "2");
	vs_buf_puts(&ctx->res->body,
		    "{\"status\":\"unavailable\",\"database\":\"down\","
		    "\"error\":{\"code\":\"unavailable\",\"message\":\"The database cannot be reached.\"}}");
}

static const struct vs_field aLoginField[] = {
	{ "email",    VS_F_STRING, true, false, 1, 254, 0 },
	{ "password", VS_F_STRING, true, false, 1, 1024, 0 },
};

void vs_h_login(struct vs_ctx *ctx)
{
	struct vs_value aV[2];
	struct vs_login_attempt in;
	struct vs_login_result out;
	struct vs_origin o = vs_h_origin(ctx);
	char zRetry[16], zCookie[VS_TOKEN_MAX_LEN + 128];
	char *zToken = NULL;
	int64_t iExp = 0;
	enum vs_err rc;

	if (!vs_h_form(ctx, aLoginField, 2, aV))
		return;
	memset(&in, 0, sizeof(in));
	in.zEmail = aV[0].z;
	in.zPassword = aV[1].z;
	in.nPassword = aV[1].n;
	in.pKey = ctx->cfg->token.pSecret;
	in.nKey = ctx->cfg->token.nSecret;
	in.iTtlSec = ctx->cfg->iTokenTtlSec;
	if (!vs_cookie_find(ctx->req->zCookie, VS_DEVICE_COOKIE, &in.zDeviceCookie, &in.nDeviceCookie))
		in.zDeviceCookie = NULL;
	rc = vs_login(ctx->db, &o, &in, &out);
	if (rc == VS_ERR_RATE_LIMITED) {
		snprintf(zRetry, sizeof(zRetry), "%d", out.iRetryAfter);
		vs_http_header(ctx->res, "Retry-After", zRetry);
		vs_http_error(ctx->res, 429, "too_many_attempts",
			      "Too many login attempts; try again later.", NULL);
		return;
	}
	if (rc == VS_ERR_UNAUTHENTICATED) {
		vs_http_error(ctx->res, 401, "unauthenticated", "The email or password is wrong.", NULL);
		return;
	}
	if (rc != VS_OK) {
		vs_http_error_from(ctx->res, rc);
		return;
	}
	rc = vs_token_issue(&ctx->cfg->token, out.user.iId, vs_role_name(out.user.eRole), out.zSid,
			    ctx->req->iNowUs / VS_US_PER_SEC, &zToken, &iExp);
	if (rc != VS_OK) {
		vs_http_error_from(ctx->res, VS_ERR_INTERNAL);
		return;
	}
	snprintf(zCookie, sizeof(zCookie), VS_SESSION_COOKIE "=%s; Path=/; Max-Age=%lld; HttpOnly; Secure; SameSite=Strict",
		 zToken, (long long)ctx->cfg->iTokenTtlSec);
	vs_http_header(ctx->res, "Set-Cookie", zCookie);
	snprintf(zCookie, sizeof(zCookie), VS_DEVICE_COOKIE "=%s; Path=/; Max-Age=%d; HttpOnly; Secure; SameSite=Strict",
		 out.zDeviceCookie, VS_DEVICE_COOKIE_TTL_SEC);
	vs_http_header(ctx->res, "Set-Cookie", zCookie);
	vs_buf_puts(&ctx->res->body, "{");
	vs_json_key(&ctx->res->body, "token", true);
	vs_json_str(&ctx->res->body, zToken);
	vs_json_key(&ctx->res->body, "expires_at", false);
	vs_json_time(&ctx->res->body, iExp * VS_US_PER_SEC);
	vs_json_key(&ctx->res->body, "user", false);
	vs_h_user_json(&ctx->res->body, &out.user);
	vs_buf_putc(&ctx->res->body, '}');
	explicit_bzero(zCookie, sizeof(zCookie));
	explicit_bzero(&out, sizeof(out));
	free(zToken);
}

void vs_h_logout(struct vs_ctx *ctx)
{
	struct vs_origin o = vs_h_origin(ctx);
	enum vs_err rc;

	if (ctx->req->pJson != NULL && !vs_h_form(ctx, NULL, 0, NULL))
		return;
	rc = vs_logout(ctx->db, &o, &ctx->caller);

	if (rc != VS_OK) {
		vs_http_error_from(ctx->res, rc);
		return;
	}
	vs_http_header(ctx->res, "Set-Cookie", VS_SESSION_COOKIE "=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict");
	ctx->res->iStatus = 204;
}

void vs_h_me(struct vs_ctx *ctx)
{
	struct vs_user u;
	enum vs_err rc = vs_user_get(ctx->db, ctx->caller.iId, &u);

	if (rc != VS_OK) {
		vs_http_error_from(ctx->res, rc == VS_ERR_NOT_FOUND ? VS_ERR_UNAUTHENTICATED : rc);
		return;
	}
	vs_h_user_json(&ctx->res->body, &u);
}

void vs_h_partner_clients(struct vs_ctx *ctx)
{
	int64_t iPartner = ctx->req->aId[0];
	enum vs_err rc;

	if (!vs_authorized(ctx, vs_authorize_partner_collection(&ctx->caller, iPartner, VS_ACT_READ),
			   "partner", iPartner))
		return;
	rc = vs_clients_json(ctx->db, iPartner, &ctx->res->body);
	if (rc != VS_OK)
		vs_http_error_from(ctx->res, rc);
}
