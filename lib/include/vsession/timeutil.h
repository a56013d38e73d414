/*
 * timeutil.h — RFC 3339 times as microseconds since the Unix epoch (UTC).
 *
 * Every time inside vsession is an int64_t count of microseconds since
 * 1970-01-01T00:00:00Z, the same resolution PostgreSQL's timestamptz keeps.
 */
#ifndef VSESSION_TIMEUTIL_H
#define VSESSION_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define VS_TIME_FORMAT_MAX 40
#define VS_US_PER_SEC   INT64_C(1000000)
#define VS_US_PER_MIN   (INT64_C(60) * VS_US_PER_SEC)

/*
 * Parses an RFC 3339 date-time (section 5.6: "YYYY-MM-DDTHH:MM:SS[.frac](Z|+hh:mm|-hh:mm)";
 * 't'/'z' in lower case and a space instead of 'T' are accepted as RFC 3339 allows)
 * of exactly n bytes. Years 1970..9999; fractions beyond microseconds are
 * truncated; a leap second (:60) is refused. Returns true and sets *pUs on success.
 */
bool vs_time_parse_rfc3339(const char *z, size_t n, int64_t *pUs);

/*
 * Writes us as "YYYY-MM-DDTHH:MM:SSZ", or with ".ffffff" before the Z when
 * the time has a fraction, into a (at least VS_TIME_FORMAT_MAX bytes),
 * NUL-terminated. Returns the length written.
 */
size_t vs_time_format_utc(int64_t us, char a[VS_TIME_FORMAT_MAX]);

/* The current wall-clock time in microseconds. */
int64_t vs_time_now_us(void);

#endif
