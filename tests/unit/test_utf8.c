/*
 * test_utf8.c — the UTF-8 decoder (lib/utf8.c).
 *
 * Proves: each boundary of table 3-7 decodes to the right code point and
 * length (U+007F/0080, 07FF/0800, FFFF/10000, 10FFFF); overlong forms (C0,
 * C1, E0 80..9F, F0 80..8F), surrogates (ED A0..BF), code points above
 * U+10FFFF (F4 90, F5..FF), stray continuation bytes and truncated
 * sequences are refused with 0 and leave *pCp alone; no byte past n is
 * read; vs_utf8_valid() agrees over whole strings; and, against an
 * independent encoder, every scalar value round-trips and every 1-, 2- and
 * 3-byte sequence (and every 4-byte lead with every second byte) is
 * accepted exactly when it is the shortest encoding of a scalar value.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "vsession/utf8.h"
#include "unit.h"

#define SENTINEL UINT32_C(0xDEADBEEF)

/* The reference encoder: the shortest form of cp (scalar values only); returns its length. */
static size_t encode(uint32_t cp, unsigned char a[4])
{
	if (cp < 0x80) {
		a[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		a[0] = (unsigned char)(0xC0 | cp >> 6);
		a[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		a[0] = (unsigned char)(0xE0 | cp >> 12);
		a[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		a[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	a[0] = (unsigned char)(0xF0 | cp >> 18);
	a[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
	a[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
	a[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

static bool is_scalar(uint32_t cp)
{
	return cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
}

static void test_decodes_and_refuses_every_boundary(void)
{
	/* z holds n bytes; nLen is the expected length (0: refused), cp the code point. */
	static const struct { const char *zWhy; const char *z; size_t n, nLen; uint32_t cp; } a[] = {
		{ "U+0000",                     "\x00",                 1, 1, 0x0000 },
		{ "U+007F last 1-byte",         "\x7F",                 1, 1, 0x007F },
		{ "U+0080 first 2-byte",        "\xC2\x80",             2, 2, 0x0080 },
		{ "U+07FF last 2-byte",         "\xDF\xBF",             2, 2, 0x07FF },
		{ "U+0800 first 3-byte",        "\xE0\xA0\x80",         3, 3, 0x0800 },
		{ "U+D7FF before surrogates",   "\xED\x9F\xBF",         3, 3, 0xD7FF },
		{ "U+E000 after surrogates",    "\xEE\x80\x80",         3, 3, 0xE000 },
		{ "U+FFFF last 3-byte",         "\xEF\xBF\xBF",         3, 3, 0xFFFF },
		{ "U+10000 first 4-byte",       "\xF0\x90\x80\x80",     4, 4, 0x10000 },
		{ "U+10FFFF last scalar",       "\xF4\x8F\xBF\xBF",     4, 4, 0x10FFFF },
		{ "only the first char counts", "A\xFF",                2, 1, 'A' },
		{ "U+00E9 then a bad byte",     "\xC3\xA9\xFF",         3, 2, 0x00E9 },
		{ "U+110000 first too big",     "\xF4\x90\x80\x80",     4, 0, 0 },
		{ "F4 BF too big",              "\xF4\xBF\xBF\xBF",     4, 0, 0 },
		{ "overlong C0 80 (NUL)",       "\xC0\x80",             2, 0, 0 },
		{ "overlong C0 AF ('/')",       "\xC0\xAF",             2, 0, 0 },
		{ "overlong C1 BF (U+007F)",    "\xC1\xBF",             2, 0, 0 },
		{ "overlong E0 80 80",          "\xE0\x80\x80",         3, 0, 0 },
		{ "overlong E0 9F BF (U+07FF)", "\xE0\x9F\xBF",         3, 0, 0 },
		{ "overlong F0 80 80 80",       "\xF0\x80\x80\x80",     4, 0, 0 },
		{ "overlong F0 8F BF BF",       "\xF0\x8F\xBF\xBF",     4, 0, 0 },
		{ "surrogate ED A0 80 (D800)",  "\xED\xA0\x80",         3, 0, 0 },
		{ "surrogate ED AF BF (DBFF)",  "\xED\xAF\xBF",         3, 0, 0 },
		{ "surrogate ED B0 80 (DC00)",  "\xED\xB0\x80",         3, 0, 0 },
		{ "surrogate ED BF BF (DFFF)",  "\xED\xBF\xBF",         3, 0, 0 },
		{ "lead F5",                    "\xF5\x80\x80\x80",     4, 0, 0 },
		{ "lead F7",                    "\xF7\xBF\xBF\xBF",     4, 0, 0 },
		{ "lead F8 (5-byte form)",      "\xF8\x88\x80\x80\x80", 5, 0, 0 },
		{ "lead FC (6-byte form)",      "\xFC\x84\x80\x80\x80\x80", 6, 0, 0 },
		{ "lead FE",                    "\xFE",                 1, 0, 0 },
		{ "lead FF",                    "\xFF",                 1, 0, 0 },
		{ "lone continuation 80",       "\x80",                 1, 0, 0 },
		{ "lone continuation BF",       "\xBF",                 1, 0, 0 },
		{ "2-byte cut after 1",         "\xC3",                 1, 0, 0 },
		{ "3-byte cut after 1",         "\xE2",                 1, 0, 0 },
		{ "3-byte cut after 2",         "\xE2\x82",             2, 0, 0 },
		{ "4-byte cut after 1",         "\xF0",                 1, 0, 0 },
		{ "4-byte cut after 2",         "\xF0\x9F",             2, 0, 0 },
		{ "4-byte cut after 3",         "\xF0\x9F\x98",         3, 0, 0 },
		{ "second byte ASCII",          "\xC3" "A",             2, 0, 0 },
		{ "third byte not cont.",       "\xE2\x82" "A",         3, 0, 0 },
		{ "fourth byte C0",             "\xF0\x9F\x98\xC0",     4, 0, 0 },
		{ "nothing available",          "",                     0, 0, 0 },
	};

	for (size_t k = 0; k < sizeof(a) / sizeof(a[0]); k++) {
		uint32_t cp = SENTINEL;
		int nFail = unit_nFail;
		size_t nLen = vs_utf8_decode((const unsigned char *)a[k].z, a[k].n, &cp);

		CHECK_INT(nLen, a[k].nLen);
		CHECK_INT(cp, a[k].nLen ? a[k].cp : SENTINEL);
		/* Each input is one character, or one and then something invalid. */
		CHECK(vs_utf8_valid(a[k].z, a[k].n) == (a[k].nLen == a[k].n));
		if (unit_nFail != nFail)
			fprintf(stderr, "  case %s\n", a[k].zWhy);
	}
}

/* A well-formed prefix does not help a sequence that n cuts short: nothing past n is read. */
static void test_reads_nothing_past_n(void)
{
	static const unsigned char aEuro[] = { 0xE2, 0x82, 0xAC };
	static const unsigned char aEmoji[] = { 0xF0, 0x9F, 0x98, 0x80 };
	uint32_t cp = SENTINEL;

	CHECK_INT(vs_utf8_decode(aEuro, 2, &cp), 0);
	CHECK_INT(vs_utf8_decode(aEmoji, 3, &cp), 0);
	CHECK_INT(cp, SENTINEL);
	CHECK_INT(vs_utf8_decode(aEuro, 3, &cp), 3);
	CHECK_INT(cp, 0x20AC);
	CHECK_INT(vs_utf8_decode(aEmoji, 4, &cp), 4);
	CHECK_INT(cp, 0x1F600);
	CHECK(!vs_utf8_valid((const char *)aEmoji, 3));
	CHECK(vs_utf8_valid((const char *)aEmoji, 0));
}

static void test_validates_whole_strings(void)
{
	static const struct { const char *z; size_t n; bool bValid; } a[] = {
		{ "",                                    0, true },
		{ "plain ASCII",                        11, true },
		{ "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", 14, true },
		{ "a\0b",                                3, true },   /* NUL is U+0000; callers refuse it themselves */
		{ "caf\xC3\xA9\xC3",                     6, false },  /* cut at the end */
		{ "ok\xED\xA0\x80ok",                    7, false },  /* surrogate in the middle */
		{ "ok\xC0\x80",                          4, false },  /* overlong NUL at the end */
		{ "\xF4\x90\x80\x80",                    4, false },
		{ "\x80" "abc",                          4, false },
	};

	for (size_t k = 0; k < sizeof(a) / sizeof(a[0]); k++) {
		int nFail = unit_nFail;
		CHECK(vs_utf8_valid(a[k].z, a[k].n) == a[k].bValid);
		if (unit_nFail != nFail)
			fprintf(stderr, "  case %zu\n", k);
	}
}

static void test_every_scalar_value_round_trips(void)
{
	size_t nBad = 0;

	for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
		unsigned char aBuf[4];
		uint32_t got = SENTINEL;
		size_t n;

		if (!is_scalar(cp))
			continue;
		n = encode(cp, aBuf);
		if (vs_utf8_decode(aBuf, n, &got) != n || got != cp) {
			if (nBad++ < 5)
				fprintf(stderr, "  U+%04X does not round-trip\n", (unsigned)cp);
		}
	}
	CHECK_INT(nBad, 0);
}

/*
 * The oracle for test_accepts_exactly_the_shortest_forms: the length of the
 * character at the n bytes of a, found by assembling bits by the lead byte's
 * pattern alone and then asking whether the reference encoder gives back the
 * same bytes for a scalar value. 0 when it does not.
 */
static size_t oracle_len(const unsigned char *a, size_t n, uint32_t *pCp)
{
	size_t len = (a[0] & 0x80) == 0x00 ? 1 : (a[0] & 0xE0) == 0xC0 ? 2 :
		     (a[0] & 0xF0) == 0xE0 ? 3 : (a[0] & 0xF8) == 0xF0 ? 4 : 0;
	uint32_t cp = a[0] & (len == 1 ? 0x7Fu : len == 2 ? 0x1Fu : len == 3 ? 0x0Fu : 0x07u);
	unsigned char aRef[4];

	if (len == 0 || len > n)
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((a[k] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (a[k] & 0x3Fu);
	}
	if (!is_scalar(cp) || encode(cp, aRef) != len || memcmp(aRef, a, len) != 0)
		return 0;
	*pCp = cp;
	return len;
}

/*
 * Every 3-byte buffer (so every 1-, 2- and 3-byte sequence) and every
 * 4-byte lead with every second byte (tails 80 BF) is decoded exactly as the
 * oracle says: same length, same code point, nothing else accepted.
 */
static void test_accepts_exactly_the_shortest_forms(void)
{
	size_t nBad = 0;

	for (uint32_t v = 0; v < (UINT32_C(1) << 24); v++) {
		unsigned char a[3] = { (unsigned char)(v >> 16), (unsigned char)(v >> 8), (unsigned char)v };
		uint32_t cp = SENTINEL, cpWant = SENTINEL;
		size_t nLen = vs_utf8_decode(a, 3, &cp);

		if ((nLen != oracle_len(a, 3, &cpWant) || cp != cpWant) && nBad++ < 5)
			fprintf(stderr, "  %02X %02X %02X: len %zu\n", a[0], a[1], a[2], nLen);
	}
	for (unsigned lead = 0xF0; lead <= 0xFF; lead++) {
		for (unsigned b1 = 0; b1 <= 0xFF; b1++) {
			unsigned char a[4] = { (unsigned char)lead, (unsigned char)b1, 0x80, 0xBF };
			uint32_t cp = SENTINEL, cpWant = SENTINEL;
			size_t nLen = vs_utf8_decode(a, 4, &cp);

			if ((nLen != oracle_len(a, 4, &cpWant) || cp != cpWant) && nBad++ < 5)
				fprintf(stderr, "  %02X %02X 80 BF: len %zu\n", lead, b1, nLen);
		}
	}
	CHECK_INT(nBad, 0);
}

/* Guest names: invisible and reordering characters go, spaces collapse, length in code points. */
static void test_display_names_are_cleaned(void)
{
	static const struct { const char *zIn; const char *zOut; size_t nCp; } a[] = {
		{ "Ada Rivers",                                 "Ada Rivers", 10 },
		{ "  Ada \t\n  Rivers  ",                       "Ada Rivers", 10 },
		{ "A\xe2\x80\x8b" "da",                           "Ada", 3 },           /* U+200B zero-width space */
		{ "A\xe2\x80\x8d" "d\xe2\x80\x8c" "a",             "Ada", 3 },           /* ZWJ, ZWNJ */
		{ "\xe2\x80\xae" "sreviR adA",                    "sreviR adA", 10 },   /* U+202E right-to-left override */
		{ "Ad\xc2\xad" "a",                               "Ada", 3 },           /* soft hyphen */
		{ "\xef\xbb\xbf" "Ada",                           "Ada", 3 },           /* BOM */
		{ "Ada\xf3\xa0\x80\x81",                          "Ada", 3 },           /* U+E0001 language tag */
		{ "Ada\x01\x7f\xc2\x85\xc2\x9f",                  "Ada", 3 },           /* C0, DEL, NEL as space, C1 */
		{ "Ada\xc2\xa0" "Rivers",                         "Ada Rivers", 10 },   /* no-break space */
		{ "Ada\xe2\x80\xa8" "Rivers",                     "AdaRivers", 9 },     /* line separator */
		{ "Zo\xc3\xab \"Z\" O'Brien",                      "Zo\xc3\xab \"Z\" O'Brien", 15 },
		{ "\xe2\x80\x8b\xe2\x80\x8b",                     "", 0 },
		{ "   ",                                        "", 0 },
	};
	for (size_t k = 0; k < sizeof(a) / sizeof(a[0]); k++) {
		char zOut[64];
		size_t n = vs_utf8_display_name(a[k].zIn, strlen(a[k].zIn), zOut);
		CHECK_STR(zOut, a[k].zOut);
		CHECK_INT(n, a[k].nCp);
	}
	{
		char zOut[8];
		CHECK(vs_utf8_display_name("a\xff", 2, zOut) == (size_t)-1);
	}
}

int main(void)
{
	test_decodes_and_refuses_every_boundary();
	test_reads_nothing_past_n();
	test_validates_whole_strings();
	test_every_scalar_value_round_trips();
	test_accepts_exactly_the_shortest_forms();
	test_display_names_are_cleaned();
	return unit_summary("test_utf8");
}
