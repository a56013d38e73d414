/*
 * migrations.h — the schema migration runner (lib/migrations.c), used by
 * `vsessionctl migrate`.
 *
 * Ownership: nothing is returned but the error value; progress lines go
 * to pOut and one line per failure to pErr (both the caller's streams).
 */
#ifndef VSESSION_MIGRATIONS_H
#define VSESSION_MIGRATIONS_H

#include <stdio.h>

#include "vsession/db.h"
#include "vsession/error.h"

/*
 * Applies every *.sql file of zDir not yet in schema_migrations, in name
 * order, each in its own transaction with its row; stops at the first
 * failure. Then, when zConninfo names another user than the one connected
 * (the API's role), makes sure that role exists, may log in, is a member of
 * vsession_app and has a statement_timeout below the request timeout.
 */
enum vs_err vs_migrate(struct vs_db *db, const char *zDir, const char *zConninfo,
		       FILE *pOut, FILE *pErr);

/* The whole of the file at zPath as a NUL-terminated string (malloc'd; the caller frees), or NULL. */
char *vs_text_file_read(const char *zPath);

#endif
