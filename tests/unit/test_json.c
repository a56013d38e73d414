/*
 * test_json.c — the streaming JSON writer and the byte buffer.
 */
#include <string.h>

#include "vsession/buf.h"
#include "vsession/json.h"
#include "unit.h"

static void strings_are_escaped(void)
{
	static const struct { const char *zIn, *zOut; } a[] = {
		{ "plain", "\"plain\"" },
		{ "q\"b\\s", "\"q\\\"b\\\\s\"" },
		{ "\n\r\t", "\"\\n\\r\\t\"" },
		{ "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"" },
		{ "caf\xc3\xa9 \xe2\x9c\x93", "\"caf\xc3\xa9 \xe2\x9c\x93\"" },
		{ "a\xe2\x80\xa8" "b\xe2\x80\xa9", "\"a\\u2028b\\u2029\"" },
		{ "</script>", "\"</script>\"" },
		{ "", "\"\"" },
	};
	for (size_t i = 0; i < sizeof(a) / sizeof(a[0]); i++) {
		struct vs_buf b = VS_BUF_INIT;
		CHECK_INT(vs_json_str(&b, a[i].zIn), VS_OK);
		CHECK_STR(vs_buf_str(&b), a[i].zOut);
		vs_buf_free(&b);
	}
}

static void values_and_keys(void)
{
	struct vs_buf b = VS_BUF_INIT;
	vs_buf_putc(&b, '{');
	vs_json_key(&b, "a", true);
	vs_json_i64(&b, INT64_MIN);
	vs_json_key(&b, "b", false);
	vs_json_bool(&b, true);
	vs_json_key(&b, "c", false);
	vs_json_null(&b);
	vs_json_key(&b, "d", false);
	vs_json_str(&b, NULL);
	vs_json_key(&b, "t", false);
	vs_json_time(&b, INT64_C(1764601200) * 1000000);
	vs_json_key(&b, "u", false);
	vs_json_time(&b, INT64_C(1764601200) * 1000000 + 5);
	vs_buf_putc(&b, '}');
	CHECK_STR(vs_buf_str(&b), "{\"a\":-9223372036854775808,\"b\":true,\"c\":null,\"d\":null,"
		  "\"t\":\"2025-12-01T15:00:00Z\",\"u\":\"2025-12-01T15:00:00.000005Z\"}");
	vs_buf_free(&b);
}

static void buffers_grow_reset_and_free(void)
{
	struct vs_buf b = VS_BUF_INIT;
	CHECK_STR(vs_buf_str(&b), "");
	for (int i = 0; i < 10000; i++)
		vs_buf_putc(&b, 'x');
	CHECK_INT(b.nLen, 10000);
	CHECK(b.zData[10000] == '\0');
	vs_buf_reset(&b);
	CHECK_INT(b.nLen, 0);
	CHECK(b.nCap >= 10001);
	vs_buf_printf(&b, "%s-%d", "n", 42);
	CHECK_STR(vs_buf_str(&b), "n-42");
	vs_buf_free(&b);
	CHECK(b.zData == NULL && b.nLen == 0);
	vs_buf_free(&b); /* twice is fine */
	CHECK_INT(vs_buf_reserve(&b, SIZE_MAX), VS_ERR_NOMEM);
}

int main(void)
{
	strings_are_escaped();
	values_and_keys();
	buffers_grow_reset_and_free();
	return unit_summary("test_json");
}
