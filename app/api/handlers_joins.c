/*
 * handlers_joins.c — entering a room (members and guests) and guest invites.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "handlers.h"
#include "vsession/json.h"
#include "vsession/timeutil.h"

void vs_h_session_join(struct vs_ctx *ctx)
{
	struct vs_h_call k;

	vs_h_begin(ctx, &k);
	if (ctx->req->pJson != NULL && !vs_h_form(ctx, NULL, 0, NULL))
		return;
	vs_h_finish(ctx, &k, vs_session_join(ctx->db, &k.v, &ctx->cfg->jitsi, ctx->req->aId[0], &ctx->res->body, &k.o),
		    200, "video_session", ctx->req->aId[0]);
}

void vs_h_session_invite(struct vs_ctx *ctx)
{
	struct vs_h_call k;

	vs_h_begin(ctx, &k);
	if (ctx->req->pJson != NULL && !vs_h_form(ctx, NULL, 0, NULL))
		return;
	vs_h_finish(ctx, &k, vs_session_invite(ctx->db, &k.v, ctx->req->aId[0], &ctx->res->body, &k.o), 201,
		    "video_session", ctx->req->aId[0]);
}

static const struct vs_field aGuestField[] = {
	{ "invite",   VS_F_STRING, true,  false, 1, 128, 0 },
	{ "password", VS_F_STRING, false, false, 0, 64, 0 },
	{ "name",     VS_F_STRING, true,  false, 1, 100, 0 },
};

void vs_h_guest_join(struct vs_ctx *ctx)
{
	struct vs_value a[3];
	struct vs_h_call k;

	vs_h_begin(ctx, &k);
	if (!vs_h_form(ctx, aGuestField, 3, a))
		return;
	if (strspn(a[2].z, " \t\r\n") == a[2].n) {
		vs_h_invalid(ctx, "name", "name must not be blank.");
		return;
	}
	vs_h_finish(ctx, &k, vs_guest_join(ctx->db, &k.v, &ctx->cfg->jitsi, ctx->req->aId[0], a[0].z,
					   a[1].bPresent ? a[1].z : "", a[1].bPresent ? a[1].n : 0, a[1].bPresent,
					   a[2].z, &ctx->res->body, &k.o),
		    200, "video_session", ctx->req->aId[0]);
}
