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
	char     zConstraint[64];
	char     zMessage[256];
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

	db->zState[0] = db->zConstraint[0] = '\0';
	z = r != NULL ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	if (z != NULL)
		snprintf(db->zState, sizeof(db->zState), "%s", z);
	z = r != NULL ? PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME) : NULL;
	if (z != NULL)
		snprintf(db->zConstraint, sizeof(db->zConstraint), "%s", z);
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

enum vs_err vs_db_exec(struct vs_db *db, struct vs_stmt *st, const char *const *azParam,
		       PGresult **ppRes)
{
	bool bLost, bInTx = vs_db_in_transaction(db);
	enum vs_err rc;

	*ppRes = NULL;
	rc = exec_once(db, st, azParam, ppRes, &bLost);
	/* A statement that only reads is run again once on a fresh connection,
	 * so the first request after a database restart does not fail. */
	if (rc == VS_ERR_UNAVAILABLE && bLost && st->bReadOnly && !bInTx)
		rc = exec_once(db, st, azParam, ppRes, &bLost);
	/* A statement chosen as a deadlock victim or a serialization failure was
	 * rolled back whole: outside a transaction block it can simply run again. */
	for (int i = 0; i < 3 && rc == VS_ERR_INTERNAL && !bInTx &&
	     (!strcmp(db->zState, "40P01") || !strcmp(db->zState, "40001")); i++)
		rc = exec_once(db, st, azParam, ppRes, &bLost);
	return rc;
}

enum vs_err vs_db_command(struct vs_db *db, const char *zSql)
{
	PGresult *r;
	enum vs_err rc;

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

const char *vs_db_sqlstate(const struct vs_db *db) { return db->zState; }
const char *vs_db_constraint(const struct vs_db *db) { return db->zConstraint; }
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
