/*
 * limits.c — attempt counters and rate limits in PostgreSQL (limits.h):
 * one UPSERT reserves a try on every key at once, race-free across workers
 * and hosts (tests/isolation/attempt-counter.spec copies these statements).
 */
#include <stdio.h>

#include "vsession/limits.h"

/*
 * A key already at its limit in a live window refuses the attempt before
 * anything is written (blocked), so a refused attempt creates no row and
 * raises no counter. Otherwise every key is counted in one UPSERT; two tries
 * racing past the check are still ordered by the row lock, and the later
 * one sees the count over the limit and gives its reservation back.
 */
static struct vs_stmt stLimitReserve = VS_STMT("limit_reserve", 5, false,
	"WITH k(key, lim) AS (VALUES (lower($1::text), $2::int), (lower($3::text), $4::int)),"
	" blocked AS ("
	"  SELECT ceil(extract(epoch FROM c.window_start + make_interval(secs => $5::int) - now())) AS wait"
	"  FROM attempt_counters c JOIN k USING (key)"
	"  WHERE c.window_start > now() - make_interval(secs => $5::int) AND c.attempts >= k.lim),"
	" up AS ("
	"  INSERT INTO attempt_counters AS c (key, window_start, attempts)"
	"  SELECT key, now(), 1 FROM k WHERE key IS NOT NULL AND NOT EXISTS (SELECT 1 FROM blocked)"
	"  ON CONFLICT (key) DO UPDATE SET"
	"   attempts = CASE WHEN c.window_start <= now() - make_interval(secs => $5::int) THEN 1"
	"              ELSE c.attempts + 1 END,"
	"   window_start = CASE WHEN c.window_start <= now() - make_interval(secs => $5::int) THEN now()"
	"              ELSE c.window_start END"
	"  RETURNING c.key, c.attempts, c.window_start)"
	" SELECT greatest((SELECT max(wait) FROM blocked),"
	"  (SELECT max(ceil(extract(epoch FROM up.window_start + make_interval(secs => $5::int) - now())))"
	"   FROM up JOIN k USING (key) WHERE up.attempts > k.lim), 0)::int,"
	" EXISTS (SELECT 1 FROM blocked)");

static struct vs_stmt stLimitRelease = VS_STMT("limit_release", 2, false,
	"UPDATE attempt_counters SET attempts = greatest(attempts - 1, 0)"
	" WHERE key = lower($1) OR key = lower($2)");

enum vs_err vs_limit_reserve(struct vs_db *db, const char *zKey1, int nMax1,
			     const char *zKey2, int nMax2, int iWindowSec, int *piRetryAfter)
{
	char zMax1[24], zMax2[24], zWin[24];
	const char *az[5] = { zKey1, vs_db_param_i64(zMax1, nMax1), zKey2,
			      vs_db_param_i64(zMax2, nMax2), vs_db_param_i64(zWin, iWindowSec) };
	PGresult *r;
	enum vs_err rc;
	int64_t iRetry;
	bool bBlocked;

	*piRetryAfter = 0;
	rc = vs_db_exec(db, &stLimitReserve, az, &r);
	if (rc != VS_OK)
		return rc;
	iRetry = PQntuples(r) == 1 ? vs_db_i64(r, 0, 0) : 0;
	bBlocked = PQntuples(r) == 1 && vs_db_bool(r, 0, 1);
	PQclear(r);
	if (iRetry <= 0)
		return VS_OK;
	if (!bBlocked)  /* counted, then found over: give the reservation back */
		vs_limit_release(db, zKey1, zKey2);
	*piRetryAfter = (int)iRetry;
	return VS_ERR_RATE_LIMITED;
}

enum vs_err vs_limit_release(struct vs_db *db, const char *zKey1, const char *zKey2)
{
	const char *az[2] = { zKey1, zKey2 };
	PGresult *r;
	enum vs_err rc = vs_db_exec(db, &stLimitRelease, az, &r);

	if (rc == VS_OK)
		PQclear(r);
	return rc;
}
enum vs_err vs_write_limit_reserve(struct vs_db *db, int64_t iUser, int *piRetryAfter)
{
	char zKey[48];

	snprintf(zKey, sizeof(zKey), "write:user:%lld", (long long)iUser);
	return vs_limit_reserve(db, zKey, VS_WRITE_MAX, NULL, 0, VS_WRITE_WINDOW_SEC, piRetryAfter);
}
