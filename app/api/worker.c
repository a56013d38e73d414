/*
 * worker.c — the request loop of one worker process.
 *
 * Duties, per request, in this order (nothing later runs when an earlier step
 * answers): route the raw path (404/405), refuse oversized bodies by their
 * declared length (413), authenticate (401), refuse a cookie-authenticated
 * change another site could have started (403), check the media type (415),
 * read and strictly parse the body (400), run the handler, write the answer,
 * log one line. Every buffer a request uses is reset, not freed, so a
 * worker allocates almost nothing per request once warm.
 *
 * The worker accepts connections itself (epoll on the listening socket and
 * a self-pipe) and hands each to libfcgi, so a SIGTERM while idle ends the
 * worker at once and a SIGTERM during a request lets it finish first.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "auth.h"
#include "cookies.h"
#include "router.h"
#include "worker.h"
#include "vsession/jsonin.h"
#include "vsession/json.h"
#include "vsession/timeutil.h"
#include "vsession/token.h"
#include "vsession/joinhints.h"

static int aSigPipe[2] = { -1, -1 };

void vs_log(const char *zLevel, const char *zFmt, ...)
{
	char zTime[VS_TIME_FORMAT_MAX];
	char zLine[1024];
	va_list ap;
	int n;

	vs_time_format_utc(vs_time_now_us() / 1000 * 1000, zTime);
	n = snprintf(zLine, sizeof(zLine), "%s %s pid=%d ", zTime, zLevel, (int)getpid());
	if (n < 0)
		return;
	va_start(ap, zFmt);
	vsnprintf(zLine + n, sizeof(zLine) - (size_t)n, zFmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", zLine);
}

static void on_signal(int iSig)
{
	int e = errno;
	unsigned char c = (unsigned char)iSig;
	ssize_t w = write(aSigPipe[1], &c, 1);
	(void)w;
	errno = e;
}

/* Accepts only peers listed in FCGI_WEB_SERVER_ADDRS (TCP only). */
static bool peer_allowed(const struct vs_config *cfg, const struct sockaddr_storage *ss)
{
	char zAddr[INET6_ADDRSTRLEN];
	const char *p;
	size_t n;

	if (cfg->zAllowedAddrs == NULL || ss->ss_family == AF_UNIX)
		return true;
	if (ss->ss_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, zAddr, sizeof(zAddr));
	else if (ss->ss_family == AF_INET6) {
		const struct in6_addr *a6 = &((const struct sockaddr_in6 *)ss)->sin6_addr;
		/* a dual-stack socket shows IPv4 peers as ::ffff:a.b.c.d: compare the dotted form */
		if (IN6_IS_ADDR_V4MAPPED(a6))
			inet_ntop(AF_INET, &a6->s6_addr[12], zAddr, sizeof(zAddr));
		else
			inet_ntop(AF_INET6, a6, zAddr, sizeof(zAddr));
	}
	else
		return false;
	n = strlen(zAddr);
	for (p = cfg->zAllowedAddrs; *p; ) {
		size_t k = strcspn(p, ", ");
		if (k == n && !strncmp(p, zAddr, n))
			return true;
		p += k;
		p += strspn(p, ", ");
	}
	return false;
}

/* Reads the declared body, at most VS_BODY_MAX bytes, into req->zBody. */
static bool read_body(FCGX_Request *fr, struct vs_buf *pBody, size_t nWant)
{
	vs_buf_reset(pBody);
	if (vs_buf_reserve(pBody, nWant) != VS_OK)
		return false;
	while (pBody->nLen < nWant) {
		int n = FCGX_GetStr(pBody->zData + pBody->nLen, (int)(nWant - pBody->nLen), fr->in);
		if (n <= 0)
			return false;
		pBody->nLen += (size_t)n;
	}
	pBody->zData[pBody->nLen] = '\0';
	return true;
}

