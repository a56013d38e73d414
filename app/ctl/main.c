/*
 * main.c — vsessionctl, the admin command line.
 *
 * Exit status: 0 success, 1 a failed operation (one line on stderr), 2 bad
 * usage. Every command answers --help. It reads the same configuration as
 * the API (VSESSION_DATABASE_URL and friends) and uses the same library.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vsession/config.h"
#include "vsession/db.h"
#include "vsession/retention.h"
#include "vsession/store.h"

static const char zUsage[] =
	"usage: vsessionctl <command> [options]\n"
	"\n"
	"commands:\n"
	"  migrate [--dir DIR]           apply pending sql/migrations/*.sql in order\n"
	"  user add --role partner|client|admin --email E --name N\n"
	"           [--timezone Area/City] --password-stdin\n"
	"                                create a user; prints the new id\n"
	"  client link --partner EMAIL --client EMAIL\n"
	"                                make the client one of the partner's clients\n"
	"  demo                          fill an empty database with demo data; prints the logins\n"
	"  purge [--audit-days N]        delete expired rate-limit counters and ended logins;\n"
	"                                with N, also audit rows older than N days (table owner only)\n"
	"\n"
	"Configuration: VSESSION_DATABASE_URL (required), VSESSION_PUBLIC_URL.\n";

static int usage_error(const char *zMsg)
{
	fprintf(stderr, "vsessionctl: %s (see vsessionctl --help)\n", zMsg);
	return 2;
}

static bool wants_help(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

static struct vs_db *open_db(const struct vs_config *cfg)
{
	struct vs_db *db = vs_db_new(cfg->zDatabaseUrl, false);

	if (db == NULL || vs_db_connect(db) != VS_OK) {
		fprintf(stderr, "vsessionctl: cannot connect to the database: %s\n",
			db ? vs_db_message(db) : "out of memory");
		vs_db_free(db);
		return NULL;
	}
	return db;
}

/* ---- migrate ------------------------------------------------------------ */

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *read_text(const char *zPath)
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
static int apply_file(struct vs_db *db, const char *zDir, const char *zName, int *pnApplied)
{
	char zPath[4096];
	const char *az[1] = { zName };
	PGresult *r;
	char *zSql;

	if (vs_db_exec(db, &stMigApplied, az, &r) != VS_OK) {
		fprintf(stderr, "vsessionctl: migrate: %s\n", vs_db_message(db));
		return 1;
	}
	if (PQntuples(r) == 1) {
		PQclear(r);
		return 0;
	}
	PQclear(r);
	snprintf(zPath, sizeof(zPath), "%s/%s", zDir, zName);
	if ((zSql = read_text(zPath)) == NULL) {
		fprintf(stderr, "vsessionctl: migrate: cannot read %s\n", zPath);
		return 1;
	}
	if (vs_db_command(db, "BEGIN") != VS_OK || vs_db_command(db, zSql) != VS_OK ||
	    vs_db_exec(db, &stMigRecord, az, &r) != VS_OK) {
		fprintf(stderr, "vsessionctl: migrate: %s failed: %s\n", zName, vs_db_message(db));
		free(zSql);
		vs_db_command(db, "ROLLBACK");
		return 1;
	}
	PQclear(r);
	free(zSql);
	if (vs_db_command(db, "COMMIT") != VS_OK) {
		fprintf(stderr, "vsessionctl: migrate: %s failed at commit: %s\n", zName, vs_db_message(db));
		return 1;
	}
	printf("applied %s\n", zName);
	(*pnApplied)++;
	return 0;
}

