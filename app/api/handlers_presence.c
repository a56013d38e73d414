/*
 * handlers_presence.c — presence beats from the join page and the room, and
 * the partner's view of who is waiting. One statement per request.
 */
#include <string.h>

#include "auth.h"
#include "handlers.h"
#include "vsession/people.h"

/* "waiting" or "room" into *pbRoom; false after answering 422. */
static bool place_of(struct vs_ctx *ctx, const struct vs_value *a, bool *pbRoom)
{
	if (!strcmp(a->z, "waiting") || !strcmp(a->z, "room")) {
		*pbRoom = a->z[0] == 'r';
		return true;
	}
	vs_h_invalid(ctx, "place", "place must be \"waiting\" or \"room\".");
	return false;
}

static const struct vs_field aBeatField[] = {
	{ "place", VS_F_STRING, true, false, 1, 16, 0 },
};

void vs_h_presence_beat(struct vs_ctx *ctx)
{
	struct vs_value a[1];
	struct vs_h_call k;
	bool bRoom;

	vs_h_begin(ctx, &k);
	if (!vs_h_form(ctx, aBeatField, 1, a) || !place_of(ctx, &a[0], &bRoom))
		return;
	vs_h_finish(ctx, &k, vs_presence_beat(ctx->db, &k.v, ctx->req->aId[0], bRoom, &ctx->res->body),
		    200, "video_session", ctx->req->aId[0]);
}

static const struct vs_field aGuestBeatField[] = {
	{ "invite", VS_F_STRING, true, false, 1, 128, 0 },
	{ "name",   VS_F_STRING, true, false, 1, 100, 0 },
	{ "place",  VS_F_STRING, true, false, 1, 16, 0 },
};

void vs_h_presence_guest_beat(struct vs_ctx *ctx)
{
	struct vs_value a[3];
	struct vs_h_call k;
	bool bRoom;

	vs_h_begin(ctx, &k);
	if (!vs_h_form(ctx, aGuestBeatField, 3, a) || !place_of(ctx, &a[2], &bRoom))
		return;
	vs_h_finish(ctx, &k,
		    vs_presence_guest_beat(ctx->db, ctx->req->aId[0], a[0].z, a[1].z, bRoom, &ctx->res->body, &k.o),
		    200, "video_session", ctx->req->aId[0]);
}

void vs_h_partner_presence(struct vs_ctx *ctx)
{
	struct vs_h_call k;

	vs_h_begin(ctx, &k);
	vs_h_finish(ctx, &k, vs_presence_of_partner(ctx->db, &k.v, ctx->req->aId[0], &ctx->res->body),
		    200, "partner", ctx->req->aId[0]);
}
