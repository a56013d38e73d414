/*
 * fuzz_query.c — libFuzzer harness for vs_query_parse().
 *
 * Properties checked (abort() on a violation): on success every key is an
 * allowed one and appears once, there are at most VS_QUERY_MAX pairs, every
 * key and value is reachable through vs_query_get() and *pzBad is NULL; on
 * failure the result is VS_ERR_INVALID or VS_ERR_NOMEM, *pzBad is set for
 * VS_ERR_INVALID and q holds nothing. LSan checks that nothing leaks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vsession/query.h"

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData);

static const char *const azAllowed[] = { "when", "from", "to", "limit", "cursor", "q", "a b", "\xc3\xa9", NULL };

static int is_allowed(const char *zKey)
{
	for (const char *const *p = azAllowed; *p != NULL; p++)
		if (strcmp(*p, zKey) == 0)
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData)
{
	struct vs_query q;
	const char *zBad = NULL;
	enum vs_err rc = vs_query_parse((const char *)aData, nData, azAllowed, &q, &zBad);

	if (rc == VS_OK) {
		if (zBad != NULL || q.nPair > VS_QUERY_MAX || (q.nPair > 0 && q.zStore == NULL))
			abort();
		for (size_t k = 0; k < q.nPair; k++) {
			if (!is_allowed(q.azKey[k]) || vs_query_get(&q, q.azKey[k]) != q.azVal[k])
				abort();
			for (size_t j = 0; j < k; j++)
				if (strcmp(q.azKey[j], q.azKey[k]) == 0)
					abort();
			(void)strlen(q.azVal[k]);  /* NUL-terminated inside the store (ASan checks) */
		}
	} else if (rc == VS_ERR_INVALID) {
		if (zBad == NULL || q.zStore != NULL || q.nPair != 0)
			abort();
		(void)strlen(zBad);
	} else if (rc != VS_ERR_NOMEM) {
		abort();
	}
	vs_query_free(&q);
	return 0;
}
