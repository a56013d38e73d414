/*
 * handlers_health.c — GET/HEAD /api/health: is the database reachable.
 */
#include "handlers.h"

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
