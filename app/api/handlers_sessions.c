/*
 * handlers_sessions.c — video sessions: create, read, update, delete, the
 * lists, the session password, its lockout and the calendar file.
 *
 * Each handler declares its fields, validates the body or query into typed
 * values, builds a view of the caller and lets the library decide and act.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "handlers.h"
#include "handlers_series.h"
#include "vsession/json.h"
#include "vsession/mail.h"
#include "vsession/outbox.h"
#include "vsession/timeutil.h"

/* ---- video sessions ------------------------------------------------------ */

enum { SF_USER, SF_TITLE, SF_START, SF_DURATION, SF_PW_ENABLED, SF_NOTES, SF_STATUS, SF_REGEN, SF_EMAIL_PW, SF_OUTCOME, SF__N };

static const struct vs_field aSessionField[SF__N] = {
	[SF_USER]       = { "user_id",          VS_F_INT,    false, false, 1, INT64_C(9007199254740991), 0 },
	[SF_TITLE]      = { "title",            VS_F_STRING, false, false, 1, 200, 0 },
	[SF_START]      = { "session_date",     VS_F_TIME,   false, false, 0, 0, 0 },
	[SF_DURATION]   = { "duration_minutes", VS_F_INT,    false, false, 30, 180, 5 },
	[SF_PW_ENABLED] = { "password_enabled", VS_F_BOOL,   false, false, 0, 0, 0 },
	[SF_NOTES]      = { "notes",            VS_F_STRING, false, false, 0, 10000, 0 },
	[SF_STATUS]     = { "status",           VS_F_STRING, false, false, 1, 20, 0 },
	[SF_REGEN]      = { "regenerate_password", VS_F_BOOL, false, false, 0, 0, 0 },
	[SF_EMAIL_PW]   = { "email_password",   VS_F_BOOL,   false, false, 0, 0, 0 },
	[SF_OUTCOME]    = { "outcome",          VS_F_STRING, false, false, 1, 20, 0 },
};

/* The body as a session input; false after answering 422. */
static bool session_input(struct vs_ctx *ctx, struct vs_session_input *in, bool bCreate)
{
	struct vs_value a[SF__N];
	struct vs_field aField[SF__N];

	memcpy(aField, aSessionField, sizeof(aField));
	if (bCreate) {
		aField[SF_USER].bRequired = aField[SF_TITLE].bRequired = true;
		aField[SF_START].bRequired = aField[SF_DURATION].bRequired = true;
	}
	if (bCreate) {
		/* a create takes the fields before status, and email_password (in status's slot) */
		aField[SF_STATUS] = aSessionField[SF_EMAIL_PW];
		if (!vs_h_form(ctx, aField, SF_STATUS + 1, a))
			return false;
		a[SF_EMAIL_PW] = a[SF_STATUS];
		a[SF_STATUS].bPresent = a[SF_REGEN].bPresent = false;
	} else if (!vs_h_form(ctx, aField, SF__N, a))
		return false;
	memset(in, 0, sizeof(*in));
	in->bUser = a[SF_USER].bPresent;
	in->iUserId = a[SF_USER].i;
	in->bTitle = a[SF_TITLE].bPresent;
	in->zTitle = a[SF_TITLE].z;
	in->bStart = a[SF_START].bPresent;
	in->iStartUs = a[SF_START].i;
	in->bDuration = a[SF_DURATION].bPresent;
	in->nDuration = (int)a[SF_DURATION].i;
	in->bPasswordEnabled = a[SF_PW_ENABLED].bPresent;
	in->bPasswordEnabledValue = a[SF_PW_ENABLED].i != 0;
	in->bNotes = a[SF_NOTES].bPresent;
	in->zNotes = a[SF_NOTES].z;
	if (!bCreate && a[SF_STATUS].bPresent) {
		if (strcmp(a[SF_STATUS].z, "cancelled") != 0) {
			vs_h_invalid(ctx, "status", "status can only be set to \"cancelled\".");
			return false;
		}
		in->bCancel = true;
	}
	in->bRegenerate = !bCreate && a[SF_REGEN].bPresent && a[SF_REGEN].i != 0;
	in->bEmailPassword = a[SF_EMAIL_PW].bPresent && a[SF_EMAIL_PW].i != 0;
	if (!bCreate && a[SF_OUTCOME].bPresent) {
		if (strcmp(a[SF_OUTCOME].z, "attended") != 0 && strcmp(a[SF_OUTCOME].z, "no_show") != 0 &&
		    strcmp(a[SF_OUTCOME].z, "late_cancel") != 0) {
			vs_h_invalid(ctx, "outcome", "outcome must be \"attended\", \"no_show\" or \"late_cancel\".");
			return false;
		}
		in->bOutcome = true;
		in->zOutcome = a[SF_OUTCOME].z;
	}
	if (in->bStart && vs_h_beyond_horizon(ctx, in->iStartUs, 0)) {
		vs_h_refuse_horizon(ctx, "session_date");
		return false;
	}
	if (bCreate && a[SF_TITLE].n > 0 && strspn(a[SF_TITLE].z, " \t\r\n") == a[SF_TITLE].n) {
		vs_h_invalid(ctx, "title", "title must not be blank.");
		return false;
	}
	if (!bCreate && in->bTitle && strspn(in->zTitle, " \t\r\n") == a[SF_TITLE].n) {
		vs_h_invalid(ctx, "title", "title must not be blank.");
		return false;
	}
	return true;
}

