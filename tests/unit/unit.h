/*
 * unit.h — the smallest test harness that does the job.
 *
 * Each test program includes this, calls CHECK()/CHECK_STR() in functions
 * named after the behaviour they prove, and returns unit_summary() from main.
 * A failed check prints file:line and the expression and the run goes on,
 * so one run shows every failure. The closing line is "N passed, N failed".
 */
#ifndef VSESSION_UNIT_H
#define VSESSION_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_nPass, unit_nFail;

#define CHECK(cond) do { \
	if (cond) { unit_nPass++; } \
	else { unit_nFail++; fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

#define CHECK_STR(got, want) do { \
	const char *unit_g = (got), *unit_w = (want); \
	if (unit_g != NULL && unit_w != NULL && strcmp(unit_g, unit_w) == 0) { unit_nPass++; } \
	else { unit_nFail++; fprintf(stderr, "%s:%d: got \"%s\", want \"%s\"\n", __FILE__, __LINE__, \
		unit_g ? unit_g : "(null)", unit_w ? unit_w : "(null)"); } \
} while (0)

#define CHECK_INT(got, want) do { \
	long long unit_g = (long long)(got), unit_w = (long long)(want); \
	if (unit_g == unit_w) { unit_nPass++; } \
	else { unit_nFail++; fprintf(stderr, "%s:%d: %s = %lld, want %lld\n", __FILE__, __LINE__, #got, unit_g, unit_w); } \
} while (0)

static inline int unit_summary(const char *zName)
{
	printf("%s: %d passed, %d failed\n", zName, unit_nPass, unit_nFail);
	return unit_nFail == 0 ? 0 : 1;
}

#endif
