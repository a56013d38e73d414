/*
 * handlers_joins.c — entering a room (members and guests) and guest invites.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "handlers.h"
#include "vsession/json.h"
#include "vsession/mail.h"
#include "vsession/outbox.h"
#include "vsession/timeutil.h"

void vs_h_session_join(struct vs_ctx *ctx)
{
	struct vs_h_call k;
	bool bWaiting;
	enum vs_err rc;

	vs_h_begin(ctx, &k);
	if (ctx->req->pJson != NULL && !vs_h_form(ctx, NULL, 0, NULL))
		return;
	rc = vs_session_join(ctx->db, &k.v, &ctx->cfg->jitsi, ctx->req->aId[0], &ctx->res->body, &bWaiting, &k.o);
	/* 202: held in the waiting room until the partner is in the room (public Jitsi) */
	vs_h_finish(ctx, &k, rc, bWaiting ? 202 : 200, "video_session", ctx->req->aId[0]);
}

/* An invite's optional body: the guest's address (and name) to email the link to. */
static const struct vs_field aInviteField[2] = {
	{ "email", VS_F_STRING, false, false, 3, 254, 0 },
	{ "name",  VS_F_STRING, false, false, 1, 100, 0 },
};

/*
 * The invite and its email in one transaction: the link is read back from
 * the answer just written, queued, and wiped from this stack.
 */
static enum vs_err invite_by_email(struct vs_ctx *ctx, struct vs_h_call *k, const char *zEmail,
				   const char *zName)
{
	enum vs_err rc = vs_db_command(ctx->db, "BEGIN");

	if (rc != VS_OK)
		return rc;
	rc = vs_session_invite(ctx->db, &k->v, ctx->req->aId[0], &ctx->res->body, &k->o);
	if (rc == VS_OK) {
		const char *zUrl = strstr(vs_buf_str(&ctx->res->body), "\"invite_url\":\"");
		char zLink[600];
		size_t n = zUrl != NULL ? strcspn(zUrl + 14, "\"") : 0;

		snprintf(zLink, sizeof(zLink), "%.*s", (int)n, zUrl != NULL ? zUrl + 14 : "");
		rc = n == 0 || n >= sizeof(zLink) ? VS_ERR_INTERNAL
			: vs_outbox_guest_invite(ctx->db, ctx->req->aId[0], zEmail, zName, zLink);
		explicit_bzero(zLink, sizeof(zLink));
	}
	if (rc == VS_OK)
		rc = vs_db_command(ctx->db, "COMMIT");
	if (rc != VS_OK && vs_db_in_transaction(ctx->db))
		vs_db_command(ctx->db, "ROLLBACK");
	return rc;
}

void vs_h_session_invite(struct vs_ctx *ctx)
{
	struct vs_value aMail[2];
	struct vs_h_call k;
	bool bMail;
	enum vs_err rc;

	vs_h_begin(ctx, &k);
	memset(aMail, 0, sizeof(aMail));
	if (ctx->req->pJson != NULL && !vs_h_form(ctx, aInviteField, 2, aMail))
		return;
	bMail = ctx->req->pJson != NULL && aMail[0].bPresent;
	if (!bMail && aMail[1].bPresent) {
		vs_h_invalid(ctx, "name", "name goes with email: the guest's name in the invite email.");
		return;
	}
	if (bMail && !vs_mail_address_ok(aMail[0].z)) {
		vs_h_invalid(ctx, "email", "email must be a plain address such as guest@example.org.");
		return;
	}
	rc = bMail ? invite_by_email(ctx, &k, aMail[0].z, aMail[1].bPresent ? aMail[1].z : NULL)
		   : vs_session_invite(ctx->db, &k.v, ctx->req->aId[0], &ctx->res->body, &k.o);
	vs_h_finish(ctx, &k, rc, 201, "video_session", ctx->req->aId[0]);
}

static const struct vs_field aGuestField[] = {
	{ "invite",   VS_F_STRING, true,  false, 1, 128, 0 },
	{ "password", VS_F_STRING, false, false, 0, 64, 0 },
	{ "name",     VS_F_STRING, true,  false, 1, 100, 0 },
};

void vs_h_guest_join(struct vs_ctx *ctx)
{
	struct vs_value a[3];
	struct vs_h_call k;
	bool bWaiting;
	enum vs_err rc;

	vs_h_begin(ctx, &k);
	if (!vs_h_form(ctx, aGuestField, 3, a))
		return;
	if (strspn(a[2].z, " \t\r\n") == a[2].n) {
		vs_h_invalid(ctx, "name", "name must not be blank.");
		return;
	}
	rc = vs_guest_join(ctx->db, &k.v, &ctx->cfg->jitsi, ctx->req->aId[0], a[0].z,
			   a[1].bPresent ? a[1].z : "", a[1].bPresent ? a[1].n : 0, a[1].bPresent,
			   a[2].z, &ctx->res->body, &bWaiting, &k.o);
	vs_h_finish(ctx, &k, rc, bWaiting ? 202 : 200, "video_session", ctx->req->aId[0]);
}
