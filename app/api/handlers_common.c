/*
 * handlers_common.c — what every handler shares: input checks, origins and
 * views, the user object, the booking horizon and the answer to a refusal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "handlers.h"
#include "vsession/json.h"
#include "vsession/timeutil.h"

void vs_h_invalid(struct vs_ctx *ctx, const char *zField, const char *zMessage)
{
	vs_http_error(ctx->res, 422, "validation_failed", zMessage, zField);
}

bool vs_h_form(struct vs_ctx *ctx, const struct vs_field *aField, size_t nField,
	       struct vs_value *aValue)
{
	const char *zField = NULL;
	char zMsg[256];

	if (vs_form_validate(ctx->req->pJson, aField, nField, aValue, &zField, zMsg, sizeof(zMsg)) == VS_FORM_OK)
		return true;
	vs_h_invalid(ctx, zField, zMsg);
	return false;
}

bool vs_h_query(struct vs_ctx *ctx, const char *const *azAllowed, struct vs_query *q)
{
	const char *zBad = NULL;
	enum vs_err rc = vs_query_parse(ctx->req->zQuery, strlen(ctx->req->zQuery), azAllowed, q, &zBad);
	char zMsg[200];

	if (rc == VS_OK)
		return true;
	if (rc == VS_ERR_NOMEM) {
		vs_http_error_from(ctx->res, VS_ERR_INTERNAL);
		return false;
	}
	if (vs_query_bad_is_key(zBad) && zBad[0] != '\0') {
		/* an unknown or repeated parameter, or one whose value is not clean text */
		snprintf(zMsg, sizeof(zMsg), "The query parameter %s is unknown, repeated, or its value is not valid text.", zBad);
		vs_h_invalid(ctx, zBad, zMsg);
		return false;
	}
	/* a fault in no one parameter (a key that cannot be decoded, too many): the query as a whole */
	snprintf(zMsg, sizeof(zMsg), "The query string is not valid: %s.", zBad ? zBad : "bad parameter");
	vs_h_invalid(ctx, "query", zMsg);
	return false;
}

struct vs_origin vs_h_origin(const struct vs_ctx *ctx)
{
	struct vs_origin o = { ctx->req->zRequestId, ctx->req->zRemoteAddr };
	return o;
}

void vs_h_user_json(struct vs_buf *b, const struct vs_user *u)
{
	vs_buf_putc(b, '{');
	vs_json_key(b, "id", true);
	vs_json_i64(b, u->iId);
	vs_json_key(b, "role", false);
	vs_json_str(b, vs_role_name(u->eRole));
	vs_json_key(b, "name", false);
	vs_json_str(b, u->zName);
	vs_json_key(b, "email", false);
	vs_json_str(b, u->zEmail);
	vs_json_key(b, "timezone", false);
	vs_json_str(b, u->zTimezone);
	vs_buf_putc(b, '}');
}

/*
 * The latest time a booking may start: the configured horizon from now.
 * Bookings far ahead are refused, so every end time and calendar file stays
 * a valid date (a session at 9999-12-31T23:00Z would end in the year 10000).
 */
bool vs_h_beyond_horizon(const struct vs_ctx *ctx, int64_t iUs, int64_t iSlackUs)
{
	return iUs > ctx->req->iNowUs + (int64_t)ctx->cfg->iHorizonDays * 86400 * VS_US_PER_SEC + iSlackUs;
}

/* Answers 422 for zField beyond the horizon. */
void vs_h_refuse_horizon(struct vs_ctx *ctx, const char *zField)
{
	char zMsg[160];

	snprintf(zMsg, sizeof(zMsg), "%s must be at most %d days from now.", zField, ctx->cfg->iHorizonDays);
	vs_h_invalid(ctx, zField, zMsg);
}

void vs_h_begin(struct vs_ctx *ctx, struct vs_h_call *k)
{
	memset(k, 0, sizeof(*k));
	k->org = vs_h_origin(ctx);
	k->v.c = &ctx->caller;
	k->v.o = &k->org;
	k->v.zPublicUrl = ctx->cfg->zPublicUrl;
	k->v.iNowUs = ctx->req->iNowUs;
}

bool vs_h_finish(struct vs_ctx *ctx, struct vs_h_call *k, enum vs_err rc, int iOkStatus,
		 const char *zType, int64_t iObj)
{
	if (rc == VS_OK) {
		ctx->res->iStatus = iOkStatus;
		return true;
	}
	vs_h_refuse(ctx, rc, &k->o, zType, iObj);
	return false;
}

/* Answers a library refusal, with the outcome's field, message and details. */
void vs_h_refuse(struct vs_ctx *ctx, enum vs_err rc, const struct vs_outcome *o,
		 const char *zType, int64_t iObj)
{
	if (rc == VS_ERR_FORBIDDEN)
		vs_audit_denied(ctx, zType, iObj);
	vs_http_error_answer(ctx->res, rc, o);
}
