/*
 * main.c — vsession-api: the master process and its pool of workers.
 *
 * The master opens the FastCGI socket (or takes it as fd 0 from spawn-fcgi
 * or systemd), pre-forks the workers and then only supervises. Its loop's
 * duties, every tick (php-fpm and nginx style):
 *   - read signals from the self-pipe (handlers only write a byte);
 *   - reap dead workers with waitpid(WNOHANG) and respawn them unless
 *     stopping, backing off when workers die young (a crash loop);
 *   - kill a worker whose current request has run past the request timeout,
 *     logging its route and request id;
 *   - on SIGHUP, roll the workers one at a time: start a new one, then ask
 *     one old one to finish its request and leave;
 *   - on SIGTERM/SIGINT/SIGQUIT, ask every worker to finish and leave, then
 *     SIGKILL whatever is left at the shutdown deadline.
 *
 * Why one file of over 500 lines: the master's whole life (socket, pool,
 * signals, reloads, timeouts, stop) is one state machine over one struct
 * pool; the worker's side is worker.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <malloc.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "router.h"
#include "worker.h"
#include "vsession/config.h"
#include "vsession/crypto.h"
#include "vsession/timeutil.h"

#define VS_SLOTS_MAX 1024

#include "vsession/paths.h"

static const char zApiUsage[] =
	"usage: vsession-api [--config FILE] [--check-config] | --version | --help\n"
	"\n"
	"The vsession FastCGI server. Configured by environment variables (see the README:\n"
	"VSESSION_DATABASE_URL, VSESSION_LISTEN, VSESSION_WORKERS, ...).\n"
	"\n"
	"  --config FILE    read FILE (NAME=value lines, as systemd's EnvironmentFile=) first;\n"
	"                   the environment wins over it. Without VSESSION_JWT_SECRET(_FILE),\n"
	"                   " VSESSION_JWT_SECRET_DEFAULT " is the secret, as under the systemd unit\n"
	"  --check-config   validate the configuration (" VSESSION_CONFIG_FILE " unless\n"
	"                   --config or VSESSION_CONFIG_FILE names another) and exit: 0, or\n"
	"                   one line per problem and 1\n"
	"  --version        print the version\n";

/*
 * Reads the environment file zPath as the unit's EnvironmentFile= would and
 * points VSESSION_JWT_SECRET_FILE at the file the unit loads as a credential
 * when nothing names a secret. 0, or 1 with a line on stderr.
 */
static int read_config_file(const char *zPath)
{
	char zErr[600];
	const char *z, *zFile;

	if (vs_config_read_env_file(zPath, zErr, sizeof(zErr)) != VS_OK) {
		fprintf(stderr, "vsession-api: %s\n", zErr);
		return 1;
	}
	z = getenv("VSESSION_JWT_SECRET");
	zFile = getenv("VSESSION_JWT_SECRET_FILE");
	if ((z == NULL || z[0] == '\0') && (zFile == NULL || zFile[0] == '\0') &&
	    access(VSESSION_JWT_SECRET_DEFAULT, F_OK) == 0)
		setenv("VSESSION_JWT_SECRET_FILE", VSESSION_JWT_SECRET_DEFAULT, 1);
	return 0;
}

/* --check-config: every problem on its own line; the exit status. */
static int check_config(void)
{
	char zOut[4096];
	int n = vs_config_check(VS_CONFIG_API, zOut, sizeof(zOut));

	if (n == 0) {
		printf("vsession-api: the configuration is valid\n");
		return 0;
	}
	for (char *z = zOut, *zEnd; *z != '\0'; z = zEnd + 1) {
		if ((zEnd = strchr(z, '\n')) == NULL)
			break;
		fprintf(stderr, "vsession-api: %.*s\n", (int)(zEnd - z), z);
	}
	return 1;
}

struct pool {
	struct vs_config cfg;
	int      iListenFd;
	struct vs_slot *aSlot;       /* shared with the workers */
	int      nSlot;              /* slots in use: workers wanted + rolling spares */
	int64_t  aStartUs[VS_SLOTS_MAX];
	bool     aRetiring[VS_SLOTS_MAX];
	int      nFastDeaths;        /* consecutive deaths of young workers */
	int64_t  iRespawnAfterUs;    /* back-off: no respawn before this */
	bool     bStopping;
	int64_t  iDeadlineUs;
	int      nRoll;              /* workers still to roll after SIGHUP */
};

