/*
 * test_timeutil.c — RFC 3339 parsing and UTC formatting (lib/timeutil.c).
 *
 * Proves: every offset form lands on the same instant; fractions are kept to
 * the microsecond and truncated beyond; calendar rules (leap years, month
 * lengths, 24:00, leap seconds) are enforced; anything that is not exactly a
 * date-time with an offset is refused; formatting is UTC with 'Z' and
 * round-trips; and arithmetic across daylight-saving changes is plain
 * arithmetic on absolute time, whatever the wall clock did.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "vsession/timeutil.h"
#include "unit.h"

#define SEC(s) ((int64_t)(s) * VS_US_PER_SEC)
#define T_2026_12_01_15Z SEC(1796137200)  /* 2026-12-01T15:00:00Z */

/* Parses a C string; returns the time, or INT64_MIN when it is refused. */
static int64_t parse(const char *z)
{
	int64_t us;

	return vs_time_parse_rfc3339(z, strlen(z), &us) ? us : INT64_MIN;
}

static void test_accepts_every_offset_form_of_the_same_instant(void)
{
	static const struct { const char *z; int64_t us; } a[] = {
		{ "1970-01-01T00:00:00Z",          0 },
		{ "1970-01-01T01:00:00+01:00",     0 },
		{ "2026-12-01T15:00:00Z",          T_2026_12_01_15Z },
		{ "2026-12-01T16:00:00+01:00",     T_2026_12_01_15Z },
		{ "2026-12-01T10:00:00-05:00",     T_2026_12_01_15Z },
		{ "2026-12-01T20:30:00+05:30",     T_2026_12_01_15Z },
		{ "2026-12-01T05:30:00-09:30",     T_2026_12_01_15Z },
		{ "2026-12-02T05:00:00+14:00",     T_2026_12_01_15Z },
		{ "2026-12-01T15:00:00+00:00",     T_2026_12_01_15Z },
		{ "2026-12-01T15:00:00-00:00",     T_2026_12_01_15Z },
		{ "2026-12-01t15:00:00z",          T_2026_12_01_15Z },
		{ "2026-12-01 15:00:00Z",          T_2026_12_01_15Z },
		{ "2024-02-29T12:00:00Z",          SEC(1709208000) },
		{ "2000-02-29T00:00:00Z",          SEC(951782400) },
		{ "9999-12-31T23:59:59Z",          SEC(INT64_C(253402300799)) },
		{ "9999-12-31T23:59:59+01:00",     SEC(INT64_C(253402297199)) },
	};

	for (size_t k = 0; k < sizeof(a) / sizeof(a[0]); k++) {
		int64_t got = parse(a[k].z);
		CHECK_INT(got, a[k].us);
		if (got != a[k].us)
			fprintf(stderr, "  case \"%s\"\n", a[k].z);
	}
}

static void test_keeps_fractions_to_the_microsecond_and_truncates_beyond(void)
{
	static const struct { const char *z; int64_t us; } a[] = {
		{ "2026-12-01T15:00:00.5Z",               T_2026_12_01_15Z + 500000 },
		{ "2026-12-01T15:00:00.05Z",              T_2026_12_01_15Z + 50000 },
		{ "2026-12-01T15:00:00.123456Z",          T_2026_12_01_15Z + 123456 },
		{ "2026-12-01T15:00:00.1234569Z",         T_2026_12_01_15Z + 123456 },
		{ "2026-12-01T15:00:00.999999999Z",       T_2026_12_01_15Z + 999999 },
		{ "2026-12-01T15:00:00.000000000001Z",    T_2026_12_01_15Z },
		{ "2026-12-01T16:00:00.25+01:00",         T_2026_12_01_15Z + 250000 },
	};

	for (size_t k = 0; k < sizeof(a) / sizeof(a[0]); k++) {
		int64_t got = parse(a[k].z);
		CHECK_INT(got, a[k].us);
		if (got != a[k].us)
			fprintf(stderr, "  case \"%s\"\n", a[k].z);
	}
}

