/*
 * test_ics.c — the RFC 5545 writer (lib/ics.c).
 *
 * Proves: the calendar has every property the API promises, in UTC; TEXT
 * values are escaped and URIs are not; lines end in CRLF and are folded at
 * 75 octets without splitting a UTF-8 character or an escape, and unfold to
 * the original; bad input is refused and leaves the buffer as it was.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vsession/ics.h"
#include "unit.h"

#define SEC(s) ((int64_t)(s) * INT64_C(1000000))

/* A session on 2026-12-01 15:00-15:50 UTC, as the API would pass it. */
static struct vs_ics_event sample_event(void)
{
	struct vs_ics_event ev = {
		.zUid = "video-session-42@example.org",
		.iSequence = 3,
		.iStampUs = SEC(1796137200) - SEC(3600),     /* 14:00 */
		.iStartUs = SEC(1796137200),                 /* 15:00 */
		.iEndUs = SEC(1796137200) + SEC(50 * 60),    /* 15:50 */
		.iCreatedUs = SEC(1796137200) - SEC(86400) + 123456,
		.iModifiedUs = SEC(1796137200) - SEC(7200),
		.zSummary = "Weekly check-in",
		.zUrl = "https://vsession.example.org/join/42",
		.zDescription = NULL,
		.bCancelled = false,
	};
	return ev;
}

/* Writes ev into a fresh buffer; returns the text (caller frees) or NULL on failure. */
static char *write_event(const struct vs_ics_event *ev)
{
	struct vs_buf b = VS_BUF_INIT;
	char *z;

	if (vs_ics_write(&b, ev) != VS_OK) {
		vs_buf_free(&b);
		return NULL;
	}
	z = strdup(vs_buf_str(&b));
	vs_buf_free(&b);
	return z;
}

/* True when every line ends in CRLF, has no other CR or LF and is at most 75 octets. */
static bool lines_are_well_formed(const char *z)
{
	while (*z != '\0') {
		const char *zEnd = strstr(z, "\r\n");
		if (zEnd == NULL || zEnd - z > 75)
			return false;
		for (const char *p = z; p < zEnd; p++)
			if (*p == '\r' || *p == '\n')
				return false;
		z = zEnd + 2;
	}
	return true;
}

/* True when no line (continuation lines included) starts or ends inside a UTF-8 sequence. */
static bool folds_keep_utf8_whole(const char *z)
{
	for (const char *p = z; *p != '\0'; p++) {
		if (p[0] == '\r' && p[1] == '\n' && p[2] == ' ' && ((unsigned char)p[3] & 0xC0) == 0x80)
			return false;
		if (p[0] == '\r' && p > z && ((unsigned char)p[-1] & 0xC0) == 0xC0)
			return false;  /* a lead byte right before a line end */
	}
	return true;
}

/* Removes every fold (CRLF followed by one space) in place. */
static void unfold(char *z)
{
	char *o = z;

	for (const char *p = z; *p != '\0';) {
		if (p[0] == '\r' && p[1] == '\n' && p[2] == ' ') {
			p += 3;
			continue;
		}
		*o++ = *p++;
	}
	*o = '\0';
}

/* The unfolded line that starts with zPrefix (e.g. "SUMMARY:"), without CRLF; "" when absent. */
static const char *find_line(const char *zIcs, const char *zPrefix, char *zOut, size_t nOut)
{
	char *zCopy = strdup(zIcs);
	const char *p;

	zOut[0] = '\0';
	if (zCopy == NULL)
		return zOut;
	unfold(zCopy);
	for (p = zCopy; p != NULL && *p != '\0';) {
		const char *zEnd = strstr(p, "\r\n");
		size_t n = zEnd != NULL ? (size_t)(zEnd - p) : strlen(p);
		if (strncmp(p, zPrefix, strlen(zPrefix)) == 0) {
			snprintf(zOut, nOut, "%.*s", (int)n, p);
			break;
		}
		p = zEnd != NULL ? zEnd + 2 : NULL;
	}
	free(zCopy);
	return zOut;
}

