/*
 * main.c — vsession-mailer, the sender of the email outbox.
 *
 * Duties of the loop, in order, forever until SIGTERM/SIGINT:
 *   1. every few seconds (the polling interval, at most a minute), plan the
 *      reminders that come due within twice that (vs_outbox_plan_reminders):
 *      a session change writes only its own message, the reminders are
 *      written here, each at its own moment, each once however many senders
 *      plan;
 *   2. deliver every due outbox row, a batch at a time: claim up to 20 (row
 *      locks, FOR UPDATE SKIP LOCKED, so senders on other hosts take other
 *      rows), render each, hand it to the SMTP server, record its outcome,
 *      and commit the batch;
 *   3. sleep until the next row is due, the next planning, a NOTIFY on
 *      vsession_outbox arrives (a trigger sends one for every row due now),
 *      or the polling interval passes — whichever is first. Polling alone delivers everything: LISTEN
 *      only makes it immediate, so a pooler that drops notifications
 *      (PgBouncer in transaction mode) costs latency, never a message.
 *
 * Delivery is at least once: a row is marked sent in the transaction that
 * holds its lock, right after the server's 250, and the batch commits after
 * its last message. A crash (or a lost database) before that COMMIT leaves
 * the batch's rows pending with their locks released, and the next claim
 * sends those the server had taken again, with the same Message-ID — at most
 * one extra delivery of each message of the batch in flight. A crash
 * anywhere else either committed 'sent' or never reached the server's 250.
 *
 * The program is separate from the API on purpose: the API's workers answer
 * in milliseconds and must never wait on SMTP; the mailer has its own unit,
 * restart policy, and may run on any number of hosts or none.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <libpq-fe.h>

#include "smtp.h"
#include "vsession/buf.h"
#include "vsession/config.h"
#include "vsession/db.h"
#include "vsession/loginkeys.h"
#include "vsession/mail.h"
#include "vsession/outbox.h"
#include "vsession/timeutil.h"

#include "vsession/paths.h"
#include "vsession/joinhints.h"

static const char zUsage[] =
	"usage: vsession-mailer [--config FILE] [--once] | --version | --help\n"
	"\n"
	"Delivers the email outbox over SMTP. Reads the API's settings (VSESSION_DATABASE_URL,\n"
	"VSESSION_PUBLIC_URL, VSESSION_JWT_SECRET[_FILE]) and its own:\n"
	"  VSESSION_SMTP_URL            smtp://host:port (STARTTLS when offered) or smtps://host:port\n"
	"  VSESSION_SMTP_USER, VSESSION_SMTP_PASSWORD_FILE   AUTH (a password makes TLS required)\n"
	"  VSESSION_MAIL_FROM           the From address (the name is the practice's)\n"
	"  VSESSION_SMTP_TIMEOUT        seconds one message may take (30); connect: 10\n"
	"  VSESSION_MAIL_POLL_SECONDS   polling fallback when no NOTIFY arrives (15)\n"
	"  VSESSION_MAIL_LISTEN_URL     connection for LISTEN (default: the database URL; \"off\": poll only)\n"
	"  VSESSION_MAIL_RETRY_SECONDS  first retry delay, doubling up to an hour (60)\n"
	"  VSESSION_MAIL_GIVE_UP_SECONDS  retries stop and the message fails this long after\n"
	"                               its first try (86400)\n"
	"  --once                       deliver what is due now and exit\n";

struct mailer_config {
	char *zSmtpUrl, *zSmtpUser, *zSmtpPassword, *zFrom, *zListenUrl, *zHost;
	long  iTimeoutSec;
	int   iPollSec, iRetrySec, iGiveUpSec;
};

static volatile sig_atomic_t bStop;

static void on_signal(int iSig)
{
	(void)iSig;
	bStop = 1;
}

static const char *env(const char *zVar)
{
	const char *z = getenv(zVar);
	return z != NULL && z[0] != '\0' ? z : NULL;
}

/* An integer setting in [lo, hi] or its default; false (and a line on stderr) when malformed. */
static bool integer(const char *zVar, long iDefault, long lo, long hi, long *pv)
{
	const char *z = env(zVar);
	char *zEnd;
	long v;

	if (z == NULL) {
		*pv = iDefault;
		return true;
	}
	errno = 0;
	v = strtol(z, &zEnd, 10);
	if (errno != 0 || *zEnd != '\0' || v < lo || v > hi) {
		fprintf(stderr, "vsession-mailer: %s must be a whole number from %ld to %ld (got \"%s\")\n", zVar, lo, hi, z);
		return false;
	}
	*pv = v;
	return true;
}

