/*
 * fuzz_time.c — libFuzzer harness for vs_time_parse_rfc3339() and vs_time_format_utc().
 *
 * Property checked (abort() on a violation): whatever parses lies in
 * 1970..9999 UTC, formats to a "YYYY-MM-DDTHH:MM:SS[.ffffff]Z" string that
 * fits VS_TIME_FORMAT_MAX, and that string parses back to the same instant
 * and formats to the same text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vsession/timeutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData);

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData)
{
	int64_t us, again;
	char zOut[VS_TIME_FORMAT_MAX], zOut2[VS_TIME_FORMAT_MAX];
	size_t n, n2;

	if (!vs_time_parse_rfc3339((const char *)aData, nData, &us))
		return 0;
	if (us < 0 || us > INT64_C(253402300799999999))
		abort();
	n = vs_time_format_utc(us, zOut);
	if ((n != 20 && n != 27) || n != strlen(zOut) || zOut[n - 1] != 'Z')
		abort();
	if (!vs_time_parse_rfc3339(zOut, n, &again) || again != us)
		abort();
	n2 = vs_time_format_utc(again, zOut2);
	if (n2 != n || memcmp(zOut, zOut2, n) != 0)
		abort();
	return 0;
}
