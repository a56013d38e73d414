/*
 * main.c — vsessionctl, the admin command line.
 *
 * Exit status: 0 success, 1 a failed operation (one line on stderr), 2 bad
 * usage. Every command answers --help. It reads the same configuration as
 * the API (VSESSION_DATABASE_URL and friends) and uses the same library.
 *
 * Why one file of over 500 lines: each command is a short function over
 * the library; nginx-config (templates and their substitutions) is the
 * bulk, and it is the only user of its helpers.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vsession/config.h"
#include "vsession/db.h"
#include "vsession/retention.h"
#include "vsession/store.h"
#include "outbox.h"

#include "vsession/paths.h"

static const char zUsage[] =
	"usage: vsessionctl [--config FILE] <command> [options]\n"
	"\n"
	"commands:\n"
	"  migrate [--dir DIR]           apply pending migrations in order (default folder:\n"
	"                                " VSESSION_DATA_DIR "/migrations), then make sure\n"
	"                                the API's login role exists and may use the data\n"
	"  nginx-config [--install] [--http-dir DIR] [--snippets-dir DIR] [--templates DIR]\n"
	"                                the nginx snippets rendered from the configuration;\n"
	"                                --install writes them (default /etc/nginx/conf.d and\n"
	"                                /etc/nginx/snippets), otherwise they are printed\n"
	"  user add --role partner|client|admin --email E --name N\n"
	"           [--timezone Area/City] --password-stdin\n"
	"                                create a user; prints the new id\n"
	"  client link --partner EMAIL --client EMAIL\n"
	"                                make the client one of the partner's clients\n"
	"  demo                          fill an empty database with demo data; prints the logins\n"
	"  purge [--audit-days N]        delete expired rate-limit counters and ended logins;\n"
	"                                emails sent or cancelled over 30 days ago, failed over 90,\n"
	"                                and expired account links;\n"
	"                                with N, also audit rows older than N days (table owner only)\n"
	"  outbox [retry ID]             list pending and failed emails (why each failed);\n"
	"                                retry ID makes a failed one due again now\n"
	"\n"
	"  --version                     print the version\n"
	"\n"
	"Configuration: " VSESSION_CONFIG_FILE " (or --config FILE, or the file named by\n"
	"VSESSION_CONFIG_FILE; /dev/null for none) and the environment,\n"
	"which wins over the file. VSESSION_DATABASE_URL (required) is the API's connection;\n"
	"VSESSION_ADMIN_DATABASE_URL, when set, is the schema owner's that vsessionctl uses,\n"
	"and VSESSION_ADMIN_USER the system user vsessionctl becomes when started as root\n"
	"(postgres, for peer authentication).\n";

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

/* The schema owner's connection: VSESSION_ADMIN_DATABASE_URL, else the API's. */
static const char *admin_url(const struct vs_config *cfg)
{
	const char *z = getenv("VSESSION_ADMIN_DATABASE_URL");

	return z != NULL && z[0] != '\0' ? z : cfg->zDatabaseUrl;
}

static struct vs_db *open_db(const struct vs_config *cfg)
{
	struct vs_db *db = vs_db_new(admin_url(cfg), false);

	if (db == NULL || vs_db_connect(db) != VS_OK) {
		fprintf(stderr, "vsessionctl: cannot connect to the database: %s\n",
			db ? vs_db_message(db) : "out of memory");
		vs_db_free(db);
		return NULL;
	}
	return db;
}

/* ---- migrate ------------------------------------------------------------ */

static int cmd_migrate(const struct vs_config *cfg, int argc, char **argv)
{
	const char *zDir = getenv("VSESSION_MIGRATIONS_DIR");
	struct vs_db *db;
	struct stat st;
	enum vs_err rc;

	if (zDir == NULL || zDir[0] == '\0')
		zDir = VSESSION_DATA_DIR "/migrations";
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--dir") && i + 1 < argc)
			zDir = argv[++i];
		else
			return usage_error("migrate takes only --dir DIR");
	}
	/* a folder that cannot be read is refused before the database is asked */
	if (stat(zDir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "vsessionctl: migrate: cannot open %s: %s\n", zDir,
			strerror(errno != 0 ? errno : ENOTDIR));
		return 1;
	}
	if ((db = open_db(cfg)) == NULL)
		return 1;
	rc = vs_migrate(db, zDir, cfg->zDatabaseUrl, stdout, stderr);
	vs_db_free(db);
	return rc == VS_OK ? 0 : 1;
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

/* ---- nginx-config -------------------------------------------------------- */

struct subst {
	const char *zKey;
	const char *zVal;
};

/* Reads zDir/zName and writes it with every @KEY@ of aSub replaced; 0 or 1. */
static int render(const char *zDir, const char *zName, const struct subst *aSub, int nSub,
		  struct vs_buf *out)
{
	char zPath[4096];
	char *zText, *z;

