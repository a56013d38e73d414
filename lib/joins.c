/*
 * joins.c — who may enter which video room, and when; guest invites.
 *
 * The room name and the Jitsi credentials leave the server only here, and
 * only to the session's partner, to its client once the password check has
 * passed (remembered in session_verifications until the session ends), or
 * to a guest holding the live invite and the password. The window opens 15
 * minutes before the start and closes at the end; cancelled sessions never
 * open. Every granted join is audited, and a join whose audit row cannot be
 * written is not granted; tokens never are audited. The same statement
 * records the first time each person joined (attendance.c).
 *
 * Guests are shown by the name they typed, cleaned of invisible and
 * reordering characters, never the same as the partner's or the client's
 * name, and marked "(guest)", so nobody in the room can pass for someone else.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsession/crypto.h"
#include "vsession/json.h"
#include "vsession/attendance.h"
#include "vsession/audit.h"
#include "vsession/authz.h"
#include "vsession/invites.h"
#include "vsession/joins.h"
#include "vsession/sessions.h"
#include "vsession/timeutil.h"
#include "vsession/token.h"
#include "vsession/utf8.h"
#include "vsession/waiting.h"

#define VS_JITSI_GRACE_SEC (30 * 60)

enum { JC_PARTNER, JC_USER, JC_STATUS, JC_PW_ENABLED, JC_PW_HASH, JC_START, JC_END, JC_ROOM,
       JC_JITSI_PW, JC_PARTNER_NAME, JC_USER_NAME, JC_ALIAS, JC_VERIFIED };

static struct vs_stmt stJoinRow = VS_STMT("join_row", 2, true,
	"SELECT s.partner_id, s.user_id, s.status, s.password_enabled, s.password_hash,"
	" (extract(epoch FROM s.session_date) * 1000000)::int8, (extract(epoch FROM s.end_date) * 1000000)::int8,"
	" s.meeting_room_id, s.jitsi_password, p.name, u.name, pc.alias,"
	" EXISTS (SELECT 1 FROM session_verifications sv WHERE sv.video_session_id = s.id AND sv.user_id = $2)"
	" FROM video_sessions s JOIN users p ON p.id = s.partner_id JOIN users u ON u.id = s.user_id"
	" LEFT JOIN partner_clients pc ON pc.partner_id = s.partner_id AND pc.client_id = s.user_id"
	" WHERE s.id = $1");

/* Refuses joins outside the window or of cancelled sessions (403 with a reason). */
static enum vs_err check_window(const PGresult *r, int64_t iNowUs, struct vs_outcome *pOut)
{
	int64_t iStart = vs_db_i64(r, 0, JC_START), iEnd = vs_db_i64(r, 0, JC_END);
	char zOpen[VS_TIME_FORMAT_MAX];

	if (!strcmp(PQgetvalue(r, 0, JC_STATUS), "cancelled")) {
		vs_outcome_set(pOut, NULL, "This session was cancelled.");
		return VS_ERR_FORBIDDEN;
	}
	if (iNowUs >= iEnd) {
		vs_outcome_set(pOut, NULL, "This session has ended.");
		return VS_ERR_FORBIDDEN;
	}
	if (iNowUs < iStart - VS_JOIN_EARLY_US) {
		vs_time_format_utc(iStart - VS_JOIN_EARLY_US, zOpen);
		snprintf(pOut->zMessage, sizeof(pOut->zMessage),
			 "The session opens at %s, 15 minutes before it starts.", zOpen);
		pOut->zField = NULL;
		return VS_ERR_FORBIDDEN;
	}
	return VS_OK;
}

/* What the SPA hands to Jitsi: privacy first, no app deep links on phones. */
static void jitsi_config_json(struct vs_buf *b, const char *zSubject)
{
	vs_buf_puts(b,
		"{\"prejoinPageEnabled\":true,\"prejoinConfig\":{\"enabled\":true},"
		"\"disableDeepLinking\":true,\"disableThirdPartyRequests\":true,"
		"\"enableWelcomePage\":false,\"enableClosePage\":false,"
		"\"fileRecordingsEnabled\":false,\"liveStreamingEnabled\":false,"
		"\"transcribingEnabled\":false,\"localRecording\":{\"disable\":true},"
		"\"disableInviteFunctions\":true,\"doNotStoreRoom\":true,"
		"\"analytics\":{\"disabled\":true},\"disableProfile\":true,"
		"\"readOnlyName\":true,\"hideConferenceSubject\":false,"
		"\"enableLobbyChat\":false,\"p2p\":{\"enabled\":true},"
		"\"toolbarButtons\":[\"microphone\",\"camera\",\"desktop\",\"chat\",\"fullscreen\","
		"\"hangup\",\"settings\",\"tileview\",\"toggle-camera\",\"select-background\"],"
		"\"subject\":");
	vs_json_str(b, zSubject);
	vs_buf_putc(b, '}');
}

