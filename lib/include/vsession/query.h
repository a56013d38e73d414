/*
 * query.h — URL query strings, decoded and checked against allowed keys.
 */
#ifndef VSESSION_QUERY_H
#define VSESSION_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include "vsession/error.h"

#define VS_QUERY_MAX 16

struct vs_query {
	size_t nPair;
	char  *azKey[VS_QUERY_MAX];  /* decoded, NUL-terminated, in zStore */
	char  *azVal[VS_QUERY_MAX];
	char  *zStore;               /* one allocation holding every key and value */
};

/*
 * Parses the n bytes at z ("a=1&b=two", no leading '?'), percent-decoding keys
 * and values ('+' is a space). Empty segments ("a=1&&b=2") are skipped; a key
 * without '=' has the value "". Refused with VS_ERR_INVALID, and *pzBad set to
 * a static description or to the offending key (valid until vs_query_free):
 * a key not in the NULL-terminated azAllowed list, a repeated key, more than
 * VS_QUERY_MAX pairs, a bad %-escape, a decoded NUL or invalid UTF-8.
 * VS_ERR_NOMEM when allocation fails. On any failure q holds nothing to free.
 */
enum vs_err vs_query_parse(const char *z, size_t n, const char *const *azAllowed,
			   struct vs_query *q, const char **pzBad);
/*
 * True when *pzBad from the last failed vs_query_parse() in this thread is
 * the offending key itself (then a 422 names it as its field), false when it
 * is a description of a fault in no one key.
 */
bool vs_query_bad_is_key(const char *zBad);
/* The decoded value of zKey, or NULL when absent. */
const char *vs_query_get(const struct vs_query *q, const char *zKey);
void vs_query_free(struct vs_query *q);

#endif