/* The first line of file zPath, malloc'd; NULL when unreadable. */
static char *read_first_line(const char *zPath)
{
	FILE *f = fopen(zPath, "r");
	char aLine[1024];
	char *z = NULL;

	if (f == NULL)
		return NULL;
	if (fgets(aLine, sizeof(aLine), f) != NULL) {
		aLine[strcspn(aLine, "\r\n")] = '\0';
		z = strdup(aLine);
	}
	explicit_bzero(aLine, sizeof(aLine));
	fclose(f);
	return z;
}

/* The mailer's own settings; false after one line on stderr naming the bad one. */
static bool load_mail_config(struct mailer_config *m, const struct vs_config *cfg)
{
	const char *z;
	long v;
	size_t n;

	memset(m, 0, sizeof(*m));
	z = env("VSESSION_SMTP_URL");
	if (z == NULL || (strncmp(z, "smtp://", 7) != 0 && strncmp(z, "smtps://", 8) != 0) || strpbrk(z, " \r\n") != NULL) {
		fprintf(stderr, "vsession-mailer: VSESSION_SMTP_URL must be smtp://host:port or smtps://host:port (got \"%s\")\n",
			z ? z : "");
		return false;
	}
	m->zSmtpUrl = strdup(z);
	m->zSmtpUser = env("VSESSION_SMTP_USER") ? strdup(env("VSESSION_SMTP_USER")) : NULL;
	if ((z = env("VSESSION_SMTP_PASSWORD_FILE")) != NULL && (m->zSmtpPassword = read_first_line(z)) == NULL) {
		fprintf(stderr, "vsession-mailer: VSESSION_SMTP_PASSWORD_FILE names a file that cannot be read\n");
		return false;
	}
	z = env("VSESSION_MAIL_FROM");
	if (!vs_mail_address_ok(z)) {
		fprintf(stderr, "vsession-mailer: VSESSION_MAIL_FROM must be a plain address such as "
			"sessions@practice.example (got \"%s\")\n", z ? z : "");
		return false;
	}
	m->zFrom = strdup(z);
	z = env("VSESSION_MAIL_LISTEN_URL");
	m->zListenUrl = strdup(z != NULL ? z : cfg->zDatabaseUrl);
	if (!integer("VSESSION_SMTP_TIMEOUT", 30, 1, 600, &m->iTimeoutSec))
		return false;
	if (!integer("VSESSION_MAIL_POLL_SECONDS", 15, 1, 3600, &v))
		return false;
	m->iPollSec = (int)v;
	if (!integer("VSESSION_MAIL_RETRY_SECONDS", 60, 1, 3600, &v))
		return false;
	m->iRetrySec = (int)v;
	if (!integer("VSESSION_MAIL_GIVE_UP_SECONDS", 86400, 1, 30 * 86400, &v))
		return false;
	m->iGiveUpSec = (int)v;
	/* the host of the public URL: the Message-ID's and the calendar UID's domain */
	z = strstr(cfg->zPublicUrl, "://");
	z = z != NULL ? z + 3 : cfg->zPublicUrl;
	n = strcspn(z, ":/");
	m->zHost = strndup(z, n);
	return m->zSmtpUrl && m->zFrom && m->zListenUrl && m->zHost;
}

