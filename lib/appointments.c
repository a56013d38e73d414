/*
 * appointments.c — the rest of a partner's calendar, and the calendar view.
 *
 * Appointments share the bookings exclusion constraint with video sessions,
 * so neither kind can overlap the other. Clients see no appointments.
 * Everyone who may read an appointment (its partner, an admin) sees its
 * notes, so every read is audited as a read of notes, committed without a
 * disk sync as every read audit is; an error there refuses the read.
 */
#include <stdio.h>
#include <string.h>

#include "vsession/json.h"
#include "vsession/appointments.h"
#include "vsession/audit.h"
#include "vsession/authz.h"
#include "vsession/sessions.h"
#include "vsession/users.h"
#include "vsession/timeutil.h"


#define APPT_COLS \
	"a.id, a.partner_id, a.user_id, u.name, a.title," \
	" (extract(epoch FROM a.starts_at) * 1000000)::int8, (extract(epoch FROM a.ends_at) * 1000000)::int8," \
	" a.notes, (extract(epoch FROM a.created_at) * 1000000)::int8, (extract(epoch FROM a.updated_at) * 1000000)::int8"
#define APPT_FROM " FROM appointments a LEFT JOIN users u ON u.id = a.user_id"

enum { AC_ID, AC_PARTNER, AC_USER, AC_USER_NAME, AC_TITLE, AC_START, AC_END, AC_NOTES, AC_CREATED, AC_UPDATED };

#define APPT_MIN_US (INT64_C(15) * 60 * 1000000)
#define APPT_MAX_US VS_APPOINTMENT_MAX_US

static void appt_json(struct vs_buf *b, const PGresult *r, int i)
{
	vs_buf_putc(b, '{');
	vs_json_key(b, "id", true);
	vs_json_i64(b, vs_db_i64(r, i, AC_ID));
	vs_json_key(b, "partner_id", false);
	vs_json_i64(b, vs_db_i64(r, i, AC_PARTNER));
	vs_json_key(b, "user_id", false);
	if (PQgetisnull(r, i, AC_USER)) {
		vs_json_null(b);
		vs_json_key(b, "user", false);
		vs_json_null(b);
	} else {
		vs_json_i64(b, vs_db_i64(r, i, AC_USER));
		vs_buf_puts(b, ",\"user\":{\"id\":");
		vs_json_i64(b, vs_db_i64(r, i, AC_USER));
		vs_json_key(b, "name", false);
		vs_json_str(b, PQgetvalue(r, i, AC_USER_NAME));
		vs_buf_putc(b, '}');
	}
	vs_json_key(b, "title", false);
	vs_json_str(b, PQgetvalue(r, i, AC_TITLE));
	vs_json_key(b, "starts_at", false);
	vs_json_time(b, vs_db_i64(r, i, AC_START));
	vs_json_key(b, "ends_at", false);
	vs_json_time(b, vs_db_i64(r, i, AC_END));
	vs_json_key(b, "notes", false);
	vs_json_str(b, PQgetvalue(r, i, AC_NOTES));
	vs_json_key(b, "created_at", false);
	vs_json_time(b, vs_db_i64(r, i, AC_CREATED));
	vs_json_key(b, "updated_at", false);
	vs_json_time(b, vs_db_i64(r, i, AC_UPDATED));
	vs_buf_putc(b, '}');
}


static bool check_times(int64_t iStart, int64_t iEnd, struct vs_outcome *pOut)
{
	if (iEnd <= iStart) {
		vs_outcome_set(pOut, "ends_at", "ends_at must be after starts_at.");
		return false;
	}
	if (iEnd - iStart < APPT_MIN_US || iEnd - iStart > APPT_MAX_US) {
		vs_outcome_set(pOut, "ends_at", "An appointment lasts from 15 minutes to 12 hours.");
		return false;
	}
	return true;
}

static struct vs_stmt stList = VS_STMT_CUSTOM_PLAN("appt_list", 3, true,
	"SELECT " APPT_COLS APPT_FROM " WHERE a.partner_id = $1"
	" AND a.ends_at > coalesce($2::timestamptz, '-infinity')"
	" AND a.starts_at < coalesce($3::timestamptz, 'infinity')"
	" AND a.starts_at > coalesce($2::timestamptz, '-infinity') - interval '12 hours'"
	" ORDER BY a.starts_at, a.id");

