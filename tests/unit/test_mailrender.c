/*
 * test_mailrender.c — outbox messages as MIME emails (lib/mailrender.c).
 *
 * Proves: every header line is short, CRLF-terminated and made of printable
 * ASCII, whatever the names, title and practice hold (CR, LF, controls,
 * non-ASCII); encoded-words stay within 75 characters and never split a
 * UTF-8 character; only plain addresses pass; the From shows the practice;
 * a reminder carries List-Unsubscribe and List-Unsubscribe-Post; the
 * calendar part carries the iTIP method; unknown kinds and bad ids are
 * refused.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "vsession/mail.h"
#include "unit.h"

#define SEC(s) ((int64_t)(s) * INT64_C(1000000))

static struct vs_mail sample(const char *zKind)
{
	struct vs_mail m = {
		.zKind = zKind, .zToEmail = "client@example.org", .zToName = "Sam Client",
		.zFromEmail = "sessions@practice.example", .zPractice = "Praxis Müller",
		.zMessageId = "0123456789abcdef0123456789abcdef", .zHost = "vsession.example.org",
		.zPublicUrl = "https://vsession.example.org", .iDateUs = SEC(1796133600),
		.iSessionId = 42, .zWhen = "Tuesday, 1 December 2026, 10:00", .zEndTime = "10:45",
		.zZone = "America/New_York", .iStartUs = SEC(1796137200), .iEndUs = SEC(1796137200 + 2700),
		.iCreatedUs = SEC(1796040000), .iSequence = 2,
	};
	return m;
}

/* The header block (up to the first empty line) is well formed: short printable CRLF lines. */
static bool headers_clean(const char *z)
{
	const char *zEnd = strstr(z, "\r\n\r\n");
	size_t nLine = 0;

	if (zEnd == NULL)
		return false;
	for (const char *p = z; p < zEnd + 2; p++) {
		if (*p == '\r') {
			if (p[1] != '\n')
				return false;
			if (nLine > 998)
				return false;
			/* a line starts with a header name or continues with white space */
			if (p + 2 < zEnd && p[2] != ' ' && p[2] != '\t' && strchr(p + 2, ':') == NULL)
				return false;
			nLine = 0;
			p++;
			continue;
		}
		if (*p == '\n' || (unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			return false;
		nLine++;
	}
	return true;
}

static void test_scheduled_message_has_parts_and_headers(void)
{
	struct vs_buf b = VS_BUF_INIT;
	struct vs_mail m = sample("session_scheduled");

	CHECK_INT(vs_mail_render(&b, &m), VS_OK);
	CHECK(headers_clean(b.zData));
	CHECK(strstr(b.zData, "\r\nMessage-ID: <0123456789abcdef0123456789abcdef@vsession.example.org>\r\n") != NULL);
	CHECK(strstr(b.zData, "From: =?UTF-8?B?") == b.zData);
	CHECK(strstr(b.zData, " <sessions@practice.example>\r\n") != NULL);
	CHECK(strstr(b.zData, "multipart/alternative") != NULL);
	CHECK(strstr(b.zData, "text/calendar; charset=utf-8; method=REQUEST") != NULL);
	CHECK(strstr(b.zData, "List-Unsubscribe") == NULL);
	vs_buf_free(&b);
}

static void test_reminder_carries_one_click_unsubscribe(void)
{
	struct vs_buf b = VS_BUF_INIT;
	struct vs_mail m = sample("reminder_1h");

	m.zUnsubscribeUrl = "https://vsession.example.org/api/email/unsubscribe?u=7&t=ab";
	CHECK_INT(vs_mail_render(&b, &m), VS_OK);
	CHECK(strstr(b.zData, "\r\nList-Unsubscribe: <https://vsession.example.org/api/email/unsubscribe?u=7&t=ab>\r\n"
			      "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n") != NULL);
	CHECK(strstr(b.zData, "text/calendar") == NULL);
	vs_buf_free(&b);
	m.zUnsubscribeUrl = "https://x/\r\nBcc: a@b";
	CHECK_INT(vs_mail_render(&b, &m), VS_ERR_INVALID);
	vs_buf_free(&b);
}

static void test_cr_lf_in_every_text_field_stays_inside_its_header(void)
{
	struct vs_buf b = VS_BUF_INIT;
	struct vs_mail m = sample("session_cancelled");

	m.zToName = "Eve\r\nBcc: stolen@evil.example";
	m.zPractice = "Practice\nX-Injected: 1\r";
	m.zTitle = "Title\r\n\r\n<html>";
	m.zWhen = "Tuesday\r\nSubject: spoof";
	CHECK_INT(vs_mail_render(&b, &m), VS_OK);
	CHECK(headers_clean(b.zData));
	CHECK(strstr(b.zData, "Bcc:") == NULL);
	CHECK(strstr(b.zData, "X-Injected") == NULL);
	CHECK(strstr(b.zData, "method=CANCEL") != NULL);
	vs_buf_free(&b);
}

static void test_encoded_words_are_short_and_keep_utf8_whole(void)
{
	struct vs_buf b = VS_BUF_INIT;
	const char *zLong = "Ünïcödé ñämé wïth mäny äccénts thät göes ön änd ön änd ön pässt séventy-fïve";
	const char *p;

	CHECK_INT(vs_mail_put_encoded_words(&b, zLong), VS_OK);
	for (p = b.zData; p != NULL && *p != '\0';) {
		const char *zEol = strstr(p, "\r\n");
		size_t n = zEol ? (size_t)(zEol - p) : strlen(p);
		CHECK(n <= 76);  /* one folding space and a word of at most 75 */
		p = zEol ? zEol + 2 : NULL;
	}
	vs_buf_free(&b);
}

static void test_only_plain_addresses_pass(void)
{
	CHECK(vs_mail_address_ok("a@b.example"));
	CHECK(!vs_mail_address_ok("a>,stolen@evil.example"));
	CHECK(!vs_mail_address_ok("a b@c"));
	CHECK(!vs_mail_address_ok("a@b@c"));
	CHECK(!vs_mail_address_ok("@b"));
	CHECK(!vs_mail_address_ok("a@"));
	CHECK(!vs_mail_address_ok("a\r\n@b"));
	CHECK(!vs_mail_address_ok("\"a\"@b"));
	CHECK(!vs_mail_address_ok(NULL));
}

static void test_bad_ids_and_kinds_are_refused(void)
{
	struct vs_buf b = VS_BUF_INIT;
	struct vs_mail m = sample("session_scheduled");

	m.zMessageId = "abc>\r\nX: y";
	CHECK_INT(vs_mail_render(&b, &m), VS_ERR_INVALID);
	m = sample("newsletter");
	CHECK_INT(vs_mail_render(&b, &m), VS_ERR_INVALID);
	m = sample("onboarding");  /* no link: nothing to send */
	CHECK_INT(vs_mail_render(&b, &m), VS_ERR_INVALID);
	m.zUrl = "https://vsession.example.org/welcome#token=abc";
	vs_buf_reset(&b);
	CHECK_INT(vs_mail_render(&b, &m), VS_OK);
	vs_buf_reset(&b);
	CHECK_INT(vs_mail_subject(&b, &m), VS_OK);
	CHECK(strstr(vs_buf_str(&b), "invites you") != NULL);
	/* someone who already has an account gets a login link, not a set-up link */
	m.zUrl = "https://vsession.example.org/";
	vs_buf_reset(&b);
	CHECK_INT(vs_mail_render(&b, &m), VS_OK);
	vs_buf_reset(&b);
	CHECK_INT(vs_mail_subject(&b, &m), VS_OK);
	CHECK(strstr(vs_buf_str(&b), "added you as a client") != NULL);
	vs_buf_free(&b);
}

int main(void)
{
	test_scheduled_message_has_parts_and_headers();
	test_reminder_carries_one_click_unsubscribe();
	test_cr_lf_in_every_text_field_stays_inside_its_header();
	test_encoded_words_are_short_and_keep_utf8_whole();
	test_only_plain_addresses_pass();
	test_bad_ids_and_kinds_are_refused();
	return unit_summary("test_mailrender");
}
