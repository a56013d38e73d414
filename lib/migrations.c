/*
 * migrations.c — the schema migration runner (migrations.h).
 *
 * Migrations are numbered, forward-only SQL files (sql/migrations/); each
 * is applied once, in its own transaction together with its row in
 * schema_migrations, so a failed file leaves no trace and the next run
 * starts again from it.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsession/migrations.h"

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char *vs_text_file_read(const char *zPath)
{
	FILE *f = fopen(zPath, "rb");
	char *z = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		z = malloc((size_t)n + 1);
		if (z != NULL && fread(z, 1, (size_t)n, f) == (size_t)n)
			z[n] = '\0';
		else {
			free(z);
			z = NULL;
		}
	}
	fclose(f);
	return z;
}

static struct vs_stmt stMigApplied = VS_STMT("mig_applied", 1, true,
	"SELECT 1 FROM schema_migrations WHERE version = $1");
static struct vs_stmt stMigRecord = VS_STMT("mig_record", 1, false,
	"INSERT INTO schema_migrations (version) VALUES ($1)");

/* Applies one file in its own transaction; 0, or 1 with a message. */
static int apply_file(struct vs_db *db, const char *zDir, const char *zName, int *pnApplied,
		      FILE *pOut, FILE *pErr)
{
	char zPath[4096];
	const char *az[1] = { zName };
	PGresult *r;
	char *zSql;

	if (vs_db_exec(db, &stMigApplied, az, &r) != VS_OK) {
		fprintf(pErr, "vsessionctl: migrate: %s\n", vs_db_message(db));
		return 1;
	}
	if (PQntuples(r) == 1) {
		PQclear(r);
		return 0;
	}
	PQclear(r);
	snprintf(zPath, sizeof(zPath), "%s/%s", zDir, zName);
	if ((zSql = vs_text_file_read(zPath)) == NULL) {
		fprintf(pErr, "vsessionctl: migrate: cannot read %s\n", zPath);
		return 1;
	}
	if (vs_db_command(db, "BEGIN") != VS_OK || vs_db_command(db, zSql) != VS_OK ||
	    vs_db_exec(db, &stMigRecord, az, &r) != VS_OK) {
		fprintf(pErr, "vsessionctl: migrate: %s failed: %s\n", zName, vs_db_message(db));
		free(zSql);
		vs_db_command(db, "ROLLBACK");
		return 1;
	}
	PQclear(r);
	free(zSql);
	if (vs_db_command(db, "COMMIT") != VS_OK) {
		fprintf(pErr, "vsessionctl: migrate: %s failed at commit: %s\n", zName, vs_db_message(db));
		return 1;
	}
	fprintf(pOut, "applied %s\n", zName);
	(*pnApplied)++;
	return 0;
}

static struct vs_stmt stRoleState = VS_STMT("role_state", 1, true,
	"SELECT current_user = $1::name,"
	"       EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1::name),"
	"       EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member"
	"               JOIN pg_roles g ON g.oid = m.roleid WHERE r.rolname = $1::name AND g.rolname = 'vsession_app')");
static struct vs_stmt stRoleSql = VS_STMT("role_sql", 2, true,
	"SELECT CASE $2::text WHEN 'create' THEN format('CREATE ROLE %I LOGIN', $1::text)"
	"               WHEN 'grant' THEN format('GRANT vsession_app TO %I', $1::text)"
	"               ELSE format('ALTER ROLE %I SET statement_timeout = %L', $1::text, '25s') END");

/* Runs the statement stRoleSql builds for role zRole and step zStep. */
static int role_step(struct vs_db *db, const char *zRole, const char *zStep, FILE *pErr)
{
	const char *az[2] = { zRole, zStep };
	PGresult *r;
	int rc = 0;

	if (vs_db_exec(db, &stRoleSql, az, &r) != VS_OK)
		rc = 1;
	else {
		if (vs_db_command(db, PQgetvalue(r, 0, 0)) != VS_OK)
			rc = 1;
		PQclear(r);
	}
	if (rc != 0)
		fprintf(pErr, "vsessionctl: migrate: role %s: %s\n", zRole, vs_db_message(db));
	return rc;
}