/* The one-click unsubscribe link of user iUser: "<public>/api/email/unsubscribe?u=<id>&t=<hmac>". */
static void unsubscribe_url(const struct vs_config *cfg, int64_t iUser, char *z, size_t n)
{
	char zId[24], zMac[VS_KEYED_HASH_HEX];

	snprintf(zId, sizeof(zId), "%lld", (long long)iUser);
	vs_keyed_hash_hex(cfg->pJwtSecret, cfg->nJwtSecret, VS_UNSUBSCRIBE_LABEL, zId, strlen(zId), zMac);
	snprintf(z, n, "%s/api/email/unsubscribe?u=%s&t=%s", cfg->zPublicUrl, zId, zMac);
}

static const char *text_or_null(const PGresult *r, int i, int iCol)
{
	return PQgetisnull(r, i, iCol) ? NULL : PQgetvalue(r, i, iCol);
}

/*
 * Delivers row i of the claim r (its transaction open) and settles it.
 * Returns the database's answer to settling it.
 */
static enum vs_err deliver(struct vs_db *db, struct smtp *s, const struct vs_config *cfg,
			   const struct mailer_config *m, const PGresult *r, int i)
{
	struct vs_mail mail;
	struct vs_mail_series series;
	struct vs_buf msg = VS_BUF_INIT;
	char zWhy[300] = "", zUnsub[400], zHint[VS_JOIN_HINT_MAX];
	int64_t iId = vs_db_i64(r, i, OB_ID);
	const char *zKind = PQgetvalue(r, i, OB_KIND);
	enum vs_outbox_outcome e;
	enum vs_err rc;

	if (!PQgetisnull(r, i, OB_DROP)) {
		rc = vs_outbox_settle(db, iId, VS_OUTBOX_DROPPED, PQgetvalue(r, i, OB_DROP), m->iRetrySec, m->iGiveUpSec);
		fprintf(stderr, "vsession-mailer: outbox %lld (%s) not sent: %s\n", (long long)iId, zKind, PQgetvalue(r, i, OB_DROP));
		return rc;
	}
	memset(&mail, 0, sizeof(mail));
	mail.zKind = zKind;
	mail.zToEmail = PQgetvalue(r, i, OB_EMAIL);
	mail.zToName = PQgetvalue(r, i, OB_NAME);
	mail.zFromEmail = m->zFrom;
	mail.zPractice = PQgetvalue(r, i, OB_PRACTICE);
	mail.zMessageId = PQgetvalue(r, i, OB_MESSAGE_ID);
	mail.zHost = m->zHost;
	mail.zPublicUrl = cfg->zPublicUrl;
	mail.iDateUs = vs_db_i64(r, i, OB_NOW_US);
	mail.iSessionId = PQgetisnull(r, i, OB_SESSION_ID) ? 0 : vs_db_i64(r, i, OB_SESSION_ID);
	mail.zTitle = text_or_null(r, i, OB_TITLE);
	mail.zWhen = text_or_null(r, i, OB_WHEN);
	mail.zEndTime = text_or_null(r, i, OB_END_TIME);
	mail.zZone = text_or_null(r, i, OB_ZONE);
	mail.zOldWhen = text_or_null(r, i, OB_OLD_WHEN);
	mail.iStartUs = PQgetisnull(r, i, OB_START_US) ? 0 : vs_db_i64(r, i, OB_START_US);
	mail.iEndUs = PQgetisnull(r, i, OB_END_US) ? 0 : vs_db_i64(r, i, OB_END_US);
	mail.iCreatedUs = PQgetisnull(r, i, OB_CREATED_US) ? mail.iDateUs : vs_db_i64(r, i, OB_CREATED_US);
	mail.iSequence = PQgetisnull(r, i, OB_SEQUENCE) ? 0 : vs_db_i64(r, i, OB_SEQUENCE);
	mail.zPassword = text_or_null(r, i, OB_PASSWORD);
	mail.zUrl = text_or_null(r, i, OB_URL);
	mail.zClientName = text_or_null(r, i, OB_CLIENT_NAME);
	mail.bLate = vs_db_bool(r, i, OB_LATE);
	mail.zReason = text_or_null(r, i, OB_REASON);
	/* the join link names its session on the login page (joinhints.h) */
	if (mail.iSessionId > 0 && mail.iEndUs > 0 &&
	    vs_join_hint_make(cfg->pJwtSecret, cfg->nJwtSecret, mail.iSessionId, mail.iEndUs / VS_US_PER_SEC, zHint))
		mail.zJoinHint = zHint;
	if ((!strcmp(zKind, "reminder_24h") || !strcmp(zKind, "reminder_1h")) && !PQgetisnull(r, i, OB_USER_ID)) {
		unsubscribe_url(cfg, vs_db_i64(r, i, OB_USER_ID), zUnsub, sizeof(zUnsub));
		mail.zUnsubscribeUrl = zUnsub;
	}
	if (!PQgetisnull(r, i, OB_SERIES_ID) && !PQgetisnull(r, i, OB_SERIES_DATES)) {
		memset(&series, 0, sizeof(series));
		series.iId = vs_db_i64(r, i, OB_SERIES_ID);
		series.zDates = PQgetvalue(r, i, OB_SERIES_DATES);
		series.zTz = text_or_null(r, i, OB_SERIES_TZ);
		series.zStartLocal = text_or_null(r, i, OB_SERIES_START_LOCAL);
		series.zEndLocal = text_or_null(r, i, OB_SERIES_END_LOCAL);
		series.nInterval = atoi(PQgetvalue(r, i, OB_SERIES_INTERVAL));
		series.nCount = atoi(PQgetvalue(r, i, OB_SERIES_COUNT));
		series.zExdates = text_or_null(r, i, OB_SERIES_EXDATES);
		mail.pSeries = &series;
	}
	rc = vs_mail_render(&msg, &mail);
	if (rc == VS_ERR_INVALID) {
		e = VS_OUTBOX_FAILED;
		snprintf(zWhy, sizeof(zWhy), "%s", !vs_mail_address_ok(mail.zToEmail) ? "invalid recipient address"
			 : "the message cannot be made (its link or session is gone)");
	} else if (rc != VS_OK) {
		e = VS_OUTBOX_RETRY;
		snprintf(zWhy, sizeof(zWhy), "out of memory");
	} else {
		switch (smtp_send(s, m->zFrom, mail.zToEmail, msg.zData, msg.nLen, zWhy, sizeof(zWhy))) {
		case SMTP_SENT: e = VS_OUTBOX_SENT; break;
		case SMTP_PERMANENT: e = VS_OUTBOX_FAILED; break;
		default: e = VS_OUTBOX_RETRY; break;
		}
	}
	explicit_bzero(msg.zData, msg.nCap);
	vs_buf_free(&msg);
	rc = vs_outbox_settle(db, iId, e, e == VS_OUTBOX_SENT ? NULL : zWhy, m->iRetrySec, m->iGiveUpSec);
	if (e == VS_OUTBOX_SENT)
		fprintf(stderr, "vsession-mailer: outbox %lld (%s) sent%s\n", (long long)iId, zKind,
			rc == VS_OK ? "" : "; recording it failed, it will be sent again");
	else
		fprintf(stderr, "vsession-mailer: outbox %lld (%s) %s: %s\n", (long long)iId, zKind,
			e == VS_OUTBOX_FAILED ? "failed" : "will be retried", zWhy);
	return rc;
}

