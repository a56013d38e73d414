/*
 * series.h — weekly series of video sessions (lib/series.c): the recurrence
 * rule of a create, the series' creation, "this and following" changes and
 * cancellations, and the series' iCalendar file.
 *
 * Ownership: answers are appended as JSON (or iCalendar) to the caller's
 * vs_buf; the per-occurrence conflicts of a 409 are appended, as a JSON
 * array, to the caller's pConflicts; refusals are described in the caller's
 * vs_outcome; input strings and cJSON trees belong to the caller. Every
 * function authorizes the view's caller itself (authz.h).
 */
#ifndef VSESSION_SERIES_H
#define VSESSION_SERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#include "vsession/buf.h"
#include "vsession/caller.h"
#include "vsession/db.h"
#include "vsession/error.h"
#include "vsession/sessions.h"

#define VS_SERIES_COUNT_MIN 2
#define VS_SERIES_COUNT_MAX 52
/* "until" may be at most a year after the first date: up to 53 weekly dates */
#define VS_SERIES_OCCURRENCES_MAX 53

/* A validated "recurrence" object: weekly, every nInterval weeks, nCount times or until zUntil. */
struct vs_recurrence {
	int  nInterval;    /* 1 or 2 */
	int  nCount;       /* 2..52, 0 when zUntil is given */
	char zUntil[11];   /* "YYYY-MM-DD" (a date in the partner's time zone), "" when nCount is */
};

/*
 * Checks the JSON value p (the body's "recurrence") and fills r. On a
 * refusal returns false, sets *pzField to the member at fault
 * ("recurrence", "recurrence.count", ...; static storage) and writes a
 * sentence for people into zMsg (nMsg bytes, NUL-terminated).
 */
bool vs_recurrence_parse(const cJSON *p, struct vs_recurrence *r, const char **pzField, char *zMsg, size_t nMsg);

enum vs_scope { VS_SCOPE_ONE, VS_SCOPE_FOLLOWING };

/*
 * Creates the sessions of a series for the calling partner in one
 * transaction: every occurrence has its own room; one password (when
 * enabled) for all. iLatestUs: the latest start the booking horizon allows.
 * A conflicting occurrence refuses the whole series (VS_ERR_CONFLICT, the
 * conflicts in pConflicts) unless bSkip, when it is left out and listed as
 * "skipped". The answer: {"series_id", "sessions", "skipped", "password"?}.
 */
enum vs_err vs_series_create(struct vs_db *db, const struct vs_view *v, const struct vs_session_input *in,
			     const struct vs_recurrence *rule, bool bSkip, int64_t iLatestUs,
			     struct vs_buf *out, struct vs_buf *pConflicts, struct vs_outcome *pOut);
/*
 * PUT with a scope: "one" is the plain update of a series member;
 * "following" changes this member and every later one that is not
 * cancelled (time by the same wall-clock change, duration, title, notes),
 * all or nothing. 422 naming "scope" for a session outside a series.
 */
enum vs_err vs_series_update(struct vs_db *db, const struct vs_view *v, int64_t iId,
			     const struct vs_session_input *in, enum vs_scope eScope, int64_t iLatestUs,
			     struct vs_buf *out, struct vs_buf *pConflicts, struct vs_outcome *pOut);
/* The cancel with a scope: "one" is vs_session_cancel; "following" cancels the later open members too. */
enum vs_err vs_series_cancel(struct vs_db *db, const struct vs_view *v, int64_t iId, const char *zReason,
			     enum vs_scope eScope, struct vs_buf *out, struct vs_outcome *pOut);
/*
 * Series iSeries as iCalendar (RRULE, EXDATE, RECURRENCE-ID), for a caller
 * already allowed to read one of its members, whose client is iUser.
 * VS_ERR_NOT_FOUND when iUser is not the series' client (the member was
 * given to another client: it is then a session of its own).
 */
enum vs_err vs_series_ics(struct vs_db *db, const struct vs_view *v, int64_t iSeries, int64_t iUser,
			  struct vs_buf *out);

#endif
