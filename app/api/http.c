/*
 * http.c — status phrases, the error envelope, response headers.
 *
 * Every error answer is written by error_envelope(); what a library error
 * value answers is a row of the table in errors.c.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "errors.h"
#include "http.h"
#include "vsession/json.h"

static const struct { int iStatus; const char *zReason; } aReason[] = {
	{ 200, "OK" }, { 201, "Created" }, { 202, "Accepted" }, { 204, "No Content" }, { 400, "Bad Request" },
	{ 401, "Unauthorized" }, { 403, "Forbidden" }, { 404, "Not Found" },
	{ 405, "Method Not Allowed" }, { 409, "Conflict" }, { 413, "Content Too Large" },
	{ 415, "Unsupported Media Type" }, { 422, "Unprocessable Content" },
	{ 429, "Too Many Requests" }, { 500, "Internal Server Error" },
	{ 503, "Service Unavailable" }, { 504, "Gateway Timeout" },
};

const char *vs_http_reason(int iStatus)
{
	for (size_t i = 0; i < sizeof(aReason) / sizeof(aReason[0]); i++)
		if (aReason[i].iStatus == iStatus)
			return aReason[i].zReason;
	return "Unknown";
}

/*
 * Writes the envelope; details only when pDetails is not NULL: the booking in
 * the way (a conflict, named by its title and client: always the caller's own
 * booking), or the tries left after a wrong session password.
 */
static void error_envelope(struct vs_response *res, int iStatus, const char *zCode,
			   const char *zMessage, const char *zField, const struct vs_outcome *pDetails)
{
	const struct vs_outcome *pConflict = pDetails != NULL && pDetails->bConflict ? pDetails : NULL;

	struct vs_buf *b = &res->body;

	res->iStatus = iStatus;
	res->zContentType = NULL;
	vs_buf_reset(b);
	vs_buf_puts(b, "{\"error\":{");
	vs_json_key(b, "code", true);
	vs_json_str(b, zCode);
	vs_json_key(b, "message", false);
	vs_json_str(b, zMessage);
	if (zField != NULL) {
		vs_json_key(b, "field", false);
		vs_json_str(b, zField);
	}
	if (pConflict != NULL) {
		vs_buf_puts(b, ",\"details\":{\"conflicting\":{");
		vs_json_key(b, "kind", true);
		vs_json_str(b, pConflict->zConflictKind);
		vs_json_key(b, "id", false);
		vs_json_i64(b, pConflict->iConflictId);
		vs_json_key(b, "start", false);
		vs_json_time(b, pConflict->iConflictStartUs);
		vs_json_key(b, "end", false);
		vs_json_time(b, pConflict->iConflictEndUs);
		vs_json_key(b, "title", false);
		vs_json_str(b, pConflict->zConflictTitle);
		vs_json_key(b, "user", false);
		if (pConflict->iConflictUserId > 0) {
			vs_buf_puts(b, "{\"id\":");
			vs_json_i64(b, pConflict->iConflictUserId);
			vs_json_key(b, "name", false);
			vs_json_str(b, pConflict->zConflictUser);
			vs_buf_putc(b, '}');
		} else {
			vs_json_null(b);
		}
		vs_buf_puts(b, "}}");
	} else if (pDetails != NULL && pDetails->bRemaining) {
		vs_buf_puts(b, ",\"details\":{\"remaining\":");
		vs_json_i64(b, pDetails->iRemaining);
		vs_buf_putc(b, '}');
	}
	vs_buf_puts(b, "}}");
}

void vs_http_error(struct vs_response *res, int iStatus, const char *zCode,
		   const char *zMessage, const char *zField)
{
	error_envelope(res, iStatus, zCode, zMessage, zField, NULL);
}

void vs_http_error_answer(struct vs_response *res, enum vs_err err, const struct vs_outcome *o)
{
	const struct vs_err_answer *e = vs_err_answer(err);
	bool bOutcome = e->bOutcome && o != NULL;
	char zRetry[16];

	error_envelope(res, e->iStatus, e->zCode, bOutcome && o->zMessage[0] ? o->zMessage : e->zMessage,
		       bOutcome ? o->zField : NULL,
		       bOutcome && ((err == VS_ERR_CONFLICT && o->bConflict && o->iConflictId > 0) ||
				    (err == VS_ERR_WRONG_PASSWORD && o->bRemaining)) ? o : NULL);
	if (err == VS_ERR_RATE_LIMITED) {
		snprintf(zRetry, sizeof(zRetry), "%d", o != NULL && o->iRetryAfter > 0 ? o->iRetryAfter : 1);
		vs_http_header(res, "Retry-After", zRetry);
	} else if (e->zRetryAfter != NULL) {
		vs_http_header(res, "Retry-After", e->zRetryAfter);
	}
}

void vs_http_error_from(struct vs_response *res, enum vs_err err)
{
	vs_http_error_answer(res, err, NULL);
}

/* Media types compare case-insensitively; parameters (charset) are allowed. */
bool vs_http_is_json(const char *z)
{
	size_t n = strlen("application/json");

	if (z == NULL)
		return false;
	while (*z == ' ')
		z++;
	if (strncasecmp(z, "application/json", n) != 0)
		return false;
	z += n;
	while (*z == ' ')
		z++;
	return *z == '\0' || *z == ';';
}

void vs_http_header(struct vs_response *res, const char *zName, const char *zValue)
{
	if (strpbrk(zValue, "\r\n") != NULL)
		return;
	vs_buf_puts(&res->headers, zName);
	vs_buf_puts(&res->headers, ": ");
	vs_buf_puts(&res->headers, zValue);
	vs_buf_puts(&res->headers, "\r\n");
}
