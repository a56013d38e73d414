/*
 * fuzz_recurrence.c — libFuzzer harness for vs_recurrence_parse(), the
 * "recurrence" rule of a series create.
 *
 * The input is parsed as the strict JSON the API accepts; the whole object
 * and, when present, its "recurrence" member are given to the parser.
 * Properties checked (abort() on a violation): an accepted rule is weekly
 * every 1 or 2 weeks with either a count of 2..52 or a calendar date
 * "YYYY-MM-DD" as until, never both; a refusal names a field under
 * "recurrence" and says why in a NUL-terminated sentence.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vsession/jsonin.h"
#include "vsession/series.h"

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData);

static void check(const cJSON *p)
{
	struct vs_recurrence r;
	const char *zField = NULL;
	char zMsg[256];

	memset(zMsg, 'x', sizeof(zMsg));
	if (vs_recurrence_parse(p, &r, &zField, zMsg, sizeof(zMsg))) {
		if (r.nInterval != 1 && r.nInterval != 2)
			abort();
		if (r.nCount != 0 && (r.nCount < VS_SERIES_COUNT_MIN || r.nCount > VS_SERIES_COUNT_MAX || r.zUntil[0] != '\0'))
			abort();
		if (r.nCount == 0 && (strlen(r.zUntil) != 10 || r.zUntil[4] != '-' || r.zUntil[7] != '-' ||
				      r.zUntil[5] > '1' || r.zUntil[8] > '3'))
			abort();
		return;
	}
	if (zField == NULL || strncmp(zField, "recurrence", 10) != 0)
		abort();
	if (memchr(zMsg, '\0', sizeof(zMsg)) == NULL || zMsg[0] == '\0')
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData)
{
	cJSON *root = vs_json_parse_object((const char *)aData, nData);

	if (root == NULL)
		return 0;
	check(root);
	check(cJSON_GetObjectItemCaseSensitive(root, "recurrence"));
	cJSON_Delete(root);
	return 0;
}
