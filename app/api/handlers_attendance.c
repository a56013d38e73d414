/*
 * handlers_attendance.c — restoring a cancelled session, a client's request
 * for another time, and the partner's dashboard notices (a client's
 * cancellation, a request) with their dismissal. The client's cancel itself
 * is the cancel route (handlers_people.c); the outcome is a field of PUT.
 */
#include <string.h>

#include "auth.h"
#include "handlers.h"
#include "vsession/attendance.h"

void vs_h_session_restore(struct vs_ctx *ctx)
{
	struct vs_h_call k;

	vs_h_begin(ctx, &k);
	/* the body is optional and takes no fields */
	if (ctx->req->pJson != NULL && !vs_h_form(ctx, NULL, 0, NULL))
		return;
	vs_h_finish(ctx, &k, vs_session_restore(ctx->db, &k.v, ctx->req->aId[0], &ctx->res->body, &k.o),
		    200, "video_session", ctx->req->aId[0]);
}

static const struct vs_field aRequestField[] = {
	{ "message", VS_F_STRING, true, false, 1, 500, 0 },
};

void vs_h_reschedule_request(struct vs_ctx *ctx)
{
	struct vs_value a[1];
	struct vs_h_call k;

	vs_h_begin(ctx, &k);
	if (!vs_h_form(ctx, aRequestField, 1, a))
		return;
	if (strspn(a[0].z, " \t\r\n") == a[0].n) {
		vs_h_invalid(ctx, "message", "message must not be blank.");
		return;
	}
	vs_h_finish(ctx, &k, vs_reschedule_request(ctx->db, &k.v, ctx->req->aId[0], a[0].z, &ctx->res->body, &k.o),
		    201, "video_session", ctx->req->aId[0]);
}

void vs_h_partner_notices(struct vs_ctx *ctx)
{
	struct vs_h_call k;

	vs_h_begin(ctx, &k);
	vs_h_finish(ctx, &k, vs_partner_notices(ctx->db, &k.v, ctx->req->aId[0], &ctx->res->body),
		    200, "partner", ctx->req->aId[0]);
}

void vs_h_notice_dismiss(struct vs_ctx *ctx)
{
	struct vs_h_call k;

	vs_h_begin(ctx, &k);
	vs_h_finish(ctx, &k, vs_partner_notice_dismiss(ctx->db, &k.v, ctx->req->aId[0]),
		    204, "partner_notice", ctx->req->aId[0]);
}
