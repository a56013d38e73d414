/*
 * db.c — the process's PostgreSQL connection.
 *
 * Invariant: db->pConn is either NULL or a connection whose status was OK
 * after the last call. Every failure that leaves libpq's connection unusable
 * (PQstatus bad, or a transaction left in an unknown state) closes it, so the
 * next call reconnects; statements prepared on it are forgotten by bumping
 * the generation counter.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsession/db.h"
#include "vsession/timeutil.h"

struct vs_db {
	PGconn  *pConn;
	char    *zConninfo;
	bool     bPrepare;
	unsigned iGen;          /* bumped on every new connection */
	char     zState[6];
	char     zMessage[256];
	/* The guard: a statement sent ahead of the next one in the same
	 * pipeline (see vs_db_guard_set), with copies of its parameters. */
	struct vs_stmt *pGuard;
	enum vs_guard   eGuard;
	enum vs_err     eGuardErr;  /* why it failed, when VS_GUARD_FAILED */
	int             nGuardParam;
	char            aGuardParam[VS_GUARD_MAX_PARAM][VS_GUARD_PARAM_LEN];
	const char     *azGuardParam[VS_GUARD_MAX_PARAM];
};

struct vs_db *vs_db_new(const char *zConninfo, bool bPrepare)
{
	struct vs_db *db = calloc(1, sizeof(*db));

	if (db == NULL)
		return NULL;
	db->zConninfo = strdup(zConninfo);
	if (db->zConninfo == NULL) {
		free(db);
		return NULL;
	}
	db->bPrepare = bPrepare;
	return db;
}

static void disconnect(struct vs_db *db)
{
	if (db->pConn != NULL) {
		PQfinish(db->pConn);
		db->pConn = NULL;
	}
}

void vs_db_free(struct vs_db *db)
{
	if (db == NULL)
		return;
	disconnect(db);
	free(db->zConninfo);
	free(db);
}

static void note_failure(struct vs_db *db, const PGresult *r, const char *zFallback)
{
	const char *z;

	db->zState[0] = '\0';
	z = r != NULL ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	if (z != NULL)
		snprintf(db->zState, sizeof(db->zState), "%s", z);
	z = r != NULL ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (z == NULL && db->pConn != NULL)
		z = PQerrorMessage(db->pConn);
	snprintf(db->zMessage, sizeof(db->zMessage), "%s", z != NULL && *z ? z : zFallback);
}

enum vs_err vs_db_connect(struct vs_db *db)
{
	const char *azKey[] = { "dbname", "connect_timeout", "application_name", NULL };
	const char *azVal[] = { db->zConninfo, "3", "vsession", NULL };

	if (db->pConn != NULL && PQstatus(db->pConn) == CONNECTION_OK)
		return VS_OK;
	disconnect(db);
	db->pConn = PQconnectdbParams(azKey, azVal, 1);
	if (db->pConn == NULL || PQstatus(db->pConn) != CONNECTION_OK) {
		note_failure(db, NULL, "cannot connect to the database");
		disconnect(db);
		return VS_ERR_UNAVAILABLE;
	}
	db->iGen++;
	if (db->iGen == 0)
		db->iGen = 1;
	return VS_OK;
}

static enum vs_err map_sqlstate(const char *z)
{
	if (z[0] == '\0')
		return VS_ERR_INTERNAL;
	if (!strcmp(z, "23P01"))
		return VS_ERR_CONFLICT;
	if (!strcmp(z, "23505"))
		return VS_ERR_DUPLICATE;
	if (!strcmp(z, "23503") || !strcmp(z, "23514") || !strcmp(z, "23502") || !strncmp(z, "22", 2))
		return VS_ERR_INVALID;
	if (!strncmp(z, "08", 2) || !strcmp(z, "57P01") || !strcmp(z, "57P02") || !strcmp(z, "57P03"))
		return VS_ERR_UNAVAILABLE;
	return VS_ERR_INTERNAL;
}