static void test_writes_the_whole_calendar(void)
{
	struct vs_ics_event ev = sample_event();
	char *z = write_event(&ev);

	CHECK_STR(z,
		  "BEGIN:VCALENDAR\r\n"
		  "VERSION:2.0\r\n"
		  "PRODID:-//vsession//vsession//EN\r\n"
		  "CALSCALE:GREGORIAN\r\n"
		  "METHOD:PUBLISH\r\n"
		  "BEGIN:VEVENT\r\n"
		  "UID:video-session-42@example.org\r\n"
		  "SEQUENCE:3\r\n"
		  "DTSTAMP:20261201T140000Z\r\n"
		  "DTSTART:20261201T150000Z\r\n"
		  "DTEND:20261201T155000Z\r\n"
		  "CREATED:20261130T150000Z\r\n"
		  "LAST-MODIFIED:20261201T130000Z\r\n"
		  "SUMMARY:Weekly check-in\r\n"
		  "URL:https://vsession.example.org/join/42\r\n"
		  "STATUS:CONFIRMED\r\n"
		  "END:VEVENT\r\n"
		  "END:VCALENDAR\r\n");
	free(z);
}

static void test_cancelled_sessions_and_descriptions(void)
{
	struct vs_ics_event ev = sample_event();
	char zLine[200], *z;

	ev.bCancelled = true;
	ev.zDescription = "Join from the app, ten minutes early.";
	ev.iSequence = 0;
	z = write_event(&ev);
	CHECK(z != NULL);
	if (z == NULL)
		return;
	CHECK_STR(find_line(z, "STATUS:", zLine, sizeof(zLine)), "STATUS:CANCELLED");
	CHECK_STR(find_line(z, "SEQUENCE:", zLine, sizeof(zLine)), "SEQUENCE:0");
	CHECK_STR(find_line(z, "DESCRIPTION:", zLine, sizeof(zLine)),
		  "DESCRIPTION:Join from the app\\, ten minutes early.");
	CHECK(strstr(z, "STATUS:CONFIRMED") == NULL);
	free(z);
}

static void test_escapes_text_values(void)
{
	static const struct { const char *zIn, *zLine; } a[] = {
		{ "a,b;c\\d",                       "SUMMARY:a\\,b\\;c\\\\d" },
		{ "one\r\ntwo\nthree\rfour",        "SUMMARY:one\\ntwo\\nthree\\nfour" },
		{ "\r\n\r\n",                       "SUMMARY:\\n\\n" },
		{ "tab\there",                      "SUMMARY:tab\there" },
		{ "bell\x07 del\x7f",               "SUMMARY:bell  del " },
		{ "caf\xc3\xa9 \xf0\x9f\x98\x80",   "SUMMARY:caf\xc3\xa9 \xf0\x9f\x98\x80" },
		{ "\"quoted\": yes",                "SUMMARY:\"quoted\": yes" },
		{ "",                               "SUMMARY:" },
	};

	for (size_t k = 0; k < sizeof(a) / sizeof(a[0]); k++) {
		struct vs_ics_event ev = sample_event();
		char zLine[200], *z;

		ev.zSummary = a[k].zIn;
		z = write_event(&ev);
		CHECK(z != NULL);
		if (z == NULL)
			continue;
		CHECK_STR(find_line(z, "SUMMARY:", zLine, sizeof(zLine)), a[k].zLine);
		CHECK(lines_are_well_formed(z));
		free(z);
	}
}

static void test_uid_is_text_and_url_is_not(void)
{
	struct vs_ics_event ev = sample_event();
	char zLine[200], *z;

	ev.zUid = "a,b;c@example.org";
	ev.zUrl = "https://example.org/join/42?a=1,2;b=\\";
	z = write_event(&ev);
	CHECK(z != NULL);
	if (z == NULL)
		return;
	CHECK_STR(find_line(z, "UID:", zLine, sizeof(zLine)), "UID:a\\,b\\;c@example.org");
	CHECK_STR(find_line(z, "URL:", zLine, sizeof(zLine)), "URL:https://example.org/join/42?a=1,2;b=\\");
	free(z);
}