enum vs_err vs_appointments_list(struct vs_db *db, const struct vs_view *v, int64_t iPartner,
				 int64_t iFromUs, int64_t iToUs, struct vs_buf *out)
{
	char zP[24], zF[40], zT[40];
	const char *az[3] = { vs_db_param_i64(zP, iPartner), iFromUs ? vs_db_param_time(zF, iFromUs) : NULL,
			      iToUs ? vs_db_param_time(zT, iToUs) : NULL };
	PGresult *r;
	enum vs_err rc = vs_authorize_partner_collection(v->c, iPartner, VS_ACT_READ);
	int n;

	if (rc != VS_OK)
		return rc;
	if ((rc = vs_db_exec(db, &stList, az, &r)) != VS_OK)
		return rc;
	vs_buf_puts(out, "{\"appointments\":[");
	for (int i = 0; i < PQntuples(r); i++) {
		if (i > 0)
			vs_buf_putc(out, ',');
		appt_json(out, r, i);
	}
	vs_buf_puts(out, "]}");
	n = PQntuples(r);
	PQclear(r);
	/* notes were read: audited as a session's notes are, or the answer is an error */
	if (n > 0)
		return vs_audit_view_read(db, v, "appointment.list_notes_read", "partner", iPartner);
	return VS_OK;
}

/* Changes write their audit row in the same statement, so both commit or neither. */
static struct vs_stmt stCreate = VS_STMT("appt_create", 9, false,
	"WITH a AS (INSERT INTO appointments (partner_id, user_id, title, starts_at, ends_at, notes)"
	"  VALUES ($1, $2, $3, $4, $5, $6) RETURNING *),"
	" l AS (" VS_AUDIT_ROW("$7", "appointment.create", "appointment", "a.id", "$8", "$9", "a") ")"
	" SELECT " APPT_COLS " FROM a LEFT JOIN users u ON u.id = a.user_id");

enum vs_err vs_appointment_create(struct vs_db *db, const struct vs_view *v, int64_t iPartner,
				  const struct vs_appointment_input *in, struct vs_buf *out,
				  struct vs_outcome *pOut)
{
	char zP[24], zU[24], zS[40], zE[40], zActor[24];
	const char *az[9];
	PGresult *r;
	enum vs_err rc = vs_authorize_partner_collection(v->c, iPartner, VS_ACT_WRITE);
	bool bLinked;

	if (rc != VS_OK)
		return rc;
	if (!in->bTitle || !in->bStart || !in->bEnd) {
		vs_outcome_set(pOut, !in->bTitle ? "title" : !in->bStart ? "starts_at" : "ends_at", "This field is required.");
		return VS_ERR_INVALID;
	}
	if (!check_times(in->iStartUs, in->iEndUs, pOut))
		return VS_ERR_INVALID;
	if (in->bUser && !in->bUserNull) {
		if ((rc = vs_client_is_linked(db, iPartner, in->iUserId, &bLinked)) != VS_OK)
			return rc;
		if (!bLinked) {
			vs_outcome_set(pOut, "user_id", "user_id must be one of your clients.");
			return VS_ERR_INVALID;
		}
	}
	az[0] = vs_db_param_i64(zP, iPartner);
	az[1] = in->bUser && !in->bUserNull ? vs_db_param_i64(zU, in->iUserId) : NULL;
	az[2] = in->zTitle;
	az[3] = vs_db_param_time(zS, in->iStartUs);
	az[4] = vs_db_param_time(zE, in->iEndUs);
	az[5] = in->bNotes ? in->zNotes : "";
	vs_audit_params(v, zActor, az + 6);
	rc = vs_db_exec(db, &stCreate, az, &r);
	if (rc == VS_ERR_CONFLICT) {
		vs_booking_conflict(db, iPartner, in->iStartUs, in->iEndUs, "appointment", 0, pOut);
		return rc;
	}
	if (rc == VS_ERR_INVALID) {
		vs_outcome_set(pOut, "user_id", "user_id must be one of your clients.");
		return rc;
	}
	if (rc != VS_OK)
		return rc;
	appt_json(out, r, 0);
	PQclear(r);
	return VS_OK;
}

static struct vs_stmt stGet = VS_STMT("appt_get", 1, true,
	"SELECT " APPT_COLS APPT_FROM " WHERE a.id = $1");

