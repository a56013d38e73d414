/*
 * db.h — one PostgreSQL connection per process, parameterized statements only.
 *
 * A statement is declared once, next to the code that uses it, as a static
 * struct vs_stmt. With prepared statements on (the default), each is prepared
 * on its first use on a connection and again after every reconnect; with
 * them off (for PgBouncer in transaction mode) each runs as an unnamed
 * statement with PQexecParams, one round trip either way. Parameters are
 * always passed separately from the SQL text, as text values.
 *
 * A broken connection is thrown away and reopened on the next call; while
 * the database cannot be reached every call answers VS_ERR_UNAVAILABLE.
 */
#ifndef VSESSION_DB_H
#define VSESSION_DB_H

#include <stdbool.h>
#include <stdint.h>
#include <libpq-fe.h>
#include "vsession/error.h"

struct vs_stmt {
	const char *zName;   /* unique per process, e.g. "session_get" */
	const char *zSql;    /* $1..$n placeholders */
	int         nParam;
	bool        bReadOnly; /* safe to run again after a lost connection */
	bool        bCustomPlan; /* plan with the actual parameters on every call */
	unsigned    iGen;    /* connection generation it was prepared on; 0 = never */
};

#define VS_STMT(name, nparam, ro, sql) { (name), (sql), (nparam), (ro), false, 0 }
/*
 * For statements whose best plan depends on the values (date ranges over a
 * partner's sessions): a cached generic plan can be ten times slower on
 * some data, so these are planned per call as unnamed statements.
 */
#define VS_STMT_CUSTOM_PLAN(name, nparam, ro, sql) { (name), (sql), (nparam), (ro), true, 0 }

struct vs_db;

/*
 * The guard: a read-only statement that must succeed before anything else
 * of the request may count (the login check). vs_db_guard_set() only records
 * it; the next vs_db_exec() sends it in one pipeline ahead of its own
 * statement, with a single Sync, so both run in one implicit transaction and
 * one round trip. When the guard raises an error PostgreSQL aborts the
 * statement behind it, which therefore changes nothing. A guard fails by
 * raising: a data exception (SQLSTATE class 22, e.g. 1/0 when no row
 * matched) means "refused" (VS_ERR_UNAUTHENTICATED); once refused, every
 * later call answers that error without reaching the database until the
 * guard is cleared. vs_db_command() (BEGIN ...) runs a pending guard alone
 * first, so transaction blocks never share a pipeline with it.
 */
#define VS_GUARD_MAX_PARAM 4
#define VS_GUARD_PARAM_LEN 72
enum vs_guard { VS_GUARD_NONE, VS_GUARD_PENDING, VS_GUARD_PASSED, VS_GUARD_FAILED };

/* Makes a handle; connects lazily. NULL only when out of memory. */
struct vs_db *vs_db_new(const char *zConninfo, bool bPrepare);
void vs_db_free(struct vs_db *db);

/* Connects if not connected. VS_OK or VS_ERR_UNAVAILABLE. */
enum vs_err vs_db_connect(struct vs_db *db);

/*
 * Runs st with the nParam text parameters in azParam (NULL entries are SQL
 * NULLs). On VS_OK, *ppRes holds the result (tuples or command OK) and the
 * caller PQclear()s it. Errors: VS_ERR_UNAVAILABLE (no connection; a
 * read-only statement is retried once on a fresh connection), VS_ERR_CONFLICT
 * (23P01 exclusion violation), VS_ERR_DUPLICATE (23505), VS_ERR_INVALID
 * (23503 foreign key, 23514 check, 22xxx data), VS_ERR_INTERNAL otherwise;
 * vs_db_message() describes the last failure.
 */
enum vs_err vs_db_exec(struct vs_db *db, struct vs_stmt *st, const char *const *azParam,
		       PGresult **ppRes);

/*
 * Records st (read-only, nParam <= VS_GUARD_MAX_PARAM, each parameter
 * shorter than VS_GUARD_PARAM_LEN; they are copied) as the pending guard.
 * VS_ERR_INVALID, and nothing recorded, when they do not fit.
 */
enum vs_err vs_db_guard_set(struct vs_db *db, struct vs_stmt *st, const char *const *azParam);
/* Forgets the guard and its outcome (at the start of every request). */
void vs_db_guard_clear(struct vs_db *db);
/*
 * Runs a guard that is still pending on its own. VS_OK when there is none
 * or it passed; VS_ERR_UNAUTHENTICATED when refused; VS_ERR_UNAVAILABLE or
 * VS_ERR_INTERNAL when it could not run (it then counts as failed).
 */
enum vs_err vs_db_guard_resolve(struct vs_db *db);
enum vs_guard vs_db_guard_state(const struct vs_db *db);

/* vs_db_exec() for a statement whose rows nobody reads: the result is cleared here. */
enum vs_err vs_db_run(struct vs_db *db, struct vs_stmt *st, const char *const *azParam);

/* Runs a fixed command with no parameters (BEGIN, COMMIT, ROLLBACK). */
enum vs_err vs_db_command(struct vs_db *db, const char *zSql);

/* True when a transaction block is open on the connection. */
bool vs_db_in_transaction(struct vs_db *db);

/* The server's message for the last failure, for the admin CLI only. */
const char *vs_db_message(const struct vs_db *db);

/* Text of (row, col), or NULL when SQL NULL. */
const char *vs_db_text(const PGresult *r, int iRow, int iCol);
int64_t vs_db_i64(const PGresult *r, int iRow, int iCol);
bool vs_db_bool(const PGresult *r, int iRow, int iCol);

/* Formats v into a (at least 24 bytes) for use as a text parameter. */
const char *vs_db_param_i64(char a[24], int64_t v);
/* Formats a time (microseconds) as an RFC 3339 UTC parameter into a. */
const char *vs_db_param_time(char a[40], int64_t us);

#endif