/*
 * Delivers due rows until none is due or a stop is asked, CLAIM_BATCH at a
 * time in one transaction: one claim and one commit for the batch, one
 * settle per message. A crash inside a batch leaves all its rows pending:
 * those the server already took are sent once more (at most one extra
 * each), none is lost. VS_ERR_UNAVAILABLE when the database is gone.
 */
#define CLAIM_BATCH 20
static enum vs_err drain(struct vs_db *db, struct smtp *s, const struct vs_config *cfg, const struct mailer_config *m)
{
	while (!bStop) {
		PGresult *r;
		enum vs_err rc = vs_outbox_claim(db, CLAIM_BATCH, &r);
		int n;

		if (rc != VS_OK)
			return rc;
		n = PQntuples(r);
		/* a stop asked for mid-batch ends it after the message in hand; the rest stay queued */
		for (int i = 0; i < n && rc == VS_OK && !bStop; i++)
			rc = deliver(db, s, cfg, m, r, i);
		PQclear(r);
		if (n == 0)
			return VS_OK;
		if (rc == VS_OK)
			rc = vs_outbox_commit(db);
		if (rc != VS_OK) {
			fprintf(stderr, "vsession-mailer: recording a batch of %d failed (%s); its messages stay queued\n",
				n, vs_strerror(rc));
			return rc;
		}
	}
	return VS_OK;
}

