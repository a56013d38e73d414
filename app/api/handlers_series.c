/*
 * handlers_series.c — weekly series: the recurrence of a create, the scope
 * of a change or a cancel, and the 409 that lists every clashing occurrence
 * ("details": {"conflicts": [...]}).
 */
#include <stdio.h>
#include <string.h>

#include "handlers_series.h"
#include "vsession/series.h"
#include "vsession/timeutil.h"

/* The latest start the booking horizon allows. */
static int64_t latest_start(const struct vs_ctx *ctx)
{
	return ctx->req->iNowUs + (int64_t)ctx->cfg->iHorizonDays * 86400 * VS_US_PER_SEC;
}

/*
 * vs_h_finish, except that a conflict with listed occurrences answers the
 * error envelope with "details": {"conflicts": [...]}.
 */
static void finish(struct vs_ctx *ctx, struct vs_h_call *k, enum vs_err rc, int iOkStatus,
		   const struct vs_buf *pConflicts, int64_t iObj)
{
	struct vs_buf *b = &ctx->res->body;

	if (rc != VS_ERR_CONFLICT || pConflicts->nLen == 0) {
		vs_h_finish(ctx, k, rc, iOkStatus, "video_session", iObj);
		return;
	}
	k->o.bConflict = false;
	vs_http_error_answer(ctx->res, rc, &k->o);
	/* the envelope ends with "}}": the details go inside the error object */
	if (b->nLen < 2 || b->zData[b->nLen - 1] != '}' || b->zData[b->nLen - 2] != '}')
		return;
	b->nLen -= 2;
	b->zData[b->nLen] = '\0';
	vs_buf_puts(b, ",\"details\":{\"conflicts\":[");
	vs_buf_puts(b, vs_buf_str(pConflicts));
	vs_buf_puts(b, "]}}}");
}

static bool scope_of(const char *z, enum vs_scope *pe)
{
	if (z != NULL && !strcmp(z, "one"))
		*pe = VS_SCOPE_ONE;
	else if (z != NULL && !strcmp(z, "following"))
		*pe = VS_SCOPE_FOLLOWING;
	else
		return false;
	return true;
}

void vs_h_series_create(struct vs_ctx *ctx, struct vs_h_call *k, const struct vs_session_input *in,
			const cJSON *pRule, const cJSON *pSkip)
{
	struct vs_recurrence rule;
	struct vs_buf conflicts = VS_BUF_INIT;
	const char *zField = NULL;
	char zMsg[256];
	enum vs_err rc;

	if (pRule == NULL) {
		vs_h_invalid(ctx, "skip_conflicts", "skip_conflicts is only for a series (with recurrence).");
		return;
	}
	if (!vs_recurrence_parse(pRule, &rule, &zField, zMsg, sizeof(zMsg))) {
		vs_h_invalid(ctx, zField, zMsg);
		return;
	}
	if (pSkip != NULL && !cJSON_IsBool(pSkip)) {
		vs_h_invalid(ctx, "skip_conflicts", "skip_conflicts must be true or false.");
		return;
	}
	rc = vs_series_create(ctx->db, &k->v, in, &rule, pSkip != NULL && cJSON_IsTrue(pSkip), latest_start(ctx),
			      &ctx->res->body, &conflicts, &k->o);
	finish(ctx, k, rc, 201, &conflicts, 0);
	vs_buf_free(&conflicts);
}

void vs_h_series_update(struct vs_ctx *ctx, struct vs_h_call *k, const struct vs_session_input *in,
			const cJSON *pScope)
{
	struct vs_buf conflicts = VS_BUF_INIT;
	enum vs_scope e;
	enum vs_err rc;

	if (!cJSON_IsString(pScope) || !scope_of(pScope->valuestring, &e)) {
		vs_h_invalid(ctx, "scope", "scope must be \"one\" or \"following\".");
		return;
	}
	rc = vs_series_update(ctx->db, &k->v, ctx->req->aId[0], in, e, latest_start(ctx), &ctx->res->body,
			      &conflicts, &k->o);
	finish(ctx, k, rc, 200, &conflicts, ctx->req->aId[0]);
	vs_buf_free(&conflicts);
}

void vs_h_series_cancel(struct vs_ctx *ctx, struct vs_h_call *k, const char *zReason, const char *zScope)
{
	enum vs_scope e;

	if (!scope_of(zScope, &e)) {
		vs_h_invalid(ctx, "scope", "scope must be \"one\" or \"following\".");
		return;
	}
	vs_h_finish(ctx, k, vs_series_cancel(ctx->db, &k->v, ctx->req->aId[0], zReason, e, &ctx->res->body, &k->o),
		    200, "video_session", ctx->req->aId[0]);
}
