/*
 * test_router.c — the route table: path parameters, methods, unknown routes,
 * and the JSON error writer.
 */
#include <string.h>

#include "http.h"
#include "router.h"
#include "unit.h"

struct route_case {
	const char *zMethod, *zPath;
	enum vs_match eWant;
	int iRoute;          /* expected route for OK and METHOD */
	int64_t aId[2];
};

static void router_matches_paths_methods_and_ids(void)
{
	static const struct route_case a[] = {
		{ "GET", "/api/health", VS_MATCH_OK, ROUTE_HEALTH, { 0, 0 } },
		{ "HEAD", "/api/health", VS_MATCH_OK, ROUTE_HEALTH, { 0, 0 } },
		{ "POST", "/api/health", VS_MATCH_METHOD, ROUTE_HEALTH, { 0, 0 } },
		{ "POST", "/api/auth/login", VS_MATCH_OK, ROUTE_LOGIN, { 0, 0 } },
		{ "GET", "/api/auth/login", VS_MATCH_METHOD, ROUTE_LOGIN, { 0, 0 } },
		{ "GET", "/api/video-sessions/42", VS_MATCH_OK, ROUTE_SESSION, { 42, 0 } },
		{ "PUT", "/api/video-sessions/9223372036854775807", VS_MATCH_OK, ROUTE_SESSION, { INT64_MAX, 0 } },
		{ "GET", "/api/video-sessions/9223372036854775808", VS_MATCH_NOT_FOUND, -1, { 0, 0 } },
		{ "GET", "/api/video-sessions/99999999999999999999", VS_MATCH_NOT_FOUND, -1, { 0, 0 } },
		{ "GET", "/api/video-sessions/0", VS_MATCH_NOT_FOUND, -1, { 0, 0 } },
		{ "GET", "/api/video-sessions/007", VS_MATCH_NOT_FOUND, -1, { 0, 0 } },
		{ "GET", "/api/video-sessions/-1", VS_MATCH_NOT_FOUND, -1, { 0, 0 } },
		{ "GET", "/api/video-sessions/+1", VS_MATCH_NOT_FOUND, -1, { 0, 0 } },
		{ "GET", "/api/video-sessions/1a", VS_MATCH_NOT_FOUND, -1, { 0, 0 } },
		{ "GET", "/api/video-sessions/", VS_MATCH_NOT_FOUND, -1, { 0, 0 } },
		{ "GET", "/api/video-sessions/42/", VS_MATCH_NOT_FOUND, -1, { 0, 0 } },
		{ "GET", "/api/video-sessions//42", VS_MATCH_NOT_FOUND, -1, { 0, 0 } },
		{ "GET", "/api/video-sessions/%34%32", VS_MATCH_NOT_FOUND, -1, { 0, 0 } },
		{ "PATCH", "/api/video-sessions/42", VS_MATCH_METHOD, ROUTE_SESSION, { 42, 0 } },
		{ "POST", "/api/video-sessions", VS_MATCH_OK, ROUTE_SESSIONS, { 0, 0 } },
		{ "POST", "/api/video-sessions/7/join", VS_MATCH_OK, ROUTE_SESSION_JOIN, { 7, 0 } },
		{ "GET", "/api/video-sessions/7/calendar.ics", VS_MATCH_OK, ROUTE_SESSION_ICS, { 7, 0 } },
		{ "GET", "/api/video-sessions/7/calendar.icsx", VS_MATCH_NOT_FOUND, -1, { 0, 0 } },
		{ "GET", "/api/partners/3/video-sessions", VS_MATCH_OK, ROUTE_PARTNER_SESSIONS, { 3, 0 } },
		{ "GET", "/api/users/9/video-sessions", VS_MATCH_OK, ROUTE_USER_SESSIONS, { 9, 0 } },
		{ "POST", "/api/partners/3/appointments", VS_MATCH_OK, ROUTE_PARTNER_APPOINTMENTS, { 3, 0 } },
		{ "DELETE", "/api/appointments/5", VS_MATCH_OK, ROUTE_APPOINTMENT, { 5, 0 } },
		{ "GET", "/api/partners/3/calendar", VS_MATCH_OK, ROUTE_CALENDAR, { 3, 0 } },
		{ "POST", "/api/join/12", VS_MATCH_OK, ROUTE_GUEST_JOIN, { 12, 0 } },
		{ "GET", "/api", VS_MATCH_NOT_FOUND, -1, { 0, 0 } },
		{ "GET", "/api/", VS_MATCH_NOT_FOUND, -1, { 0, 0 } },
		{ "GET", "", VS_MATCH_NOT_FOUND, -1, { 0, 0 } },
		{ "GET", "/API/health", VS_MATCH_NOT_FOUND, -1, { 0, 0 } },
		{ "GET", "/api/health/../health", VS_MATCH_NOT_FOUND, -1, { 0, 0 } },
		{ "BREW", "/api/health", VS_MATCH_METHOD, ROUTE_HEALTH, { 0, 0 } },
	};

	for (size_t i = 0; i < sizeof(a) / sizeof(a[0]); i++) {
		int iRoute = -1;
		const struct vs_route_method *m = NULL;
		int64_t aId[2] = { 0, 0 };
		enum vs_match e = vs_route_match(vs_method_parse(a[i].zMethod), a[i].zPath, strlen(a[i].zPath),
						 &iRoute, &m, aId);
		CHECK_INT(e, a[i].eWant);
		if (a[i].eWant != VS_MATCH_NOT_FOUND)
			CHECK_INT(iRoute, a[i].iRoute);
		if (a[i].eWant == VS_MATCH_OK) {
			CHECK(m != NULL && m->xHandler != NULL);
			CHECK_INT(aId[0], a[i].aId[0]);
			CHECK_INT(aId[1], a[i].aId[1]);
		}
	}
}

