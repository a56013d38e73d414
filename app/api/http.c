/*
 * http.c — status phrases, the error envelope, response headers.
 */
#include <string.h>

#include "http.h"
#include "vsession/json.h"

const char *vs_http_reason(int iStatus)
{
	switch (iStatus) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default:  return "Unknown";
	}
}

void vs_http_error(struct vs_response *res, int iStatus, const char *zCode,
		   const char *zMessage, const char *zField)
{
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
	vs_buf_puts(b, "}}");
}

void vs_http_error_from(struct vs_response *res, enum vs_err err)
{
	switch (err) {
	case VS_ERR_NOT_FOUND:
		vs_http_error(res, 404, "not_found", "There is no such resource.", NULL);
		break;
	case VS_ERR_FORBIDDEN:
		vs_http_error(res, 403, "forbidden", "You are not allowed to do this.", NULL);
		break;
	case VS_ERR_UNAUTHENTICATED:
		vs_http_error(res, 401, "unauthenticated", "Log in to continue.", NULL);
		break;
	case VS_ERR_UNAVAILABLE:
		vs_http_error(res, 503, "unavailable", "The service is briefly unavailable; try again in a moment.", NULL);
		vs_http_header(res, "Retry-After", "2");
		break;
	case VS_ERR_INVALID_STATE:
		vs_http_error(res, 409, "invalid_state", "The object's state does not allow this change.", NULL);
		break;
	case VS_ERR_CONFLICT:
		vs_http_error(res, 409, "conflict", "The partner is already booked at that time.", NULL);
		break;
	case VS_ERR_INVALID:
		vs_http_error(res, 422, "validation_failed", "A value is not valid.", NULL);
		break;
	default:
		vs_http_error(res, 500, "internal", "Something went wrong on our side.", NULL);
		break;
	}
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