static int cmd_migrate(const struct vs_config *cfg, int argc, char **argv)
{
	const char *zDir = getenv("VSESSION_MIGRATIONS_DIR");
	char **azName = NULL;
	size_t nName = 0;
	struct dirent *e;
	struct vs_db *db;
	DIR *d;
	int rc = 0, nApplied = 0;

	if (zDir == NULL)
		zDir = "sql/migrations";
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--dir") && i + 1 < argc)
			zDir = argv[++i];
		else
			return usage_error("migrate takes only --dir DIR");
	}
	if ((d = opendir(zDir)) == NULL) {
		fprintf(stderr, "vsessionctl: migrate: cannot open %s: %s\n", zDir, strerror(errno));
		return 1;
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
	if ((db = open_db(cfg)) == NULL) {
		rc = 1;
		goto out;
	}
	if (vs_db_command(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
			      " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())") != VS_OK) {
		fprintf(stderr, "vsessionctl: migrate: %s\n", vs_db_message(db));
		rc = 1;
		goto out;
	}
	for (size_t i = 0; i < nName && rc == 0; i++)
		rc = apply_file(db, zDir, azName[i], &nApplied);
	if (rc == 0)
		printf("%d migration%s applied, schema up to date\n", nApplied, nApplied == 1 ? "" : "s");
out:
	vs_db_free(db);
	for (size_t i = 0; i < nName; i++)
		free(azName[i]);
	free(azName);
	return rc;
}

/* ---- user add ------------------------------------------------------------ */

static int cmd_user_add(const struct vs_config *cfg, int argc, char **argv)
{
	const char *zRole = NULL, *zEmail = NULL, *zName = NULL, *zTz = "UTC", *zWhy = NULL;
	bool bStdin = false;
	char zPw[1100];
	size_t nPw;
	int64_t iId;
	struct vs_db *db;
	enum vs_err rc;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--role") && i + 1 < argc) zRole = argv[++i];
		else if (!strcmp(argv[i], "--email") && i + 1 < argc) zEmail = argv[++i];
		else if (!strcmp(argv[i], "--name") && i + 1 < argc) zName = argv[++i];
		else if (!strcmp(argv[i], "--timezone") && i + 1 < argc) zTz = argv[++i];
		else if (!strcmp(argv[i], "--password-stdin")) bStdin = true;
		else return usage_error("user add: unknown option or missing value");
	}
	if (zRole == NULL || zEmail == NULL || zName == NULL || !bStdin)
		return usage_error("user add needs --role, --email, --name and --password-stdin");
	if (vs_role_parse(zRole) == VS_ROLE_NONE)
		return usage_error("--role must be partner, client or admin");
	nPw = fread(zPw, 1, sizeof(zPw) - 1, stdin);
	zPw[nPw] = '\0';
	if (nPw > 0 && zPw[nPw - 1] == '\n')
		zPw[--nPw] = '\0';
	if (memchr(zPw, '\0', nPw) != NULL) {
		fprintf(stderr, "vsessionctl: user add: the password contains a NUL byte\n");
		return 1;
	}
	if ((db = open_db(cfg)) == NULL)
		return 1;
	rc = vs_user_create(db, vs_role_parse(zRole), zEmail, zName, zTz, zPw, nPw, &iId, &zWhy);
	explicit_bzero(zPw, sizeof(zPw));
	vs_db_free(db);
	if (rc != VS_OK) {
		fprintf(stderr, "vsessionctl: user add: %s\n", zWhy ? zWhy : vs_strerror(rc));
		return 1;
	}
	printf("%lld\n", (long long)iId);
	return 0;
}

static int cmd_client_link(const struct vs_config *cfg, int argc, char **argv)
{
	const char *zPartner = NULL, *zClient = NULL, *zWhy = NULL;
	struct vs_db *db;
	enum vs_err rc;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--partner") && i + 1 < argc) zPartner = argv[++i];
		else if (!strcmp(argv[i], "--client") && i + 1 < argc) zClient = argv[++i];
		else return usage_error("client link: unknown option or missing value");
	}
	if (zPartner == NULL || zClient == NULL)
		return usage_error("client link needs --partner EMAIL and --client EMAIL");
	if ((db = open_db(cfg)) == NULL)
		return 1;
	rc = vs_client_link(db, zPartner, zClient, &zWhy);
	vs_db_free(db);
	if (rc != VS_OK) {
		fprintf(stderr, "vsessionctl: client link: %s\n", zWhy ? zWhy : vs_strerror(rc));
		return 1;
	}
	return 0;
}

