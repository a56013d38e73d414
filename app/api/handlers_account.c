/*
 * handlers_account.c — a partner adding clients, onboarding and reset links,
 * personal and practice settings, password changes.
 *
 * Each handler declares its fields, validates the body into typed values and
 * lets the library (account.h) decide and act. Using a link logs the person
 * in exactly as /api/auth/login does: the same token, cookies and answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "cookies.h"
#include "handlers.h"
#include "handlers_account.h"
#include "vsession/account.h"
#include "vsession/json.h"
#include "vsession/timeutil.h"
#include "vsession/token.h"

/*
 * A partner's own collection (/api/partners/:id/...): the decision is
 * authz.c's; a refusal is answered (and a 403 audited) here.
 */
static bool allowed(struct vs_ctx *ctx, enum vs_err rc, const char *zType, int64_t iObj)
{
	if (rc == VS_OK)
		return true;
	vs_h_refuse(ctx, rc, NULL, zType, iObj);
	return false;
}

/* ---- a partner adds a client ---------------------------------------------- */

static const struct vs_field aClientField[] = {
	{ "name",     VS_F_STRING, true,  false, 1, 200, 0 },
	{ "email",    VS_F_STRING, true,  false, 3, 254, 0 },
	{ "timezone", VS_F_STRING, false, false, 1, 64, 0 },
};

void vs_h_client_add(struct vs_ctx *ctx)
{
	int64_t iPartner = ctx->req->aId[0];
	struct vs_value aV[3];
	struct vs_origin o = vs_h_origin(ctx);
	struct vs_view v = { &ctx->caller, &o, ctx->cfg->zPublicUrl, ctx->req->iNowUs };
	struct vs_client_added added;
	struct vs_outcome oc;
	enum vs_err rc;

	/* someone else's collection is refused before its input is looked at */
	if (!allowed(ctx, vs_authorize_partner_collection(&ctx->caller, iPartner, VS_ACT_WRITE),
			   "partner", iPartner))
		return;
	if (!vs_h_form(ctx, aClientField, 3, aV))
		return;
	memset(&oc, 0, sizeof(oc));
	rc = vs_client_add(ctx->db, &v, iPartner, aV[0].z, aV[1].z, aV[2].bPresent ? aV[2].z : NULL, &added, &oc);
	if (rc != VS_OK) {
		vs_h_refuse(ctx, rc, &oc, "partner", iPartner);
		return;
	}
	ctx->res->iStatus = added.bLinkCreated ? 201 : 200;
	vs_h_user_json(&ctx->res->body, &added.user);
}

/* ---- using a link ------------------------------------------------------------ */

static const struct vs_field aSetPasswordField[] = {
	{ "token",    VS_F_STRING, true,  false, 1, 200, 0 },
	{ "password", VS_F_STRING, true,  false, 1, 1024, 0 },
	{ "purpose",  VS_F_STRING, false, false, 1, 40, 0 },
};

void vs_h_set_password(struct vs_ctx *ctx)
{
	struct vs_value aV[3];
	struct vs_origin o = vs_h_origin(ctx);
	struct vs_link_login out;
	struct vs_outcome oc;
	enum vs_link_purpose ePurpose = VS_LINK_ANY;
	enum vs_err rc;

	if (!vs_h_form(ctx, aSetPasswordField, 3, aV))
		return;
	if (aV[2].bPresent && (ePurpose = vs_link_purpose_parse(aV[2].z)) == VS_LINK_ANY) {
		vs_h_invalid(ctx, "purpose", "purpose must be onboarding or password_reset.");
		return;
	}
	memset(&oc, 0, sizeof(oc));
	rc = vs_link_set_password(ctx->db, &o, ctx->cfg->token.pSecret, ctx->cfg->token.nSecret,
				  ctx->cfg->iTokenTtlSec, aV[0].z, ePurpose, aV[1].z, aV[1].n, &out, &oc);
	if (rc != VS_OK) {
		vs_h_refuse(ctx, rc, &oc, "user", 0);
		return;
	}
	vs_h_login_answer(ctx, &out.user, out.zSid, out.zDeviceCookie);
	explicit_bzero(&out, sizeof(out));
}

/* ---- forgot password ----------------------------------------------------------- */

static const struct vs_field aResetField[] = {
	{ "email", VS_F_STRING, true, false, 1, 254, 0 },
};

void vs_h_password_reset(struct vs_ctx *ctx)
{
	struct vs_value aV[1];
	struct vs_origin o = vs_h_origin(ctx);
	struct vs_outcome oc;
	enum vs_err rc;

	if (!vs_h_form(ctx, aResetField, 1, aV))
		return;
	memset(&oc, 0, sizeof(oc));
	rc = vs_password_reset_request(ctx->db, &o, ctx->cfg->token.pSecret, ctx->cfg->token.nSecret,
				       ctx->cfg->zPublicUrl, aV[0].z, &oc);
	if (rc != VS_OK) {
		vs_h_refuse(ctx, rc, &oc, "user", 0);
		return;
	}
	ctx->res->iStatus = 202;
	vs_buf_puts(&ctx->res->body,
		    "{\"status\":\"accepted\",\"message\":\"If an account uses this email, a link to set a new "
		    "password is on its way. It works for 30 minutes.\"}");
}

/* ---- password change -------------------------------------------------------------- */

static const struct vs_field aPasswordField[] = {
	{ "current_password", VS_F_STRING, true, false, 1, 1024, 0 },
	{ "new_password",     VS_F_STRING, true, false, 1, 1024, 0 },
};