/*
 * Folding: each case repeats a unit after "SUMMARY:" (8 octets) and says how
 * many octets the first physical line must have.
 */
static void test_folds_long_lines_at_75_octets(void)
{
	static const struct { const char *zUnit; size_t nRepeat; size_t nFirst; const char *zWhy; } a[] = {
		{ "a", 67, 75, "exactly 75 octets: not folded" },
		{ "a", 68, 75, "76 octets: folded after 75" },
		{ "a", 500, 75, "many continuation lines" },
		{ "\xc3\xa9", 40, 74, "2-byte characters: 8 + 33 * 2 = 74, the next would make 76" },
		{ "\xe2\x82\xac", 40, 74, "3-byte characters: 8 + 22 * 3 = 74" },
		{ "\xf0\x9f\x98\x80", 40, 72, "4-byte characters: 8 + 16 * 4 = 72" },
		{ ",", 40, 74, "escapes: 8 + 33 * 2 = 74, never split" },
	};

	for (size_t k = 0; k < sizeof(a) / sizeof(a[0]); k++) {
		struct vs_ics_event ev = sample_event();
		size_t nUnit = strlen(a[k].zUnit);
		char *zSummary = malloc(nUnit * a[k].nRepeat + 1), *z, *zLine;
		const char *p;
		int nFail = unit_nFail;

		CHECK(zSummary != NULL);
		if (zSummary == NULL)
			continue;
		for (size_t r = 0; r < a[k].nRepeat; r++)
			memcpy(zSummary + r * nUnit, a[k].zUnit, nUnit);
		zSummary[nUnit * a[k].nRepeat] = '\0';
		ev.zSummary = zSummary;
		z = write_event(&ev);
		CHECK(z != NULL);
		if (z == NULL) {
			free(zSummary);
			continue;
		}
		CHECK(lines_are_well_formed(z));
		CHECK(folds_keep_utf8_whole(z));
		p = strstr(z, "SUMMARY:");
		CHECK(p != NULL && (size_t)(strstr(p, "\r\n") - p) == a[k].nFirst);
		/* an escape pair never straddles a fold */
		CHECK(strstr(z, "\\\r\n ") == NULL);
		/* unfolding gives back the logical line */
		zLine = malloc(strlen(z) + 1);
		if (zLine != NULL) {
			char zWant[4096];
			size_t n = (size_t)snprintf(zWant, sizeof(zWant), "SUMMARY:");
			for (size_t r = 0; r < a[k].nRepeat; r++)
				n += (size_t)snprintf(zWant + n, sizeof(zWant) - n, "%s",
						      strcmp(a[k].zUnit, ",") == 0 ? "\\," : a[k].zUnit);
			find_line(z, "SUMMARY:", zLine, strlen(z) + 1);
			CHECK_STR(zLine, zWant);
			free(zLine);
		}
		if (unit_nFail != nFail)
			fprintf(stderr, "  case: %s\n", a[k].zWhy);
		free(z);
		free(zSummary);
	}
}

static void test_long_urls_fold_too(void)
{
	struct vs_ics_event ev = sample_event();
	char zUrl[300], zLine[400], *z;

	memset(zUrl, 'x', sizeof(zUrl));
	memcpy(zUrl, "https://", 8);
	zUrl[sizeof(zUrl) - 1] = '\0';
	ev.zUrl = zUrl;
	z = write_event(&ev);
	CHECK(z != NULL);
	if (z == NULL)
		return;
	CHECK(lines_are_well_formed(z));
	find_line(z, "URL:", zLine, sizeof(zLine));
	CHECK(strncmp(zLine, "URL:", 4) == 0 && strcmp(zLine + 4, zUrl) == 0);
	free(z);
}

