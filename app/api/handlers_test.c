/*
 * handlers_test.c — a route that exists only in VSESSION_TESTING builds:
 * GET /api/test/sleep?seconds=N holds a worker in the database for N
 * seconds (to test request timeouts and graceful stops), and ?fail=1
 * answers a 500 (to test what a server error looks like from outside).
 * Production builds have neither the route nor this code.
 */
#include <stdlib.h>
#include <string.h>

#include "handlers.h"

#ifdef VSESSION_TESTING
static struct vs_stmt stSleep = VS_STMT("test_sleep", 1, false, "SELECT pg_sleep($1::float8)");

void vs_h_test_sleep(struct vs_ctx *ctx)
{
	static const char *const azAllowed[] = { "seconds", "fail", NULL };
	struct vs_query q;
	const char *z;
	PGresult *r;
	enum vs_err rc;

	if (!vs_h_query(ctx, azAllowed, &q))
		return;
	if ((z = vs_query_get(&q, "fail")) != NULL && z[0] == '1') {
		vs_query_free(&q);
		vs_http_error_from(ctx->res, VS_ERR_INTERNAL);
		return;
	}
	z = vs_query_get(&q, "seconds");
	{
		const char *az[1] = { z != NULL ? z : "0" };
		char *zEnd = NULL;
		double v = z != NULL ? strtod(z, &zEnd) : 0;
		/* a plain decimal number of seconds: no exponents, signs, infinities */
		if (z != NULL && (strspn(z, "0123456789.") != strlen(z) || *zEnd != '\0'))
			v = -1;
		if (!(v >= 0 && v <= 600)) {
			vs_query_free(&q);
			vs_h_invalid(ctx, "seconds", "seconds must be 0 to 600");
			return;
		}
		rc = vs_db_exec(ctx->db, &stSleep, az, &r);
	}
	vs_query_free(&q);
	if (rc != VS_OK) {
		vs_http_error_from(ctx->res, rc);
		return;
	}
	PQclear(r);
	vs_buf_puts(&ctx->res->body, "{\"slept\":true}");
}
#endif
