/*
 * handlers_people.c — the guest page's preview, the password check's state
 * and cancelling with a reason: what the people around a session need to see
 * and do before they join.
 */
#include <string.h>

#include "auth.h"
#include "handlers.h"
#include "handlers_series.h"
#include "vsession/people.h"

static const struct vs_field aPreviewField[] = {
	{ "invite", VS_F_STRING, true, false, 1, 128, 0 },
};

void vs_h_guest_preview(struct vs_ctx *ctx)
{
	struct vs_value a[1];
	struct vs_h_call k;

	vs_h_begin(ctx, &k);
	if (!vs_h_form(ctx, aPreviewField, 1, a))
		return;
	vs_h_finish(ctx, &k, vs_guest_preview(ctx->db, ctx->req->aId[0], a[0].z, ctx->req->iNowUs, &ctx->res->body),
		    200, "video_session", ctx->req->aId[0]);
}

void vs_h_session_password_state(struct vs_ctx *ctx)
{
	struct vs_h_call k;

	vs_h_begin(ctx, &k);
	vs_h_finish(ctx, &k, vs_session_password_state(ctx->db, &k.v, ctx->req->aId[0], &ctx->res->body),
		    200, "video_session", ctx->req->aId[0]);
}

static const struct vs_field aCancelField[] = {
	{ "reason", VS_F_STRING, false, false, 0, 500, 0 },
	{ "scope",  VS_F_STRING, false, false, 1, 16, 0 },
};

void vs_h_session_cancel(struct vs_ctx *ctx)
{
	struct vs_value a[2];
	struct vs_h_call k;
	const char *zReason = NULL;

	vs_h_begin(ctx, &k);
	/* the body is optional: none is the same as {} */
	memset(a, 0, sizeof(a));
	if (ctx->req->pJson != NULL && !vs_h_form(ctx, aCancelField, 2, a))
		return;
	/* a blank reason is no reason */
	if (a[0].bPresent && strspn(a[0].z, " \t\r\n") < a[0].n)
		zReason = a[0].z;
	if (a[1].bPresent) {
		vs_h_series_cancel(ctx, &k, zReason, a[1].z);
		return;
	}
	vs_h_finish(ctx, &k, vs_session_cancel(ctx->db, &k.v, ctx->req->aId[0], zReason, &ctx->res->body, &k.o),
		    200, "video_session", ctx->req->aId[0]);
}
