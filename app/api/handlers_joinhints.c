/*
 * handlers_joinhints.c — what the login page may say about the session a
 * join link leads to, from the link's signed hint (lib/joinhints.c). No
 * login; one statement, and none for a hint that does not verify.
 */
#include "auth.h"
#include "handlers.h"
#include "vsession/joinhints.h"

static const struct vs_field aHintField[] = {
	{ "hint", VS_F_STRING, true, false, 1, VS_JOIN_HINT_MAX - 1, 0 },
};

void vs_h_join_hint(struct vs_ctx *ctx)
{
	struct vs_value a[1];
	struct vs_h_call k;

	vs_h_begin(ctx, &k);
	if (!vs_h_form(ctx, aHintField, 1, a))
		return;
	vs_h_finish(ctx, &k,
		    vs_join_hint_preview(ctx->db, ctx->cfg->pJwtSecret, ctx->cfg->nJwtSecret, ctx->req->aId[0], a[0].z,
					 ctx->req->iNowUs, &ctx->res->body),
		    200, "video_session", ctx->req->aId[0]);
}