/* Writes the join answer for one person; the token, if any, is made here. */
static enum vs_err join_answer(const struct vs_jitsi_config *j, const PGresult *r, int64_t iNowUs,
			       const char *zUserId, const char *zDisplay, bool bModerator,
			       struct vs_buf *out)
{
	const char *zRoom = PQgetvalue(r, 0, JC_ROOM);
	char *zJwt = NULL;
	struct vs_jitsi_grant g;
	enum vs_err rc;

	if (j->eMode != VS_JITSI_PUBLIC) {
		g.zRoom = zRoom;
		g.zUserId = zUserId;
		g.zDisplayName = zDisplay;
		g.bModerator = bModerator;
		g.iNbfSec = (vs_db_i64(r, 0, JC_START) - VS_JOIN_EARLY_US) / VS_US_PER_SEC;
		g.iExpSec = vs_db_i64(r, 0, JC_END) / VS_US_PER_SEC + VS_JITSI_GRACE_SEC;
		g.iNowSec = iNowUs / VS_US_PER_SEC;
		if ((rc = vs_jitsi_token(j, &g, &zJwt)) != VS_OK)
			return rc;
	}
	vs_buf_putc(out, '{');
	vs_json_key(out, "domain", true);
	vs_json_str(out, j->zDomain);
	vs_json_key(out, "room", false);
	vs_buf_putc(out, '"');
	if (j->eMode == VS_JITSI_JAAS) {
		vs_buf_puts(out, j->zAppId);
		vs_buf_putc(out, '/');
	}
	vs_buf_puts(out, zRoom);
	vs_buf_putc(out, '"');
	vs_json_key(out, "jwt", false);
	vs_json_str(out, zJwt);
	vs_json_key(out, "display_name", false);
	vs_json_str(out, zDisplay);
	vs_json_key(out, "moderator", false);
	vs_json_bool(out, bModerator);
	vs_json_key(out, "password", false);
	vs_json_str(out, j->eMode == VS_JITSI_PUBLIC ? PQgetvalue(r, 0, JC_JITSI_PW) : NULL);
	vs_json_key(out, "config", false);
	jitsi_config_json(out, "Video session");
	vs_buf_putc(out, '}');
	if (zJwt != NULL) {
		explicit_bzero(zJwt, strlen(zJwt));
		free(zJwt);
	}
	return VS_OK;
}

