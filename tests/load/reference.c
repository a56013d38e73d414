/*
 * reference.c — the bare-limit FastCGI responder that scripts/bench runs
 * beside vsession-api, behind the same nginx, with the same worker count.
 *
 * It is the ceiling for "nginx + FastCGI + one PostgreSQL round trip + JSON"
 * on this machine: no authentication, no routing table, no audit, no logging,
 * one prepared statement per request and JSON written with snprintf straight
 * into a static buffer. The API's throughput is reported as a ratio to it.
 *
 *   GET /ref/session/<id>          one primary-key SELECT with the API's
 *                                  session columns (lib/sessions.c SESSION_COLS)
 *   GET /ref/list/<partner_id>     the partner's next 20 upcoming sessions,
 *                                  ordered by (session_date, id)
 *
 * Shape (like vsession-api): the master opens the socket, pre-forks the
 * workers and waits; each worker opens its own libpq connection after the
 * fork and loops on FCGX_Accept_r. SIGTERM to the master stops everything.
 *
 * Configuration (environment):
 *   REF_LISTEN         unix socket path (required)
 *   REF_DATABASE_URL   libpq conninfo (required)
 *   REF_WORKERS        worker count; default 4 × CPUs, as VSESSION_WORKERS
 *   REF_PUBLIC_URL     origin for meeting_url; default https://localhost:8443
 *   REF_SOCKET_GROUP   group to give the socket (mode 0660); default: none (0666)
 *
 * Build: cc -O2 -o reference reference.c $(pkg-config --cflags --libs fcgi libpq)
 */
#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <libpq-fe.h>

/* Identical to lib/sessions.c, so both sides ask PostgreSQL for the same work. */
#define SESSION_COLS \
	"s.id, s.partner_id, s.user_id, p.name, u.name, s.title," \
	" (extract(epoch FROM s.session_date) * 1000000)::int8," \
	" (extract(epoch FROM s.end_date) * 1000000)::int8," \
	" s.duration_minutes, s.status, s.password_enabled, s.notes," \
	" (extract(epoch FROM s.created_at) * 1000000)::int8," \
	" (extract(epoch FROM s.updated_at) * 1000000)::int8, s.sequence"
#define SESSION_FROM \
	" FROM video_sessions s JOIN users p ON p.id = s.partner_id JOIN users u ON u.id = s.user_id"

static const char zGetSql[] = "SELECT " SESSION_COLS SESSION_FROM " WHERE s.id = $1";
/* The lower bound on session_date (longest session: 180 minutes) lets the
 * (partner_id, session_date, id) index skip the past, as the API's list does. */
static const char zListSql[] = "SELECT " SESSION_COLS SESSION_FROM
	" WHERE s.partner_id = $1 AND s.status <> 'cancelled' AND s.end_date > now()"
	" AND s.session_date >= now() - interval '180 minutes'"
	" ORDER BY s.session_date, s.id LIMIT 20";

enum { C_ID, C_PARTNER, C_USER, C_PNAME, C_UNAME, C_TITLE, C_START, C_END, C_DUR, C_STATUS,
       C_PW, C_NOTES, C_CREATED, C_UPDATED, C_SEQ };

#define OUT_MAX (1 << 20)

static char aOut[OUT_MAX];      /* one response body, reused */
static size_t nOut;
static const char *zPublicUrl;
static volatile sig_atomic_t bStop;

static void put(const char *z, size_t n)
{
	if (nOut + n < OUT_MAX) {
		memcpy(aOut + nOut, z, n);
		nOut += n;
	}
}

static void putf(const char *zFmt, ...) __attribute__((format(printf, 1, 2)));
static void putf(const char *zFmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, zFmt);
	n = vsnprintf(aOut + nOut, OUT_MAX - nOut, zFmt, ap);
	va_end(ap);
	if (n > 0 && nOut + (size_t)n < OUT_MAX)
		nOut += (size_t)n;
}

/* A JSON string: quotes, backslashes and control characters escaped. */
static void put_str(const char *z)
{
	static const char hex[] = "0123456789abcdef";
	const char *zRun = z;

	put("\"", 1);
	for (; *z; z++) {
		unsigned char c = (unsigned char)*z;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(zRun, (size_t)(z - zRun));
		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };
			put(e, 2);
		} else {
			char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			put(e, 6);
		}
		zRun = z + 1;
	}
	put(zRun, (size_t)(z - zRun));
	put("\"", 1);
}