static enum vs_err load(struct vs_db *db, const struct vs_view *v, int64_t iId, enum vs_action a,
			PGresult **ppRes)
{
	char zId[24];
	const char *az[1] = { vs_db_param_i64(zId, iId) };
	enum vs_err rc = vs_db_exec(db, &stGet, az, ppRes);

	if (rc != VS_OK)
		return rc;
	if (PQntuples(*ppRes) == 1)
		rc = vs_authorize_appointment(v->c, a, vs_db_i64(*ppRes, 0, AC_PARTNER));
	else
		rc = VS_ERR_NOT_FOUND;
	if (rc != VS_OK) {
		PQclear(*ppRes);
		*ppRes = NULL;
	}
	return rc;
}

enum vs_err vs_appointment_read(struct vs_db *db, const struct vs_view *v, int64_t iId, struct vs_buf *out)
{
	PGresult *r;
	enum vs_err rc = load(db, v, iId, VS_ACT_READ, &r);

	if (rc != VS_OK)
		return rc;
	appt_json(out, r, 0);
	PQclear(r);
	return vs_audit_view_read(db, v, "appointment.notes_read", "appointment", iId);
}

static struct vs_stmt stUpdate = VS_STMT("appt_update", 9, false,
	"WITH a AS (UPDATE appointments SET user_id = $2, title = $3, starts_at = $4, ends_at = $5,"
	"   notes = $6, updated_at = now() WHERE id = $1 RETURNING *),"
	" l AS (" VS_AUDIT_ROW("$7", "appointment.update", "appointment", "a.id", "$8", "$9", "a") ")"
	" SELECT " APPT_COLS " FROM a LEFT JOIN users u ON u.id = a.user_id");

enum vs_err vs_appointment_update(struct vs_db *db, const struct vs_view *v, int64_t iId,
				  const struct vs_appointment_input *in, struct vs_buf *out,
				  struct vs_outcome *pOut)
{
	char zId[24], zU[24], zS[40], zE[40], zActor[24];
	const char *az[9];
	PGresult *r, *rNew;
	enum vs_err rc = load(db, v, iId, VS_ACT_WRITE, &r);
	int64_t iStart, iEnd, iPartner;
	bool bLinked;

	if (rc != VS_OK)
		return rc;
	iPartner = vs_db_i64(r, 0, AC_PARTNER);
	iStart = in->bStart ? in->iStartUs : vs_db_i64(r, 0, AC_START);
	iEnd = in->bEnd ? in->iEndUs : vs_db_i64(r, 0, AC_END);
	if (!check_times(iStart, iEnd, pOut)) {
		PQclear(r);
		return VS_ERR_INVALID;
	}
	if (in->bUser && !in->bUserNull) {
		if ((rc = vs_client_is_linked(db, iPartner, in->iUserId, &bLinked)) != VS_OK) {
			PQclear(r);
			return rc;
		}
		if (!bLinked) {
			PQclear(r);
			vs_outcome_set(pOut, "user_id", "user_id must be one of your clients.");
			return VS_ERR_INVALID;
		}
	}
	az[0] = vs_db_param_i64(zId, iId);
	if (in->bUser)
		az[1] = in->bUserNull ? NULL : vs_db_param_i64(zU, in->iUserId);
	else
		az[1] = vs_db_text(r, 0, AC_USER);
	az[2] = in->bTitle ? in->zTitle : PQgetvalue(r, 0, AC_TITLE);
	az[3] = vs_db_param_time(zS, iStart);
	az[4] = vs_db_param_time(zE, iEnd);
	az[5] = in->bNotes ? in->zNotes : PQgetvalue(r, 0, AC_NOTES);
	vs_audit_params(v, zActor, az + 6);
	rc = vs_db_exec(db, &stUpdate, az, &rNew);
	PQclear(r);
	if (rc == VS_ERR_CONFLICT) {
		vs_booking_conflict(db, iPartner, iStart, iEnd, "appointment", iId, pOut);
		return rc;
	}
	if (rc != VS_OK)
		return rc;
	if (PQntuples(rNew) != 1) {  /* deleted meanwhile */
		PQclear(rNew);
		return VS_ERR_NOT_FOUND;
	}
	appt_json(out, rNew, 0);
	PQclear(rNew);
	return VS_OK;
}