static void path_is_matched_by_length_not_by_nul(void)
{
	int iRoute;
	const struct vs_route_method *m;
	int64_t aId[2];
	/* the query string is cut off by length: "/api/health?x" with n = 11 */
	CHECK_INT(vs_route_match(VS_GET, "/api/health?x=1", 11, &iRoute, &m, aId), VS_MATCH_OK);
	CHECK_INT(vs_route_match(VS_GET, "/api/health", 10, &iRoute, &m, aId), VS_MATCH_NOT_FOUND);
}

static void allow_lists_every_method_of_a_route(void)
{
	char a[64];
	vs_route_allow(ROUTE_SESSION, a, sizeof(a));
	CHECK_STR(a, "GET, PUT, DELETE");
	vs_route_allow(ROUTE_LOGIN, a, sizeof(a));
	CHECK_STR(a, "POST");
	vs_route_allow(ROUTE_PARTNER_APPOINTMENTS, a, sizeof(a));
	CHECK_STR(a, "GET, POST");
}

static void every_route_has_a_pattern_name_and_handlers(void)
{
	for (int i = 0; i < ROUTE__MAX; i++) {
		const struct vs_route_def *r = &vs_aRoute[i];
#ifndef VSESSION_TESTING
		if (i == ROUTE_TEST_SLEEP) {
			CHECK(r->zPattern == NULL);  /* production builds have no test route */
			continue;
		}
#endif
		CHECK(r->zPattern != NULL && strncmp(r->zPattern, "/api/", 5) == 0);
		CHECK(r->zName != NULL && r->zName[0] != '\0');
		CHECK(r->nMethod >= 1 && r->nMethod <= 4);
		for (size_t m = 0; m < r->nMethod; m++)
			CHECK(r->aMethod[m].xHandler != NULL);
	}
}

static void methods_parse_exactly(void)
{
	CHECK_INT(vs_method_parse("GET"), VS_GET);
	CHECK_INT(vs_method_parse("get"), VS_METHOD__MAX);
	CHECK_INT(vs_method_parse("GETX"), VS_METHOD__MAX);
	CHECK_INT(vs_method_parse(NULL), VS_METHOD__MAX);
	CHECK_STR(vs_method_name(VS_DELETE), "DELETE");
}

static void error_writer_makes_the_envelope(void)
{
	struct vs_response res = { 200, NULL, VS_BUF_INIT, VS_BUF_INIT };

	vs_http_error(&res, 422, "validation_failed", "title must be 1 to 200 characters", "title");
	CHECK_INT(res.iStatus, 422);
	CHECK_STR(vs_buf_str(&res.body),
		  "{\"error\":{\"code\":\"validation_failed\",\"message\":\"title must be 1 to 200 characters\",\"field\":\"title\"}}");
	vs_http_error(&res, 404, "not_found", "No \"such\" thing\n", NULL);
	CHECK_STR(vs_buf_str(&res.body),
		  "{\"error\":{\"code\":\"not_found\",\"message\":\"No \\\"such\\\" thing\\n\"}}");
	vs_http_error_from(&res, VS_ERR_UNAVAILABLE);
	CHECK_INT(res.iStatus, 503);
	CHECK(strstr(vs_buf_str(&res.body), "\"code\":\"unavailable\"") != NULL);
	CHECK(strstr(vs_buf_str(&res.headers), "Retry-After: 2\r\n") != NULL);
	vs_http_error_from(&res, VS_ERR_INTERNAL);
	CHECK_INT(res.iStatus, 500);
	CHECK_STR(vs_buf_str(&res.body), "{\"error\":{\"code\":\"internal\",\"message\":\"Something went wrong on our side.\"}}");
	vs_http_error_from(&res, VS_ERR_NOMEM);
	CHECK_INT(res.iStatus, 500);
	vs_buf_free(&res.body);
	vs_buf_free(&res.headers);
}

static void headers_refuse_line_breaks(void)
{
	struct vs_response res = { 200, NULL, VS_BUF_INIT, VS_BUF_INIT };
	vs_http_header(&res, "X-Test", "ok");
	vs_http_header(&res, "X-Evil", "a\r\nSet-Cookie: x=1");
	CHECK_STR(vs_buf_str(&res.headers), "X-Test: ok\r\n");
	vs_buf_free(&res.headers);
}

static void reasons_cover_every_status_we_send(void)
{
	static const int a[] = { 200, 201, 204, 400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503, 504 };
	for (size_t i = 0; i < sizeof(a) / sizeof(a[0]); i++)
		CHECK(strcmp(vs_http_reason(a[i]), "Unknown") != 0);
}

int main(void)
{
	router_matches_paths_methods_and_ids();
	path_is_matched_by_length_not_by_nul();
	allow_lists_every_method_of_a_route();
	every_route_has_a_pattern_name_and_handlers();
	methods_parse_exactly();
	error_writer_makes_the_envelope();
	headers_refuse_line_breaks();
	reasons_cover_every_status_we_send();
	return unit_summary("test_router");
}