void vs_h_session_create(struct vs_ctx *ctx)
{
	struct vs_session_input in;
	struct vs_h_call k;
	/* a series: its own members are checked by handlers_series.c */
	cJSON *pRule = cJSON_DetachItemFromObjectCaseSensitive(ctx->req->pJson, "recurrence");
	cJSON *pSkip = cJSON_DetachItemFromObjectCaseSensitive(ctx->req->pJson, "skip_conflicts");

	vs_h_begin(ctx, &k);
	if (!session_input(ctx, &in, true))
		goto out;
	if (pRule != NULL || pSkip != NULL)
		vs_h_series_create(ctx, &k, &in, pRule, pSkip);
	else
		vs_h_finish(ctx, &k, vs_session_create(ctx->db, &k.v, &in, &ctx->res->body, &k.o), 201,
			    "video_session", 0);
out:
	cJSON_Delete(pRule);
	cJSON_Delete(pSkip);
}

void vs_h_session_get(struct vs_ctx *ctx)
{
	struct vs_h_call k;

	vs_h_begin(ctx, &k);
	vs_h_finish(ctx, &k, vs_session_read(ctx->db, &k.v, ctx->req->aId[0], &ctx->res->body), 200,
		    "video_session", ctx->req->aId[0]);
}

void vs_h_session_update(struct vs_ctx *ctx)
{
	struct vs_session_input in;
	struct vs_h_call k;
	cJSON *pScope = cJSON_DetachItemFromObjectCaseSensitive(ctx->req->pJson, "scope");

	vs_h_begin(ctx, &k);
	if (!session_input(ctx, &in, false))
		goto out;
	if (pScope != NULL)
		vs_h_series_update(ctx, &k, &in, pScope);
	else
		vs_h_finish(ctx, &k, vs_session_update(ctx->db, &k.v, ctx->req->aId[0], &in, &ctx->res->body, &k.o),
			    200, "video_session", ctx->req->aId[0]);
out:
	cJSON_Delete(pScope);
}

void vs_h_session_delete(struct vs_ctx *ctx)
{
	struct vs_h_call k;

	vs_h_begin(ctx, &k);
	vs_h_finish(ctx, &k, vs_session_delete(ctx->db, &k.v, ctx->req->aId[0]), 204,
		    "video_session", ctx->req->aId[0]);
}