/*
 * Reads what is left of the request's input, up to the end of its FCGI_STDIN
 * stream, and tells whether that end was reached without an error. Without
 * FCGI_KEEP_CONN nginx sends nothing after that end, so the connection then
 * has no unread input and a plain close() cannot make the kernel answer with
 * a reset that would cut the answer short. libfcgi's own close does not know
 * this: it shuts the socket down and waits in select() until nginx closes its
 * end, a round of sleeping and waking per request while the worker could be
 * serving the next. A request whose input did not end cleanly keeps that close.
 */
static bool input_drained(FCGX_Request *fr)
{
	char aTrash[1024];

	while (FCGX_GetStr(aTrash, (int)sizeof(aTrash), fr->in) > 0)
		;
	return FCGX_HasSeenEOF(fr->in) == EOF && FCGX_GetError(fr->in) == 0;
}

/* The answer when the body or headers lost an append: nothing of them is sent. */
static const char zIncomplete[] =
	"{\"error\":{\"code\":\"internal\",\"message\":\"Something went wrong on our side.\"}}";

static void write_response(FCGX_Request *fr, struct vs_request *req, struct vs_response *res)
{
	char zHead[512];
	int n;
	bool bHead = req->eMethod == VS_HEAD;

	if (res->body.bFailed || res->headers.bFailed) {
		/* an append ran out of memory: never send a cut body with its status */
		vs_log("error", "request_id=%s event=response_incomplete reason=nomem",
		       req->zRequestId ? req->zRequestId : "-");
		res->iStatus = 500;
		res->zContentType = NULL;
		vs_buf_reset(&res->headers);
		n = snprintf(zHead, sizeof(zHead),
			     "Status: 500 %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\nCache-Control: no-store\r\n\r\n",
			     vs_http_reason(500), sizeof(zIncomplete) - 1);
		if (n < 0 || (size_t)n >= sizeof(zHead))
			return;
		FCGX_PutStr(zHead, n, fr->out);
		if (!bHead)
			FCGX_PutStr(zIncomplete, (int)(sizeof(zIncomplete) - 1), fr->out);
		return;
	}

	n = snprintf(zHead, sizeof(zHead),
		     "Status: %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nCache-Control: no-store\r\n",
		     res->iStatus, vs_http_reason(res->iStatus),
		     res->zContentType ? res->zContentType : "application/json",
		     res->iStatus == 204 ? (size_t)0 : res->body.nLen);
	if (n < 0 || (size_t)n >= sizeof(zHead))
		return;
	FCGX_PutStr(zHead, n, fr->out);
	if (req->zRequestId != NULL && req->zRequestId[0] != '\0' &&
	    strlen(req->zRequestId) < 64 && strpbrk(req->zRequestId, "\r\n") == NULL) {
		FCGX_PutS("X-Request-Id: ", fr->out);
		FCGX_PutS(req->zRequestId, fr->out);
		FCGX_PutS("\r\n", fr->out);
	}
	if (res->headers.nLen > 0)
		FCGX_PutStr(res->headers.zData, (int)res->headers.nLen, fr->out);
	FCGX_PutStr("\r\n", 2, fr->out);
	if (!bHead && res->iStatus != 204 && res->body.nLen > 0)
		FCGX_PutStr(res->body.zData, (int)res->body.nLen, fr->out);
}