void vs_h_password_change(struct vs_ctx *ctx)
{
	struct vs_value aV[2];
	struct vs_origin o = vs_h_origin(ctx);
	struct vs_outcome oc;
	int nEnded = 0;
	enum vs_err rc;

	if (!vs_h_form(ctx, aPasswordField, 2, aV))
		return;
	memset(&oc, 0, sizeof(oc));
	rc = vs_password_change(ctx->db, &o, &ctx->caller, aV[0].z, aV[0].n, aV[1].z, aV[1].n, &nEnded, &oc);
	if (rc != VS_OK) {
		vs_h_refuse(ctx, rc, &oc, "user", ctx->caller.iId);
		return;
	}
	vs_buf_puts(&ctx->res->body, "{");
	vs_json_key(&ctx->res->body, "other_sessions_ended", true);
	vs_json_i64(&ctx->res->body, nEnded);
	vs_buf_putc(&ctx->res->body, '}');
}

/* ---- settings ---------------------------------------------------------------------- */

void vs_h_my_settings_get(struct vs_ctx *ctx)
{
	enum vs_err rc = vs_my_settings_json(ctx->db, &ctx->caller, &ctx->res->body);

	if (rc != VS_OK)
		vs_http_error_from(ctx->res, rc);
}

static const struct vs_field aMySettingsField[] = {
	{ "name",            VS_F_STRING, false, false, 1, 200, 0 },
	{ "timezone",        VS_F_STRING, false, false, 1, 64, 0 },
	{ "email_reminders", VS_F_BOOL,   false, false, 0, 0, 0 },
};

void vs_h_my_settings_put(struct vs_ctx *ctx)
{
	struct vs_value aV[3];
	struct vs_origin o = vs_h_origin(ctx);
	struct vs_my_settings_input in;
	struct vs_outcome oc;
	enum vs_err rc;

	if (!vs_h_form(ctx, aMySettingsField, 3, aV))
		return;
	memset(&in, 0, sizeof(in));
	memset(&oc, 0, sizeof(oc));
	in.zName = aV[0].bPresent ? aV[0].z : NULL;
	in.zTimezone = aV[1].bPresent ? aV[1].z : NULL;
	in.bReminders = aV[2].bPresent;
	in.bRemindersValue = aV[2].i != 0;
	rc = vs_my_settings_update(ctx->db, &o, &ctx->caller, &in, &ctx->res->body, &oc);
	if (rc != VS_OK)
		vs_h_refuse(ctx, rc, &oc, "user", ctx->caller.iId);
}

void vs_h_practice_settings_get(struct vs_ctx *ctx)
{
	int64_t iPartner = ctx->req->aId[0];
	enum vs_err rc;

	if (!allowed(ctx, vs_authorize_partner_collection(&ctx->caller, iPartner, VS_ACT_READ),
			   "partner", iPartner))
		return;
	rc = vs_practice_settings_json(ctx->db, iPartner, &ctx->res->body);
	if (rc != VS_OK)
		vs_http_error_from(ctx->res, rc);
}

static const struct vs_field aPracticeField[] = {
	{ "practice_name",   VS_F_STRING, false, true,  1, 200, 0 },
	{ "reminder_24h",    VS_F_BOOL,   false, false, 0, 0, 0 },
	{ "reminder_1h",     VS_F_BOOL,   false, false, 0, 0, 0 },
	{ "titles_in_email", VS_F_BOOL,   false, false, 0, 0, 0 },
	{ "cancel_notice_hours", VS_F_INT, false, false, 0, 168, 0 },
	{ "default_duration_minutes", VS_F_INT, false, false, 30, 180, 5 },
	{ "default_title",   VS_F_STRING, false, true,  1, 200, 0 },
};

void vs_h_practice_settings_put(struct vs_ctx *ctx)
{
	int64_t iPartner = ctx->req->aId[0];
	struct vs_value aV[7];
	struct vs_origin o = vs_h_origin(ctx);
	struct vs_practice_settings_input in;
	enum vs_err rc;

	if (!allowed(ctx, vs_authorize_partner_collection(&ctx->caller, iPartner, VS_ACT_WRITE),
			   "partner", iPartner))
		return;
	if (!vs_h_form(ctx, aPracticeField, 7, aV))
		return;
	if (aV[6].bPresent && !aV[6].bNull &&
	    (!vs_text_is_clean_line(aV[6].z, aV[6].n) || strspn(aV[6].z, " \t") == aV[6].n)) {
		vs_h_invalid(ctx, "default_title", "default_title must be 1 to 200 characters on one line, or null.");
		return;
	}
	if (aV[0].bPresent && !aV[0].bNull && !vs_text_is_clean_line(aV[0].z, aV[0].n)) {
		vs_h_invalid(ctx, "practice_name", "practice_name must be 1 to 200 characters on one line, or null.");
		return;
	}
	memset(&in, 0, sizeof(in));
	in.bName = aV[0].bPresent;
	in.bNameNull = aV[0].bNull;
	in.zName = aV[0].z;
	in.b24h = aV[1].bPresent;
	in.b24hValue = aV[1].i != 0;
	in.b1h = aV[2].bPresent;
	in.b1hValue = aV[2].i != 0;
	in.bTitles = aV[3].bPresent;
	in.bTitlesValue = aV[3].i != 0;
	in.bNotice = aV[4].bPresent;
	in.nNoticeHours = (int)aV[4].i;
	in.bDefaultDuration = aV[5].bPresent;
	in.nDefaultDuration = (int)aV[5].i;
	in.bDefaultTitle = aV[6].bPresent;
	in.bDefaultTitleNull = aV[6].bNull;
	in.zDefaultTitle = aV[6].z;
	rc = vs_practice_settings_update(ctx->db, &o, &ctx->caller, iPartner, &in, &ctx->res->body);
	if (rc != VS_OK)
		vs_http_error_from(ctx->res, rc);
}
