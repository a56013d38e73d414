/*
 * query.c — URL query strings, percent-decoded and checked against allowed keys.
 *
 * One allocation (q->zStore) holds every decoded key and value, each
 * NUL-terminated; azKey/azVal point into it. Decoding never makes a segment
 * longer, and each pair needs at most two terminators, so n + 2 * VS_QUERY_MAX
 * + 1 bytes always suffice. On success every key is allowed and appears
 * once, and every key and value is NUL-free, well-formed UTF-8.
 *
 * On failure q is left empty (nothing to free, vs_query_free() is a no-op on
 * it). *pzBad names the key whenever the key itself decoded cleanly (an
 * unknown or repeated key, or a bad escape, NUL or invalid UTF-8 in its
 * value) and is a static description otherwise (a fault in the key, too many
 * pairs). A named key is a copy in this thread's own storage, at most
 * BAD_KEY_MAX bytes, so it stays valid however the caller cleans up, until
 * the next vs_query_parse() call in the same thread.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vsession/query.h"
#include "vsession/utf8.h"

/* Longest key copied for *pzBad, in bytes (cut on a character boundary). */
#define BAD_KEY_MAX 64

static _Thread_local char zBadKey[BAD_KEY_MAX + 1];

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decodes the n bytes at z into zOut ('+' is a space, %XX a byte) and
 * NUL-terminates it; zOut has room for n + 1 bytes. Returns a static
 * description of the fault, or NULL on success.
 */
static const char *decode_component(const char *z, size_t n, char *zOut)
{
	size_t i = 0, o = 0;

	while (i < n) {
		char c = z[i];
		if (c == '%') {
			int hi, lo;
			if (n - i < 3 || (hi = hex_value(z[i + 1])) < 0 ||
			    (lo = hex_value(z[i + 2])) < 0)
				return "malformed %-escape in the query string";
			c = (char)(hi << 4 | lo);
			i += 3;
		} else {
			if (c == '+')
				c = ' ';
			i++;
		}
		if (c == '\0')
			return "NUL in the query string";
		zOut[o++] = c;
	}
	zOut[o] = '\0';
	if (!vs_utf8_valid(zOut, o))
		return "invalid UTF-8 in the query string";
	return NULL;
}

static bool key_allowed(const char *const *azAllowed, const char *zKey)
{
	if (azAllowed == NULL)
		return false;
	for (; *azAllowed != NULL; azAllowed++)
		if (strcmp(*azAllowed, zKey) == 0)
			return true;
	return false;
}

/* Copies the (valid UTF-8) key into this thread's zBadKey, cut on a character boundary. */
static const char *remember_bad_key(const char *zKey)
{
	size_t n = strlen(zKey);

	if (n > BAD_KEY_MAX) {
		n = BAD_KEY_MAX;
		while (n > 0 && ((unsigned char)zKey[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(zBadKey, zKey, n);
	zBadKey[n] = '\0';
	return zBadKey;
}

/*
 * Splits on '&', skips empty segments, splits each at its first '=',
 * decodes both halves into q->zStore and checks them. q is cleared first;
 * on failure its storage is freed and it is cleared again.
 */
enum vs_err vs_query_parse(const char *z, size_t n, const char *const *azAllowed,
			   struct vs_query *q, const char **pzBad)
{
	const char *zDummy;
	const char *zBad = NULL;
	char *zOut;
	size_t i = 0;

	if (pzBad == NULL)
		pzBad = &zDummy;
	*pzBad = NULL;
	memset(q, 0, sizeof(*q));
	if (z == NULL)
		z = "";
	if (n > SIZE_MAX - (2 * VS_QUERY_MAX + 1))
		return VS_ERR_NOMEM;
	q->zStore = malloc(n + 2 * VS_QUERY_MAX + 1);
	if (q->zStore == NULL)
		return VS_ERR_NOMEM;
	zOut = q->zStore;

	while (i < n) {
		const char *zSeg = z + i, *zAmp, *zEq;
		size_t nSeg, nKey;
		char *zKey, *zVal;

		zAmp = memchr(zSeg, '&', n - i);
		nSeg = zAmp != NULL ? (size_t)(zAmp - zSeg) : n - i;
		i += nSeg + 1;
		if (nSeg == 0)
			continue;
		if (q->nPair == VS_QUERY_MAX) {
			zBad = "too many query parameters";
			goto fail;
		}
		zEq = memchr(zSeg, '=', nSeg);
		nKey = zEq != NULL ? (size_t)(zEq - zSeg) : nSeg;

		zKey = zOut;
		if ((zBad = decode_component(zSeg, nKey, zKey)) != NULL)
			goto fail;
		zOut = zKey + strlen(zKey) + 1;
		if (!key_allowed(azAllowed, zKey) || vs_query_get(q, zKey) != NULL) {
			zBad = remember_bad_key(zKey);
			goto fail;
		}
		zVal = zOut;
		if (zEq != NULL) {
			if (decode_component(zEq + 1, nSeg - nKey - 1, zVal) != NULL) {
				zBad = remember_bad_key(zKey);
				goto fail;
			}
		} else {
			zVal[0] = '\0';
		}
		zOut = zVal + strlen(zVal) + 1;
		q->azKey[q->nPair] = zKey;
		q->azVal[q->nPair] = zVal;
		q->nPair++;
	}
	return VS_OK;

fail:
	vs_query_free(q);
	*pzBad = zBad;
	return VS_ERR_INVALID;
}

bool vs_query_bad_is_key(const char *zBad)
{
	return zBad != NULL && zBad == zBadKey;
}

/* Linear search: there are at most VS_QUERY_MAX pairs. */
const char *vs_query_get(const struct vs_query *q, const char *zKey)
{
	if (q == NULL || zKey == NULL)
		return NULL;
	for (size_t k = 0; k < q->nPair; k++)
		if (strcmp(q->azKey[k], zKey) == 0)
			return q->azVal[k];
	return NULL;
}

/* Frees the storage and leaves q empty; safe on an empty or already freed q. */
void vs_query_free(struct vs_query *q)
{
	if (q == NULL)
		return;
	free(q->zStore);
	memset(q, 0, sizeof(*q));
}