/* Fills req from the FastCGI parameters; the strings belong to fr. */
static void read_params(FCGX_Request *fr, struct vs_request *req)
{
	const char *zUri, *zLen, *q;

	req->zMethod = FCGX_GetParam("REQUEST_METHOD", fr->envp);
	req->eMethod = vs_method_parse(req->zMethod);
	zUri = FCGX_GetParam("REQUEST_URI", fr->envp);
	if (zUri == NULL)
		zUri = "";
	q = strchr(zUri, '?');
	req->zPath = zUri;
	req->nPath = q ? (size_t)(q - zUri) : strlen(zUri);
	req->zQuery = q ? q + 1 : "";
	req->zContentType = FCGX_GetParam("CONTENT_TYPE", fr->envp);
	req->zAuthorization = FCGX_GetParam("HTTP_AUTHORIZATION", fr->envp);
	req->zCookie = FCGX_GetParam("HTTP_COOKIE", fr->envp);
	req->zRemoteAddr = FCGX_GetParam("REMOTE_ADDR", fr->envp);
	req->zRequestId = FCGX_GetParam("REQUEST_ID", fr->envp);
	req->zOrigin = FCGX_GetParam("HTTP_ORIGIN", fr->envp);
	req->zHost = FCGX_GetParam("HTTP_HOST", fr->envp);
	req->zRequestedWith = FCGX_GetParam("HTTP_X_REQUESTED_WITH", fr->envp);
	zLen = FCGX_GetParam("CONTENT_LENGTH", fr->envp);
	req->iContentLength = -1;
	if (zLen != NULL && zLen[0] != '\0') {
		char *zEnd;
		long long v;
		errno = 0;
		v = strtoll(zLen, &zEnd, 10);
		req->iContentLength = (errno || *zEnd || v < 0) ? INT64_MAX : v;
	}
}

/*
 * The body of a request that takes one (bWanted): application/json, read
 * whole, one strict JSON object with no NUL in its texts, into req->pJson.
 * A request that takes none must send none. False after answering 415,
 * 400 or 422.
 */
static bool read_json_body(FCGX_Request *fr, struct vs_ctx *ctx, struct vs_buf *pBody, bool bWanted)
{
	struct vs_request *req = ctx->req;
	struct vs_response *res = ctx->res;
	bool bHasBody = req->iContentLength > 0;
	const char *zNulField = NULL;

	if (!bWanted) {
		if (!bHasBody)
			return true;
		vs_http_error(res, 415, "unsupported_media_type", "This request takes no body.", NULL);
		return false;
	}
	if (!vs_http_is_json(req->zContentType)) {
		vs_http_error(res, 415, "unsupported_media_type",
			      "Send the body as application/json.", NULL);
		return false;
	}
	if (!bHasBody || !read_body(fr, pBody, (size_t)req->iContentLength)) {
		vs_http_error(res, 400, "invalid_json", "The body must be a JSON object.", NULL);
		return false;
	}
	req->zBody = pBody->zData;
	req->nBody = pBody->nLen;
	req->pJson = vs_json_parse_object_nul(req->zBody, req->nBody, &zNulField);
	if (req->pJson == NULL) {
		vs_http_error(res, 400, "invalid_json",
			      "The body must be one JSON object in valid UTF-8, without duplicate keys.", NULL);
		return false;
	}
	if (zNulField != NULL) {
		/* valid JSON, but no text we keep may hold a NUL character */
		vs_http_error(res, 422, "validation_failed",
			      "A text must not contain the NUL character (\\u0000).", zNulField);
		return false;
	}
	return true;
}

