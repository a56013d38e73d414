/*
 * handlers_auth.c — logging in and out, and who is logged in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cookies.h"
#include "handlers.h"
#include "vsession/json.h"
#include "vsession/timeutil.h"
#include "vsession/token.h"

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
		struct vs_outcome refusal = { .iRetryAfter = out.iRetryAfter };

		vs_outcome_set(&refusal, NULL, "Too many login attempts; try again later.");
		vs_http_error_answer(ctx->res, rc, &refusal);
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
	vs_h_login_answer(ctx, &out.user, out.zSid, out.zDeviceCookie);
	explicit_bzero(&out, sizeof(out));
}

/*
 * The answer and cookies of a login session just opened (a password login, or
 * a password set from a link): the token, its expiry and the user.
 */
void vs_h_login_answer(struct vs_ctx *ctx, const struct vs_user *u, const char *zSid, const char *zDeviceCookie)
{
	char zCookie[VS_TOKEN_MAX_LEN + 128];
	char *zToken = NULL;
	int64_t iExp = 0;

	if (vs_token_issue(&ctx->cfg->token, u->iId, vs_role_name(u->eRole), zSid,
			   ctx->req->iNowUs / VS_US_PER_SEC, &zToken, &iExp) != VS_OK) {
		vs_http_error_from(ctx->res, VS_ERR_INTERNAL);
		return;
	}
	snprintf(zCookie, sizeof(zCookie), VS_SESSION_COOKIE "=%s; Path=/; Max-Age=%lld; HttpOnly; Secure; SameSite=Strict",
		 zToken, (long long)ctx->cfg->iTokenTtlSec);
	vs_http_header(ctx->res, "Set-Cookie", zCookie);
	snprintf(zCookie, sizeof(zCookie), VS_DEVICE_COOKIE "=%s; Path=/; Max-Age=%d; HttpOnly; Secure; SameSite=Strict",
		 zDeviceCookie, VS_DEVICE_COOKIE_TTL_SEC);
	vs_http_header(ctx->res, "Set-Cookie", zCookie);
	vs_buf_puts(&ctx->res->body, "{");
	vs_json_key(&ctx->res->body, "token", true);
	vs_json_str(&ctx->res->body, zToken);
	vs_json_key(&ctx->res->body, "expires_at", false);
	vs_json_time(&ctx->res->body, iExp * VS_US_PER_SEC);
	vs_json_key(&ctx->res->body, "user", false);
	vs_h_user_json(&ctx->res->body, u);
	vs_buf_putc(&ctx->res->body, '}');
	explicit_bzero(zCookie, sizeof(zCookie));
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