/*
 * When the API connects as another role than the one migrating (its user= in
 * VSESSION_DATABASE_URL), that role is created as a login role, given
 * vsession_app and a statement_timeout below the request timeout, so that
 * migrate is the only database step an install needs. An existing role only
 * gets the membership if it lacks it.
 */
static int ensure_api_role(struct vs_db *db, const char *zConninfo, FILE *pOut, FILE *pErr)
{
	PQconninfoOption *aOpt = PQconninfoParse(zConninfo, NULL);
	const char *zUser = NULL;
	const char *az[1];
	PGresult *r = NULL;
	int rc = 0;

	for (PQconninfoOption *o = aOpt; o != NULL && o->keyword != NULL; o++)
		if (!strcmp(o->keyword, "user") && o->val != NULL && o->val[0] != '\0')
			zUser = o->val;
	if (zUser == NULL)
		goto out;
	az[0] = zUser;
	if (vs_db_exec(db, &stRoleState, az, &r) != VS_OK) {
		fprintf(pErr, "vsessionctl: migrate: %s\n", vs_db_message(db));
		rc = 1;
		goto out;
	}
	if (PQgetvalue(r, 0, 0)[0] == 't')
		goto out;
	if (PQgetvalue(r, 0, 1)[0] != 't') {
		rc = role_step(db, zUser, "create", pErr) || role_step(db, zUser, "timeout", pErr);
		if (rc == 0)
			fprintf(pOut, "created the API's login role %s\n", zUser);
	}
	if (rc == 0 && PQgetvalue(r, 0, 2)[0] != 't') {
		rc = role_step(db, zUser, "grant", pErr);
		if (rc == 0)
			fprintf(pOut, "granted vsession_app to %s\n", zUser);
	}
out:
	PQclear(r);
	PQconninfoFree(aOpt);
	return rc;
}

/*
 * The *.sql names in zDir, sorted, into *pazName (malloc'd: free each and
 * the array) and *pn. False when the folder cannot be read.
 */
static bool sql_files(const char *zDir, char ***pazName, size_t *pn, FILE *pErr)
{
	char **azName = NULL;
	size_t nName = 0;
	struct dirent *e;
	DIR *d;

	if ((d = opendir(zDir)) == NULL) {
		fprintf(pErr, "vsessionctl: migrate: cannot open %s: %s\n", zDir, strerror(errno));
		return false;
	}
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		char **a;
		if (n < 5 || strcmp(e->d_name + n - 4, ".sql") != 0)
			continue;
		a = realloc(azName, (nName + 1) * sizeof(*azName));
		if (a == NULL)
			break;
		azName = a;
		azName[nName++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(azName, nName, sizeof(*azName), cmp_names);
	*pazName = azName;
	*pn = nName;
	return true;
}

enum vs_err vs_migrate(struct vs_db *db, const char *zDir, const char *zConninfo,
		       FILE *pOut, FILE *pErr)
{
	char **azName = NULL;
	size_t nName = 0;
	int rc = 0, nApplied = 0;

	if (!sql_files(zDir, &azName, &nName, pErr))
		return VS_ERR_NOT_FOUND;
	if (vs_db_command(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
			      " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())") != VS_OK) {
		fprintf(pErr, "vsessionctl: migrate: %s\n", vs_db_message(db));
		rc = 1;
		goto out;
	}
	for (size_t i = 0; i < nName && rc == 0; i++)
		rc = apply_file(db, zDir, azName[i], &nApplied, pOut, pErr);
	if (rc == 0)
		fprintf(pOut, "%d migration%s applied, schema up to date\n", nApplied, nApplied == 1 ? "" : "s");
	if (rc == 0)
		rc = ensure_api_role(db, zConninfo, pOut, pErr);
out:
	for (size_t i = 0; i < nName; i++)
		free(azName[i]);
	free(azName);
	return rc == 0 ? VS_OK : VS_ERR_INTERNAL;
}