/* Seconds between two plannings of the reminders; each plans twice that far ahead. */
static int plan_every_sec(const struct mailer_config *m)
{
	return m->iPollSec < 60 ? m->iPollSec : 60;
}

/* Plans the reminders coming due when the last planning is plan_every_sec() old. */
static enum vs_err plan_reminders(struct vs_db *db, const struct mailer_config *m, int64_t *piNextPlanUs)
{
	int64_t iNow = vs_time_now_us();
	int n;
	enum vs_err rc;

	if (iNow < *piNextPlanUs)
		return VS_OK;
	if ((rc = vs_outbox_plan_reminders(db, 2 * plan_every_sec(m), &n)) != VS_OK)
		return rc;
	*piNextPlanUs = iNow + (int64_t)plan_every_sec(m) * VS_US_PER_SEC;
	if (n > 0)
		fprintf(stderr, "vsession-mailer: %d reminder%s planned\n", n, n == 1 ? "" : "s");
	return VS_OK;
}

/* Opens the LISTEN connection, or NULL (polling then does the work). */
static PGconn *listen_connect(const struct mailer_config *m)
{
	PGconn *c;
	PGresult *r;

	if (!strcmp(m->zListenUrl, "off"))
		return NULL;
	c = PQconnectdb(m->zListenUrl);
	if (PQstatus(c) != CONNECTION_OK) {
		PQfinish(c);
		return NULL;
	}
	r = PQexec(c, "LISTEN vsession_outbox");
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		PQclear(r);
		PQfinish(c);
		return NULL;
	}
	PQclear(r);
	return c;
}

/* The command line: an exit status to return at once, or -1 to go on. */
static int parse_args(int argc, char **argv, const char **pzConfig, bool *pbOnce)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(zUsage, stdout);
			return 0;
		} else if (!strcmp(argv[i], "--version")) {
			printf("vsession-mailer %s\n", VSESSION_VERSION);
			return 0;
		} else if (!strcmp(argv[i], "--once")) {
			*pbOnce = true;
		} else if (!strcmp(argv[i], "--config") && i + 1 < argc) {
			*pzConfig = argv[++i];
		} else {
			fprintf(stderr, "vsession-mailer: unknown option %s (see vsession-mailer --help)\n", argv[i]);
			return 2;
		}
	}
	return -1;
}

/*
 * Sleeps until the next message is due, a NOTIFY arrives, the poll interval
 * passes or a signal comes; (re)connects the LISTEN connection at most every
 * 5 s. rc is how the last drain went: after a failure it waits 1 s.
 */
static void wait_for_work(struct vs_db *db, const struct mailer_config *m, PGconn **ppListen,
			  int64_t *piLastTry, int64_t iNextPlanUs, enum vs_err rc)
{
	int64_t iDueMs = -1, iWaitMs, iNow = vs_time_now_us();
	struct pollfd pfd;

	if (*ppListen == NULL && iNow - *piLastTry > 5 * VS_US_PER_SEC) {
		*piLastTry = iNow;
		if ((*ppListen = listen_connect(m)) != NULL)
			return;  /* rows queued while not listening are found by the next drain */
	}
	if (rc == VS_OK)
		rc = vs_outbox_next_due_ms(db, &iDueMs);
	iWaitMs = rc != VS_OK ? 1000 : (int64_t)m->iPollSec * 1000;
	if (rc == VS_OK && iDueMs >= 0 && iDueMs < iWaitMs)
		iWaitMs = iDueMs + 5;
	if (rc == VS_OK && (iNextPlanUs - iNow) / 1000 + 1 < iWaitMs)
		iWaitMs = iNextPlanUs > iNow ? (iNextPlanUs - iNow) / 1000 + 1 : 0;
	if (rc != VS_OK)
		fprintf(stderr, "vsession-mailer: the database is not reachable (%s); trying again\n", vs_strerror(rc));
	pfd.fd = *ppListen != NULL ? PQsocket(*ppListen) : -1;
	pfd.events = POLLIN;
	pfd.revents = 0;
	if (poll(&pfd, 1, (int)iWaitMs) > 0 && *ppListen != NULL) {
		PGnotify *n;

		if (!PQconsumeInput(*ppListen) || PQstatus(*ppListen) != CONNECTION_OK) {
			PQfinish(*ppListen);
			*ppListen = NULL;
		} else {
			while ((n = PQnotifies(*ppListen)) != NULL)
				PQfreemem(n);
		}
	}
}