static struct vs_stmt stDelete = VS_STMT("appt_delete", 4, false,
	"WITH d AS (DELETE FROM appointments WHERE id = $1 RETURNING id)"
	VS_AUDIT_ROW("$2", "appointment.delete", "appointment", "d.id", "$3", "$4", "d"));

enum vs_err vs_appointment_delete(struct vs_db *db, const struct vs_view *v, int64_t iId)
{
	PGresult *r;
	enum vs_err rc = load(db, v, iId, VS_ACT_WRITE, &r);

	PQclear(r);
	return rc != VS_OK ? rc : vs_audit_run_on(db, v, &stDelete, iId);
}

/* ---- calendar ----------------------------------------------------------- */

/* Both kinds overlapping [from, to), in start order; the lower bounds on the
 * start columns let the (partner, start) indexes do the work. */
static struct vs_stmt stCalendar = VS_STMT("calendar", 3, true,
	"SELECT 'video_session', s.id, s.title, (extract(epoch FROM s.session_date) * 1000000)::int8,"
	"  (extract(epoch FROM s.end_date) * 1000000)::int8, s.status, s.user_id,"
	"  (SELECT u.name FROM users u WHERE u.id = s.user_id)"
	" FROM video_sessions s"
	" WHERE s.partner_id = $1 AND s.status <> 'cancelled'"
	"  AND s.session_date < $3::timestamptz AND s.end_date > $2::timestamptz"
	"  AND s.session_date > $2::timestamptz - interval '180 minutes'"
	" UNION ALL"
	" SELECT 'appointment', a.id, a.title, (extract(epoch FROM a.starts_at) * 1000000)::int8,"
	"  (extract(epoch FROM a.ends_at) * 1000000)::int8, NULL, a.user_id,"
	"  (SELECT u.name FROM users u WHERE u.id = a.user_id)"
	" FROM appointments a"
	" WHERE a.partner_id = $1 AND a.starts_at < $3::timestamptz AND a.ends_at > $2::timestamptz"
	"  AND a.starts_at > $2::timestamptz - interval '12 hours'"
	" ORDER BY 4, 1, 2");

enum vs_err vs_calendar(struct vs_db *db, const struct vs_view *v, int64_t iPartner,
			int64_t iFromUs, int64_t iToUs, struct vs_buf *out)
{
	char zP[24], zF[40], zT[40];
	const char *az[3] = { vs_db_param_i64(zP, iPartner), vs_db_param_time(zF, iFromUs), vs_db_param_time(zT, iToUs) };
	PGresult *r;
	enum vs_err rc = vs_authorize_partner_collection(v->c, iPartner, VS_ACT_READ);

	if (rc != VS_OK)
		return rc;
	if ((rc = vs_db_exec(db, &stCalendar, az, &r)) != VS_OK)
		return rc;
	vs_buf_puts(out, "{\"events\":[");
	for (int i = 0; i < PQntuples(r); i++) {
		int64_t iS = vs_db_i64(r, i, 3), iE = vs_db_i64(r, i, 4);
		if (i > 0)
			vs_buf_putc(out, ',');
		vs_buf_putc(out, '{');
		vs_json_key(out, "kind", true);
		vs_json_str(out, PQgetvalue(r, i, 0));
		vs_json_key(out, "id", false);
		vs_json_i64(out, vs_db_i64(r, i, 1));
		vs_json_key(out, "title", false);
		vs_json_str(out, PQgetvalue(r, i, 2));
		vs_json_key(out, "start", false);
		vs_json_time(out, iS);
		vs_json_key(out, "end", false);
		vs_json_time(out, iE);
		vs_json_key(out, "status", false);
		vs_json_str(out, vs_session_status_at(vs_db_text(r, i, 5), iS, iE, v->iNowUs));
		vs_json_key(out, "user", false);
		if (PQgetisnull(r, i, 6)) {
			vs_json_null(out);
		} else {
			vs_buf_puts(out, "{\"id\":");
			vs_json_i64(out, vs_db_i64(r, i, 6));
			vs_json_key(out, "name", false);
			vs_json_str(out, PQgetvalue(r, i, 7));
			vs_buf_putc(out, '}');
		}
		vs_buf_putc(out, '}');
	}
	vs_buf_puts(out, "]}");
	PQclear(r);
	return VS_OK;
}
