/*
 * fuzz_json.c — libFuzzer harness for vs_json_parse_object() and vs_form_validate().
 *
 * Properties checked (abort() on a violation, so libFuzzer reports it):
 * - a parsed tree is an object, and printing it with cJSON and parsing the
 *   print again succeeds (our strict reader accepts what a JSON writer writes);
 * - validation against the create-session field table returns a known
 *   value, a NUL-terminated message of valid UTF-8 that fits the buffer,
 *   a field name on failure, and on success values that obey the table.
 * ASan/UBSan (and LSan, for the tree and the copies) catch the rest.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vsession/jsonin.h"

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData);

enum { F_USER_ID, F_TITLE, F_SESSION_DATE, F_DURATION, F_PASSWORD_ENABLED, F_NOTES, F__MAX };
static const struct vs_field aField[F__MAX] = {
	[F_USER_ID]          = { "user_id", VS_F_INT, true, false, 1, INT64_MAX, 0 },
	[F_TITLE]            = { "title", VS_F_STRING, true, false, 1, 200, 0 },
	[F_SESSION_DATE]     = { "session_date", VS_F_TIME, true, true, 0, 0, 0 },
	[F_DURATION]         = { "duration_minutes", VS_F_INT, true, false, 30, 180, 15 },
	[F_PASSWORD_ENABLED] = { "password_enabled", VS_F_BOOL, false, false, 0, 0, 0 },
	[F_NOTES]            = { "notes", VS_F_STRING, false, true, 0, 10000, 0 },
};

/* True when z is well-formed UTF-8 (lead/continuation structure only; the messages are ours). */
static bool utf8_shape_ok(const char *z)
{
	const unsigned char *a = (const unsigned char *)z;

	while (*a != 0) {
		size_t len = *a < 0x80 ? 1 : *a >= 0xF8 ? 0 : *a >= 0xF0 ? 4 : *a >= 0xE0 ? 3 : *a >= 0xC2 ? 2 : 0;
		if (len == 0)
			return false;
		for (size_t k = 1; k < len; k++)
			if ((a[k] & 0xC0) != 0x80)
				return false;
		a += len;
	}
	return true;
}

/* Validates root with a message buffer of nMsg bytes and checks every promise. */
static void check_validate(const cJSON *root, size_t nMsg)
{
	struct vs_value aValue[F__MAX];
	char zMsg[256];
	const char *zField = NULL;
	enum vs_form_err e;

	memset(zMsg, 'X', sizeof(zMsg));
	e = vs_form_validate(root, aField, F__MAX, aValue, &zField, zMsg, nMsg);
	if (nMsg > 0 && (memchr(zMsg, '\0', nMsg) == NULL || !utf8_shape_ok(zMsg)))
		abort();
	if (nMsg < sizeof(zMsg) && zMsg[nMsg] != 'X')
		abort();  /* wrote past the buffer it was given */
	switch (e) {
	case VS_FORM_OK:
		if (zField != NULL)
			abort();
		for (size_t k = 0; k < F__MAX; k++)
			if (aField[k].bRequired && !aValue[k].bPresent)
				abort();
		if (aValue[F_USER_ID].i < 1)
			abort();
		if (aValue[F_DURATION].i < 30 || aValue[F_DURATION].i > 180 ||
		    aValue[F_DURATION].i % 15 != 0)
			abort();
		if (aValue[F_TITLE].z == NULL || aValue[F_TITLE].n == 0 ||
		    strlen(aValue[F_TITLE].z) != aValue[F_TITLE].n)
			abort();
		if (!aValue[F_SESSION_DATE].bNull && aValue[F_SESSION_DATE].i < 0)
			abort();
		break;
	case VS_FORM_UNKNOWN:
	case VS_FORM_MISSING:
	case VS_FORM_TYPE:
	case VS_FORM_RANGE:
	case VS_FORM_FORMAT:
		if (zField == NULL || (nMsg > 1 && zMsg[0] == '\0'))
			abort();
		break;
	default:
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData)
{
	cJSON *root = vs_json_parse_object((const char *)aData, nData);
	char *zPrint;

	if (root == NULL)
		return 0;
	if (!cJSON_IsObject(root))
		abort();
	zPrint = cJSON_PrintUnformatted(root);
	if (zPrint != NULL) {
		cJSON *again = vs_json_parse_object(zPrint, strlen(zPrint));
		if (again == NULL)
			abort();
		cJSON_Delete(again);
		cJSON_free(zPrint);
	}
	check_validate(root, 256);
	check_validate(root, nData % 40);  /* small buffers: cut on character boundaries */
	cJSON_Delete(root);
	return 0;
}
