/*
 * json.c — a streaming JSON writer over vs_buf.
 *
 * Responses are written directly, never as cJSON trees: that keeps each
 * request to a handful of appends into a buffer the worker reuses.
 */
#include <string.h>

#include "vsession/json.h"
#include "vsession/timeutil.h"

enum vs_err vs_json_strn(struct vs_buf *b, const char *z, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, start = 0;
	enum vs_err rc;

	if (vs_buf_reserve(b, n + 2) != VS_OK)
		return VS_ERR_NOMEM;
	if ((rc = vs_buf_putc(b, '"')) != VS_OK)
		return rc;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)z[i];
		char esc[8];
		size_t nEsc = 0;

		if (c == '"' || c == '\\') {
			esc[0] = '\\'; esc[1] = (char)c; nEsc = 2;
		} else if (c == '\n') {
			esc[0] = '\\'; esc[1] = 'n'; nEsc = 2;
		} else if (c == '\r') {
			esc[0] = '\\'; esc[1] = 'r'; nEsc = 2;
		} else if (c == '\t') {
			esc[0] = '\\'; esc[1] = 't'; nEsc = 2;
		} else if (c < 0x20 || c == 0x7f) {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4]; esc[5] = hex[c & 15]; nEsc = 6;
		} else if (c == 0xe2 && i + 2 < n && (unsigned char)z[i + 1] == 0x80 &&
			   ((unsigned char)z[i + 2] == 0xa8 || (unsigned char)z[i + 2] == 0xa9)) {
			/* U+2028 and U+2029 break JavaScript string literals */
			memcpy(esc, "\\u202", 5);
			esc[5] = (unsigned char)z[i + 2] == 0xa8 ? '8' : '9'; nEsc = 6;
			if ((rc = vs_buf_append(b, z + start, i - start)) != VS_OK ||
			    (rc = vs_buf_append(b, esc, nEsc)) != VS_OK)
				return rc;
			i += 2;
			start = i + 1;
			continue;
		} else {
			continue;
		}
		if ((rc = vs_buf_append(b, z + start, i - start)) != VS_OK ||
		    (rc = vs_buf_append(b, esc, nEsc)) != VS_OK)
			return rc;
		start = i + 1;
	}
	if ((rc = vs_buf_append(b, z + start, n - start)) != VS_OK)
		return rc;
	return vs_buf_putc(b, '"');
}

enum vs_err vs_json_str(struct vs_buf *b, const char *z)
{
	if (z == NULL)
		return vs_json_null(b);
	return vs_json_strn(b, z, strlen(z));
}

enum vs_err vs_json_key(struct vs_buf *b, const char *key, bool first)
{
	size_t n = strlen(key);
	char *z;

	if (vs_buf_reserve(b, n + 4) != VS_OK)
		return VS_ERR_NOMEM;
	z = b->zData + b->nLen;
	if (!first)
		*z++ = ',';
	*z++ = '"';
	memcpy(z, key, n);
	z += n;
	*z++ = '"';
	*z++ = ':';
	*z = '\0';
	b->nLen = (size_t)(z - b->zData);
	return VS_OK;
}

enum vs_err vs_json_i64(struct vs_buf *b, int64_t v)
{
	return vs_buf_put_i64(b, v);
}

enum vs_err vs_json_bool(struct vs_buf *b, bool v)
{
	return v ? vs_buf_append(b, "true", 4) : vs_buf_append(b, "false", 5);
}

enum vs_err vs_json_null(struct vs_buf *b)
{
	return vs_buf_append(b, "null", 4);
}

enum vs_err vs_json_time(struct vs_buf *b, int64_t us)
{
	char a[VS_TIME_FORMAT_MAX];
	size_t n = vs_time_format_utc(us, a);

	if (vs_buf_putc(b, '"') != VS_OK || vs_buf_append(b, a, n) != VS_OK)
		return VS_ERR_NOMEM;
	return vs_buf_putc(b, '"');
}
