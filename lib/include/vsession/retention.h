/*
 * retention.h — purging rows whose time is over (vsessionctl purge).
 */
#ifndef VSESSION_RETENTION_H
#define VSESSION_RETENTION_H

#include <stdint.h>
#include <stdlib.h>

#include "vsession/db.h"
#include "vsession/error.h"

/* No rate-limit window is longer than this; older counters are expired. */
#define VS_LIMIT_WINDOW_MAX_SEC (24 * 3600)

struct vs_purge_counts {
	int64_t nCounters;  /* attempt_counters rows deleted */
	int64_t nLogins;    /* login_sessions rows deleted (expired or revoked) */
	int64_t nAudit;     /* audit_log rows deleted (only with iAuditDays > 0) */
};

/*
 * Deletes rate-limit counters whose window started more than
 * VS_LIMIT_WINDOW_MAX_SEC ago and login sessions that expired or were
 * revoked (a token naming a deleted session is refused just the same).
 * With iAuditDays > 0 also deletes audit rows older than that many days, in
 * one transaction that needs the audit table's owner (the API's role gets
 * an error and nothing is deleted). Fills *pOut with the counts.
 */
enum vs_err vs_purge(struct vs_db *db, int iAuditDays, struct vs_purge_counts *pOut);

#endif