enum vs_err vs_session_join(struct vs_db *db, const struct vs_view *v, const struct vs_jitsi_config *j,
			    int64_t iId, struct vs_buf *out, bool *pbWaiting, struct vs_outcome *pOut)
{
	char zId[24], zUid[24];
	const char *az[2] = { vs_db_param_i64(zId, iId), vs_db_param_i64(zUid, v->c->iId) };
	const char *zDisplay;
	char zUserId[32];
	PGresult *r;
	enum vs_err rc;
	bool bPartner;

	*pbWaiting = false;
	if ((rc = vs_db_exec(db, &stJoinRow, az, &r)) != VS_OK)
		return rc;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return VS_ERR_NOT_FOUND;
	}
	rc = vs_authorize_session(v->c, VS_ACT_JOIN, vs_db_i64(r, 0, JC_PARTNER), vs_db_i64(r, 0, JC_USER));
	if (rc == VS_ERR_FORBIDDEN)
		vs_outcome_set(pOut, NULL, "Only the session's partner and client can join it.");
	if (rc == VS_OK)
		rc = check_window(r, v->iNowUs, pOut);
	bPartner = v->c->eRole == VS_ROLE_PARTNER;
	if (rc == VS_OK && !bPartner && vs_db_bool(r, 0, JC_PW_ENABLED) && !vs_db_bool(r, 0, JC_VERIFIED)) {
		vs_outcome_set(pOut, NULL, "Enter the session password first.");
		rc = VS_ERR_FORBIDDEN;
	}
	if (rc != VS_OK) {  /* the API layer audits the refusal */
		PQclear(r);
		return rc;
	}
	/* The other side sees the partner's name, and the client's alias if the partner set one. */
	if (bPartner)
		zDisplay = PQgetvalue(r, 0, JC_PARTNER_NAME);
	else
		zDisplay = PQgetisnull(r, 0, JC_ALIAS) ? PQgetvalue(r, 0, JC_USER_NAME) : PQgetvalue(r, 0, JC_ALIAS);
	/* public Jitsi: the client waits in our waiting room until the partner is in the room */
	if (j->eMode == VS_JITSI_PUBLIC && !bPartner) {
		bool bIn = false;
		if ((rc = vs_waiting_partner_in_room(db, iId, &bIn)) == VS_OK && !bIn) {
			vs_waiting_answer(out, PQgetvalue(r, 0, JC_PARTNER_NAME));
			*pbWaiting = true;
		}
		if (rc != VS_OK || !bIn) {
			PQclear(r);
			return rc;
		}
	}
	snprintf(zUserId, sizeof(zUserId), "user-%lld", (long long)v->c->iId);
	rc = join_answer(j, r, v->iNowUs, zUserId, zDisplay, bPartner, out);
	PQclear(r);
	/* the partner handed the room is in it: that is what lets the client in */
	if (rc == VS_OK && bPartner && j->eMode == VS_JITSI_PUBLIC)
		rc = vs_waiting_partner_entered(db, iId, v->c->iId);
	/* no audit row, no room: the caller answers the error and drops the body */
	if (rc == VS_OK)
		rc = vs_attendance_record(db, v, iId, bPartner ? "partner" : "client", NULL, "video_session.join");
	return rc;
}

/*
 * True when the cleaned guest name $2 is, ignoring case and white space, the
 * partner's name, the client's, or the alias the partner gave the client.
 */
static struct vs_stmt stGuestNameTaken = VS_STMT("guest_name_taken", 2, true,
	"SELECT EXISTS (SELECT 1 FROM video_sessions s JOIN users p ON p.id = s.partner_id"
	" JOIN users u ON u.id = s.user_id"
	" LEFT JOIN partner_clients pc ON pc.partner_id = s.partner_id AND pc.client_id = s.user_id"
	" WHERE s.id = $1 AND lower(regexp_replace($2, '[[:space:]]', '', 'g')) IN"
	"  (lower(regexp_replace(p.name, '[[:space:]]', '', 'g')), lower(regexp_replace(u.name, '[[:space:]]', '', 'g')),"
	"   lower(regexp_replace(coalesce(pc.alias, ''), '[[:space:]]', '', 'g'))))");

#define VS_GUEST_NAME_MAX 100   /* code points, after cleaning */
#define VS_GUEST_SUFFIX " (guest)"

/*
 * The guest join once the name is clean (zName, at most VS_GUEST_NAME_MAX
 * code points): invite, window, password, then the name against the
 * session's people, and the answer with its audit row.
 */
static enum vs_err guest_join(struct vs_db *db, const struct vs_view *v, const struct vs_jitsi_config *j,
			      int64_t iId, const char *zInvite, const char *zPassword, size_t nPassword,
			      bool bPassword, const char *zName, struct vs_buf *out, bool *pbWaiting,
			      struct vs_outcome *pOut)
{
	char zId[24], zHash[65], zPwHash[VS_PASSWORD_HASH_MAX] = "", zGuestId[48], zCaller[32];
	char zDisplay[VS_GUEST_NAME_MAX * 4 + sizeof(VS_GUEST_SUFFIX)];
	PGresult *r = NULL, *rName;
	enum vs_err rc;
	bool bOk;