/* RFC 3339 in UTC from microseconds since the epoch, like the API. */
static void put_time(int64_t us)
{
	time_t t = (time_t)(us / 1000000);
	int64_t frac = us % 1000000;
	struct tm tm;

	gmtime_r(&t, &tm);
	if (frac)
		putf("\"%04d-%02d-%02dT%02d:%02d:%02d.%06" PRId64 "Z\"", tm.tm_year + 1900, tm.tm_mon + 1,
		     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
	else
		putf("\"%04d-%02d-%02dT%02d:%02d:%02dZ\"", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		     tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t col_i64(const PGresult *r, int i, int c) { return strtoll(PQgetvalue(r, i, c), NULL, 10); }

/* One row as the API's session object (notes included, as the partner sees it). */
static void put_session(const PGresult *r, int i, int64_t iNow)
{
	int64_t iStart = col_i64(r, i, C_START), iEnd = col_i64(r, i, C_END);
	const char *zStatus = PQgetvalue(r, i, C_STATUS);

	if (strcmp(zStatus, "cancelled") != 0)
		zStatus = iNow >= iEnd ? "completed" : iNow >= iStart ? "in_progress" : "scheduled";
	putf("{\"id\":%s,\"partner_id\":%s,\"user_id\":%s,\"partner\":{\"id\":%s,\"name\":",
	     PQgetvalue(r, i, C_ID), PQgetvalue(r, i, C_PARTNER), PQgetvalue(r, i, C_USER),
	     PQgetvalue(r, i, C_PARTNER));
	put_str(PQgetvalue(r, i, C_PNAME));
	putf("},\"user\":{\"id\":%s,\"name\":", PQgetvalue(r, i, C_USER));
	put_str(PQgetvalue(r, i, C_UNAME));
	put("},\"title\":", 10);
	put_str(PQgetvalue(r, i, C_TITLE));
	put(",\"session_date\":", 16);
	put_time(iStart);
	put(",\"end_date\":", 12);
	put_time(iEnd);
	putf(",\"duration_minutes\":%s,\"status\":\"%s\",\"password_enabled\":%s,"
	     "\"meeting_url\":\"%s/join/%s\",\"notes\":",
	     PQgetvalue(r, i, C_DUR), zStatus, PQgetvalue(r, i, C_PW)[0] == 't' ? "true" : "false",
	     zPublicUrl, PQgetvalue(r, i, C_ID));
	put_str(PQgetvalue(r, i, C_NOTES));
	put(",\"created_at\":", 14);
	put_time(col_i64(r, i, C_CREATED));
	put(",\"updated_at\":", 14);
	put_time(col_i64(r, i, C_UPDATED));
	put("}", 1);
}

static void respond(FCGX_Request *fr, int iStatus, const char *zReason)
{
	char zHead[256];
	int n = snprintf(zHead, sizeof(zHead),
			 "Status: %d %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
			 "Cache-Control: no-store\r\n\r\n", iStatus, zReason, nOut);

	FCGX_PutStr(zHead, n, fr->out);
	FCGX_PutStr(aOut, (int)nOut, fr->out);
}

/* A positive decimal id after zPrefix, or 0. */
static int64_t path_id(const char *zUri, const char *zPrefix)
{
	size_t n = strlen(zPrefix);
	char *zEnd;
	long long v;

	if (strncmp(zUri, zPrefix, n) != 0 || zUri[n] < '1' || zUri[n] > '9')
		return 0;
	errno = 0;
	v = strtoll(zUri + n, &zEnd, 10);
	if (errno || (*zEnd != '\0' && *zEnd != '?'))
		return 0;
	return v;
}

static void handle(FCGX_Request *fr, PGconn *db)
{
	const char *zUri = FCGX_GetParam("REQUEST_URI", fr->envp);
	const char *zStmt = NULL;
	char zId[24];
	const char *az[1] = { zId };
	int64_t iId;
	PGresult *r;

	nOut = 0;
	if (zUri == NULL)
		zUri = "";
	if ((iId = path_id(zUri, "/ref/session/")) > 0)
		zStmt = "get";
	else if ((iId = path_id(zUri, "/ref/list/")) > 0)
		zStmt = "list";
	if (zStmt == NULL) {
		put("{\"error\":{\"code\":\"not_found\"}}", 30);
		respond(fr, 404, "Not Found");
		return;
	}
	snprintf(zId, sizeof(zId), "%" PRId64, iId);
	r = PQexecPrepared(db, zStmt, 1, az, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		put("{\"error\":{\"code\":\"unavailable\"}}", 32);
		respond(fr, 503, "Service Unavailable");
		return;
	}
	if (zStmt[0] == 'g') {
		if (PQntuples(r) != 1) {
			put("{\"error\":{\"code\":\"not_found\"}}", 30);
			PQclear(r);
			respond(fr, 404, "Not Found");
			return;
		}
		put_session(r, 0, now_us());
	} else {
		int64_t iNow = now_us();
		int n = PQntuples(r);
		put("{\"video_sessions\":[", 19);
		for (int i = 0; i < n; i++) {
			if (i > 0)
				put(",", 1);
			put_session(r, i, iNow);
		}
		/* The API's cursor when a page is full, so the bodies are the same size. */
		if (n == 20)
			putf("],\"next_cursor\":\"%s.%s\"}", PQgetvalue(r, n - 1, C_START), PQgetvalue(r, n - 1, C_ID));
		else
			put("],\"next_cursor\":null}", 21);
	}
	PQclear(r);
	respond(fr, 200, "OK");
}

static void on_term(int iSig)
{
	(void)iSig;
	bStop = 1;
}

static PGconn *connect_db(const char *zConninfo)
{
	PGconn *db = PQconnectdb(zConninfo);
	PGresult *r;

	if (PQstatus(db) != CONNECTION_OK) {
		fprintf(stderr, "reference: cannot connect: %s", PQerrorMessage(db));
		return NULL;
	}
	r = PQprepare(db, "get", zGetSql, 1, NULL);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		goto fail;
	PQclear(r);
	r = PQprepare(db, "list", zListSql, 1, NULL);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		goto fail;
	PQclear(r);
	return db;
fail:
	fprintf(stderr, "reference: prepare failed: %s", PQresultErrorMessage(r));
	PQclear(r);
	PQfinish(db);
	return NULL;
}

static void worker(int iSock, const char *zConninfo)
{
	FCGX_Request fr;
	struct sigaction sa;
	PGconn *db;

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGTERM, &sa, NULL);  /* a bare worker just dies; nothing to finish */
	if ((db = connect_db(zConninfo)) == NULL)
		_exit(1);
	FCGX_InitRequest(&fr, iSock, 0);
	while (FCGX_Accept_r(&fr) >= 0) {
		if (PQstatus(db) != CONNECTION_OK) {
			PQfinish(db);
			if ((db = connect_db(zConninfo)) == NULL)
				_exit(1);
		}
		handle(&fr, db);
		FCGX_Finish_r(&fr);
	}
	PQfinish(db);
	_exit(0);
}

int main(void)
{
	const char *zListen = getenv("REF_LISTEN"), *zDb = getenv("REF_DATABASE_URL");
	const char *zWorkers = getenv("REF_WORKERS"), *zGroup = getenv("REF_SOCKET_GROUP");
	long nCpu = sysconf(_SC_NPROCESSORS_ONLN);
	int nWorkers = zWorkers && *zWorkers ? atoi(zWorkers) : (int)(4 * (nCpu > 0 ? nCpu : 1));
	pid_t aPid[512];
	struct sigaction sa;
	int iSock;

	zPublicUrl = getenv("REF_PUBLIC_URL") ? getenv("REF_PUBLIC_URL") : "https://localhost:8443";
	if (zListen == NULL || zDb == NULL || nWorkers < 1 || nWorkers > 512) {
		fprintf(stderr, "usage: REF_LISTEN=/path.sock REF_DATABASE_URL=conninfo [REF_WORKERS=n] reference\n");
		return 2;
	}
	if (FCGX_Init() != 0)
		return 1;
	unlink(zListen);
	iSock = FCGX_OpenSocket(zListen, 1024);
	if (iSock < 0) {
		fprintf(stderr, "reference: cannot listen on %s\n", zListen);
		return 1;
	}
	if (zGroup != NULL && *zGroup) {
		struct group *g = getgrnam(zGroup);
		if (g == NULL || chown(zListen, (uid_t)-1, g->gr_gid) != 0) {
			fprintf(stderr, "reference: cannot give the socket to group %s\n", zGroup);
			return 1;
		}
		chmod(zListen, 0660);
	} else {
		chmod(zListen, 0666);
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	for (int i = 0; i < nWorkers; i++) {
		aPid[i] = fork();
		if (aPid[i] == 0)
			worker(iSock, zDb);
		if (aPid[i] < 0) {
			fprintf(stderr, "reference: fork failed\n");
			nWorkers = i;
			bStop = 1;
			break;
		}
	}
	fprintf(stderr, "reference: %d workers on %s\n", nWorkers, zListen);
	/* The master only waits: a dead worker is a bench failure, not something to hide. */
	while (!bStop) {
		int iStatus;
		pid_t pid = wait(&iStatus);
		if (pid < 0 && errno != EINTR)
			break;
		if (pid > 0 && !bStop)
			fprintf(stderr, "reference: worker %d exited (status %d)\n", (int)pid, iStatus);
	}
	for (int i = 0; i < nWorkers; i++)
		kill(aPid[i], SIGTERM);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	unlink(zListen);
	return 0;
}