/* Parses when/from/to/limit/cursor; false after answering 422. */
static bool list_query(struct vs_ctx *ctx, struct vs_list_query *lq)
{
	static const char *const azAllowed[] = { "when", "from", "to", "limit", "cursor", NULL };
	struct vs_query q;
	const char *z;
	bool bOk = false;

	if (!vs_h_query(ctx, azAllowed, &q))
		return false;
	memset(lq, 0, sizeof(*lq));
	lq->nLimit = 50;
	if ((z = vs_query_get(&q, "when")) != NULL) {
		if (!strcmp(z, "all")) lq->eWhen = VS_WHEN_ALL;
		else if (!strcmp(z, "upcoming")) lq->eWhen = VS_WHEN_UPCOMING;
		else if (!strcmp(z, "past")) lq->eWhen = VS_WHEN_PAST;
		else { vs_h_invalid(ctx, "when", "when must be upcoming, past or all."); goto out; }
	}
	if ((z = vs_query_get(&q, "from")) != NULL && !vs_time_parse_rfc3339(z, strlen(z), &lq->iFromUs)) {
		vs_h_invalid(ctx, "from", "from must be an RFC 3339 date-time such as 2026-12-01T15:00:00Z.");
		goto out;
	}
	if ((z = vs_query_get(&q, "to")) != NULL && !vs_time_parse_rfc3339(z, strlen(z), &lq->iToUs)) {
		vs_h_invalid(ctx, "to", "to must be an RFC 3339 date-time such as 2026-12-01T15:00:00Z.");
		goto out;
	}
	if (lq->iFromUs && lq->iToUs && lq->iFromUs >= lq->iToUs) {
		vs_h_invalid(ctx, "to", "to must be after from.");
		goto out;
	}
	if ((z = vs_query_get(&q, "limit")) != NULL) {
		char *zEnd;
		long v = strtol(z, &zEnd, 10);
		if (*z < '0' || *z > '9' || *zEnd != '\0' || strlen(z) > 3 || v < 1 || v > 100) {
			vs_h_invalid(ctx, "limit", "limit must be a whole number from 1 to 100.");
			goto out;
		}
		lq->nLimit = (int)v;
	}
	if ((z = vs_query_get(&q, "cursor")) != NULL) {
		if (!vs_cursor_parse(z, &lq->iCursorUs, &lq->iCursorId)) {
			vs_h_invalid(ctx, "cursor", "cursor must be a next_cursor value from a previous page.");
			goto out;
		}
		lq->bCursor = true;
	}
	bOk = true;
out:
	vs_query_free(&q);
	return bOk;
}

void vs_h_partner_sessions(struct vs_ctx *ctx)
{
	struct vs_list_query lq;
	struct vs_h_call k;

	vs_h_begin(ctx, &k);
	if (!list_query(ctx, &lq))
		return;
	vs_h_finish(ctx, &k, vs_sessions_of_partner(ctx->db, &k.v, ctx->req->aId[0], &lq, &ctx->res->body),
		    200, "partner", ctx->req->aId[0]);
}

void vs_h_user_sessions(struct vs_ctx *ctx)
{
	struct vs_list_query lq;
	struct vs_h_call k;

	vs_h_begin(ctx, &k);
	if (!list_query(ctx, &lq))
		return;
	vs_h_finish(ctx, &k, vs_sessions_of_user(ctx->db, &k.v, ctx->req->aId[0], &lq, &ctx->res->body),
		    200, "user", ctx->req->aId[0]);
}

static const struct vs_field aVerifyField[] = {
	{ "password", VS_F_STRING, true, false, 0, 64, 0 },
};

void vs_h_session_verify(struct vs_ctx *ctx)
{
	struct vs_value a[1];
	struct vs_h_call k;

	vs_h_begin(ctx, &k);
	if (!vs_h_form(ctx, aVerifyField, 1, a))
		return;
	if (vs_h_finish(ctx, &k, vs_session_verify_password(ctx->db, &k.v, ctx->req->aId[0], a[0].z, a[0].n, &k.o),
			200, "video_session", ctx->req->aId[0]))
		vs_buf_puts(&ctx->res->body, "{\"verified\":true}");
}

void vs_h_session_ics(struct vs_ctx *ctx)
{
	struct vs_h_call k;
	char zDisp[96];

	vs_h_begin(ctx, &k);
	if (!vs_h_finish(ctx, &k, vs_session_ics(ctx->db, &k.v, ctx->req->aId[0], &ctx->res->body), 200,
			 "video_session", ctx->req->aId[0]))
		return;
	ctx->res->zContentType = "text/calendar; charset=utf-8";
	snprintf(zDisp, sizeof(zDisp), "attachment; filename=\"video-session-%lld.ics\"", (long long)ctx->req->aId[0]);
	vs_http_header(ctx->res, "Content-Disposition", zDisp);
}

void vs_h_session_unlock(struct vs_ctx *ctx)
{
	struct vs_h_call k;

	vs_h_begin(ctx, &k);
	vs_h_finish(ctx, &k, vs_session_unlock(ctx->db, &k.v, ctx->req->aId[0]), 204,
		    "video_session", ctx->req->aId[0]);
}
