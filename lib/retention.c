/*
 * retention.c — deleting what has outlived its use: expired rate-limit
 * counters, ended login sessions, old outbox rows, expired account links and,
 * when the operator asks for it, audit rows older than a retention period.
 *
 * Counters, login sessions, outbox rows and account links are deleted with
 * the API's own rights (its role may delete all four). The audit log is append-only for everyone through
 * its trigger; only the table's owner can lift that trigger, for the one
 * transaction that deletes the old rows, so the API's role can never purge.
 */
#include "vsession/retention.h"

static struct vs_stmt stPurgeCounters = VS_STMT("purge_counters", 1, false,
	"DELETE FROM attempt_counters WHERE window_start < now() - make_interval(secs => $1::int)");
static struct vs_stmt stPurgeLogins = VS_STMT("purge_logins", 0, false,
	"DELETE FROM login_sessions WHERE expires_at <= now() OR revoked_at IS NOT NULL");
/* A sent row counts from when it was sent; a cancelled or failed one from when it was written
 * (a failed row stopped being retried 24 hours after that). */
static struct vs_stmt stPurgeOutbox = VS_STMT("purge_outbox", 2, false,
	"DELETE FROM outbox WHERE (status = 'sent' AND coalesce(sent_at, created_at) < now() - make_interval(days => $1::int))"
	" OR (status = 'cancelled' AND created_at < now() - make_interval(days => $1::int))"
	" OR (status = 'failed' AND created_at < now() - make_interval(days => $2::int))");
static struct vs_stmt stPurgeTokens = VS_STMT("purge_tokens", 0, false,
	"DELETE FROM account_tokens WHERE expires_at <= now()");
static struct vs_stmt stPurgeAudit = VS_STMT("purge_audit", 1, false,
	"DELETE FROM audit_log WHERE at < now() - make_interval(days => $1::int)");

/* Runs st and adds its affected row count to *pn. */
static enum vs_err purge_exec(struct vs_db *db, struct vs_stmt *st, const char *const *az, int64_t *pn)
{
	PGresult *r;
	enum vs_err rc = vs_db_exec(db, st, az, &r);

	if (rc != VS_OK)
		return rc;
	*pn = strtoll(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return VS_OK;
}

enum vs_err vs_purge(struct vs_db *db, int iAuditDays, struct vs_purge_counts *pOut)
{
	char zWin[24], zDays[24], zKeep[24], zFailed[24];
	const char *az[1], *azOutbox[2];
	enum vs_err rc;

	pOut->nCounters = pOut->nLogins = pOut->nAudit = pOut->nOutbox = pOut->nTokens = 0;
	az[0] = vs_db_param_i64(zWin, VS_LIMIT_WINDOW_MAX_SEC);
	if ((rc = purge_exec(db, &stPurgeCounters, az, &pOut->nCounters)) != VS_OK)
		return rc;
	if ((rc = purge_exec(db, &stPurgeLogins, NULL, &pOut->nLogins)) != VS_OK)
		return rc;
	azOutbox[0] = vs_db_param_i64(zKeep, VS_OUTBOX_KEEP_DAYS);
	azOutbox[1] = vs_db_param_i64(zFailed, VS_OUTBOX_FAILED_KEEP_DAYS);
	if ((rc = purge_exec(db, &stPurgeOutbox, azOutbox, &pOut->nOutbox)) != VS_OK)
		return rc;
	if ((rc = purge_exec(db, &stPurgeTokens, NULL, &pOut->nTokens)) != VS_OK)
		return rc;
	if (iAuditDays <= 0)
		return VS_OK;
	az[0] = vs_db_param_i64(zDays, iAuditDays);
	if ((rc = vs_db_command(db, "BEGIN")) != VS_OK)
		return rc;
	if ((rc = vs_db_command(db, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")) != VS_OK ||
	    (rc = purge_exec(db, &stPurgeAudit, az, &pOut->nAudit)) != VS_OK ||
	    (rc = vs_db_command(db, "ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")) != VS_OK ||
	    (rc = vs_db_command(db, "COMMIT")) != VS_OK) {
		vs_db_command(db, "ROLLBACK");
		pOut->nAudit = 0;
		return rc;
	}
	return VS_OK;
}