static int aSelfPipe[2] = { -1, -1 };

static void on_signal(int iSig)
{
	int e = errno;
	unsigned char c = (unsigned char)iSig;
	ssize_t w = write(aSelfPipe[1], &c, 1);
	(void)w;
	errno = e;
}

/* Opens "unix:/path" or "host:port" as a listening socket; -1 with a message. */
static int open_listener(const struct vs_config *cfg)
{
	const char *z = cfg->zListen;
	int fd = -1;

	if (!strncmp(z, "unix:", 5)) {
		struct sockaddr_un sun;
		mode_t mode = (mode_t)strtol(cfg->zSocketMode, NULL, 8);

		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		if (strlen(z + 5) >= sizeof(sun.sun_path)) {
			vs_log("error", "event=listen_failed reason=\"socket path too long\"");
			return -1;
		}
		strcpy(sun.sun_path, z + 5);
		unlink(sun.sun_path);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
			vs_log("error", "event=listen_failed path=%s reason=\"%s\"", sun.sun_path, strerror(errno));
			goto fail;
		}
		if (cfg->zSocketGroup != NULL) {
			struct group *g = getgrnam(cfg->zSocketGroup);
			if (g == NULL || chown(sun.sun_path, (uid_t)-1, g->gr_gid) != 0) {
				vs_log("error", "event=listen_failed reason=\"cannot give the socket to group %s\"",
				       cfg->zSocketGroup);
				goto fail;
			}
		}
		if (chmod(sun.sun_path, mode) != 0) {
			vs_log("error", "event=listen_failed reason=\"chmod: %s\"", strerror(errno));
			goto fail;
		}
	} else {
		char zHost[256];
		const char *zColon = strrchr(z, ':');
		struct addrinfo hints, *ai = NULL;
		int one = 1;
		size_t nHost = (size_t)(zColon - z);

		if (nHost >= sizeof(zHost))
			return -1;
		memcpy(zHost, z, nHost);
		zHost[nHost] = '\0';
		if (zHost[0] == '[' && nHost > 2 && zHost[nHost - 1] == ']') {
			memmove(zHost, zHost + 1, nHost - 2);
			zHost[nHost - 2] = '\0';
		}
		memset(&hints, 0, sizeof(hints));
		hints.ai_socktype = SOCK_STREAM;
		hints.ai_flags = AI_PASSIVE;
		if (getaddrinfo(zHost[0] ? zHost : NULL, zColon + 1, &hints, &ai) != 0 || ai == NULL) {
			vs_log("error", "event=listen_failed reason=\"cannot resolve %s\"", z);
			return -1;
		}
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd >= 0)
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
			vs_log("error", "event=listen_failed addr=%s reason=\"%s\"", z, strerror(errno));
			freeaddrinfo(ai);
			goto fail;
		}
		freeaddrinfo(ai);
	}
	if (listen(fd, 1024) != 0) {
		vs_log("error", "event=listen_failed reason=\"%s\"", strerror(errno));
		goto fail;
	}
	return fd;
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

/* fd 0 is usable when it is a listening stream socket (spawn-fcgi, systemd). */
static bool inherited_listener(void)
{
	int iType = 0, iAcc = 0;
	socklen_t n = sizeof(iType);

	if (getsockopt(0, SOL_SOCKET, SO_TYPE, &iType, &n) != 0 || iType != SOCK_STREAM)
		return false;
	n = sizeof(iAcc);
	return getsockopt(0, SOL_SOCKET, SO_ACCEPTCONN, &iAcc, &n) == 0 && iAcc;
}

static void spawn(struct pool *p, int iSlot)
{
	pid_t pid = fork();

	if (pid < 0) {
		vs_log("error", "event=fork_failed reason=\"%s\"", strerror(errno));
		return;
	}
	if (pid == 0) {
		close(aSelfPipe[0]);
		close(aSelfPipe[1]);
		vs_worker_run(&p->cfg, p->iListenFd, &p->aSlot[iSlot]);
	}
	memset((void *)&p->aSlot[iSlot], 0, sizeof(p->aSlot[iSlot]));
	p->aSlot[iSlot].iPid = pid;
	p->aSlot[iSlot].iRoute = -1;
	p->aStartUs[iSlot] = vs_time_now_us();
	p->aRetiring[iSlot] = false;
}

