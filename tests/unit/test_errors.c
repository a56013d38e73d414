/*
 * test_errors.c — the table of HTTP answers to library errors (errors.c).
 *
 * Proves: every value of enum vs_err has a row; every status is a 4xx or a
 * 5xx; every code is one openapi.yaml documents (its ErrorCode enum) and
 * goes with the status the contract gives it; a value out of range is
 * answered as an internal error; and the error writer adds the outcome's
 * field, message, conflict details and Retry-After itself, where the row
 * allows them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "http.h"
#include "unit.h"

#ifndef VSESSION_OPENAPI
#error "VSESSION_OPENAPI names app/api/openapi.yaml (CMakeLists.txt)"
#endif

/* The status the contract gives each code (openapi.yaml, ErrorCode's description). */
static const struct { const char *zCode; int iStatus; } aContract[] = {
	{ "invalid_json", 400 }, { "unauthenticated", 401 }, { "forbidden", 403 },
	{ "wrong_password", 403 }, { "not_found", 404 }, { "conflict", 409 },
	{ "invalid_state", 409 }, { "validation_failed", 422 }, { "too_many_attempts", 429 },
	{ "internal", 500 }, { "unavailable", 503 },
};

/* True when openapi.yaml's ErrorCode enum lists zCode. */
static bool documented(const char *zYaml, const char *zCode)
{
	const char *zEnum = strstr(zYaml, "    ErrorCode:");
	const char *zEnd = zEnum != NULL ? strstr(zEnum + 1, "\n    Error:") : NULL;
	char zItem[64];

	if (zEnum == NULL || zEnd == NULL)
		return false;
	snprintf(zItem, sizeof(zItem), "\n        - %s\n", zCode);
	const char *z = strstr(zEnum, zItem);
	return z != NULL && z < zEnd;
}

static char *read_file(const char *zPath)
{
	FILE *f = fopen(zPath, "rb");
	char *z = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (z = malloc((size_t)n + 1)) != NULL) {
		if (fread(z, 1, (size_t)n, f) == (size_t)n)
			z[n] = '\0';
		else {
			free(z);
			z = NULL;
		}
	}
	fclose(f);
	return z;
}

static void every_error_has_a_documented_row(void)
{
	char *zYaml = read_file(VSESSION_OPENAPI);

	CHECK(zYaml != NULL);
	for (int e = 0; e < VS_ERR__MAX; e++) {
		const struct vs_err_answer *a = &vs_aErrAnswer[e];
		bool bKnown = false;

		CHECK(a->zCode != NULL && a->zMessage != NULL && a->zMessage[0] != '\0');
		if (a->zCode == NULL)
			continue;
		CHECK(a->iStatus >= 400 && a->iStatus <= 599);
		CHECK(zYaml != NULL && documented(zYaml, a->zCode));
		for (size_t i = 0; i < sizeof(aContract) / sizeof(aContract[0]); i++)
			if (!strcmp(aContract[i].zCode, a->zCode)) {
				bKnown = true;
				CHECK_INT(a->iStatus, aContract[i].iStatus);
			}
		CHECK(bKnown);
		if (e == VS_OK || a->iStatus >= 500)
			CHECK(!a->bOutcome);   /* a 5xx never shows what the library said */
	}
	free(zYaml);
}

static void the_rows_name_the_contracts_answers(void)
{
	CHECK_STR(vs_err_answer(VS_ERR_NOT_FOUND)->zCode, "not_found");
	CHECK_STR(vs_err_answer(VS_ERR_FORBIDDEN)->zCode, "forbidden");
	CHECK_STR(vs_err_answer(VS_ERR_CONFLICT)->zCode, "conflict");
	CHECK_STR(vs_err_answer(VS_ERR_INVALID_STATE)->zCode, "invalid_state");
	CHECK_STR(vs_err_answer(VS_ERR_RATE_LIMITED)->zCode, "too_many_attempts");
	CHECK_STR(vs_err_answer(VS_ERR_UNAVAILABLE)->zRetryAfter, "2");
	CHECK_INT(vs_err_answer((enum vs_err)VS_ERR__MAX)->iStatus, 500);
	CHECK_INT(vs_err_answer((enum vs_err)-1)->iStatus, 500);
}

