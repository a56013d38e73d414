/*
 * fuzz_router.c — request routing and path parameters.
 *
 * Input: one byte choosing the method, the rest the raw path. Whatever the
 * path, matching must not crash, must only ever hand out ids in 1..2^63-1,
 * and a matched path must be one the pattern really describes (re-rendering
 * the pattern with the ids gives back the path).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int iRoute = -1;
	const struct vs_route_method *m = NULL;
	int64_t aId[VS_PATH_PARAMS_MAX] = { 0, 0 };
	enum vs_match e;
	char zBack[512];
	size_t nBack = 0;
	int iId = 0;

	if (size < 1)
		return 0;
	e = vs_route_match((enum vs_method)(data[0] % (VS_METHOD__MAX + 1)), (const char *)data + 1, size - 1,
			   &iRoute, &m, aId);
	if (e == VS_MATCH_NOT_FOUND)
		return 0;
	if (iRoute < 0 || iRoute >= ROUTE__MAX)
		abort();
	if (e == VS_MATCH_OK && (m == NULL || m->xHandler == NULL))
		abort();
	/* re-render the pattern with the ids: it must equal the input path */
	for (const char *p = vs_aRoute[iRoute].zPattern; *p && nBack < sizeof(zBack) - 24; ) {
		if (*p == ':') {
			if (aId[iId] <= 0)
				abort();
			nBack += (size_t)snprintf(zBack + nBack, sizeof(zBack) - nBack, "%" PRId64, aId[iId++]);
			while (*p && *p != '/')
				p++;
		} else {
			zBack[nBack++] = *p++;
		}
	}
	if (nBack != size - 1 || memcmp(zBack, data + 1, nBack) != 0)
		abort();
	return 0;
}