	snprintf(zPath, sizeof(zPath), "%s/%s", zDir, zName);
	if ((zText = vs_text_file_read(zPath)) == NULL) {
		fprintf(stderr, "vsessionctl: nginx-config: cannot read %s: %s\n", zPath, strerror(errno));
		return 1;
	}
	for (z = zText; *z != '\0';) {
		int i = 0;
		if (*z == '@') {
			for (i = 0; i < nSub; i++) {
				size_t n = strlen(aSub[i].zKey);
				if (!strncmp(z + 1, aSub[i].zKey, n) && z[n + 1] == '@') {
					vs_buf_puts(out, aSub[i].zVal);
					z += n + 2;
					break;
				}
			}
		}
		if (*z != '@' || i == nSub) {
			vs_buf_append(out, z, 1);
			z++;
		}
	}
	free(zText);
	return 0;
}

/* Writes zText to zPath through a temporary file and a rename; 0 or 1. */
static int write_file(const char *zPath, const char *zText)
{
	char zTmp[4300];
	int nTmp = snprintf(zTmp, sizeof(zTmp), "%s.vsession-new", zPath);
	FILE *f;

	if (nTmp < 0 || (size_t)nTmp >= sizeof(zTmp)) {
		fprintf(stderr, "vsessionctl: nginx-config: the path %s is too long\n", zPath);
		return 1;
	}
	if ((f = fopen(zTmp, "w")) == NULL || fputs(zText, f) == EOF || fchmod(fileno(f), 0644) != 0 ||
	    fclose(f) != 0 || rename(zTmp, zPath) != 0) {
		fprintf(stderr, "vsessionctl: nginx-config: cannot write %s: %s\n", zPath, strerror(errno));
		unlink(zTmp);
		return 1;
	}
	printf("wrote %s\n", zPath);
	return 0;
}

/* True when z is safe inside nginx's configuration: no quotes, spaces, braces or semicolons. */
static bool nginx_safe(const char *z, const char *zAlso)
{
	for (; *z != '\0'; z++)
		if (!((*z >= 'a' && *z <= 'z') || (*z >= 'A' && *z <= 'Z') || (*z >= '0' && *z <= '9') ||
		      strchr(zAlso, *z) != NULL))
			return false;
	return true;
}

/*
 * The site's path prefix from VSESSION_PUBLIC_URL (zPublic, may be NULL):
 * "" at the root, else "/path" without a trailing slash, into zPrefix.
 * 0, or 1 after saying why it cannot be used.
 */
static int public_prefix(const char *zPublic, char zPrefix[256])
{
	const char *zPath;

	zPrefix[0] = '\0';
	if (zPublic == NULL || zPublic[0] == '\0')
		return 0;
	zPath = strstr(zPublic, "://");
	zPath = zPath ? strchr(zPath + 3, '/') : NULL;
	if (zPath != NULL) {
		size_t n = strlen(zPath);
		while (n > 0 && zPath[n - 1] == '/')
			n--;
		if (n >= 256 - 1) {
			fprintf(stderr, "vsessionctl: nginx-config: the path of VSESSION_PUBLIC_URL is too long\n");
			return 1;
		}
		memcpy(zPrefix, zPath, n);
		zPrefix[n] = '\0';
	}
	if (!nginx_safe(zPrefix, "/-_")) {
		fprintf(stderr, "vsessionctl: nginx-config: the path of VSESSION_PUBLIC_URL may have only "
			"letters, digits, '-', '_' and '/' (got \"%s\")\n", zPrefix);
		return 1;
	}
	return 0;
}

/*
 * Renders the nginx templates with the values of the same configuration the
 * API reads: the Jitsi host (Content-Security-Policy), the request timeout
 * (fastcgi_read_timeout), where the API listens (the upstream) and the path
 * of VSESSION_PUBLIC_URL (the prefix vsession is mounted under).
 */
