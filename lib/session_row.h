/*
 * session_row.h — what the session files of lib/ share about a row of
 * video_sessions: the columns every read selects and the API object it
 * becomes (sessions.c, session_lists.c). Not installed; not for app/.
 */
#ifndef VSESSION_SESSION_ROW_H
#define VSESSION_SESSION_ROW_H

#include <stdbool.h>

#include "vsession/buf.h"
#include "vsession/caller.h"
#include "vsession/db.h"

/*
 * The columns every session read selects, in this order (see SC_*).
 * SESSION_COLS_AS names the partner and the client of the rows (pid, uid) and
 * the attendance column (att): a list whose rows all share one partner or one
 * client passes "$1" there, so PostgreSQL reads that name and that notice
 * period once per statement (an InitPlan) instead of once per row.
 */
#define SESSION_COLS_AS(pid, uid, att) \
	"s.id, s.partner_id, s.user_id," \
	" (SELECT p.name FROM users p WHERE p.id = " pid ")," \
	" (SELECT u.name FROM users u WHERE u.id = " uid "), s.title," \
	" (extract(epoch FROM s.session_date) * 1000000)::int8," \
	" (extract(epoch FROM s.end_date) * 1000000)::int8," \
	" s.duration_minutes, s.status, s.password_enabled, s.notes," \
	" (extract(epoch FROM s.created_at) * 1000000)::int8," \
	" (extract(epoch FROM s.updated_at) * 1000000)::int8, s.sequence, s.cancel_reason," \
	" s.series_id, s.series_index," \
	" CASE WHEN s.series_id IS NOT NULL THEN" \
	"  (SELECT sr.interval_weeks FROM session_series sr WHERE sr.id = s.series_id) END," \
	" CASE WHEN s.series_id IS NOT NULL THEN" \
	"  (SELECT sr.occurrences FROM session_series sr WHERE sr.id = s.series_id) END," \
	" s.outcome, coalesce(s.cancelled_by, 'partner')," \
	" coalesce((SELECT ps.cancel_notice_hours FROM partner_settings ps WHERE ps.partner_id = " pid "), 24)," \
	att
#define SESSION_COLS SESSION_COLS_AS("s.partner_id", "s.user_id", SESSION_ATTENDANCE)
/*
 * The same for callers who never see the attendance record (clients): the
 * column is NULL and costs nothing.
 */
#define SESSION_COLS_NO_ATTENDANCE(pid, uid) SESSION_COLS_AS(pid, uid, " NULL::json")
/*
 * A session outside a series never runs the two series subqueries (CASE evaluates them only
 * for a member).
 * The names come from scalar subqueries, not joins: every statement is then
 * a scan of video_sessions alone, whose plan (an index scan in the order the
 * index keeps) holds for any parameter values, so the cached generic plan of
 * a prepared statement is as good as a fresh one.
 */
/*
 * Who joined, as a JSON array built by PostgreSQL (attendance.c), for those
 * who see notes. A row of session_attendance is written only by a join grant,
 * and a grant comes no earlier than VS_JOIN_EARLY_US (15 minutes) before the
 * start (joins.c); every change of session_date adds one to sequence. So a
 * session never changed (sequence 0) whose start is more than 15 minutes
 * ahead has no attendance, and its row skips the subquery (an aggregate with
 * its own sort, the dearest column of a list). The hour on top covers clock
 * skew between the workers, who decide the grant, and PostgreSQL's now().
 */
#define SESSION_ATTENDANCE \
	" CASE WHEN s.sequence > 0 OR s.session_date <= now() + interval '75 minutes' THEN" \
	" (SELECT json_agg(json_build_object('role', a.role, 'name', nullif(a.guest_name, '')," \
	"   'first_joined_at', to_char(a.first_joined_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))" \
	"   ORDER BY a.first_joined_at, a.role, a.guest_name)" \
	"  FROM session_attendance a WHERE a.video_session_id = s.id) END"
#define SESSION_FROM " FROM video_sessions s"

enum { SC_ID, SC_PARTNER, SC_USER, SC_PARTNER_NAME, SC_USER_NAME, SC_TITLE, SC_START, SC_END,
       SC_DURATION, SC_STATUS, SC_PW_ENABLED, SC_NOTES, SC_CREATED, SC_UPDATED, SC_SEQUENCE,
       SC_CANCEL_REASON, SC_SERIES_ID, SC_SERIES_INDEX, SC_SERIES_INTERVAL, SC_SERIES_COUNT,
       SC_OUTCOME, SC_CANCELLED_BY, SC_NOTICE_HOURS, SC_ATTENDANCE, SC__N };

/*
 * Writes row i of r (SESSION_COLS) as the API's session object into b:
 * with notes when bNotes, with "password" when zPassword is not NULL.
 */
void vs_session_row_json(struct vs_buf *b, const struct vs_view *v, const PGresult *r, int i,
			 bool bNotes, const char *zPassword);
/* Partners and admins see a session's notes; clients never do. */
bool vs_session_sees_notes(const struct vs_caller *c);

#endif
