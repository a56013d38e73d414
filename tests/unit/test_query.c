/*
 * test_query.c — query strings (lib/query.c).
 *
 * Proves: keys and values are percent-decoded ('+' is a space), empty
 * segments are skipped and a bare key has the value ""; unknown and repeated
 * keys, too many pairs, bad escapes, NULs and invalid UTF-8 are refused with
 * the key or a description in *pzBad; a refused parse leaves nothing to
 * free; exactly n bytes are read.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "vsession/query.h"
#include "unit.h"

static const char *const azAllowed[] = { "when", "from", "to", "limit", "cursor", "q", NULL };

/* Parses a C string; the caller frees q. */
static enum vs_err parse(const char *z, struct vs_query *q, const char **pzBad)
{
	return vs_query_parse(z, strlen(z), azAllowed, q, pzBad);
}

static void test_decodes_keys_and_values(void)
{
	static const struct { const char *z, *zKey, *zVal; size_t nPair; } a[] = {
		{ "when=upcoming",                        "when", "upcoming", 1 },
		{ "from=2026-12-01T15%3A00%3A00%2B01%3A00", "from", "2026-12-01T15:00:00+01:00", 1 },
		{ "from=2026-12-01T15:00:00+01:00",       "from", "2026-12-01T15:00:00 01:00", 1 },
		{ "q=caf%C3%A9+au+lait",                  "q", "caf\xc3\xa9 au lait", 1 },
		{ "q=caf%c3%a9",                          "q", "caf\xc3\xa9", 1 },
		{ "q=\xc3\xa9t\xc3\xa9",                  "q", "\xc3\xa9t\xc3\xa9", 1 },
		{ "q=a=b=c",                              "q", "a=b=c", 1 },
		{ "q=%25%26%3D%2B",                       "q", "%&=+", 1 },
		{ "q",                                    "q", "", 1 },
		{ "q=",                                   "q", "", 1 },
		{ "%71=x",                                "q", "x", 1 },
		{ "limit=10&when=past",                   "when", "past", 2 },
		{ "limit=10&when=past",                   "limit", "10", 2 },
		{ "&&limit=10&&&when=past&",              "when", "past", 2 },
		{ "",                                     "when", NULL, 0 },
		{ "&&&",                                  "when", NULL, 0 },
		{ "limit=10",                             "cursor", NULL, 1 },
	};

	for (size_t k = 0; k < sizeof(a) / sizeof(a[0]); k++) {
		struct vs_query q;
		const char *zBad = "unset";
		int nFail = unit_nFail;

		CHECK_INT(parse(a[k].z, &q, &zBad), VS_OK);
		CHECK(zBad == NULL);
		CHECK_INT(q.nPair, a[k].nPair);
		if (a[k].zVal != NULL)
			CHECK_STR(vs_query_get(&q, a[k].zKey), a[k].zVal);
		else
			CHECK(vs_query_get(&q, a[k].zKey) == NULL);
		if (unit_nFail != nFail)
			fprintf(stderr, "  case \"%s\"\n", a[k].z);
		vs_query_free(&q);
	}
}

static void test_refuses_bad_queries_and_says_why(void)
{
	static const struct { const char *z, *zBad; } a[] = {
		{ "foo=1",                  "foo" },
		{ "when=all&foo=1",         "foo" },
		{ "When=all",               "When" },
		{ "when=all&when=past",     "when" },
		{ "when=all&wh%65n=past",   "when" },
		{ "q=%",                    "q" },
		{ "q=%4",                   "q" },
		{ "q=%zz",                  "q" },
		{ "q=%00",                  "q" },
		{ "q=%ff",                  "q" },
		{ "q=%C0%AF",               "q" },    /* overlong '/' */
		{ "q=%ED%A0%80",            "q" },    /* an encoded surrogate */
		{ "q=%F4%90%80%80",         "q" },    /* above U+10FFFF */
		{ "q=%C3",                  "q" },    /* cut short */
		{ "q=\xff",                 "q" },
		{ "%=1",                    "malformed %-escape in the query string" },
		{ "%00=1",                  "NUL in the query string" },
		{ "%ff=1",                  "invalid UTF-8 in the query string" },
		{ "=1",                     "" },     /* an empty key is not allowed */
	};

	for (size_t k = 0; k < sizeof(a) / sizeof(a[0]); k++) {
		struct vs_query q;
		const char *zBad = NULL;
		enum vs_err rc = parse(a[k].z, &q, &zBad);
		int nFail = unit_nFail;

		CHECK_INT(rc, VS_ERR_INVALID);
		CHECK_STR(zBad, a[k].zBad);
		/* a named key is told apart from a description (a 422 then names it as its field) */
		CHECK(vs_query_bad_is_key(zBad) == (strstr(a[k].zBad, "query string") == NULL));
		/* nothing to free: the store is gone and no pair is left */
		CHECK(q.zStore == NULL);
		CHECK_INT(q.nPair, 0);
		if (unit_nFail != nFail)
			fprintf(stderr, "  case \"%s\"\n", a[k].z);
	}
}