/* One attempt; sets *pbLost when the connection broke under the call. */
static enum vs_err exec_once(struct vs_db *db, struct vs_stmt *st, const char *const *azParam,
			     PGresult **ppRes, bool *pbLost)
{
	PGresult *r;
	ExecStatusType e;
	enum vs_err rc;
	bool bPrepared = db->bPrepare && !st->bCustomPlan;

	*pbLost = false;
	if ((rc = vs_db_connect(db)) != VS_OK)
		return rc;
	if (bPrepared && st->iGen != db->iGen) {
		r = PQprepare(db->pConn, st->zName, st->zSql, st->nParam, NULL);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			note_failure(db, r, "prepare failed");
			PQclear(r);
			goto failed;
		}
		PQclear(r);
		st->iGen = db->iGen;
	}
	if (bPrepared)
		r = PQexecPrepared(db->pConn, st->zName, st->nParam, azParam, NULL, NULL, 0);
	else
		r = PQexecParams(db->pConn, st->zSql, st->nParam, NULL, azParam, NULL, NULL, 0);
	e = PQresultStatus(r);
	if (e == PGRES_TUPLES_OK || e == PGRES_COMMAND_OK) {
		*ppRes = r;
		return VS_OK;
	}
	note_failure(db, r, "statement failed");
	PQclear(r);
failed:
	if (PQstatus(db->pConn) != CONNECTION_OK) {
		disconnect(db);
		*pbLost = true;
		return VS_ERR_UNAVAILABLE;
	}
	rc = map_sqlstate(db->zState);
	if (rc == VS_ERR_UNAVAILABLE) {
		disconnect(db);
		*pbLost = true;
	}
	return rc;
}

/* Queues st on a connection in pipeline mode, its Prepare first when it
 * is not prepared on this connection yet (*pbPrep says so). */
static bool pipe_send(struct vs_db *db, struct vs_stmt *st, const char *const *azParam, bool *pbPrep)
{
	bool bPrepared = db->bPrepare && !st->bCustomPlan;

	*pbPrep = bPrepared && st->iGen != db->iGen;
	if (*pbPrep && PQsendPrepare(db->pConn, st->zName, st->zSql, st->nParam, NULL) != 1)
		return false;
	if (bPrepared)
		return PQsendQueryPrepared(db->pConn, st->zName, st->nParam, azParam, NULL, NULL, 0) == 1;
	return PQsendQueryParams(db->pConn, st->zSql, st->nParam, NULL, azParam, NULL, NULL, 0) == 1;
}

/* Maps the failure of the guard noted in db->zState, and records it. */
static enum vs_err guard_failed(struct vs_db *db, bool *pbLost)
{
	enum vs_err rc;

	if (db->pConn == NULL || PQstatus(db->pConn) != CONNECTION_OK) {
		disconnect(db);
		*pbLost = true;
		return VS_ERR_UNAVAILABLE;     /* still pending: it never ran */
	}
	rc = !strncmp(db->zState, "22", 2) ? VS_ERR_UNAUTHENTICATED : map_sqlstate(db->zState);
	if (rc == VS_ERR_UNAVAILABLE) {
		disconnect(db);
		*pbLost = true;
		return rc;
	}
	db->eGuard = VS_GUARD_FAILED;
	db->eGuardErr = rc;
	return rc;
}

/*
 * One attempt of st behind the pending guard, in one pipeline and one round
 * trip: [Prepare guard] guard [Prepare st] st Sync. The guard's outcome is
 * recorded; st's result is handed out as exec_once() does.
 */
