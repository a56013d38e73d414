/*
 * router.c — matching request paths against the route table.
 *
 * The table lives in routes.c beside the handler declarations; this file
 * only knows how to match. Matching never allocates.
 */
#include <string.h>
#include <stdio.h>

#include "router.h"

static const char *const azMethod[VS_METHOD__MAX] = {
	[VS_GET] = "GET", [VS_POST] = "POST", [VS_PUT] = "PUT", [VS_DELETE] = "DELETE",
	[VS_HEAD] = "HEAD", [VS_OPTIONS] = "OPTIONS", [VS_PATCH] = "PATCH",
};

enum vs_method vs_method_parse(const char *z)
{
	if (z == NULL)
		return VS_METHOD__MAX;
	for (int i = 0; i < VS_METHOD__MAX; i++)
		if (!strcmp(z, azMethod[i]))
			return (enum vs_method)i;
	return VS_METHOD__MAX;
}

const char *vs_method_name(enum vs_method e)
{
	return (unsigned)e < VS_METHOD__MAX ? azMethod[e] : "?";
}

/* Parses a path segment as a positive int64 with no sign and no leading zero. */
static bool parse_id(const char *z, size_t n, int64_t *pId)
{
	uint64_t v = 0;

	if (n == 0 || n > 19 || z[0] == '0')
		return false;
	for (size_t i = 0; i < n; i++) {
		if (z[i] < '0' || z[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(z[i] - '0');
	}
	if (v > (uint64_t)INT64_MAX)
		return false;
	*pId = (int64_t)v;
	return true;
}

/* True when zPath[0..nPath) fits zPattern; fills aId in order. */
static bool match_pattern(const char *zPattern, const char *zPath, size_t nPath,
			  int64_t aId[VS_PATH_PARAMS_MAX])
{
	size_t iPat = 0, iPath = 0, nPat = strlen(zPattern);
	int nId = 0;

	while (iPat < nPat && iPath <= nPath) {
		if (zPattern[iPat] == ':') {
			size_t e = iPath;
			while (e < nPath && zPath[e] != '/')
				e++;
			if (nId >= VS_PATH_PARAMS_MAX || !parse_id(zPath + iPath, e - iPath, &aId[nId]))
				return false;
			nId++;
			iPath = e;
			while (iPat < nPat && zPattern[iPat] != '/')
				iPat++;
			continue;
		}
		if (iPath >= nPath || zPath[iPath] != zPattern[iPat])
			return false;
		iPat++;
		iPath++;
	}
	return iPat == nPat && iPath == nPath;
}

enum vs_match vs_route_match(enum vs_method eMethod, const char *zPath, size_t nPath,
			     int *piRoute, const struct vs_route_method **ppMethod,
			     int64_t aId[VS_PATH_PARAMS_MAX])
{
	for (int i = 0; i < ROUTE__MAX; i++) {
		const struct vs_route_def *r = &vs_aRoute[i];
		int64_t aTmp[VS_PATH_PARAMS_MAX] = { 0, 0 };

		if (r->zPattern == NULL || !match_pattern(r->zPattern, zPath, nPath, aTmp))
			continue;
		*piRoute = i;
		memcpy(aId, aTmp, sizeof(aTmp));
		for (size_t m = 0; m < r->nMethod; m++) {
			if (r->aMethod[m].eMethod == eMethod) {
				*ppMethod = &r->aMethod[m];
				return VS_MATCH_OK;
			}
		}
		return VS_MATCH_METHOD;
	}
	return VS_MATCH_NOT_FOUND;
}

void vs_route_allow(int iRoute, char *a, size_t n)
{
	const struct vs_route_def *r = &vs_aRoute[iRoute];
	size_t used = 0;

	a[0] = '\0';
	for (size_t m = 0; m < r->nMethod && used < n; m++) {
		int k = snprintf(a + used, n - used, "%s%s", m ? ", " : "", vs_method_name(r->aMethod[m].eMethod));
		if (k < 0)
			break;
		used += (size_t)k;
	}
}
