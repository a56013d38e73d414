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

/* Outbox rows are kept this many days: sent or cancelled ones (the partner's
 * record of what went out), and failed ones (longer, to find out why). */
#define VS_OUTBOX_KEEP_DAYS 30
#define VS_OUTBOX_FAILED_KEEP_DAYS 90

struct vs_purge_counts {
	int64_t nCounters;  /* attempt_counters rows deleted */
	int64_t nLogins;    /* login_sessions rows deleted (expired or revoked) */
	int64_t nAudit;     /* audit_log rows deleted (only with iAuditDays > 0) */
	int64_t nOutbox;    /* outbox rows deleted (sent or cancelled, or failed, long enough ago) */
	int64_t nTokens;    /* account_tokens rows deleted (expired; a used link is deleted when used) */
};

/*
 * Deletes rate-limit counters whose window started more than
 * VS_LIMIT_WINDOW_MAX_SEC ago and login sessions that expired or were
 * revoked (a token naming a deleted session is refused just the same),
 * outbox rows sent or cancelled more than VS_OUTBOX_KEEP_DAYS ago or failed
 * more than VS_OUTBOX_FAILED_KEEP_DAYS ago (pending ones never), and expired
 * onboarding and password-reset links.
 * With iAuditDays > 0 also deletes audit rows older than that many days, in
 * one transaction that needs the audit table's owner (the API's role gets
 * an error and nothing is deleted). Fills *pOut with the counts.
 */
enum vs_err vs_purge(struct vs_db *db, int iAuditDays, struct vs_purge_counts *pOut);

#endif
