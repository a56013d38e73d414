/*
 * http.h — one API request as the handlers see it, and its answer.
 *
 * The FastCGI layer (worker.c) fills a vs_request from the parameters nginx
 * sends, routes it, authenticates it and parses its body before any handler
 * runs; handlers read typed values and write a status and a JSON body into
 * the vs_response. Buffers are reused from request to request.
 */
#ifndef VSESSION_HTTP_H
#define VSESSION_HTTP_H

#include <stdbool.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#include "vsession/buf.h"
#include "vsession/config.h"
#include "vsession/db.h"
#include "vsession/error.h"
#include "vsession/store.h"

enum vs_method {
	VS_GET, VS_POST, VS_PUT, VS_DELETE, VS_HEAD, VS_OPTIONS, VS_PATCH, VS_METHOD__MAX
};

#define VS_BODY_MAX (64 * 1024)
#define VS_PATH_PARAMS_MAX 2

struct vs_request {
	enum vs_method eMethod;      /* VS_METHOD__MAX for anything unknown */
	const char *zMethod;
	const char *zPath;           /* the raw path, without the query */
	size_t      nPath;
	const char *zQuery;          /* after '?', "" when none */
	const char *zContentType;
	const char *zAuthorization;
	const char *zCookie;
	const char *zRemoteAddr;
	const char *zRequestId;
	int64_t     iContentLength;  /* -1 when absent */
	int64_t     aId[VS_PATH_PARAMS_MAX]; /* the :id values of the route */
	int         iRoute;
	char       *zBody;           /* NUL-terminated, nBody bytes */
	size_t      nBody;
	cJSON      *pJson;           /* the parsed body object, or NULL */
	int64_t     iNowUs;
	const char *zOrigin;         /* the Origin header, or NULL */
	const char *zHost;           /* the Host header, or NULL */
	const char *zRequestedWith;  /* the SPA's X-Requested-With header, or NULL */
};

struct vs_response {
	int           iStatus;
	const char   *zContentType;  /* NULL = application/json */
	struct vs_buf body;
	struct vs_buf headers;       /* extra "Name: value\r\n" lines */
};

/* Everything a handler may use. */
struct vs_ctx {
	struct vs_request  *req;
	struct vs_response *res;
	struct vs_db       *db;
	const struct vs_config *cfg;
	struct vs_caller    caller;   /* iId == 0 when not authenticated */
};

/* Status line reason phrases ("OK", "Not Found", ...). */
const char *vs_http_reason(int iStatus);

/*
 * Writes the error envelope {"error":{"code","message"[,"field"]}} with the
 * status; zField may be NULL. Replaces anything already in the body.
 */
void vs_http_error(struct vs_response *res, int iStatus, const char *zCode,
		   const char *zMessage, const char *zField);
/* The error answer for a library error value (503, 500, 404, ...): its row in errors.c. */
void vs_http_error_from(struct vs_response *res, enum vs_err err);
/*
 * The same, with what the library said of the refusal (o may be NULL): its
 * message and field where the row allows them, the booking in the way as
 * "details" of a conflict, and Retry-After (the outcome's wait for a rate
 * limit, at least 1 second; the row's fixed value otherwise).
 */
void vs_http_error_answer(struct vs_response *res, enum vs_err err, const struct vs_outcome *o);
/* True when the Content-Type z (may be NULL) is application/json, with or without parameters. */
bool vs_http_is_json(const char *z);
/* Adds a response header line; the value must not contain CR or LF. */
void vs_http_header(struct vs_response *res, const char *zName, const char *zValue);

#endif