	vs_db_param_i64(zId, iId);
	vs_sha256_hex(zInvite, strlen(zInvite), zHash);
	if ((rc = vs_invite_is_live(db, iId, zHash, &bOk)) != VS_OK)
		return rc;
	if (!bOk)
		return VS_ERR_NOT_FOUND;
	if ((rc = vs_db_exec(db, &stJoinRow, (const char *[]){ zId, "0" }, &r)) != VS_OK)
		return rc;
	if (PQntuples(r) != 1) {
		rc = VS_ERR_NOT_FOUND;
		goto out;
	}
	if ((rc = check_window(r, v->iNowUs, pOut)) != VS_OK)
		goto out;
	if (vs_db_bool(r, 0, JC_PW_ENABLED)) {
		if (!bPassword) {
			vs_outcome_set(pOut, "password", "This session needs its password.");
			rc = VS_ERR_WRONG_PASSWORD;
			goto out;
		}
		/* each invite counts its own wrong tries: a guest never locks the client out */
		snprintf(zCaller, sizeof(zCaller), "invite:%.16s", zHash);
		snprintf(zPwHash, sizeof(zPwHash), "%s", PQgetvalue(r, 0, JC_PW_HASH));
		rc = vs_session_check_password(db, iId, zCaller, zPwHash, zPassword, nPassword, pOut);
		explicit_bzero(zPwHash, sizeof(zPwHash));
		if (rc == VS_ERR_WRONG_PASSWORD || rc == VS_ERR_RATE_LIMITED) {
			enum vs_err rcAudit = vs_audit_view(db, v, "guest.verify_password", "video_session", iId,
							 rc == VS_ERR_WRONG_PASSWORD ? "failed" : "denied");
			if (rcAudit != VS_OK)
				rc = rcAudit;
		}
		if (rc != VS_OK)
			goto out;
	}
	{
		const char *azName[2] = { zId, zName };
		if ((rc = vs_db_exec(db, &stGuestNameTaken, azName, &rName)) != VS_OK)
			goto out;
		bOk = PQntuples(rName) == 1 && !vs_db_bool(rName, 0, 0);
		PQclear(rName);
		if (!bOk) {
			vs_outcome_set(pOut, "name", "name must be your own name, not the name of someone in the session.");
			rc = VS_ERR_INVALID;
			goto out;
		}
	}
	{
		unsigned char a[6];
		if ((rc = vs_random_bytes(a, sizeof(a))) != VS_OK)
			goto out;
		snprintf(zGuestId, sizeof(zGuestId), "guest-%02x%02x%02x%02x%02x%02x", a[0], a[1], a[2], a[3], a[4], a[5]);
	}
	/* public Jitsi: the guest waits in our waiting room until the partner is in the room */
	if (j->eMode == VS_JITSI_PUBLIC) {
		if ((rc = vs_waiting_partner_in_room(db, iId, &bOk)) != VS_OK)
			goto out;
		if (!bOk) {
			vs_waiting_answer(out, PQgetvalue(r, 0, JC_PARTNER_NAME));
			*pbWaiting = true;
			goto out;
		}
	}
	snprintf(zDisplay, sizeof(zDisplay), "%s%s", zName, VS_GUEST_SUFFIX);
	rc = join_answer(j, r, v->iNowUs, zGuestId, zDisplay, false, out);
	/* no audit row, no room: the caller answers the error and drops the body */
	if (rc == VS_OK)
		rc = vs_attendance_record(db, v, iId, "guest", zName, "guest.join");
out:
	PQclear(r);
	return rc;
}

enum vs_err vs_guest_join(struct vs_db *db, const struct vs_view *v, const struct vs_jitsi_config *j,
			  int64_t iId, const char *zInvite, const char *zPassword, size_t nPassword,
			  bool bPassword, const char *zName, struct vs_buf *out, bool *pbWaiting,
			  struct vs_outcome *pOut)
{
	size_t nName = strlen(zName), nCp;
	char *zClean;
	enum vs_err rc;

	*pbWaiting = false;
	/* the name as others will see it, checked before anything is looked up */
	if ((zClean = malloc(nName + 1)) == NULL)
		return VS_ERR_NOMEM;
	nCp = vs_utf8_display_name(zName, nName, zClean);
	if (nCp == 0 || nCp == (size_t)-1 || nCp > VS_GUEST_NAME_MAX) {
		free(zClean);
		vs_outcome_set(pOut, "name", nCp > VS_GUEST_NAME_MAX && nCp != (size_t)-1
			? "name must be at most 100 characters." : "name must have a visible character.");
		return VS_ERR_INVALID;
	}
	rc = guest_join(db, v, j, iId, zInvite, zPassword, nPassword, bPassword, zClean, out, pbWaiting, pOut);
	free(zClean);
	return rc;
}
