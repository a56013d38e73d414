/*
 * outbox.c — vsessionctl outbox [retry ID] (see outbox.h).
 *
 * A failed message stays failed until someone looks at it: the list shows
 * why (the SMTP server's answer), and retry makes it due now with a fresh
 * 24-hour window. Secrets (a link, a session password) are cleared when a
 * message fails for good, so such a retry fails again and says so; the
 * person asks for a new link instead.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outbox.h"
#include "vsession/buf.h"
#include "vsession/db.h"
#include "vsession/outbox.h"

int ctl_outbox(const struct vs_config *cfg, int argc, char **argv)
{
	const char *zUrl = getenv("VSESSION_ADMIN_DATABASE_URL");
	struct vs_db *db;
	struct vs_buf out = VS_BUF_INIT;
	enum vs_err rc;
	long long iId = 0;
	char *zEnd;

	if (argc == 2 && !strcmp(argv[0], "retry")) {
		errno = 0;
		iId = strtoll(argv[1], &zEnd, 10);
		if (errno != 0 || *zEnd != '\0' || iId <= 0) {
			fprintf(stderr, "vsessionctl: outbox retry takes a message id (see vsessionctl --help)\n");
			return 2;
		}
	} else if (argc != 0) {
		fprintf(stderr, "vsessionctl: outbox takes nothing or retry ID (see vsessionctl --help)\n");
		return 2;
	}
	db = vs_db_new(zUrl != NULL && zUrl[0] != '\0' ? zUrl : cfg->zDatabaseUrl, false);
	if (db == NULL || vs_db_connect(db) != VS_OK) {
		fprintf(stderr, "vsessionctl: cannot connect to the database: %s\n", db ? vs_db_message(db) : "out of memory");
		vs_db_free(db);
		return 1;
	}
	if (iId > 0) {
		rc = vs_outbox_retry(db, (int64_t)iId);
		if (rc == VS_OK)
			printf("message %lld is due now\n", iId);
		else
			fprintf(stderr, "vsessionctl: outbox retry: %s\n", rc == VS_ERR_NOT_FOUND
				? "no pending or failed message has that id" : vs_db_message(db));
	} else {
		rc = vs_outbox_list(db, &out);
		if (rc == VS_OK)
			fputs(vs_buf_str(&out), stdout);
		else
			fprintf(stderr, "vsessionctl: outbox: %s\n", vs_db_message(db));
	}
	vs_buf_free(&out);
	vs_db_free(db);
	return rc == VS_OK ? 0 : 1;
}
