/*
 * handlers_users.c — a partner's clients.
 */
#include "handlers.h"

void vs_h_partner_clients(struct vs_ctx *ctx)
{
	struct vs_h_call k;

	vs_h_begin(ctx, &k);
	vs_h_finish(ctx, &k, vs_clients_json(ctx->db, &k.v, ctx->req->aId[0], &ctx->res->body), 200,
		    "partner", ctx->req->aId[0]);
}