static void test_refuses_what_is_not_an_rfc3339_date_time(void)
{
	static const char *const az[] = {
		"2026-02-29T12:00:00Z",        /* 2026 is not a leap year */
		"2100-02-29T12:00:00Z",        /* nor is a century not divisible by 400 */
		"2026-04-31T12:00:00Z",        /* April has 30 days */
		"2026-13-01T12:00:00Z",
		"2026-00-01T12:00:00Z",
		"2026-01-00T12:00:00Z",
		"2026-01-32T12:00:00Z",
		"2026-12-01T24:00:00Z",        /* 24:00 is not a time of day here */
		"2026-12-01T23:60:00Z",
		"2026-12-31T23:59:60Z",        /* leap seconds are refused */
		"2026-12-01T15:00:00",         /* no offset: a local time, ambiguous */
		"2026-12-01T15:00Z",           /* seconds are required */
		"2026-12-01",
		"2026-12-01T15:00:00.Z",       /* a point needs digits */
		"2026-12-01T15:00:00+01",
		"2026-12-01T15:00:00+0100",
		"2026-12-01T15:00:00+1:00",
		"2026-12-01T15:00:00+24:00",
		"2026-12-01T15:00:00+01:60",
		"2026-12-01T15:00:00ZZ",
		"2026-12-01T15:00:00Z ",
		" 2026-12-01T15:00:00Z",
		"2026-12-01X15:00:00Z",
		"2026-12-01T15:00:00 UTC",
		"26-12-01T15:00:00Z",
		"+2026-12-01T15:00:00Z",
		"2026-1-01T15:00:00Z",
		"2026/12/01T15:00:00Z",
		"1969-12-31T23:59:59Z",        /* before the epoch */
		"1970-01-01T00:30:00+01:00",   /* before the epoch once the offset is applied */
		"9999-12-31T23:00:00-05:00",   /* after 9999 once the offset is applied */
		"",
		"Z",
	};

	for (size_t k = 0; k < sizeof(az) / sizeof(az[0]); k++) {
		int64_t got = parse(az[k]);
		CHECK_INT(got, INT64_MIN);
		if (got != INT64_MIN)
			fprintf(stderr, "  case \"%s\"\n", az[k]);
	}
}

static void test_reads_exactly_n_bytes(void)
{
	static const char z[] = "2026-12-01T15:00:00Zgarbage";
	static const char zNul[] = "2026-12-01T15:00:00\0Z";
	int64_t us = 0;

	CHECK(vs_time_parse_rfc3339(z, 20, &us));
	CHECK_INT(us, T_2026_12_01_15Z);
	CHECK(!vs_time_parse_rfc3339(z, 19, &us));
	CHECK(!vs_time_parse_rfc3339(z, sizeof(z) - 1, &us));
	CHECK(!vs_time_parse_rfc3339(zNul, sizeof(zNul) - 1, &us));
	CHECK(!vs_time_parse_rfc3339(NULL, 0, &us));
}

static void test_formats_utc_with_z_and_round_trips(void)
{
	static const struct { int64_t us; const char *z; } a[] = {
		{ 0,                                 "1970-01-01T00:00:00Z" },
		{ T_2026_12_01_15Z,                  "2026-12-01T15:00:00Z" },
		{ T_2026_12_01_15Z + 500000,         "2026-12-01T15:00:00.500000Z" },
		{ T_2026_12_01_15Z + 1,              "2026-12-01T15:00:00.000001Z" },
		{ SEC(1709208000),                   "2024-02-29T12:00:00Z" },
		{ INT64_C(253402300799999999),       "9999-12-31T23:59:59.999999Z" },
	};

	for (size_t k = 0; k < sizeof(a) / sizeof(a[0]); k++) {
		char zOut[VS_TIME_FORMAT_MAX];
		size_t n = vs_time_format_utc(a[k].us, zOut);
		CHECK_STR(zOut, a[k].z);
		CHECK_INT(n, strlen(a[k].z));
		CHECK_INT(parse(zOut), a[k].us);
	}
}

/*
 * The digit writer gives the same text as the printf formats it replaced:
 * every second boundary of a day, fractions at both ends, and a spread of
 * instants from 0001 to 9999; before 0001 (negative years) the printf path
 * still answers.
 */
static void test_format_matches_printf_everywhere(void)
{
	uint64_t x = 0x9E3779B97F4A7C15u;
	int nBad = 0;

	for (int k = 0; k < 200000; k++) {
		char zOut[VS_TIME_FORMAT_MAX], zWant[64];
		int64_t us, secs, days, rem, frac;
		int64_t z, era, yoe, doy, mp, y;
		unsigned doe, m, d;

		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		if (k < 86400)
			us = T_2026_12_01_15Z + (int64_t)k * VS_US_PER_SEC + (k % 3 == 0 ? 0 : k % 3 == 1 ? 1 : 999999);
		else
			us = (int64_t)(x % UINT64_C(315537897600000000)) - INT64_C(62135596800000000);
		/* The reference: days to civil date (H. Hinnant), then printf. */
		secs = us >= 0 ? us / VS_US_PER_SEC : (us - VS_US_PER_SEC + 1) / VS_US_PER_SEC;
		frac = us - secs * VS_US_PER_SEC;
		days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
		rem = secs - days * 86400;
		z = days + 719468;
		era = (z >= 0 ? z : z - 146096) / 146097;
		doe = (unsigned)(z - era * 146097);
		yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
		y = yoe + era * 400;
		doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
		mp = (5 * doy + 2) / 153;
		d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
		m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
		y += m <= 2;
		if (frac != 0)
			snprintf(zWant, sizeof(zWant), "%04lld-%02u-%02uT%02u:%02u:%02u.%06lldZ", (long long)y, m, d,
				 (unsigned)(rem / 3600), (unsigned)(rem / 60 % 60), (unsigned)(rem % 60), (long long)frac);
		else
			snprintf(zWant, sizeof(zWant), "%04lld-%02u-%02uT%02u:%02u:%02uZ", (long long)y, m, d,
				 (unsigned)(rem / 3600), (unsigned)(rem / 60 % 60), (unsigned)(rem % 60));
		if (vs_time_format_utc(us, zOut) != strlen(zWant) || strcmp(zOut, zWant) != 0) {
			if (nBad++ < 5)
				fprintf(stderr, "  %lld: got %s, want %s\n", (long long)us, zOut, zWant);
		}
	}
	CHECK_INT(nBad, 0);
	{
		char zOut[VS_TIME_FORMAT_MAX];
		vs_time_format_utc(INT64_C(-62135596800000000) - VS_US_PER_SEC, zOut);
		CHECK_STR(zOut, "0000-12-31T23:59:59Z");
		vs_time_format_utc(INT64_C(-62167219200000000) - 1, zOut);
		CHECK_STR(zOut, "-001-12-31T23:59:59.999999Z");
	}
}