static enum vs_err exec_guarded(struct vs_db *db, struct vs_stmt *st, const char *const *azParam,
				PGresult **ppRes, bool *pbLost)
{
	struct vs_stmt *g = db->pGuard;
	PGresult *aRes[4] = { NULL, NULL, NULL, NULL }, *r, *rGuard;
	int n = 0, iPrepG = -1, iGuard, iPrepS = -1, iMain;
	bool bPrep;
	enum vs_err rc;

	*pbLost = false;
	if ((rc = vs_db_connect(db)) != VS_OK)
		return rc;
	if (PQenterPipelineMode(db->pConn) != 1)
		goto broken;
	if (!pipe_send(db, g, db->azGuardParam, &bPrep))
		goto broken;
	if (bPrep)
		iPrepG = n++;
	iGuard = n++;
	if (!pipe_send(db, st, azParam, &bPrep))
		goto broken;
	if (bPrep)
		iPrepS = n++;
	iMain = n++;
	if (PQpipelineSync(db->pConn) != 1)
		goto broken;
	for (int i = 0; i < n; i++) {
		aRes[i] = PQgetResult(db->pConn);
		if (aRes[i] == NULL || PQresultStatus(aRes[i]) == PGRES_PIPELINE_SYNC)
			goto broken;
		while ((r = PQgetResult(db->pConn)) != NULL)   /* the NULL ending each query */
			PQclear(r);
	}
	r = PQgetResult(db->pConn);
	if (r == NULL || PQresultStatus(r) != PGRES_PIPELINE_SYNC) {
		PQclear(r);
		goto broken;
	}
	PQclear(r);
	if (PQexitPipelineMode(db->pConn) != 1)
		goto broken;

	/* The guard: its Prepare, then its execution. */
	rGuard = aRes[iGuard];
	if (iPrepG >= 0) {
		if (PQresultStatus(aRes[iPrepG]) != PGRES_COMMAND_OK)
			rGuard = aRes[iPrepG];
		else
			g->iGen = db->iGen;
	}
	if (PQresultStatus(rGuard) != PGRES_TUPLES_OK) {
		note_failure(db, rGuard, "guard failed");
		rc = guard_failed(db, pbLost);
		goto out;
	}
	db->eGuard = VS_GUARD_PASSED;

	/* The statement: the same outcomes as exec_once(). */
	r = aRes[iMain];
	if (iPrepS >= 0) {
		if (PQresultStatus(aRes[iPrepS]) != PGRES_COMMAND_OK)
			r = aRes[iPrepS];
		else
			st->iGen = db->iGen;
	}
	if (PQresultStatus(r) == PGRES_TUPLES_OK || PQresultStatus(r) == PGRES_COMMAND_OK) {
		*ppRes = r;
		aRes[iMain] = NULL;
		rc = VS_OK;
		goto out;
	}
	note_failure(db, r, "statement failed");
	rc = map_sqlstate(db->zState);
	if (rc == VS_ERR_UNAVAILABLE) {
		disconnect(db);
		*pbLost = true;
	}
	goto out;

broken:
	/* A pipeline that did not run to its Sync leaves the connection in an
	 * unknown state: throw it away (the guard stays pending). */
	note_failure(db, NULL, "pipeline failed");
	disconnect(db);
	*pbLost = true;
	rc = VS_ERR_UNAVAILABLE;
out:
	for (int i = 0; i < 4; i++)
		PQclear(aRes[i]);
	return rc;
}

/* One attempt of st: behind the guard when it is pending. */
static enum vs_err exec_step(struct vs_db *db, struct vs_stmt *st, const char *const *azParam,
			     PGresult **ppRes, bool *pbLost)
{
	if (db->eGuard == VS_GUARD_PENDING)
		return exec_guarded(db, st, azParam, ppRes, pbLost);
	return exec_once(db, st, azParam, ppRes, pbLost);
}

enum vs_err vs_db_exec(struct vs_db *db, struct vs_stmt *st, const char *const *azParam,
		       PGresult **ppRes)
{
	bool bLost, bInTx = vs_db_in_transaction(db);
	enum vs_err rc;

	*ppRes = NULL;
	if (db->eGuard == VS_GUARD_FAILED)
		return db->eGuardErr;
	if (db->eGuard == VS_GUARD_PENDING && bInTx && (rc = vs_db_guard_resolve(db)) != VS_OK)
		return rc;
	rc = exec_step(db, st, azParam, ppRes, &bLost);
	/* A statement that only reads is run again once on a fresh connection,
	 * so the first request after a database restart does not fail. A guard
	 * that never ran because the connection broke is sent again with it. */
	if (rc == VS_ERR_UNAVAILABLE && bLost && !bInTx && (st->bReadOnly || db->eGuard == VS_GUARD_PENDING)) {
		if (st->bReadOnly)
			rc = exec_step(db, st, azParam, ppRes, &bLost);
		else if ((rc = vs_db_guard_resolve(db)) == VS_OK)
			rc = VS_ERR_UNAVAILABLE;   /* the write's own failure stands */
	}
	if (db->eGuard == VS_GUARD_FAILED)
		return db->eGuardErr;
	/* A statement chosen as a deadlock victim or a serialization failure was
	 * rolled back whole: outside a transaction block it can simply run again. */
	for (int i = 0; i < 3 && rc == VS_ERR_INTERNAL && !bInTx &&
	     (!strcmp(db->zState, "40P01") || !strcmp(db->zState, "40001")); i++)
		rc = exec_once(db, st, azParam, ppRes, &bLost);
	return rc;
}

