/*
 * handlers_appointments.c — appointments and the partner's calendar.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "handlers.h"
#include "vsession/json.h"
#include "vsession/timeutil.h"

#define CALENDAR_MAX_US (INT64_C(92) * 86400 * 1000000)

enum { AF_TITLE, AF_START, AF_END, AF_USER, AF_NOTES, AF__N };

static const struct vs_field aApptField[AF__N] = {
	[AF_TITLE] = { "title",     VS_F_STRING, false, false, 1, 200, 0 },
	[AF_START] = { "starts_at", VS_F_TIME,   false, false, 0, 0, 0 },
	[AF_END]   = { "ends_at",   VS_F_TIME,   false, false, 0, 0, 0 },
	[AF_USER]  = { "user_id",   VS_F_INT,    false, true,  1, INT64_C(9007199254740991), 0 },
	[AF_NOTES] = { "notes",     VS_F_STRING, false, false, 0, 10000, 0 },
};

static bool appt_input(struct vs_ctx *ctx, struct vs_appointment_input *in, bool bCreate)
{
	struct vs_value a[AF__N];
	struct vs_field aField[AF__N];

	memcpy(aField, aApptField, sizeof(aField));
	if (bCreate)
		aField[AF_TITLE].bRequired = aField[AF_START].bRequired = aField[AF_END].bRequired = true;
	if (!vs_h_form(ctx, aField, AF__N, a))
		return false;
	if (a[AF_TITLE].bPresent && strspn(a[AF_TITLE].z, " \t\r\n") == a[AF_TITLE].n) {
		vs_h_invalid(ctx, "title", "title must not be blank.");
		return false;
	}
	memset(in, 0, sizeof(*in));
	in->bTitle = a[AF_TITLE].bPresent;
	in->zTitle = a[AF_TITLE].z;
	in->bStart = a[AF_START].bPresent;
	in->iStartUs = a[AF_START].i;
	in->bEnd = a[AF_END].bPresent;
	in->iEndUs = a[AF_END].i;
	in->bUser = a[AF_USER].bPresent;
	in->bUserNull = a[AF_USER].bNull;
	in->iUserId = a[AF_USER].i;
	in->bNotes = a[AF_NOTES].bPresent;
	in->zNotes = a[AF_NOTES].z;
	if (in->bStart && vs_h_beyond_horizon(ctx, in->iStartUs, 0)) {
		vs_h_refuse_horizon(ctx, "starts_at");
		return false;
	}
	/* an end may follow the latest start by the longest appointment */
	if (in->bEnd && vs_h_beyond_horizon(ctx, in->iEndUs, VS_APPOINTMENT_MAX_US)) {
		vs_h_refuse_horizon(ctx, "ends_at");
		return false;
	}
	return true;
}

/* Optional from/to (required when bRequired); false after answering 422. */
static bool range_query(struct vs_ctx *ctx, bool bRequired, int64_t *piFrom, int64_t *piTo)
{
	static const char *const azAllowed[] = { "from", "to", NULL };
	struct vs_query q;
	const char *zF, *zT;
	bool bOk = false;

	*piFrom = *piTo = 0;
	if (!vs_h_query(ctx, azAllowed, &q))
		return false;
	zF = vs_query_get(&q, "from");
	zT = vs_query_get(&q, "to");
	if (bRequired && (zF == NULL || zT == NULL)) {
		vs_h_invalid(ctx, zF == NULL ? "from" : "to", "from and to are required.");
		goto out;
	}
	if (zF != NULL && !vs_time_parse_rfc3339(zF, strlen(zF), piFrom)) {
		vs_h_invalid(ctx, "from", "from must be an RFC 3339 date-time such as 2026-12-01T00:00:00Z.");
		goto out;
	}
	if (zT != NULL && !vs_time_parse_rfc3339(zT, strlen(zT), piTo)) {
		vs_h_invalid(ctx, "to", "to must be an RFC 3339 date-time such as 2026-12-08T00:00:00Z.");
		goto out;
	}
	if (zF != NULL && zT != NULL && *piFrom >= *piTo) {
		vs_h_invalid(ctx, "to", "to must be after from.");
		goto out;
	}
	bOk = true;
out:
	vs_query_free(&q);
	return bOk;
}

void vs_h_appointments_list(struct vs_ctx *ctx)
{
	struct vs_h_call k;
	int64_t iFrom, iTo;

	vs_h_begin(ctx, &k);
	if (!range_query(ctx, false, &iFrom, &iTo))
		return;
	vs_h_finish(ctx, &k, vs_appointments_list(ctx->db, &k.v, ctx->req->aId[0], iFrom, iTo, &ctx->res->body),
		    200, "partner", ctx->req->aId[0]);
}

void vs_h_appointment_create(struct vs_ctx *ctx)
{
	struct vs_appointment_input in;
	struct vs_h_call k;

	vs_h_begin(ctx, &k);
	if (!appt_input(ctx, &in, true))
		return;
	vs_h_finish(ctx, &k, vs_appointment_create(ctx->db, &k.v, ctx->req->aId[0], &in, &ctx->res->body, &k.o),
		    201, "partner", ctx->req->aId[0]);
}

void vs_h_appointment_get(struct vs_ctx *ctx)
{
	struct vs_h_call k;

	vs_h_begin(ctx, &k);
	vs_h_finish(ctx, &k, vs_appointment_read(ctx->db, &k.v, ctx->req->aId[0], &ctx->res->body), 200,
		    "appointment", ctx->req->aId[0]);
}

void vs_h_appointment_update(struct vs_ctx *ctx)
{
	struct vs_appointment_input in;
	struct vs_h_call k;

	vs_h_begin(ctx, &k);
	if (!appt_input(ctx, &in, false))
		return;
	vs_h_finish(ctx, &k, vs_appointment_update(ctx->db, &k.v, ctx->req->aId[0], &in, &ctx->res->body, &k.o),
		    200, "appointment", ctx->req->aId[0]);
}

void vs_h_appointment_delete(struct vs_ctx *ctx)
{
	struct vs_h_call k;

	vs_h_begin(ctx, &k);
	vs_h_finish(ctx, &k, vs_appointment_delete(ctx->db, &k.v, ctx->req->aId[0]), 204,
		    "appointment", ctx->req->aId[0]);
}

void vs_h_calendar(struct vs_ctx *ctx)
{
	struct vs_h_call k;
	int64_t iFrom, iTo;

	vs_h_begin(ctx, &k);
	if (!range_query(ctx, true, &iFrom, &iTo))
		return;
	if (iTo - iFrom > CALENDAR_MAX_US) {
		vs_h_invalid(ctx, "to", "from and to may be at most 92 days apart.");
		return;
	}
	vs_h_finish(ctx, &k, vs_calendar(ctx->db, &k.v, ctx->req->aId[0], iFrom, iTo, &ctx->res->body), 200,
		    "partner", ctx->req->aId[0]);
}
