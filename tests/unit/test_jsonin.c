/*
 * test_jsonin.c — strict JSON objects and declared fields (lib/jsonin.c).
 *
 * Proves: vs_json_parse_object() accepts exactly RFC 8259 objects and
 * refuses what cJSON alone lets through (trailing garbage, bad UTF-8, NULs,
 * lone surrogates, duplicate keys, deep nesting, lax numbers and
 * whitespace); vs_form_validate() reports the first fault in the promised
 * order, with the field name and a sentence for people, and fills typed
 * values on success.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vsession/jsonin.h"
#include "unit.h"

/* A byte string literal and its length, NULs included. */
#define S(lit) lit, sizeof(lit) - 1

static bool parses(const char *z, size_t n)
{
	cJSON *root = vs_json_parse_object(z, n);
	bool bOk = root != NULL;

	cJSON_Delete(root);
	return bOk;
}

static void test_accepts_strict_json_objects(void)
{
	static const struct { const char *z; size_t n; } a[] = {
		{ S("{}") },
		{ S(" \t\r\n{ } \n") },
		{ S("{\"a\":1}") },
		{ S("{\"a\":[1,2,{\"b\":null}],\"c\":{\"d\":[]}}") },
		{ S("{\"a\":true,\"b\":false,\"c\":null}") },
		{ S("{\"a\":-0,\"b\":0.5,\"c\":-1.5e-3,\"d\":1E+2,\"e\":1e400}") },
		{ S("{\"a\":\"\\/\\b\\f\\n\\r\\t\\\"\\\\\"}") },
		{ S("{\"a\":\"\\u00e9 \\u20AC\"}") },
		{ S("{\"a\":\"\\ud83d\\ude00\"}") },                 /* a surrogate pair */
		{ S("{\"a\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"}") },
		{ S("{\"a\":\"\xef\xbf\xbf \xf4\x8f\xbf\xbf\"}") },  /* U+FFFF, U+10FFFF */
		{ S("{\"a\":1,\"A\":2}") },                          /* keys are case-sensitive */
		{ S("{\"\":1}") },
		/* exactly VS_JSON_MAX_DEPTH (16) containers */
		{ S("{\"a\":[[[[[[[[[[[[[[{}]]]]]]]]]]]]]]}") },
	};

	for (size_t k = 0; k < sizeof(a) / sizeof(a[0]); k++) {
		bool bOk = parses(a[k].z, a[k].n);
		CHECK(bOk);
		if (!bOk)
			fprintf(stderr, "  case %zu: %s\n", k, a[k].z);
	}
}

static void test_refuses_everything_else(void)
{
	static const struct { const char *zWhy, *z; size_t n; } a[] = {
		{ "empty",                   S("") },
		{ "whitespace only",         S("  ") },
		{ "array at the top",        S("[]") },
		{ "string at the top",       S("\"x\"") },
		{ "number at the top",       S("1") },
		{ "null at the top",         S("null") },
		{ "trailing garbage",        S("{\"a\":1}garbage") },
		{ "a second object",         S("{\"a\":1}{}") },
		{ "a trailing comma after",  S("{\"a\":1},") },
		{ "a trailing NUL",          S("{\"a\":1}\0") },
		{ "NUL before the object",   S("\0{}") },
		{ "unterminated object",     S("{\"a\":1") },
		{ "unterminated string",     S("{\"a\":\"x}") },
		{ "trailing comma",          S("{\"a\":1,}") },
		{ "lone comma",              S("{,}") },
		{ "key without value",       S("{\"a\"}") },
		{ "colon without value",     S("{\"a\":}") },
		{ "single quotes",           S("{'a':1}") },
		{ "bare key",                S("{a:1}") },
		{ "leading zero",            S("{\"a\":01}") },
		{ "plus sign",               S("{\"a\":+1}") },
		{ "bare fraction",           S("{\"a\":.5}") },
		{ "point without digits",    S("{\"a\":1.}") },
		{ "exponent without digits", S("{\"a\":1e}") },
		{ "minus alone",             S("{\"a\":-}") },
		{ "hex number",              S("{\"a\":0x10}") },
		{ "NaN",                     S("{\"a\":NaN}") },
		{ "Infinity",                S("{\"a\":Infinity}") },
		{ "number too long for cJSON",
		  S("{\"a\":1.000000000000000000000000000000000000000000000000000000000000001}") },
		{ "truncated literal",       S("{\"a\":tru}") },
		{ "capitalised literal",     S("{\"a\":True}") },
		{ "unknown escape",          S("{\"a\":\"\\x\"}") },
		{ "short \\u escape",        S("{\"a\":\"\\u12\"}") },
		{ "\\u0000",                 S("{\"a\":\"\\u0000\"}") },
		{ "\\u0000 inside",          S("{\"a\":\"x\\u0000y\"}") },
		{ "\\u0000 in a key",        S("{\"\\u0000\":1}") },
		{ "raw NUL in a string",     S("{\"a\":\"x\0y\"}") },
		{ "raw control character",   S("{\"a\":\"x\x01\"}") },
		{ "raw tab in a string",     S("{\"a\":\"x\ty\"}") },
		{ "raw newline in a string", S("{\"a\":\"x\ny\"}") },
		{ "lone high surrogate",     S("{\"a\":\"\\ud800\"}") },
		{ "lone low surrogate",      S("{\"a\":\"\\udc00\"}") },
		{ "high then letter",        S("{\"a\":\"\\ud800x\"}") },
		{ "high then non-low",       S("{\"a\":\"\\ud800\\u0041\"}") },
		{ "low then high",           S("{\"a\":\"\\udc00\\ud800\"}") },
		{ "two highs",               S("{\"a\":\"\\ud800\\ud800\"}") },
		{ "overlong 2-byte '/'",     S("{\"a\":\"\xc0\xaf\"}") },
		{ "overlong C1",             S("{\"a\":\"\xc1\xbf\"}") },
		{ "overlong 3-byte",         S("{\"a\":\"\xe0\x80\xaf\"}") },
		{ "overlong 4-byte",         S("{\"a\":\"\xf0\x80\x80\xaf\"}") },
		{ "UTF-8 surrogate D800",    S("{\"a\":\"\xed\xa0\x80\"}") },
		{ "UTF-8 surrogate DFFF",    S("{\"a\":\"\xed\xbf\xbf\"}") },
		{ "above U+10FFFF",          S("{\"a\":\"\xf4\x90\x80\x80\"}") },
		{ "F5 lead byte",            S("{\"a\":\"\xf5\x80\x80\x80\"}") },
		{ "FF byte",                 S("{\"a\":\"\xff\"}") },
		{ "lone continuation",       S("{\"a\":\"\x80\"}") },
		{ "truncated sequence",      S("{\"a\":\"\xe2\x82\"}") },
		{ "sequence cut by quote",   S("{\"a\":\"\xe2\"}") },
		{ "bad UTF-8 in a key",      S("{\"\xff\":1}") },
		{ "UTF-8 BOM",               S("\xef\xbb\xbf{}") },
		{ "latin-1 outside strings", S("{\"a\":1}\xa0") },
		{ "vertical tab whitespace", S("\v{}") },
		{ "form feed whitespace",    S("{\f}") },
		{ "duplicate key",           S("{\"a\":1,\"a\":2}") },
		{ "duplicate key, same value", S("{\"a\":1,\"a\":1}") },
		{ "duplicate after escaping",  S("{\"a\":1,\"\\u0061\":2}") },
		{ "nested duplicate key",    S("{\"x\":{\"a\":1,\"b\":2,\"a\":3}}") },
		{ "duplicate inside array",  S("{\"x\":[1,{\"a\":1,\"a\":1}]}") },
		{ "depth 17",                S("{\"a\":[[[[[[[[[[[[[[[{}]]]]]]]]]]]]]]]}") },
		{ "comment",                 S("{/*c*/}") },
	};

	for (size_t k = 0; k < sizeof(a) / sizeof(a[0]); k++) {
		bool bOk = parses(a[k].z, a[k].n);
		CHECK(!bOk);
		if (bOk)
			fprintf(stderr, "  case: %s\n", a[k].zWhy);
	}
}

/* The depth limit holds far past cJSON's own limit of 1000, without recursion trouble. */
static void test_refuses_deep_nesting_of_any_size(void)
{
	size_t nDepth = 100000, n = 0;
	char *z = malloc(2 * nDepth + 16);

	CHECK(z != NULL);
	if (z == NULL)
		return;
	z[n++] = '{';
	memcpy(z + n, "\"a\":", 4);
	n += 4;
	for (size_t k = 0; k < nDepth; k++)
		z[n++] = '[';
	for (size_t k = 0; k < nDepth; k++)
		z[n++] = ']';
	z[n++] = '}';
	CHECK(!parses(z, n));
	free(z);
}

/* Objects with many members take the sorting path of the duplicate check. */
static void test_finds_duplicates_among_many_keys(void)
{
	char z[2048];
	size_t n = 0;

	z[n++] = '{';
	for (int k = 0; k < 100; k++)
		n += (size_t)snprintf(z + n, sizeof(z) - n, "%s\"k%d\":%d", k ? "," : "", k, k);
	z[n++] = '}';
	CHECK(parses(z, n));
	n--;
	n += (size_t)snprintf(z + n, sizeof(z) - n, ",\"k57\":0}");
	CHECK(!parses(z, n));
}

static void test_reads_exactly_n_bytes_and_copies_strings(void)
{
	char z[] = "{\"a\":\"x\"}xyz";
	cJSON *root = vs_json_parse_object(z, 9);
	const cJSON *a;

	CHECK(root != NULL);
	memset(z, '#', sizeof(z) - 1);  /* the tree must not point into the input */
	a = cJSON_GetObjectItemCaseSensitive(root, "a");
	CHECK(cJSON_IsString(a));
	CHECK_STR(cJSON_GetStringValue(a), "x");
	cJSON_Delete(root);
	CHECK(vs_json_parse_object(NULL, 0) == NULL);
}

/*
 * \u0000 is valid JSON: vs_json_parse_object_nul() lets it through and names
 * the top-level member it is in (the API answers 422 for that field), while
 * everything that is not valid JSON is still refused.
 */
static void test_names_the_member_holding_a_nul(void)
{
	static const struct { const char *zName; const char *z; size_t n; const char *zField; } a[] = {
		{ "in a value",              S("{\"title\":\"a\\u0000b\"}"),                        "title" },
		{ "in the second member",    S("{\"title\":\"ok\",\"notes\":\"\\u0000\"}"),          "notes" },
		{ "the first of two",        S("{\"a\":1,\"b\":\"\\u0000\",\"c\":\"\\u0000\"}"),     "b" },
		{ "nested",                  S("{\"a\":1,\"r\":{\"x\":[\"\\u0000\"]}}"),              "r" },
		{ "in a key (cut there)",    S("{\"ti\\u0000tle\":1}"),                           "ti" },
		{ "cut values look alike",   S("{\"a\":\"x\\u0000y\",\"b\":2,\"c\":\"x\"}"),       "a" },
		{ "none",                    S("{\"title\":\"\\u0001\"}"),                          NULL },
	};
	for (size_t k = 0; k < sizeof(a) / sizeof(a[0]); k++) {
		const char *zField = "unset";
		cJSON *root = vs_json_parse_object_nul(a[k].z, a[k].n, &zField);
		int nFail = unit_nFail;

		CHECK(root != NULL);
		if (a[k].zField == NULL)
			CHECK(zField == NULL);
		else
			CHECK_STR(zField, a[k].zField);
		/* the strict parser still refuses all of these but the last */
		cJSON *strict = vs_json_parse_object(a[k].z, a[k].n);
		CHECK((strict != NULL) == (a[k].zField == NULL));
		cJSON_Delete(strict);
		cJSON_Delete(root);
		if (unit_nFail != nFail)
			fprintf(stderr, "  case %s\n", a[k].zName);
	}
	/* invalid JSON stays invalid, NUL or not */
	{
		const char *zField = "unset";
		CHECK(vs_json_parse_object_nul(S("{\"a\":\"\\u0000\"} x"), &zField) == NULL);
		CHECK(zField == NULL);
		CHECK(vs_json_parse_object_nul(S("{\"a\":\"x\0y\"}"), &zField) == NULL);
		/* a cut key may look like a duplicate: the NUL is what is named */
		cJSON *root = vs_json_parse_object_nul(S("{\"a\\u0000\":\"x\",\"a\":1}"), &zField);
		CHECK(root != NULL);
		CHECK_STR(zField, "a");
		cJSON_Delete(root);
	}
}

/* ------------------------------------------------------------------------ */

/* POST /api/video-sessions, as a handler would declare it. */
enum { F_USER_ID, F_TITLE, F_SESSION_DATE, F_DURATION, F_PASSWORD_ENABLED, F_NOTES, F__MAX };
static const struct vs_field aSessionField[F__MAX] = {
	[F_USER_ID]          = { "user_id", VS_F_INT, true, false, 1, INT64_MAX, 0 },
	[F_TITLE]            = { "title", VS_F_STRING, true, false, 1, 200, 0 },
	[F_SESSION_DATE]     = { "session_date", VS_F_TIME, true, false, 0, 0, 0 },
	[F_DURATION]         = { "duration_minutes", VS_F_INT, true, false, 30, 180, 15 },
	[F_PASSWORD_ENABLED] = { "password_enabled", VS_F_BOOL, false, false, 0, 0, 0 },
	[F_NOTES]            = { "notes", VS_F_STRING, false, true, 0, 10000, 0 },
};

#define BASE "\"user_id\":9,\"session_date\":\"2026-12-01T15:00:00Z\",\"duration_minutes\":45"

/* Parses z (which must parse) and validates it against aField. */
static enum vs_form_err validate(const char *z, const struct vs_field *aField, size_t nField,
				 struct vs_value *aValue, char *zField, size_t nField2,
				 char *zMsg, size_t nMsg)
{
	cJSON *root = vs_json_parse_object(z, strlen(z));
	const char *zAt = NULL;
	enum vs_form_err e;

	CHECK(root != NULL);
	if (root == NULL)
		return (enum vs_form_err)-1;
	e = vs_form_validate(root, aField, nField, aValue, &zAt, zMsg, nMsg);
	snprintf(zField, nField2, "%s", zAt != NULL ? zAt : "(none)");
	cJSON_Delete(root);
	return e;
}

static void test_validates_a_complete_create_request(void)
{
	struct vs_value a[F__MAX];
	char zField[80], zMsg[200];
	const char *z = "{\"user_id\":9,\"title\":\"Weekly check-in\","
			"\"session_date\":\"2026-12-01T16:00:00+01:00\",\"duration_minutes\":45.0,"
			"\"password_enabled\":false,\"notes\":null}";
	cJSON *root = vs_json_parse_object(z, strlen(z));
	const char *zAt = "x";

	CHECK(root != NULL);
	CHECK_INT(vs_form_validate(root, aSessionField, F__MAX, a, &zAt, zMsg, sizeof(zMsg)),
		  VS_FORM_OK);
	CHECK(zAt == NULL);
	CHECK_STR(zMsg, "");
	CHECK(a[F_USER_ID].bPresent && a[F_USER_ID].i == 9);
	CHECK(a[F_TITLE].bPresent && a[F_TITLE].n == 15);
	CHECK_STR(a[F_TITLE].z, "Weekly check-in");
	CHECK_INT(a[F_SESSION_DATE].i, INT64_C(1796137200) * 1000000);
	CHECK_STR(a[F_SESSION_DATE].z, "2026-12-01T16:00:00+01:00");
	CHECK_INT(a[F_DURATION].i, 45);
	CHECK(a[F_PASSWORD_ENABLED].bPresent && a[F_PASSWORD_ENABLED].i == 0);
	CHECK(a[F_NOTES].bPresent && a[F_NOTES].bNull);
	cJSON_Delete(root);

	CHECK_INT(validate("{" BASE ",\"title\":\"t\"}", aSessionField, F__MAX, a, zField,
			   sizeof(zField), zMsg, sizeof(zMsg)), VS_FORM_OK);
	CHECK(!a[F_PASSWORD_ENABLED].bPresent && !a[F_NOTES].bPresent);
}

static void test_reports_the_first_fault_with_a_sentence(void)
{
	static const struct {
		const char *zJson;
		enum vs_form_err e;
		const char *zField, *zMsg;
	} a[] = {
		{ "{" BASE ",\"title\":\"t\",\"foo\":1}", VS_FORM_UNKNOWN, "foo", "unknown field \"foo\"" },
		{ "{\"title\":5,\"Title\":\"t\"}", VS_FORM_UNKNOWN, "Title", "unknown field \"Title\"" },
		{ "{" BASE "}", VS_FORM_MISSING, "title", "title is required" },
		{ "{}", VS_FORM_MISSING, "user_id", "user_id is required" },
		{ "{" BASE ",\"title\":\"\"}", VS_FORM_RANGE, "title", "title must be 1 to 200 characters" },
		{ "{" BASE ",\"title\":5}", VS_FORM_TYPE, "title", "title must be a string" },
		{ "{" BASE ",\"title\":null}", VS_FORM_TYPE, "title", "title must be a string" },
		{ "{" BASE ",\"title\":\"a\\u0001b\"}", VS_FORM_FORMAT, "title",
		  "title must not contain control characters" },
		{ "{" BASE ",\"title\":\"a\\u007fb\"}", VS_FORM_FORMAT, "title",
		  "title must not contain control characters" },
		{ "{" BASE ",\"title\":\"a\\u0085b\"}", VS_FORM_FORMAT, "title",
		  "title must not contain control characters" },
		{ "{\"duration_minutes\":50,\"title\":\"\"}", VS_FORM_RANGE, "duration_minutes",
		  "duration_minutes must be a whole number from 30 to 180, in steps of 15" },
		{ "{\"title\":\"\",\"duration_minutes\":50}", VS_FORM_RANGE, "title",
		  "title must be 1 to 200 characters" },
		{ "{\"duration_minutes\":15}", VS_FORM_RANGE, "duration_minutes",
		  "duration_minutes must be a whole number from 30 to 180, in steps of 15" },
		{ "{\"duration_minutes\":195}", VS_FORM_RANGE, "duration_minutes", NULL },
		{ "{\"duration_minutes\":45.5}", VS_FORM_RANGE, "duration_minutes", NULL },
		{ "{\"duration_minutes\":1e400}", VS_FORM_RANGE, "duration_minutes", NULL },
		{ "{\"duration_minutes\":-1e400}", VS_FORM_RANGE, "duration_minutes", NULL },
		{ "{\"duration_minutes\":\"45\"}", VS_FORM_TYPE, "duration_minutes",
		  "duration_minutes must be a whole number from 30 to 180, in steps of 15" },
		{ "{\"duration_minutes\":null}", VS_FORM_TYPE, "duration_minutes", NULL },
		{ "{\"duration_minutes\":[45]}", VS_FORM_TYPE, "duration_minutes", NULL },
		{ "{\"user_id\":0}", VS_FORM_RANGE, "user_id", "user_id must be a whole number of at least 1" },
		{ "{\"user_id\":9007199254740992}", VS_FORM_RANGE, "user_id", NULL },
		{ "{\"user_id\":9007199254740993}", VS_FORM_RANGE, "user_id", NULL },
		{ "{\"user_id\":true}", VS_FORM_TYPE, "user_id", NULL },
		{ "{\"session_date\":\"2026-12-01T15:00:00\"}", VS_FORM_FORMAT, "session_date",
		  "session_date must be an RFC 3339 date-time such as 2026-12-01T15:00:00Z" },
		{ "{\"session_date\":\"2026-02-29T15:00:00Z\"}", VS_FORM_FORMAT, "session_date", NULL },
		{ "{\"session_date\":1796137200}", VS_FORM_TYPE, "session_date",
		  "session_date must be an RFC 3339 date-time such as 2026-12-01T15:00:00Z" },
		{ "{\"password_enabled\":\"true\"}", VS_FORM_TYPE, "password_enabled",
		  "password_enabled must be true or false" },
		{ "{\"password_enabled\":1}", VS_FORM_TYPE, "password_enabled", NULL },
		{ "{\"password_enabled\":null}", VS_FORM_TYPE, "password_enabled", NULL },
		{ "{\"notes\":7}", VS_FORM_TYPE, "notes", "notes must be a string, or null" },
	};

	for (size_t k = 0; k < sizeof(a) / sizeof(a[0]); k++) {
		struct vs_value aValue[F__MAX];
		char zField[80], zMsg[200];
		enum vs_form_err e = validate(a[k].zJson, aSessionField, F__MAX, aValue, zField,
					      sizeof(zField), zMsg, sizeof(zMsg));
		int nFail = unit_nFail;

		CHECK_INT(e, a[k].e);
		CHECK_STR(zField, a[k].zField);
		if (a[k].zMsg != NULL)
			CHECK_STR(zMsg, a[k].zMsg);
		else
			CHECK(zMsg[0] != '\0');
		if (unit_nFail != nFail)
			fprintf(stderr, "  case %s\n", a[k].zJson);
	}
}

/* Builds {"title":"<nChar copies of zChar>"} into a fresh buffer the caller frees. */
static char *title_of(const char *zChar, size_t nChar)
{
	size_t nOne = strlen(zChar), n = 0;
	char *z = malloc(nOne * nChar + 16);

	if (z == NULL)
		return NULL;
	memcpy(z, "{\"title\":\"", 10);
	n = 10;
	for (size_t k = 0; k < nChar; k++, n += nOne)
		memcpy(z + n, zChar, nOne);
	memcpy(z + n, "\"}", 3);
	return z;
}

static void test_counts_string_length_in_code_points(void)
{
	static const struct { const char *zChar; size_t nChar; enum vs_form_err e; } a[] = {
		{ "a", 200, VS_FORM_OK },
		{ "a", 201, VS_FORM_RANGE },
		{ "\xc3\xa9", 200, VS_FORM_OK },          /* é: 400 bytes, 200 characters */
		{ "\xc3\xa9", 201, VS_FORM_RANGE },
		{ "\xf0\x9f\x98\x80", 200, VS_FORM_OK },  /* 😀: 800 bytes, 200 characters */
		{ "\\u00e9", 200, VS_FORM_OK },           /* escapes count once decoded */
		{ "\\ud83d\\ude00", 201, VS_FORM_RANGE },
		{ "\\n\\t\\r", 66, VS_FORM_OK },          /* line breaks and tabs are allowed */
	};
	static const struct vs_field aTitle[1] = { { "title", VS_F_STRING, true, false, 1, 200, 0 } };

	for (size_t k = 0; k < sizeof(a) / sizeof(a[0]); k++) {
		char *z = title_of(a[k].zChar, a[k].nChar);
		struct vs_value v;
		char zField[80], zMsg[200];

		CHECK(z != NULL);
		if (z == NULL)
			continue;
		CHECK_INT(validate(z, aTitle, 1, &v, zField, sizeof(zField), zMsg, sizeof(zMsg)), a[k].e);
		free(z);
	}
}

static void test_judges_numbers_by_value(void)
{
	static const struct vs_field aWide[1] = { { "n", VS_F_INT, true, false, INT64_MIN, INT64_MAX, 0 } };
	static const struct vs_field aStep[1] = { { "n", VS_F_INT, true, false, -90, 90, 15 } };
	static const struct {
		const struct vs_field *aField;
		const char *zJson;
		enum vs_form_err e;
		int64_t i;
	} a[] = {
		{ aWide, "{\"n\":-0}", VS_FORM_OK, 0 },
		{ aWide, "{\"n\":0.0}", VS_FORM_OK, 0 },
		{ aWide, "{\"n\":1e2}", VS_FORM_OK, 100 },
		{ aWide, "{\"n\":2.5e1}", VS_FORM_OK, 25 },
		{ aWide, "{\"n\":2.5e0}", VS_FORM_RANGE, 0 },
		{ aWide, "{\"n\":1.5}", VS_FORM_RANGE, 0 },
		{ aWide, "{\"n\":-1.5}", VS_FORM_RANGE, 0 },
		{ aWide, "{\"n\":9007199254740991}", VS_FORM_OK, INT64_C(9007199254740991) },
		{ aWide, "{\"n\":-9007199254740991}", VS_FORM_OK, -INT64_C(9007199254740991) },
		{ aWide, "{\"n\":9007199254740992}", VS_FORM_RANGE, 0 },
		{ aWide, "{\"n\":-9007199254740992}", VS_FORM_RANGE, 0 },
		{ aWide, "{\"n\":1e300}", VS_FORM_RANGE, 0 },
		{ aWide, "{\"n\":1e400}", VS_FORM_RANGE, 0 },
		{ aWide, "{\"n\":-1e400}", VS_FORM_RANGE, 0 },
		{ aStep, "{\"n\":-45}", VS_FORM_OK, -45 },
		{ aStep, "{\"n\":-90}", VS_FORM_OK, -90 },
		{ aStep, "{\"n\":0}", VS_FORM_OK, 0 },
		{ aStep, "{\"n\":-40}", VS_FORM_RANGE, 0 },
		{ aStep, "{\"n\":105}", VS_FORM_RANGE, 0 },
	};

	for (size_t k = 0; k < sizeof(a) / sizeof(a[0]); k++) {
		struct vs_value v;
		char zField[80], zMsg[200];
		enum vs_form_err e = validate(a[k].zJson, a[k].aField, 1, &v, zField, sizeof(zField),
					      zMsg, sizeof(zMsg));
		CHECK_INT(e, a[k].e);
		if (e == VS_FORM_OK)
			CHECK_INT(v.i, a[k].i);
		if (e != a[k].e)
			fprintf(stderr, "  case %s\n", a[k].zJson);
	}
}

static void test_messages_describe_open_ranges(void)
{
	static const struct { struct vs_field f; const char *zJson, *zMsg; } a[] = {
		{ { "n", VS_F_INT, true, false, INT64_MIN, 10, 0 }, "{\"n\":11}",
		  "n must be a whole number of at most 10" },
		{ { "n", VS_F_INT, true, true, INT64_MIN, INT64_MAX, 0 }, "{\"n\":\"x\"}",
		  "n must be a whole number, or null" },
		{ { "s", VS_F_STRING, true, false, 0, 1, 0 }, "{\"s\":\"ab\"}",
		  "s must be at most 1 character" },
		{ { "s", VS_F_STRING, true, false, 3, INT64_MAX, 0 }, "{\"s\":\"ab\"}",
		  "s must be at least 3 characters" },
		{ { "s", VS_F_STRING, true, false, 6, 6, 0 }, "{\"s\":\"ab\"}",
		  "s must be exactly 6 characters" },
		{ { "t", VS_F_TIME, true, true, 0, 0, 0 }, "{\"t\":1}",
		  "t must be an RFC 3339 date-time such as 2026-12-01T15:00:00Z, or null" },
	};

	for (size_t k = 0; k < sizeof(a) / sizeof(a[0]); k++) {
		struct vs_value v;
		char zField[80], zMsg[200];

		validate(a[k].zJson, &a[k].f, 1, &v, zField, sizeof(zField), zMsg, sizeof(zMsg));
		CHECK_STR(zMsg, a[k].zMsg);
	}
}

/* True when z is well-formed UTF-8 (a small, independent check for the test). */
static bool is_utf8(const char *z)
{
	const unsigned char *a = (const unsigned char *)z;

	while (*a != 0) {
		size_t len = *a < 0x80 ? 1 : *a >= 0xF0 ? 4 : *a >= 0xE0 ? 3 : *a >= 0xC0 ? 2 : 0;
		if (len == 0)
			return false;
		for (size_t k = 1; k < len; k++)
			if ((a[k] & 0xC0) != 0x80)
				return false;
		a += len;
	}
	return true;
}

static void test_messages_stay_short_and_valid_utf8(void)
{
	static const struct vs_field aNone[1] = { { "x", VS_F_INT, false, false, 0, 1, 0 } };
	char zJson[600], zField[400], zMsg[200];
	struct vs_value v;
	size_t n = 0;

	/* a 100-character key of 2-byte characters: quoted only in part, with an ellipsis */
	n += (size_t)snprintf(zJson + n, sizeof(zJson) - n, "{\"");
	for (int k = 0; k < 100; k++)
		n += (size_t)snprintf(zJson + n, sizeof(zJson) - n, "\xc3\xa9");
	snprintf(zJson + n, sizeof(zJson) - n, "\":1}");
	CHECK_INT(validate(zJson, aNone, 1, &v, zField, sizeof(zField), zMsg, sizeof(zMsg)),
		  VS_FORM_UNKNOWN);
	CHECK_INT(strlen(zField), 200);  /* the field itself is the whole key */
	CHECK(strlen(zMsg) < 100);
	CHECK(strstr(zMsg, "\xe2\x80\xa6\"") != NULL);
	CHECK(is_utf8(zMsg));

	/* a buffer too small for the sentence: cut on a character boundary */
	for (size_t nMsg = 1; nMsg < 30; nMsg++) {
		char zSmall[30];
		memset(zSmall, 'Z', sizeof(zSmall));
		validate(zJson, aNone, 1, &v, zField, sizeof(zField), zSmall, nMsg);
		CHECK(strlen(zSmall) < nMsg);
		CHECK(is_utf8(zSmall));
	}
	/* no message buffer at all is fine */
	CHECK_INT(validate(zJson, aNone, 1, &v, zField, sizeof(zField), NULL, 0), VS_FORM_UNKNOWN);
}

static void test_refuses_trees_that_are_not_objects_or_have_duplicates(void)
{
	cJSON *root = cJSON_Parse("[1]");
	struct vs_value a[F__MAX];
	const char *zAt = NULL;
	char zMsg[200];

	CHECK_INT(vs_form_validate(root, aSessionField, F__MAX, a, &zAt, zMsg, sizeof(zMsg)),
		  VS_FORM_TYPE);
	CHECK_STR(zMsg, "the body must be a JSON object");
	cJSON_Delete(root);
	CHECK_INT(vs_form_validate(NULL, aSessionField, F__MAX, a, &zAt, zMsg, sizeof(zMsg)),
		  VS_FORM_TYPE);

	/* cJSON alone keeps both; the validator must not take either silently */
	root = cJSON_Parse("{\"title\":\"a\",\"title\":\"b\"}");
	CHECK(root != NULL);
	CHECK_INT(vs_form_validate(root, aSessionField, F__MAX, a, &zAt, zMsg, sizeof(zMsg)),
		  VS_FORM_UNKNOWN);
	CHECK_STR(zAt, "title");
	cJSON_Delete(root);

	/* nor strings with invalid UTF-8, which cJSON alone accepts */
	root = cJSON_Parse("{" BASE ",\"title\":\"\xff\"}");
	CHECK(root != NULL);
	CHECK_INT(vs_form_validate(root, aSessionField, F__MAX, a, &zAt, zMsg, sizeof(zMsg)),
		  VS_FORM_FORMAT);
	CHECK_STR(zMsg, "title must be valid UTF-8");
	cJSON_Delete(root);
}

int main(void)
{
	test_accepts_strict_json_objects();
	test_refuses_everything_else();
	test_refuses_deep_nesting_of_any_size();
	test_finds_duplicates_among_many_keys();
	test_reads_exactly_n_bytes_and_copies_strings();
	test_names_the_member_holding_a_nul();
	test_validates_a_complete_create_request();
	test_reports_the_first_fault_with_a_sentence();
	test_counts_string_length_in_code_points();
	test_judges_numbers_by_value();
	test_messages_describe_open_ranges();
	test_messages_stay_short_and_valid_utf8();
	test_refuses_trees_that_are_not_objects_or_have_duplicates();
	return unit_summary("test_jsonin");
}