int main(int argc, char **argv)
{
	struct vs_config cfg;
	struct mailer_config m;
	struct smtp_config sc;
	struct smtp *s = NULL;
	struct vs_db *db = NULL;
	PGconn *pListen = NULL;
	const char *zConfig = getenv("VSESSION_CONFIG_FILE");
	char zErr[600];
	bool bOnce = false;
	int64_t iLastListenTry = 0, iNextPlanUs = 0;
	struct sigaction sa;
	int iExit = 1;

	if ((iExit = parse_args(argc, argv, &zConfig, &bOnce)) >= 0)
		return iExit;
	iExit = 1;
	if (zConfig == NULL && access(VSESSION_CONFIG_FILE, F_OK) == 0)
		zConfig = VSESSION_CONFIG_FILE;
	if (zConfig != NULL && vs_config_read_env_file(zConfig, zErr, sizeof(zErr)) != VS_OK) {
		fprintf(stderr, "vsession-mailer: %s\n", zErr);
		return 1;
	}
	if (env("VSESSION_JWT_SECRET") == NULL && env("VSESSION_JWT_SECRET_FILE") == NULL &&
	    access(VSESSION_JWT_SECRET_DEFAULT, F_OK) == 0)
		setenv("VSESSION_JWT_SECRET_FILE", VSESSION_JWT_SECRET_DEFAULT, 1);
	if (vs_config_load(&cfg, VS_CONFIG_API, zErr, sizeof(zErr)) != VS_OK) {
		fprintf(stderr, "vsession-mailer: %s\n", zErr);
		return 1;
	}
	if (!load_mail_config(&m, &cfg))
		goto out;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;  /* no SA_RESTART: poll() returns at once */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "vsession-mailer: libcurl did not start\n");
		goto out;
	}
	sc.zUrl = m.zSmtpUrl;
	sc.zUser = m.zSmtpUser;
	sc.zPassword = m.zSmtpPassword;
	sc.iConnectTimeoutSec = 10;
	sc.iTimeoutSec = m.iTimeoutSec;
	if ((s = smtp_new(&sc)) == NULL || (db = vs_db_new(cfg.zDatabaseUrl, cfg.bPrepare)) == NULL) {
		fprintf(stderr, "vsession-mailer: out of memory\n");
		goto out;
	}
	fprintf(stderr, "vsession-mailer: started (polling every %d s%s)\n", m.iPollSec,
		strcmp(m.zListenUrl, "off") ? ", woken by NOTIFY" : "");
	while (!bStop) {
		enum vs_err rc = plan_reminders(db, &m, &iNextPlanUs);

		if (rc == VS_OK)
			rc = drain(db, s, &cfg, &m);
		if (bOnce)
			break;
		wait_for_work(db, &m, &pListen, &iLastListenTry, iNextPlanUs, rc);
	}
	iExit = 0;
out:
	if (pListen != NULL)
		PQfinish(pListen);
	smtp_free(s);
	vs_db_free(db);
	curl_global_cleanup();
	if (m.zSmtpPassword != NULL)
		explicit_bzero(m.zSmtpPassword, strlen(m.zSmtpPassword));
	free(m.zSmtpUrl);
	free(m.zSmtpUser);
	free(m.zSmtpPassword);
	free(m.zFrom);
	free(m.zListenUrl);
	free(m.zHost);
	vs_config_free(&cfg);
	return iExit;
}
