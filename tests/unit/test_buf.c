/*
 * test_buf.c — the byte buffer's sticky failure flag.
 *
 * Proves: a failed append sets bFailed and keeps the contents as they were;
 * every later append fails too, so a writer that ignores results can never
 * produce a body with a piece missing in the middle; a reset clears the flag
 * and the buffer works again. In test builds, the allocation-failure hook
 * makes the Nth reservation fail, as the API tests use it mid-answer.
 */
#include <stdint.h>
#include <string.h>

#include "vsession/buf.h"
#include "vsession/json.h"
#include "unit.h"

static void a_failed_append_is_sticky(void)
{
	struct vs_buf b = VS_BUF_INIT;

	CHECK_INT(vs_buf_puts(&b, "{\"a\":1"), VS_OK);
	CHECK(!b.bFailed);
	/* more than can ever be allocated: refused before any allocation */
	CHECK_INT(vs_buf_reserve(&b, SIZE_MAX), VS_ERR_NOMEM);
	CHECK(b.bFailed);
	CHECK_STR(vs_buf_str(&b), "{\"a\":1");
	/* a small append after the failure fails as well: no hole in the middle */
	CHECK_INT(vs_buf_puts(&b, ",\"b\":2}"), VS_ERR_NOMEM);
	CHECK_INT(vs_json_i64(&b, 7), VS_ERR_NOMEM);
	CHECK_INT(vs_buf_printf(&b, "%d", 3), VS_ERR_NOMEM);
	CHECK_STR(vs_buf_str(&b), "{\"a\":1");
	CHECK(b.bFailed);
	vs_buf_reset(&b);
	CHECK(!b.bFailed);
	CHECK_INT(vs_buf_puts(&b, "ok"), VS_OK);
	CHECK_STR(vs_buf_str(&b), "ok");
	vs_buf_free(&b);
	CHECK(!b.bFailed);
}

static void free_clears_the_flag(void)
{
	struct vs_buf b = VS_BUF_INIT;

	CHECK_INT(vs_buf_append(&b, "x", SIZE_MAX), VS_ERR_NOMEM);
	CHECK(b.bFailed);
	vs_buf_free(&b);
	CHECK(!b.bFailed);
	CHECK_INT(vs_buf_putc(&b, 'y'), VS_OK);
	CHECK_STR(vs_buf_str(&b), "y");
	vs_buf_free(&b);
}

#ifdef VSESSION_TESTING
static void the_test_hook_fails_the_nth_append(void)
{
	struct vs_buf b = VS_BUF_INIT;

	vs_buf_test_fail_after(3);
	CHECK_INT(vs_buf_puts(&b, "a"), VS_OK);
	CHECK_INT(vs_buf_puts(&b, "b"), VS_OK);
	CHECK_INT(vs_buf_puts(&b, "c"), VS_OK);
	CHECK_INT(vs_json_str(&b, "d"), VS_ERR_NOMEM);
	CHECK(b.bFailed);
	CHECK_STR(vs_buf_str(&b), "abc");
	vs_buf_test_fail_after(-1);
	CHECK_INT(vs_buf_puts(&b, "e"), VS_ERR_NOMEM);
	vs_buf_reset(&b);
	CHECK_INT(vs_buf_puts(&b, "e"), VS_OK);
	CHECK_STR(vs_buf_str(&b), "e");
	vs_buf_free(&b);
}
#endif

int main(void)
{
	a_failed_append_is_sticky();
	free_clears_the_flag();
#ifdef VSESSION_TESTING
	the_test_hook_fails_the_nth_append();
#endif
	return unit_summary("test_buf");
}