static int live_workers(const struct pool *p)
{
	int n = 0;
	for (int i = 0; i < p->nSlot; i++)
		if (p->aSlot[i].iPid > 0)
			n++;
	return n;
}

/* Reaps every dead child; respawns into its slot unless stopping or retiring. */
static void reap(struct pool *p)
{
	int iStatus;
	pid_t pid;

	while ((pid = waitpid(-1, &iStatus, WNOHANG)) > 0) {
		for (int i = 0; i < p->nSlot; i++) {
			int64_t iLived;
			bool bClean;

			if (p->aSlot[i].iPid != pid)
				continue;
			iLived = vs_time_now_us() - p->aStartUs[i];
			bClean = WIFEXITED(iStatus) && WEXITSTATUS(iStatus) == 0;
			if (!bClean)
				vs_log("warn", "event=worker_died pid=%d %s=%d lived_ms=%lld", (int)pid,
				       WIFSIGNALED(iStatus) ? "signal" : "status",
				       WIFSIGNALED(iStatus) ? WTERMSIG(iStatus) : WEXITSTATUS(iStatus),
				       (long long)(iLived / 1000));
			p->aSlot[i].iPid = 0;
			if (p->bStopping || p->aRetiring[i]) {
				p->aRetiring[i] = false;
				break;
			}
			if (!bClean && iLived < VS_US_PER_SEC) {
				int64_t iDelay;
				p->nFastDeaths++;
				iDelay = (int64_t)100000 << (p->nFastDeaths > 6 ? 6 : p->nFastDeaths);
				p->iRespawnAfterUs = vs_time_now_us() + iDelay;
				vs_log("warn", "event=crash_loop_backoff delay_ms=%lld", (long long)(iDelay / 1000));
			} else {
				p->nFastDeaths = 0;
			}
			break;
		}
	}
}

/* Starts workers into empty slots (respecting the back-off). */
static void fill(struct pool *p)
{
	if (p->bStopping || vs_time_now_us() < p->iRespawnAfterUs)
		return;
	for (int i = 0; i < p->cfg.nWorkers; i++)
		if (p->aSlot[i].iPid == 0)
			spawn(p, i);
}

/* Kills workers whose request has outlived the request timeout. */
static void watch_timeouts(struct pool *p)
{
	/* one second of grace, so nginx answers 504 at the timeout before the kill */
	int64_t iNow = vs_time_now_us(), iLimit = ((int64_t)p->cfg.iRequestTimeoutSec + 1) * VS_US_PER_SEC;

	for (int i = 0; i < p->nSlot; i++) {
		struct vs_slot *s = &p->aSlot[i];
		int64_t iStart = s->iRequestStartUs;
		if (s->iPid > 0 && iStart > 0 && iNow - iStart > iLimit) {
			int iRoute = s->iRoute;
			vs_log("warn", "event=request_timeout pid=%d route=%s elapsed_ms=%lld",
			       s->iPid, iRoute >= 0 && iRoute < ROUTE__MAX ? vs_aRoute[iRoute].zName : "-",
			       (long long)((iNow - iStart) / 1000));
			kill(s->iPid, SIGKILL);
			s->iRequestStartUs = 0;
		}
	}
}

/* One step of a rolling restart: retire the oldest worker not yet rolled. */
static void roll_step(struct pool *p)
{
	int iOld = -1;

	if (p->nRoll <= 0 || p->bStopping)
		return;
	for (int i = 0; i < p->cfg.nWorkers; i++)
		if (p->aSlot[i].iPid > 0 && !p->aRetiring[i] &&
		    (iOld < 0 || p->aStartUs[i] < p->aStartUs[iOld]))
			iOld = i;
	if (iOld < 0)
		return;
	/* A spare slot above the pool keeps capacity while the old one drains. */
	for (int k = p->cfg.nWorkers; k < p->nSlot; k++)
		if (p->aSlot[k].iPid > 0)
			return; /* the previous spare is still draining */
	{
		int iSpare = p->cfg.nWorkers;
		struct vs_slot tmp;
		int64_t iStart = p->aStartUs[iOld];

		/* move the old worker into the spare slot, start a new one in its place */
		tmp = p->aSlot[iOld];
		memcpy((void *)&p->aSlot[iSpare], &tmp, sizeof(tmp));
		p->aStartUs[iSpare] = iStart;
		p->aRetiring[iSpare] = true;
		if (p->nSlot <= iSpare)
			p->nSlot = iSpare + 1;
		spawn(p, iOld);
		kill(p->aSlot[iSpare].iPid, SIGTERM);
		p->nRoll--;
	}
}