enum vs_err vs_db_guard_set(struct vs_db *db, struct vs_stmt *st, const char *const *azParam)
{
	if (st->nParam < 0 || st->nParam > VS_GUARD_MAX_PARAM || !st->bReadOnly)
		return VS_ERR_INVALID;
	for (int i = 0; i < st->nParam; i++)
		if (azParam[i] != NULL && strlen(azParam[i]) >= VS_GUARD_PARAM_LEN)
			return VS_ERR_INVALID;
	for (int i = 0; i < st->nParam; i++) {
		if (azParam[i] == NULL) {
			db->azGuardParam[i] = NULL;
			continue;
		}
		memcpy(db->aGuardParam[i], azParam[i], strlen(azParam[i]) + 1);
		db->azGuardParam[i] = db->aGuardParam[i];
	}
	db->nGuardParam = st->nParam;
	db->pGuard = st;
	db->eGuard = VS_GUARD_PENDING;
	db->eGuardErr = VS_OK;
	return VS_OK;
}

void vs_db_guard_clear(struct vs_db *db)
{
	db->pGuard = NULL;
	db->eGuard = VS_GUARD_NONE;
	db->eGuardErr = VS_OK;
	db->nGuardParam = 0;
}

enum vs_err vs_db_guard_resolve(struct vs_db *db)
{
	PGresult *r = NULL;
	bool bLost;
	enum vs_err rc;

	if (db->eGuard == VS_GUARD_FAILED)
		return db->eGuardErr;
	if (db->eGuard != VS_GUARD_PENDING)
		return VS_OK;
	rc = exec_once(db, db->pGuard, db->azGuardParam, &r, &bLost);
	if (rc == VS_ERR_UNAVAILABLE && bLost)
		rc = exec_once(db, db->pGuard, db->azGuardParam, &r, &bLost);
	PQclear(r);
	if (rc == VS_OK) {
		db->eGuard = VS_GUARD_PASSED;
		return VS_OK;
	}
	if (!strncmp(db->zState, "22", 2))
		rc = VS_ERR_UNAUTHENTICATED;
	db->eGuard = VS_GUARD_FAILED;
	db->eGuardErr = rc;
	return rc;
}

enum vs_guard vs_db_guard_state(const struct vs_db *db)
{
	return db->eGuard;
}

enum vs_err vs_db_run(struct vs_db *db, struct vs_stmt *st, const char *const *azParam)
{
	PGresult *r;
	enum vs_err rc = vs_db_exec(db, st, azParam, &r);

	PQclear(r);
	return rc;
}

enum vs_err vs_db_command(struct vs_db *db, const char *zSql)
{
	PGresult *r;
	enum vs_err rc;

	if ((rc = vs_db_guard_resolve(db)) != VS_OK)
		return rc;
	if ((rc = vs_db_connect(db)) != VS_OK)
		return rc;
	r = PQexec(db->pConn, zSql);
	if (PQresultStatus(r) == PGRES_COMMAND_OK) {
		PQclear(r);
		return VS_OK;
	}
	note_failure(db, r, "command failed");
	PQclear(r);
	if (PQstatus(db->pConn) != CONNECTION_OK) {
		disconnect(db);
		return VS_ERR_UNAVAILABLE;
	}
	return map_sqlstate(db->zState);
}

bool vs_db_in_transaction(struct vs_db *db)
{
	return db->pConn != NULL && PQtransactionStatus(db->pConn) != PQTRANS_IDLE;
}

const char *vs_db_message(const struct vs_db *db) { return db->zMessage; }

const char *vs_db_text(const PGresult *r, int iRow, int iCol)
{
	return PQgetisnull(r, iRow, iCol) ? NULL : PQgetvalue(r, iRow, iCol);
}

int64_t vs_db_i64(const PGresult *r, int iRow, int iCol)
{
	const char *z = PQgetvalue(r, iRow, iCol);
	return z != NULL ? strtoll(z, NULL, 10) : 0;
}

bool vs_db_bool(const PGresult *r, int iRow, int iCol)
{
	const char *z = PQgetvalue(r, iRow, iCol);
	return z != NULL && z[0] == 't';
}

const char *vs_db_param_i64(char a[24], int64_t v)
{
	snprintf(a, 24, "%lld", (long long)v);
	return a;
}

const char *vs_db_param_time(char a[40], int64_t us)
{
	vs_time_format_utc(us, a);
	return a;
}
