/*
 * buf.c — growable NUL-terminated byte buffers.
 *
 * Invariant: when zData is not NULL, zData[nLen] == '\0' and nLen < nCap.
 * Once bFailed is set, nothing more is appended until a reset: the contents
 * are then a prefix of what the writer meant, and must not be sent.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsession/buf.h"

#ifdef VSESSION_TESTING
static long nTestFailAfter = -1;

void vs_buf_test_fail_after(long n)
{
	nTestFailAfter = n;
}
#endif

void vs_buf_reset(struct vs_buf *b)
{
	b->nLen = 0;
	b->bFailed = false;
	if (b->zData != NULL)
		b->zData[0] = '\0';
}

void vs_buf_free(struct vs_buf *b)
{
	free(b->zData);
	b->zData = NULL;
	b->nLen = b->nCap = 0;
	b->bFailed = false;
}

enum vs_err vs_buf_reserve(struct vs_buf *b, size_t nMore)
{
	size_t nNeed, nNew;
	char *z;

	if (b->bFailed)
		return VS_ERR_NOMEM;
#ifdef VSESSION_TESTING
	if (nTestFailAfter == 0) {
		b->bFailed = true;
		return VS_ERR_NOMEM;
	}
	if (nTestFailAfter > 0)
		nTestFailAfter--;
#endif
	if (nMore > SIZE_MAX - b->nLen - 1) {
		b->bFailed = true;
		return VS_ERR_NOMEM;
	}
	nNeed = b->nLen + nMore + 1;
	if (nNeed <= b->nCap)
		return VS_OK;
	nNew = b->nCap ? b->nCap : 256;
	while (nNew < nNeed)
		nNew = nNew > SIZE_MAX / 2 ? nNeed : nNew * 2;
	z = realloc(b->zData, nNew);
	if (z == NULL) {
		b->bFailed = true;
		return VS_ERR_NOMEM;
	}
	if (b->zData == NULL)
		z[0] = '\0';
	b->zData = z;
	b->nCap = nNew;
	return VS_OK;
}

enum vs_err vs_buf_append(struct vs_buf *b, const void *p, size_t n)
{
	if (vs_buf_reserve(b, n) != VS_OK)
		return VS_ERR_NOMEM;
	if (n > 0)
		memcpy(b->zData + b->nLen, p, n);
	b->nLen += n;
	b->zData[b->nLen] = '\0';
	return VS_OK;
}

enum vs_err vs_buf_puts(struct vs_buf *b, const char *z)
{
	return vs_buf_append(b, z, strlen(z));
}

enum vs_err vs_buf_putc(struct vs_buf *b, char c)
{
	return vs_buf_append(b, &c, 1);
}

enum vs_err vs_buf_printf(struct vs_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		b->bFailed = true;
	if (n < 0 || vs_buf_reserve(b, (size_t)n) != VS_OK)
		return VS_ERR_NOMEM;
	va_start(ap, fmt);
	vsnprintf(b->zData + b->nLen, b->nCap - b->nLen, fmt, ap);
	va_end(ap);
	b->nLen += (size_t)n;
	return VS_OK;
}

enum vs_err vs_buf_put_i64(struct vs_buf *b, int64_t v)
{
	char a[24];
	char *p = a + sizeof(a);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	do {
		*--p = (char)('0' + (u % 10));
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	return vs_buf_append(b, p, (size_t)(a + sizeof(a) - p));
}

const char *vs_buf_str(const struct vs_buf *b)
{
	return b->zData != NULL ? b->zData : "";
}
