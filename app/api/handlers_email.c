/*
 * handlers_email.c — what the API shows and does about email: a session's
 * messages, resending its invitation, and the one-click unsubscribe of
 * reminders (RFC 8058). The API never talks SMTP: it reads and writes the
 * outbox, and vsession-mailer delivers.
 */
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "vsession/outbox.h"
#include "vsession/store.h"

void vs_h_session_messages(struct vs_ctx *ctx)
{
	struct vs_h_call k;

	vs_h_begin(ctx, &k);
	vs_h_finish(ctx, &k, vs_session_messages(ctx->db, &k.v, ctx->req->aId[0], &ctx->res->body), 200,
		    "video_session", ctx->req->aId[0]);
}

void vs_h_session_resend_invitation(struct vs_ctx *ctx)
{
	struct vs_h_call k;
	enum vs_err rc;

	vs_h_begin(ctx, &k);
	if (ctx->req->pJson != NULL && !vs_h_form(ctx, NULL, 0, NULL))
		return;
	rc = vs_session_resend_invitation(ctx->db, &k.v, ctx->req->aId[0], &ctx->res->body);
	if (rc == VS_ERR_INVALID_STATE)
		vs_outcome_set(&k.o, NULL, "A cancelled or ended session has no invitation to send.");
	vs_h_finish(ctx, &k, rc, 202, "video_session", ctx->req->aId[0]);
}

/*
 * POST /api/email/unsubscribe?u=<user id>&t=<64 hex>: public, any body (mail
 * programs send "List-Unsubscribe=One-Click" as a form). A wrong or
 * malformed link is 404 and changes nothing.
 */
void vs_h_email_unsubscribe(struct vs_ctx *ctx)
{
	static const char *const azAllowed[] = { "u", "t", NULL };
	struct vs_query q;
	const char *zUser, *zMac;
	char *zEnd;
	long long iUser;
	enum vs_err rc;

	if (!vs_h_query(ctx, azAllowed, &q))
		return;
	zUser = vs_query_get(&q, "u");
	zMac = vs_query_get(&q, "t");
	iUser = zUser != NULL && zUser[0] >= '1' && zUser[0] <= '9' && strlen(zUser) <= 18 ? strtoll(zUser, &zEnd, 10) : 0;
	if (iUser <= 0 || *zEnd != '\0' || zMac == NULL || strlen(zMac) != 64 || strspn(zMac, "0123456789abcdef") != 64) {
		vs_query_free(&q);
		vs_http_error(ctx->res, 404, "not_found", "This unsubscribe link is not valid.", NULL);
		return;
	}
	rc = vs_email_unsubscribe(ctx->db, ctx->cfg->pJwtSecret, ctx->cfg->nJwtSecret, (int64_t)iUser, zMac);
	vs_query_free(&q);
	if (rc == VS_OK)
		ctx->res->iStatus = 204;
	else if (rc == VS_ERR_NOT_FOUND)
		vs_http_error(ctx->res, 404, "not_found", "This unsubscribe link is not valid.", NULL);
	else
		vs_http_error_from(ctx->res, rc);
}