/*
 * Re-reads the configuration (secrets from their *_FILE files included) for
 * the workers started from now on. The socket and the number of workers
 * stay as they are: changing those needs a restart. A configuration that
 * no longer validates is refused and the old one kept.
 */
static void reload_config(struct pool *p)
{
	struct vs_config fresh;
	char zErr[512];

	if (vs_config_load(&fresh, VS_CONFIG_API, zErr, sizeof(zErr)) != VS_OK) {
		vs_log("error", "event=reload_refused reason=\"%s\"", zErr);
		return;
	}
	if (fresh.nWorkers != p->cfg.nWorkers ||
	    (fresh.zListen == NULL) != (p->cfg.zListen == NULL) ||
	    (fresh.zListen != NULL && strcmp(fresh.zListen, p->cfg.zListen) != 0))
		vs_log("warn", "event=reload_partial reason=\"VSESSION_LISTEN and VSESSION_WORKERS take effect on restart\"");
	fresh.nWorkers = p->cfg.nWorkers;
	free(fresh.zListen);
	fresh.zListen = p->cfg.zListen;
	p->cfg.zListen = NULL;
	vs_config_free(&p->cfg);
	p->cfg = fresh;
	vs_log("info", "event=reload workers=%d", p->cfg.nWorkers);
}

/* Reads the command line; -1 to go on, else the exit status to return at once. */
static int parse_args(int argc, char **argv, const char **pzConfig, bool *pbCheck)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(zApiUsage, stdout);
			return 0;
		} else if (!strcmp(argv[i], "--version")) {
			printf("vsession-api %s\n", VSESSION_VERSION);
			return 0;
		} else if (!strcmp(argv[i], "--check-config")) {
			*pbCheck = true;
		} else if (!strcmp(argv[i], "--config") && i + 1 < argc) {
			*pzConfig = argv[++i];
		} else {
			fprintf(stderr, "vsession-api: unknown option %s (see vsession-api --help)\n", argv[i]);
			return 2;
		}
	}
	return -1;
}