/*
 * Sessions are stored and compared as absolute instants, so a session's end
 * is its start plus its length, even when the clocks change in between.
 * Each case: a start given with the offset in force at the time, a length,
 * and the end written twice: in UTC and with the offset in force then.
 */
static void test_time_arithmetic_across_dst_changes_is_absolute(void)
{
	static const struct {
		const char *zWhat, *zStart;
		int nMinute;
		const char *zEndUtc, *zEndLocal;
	} a[] = {
		{ "Berlin, clocks jump 02:00 CET -> 03:00 CEST",
		  "2026-03-29T01:30:00+01:00", 50, "2026-03-29T01:20:00Z", "2026-03-29T03:20:00+02:00" },
		{ "Berlin, clocks fall back 03:00 CEST -> 02:00 CET",
		  "2026-10-25T02:30:00+02:00", 60, "2026-10-25T01:30:00Z", "2026-10-25T02:30:00+01:00" },
		{ "New York, clocks jump 02:00 EST -> 03:00 EDT",
		  "2026-03-08T01:45:00-05:00", 30, "2026-03-08T07:15:00Z", "2026-03-08T03:15:00-04:00" },
		{ "New York, clocks fall back 02:00 EDT -> 01:00 EST",
		  "2026-11-01T01:30:00-04:00", 45, "2026-11-01T06:15:00Z", "2026-11-01T01:15:00-05:00" },
		{ "Berlin, a normal day before the jump",
		  "2026-03-28T01:30:00+01:00", 50, "2026-03-28T01:20:00Z", "2026-03-28T02:20:00+01:00" },
	};

	for (size_t k = 0; k < sizeof(a) / sizeof(a[0]); k++) {
		int64_t start = parse(a[k].zStart);
		int64_t end = start + a[k].nMinute * VS_US_PER_MIN;
		char zOut[VS_TIME_FORMAT_MAX];

		CHECK(start != INT64_MIN);
		CHECK_INT(end, parse(a[k].zEndUtc));
		CHECK_INT(end, parse(a[k].zEndLocal));
		vs_time_format_utc(end, zOut);
		CHECK_STR(zOut, a[k].zEndUtc);
		if (end != parse(a[k].zEndUtc))
			fprintf(stderr, "  case %s\n", a[k].zWhat);
	}

	/* The wall clock says two hours passed, the world says one. */
	CHECK_INT(parse("2026-03-29T03:00:00+02:00") - parse("2026-03-29T01:00:00+01:00"),
		  60 * VS_US_PER_MIN);
	/* The same wall-clock time, twice, an hour apart. */
	CHECK_INT(parse("2026-11-01T01:30:00-05:00") - parse("2026-11-01T01:30:00-04:00"),
		  60 * VS_US_PER_MIN);
	CHECK_INT(parse("2026-10-25T02:30:00+01:00") - parse("2026-10-25T02:30:00+02:00"),
		  60 * VS_US_PER_MIN);
}

static void test_now_is_after_2024(void)
{
	CHECK(vs_time_now_us() > SEC(1704067200));
}

int main(void)
{
	test_accepts_every_offset_form_of_the_same_instant();
	test_keeps_fractions_to_the_microsecond_and_truncates_beyond();
	test_refuses_what_is_not_an_rfc3339_date_time();
	test_reads_exactly_n_bytes();
	test_formats_utc_with_z_and_round_trips();
	test_format_matches_printf_everywhere();
	test_time_arithmetic_across_dst_changes_is_absolute();
	test_now_is_after_2024();
	return unit_summary("test_timeutil");
}
