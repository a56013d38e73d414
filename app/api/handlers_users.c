/*
 * handlers_users.c — a partner's clients.
 */
#include "auth.h"
#include "handlers.h"

void vs_h_partner_clients(struct vs_ctx *ctx)
{
	int64_t iPartner = ctx->req->aId[0];
	struct vs_origin o = vs_h_origin(ctx);
	struct vs_view v = { &ctx->caller, &o, ctx->cfg->zPublicUrl, ctx->req->iNowUs };
	enum vs_err rc = vs_clients_json(ctx->db, &v, iPartner, &ctx->res->body);

	if (rc != VS_OK)
		vs_authorized(ctx, rc, "partner", iPartner);
}