static void test_refuses_more_than_max_pairs(void)
{
	static const char *const azMany[] = {
		"k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8",
		"k9", "k10", "k11", "k12", "k13", "k14", "k15", "k16", NULL,
	};
	char z[256];
	size_t n = 0;
	struct vs_query q;
	const char *zBad = NULL;

	for (int k = 0; k < VS_QUERY_MAX; k++)
		n += (size_t)snprintf(z + n, sizeof(z) - n, "%sk%d", k ? "&" : "", k);
	CHECK_INT(vs_query_parse(z, n, azMany, &q, &zBad), VS_OK);
	CHECK_INT(q.nPair, VS_QUERY_MAX);
	CHECK_STR(vs_query_get(&q, "k15"), "");
	vs_query_free(&q);

	n += (size_t)snprintf(z + n, sizeof(z) - n, "&k16=x");
	CHECK_INT(vs_query_parse(z, n, azMany, &q, &zBad), VS_ERR_INVALID);
	CHECK_STR(zBad, "too many query parameters");
	CHECK(!vs_query_bad_is_key(zBad));
	CHECK(q.zStore == NULL);
}

/* The offending key outlives the parse, whether or not the caller frees q. */
static void test_bad_key_outlives_the_query(void)
{
	struct vs_query q;
	const char *zBad = NULL;
	char zLong[300];

	CHECK_INT(parse("limit=1&sort%20order=asc", &q, &zBad), VS_ERR_INVALID);
	vs_query_free(&q);
	vs_query_free(&q);  /* twice is harmless */
	CHECK_STR(zBad, "sort order");

	/* a long unknown key is cut to 64 bytes, on a character boundary */
	memset(zLong, 0, sizeof(zLong));
	for (int k = 0; k < 100; k++)
		memcpy(zLong + 2 * k, "\xc3\xa9", 2);
	CHECK_INT(parse(zLong, &q, &zBad), VS_ERR_INVALID);
	CHECK(zBad != NULL && strlen(zBad) == 64 && memcmp(zBad, zLong, 64) == 0);
}

static void test_reads_exactly_n_bytes(void)
{
	static const char z[] = "when=past&foo=1";
	static const char zNul[] = "when=past\0&limit=1";
	struct vs_query q;
	const char *zBad = NULL;

	CHECK_INT(vs_query_parse(z, 9, azAllowed, &q, &zBad), VS_OK);
	CHECK_STR(vs_query_get(&q, "when"), "past");
	vs_query_free(&q);
	CHECK_INT(vs_query_parse(z, 7, azAllowed, &q, &zBad), VS_OK);
	CHECK_STR(vs_query_get(&q, "when"), "pa");
	vs_query_free(&q);
	/* a raw NUL is not part of any query string */
	CHECK_INT(vs_query_parse(zNul, sizeof(zNul) - 1, azAllowed, &q, &zBad), VS_ERR_INVALID);
	CHECK(q.zStore == NULL);
	CHECK_INT(vs_query_parse(NULL, 0, azAllowed, &q, &zBad), VS_OK);
	CHECK_INT(q.nPair, 0);
	vs_query_free(&q);
}

static void test_get_is_exact_and_null_safe(void)
{
	struct vs_query q;
	const char *zBad = NULL;

	CHECK_INT(parse("to=x&from=y", &q, &zBad), VS_OK);
	CHECK(vs_query_get(&q, "TO") == NULL);
	CHECK(vs_query_get(&q, "t") == NULL);
	CHECK(vs_query_get(&q, NULL) == NULL);
	CHECK(vs_query_get(NULL, "to") == NULL);
	CHECK_STR(vs_query_get(&q, "from"), "y");
	vs_query_free(&q);
	vs_query_free(NULL);
}

int main(void)
{
	test_decodes_keys_and_values();
	test_refuses_bad_queries_and_says_why();
	test_refuses_more_than_max_pairs();
	test_bad_key_outlives_the_query();
	test_reads_exactly_n_bytes();
	test_get_is_exact_and_null_safe();
	return unit_summary("test_query");
}