static void the_writer_adds_field_details_and_retry_after(void)
{
	struct vs_response res;
	struct vs_outcome o;

	memset(&res, 0, sizeof(res));
	memset(&o, 0, sizeof(o));
	vs_outcome_set(&o, "title", "title must not be blank.");
	vs_http_error_answer(&res, VS_ERR_INVALID, &o);
	CHECK_INT(res.iStatus, 422);
	CHECK_STR(vs_buf_str(&res.body), "{\"error\":{\"code\":\"validation_failed\","
		  "\"message\":\"title must not be blank.\",\"field\":\"title\"}}");

	memset(&o, 0, sizeof(o));
	o.bConflict = true;
	snprintf(o.zConflictKind, sizeof(o.zConflictKind), "appointment");
	o.iConflictId = 7;
	o.iConflictStartUs = INT64_C(1796133600000000);
	o.iConflictEndUs = INT64_C(1796135400000000);
	snprintf(o.zConflictTitle, sizeof(o.zConflictTitle), "Supervision");
	vs_http_error_answer(&res, VS_ERR_CONFLICT, &o);
	CHECK_INT(res.iStatus, 409);
	CHECK_STR(vs_buf_str(&res.body), "{\"error\":{\"code\":\"conflict\","
		  "\"message\":\"The partner is already booked at that time.\","
		  "\"details\":{\"conflicting\":{\"kind\":\"appointment\",\"id\":7,"
		  "\"start\":\"2026-12-01T14:00:00Z\",\"end\":\"2026-12-01T14:30:00Z\","
		  "\"title\":\"Supervision\",\"user\":null}}}}");
	/* a booking with a client names them too */
	o.iConflictUserId = 9;
	snprintf(o.zConflictUser, sizeof(o.zConflictUser), "Sam");
	vs_http_error_answer(&res, VS_ERR_CONFLICT, &o);
	CHECK(strstr(vs_buf_str(&res.body), "\"user\":{\"id\":9,\"name\":\"Sam\"}}}}}") != NULL);

	/* a wrong session password says how many tries are left */
	memset(&o, 0, sizeof(o));
	o.bRemaining = true;
	o.iRemaining = 2;
	vs_http_error_answer(&res, VS_ERR_WRONG_PASSWORD, &o);
	CHECK_INT(res.iStatus, 403);
	CHECK_STR(vs_buf_str(&res.body), "{\"error\":{\"code\":\"wrong_password\","
		  "\"message\":\"The password is not right.\",\"details\":{\"remaining\":2}}}");

	vs_buf_reset(&res.headers);
	memset(&o, 0, sizeof(o));
	o.iRetryAfter = 42;
	vs_http_error_answer(&res, VS_ERR_RATE_LIMITED, &o);
	CHECK_INT(res.iStatus, 429);
	CHECK_STR(vs_buf_str(&res.headers), "Retry-After: 42\r\n");

	/* a 404 shows no message of the library's: it might tell what exists */
	vs_buf_reset(&res.headers);
	memset(&o, 0, sizeof(o));
	vs_outcome_set(&o, "secret", "Session 9 belongs to someone else.");
	vs_http_error_answer(&res, VS_ERR_NOT_FOUND, &o);
	CHECK_INT(res.iStatus, 404);
	CHECK_STR(vs_buf_str(&res.body), "{\"error\":{\"code\":\"not_found\",\"message\":\"There is no such resource.\"}}");

	vs_http_error_from(&res, VS_ERR_UNAVAILABLE);
	CHECK_INT(res.iStatus, 503);
	CHECK_STR(vs_buf_str(&res.headers), "Retry-After: 2\r\n");
	vs_buf_free(&res.body);
	vs_buf_free(&res.headers);
}

int main(void)
{
	every_error_has_a_documented_row();
	the_rows_name_the_contracts_answers();
	the_writer_adds_field_details_and_retry_after();
	return unit_summary("test_errors");
}