/* Runs one request through every step named at the top of this file. */
static void handle(FCGX_Request *fr, struct vs_ctx *ctx, struct vs_buf *pBody, struct vs_slot *pSlot)
{
	struct vs_request *req = ctx->req;
	struct vs_response *res = ctx->res;
	const struct vs_route_method *m = NULL;
	enum vs_match eMatch;
	char zAllow[64];
	bool bHasBody;

	memset(req, 0, sizeof(*req));
	req->iRoute = -1;
	req->iNowUs = vs_time_now_us();
	read_params(fr, req);
	memset(&ctx->caller, 0, sizeof(ctx->caller));
	vs_db_guard_clear(ctx->db);
	res->iStatus = 200;
	res->zContentType = NULL;
	vs_buf_reset(&res->body);
	vs_buf_reset(&res->headers);

	eMatch = vs_route_match(req->eMethod, req->zPath, req->nPath, &req->iRoute, &m, req->aId);
	pSlot->iRoute = req->iRoute;
	if (eMatch == VS_MATCH_NOT_FOUND) {
		vs_http_error(res, 404, "not_found", "There is no such resource.", NULL);
		return;
	}
	if (eMatch == VS_MATCH_METHOD) {
		vs_route_allow(req->iRoute, zAllow, sizeof(zAllow));
		vs_http_header(res, "Allow", zAllow);
		vs_http_error(res, 405, "method_not_allowed", "This method is not allowed here.", NULL);
		return;
	}
	bHasBody = req->iContentLength > 0;
	if (req->iContentLength > VS_BODY_MAX) {
		vs_http_error(res, 413, "payload_too_large", "The request body is larger than 64 KiB.", NULL);
		return;
	}
	if (!(m->fFlags & VS_RF_PUBLIC) && !vs_authenticate(ctx))
		return;
	if (!(m->fFlags & VS_RF_PUBLIC) && !vs_cookie_request_allowed(ctx))
		return;
	/* a one-click form (RFC 8058) may post any body: it is never read */
	if (!(m->fFlags & VS_RF_BODY_IGNORED) &&
	    !read_json_body(fr, ctx, pBody, (m->fFlags & VS_RF_BODY) || ((m->fFlags & VS_RF_BODY_OPTIONAL) && bHasBody)))
		return;
#ifdef VSESSION_TESTING
	{
		/* tests make the Nth append of this request fail, as if memory ran out */
		const char *z = FCGX_GetParam("HTTP_X_VSESSION_TEST_FAIL_ALLOC", fr->envp);
		if (z != NULL && z[0] >= '0' && z[0] <= '9')
			vs_buf_test_fail_after(strtol(z, NULL, 10));
	}
#endif
	m->xHandler(ctx);
#ifdef VSESSION_TESTING
	vs_buf_test_fail_after(-1);
#endif
}

/* A worker's signals: SIGTERM and SIGQUIT stop it after the current request. */
static void worker_signals(void)
{
	struct sigaction sa;
	sigset_t set;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* restart libfcgi's blocking reads: a stop must not cut off the request
	 * being read; epoll_wait() still wakes up through the self-pipe */
	sa.sa_flags = SA_RESTART;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = 0;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
}

/*
 * Serves one accepted connection fd: the request, the login check, the
 * answer and its log line; the slot shows the request while it runs.
 */
static void serve_one(FCGX_Request *fr, struct vs_ctx *ctx, struct vs_buf *body, struct vs_slot *pSlot, int fd)
{
	struct vs_request *req = ctx->req;
	struct vs_response *res = ctx->res;
	int64_t iStart = vs_time_now_us();

	pSlot->iRequestStartUs = iStart;
	fr->ipcFd = fd;
	fr->keepConnection = 1; /* keeps FCGX_Accept_r from closing the fd we hand it */
	if (FCGX_Accept_r(fr) < 0) {
		pSlot->iRequestStartUs = 0;
		return;
	}
	handle(fr, ctx, body, pSlot);
	(void)vs_authenticate_finish(ctx);
	snprintf(pSlot->zRequestId, sizeof(pSlot->zRequestId), "%s", req->zRequestId ? req->zRequestId : "-");
	write_response(fr, req, res);
	vs_log("info", "request_id=%s method=%s route=%s status=%d duration_ms=%.2f",
	       req->zRequestId ? req->zRequestId : "-", req->zMethod ? req->zMethod : "-",
	       req->iRoute >= 0 ? vs_aRoute[req->iRoute].zName : "-", res->iStatus,
	       (double)(vs_time_now_us() - iStart) / 1000.0);
	if (req->pJson != NULL) {
		cJSON_Delete(req->pJson);
		req->pJson = NULL;
	}
	if (input_drained(fr))
		(void)FCGX_Detach(fr); /* FCGX_Finish_r then closes the fd without the wait */
	FCGX_Finish_r(fr);
	pSlot->iRequestStartUs = 0;
	pSlot->iRoute = -1;
	pSlot->nServed++;
}