static int cmd_nginx_config(int argc, char **argv)
{
	const char *zHttpDir = "/etc/nginx/conf.d", *zSnipDir = "/etc/nginx/snippets";
	const char *zTemplates = VSESSION_DATA_DIR "/nginx";
	const char *zPublic = getenv("VSESSION_PUBLIC_URL"), *zJitsi = getenv("JITSI_DOMAIN");
	const char *zListen = getenv("VSESSION_LISTEN"), *zTimeout = getenv("VSESSION_REQUEST_TIMEOUT");
	const char *zWebRoot = getenv("VSESSION_WEB_ROOT"), *zLog = getenv("VSESSION_NGINX_ACCESS_LOG");
	char zPrefix[256] = "", zRedirect[600] = "", zRead[32], zUpstream[1100];
	struct vs_buf aOut[4] = { VS_BUF_INIT, VS_BUF_INIT, VS_BUF_INIT, VS_BUF_INIT };
	static const char *const azTemplate[4] = {
		"vsession-http.conf.in", "vsession-locations.conf.in", "vsession-headers.conf.in", "vsession-fastcgi.conf" };
	char azPath[4][4200];
	bool bInstall = false;
	long iTimeout = 30;
	int rc = 0;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--install")) bInstall = true;
		else if (!strcmp(argv[i], "--http-dir") && i + 1 < argc) zHttpDir = argv[++i];
		else if (!strcmp(argv[i], "--snippets-dir") && i + 1 < argc) zSnipDir = argv[++i];
		else if (!strcmp(argv[i], "--templates") && i + 1 < argc) zTemplates = argv[++i];
		else return usage_error("nginx-config: unknown option or missing value");
	}
	if (public_prefix(zPublic, zPrefix) != 0)
		return 1;
	if (zPrefix[0] != '\0')
		snprintf(zRedirect, sizeof(zRedirect), "location = %s {\n    return 301 %s/;\n}\n", zPrefix, zPrefix);
	if (zJitsi == NULL || zJitsi[0] == '\0') {
		const char *zJaas = getenv("JAAS_APP_ID");
		zJitsi = zJaas != NULL && zJaas[0] != '\0' ? "8x8.vc" : "meet.jit.si";
	}
	if (!nginx_safe(zJitsi, ".-:")) {
		fprintf(stderr, "vsessionctl: nginx-config: JITSI_DOMAIN must be a host name (got \"%s\")\n", zJitsi);
		return 1;
	}
	if (zTimeout != NULL && zTimeout[0] != '\0') {
		char *zEnd;
		iTimeout = strtol(zTimeout, &zEnd, 10);
		if (*zEnd != '\0' || iTimeout < 1 || iTimeout > 3600) {
			fprintf(stderr, "vsessionctl: nginx-config: VSESSION_REQUEST_TIMEOUT must be a whole number "
				"from 1 to 3600 (got \"%s\")\n", zTimeout);
			return 1;
		}
	}
	snprintf(zRead, sizeof(zRead), "%lds", iTimeout);
	snprintf(zUpstream, sizeof(zUpstream), "%s",
		 zListen != NULL && zListen[0] != '\0' ? zListen : "unix:/run/vsession/api.sock");
	if (zWebRoot == NULL || zWebRoot[0] == '\0')
		zWebRoot = VSESSION_DATA_DIR "/www";
	if (zLog == NULL || zLog[0] == '\0')
		zLog = "/var/log/nginx/vsession.log";
	if (!nginx_safe(zUpstream, "/:.-_[]") || !nginx_safe(zWebRoot, "/.-_") || !nginx_safe(zLog, "/.-_") ||
	    !nginx_safe(zSnipDir, "/.-_")) {
		fprintf(stderr, "vsessionctl: nginx-config: VSESSION_LISTEN, VSESSION_WEB_ROOT, "
			"VSESSION_NGINX_ACCESS_LOG and the snippets folder may not contain spaces, quotes or ';'\n");
		return 1;
	}
	{
		const struct subst aSub[] = {
			{ "UPSTREAM", zUpstream }, { "LOGIN_RATE", "10r/s" }, { "LOGIN_BURST", "20" },
			{ "JITSI_DOMAIN", zJitsi }, { "CONF_DIR", zSnipDir }, { "WEB_ROOT", zWebRoot },
			{ "READ_TIMEOUT", zRead }, { "EXTRA_LOCATIONS", "" }, { "ACCESS_LOG", zLog },
			{ "PREFIX", zPrefix }, { "PREFIX_REDIRECT", zRedirect },
		};
		int nSub = (int)(sizeof(aSub) / sizeof(aSub[0]));

		if (strlen(zHttpDir) > 4000 || strlen(zSnipDir) > 4000) {
			fprintf(stderr, "vsessionctl: nginx-config: the folder names are too long\n");
			return 1;
		}
		snprintf(azPath[0], sizeof(azPath[0]), "%s/vsession.conf", zHttpDir);
		snprintf(azPath[1], sizeof(azPath[1]), "%s/vsession.conf", zSnipDir);
		snprintf(azPath[2], sizeof(azPath[2]), "%s/vsession-headers.conf", zSnipDir);
		snprintf(azPath[3], sizeof(azPath[3]), "%s/vsession-fastcgi.conf", zSnipDir);
		for (int i = 0; i < 4 && rc == 0; i++)
			rc = render(zTemplates, azTemplate[i], aSub, nSub, &aOut[i]);
	}
	for (int i = 0; i < 4 && rc == 0; i++) {
		if (bInstall)
			rc = write_file(azPath[i], vs_buf_str(&aOut[i]));
		else
			printf("# ---- %s ----\n%s\n", azPath[i], vs_buf_str(&aOut[i]));
	}
	if (rc == 0 && bInstall)
		printf("now add to the server {} that serves vsession: include %s/vsession.conf;\n"
		       "then: nginx -t && systemctl reload nginx\n", zSnipDir);
	for (int i = 0; i < 4; i++)
		vs_buf_free(&aOut[i]);
	return rc;
}