static void test_truncates_fractions_of_seconds(void)
{
	struct vs_ics_event ev = sample_event();
	char zLine[200], *z;

	ev.iStartUs += 999999;
	z = write_event(&ev);
	CHECK(z != NULL);
	if (z == NULL)
		return;
	CHECK_STR(find_line(z, "DTSTART:", zLine, sizeof(zLine)), "DTSTART:20261201T150000Z");
	CHECK_STR(find_line(z, "CREATED:", zLine, sizeof(zLine)), "CREATED:20261130T150000Z");
	free(z);
}

static void test_refuses_bad_events_and_keeps_the_buffer(void)
{
	static const struct { const char *zWhy; int iCase; } a[] = {
		{ "no UID", 0 }, { "no summary", 1 }, { "no URL", 2 }, { "end before start", 3 },
		{ "end equal to start", 4 }, { "negative sequence", 5 }, { "invalid UTF-8 summary", 6 },
		{ "overlong UTF-8 description", 7 }, { "space in URL", 8 }, { "non-ASCII URL", 9 },
		{ "empty URL", 10 }, { "time before 1970", 11 }, { "time after 9999", 12 },
		{ "invalid UTF-8 UID", 13 },
	};

	for (size_t k = 0; k < sizeof(a) / sizeof(a[0]); k++) {
		struct vs_ics_event ev = sample_event();
		struct vs_buf b = VS_BUF_INIT;

		switch (a[k].iCase) {
		case 0: ev.zUid = NULL; break;
		case 1: ev.zSummary = NULL; break;
		case 2: ev.zUrl = NULL; break;
		case 3: ev.iEndUs = ev.iStartUs - 1; break;
		case 4: ev.iEndUs = ev.iStartUs; break;
		case 5: ev.iSequence = -1; break;
		case 6: ev.zSummary = "bad \xff byte"; break;
		case 7: ev.zDescription = "overlong \xc0\xaf"; break;
		case 8: ev.zUrl = "https://example.org/join 42"; break;
		case 9: ev.zUrl = "https://example.org/caf\xc3\xa9"; break;
		case 10: ev.zUrl = ""; break;
		case 11: ev.iCreatedUs = -1; break;
		case 12: ev.iEndUs = SEC(INT64_C(253402300800)); break;
		case 13: ev.zUid = "\xed\xa0\x80@example.org"; break;
		}
		vs_buf_puts(&b, "before");
		CHECK_INT(vs_ics_write(&b, &ev), VS_ERR_INVALID);
		CHECK_STR(vs_buf_str(&b), "before");
		CHECK_INT(b.nLen, 6);
		if (strcmp(vs_buf_str(&b), "before") != 0)
			fprintf(stderr, "  case: %s\n", a[k].zWhy);
		vs_buf_free(&b);
	}
	{
		struct vs_buf b = VS_BUF_INIT;
		CHECK_INT(vs_ics_write(&b, NULL), VS_ERR_INVALID);
		CHECK_STR(vs_buf_str(&b), "");
	}
}

static void test_appends_to_what_the_buffer_holds(void)
{
	struct vs_ics_event ev = sample_event();
	struct vs_buf b = VS_BUF_INIT;

	vs_buf_puts(&b, "prefix|");
	CHECK_INT(vs_ics_write(&b, &ev), VS_OK);
	CHECK(strncmp(vs_buf_str(&b), "prefix|BEGIN:VCALENDAR\r\n", 24) == 0);
	CHECK(b.nLen > 24 && strcmp(vs_buf_str(&b) + b.nLen - 15, "END:VCALENDAR\r\n") == 0);
	vs_buf_free(&b);
}

int main(void)
{
	test_writes_the_whole_calendar();
	test_cancelled_sessions_and_descriptions();
	test_escapes_text_values();
	test_uid_is_text_and_url_is_not();
	test_folds_long_lines_at_75_octets();
	test_long_urls_fold_too();
	test_truncates_fractions_of_seconds();
	test_refuses_bad_events_and_keeps_the_buffer();
	test_appends_to_what_the_buffer_holds();
	return unit_summary("test_ics");
}