void vs_worker_run(const struct vs_config *cfg, int iListenFd, struct vs_slot *pSlot)
{
	FCGX_Request fr;
	struct vs_request req;
	struct vs_response res = { 200, NULL, VS_BUF_INIT, VS_BUF_INIT };
	struct vs_buf body = VS_BUF_INIT;
	struct vs_ctx ctx;
	struct epoll_event aEv[2], evListen, evSig;
	int iEpoll;
	bool bStop = false;

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (pipe2(aSigPipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		vs_log("error", "event=worker_start_failed reason=pipe");
		_exit(1);
	}
	worker_signals();
	FCGX_Init();
	/* listen_sock -1: libfcgi never accepts by itself; we hand it connections. */
	FCGX_InitRequest(&fr, -1, 0);
	memset(&ctx, 0, sizeof(ctx));
	ctx.req = &req;
	ctx.res = &res;
	ctx.cfg = cfg;
	ctx.db = vs_db_new(cfg->zDatabaseUrl, cfg->bPrepare);
	if (ctx.db == NULL)
		_exit(1);
	(void)vs_db_connect(ctx.db); /* best effort: requests reconnect as needed */
	vs_token_cache_use(&cfg->token);
	vs_join_hints_use_secret(cfg->pJwtSecret, cfg->nJwtSecret);
	pSlot->iPid = getpid();
	pSlot->iRequestStartUs = 0;
	pSlot->iRoute = -1;
	pSlot->nServed = 0;

	/*
	 * Every worker waits on the one listening socket. Waited on with poll(),
	 * each new connection woke every idle worker, and all but one found
	 * nothing to accept (measured with strace under load: 0.84 failed
	 * accept4 and 2.8 polls per request). EPOLLEXCLUSIVE wakes one waiter
	 * per connection; the signal pipe is each worker's own.
	 */
	iEpoll = epoll_create1(EPOLL_CLOEXEC);
	evListen.events = EPOLLIN | EPOLLEXCLUSIVE;
	evListen.data.fd = iListenFd;
	evSig.events = EPOLLIN;
	evSig.data.fd = aSigPipe[0];
	if (iEpoll < 0 || epoll_ctl(iEpoll, EPOLL_CTL_ADD, iListenFd, &evListen) != 0 ||
	    epoll_ctl(iEpoll, EPOLL_CTL_ADD, aSigPipe[0], &evSig) != 0) {
		vs_log("error", "event=worker_start_failed reason=epoll");
		_exit(1);
	}
	while (!bStop) {
		struct sockaddr_storage ss;
		socklen_t nSs = sizeof(ss);
		bool bListen = false, bSig = false;
		int fd, i, n;

		if ((n = epoll_wait(iEpoll, aEv, 2, -1)) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < n; i++) {
			if (aEv[i].data.fd == aSigPipe[0])
				bSig = true;
			else if (aEv[i].data.fd == iListenFd)
				bListen = true;
		}
		if (bSig) {
			unsigned char c;
			while (read(aSigPipe[0], &c, 1) == 1)
				if (c == SIGTERM || c == SIGQUIT)
					bStop = true;
			continue;
		}
		if (!bListen)
			continue;
		fd = accept4(iListenFd, (struct sockaddr *)&ss, &nSs, SOCK_CLOEXEC);
		if (fd < 0)
			continue; /* another worker took it, or the peer left */
		if (!peer_allowed(cfg, &ss)) {
			close(fd);
			continue;
		}
		serve_one(&fr, &ctx, &body, pSlot, fd);
		if (cfg->nMaxRequests > 0 && pSlot->nServed >= cfg->nMaxRequests)
			bStop = true;
	}
	close(iEpoll);
	vs_db_free(ctx.db);
	vs_buf_free(&res.body);
	vs_buf_free(&res.headers);
	vs_buf_free(&body);
	/* exit, not _exit: leak checkers (LSan, valgrind) report at exit */
	exit(0);
}
