/*
 * handlers_people.c — the guest page's preview and the password check's
 * state: what the people around a session need to see before they join.
 */
#include <string.h>

#include "auth.h"
#include "handlers.h"
#include "vsession/people.h"

static const struct vs_field aPreviewField[] = {
	{ "invite", VS_F_STRING, true, false, 1, 128, 0 },
};

void vs_h_guest_preview(struct vs_ctx *ctx)
{
	struct vs_value a[1];
	enum vs_err rc;

	if (!vs_h_form(ctx, aPreviewField, 1, a))
		return;
	rc = vs_guest_preview(ctx->db, ctx->req->aId[0], a[0].z, ctx->req->iNowUs, &ctx->res->body);
	if (rc != VS_OK) {
		vs_buf_reset(&ctx->res->body);
		vs_authorized(ctx, rc, "video_session", ctx->req->aId[0]);
	}
}

void vs_h_session_password_state(struct vs_ctx *ctx)
{
	struct vs_origin org = vs_h_origin(ctx);
	struct vs_view v = { &ctx->caller, &org, ctx->cfg->zPublicUrl, ctx->req->iNowUs };
	enum vs_err rc = vs_session_password_state(ctx->db, &v, ctx->req->aId[0], &ctx->res->body);

	if (rc != VS_OK) {
		vs_buf_reset(&ctx->res->body);
		vs_authorized(ctx, rc, "video_session", ctx->req->aId[0]);
	}
}

static const struct vs_field aCancelField[] = {
	{ "reason", VS_F_STRING, false, false, 0, 500, 0 },
	{ "scope",  VS_F_STRING, false, false, 1, 16, 0 },
};

void vs_h_session_cancel(struct vs_ctx *ctx)
{
	struct vs_value a[2];
	struct vs_outcome o;
	struct vs_origin org = vs_h_origin(ctx);
	struct vs_view v = { &ctx->caller, &org, ctx->cfg->zPublicUrl, ctx->req->iNowUs };
	const char *zReason = NULL;
	enum vs_err rc;

	/* the body is optional: none is the same as {} */
	memset(a, 0, sizeof(a));
	if (ctx->req->pJson != NULL && !vs_h_form(ctx, aCancelField, 2, a))
		return;
	if (a[1].bPresent && strcmp(a[1].z, "one") != 0) {
		vs_h_invalid(ctx, "scope", "scope must be \"one\": this session is not part of a series.");
		return;
	}
	/* a blank reason is no reason */
	if (a[0].bPresent && strspn(a[0].z, " \t\r\n") < a[0].n)
		zReason = a[0].z;
	memset(&o, 0, sizeof(o));
	rc = vs_session_cancel(ctx->db, &v, ctx->req->aId[0], zReason, &ctx->res->body, &o);
	if (rc == VS_OK)
		return;
	vs_buf_reset(&ctx->res->body);
	if (rc == VS_ERR_INVALID_STATE)
		vs_http_error(ctx->res, 409, "invalid_state", o.zMessage, NULL);
	else
		vs_authorized(ctx, rc, "video_session", ctx->req->aId[0]);
}