/* The listening socket, the shared slot table and the self-pipe; false after saying why. */
static bool open_pool(struct pool *p)
{
	if (p->cfg.zListen != NULL) {
		p->iListenFd = open_listener(&p->cfg);
		if (p->iListenFd < 0) {
			fprintf(stderr, "vsession-api: cannot listen on VSESSION_LISTEN=%s\n", p->cfg.zListen);
			return false;
		}
	} else if (inherited_listener()) {
		p->iListenFd = 0;
	} else {
		fprintf(stderr, "vsession-api: VSESSION_LISTEN is not set and fd 0 is not a listening socket\n");
		return false;
	}
	/* Workers poll before accepting, so the listening socket must not block. */
	fcntl(p->iListenFd, F_SETFL, fcntl(p->iListenFd, F_GETFL) | O_NONBLOCK);
	p->aSlot = mmap(NULL, sizeof(struct vs_slot) * VS_SLOTS_MAX, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p->aSlot == MAP_FAILED || pipe2(aSelfPipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		fprintf(stderr, "vsession-api: cannot set up the worker pool\n");
		return false;
	}
	return true;
}

/* Signals reach the master's loop through the self-pipe; SIGPIPE is ignored. */
static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/* One signal read from the self-pipe: reload on SIGHUP, stop on the others. */
static void on_pool_signal(struct pool *p, unsigned char c)
{
	switch (c) {
	case SIGCHLD:
		break; /* reaped by the loop */
	case SIGHUP:
		if (!p->bStopping) {
			reload_config(p);
			p->nRoll = p->cfg.nWorkers;
		}
		break;
	default: /* SIGTERM, SIGINT, SIGQUIT */
		if (!p->bStopping) {
			p->bStopping = true;
			p->iDeadlineUs = vs_time_now_us() + (int64_t)p->cfg.iShutdownTimeoutSec * VS_US_PER_SEC;
			vs_log("info", "event=stopping signal=%d", c);
			for (int i = 0; i < p->nSlot; i++)
				if (p->aSlot[i].iPid > 0)
					kill(p->aSlot[i].iPid, SIGTERM);
		}
		break;
	}
}

/*
 * The master's loop, until every worker has exited after a stop. Duties on
 * each tick: handle signals, reap workers, and then either drive the stop
 * (SIGKILL past the deadline) or keep the pool full, time out stuck
 * requests and roll workers after a reload.
 */
static void supervise(struct pool *p, int iTick)
{
	for (;;) {
		struct pollfd pfd = { aSelfPipe[0], POLLIN, 0 };
		unsigned char c;

		poll(&pfd, 1, iTick);
		while (read(aSelfPipe[0], &c, 1) == 1)
			on_pool_signal(p, c);
		reap(p);
		if (p->bStopping) {
			if (live_workers(p) == 0)
				break;
			if (vs_time_now_us() > p->iDeadlineUs) {
				vs_log("warn", "event=shutdown_deadline killing=%d", live_workers(p));
				for (int i = 0; i < p->nSlot; i++)
					if (p->aSlot[i].iPid > 0)
						kill(p->aSlot[i].iPid, SIGKILL);
			}
			continue;
		}
		watch_timeouts(p);
		fill(p);
		roll_step(p);
	}
}

int main(int argc, char **argv)
{
	struct pool p;
	char zErr[512];
	const char *zConfig = NULL;
	bool bCheck = false;
	int rc;

	if ((rc = parse_args(argc, argv, &zConfig, &bCheck)) >= 0)
		return rc;
	if (bCheck && zConfig == NULL && getenv("VSESSION_CONFIG_FILE") != NULL)
		zConfig = getenv("VSESSION_CONFIG_FILE");
	if (bCheck && zConfig == NULL && access(VSESSION_CONFIG_FILE, F_OK) == 0)
		zConfig = VSESSION_CONFIG_FILE;
	if (zConfig != NULL && read_config_file(zConfig) != 0)
		return 1;
	if (bCheck)
		return check_config();
	/* argon2id works in a 19 MiB block. With glibc's sliding mmap threshold
	 * the first hash would leave that block in every worker's heap for good
	 * (25 MB per worker instead of 6); a fixed threshold keeps such blocks
	 * mmapped and returns them after each hash, at the price of faulting
	 * them in again on the next one. */
	mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
	memset(&p, 0, sizeof(p));
	if (vs_config_load(&p.cfg, VS_CONFIG_API, zErr, sizeof(zErr)) != VS_OK) {
		fprintf(stderr, "vsession-api: %s\n", zErr);
		return 1;
	}
	setvbuf(stderr, NULL, _IOLBF, 0);
	if (!open_pool(&p))
		return 1;
	install_signals();
	/* Makes the dummy password hash once, before forking: otherwise each
	 * worker's first unknown-email login would cost an extra hash and stand
	 * out by its timing. */
	vs_password_verify_dummy("", 0);
	p.nSlot = p.cfg.nWorkers;
	for (int i = 0; i < p.cfg.nWorkers; i++)
		spawn(&p, i);
	vs_log("info", "event=started workers=%d listen=%s jitsi_mode=%s", p.cfg.nWorkers,
	       p.cfg.zListen ? p.cfg.zListen : "fd:0",
	       p.cfg.jitsi.eMode == VS_JITSI_JAAS ? "jaas" :
	       p.cfg.jitsi.eMode == VS_JITSI_SELF_HOSTED ? "self-hosted" : "public");
	supervise(&p, 200);
	if (p.cfg.zListen != NULL && !strncmp(p.cfg.zListen, "unix:", 5))
		unlink(p.cfg.zListen + 5);
	vs_log("info", "event=stopped");
	vs_config_free(&p.cfg);
	return 0;
}
