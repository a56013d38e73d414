/*
 * handlers_sessions.c — video sessions, joins, invites, appointments and the calendar.
 *
 * Each handler declares its fields, validates the body or query into typed
 * values, builds a view of the caller and lets the library decide and act.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "handlers.h"
#include "vsession/json.h"
#include "vsession/timeutil.h"

#define CALENDAR_MAX_US (INT64_C(92) * 86400 * 1000000)
#define APPOINTMENT_MAX_US (INT64_C(12) * 3600 * 1000000)

/*
 * The latest time a booking may start: the configured horizon from now.
 * Bookings far ahead are refused, so every end time and calendar file stays
 * a valid date (a session at 9999-12-31T23:00Z would end in the year 10000).
 */
static bool beyond_horizon(const struct vs_ctx *ctx, int64_t iUs, int64_t iSlackUs)
{
	return iUs > ctx->req->iNowUs + (int64_t)ctx->cfg->iHorizonDays * 86400 * VS_US_PER_SEC + iSlackUs;
}

/* Answers 422 for zField beyond the horizon. */
static void refuse_horizon(struct vs_ctx *ctx, const char *zField)
{
	char zMsg[160];

	snprintf(zMsg, sizeof(zMsg), "%s must be at most %d days from now.", zField, ctx->cfg->iHorizonDays);
	vs_h_invalid(ctx, zField, zMsg);
}

static struct vs_view view(struct vs_ctx *ctx, struct vs_origin *o)
{
	struct vs_view v;

	*o = vs_h_origin(ctx);
	v.c = &ctx->caller;
	v.o = o;
	v.zPublicUrl = ctx->cfg->zPublicUrl;
	v.iNowUs = ctx->req->iNowUs;
	return v;
}

/* Answers a library refusal, with the outcome's field, message and details. */
static void refuse(struct vs_ctx *ctx, enum vs_err rc, const struct vs_outcome *o,
		   const char *zType, int64_t iObj)
{
	struct vs_buf *b = &ctx->res->body;
	char zRetry[16];

	switch (rc) {
	case VS_ERR_INVALID:
		vs_http_error(ctx->res, 422, "validation_failed", o->zMessage[0] ? o->zMessage : "A value is not valid.", o->zField);
		return;
	case VS_ERR_CONFLICT:
		vs_http_error(ctx->res, 409, "conflict", o->zMessage[0] ? o->zMessage : "The partner is already booked at that time.", NULL);
		if (o->bConflict && o->iConflictId > 0 && !b->bFailed && b->nLen >= 2) {
			/* reopen the error object to add details.conflicting */
			b->nLen -= 2;
			b->zData[b->nLen] = '\0';
			vs_buf_puts(b, ",\"details\":{\"conflicting\":{");
			vs_json_key(b, "kind", true);
			vs_json_str(b, o->zConflictKind);
			vs_json_key(b, "id", false);
			vs_json_i64(b, o->iConflictId);
			vs_json_key(b, "start", false);
			vs_json_time(b, o->iConflictStartUs);
			vs_json_key(b, "end", false);
			vs_json_time(b, o->iConflictEndUs);
			vs_json_key(b, "title", false);
			vs_json_str(b, o->zConflictTitle);
			vs_json_key(b, "user", false);
			if (o->iConflictUserId > 0) {
				vs_buf_puts(b, "{\"id\":");
				vs_json_i64(b, o->iConflictUserId);
				vs_json_key(b, "name", false);
				vs_json_str(b, o->zConflictUser);
				vs_buf_putc(b, '}');
			} else {
				vs_json_null(b);
			}
			vs_buf_puts(b, "}}}}");
		}
		return;
	case VS_ERR_INVALID_STATE:
		vs_http_error(ctx->res, 409, "invalid_state", o->zMessage[0] ? o->zMessage : "The session's state does not allow this change.", NULL);
		return;
	case VS_ERR_WRONG_PASSWORD:
		vs_http_error(ctx->res, 403, "wrong_password", o->zMessage[0] ? o->zMessage : "The password is not right.", o->zField);
		if (o->bRemaining && !b->bFailed && b->nLen >= 2) {
			/* reopen the error object to add details.remaining */
			b->nLen -= 2;
			b->zData[b->nLen] = '\0';
			vs_buf_puts(b, ",\"details\":{\"remaining\":");
			vs_json_i64(b, o->iRemaining);
			vs_buf_puts(b, "}}}");
		}
		return;
	case VS_ERR_RATE_LIMITED:
		snprintf(zRetry, sizeof(zRetry), "%d", o->iRetryAfter > 0 ? o->iRetryAfter : 1);
		vs_http_header(ctx->res, "Retry-After", zRetry);
		vs_http_error(ctx->res, 429, "too_many_attempts",
			      o->zMessage[0] ? o->zMessage : "Too many wrong passwords; try again later.", NULL);
		return;
	case VS_ERR_FORBIDDEN:
		/* writes the audit row and the plain 403; a reason from the library replaces its message */
		vs_authorized(ctx, rc, zType, iObj);
		if (o->zMessage[0])
			vs_http_error(ctx->res, 403, "forbidden", o->zMessage, NULL);
		return;
	case VS_ERR_NOT_FOUND:
	default:
		vs_authorized(ctx, rc, zType, iObj);
		return;
	}
}