static int cmd_demo(const struct vs_config *cfg, int argc, char **argv)
{
	struct vs_buf out = VS_BUF_INIT;
	const char *zWhy = NULL;
	struct vs_db *db;
	enum vs_err rc;

	(void)argv;
	if (argc > 0)
		return usage_error("demo takes no options");
	if ((db = open_db(cfg)) == NULL)
		return 1;
	rc = vs_demo_load(db, &out, &zWhy);
	vs_db_free(db);
	if (rc != VS_OK) {
		fprintf(stderr, "vsessionctl: demo: %s\n", zWhy ? zWhy : vs_strerror(rc));
		vs_buf_free(&out);
		return 1;
	}
	fputs(vs_buf_str(&out), stdout);
	vs_buf_free(&out);
	return 0;
}

/* ---- purge --------------------------------------------------------------- */

static int cmd_purge(const struct vs_config *cfg, int argc, char **argv)
{
	struct vs_purge_counts n;
	struct vs_db *db;
	enum vs_err rc;
	long iDays = 0;

	for (int i = 0; i < argc; i++) {
		char *zEnd;
		if (!strcmp(argv[i], "--audit-days") && i + 1 < argc) {
			errno = 0;
			iDays = strtol(argv[++i], &zEnd, 10);
			if (errno || *zEnd || zEnd == argv[i] || iDays < 1 || iDays > 36500)
				return usage_error("--audit-days takes a number of days from 1 to 36500");
		} else
			return usage_error("purge takes only --audit-days N");
	}
	if ((db = open_db(cfg)) == NULL)
		return 1;
	rc = vs_purge(db, (int)iDays, &n);
	if (rc != VS_OK) {
		fprintf(stderr, "vsessionctl: purge: %s\n", vs_db_message(db));
		vs_db_free(db);
		return 1;
	}
	vs_db_free(db);
	printf("purged %lld counters, %lld login sessions, %lld audit rows\n",
	       (long long)n.nCounters, (long long)n.nLogins, (long long)n.nAudit);
	return 0;
}

int main(int argc, char **argv)
{
	struct vs_config cfg;
	char zErr[512];
	int rc;

	if (argc < 2)
		return usage_error("no command given");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		fputs(zUsage, stdout);
		return 0;
	}
	if (wants_help(argc, argv)) {
		fputs(zUsage, stdout);
		return 0;
	}
	if (strcmp(argv[1], "migrate") != 0 && strcmp(argv[1], "demo") != 0 && strcmp(argv[1], "purge") != 0 &&
	    !(argc >= 3 && !strcmp(argv[1], "user") && !strcmp(argv[2], "add")) &&
	    !(argc >= 3 && !strcmp(argv[1], "client") && !strcmp(argv[2], "link")))
		return usage_error("unknown command");
	if (vs_config_load(&cfg, VS_CONFIG_CTL, zErr, sizeof(zErr)) != VS_OK) {
		fprintf(stderr, "vsessionctl: %s\n", zErr);
		return 1;
	}
	if (!strcmp(argv[1], "migrate"))
		rc = cmd_migrate(&cfg, argc - 2, argv + 2);
	else if (!strcmp(argv[1], "demo"))
		rc = cmd_demo(&cfg, argc - 2, argv + 2);
	else if (!strcmp(argv[1], "purge"))
		rc = cmd_purge(&cfg, argc - 2, argv + 2);
	else if (!strcmp(argv[1], "user"))
		rc = cmd_user_add(&cfg, argc - 3, argv + 3);
	else
		rc = cmd_client_link(&cfg, argc - 3, argv + 3);
	vs_config_free(&cfg);
	return rc;
}
