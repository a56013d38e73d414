/*
 * timeutil.c — RFC 3339 parsing and UTC formatting on int64 microseconds.
 *
 * Civil-date conversion uses Howard Hinnant's days_from_civil algorithm, so
 * no call depends on the process time zone (timegm/gmtime are not needed).
 */
#include <stdio.h>
#include <time.h>

#include "vsession/timeutil.h"

/* 9999-12-31T23:59:59Z in seconds since the epoch. */
#define LAST_SECOND_9999 INT64_C(253402300799)

/* Days since 1970-01-01 of the proleptic Gregorian date y-m-d (m 1..12, d 1..31). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* The inverse of days_from_civil(): the date of day z since 1970-01-01. */
static void civil_from_days(int64_t z, int64_t *pY, unsigned *pM, unsigned *pD)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*pD = doy - (153 * mp + 2) / 5 + 1;
	*pM = mp < 10 ? mp + 3 : mp - 9;
	*pY = (int64_t)yoe + era * 400 + (*pM <= 2);
}

/* Gregorian leap years: every fourth, but not centuries unless divisible by 400. */
static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* The length of month m (1..12) in year y. */
static unsigned days_in_month(int64_t y, unsigned m)
{
	static const unsigned a[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && is_leap(y) ? 29 : a[m - 1];
}

/* Reads exactly nDigit decimal digits at z[*pI]; false if any is not a digit. */
static bool digits(const char *z, size_t n, size_t *pI, unsigned nDigit, unsigned *pV)
{
	unsigned v = 0;

	if (*pI + nDigit > n)
		return false;
	for (unsigned k = 0; k < nDigit; k++) {
		char c = z[*pI + k];
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (unsigned)(c - '0');
	}
	*pI += nDigit;
	*pV = v;
	return true;
}

/* Consumes the character c at z[*pI]; false (nothing consumed) if it is not there. */
static bool expect(const char *z, size_t n, size_t *pI, char c)
{
	if (*pI >= n || z[*pI] != c)
		return false;
	(*pI)++;
	return true;
}

/*
 * Reads the fields in order, then checks the calendar (month lengths, leap
 * years, no 24:00, no leap second) and the range of the instant. *pUs is
 * written only on success.
 */
bool vs_time_parse_rfc3339(const char *z, size_t n, int64_t *pUs)
{
	size_t i = 0;
	/* zeroed: gcc -O2 cannot see that digits() sets them before use */
	unsigned yr = 0, mo = 0, dy = 0, hh = 0, mi = 0, ss = 0, oh = 0, om = 0;
	int64_t frac = 0, sign = 0, us;

	if (z == NULL)
		return false;
	if (!digits(z, n, &i, 4, &yr) || !expect(z, n, &i, '-') ||
	    !digits(z, n, &i, 2, &mo) || !expect(z, n, &i, '-') ||
	    !digits(z, n, &i, 2, &dy))
		return false;
	if (i >= n || (z[i] != 'T' && z[i] != 't' && z[i] != ' '))
		return false;
	i++;
	if (!digits(z, n, &i, 2, &hh) || !expect(z, n, &i, ':') ||
	    !digits(z, n, &i, 2, &mi) || !expect(z, n, &i, ':') ||
	    !digits(z, n, &i, 2, &ss))
		return false;
	if (i < n && z[i] == '.') {
		/* RFC 3339 allows any number of digits; past the sixth they are dropped */
		size_t nFrac = 0;
		i++;
		while (i < n && z[i] >= '0' && z[i] <= '9') {
			if (nFrac < 6)
				frac = frac * 10 + (z[i] - '0');
			nFrac++;
			i++;
		}
		if (nFrac == 0)
			return false;
		for (size_t k = nFrac; k < 6; k++)
			frac *= 10;
	}
	if (i >= n)
		return false;
	if (z[i] == 'Z' || z[i] == 'z') {
		i++;
	} else if (z[i] == '+' || z[i] == '-') {
		sign = z[i] == '-' ? -1 : 1;
		i++;
		if (!digits(z, n, &i, 2, &oh) || !expect(z, n, &i, ':') ||
		    !digits(z, n, &i, 2, &om))
			return false;
		if (oh > 23 || om > 59)
			return false;
	} else {
		return false;
	}
	if (i != n)
		return false;
	if (yr < 1970 || mo < 1 || mo > 12 || dy < 1 || dy > days_in_month(yr, mo) ||
	    hh > 23 || mi > 59 || ss > 59)
		return false;
	us = days_from_civil(yr, mo, dy) * 86400 + (int64_t)hh * 3600 + (int64_t)mi * 60 + ss;
	us -= sign * ((int64_t)oh * 3600 + (int64_t)om * 60);
	/* The instant itself must lie in 1970..9999 UTC, so that every parsed
	 * time formats back to four-digit years ("9999-12-31T23:00:00-05:00" is
	 * in the year 10000 UTC). */
	if (us < 0 || us > LAST_SECOND_9999)
		return false;
	*pUs = us * VS_US_PER_SEC + frac;
	return true;
}

/*
 * Floor division keeps times before the epoch correct (never produced by
 * the parser, but the function is total). a is always NUL-terminated.
 */
/* Writes v as exactly nDigit decimal digits (v < 10^nDigit) at a + *pi. */
static void put_digits(char *a, size_t *pi, uint64_t v, unsigned nDigit)
{
	for (unsigned k = nDigit; k > 0; k--) {
		a[*pi + k - 1] = (char)('0' + v % 10);
		v /= 10;
	}
	*pi += nDigit;
}

size_t vs_time_format_utc(int64_t us, char a[VS_TIME_FORMAT_MAX])
{
	int64_t secs = us >= 0 ? us / VS_US_PER_SEC : (us - VS_US_PER_SEC + 1) / VS_US_PER_SEC;
	int64_t frac = us - secs * VS_US_PER_SEC;
	int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
	int64_t rem = secs - days * 86400, y;
	unsigned m, d;
	int n;

	civil_from_days(days, &y, &m, &d);
	if (y >= 0 && y <= 9999) {
		/* The common case, written digit by digit: the same text as the
		 * formats below, without snprintf's cost on every timestamp of a
		 * list page. */
		unsigned h = (unsigned)(rem / 3600), mi = (unsigned)(rem / 60 % 60), se = (unsigned)(rem % 60);
		size_t i = 0;
		put_digits(a, &i, (uint64_t)y, 4);
		a[i++] = '-';
		put_digits(a, &i, m, 2);
		a[i++] = '-';
		put_digits(a, &i, d, 2);
		a[i++] = 'T';
		put_digits(a, &i, h, 2);
		a[i++] = ':';
		put_digits(a, &i, mi, 2);
		a[i++] = ':';
		put_digits(a, &i, se, 2);
		if (frac != 0) {
			a[i++] = '.';
			put_digits(a, &i, (uint64_t)frac, 6);
		}
		a[i++] = 'Z';
		a[i] = '\0';
		return i;
	}
	if (frac != 0)
		n = snprintf(a, VS_TIME_FORMAT_MAX, "%04lld-%02u-%02uT%02u:%02u:%02u.%06lldZ",
			     (long long)y, m, d, (unsigned)(rem / 3600), (unsigned)(rem / 60 % 60),
			     (unsigned)(rem % 60), (long long)frac);
	else
		n = snprintf(a, VS_TIME_FORMAT_MAX, "%04lld-%02u-%02uT%02u:%02u:%02uZ",
			     (long long)y, m, d, (unsigned)(rem / 3600), (unsigned)(rem / 60 % 60),
			     (unsigned)(rem % 60));
	return n < 0 ? 0 : (size_t)n;
}

/* CLOCK_REALTIME, so it agrees with PostgreSQL's now() on the same host. */
int64_t vs_time_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * VS_US_PER_SEC + ts.tv_nsec / 1000;
}