/* ---- video sessions ------------------------------------------------------ */

enum { SF_USER, SF_TITLE, SF_START, SF_DURATION, SF_PW_ENABLED, SF_NOTES, SF_STATUS, SF_REGEN, SF__N };

static const struct vs_field aSessionField[SF__N] = {
	[SF_USER]       = { "user_id",          VS_F_INT,    false, false, 1, INT64_C(9007199254740991), 0 },
	[SF_TITLE]      = { "title",            VS_F_STRING, false, false, 1, 200, 0 },
	[SF_START]      = { "session_date",     VS_F_TIME,   false, false, 0, 0, 0 },
	[SF_DURATION]   = { "duration_minutes", VS_F_INT,    false, false, 30, 180, 5 },
	[SF_PW_ENABLED] = { "password_enabled", VS_F_BOOL,   false, false, 0, 0, 0 },
	[SF_NOTES]      = { "notes",            VS_F_STRING, false, false, 0, 10000, 0 },
	[SF_STATUS]     = { "status",           VS_F_STRING, false, false, 1, 20, 0 },
	[SF_REGEN]      = { "regenerate_password", VS_F_BOOL, false, false, 0, 0, 0 },
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
	if (!vs_h_form(ctx, aField, bCreate ? SF_STATUS : SF__N, a))
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
	if (in->bStart && beyond_horizon(ctx, in->iStartUs, 0)) {
		refuse_horizon(ctx, "session_date");
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
	struct vs_outcome o;
	struct vs_origin org;
	struct vs_view v = view(ctx, &org);
	enum vs_err rc;

	if (!vs_authorized(ctx, vs_authorize_session_create(&ctx->caller), "video_session", 0))
		return;
	if (!session_input(ctx, &in, true))
		return;
	memset(&o, 0, sizeof(o));
	rc = vs_session_create(ctx->db, &v, &in, &ctx->res->body, &o);
	if (rc == VS_OK)
		ctx->res->iStatus = 201;
	else
		refuse(ctx, rc, &o, "video_session", 0);
}

void vs_h_session_get(struct vs_ctx *ctx)
{
	struct vs_origin org;
	struct vs_view v = view(ctx, &org);
	struct vs_outcome o;
	enum vs_err rc = vs_session_read(ctx->db, &v, ctx->req->aId[0], &ctx->res->body);

	memset(&o, 0, sizeof(o));
	if (rc != VS_OK)
		refuse(ctx, rc, &o, "video_session", ctx->req->aId[0]);
}

void vs_h_session_update(struct vs_ctx *ctx)
{
	struct vs_session_input in;
	struct vs_outcome o;
	struct vs_origin org;
	struct vs_view v = view(ctx, &org);
	enum vs_err rc;

	if (!session_input(ctx, &in, false))
		return;
	memset(&o, 0, sizeof(o));
	rc = vs_session_update(ctx->db, &v, ctx->req->aId[0], &in, &ctx->res->body, &o);
	if (rc != VS_OK)
		refuse(ctx, rc, &o, "video_session", ctx->req->aId[0]);
}

void vs_h_session_delete(struct vs_ctx *ctx)
{
	struct vs_origin org;
	struct vs_view v = view(ctx, &org);
	struct vs_outcome o;
	enum vs_err rc = vs_session_delete(ctx->db, &v, ctx->req->aId[0]);

	memset(&o, 0, sizeof(o));
	if (rc == VS_OK)
		ctx->res->iStatus = 204;
	else
		refuse(ctx, rc, &o, "video_session", ctx->req->aId[0]);
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
	struct vs_origin org;
	struct vs_view v = view(ctx, &org);
	struct vs_outcome o;
	enum vs_err rc;

	memset(&o, 0, sizeof(o));
	if (!vs_authorized(ctx, vs_authorize_partner_collection(&ctx->caller, ctx->req->aId[0], VS_ACT_READ),
			   "partner", ctx->req->aId[0]))
		return;
	if (!list_query(ctx, &lq))
		return;
	rc = vs_sessions_of_partner(ctx->db, &v, ctx->req->aId[0], &lq, &ctx->res->body);
	if (rc != VS_OK)
		refuse(ctx, rc, &o, "partner", ctx->req->aId[0]);
}

void vs_h_user_sessions(struct vs_ctx *ctx)
{
	struct vs_list_query lq;
	struct vs_origin org;
	struct vs_view v = view(ctx, &org);
	struct vs_outcome o;
	enum vs_err rc;

	memset(&o, 0, sizeof(o));
	if (!list_query(ctx, &lq))
		return;
	rc = vs_sessions_of_user(ctx->db, &v, ctx->req->aId[0], &lq, &ctx->res->body);
	if (rc != VS_OK) {
		vs_buf_reset(&ctx->res->body);
		refuse(ctx, rc, &o, "user", ctx->req->aId[0]);
	}
}

static const struct vs_field aVerifyField[] = {
	{ "password", VS_F_STRING, true, false, 0, 64, 0 },
};

void vs_h_session_verify(struct vs_ctx *ctx)
{
	struct vs_value a[1];
	struct vs_outcome o;
	struct vs_origin org;
	struct vs_view v = view(ctx, &org);
	enum vs_err rc;

	if (!vs_h_form(ctx, aVerifyField, 1, a))
		return;
	memset(&o, 0, sizeof(o));
	rc = vs_session_verify_password(ctx->db, &v, ctx->req->aId[0], a[0].z, a[0].n, &o);
	if (rc == VS_OK)
		vs_buf_puts(&ctx->res->body, "{\"verified\":true}");
	else
		refuse(ctx, rc, &o, "video_session", ctx->req->aId[0]);
}

void vs_h_session_ics(struct vs_ctx *ctx)
{
	struct vs_origin org;
	struct vs_view v = view(ctx, &org);
	struct vs_outcome o;
	char zDisp[96];
	enum vs_err rc = vs_session_ics(ctx->db, &v, ctx->req->aId[0], &ctx->res->body);

	memset(&o, 0, sizeof(o));
	if (rc != VS_OK) {
		vs_buf_reset(&ctx->res->body);
		refuse(ctx, rc, &o, "video_session", ctx->req->aId[0]);
		return;
	}
	ctx->res->zContentType = "text/calendar; charset=utf-8";
	snprintf(zDisp, sizeof(zDisp), "attachment; filename=\"video-session-%lld.ics\"", (long long)ctx->req->aId[0]);
	vs_http_header(ctx->res, "Content-Disposition", zDisp);
}

/* ---- joining ------------------------------------------------------------ */

void vs_h_session_join(struct vs_ctx *ctx)
{
	struct vs_outcome o;
	struct vs_origin org;
	struct vs_view v = view(ctx, &org);
	enum vs_err rc;

	memset(&o, 0, sizeof(o));
	if (ctx->req->pJson != NULL && !vs_h_form(ctx, NULL, 0, NULL))
		return;
	rc = vs_session_join(ctx->db, &v, &ctx->cfg->jitsi, ctx->req->aId[0], &ctx->res->body, &o);
	if (rc != VS_OK) {
		vs_buf_reset(&ctx->res->body);
		refuse(ctx, rc, &o, "video_session", ctx->req->aId[0]);
	}
}

void vs_h_session_invite(struct vs_ctx *ctx)
{
	struct vs_outcome o;
	struct vs_origin org;
	struct vs_view v = view(ctx, &org);
	enum vs_err rc;

	memset(&o, 0, sizeof(o));
	if (ctx->req->pJson != NULL && !vs_h_form(ctx, NULL, 0, NULL))
		return;
	rc = vs_session_invite(ctx->db, &v, ctx->req->aId[0], &ctx->res->body, &o);
	if (rc == VS_OK)
		ctx->res->iStatus = 201;
	else {
		vs_buf_reset(&ctx->res->body);
		refuse(ctx, rc, &o, "video_session", ctx->req->aId[0]);
	}
}

void vs_h_session_unlock(struct vs_ctx *ctx)
{
	struct vs_outcome o;
	struct vs_origin org;
	struct vs_view v = view(ctx, &org);
	enum vs_err rc = vs_session_unlock(ctx->db, &v, ctx->req->aId[0]);

	memset(&o, 0, sizeof(o));
	if (rc == VS_OK)
		ctx->res->iStatus = 204;
	else
		refuse(ctx, rc, &o, "video_session", ctx->req->aId[0]);
}

static const struct vs_field aGuestField[] = {
	{ "invite",   VS_F_STRING, true,  false, 1, 128, 0 },
	{ "password", VS_F_STRING, false, false, 0, 64, 0 },
	{ "name",     VS_F_STRING, true,  false, 1, 100, 0 },
};

void vs_h_guest_join(struct vs_ctx *ctx)
{
	struct vs_value a[3];
	struct vs_outcome o;
	struct vs_origin org;
	struct vs_view v = view(ctx, &org);
	enum vs_err rc;

	if (!vs_h_form(ctx, aGuestField, 3, a))
		return;
	if (strspn(a[2].z, " \t\r\n") == a[2].n) {
		vs_h_invalid(ctx, "name", "name must not be blank.");
		return;
	}
	memset(&o, 0, sizeof(o));
	rc = vs_guest_join(ctx->db, &v, &ctx->cfg->jitsi, ctx->req->aId[0], a[0].z,
			   a[1].bPresent ? a[1].z : "", a[1].bPresent ? a[1].n : 0, a[1].bPresent,
			   a[2].z, &ctx->res->body, &o);
	if (rc != VS_OK) {
		vs_buf_reset(&ctx->res->body);
		refuse(ctx, rc, &o, "video_session", ctx->req->aId[0]);
	}
}

/* ---- appointments and calendar ------------------------------------------ */

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
	if (in->bStart && beyond_horizon(ctx, in->iStartUs, 0)) {
		refuse_horizon(ctx, "starts_at");
		return false;
	}
	/* an end may follow the latest start by the longest appointment */
	if (in->bEnd && beyond_horizon(ctx, in->iEndUs, APPOINTMENT_MAX_US)) {
		refuse_horizon(ctx, "ends_at");
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
	struct vs_origin org;
	struct vs_view v = view(ctx, &org);
	struct vs_outcome o;
	int64_t iFrom, iTo;
	enum vs_err rc;

	memset(&o, 0, sizeof(o));
	if (!vs_authorized(ctx, vs_authorize_partner_collection(&ctx->caller, ctx->req->aId[0], VS_ACT_READ),
			   "partner", ctx->req->aId[0]))
		return;
	if (!range_query(ctx, false, &iFrom, &iTo))
		return;
	rc = vs_appointments_list(ctx->db, &v, ctx->req->aId[0], iFrom, iTo, &ctx->res->body);
	if (rc != VS_OK)
		refuse(ctx, rc, &o, "partner", ctx->req->aId[0]);
}

void vs_h_appointment_create(struct vs_ctx *ctx)
{
	struct vs_appointment_input in;
	struct vs_origin org;
	struct vs_view v = view(ctx, &org);
	struct vs_outcome o;
	enum vs_err rc;

	memset(&o, 0, sizeof(o));
	if (!vs_authorized(ctx, vs_authorize_partner_collection(&ctx->caller, ctx->req->aId[0], VS_ACT_WRITE),
			   "partner", ctx->req->aId[0]))
		return;
	if (!appt_input(ctx, &in, true))
		return;
	rc = vs_appointment_create(ctx->db, &v, ctx->req->aId[0], &in, &ctx->res->body, &o);
	if (rc == VS_OK)
		ctx->res->iStatus = 201;
	else
		refuse(ctx, rc, &o, "partner", ctx->req->aId[0]);
}

void vs_h_appointment_get(struct vs_ctx *ctx)
{
	struct vs_origin org;
	struct vs_view v = view(ctx, &org);
	struct vs_outcome o;
	enum vs_err rc = vs_appointment_read(ctx->db, &v, ctx->req->aId[0], &ctx->res->body);

	memset(&o, 0, sizeof(o));
	if (rc != VS_OK)
		refuse(ctx, rc, &o, "appointment", ctx->req->aId[0]);
}

void vs_h_appointment_update(struct vs_ctx *ctx)
{
	struct vs_appointment_input in;
	struct vs_origin org;
	struct vs_view v = view(ctx, &org);
	struct vs_outcome o;
	enum vs_err rc;

	memset(&o, 0, sizeof(o));
	if (!appt_input(ctx, &in, false))
		return;
	rc = vs_appointment_update(ctx->db, &v, ctx->req->aId[0], &in, &ctx->res->body, &o);
	if (rc != VS_OK)
		refuse(ctx, rc, &o, "appointment", ctx->req->aId[0]);
}

void vs_h_appointment_delete(struct vs_ctx *ctx)
{
	struct vs_origin org;
	struct vs_view v = view(ctx, &org);
	struct vs_outcome o;
	enum vs_err rc = vs_appointment_delete(ctx->db, &v, ctx->req->aId[0]);

	memset(&o, 0, sizeof(o));
	if (rc == VS_OK)
		ctx->res->iStatus = 204;
	else
		refuse(ctx, rc, &o, "appointment", ctx->req->aId[0]);
}

void vs_h_calendar(struct vs_ctx *ctx)
{
	struct vs_origin org;
	struct vs_view v = view(ctx, &org);
	struct vs_outcome o;
	int64_t iFrom, iTo;
	enum vs_err rc;

	memset(&o, 0, sizeof(o));
	if (!vs_authorized(ctx, vs_authorize_partner_collection(&ctx->caller, ctx->req->aId[0], VS_ACT_READ),
			   "partner", ctx->req->aId[0]))
		return;
	if (!range_query(ctx, true, &iFrom, &iTo))
		return;
	if (iTo - iFrom > CALENDAR_MAX_US) {
		vs_h_invalid(ctx, "to", "from and to may be at most 92 days apart.");
		return;
	}
	rc = vs_calendar(ctx->db, &v, ctx->req->aId[0], iFrom, iTo, &ctx->res->body);
	if (rc != VS_OK)
		refuse(ctx, rc, &o, "partner", ctx->req->aId[0]);
}