/* ---- main ----------------------------------------------------------------- */

/*
 * Started as root with VSESSION_ADMIN_USER set (postgres), becomes that user
 * before connecting, so peer authentication makes it the schema owner. The
 * configuration has been read by then: the file may stay root-only.
 */
static int become_admin_user(void)
{
	const char *zUser = getenv("VSESSION_ADMIN_USER");
	struct passwd *pw;

	if (zUser == NULL || zUser[0] == '\0' || getuid() != 0)
		return 0;
	if ((pw = getpwnam(zUser)) == NULL) {
		fprintf(stderr, "vsessionctl: VSESSION_ADMIN_USER: there is no user %s\n", zUser);
		return 1;
	}
	if (pw->pw_uid == 0)
		return 0;
	if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
		fprintf(stderr, "vsessionctl: cannot become %s: %s\n", zUser, strerror(errno));
		return 1;
	}
	return 0;
}

/* Reads zPath into the environment; a missing default file is no error. */
static int read_config(const char *zPath, bool bExplicit)
{
	char zErr[600];

	if (!bExplicit && access(zPath, F_OK) != 0)
		return 0;
	if (vs_config_read_env_file(zPath, zErr, sizeof(zErr)) != VS_OK) {
		fprintf(stderr, "vsessionctl: %s\n", zErr);
		return 1;
	}
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
	printf("purged %lld outbox messages, %lld account links\n", (long long)n.nOutbox, (long long)n.nTokens);
	return 0;
}

int main(int argc, char **argv)
{
	struct vs_config cfg;
	const char *zConfig = VSESSION_CONFIG_FILE;
	bool bExplicit = false;
	char zErr[512];
	int rc;

	if (getenv("VSESSION_CONFIG_FILE") != NULL) {
		zConfig = getenv("VSESSION_CONFIG_FILE");
		bExplicit = true;
	}
	if (argc >= 3 && !strcmp(argv[1], "--config")) {
		zConfig = argv[2];
		bExplicit = true;
		argv += 2;
		argc -= 2;
	}
	if (argc < 2)
		return usage_error("no command given");
	if (!strcmp(argv[1], "--version")) {
		printf("vsessionctl %s\n", VSESSION_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		fputs(zUsage, stdout);
		return 0;
	}
	if (wants_help(argc, argv)) {
		fputs(zUsage, stdout);
		return 0;
	}
	if (strcmp(argv[1], "migrate") != 0 && strcmp(argv[1], "demo") != 0 && strcmp(argv[1], "purge") != 0 &&
	    strcmp(argv[1], "nginx-config") != 0 && strcmp(argv[1], "outbox") != 0 &&
	    !(argc >= 3 && !strcmp(argv[1], "user") && !strcmp(argv[2], "add")) &&
	    !(argc >= 3 && !strcmp(argv[1], "client") && !strcmp(argv[2], "link")))
		return usage_error("unknown command");
	if (read_config(zConfig, bExplicit) != 0)
		return 1;
	if (!strcmp(argv[1], "nginx-config"))
		return cmd_nginx_config(argc - 2, argv + 2);
	if (vs_config_load(&cfg, VS_CONFIG_CTL, zErr, sizeof(zErr)) != VS_OK) {
		fprintf(stderr, "vsessionctl: %s\n", zErr);
		return 1;
	}
	if (become_admin_user() != 0) {
		vs_config_free(&cfg);
		return 1;
	}
	if (!strcmp(argv[1], "migrate"))
		rc = cmd_migrate(&cfg, argc - 2, argv + 2);
	else if (!strcmp(argv[1], "demo"))
		rc = cmd_demo(&cfg, argc - 2, argv + 2);
	else if (!strcmp(argv[1], "purge"))
		rc = cmd_purge(&cfg, argc - 2, argv + 2);
	else if (!strcmp(argv[1], "outbox"))
		rc = ctl_outbox(&cfg, argc - 2, argv + 2);
	else if (!strcmp(argv[1], "user"))
		rc = cmd_user_add(&cfg, argc - 3, argv + 3);
	else
		rc = cmd_client_link(&cfg, argc - 3, argv + 3);
	vs_config_free(&cfg);
	return rc;
}
