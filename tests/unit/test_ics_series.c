/*
 * test_ics_series.c — the calendar object of a weekly series (vs_ics_write_series, lib/ics.c).
 *
 * Proves: the master VEVENT has local DTSTART/DTEND with the zone by
 * reference, the RRULE and one EXDATE per left-out date; a moved member is a
 * VEVENT with the same UID and a RECURRENCE-ID of its rule date; a UTC series
 * is written with "Z" times and no TZID; bad input is refused and leaves the
 * buffer as it was.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "vsession/ics.h"
#include "unit.h"

#define SEC(s) ((int64_t)(s) * INT64_C(1000000))

static struct vs_ics_series sample(const char *const *azEx, int nEx)
{
	struct vs_ics_series s;

	memset(&s, 0, sizeof(s));
	s.master.zUid = "video-series-7@example.org";
	s.master.iSequence = 2;
	s.master.iStampUs = SEC(1796137200);
	s.master.iCreatedUs = SEC(1796137200) - SEC(86400);
	s.master.iModifiedUs = SEC(1796137200) - SEC(3600);
	s.master.zSummary = "Weekly therapy";
	s.master.zUrl = "https://vsession.example.org/join/40";
	s.zTzid = "Europe/Berlin";
	s.zStartLocal = "20270315T100000";
	s.zEndLocal = "20270315T105000";
	s.nInterval = 1;
	s.nCount = 10;
	s.azExdate = azEx;
	s.nExdate = nEx;
	return s;
}

static void test_master_rule_and_exdates(void)
{
	const char *azEx[2] = { "20270322T100000", "20270405T100000" };
	struct vs_ics_series s = sample(azEx, 2);
	struct vs_buf b = VS_BUF_INIT;
	const char *z;

	CHECK_INT(vs_ics_write_series(&b, &s), VS_OK);
	z = vs_buf_str(&b);
	CHECK(strstr(z, "\r\nUID:video-series-7@example.org\r\n") != NULL);
	CHECK(strstr(z, "\r\nDTSTART;TZID=Europe/Berlin:20270315T100000\r\n") != NULL);
	CHECK(strstr(z, "\r\nDTEND;TZID=Europe/Berlin:20270315T105000\r\n") != NULL);
	CHECK(strstr(z, "\r\nRRULE:FREQ=WEEKLY;INTERVAL=1;COUNT=10\r\n") != NULL);
	CHECK(strstr(z, "\r\nEXDATE;TZID=Europe/Berlin:20270322T100000\r\n") != NULL);
	CHECK(strstr(z, "\r\nEXDATE;TZID=Europe/Berlin:20270405T100000\r\n") != NULL);
	CHECK(strstr(z, "RECURRENCE-ID") == NULL);
	CHECK(strncmp(z, "BEGIN:VCALENDAR\r\n", 17) == 0);
	CHECK(strcmp(z + b.nLen - 15, "END:VCALENDAR\r\n") == 0);
	vs_buf_free(&b);
}

static void test_moved_member_and_utc(void)
{
	const char *azRid[1] = { "20270329T100000" };
	struct vs_ics_event over;
	struct vs_ics_series s = sample(NULL, 0);
	struct vs_buf b = VS_BUF_INIT;
	const char *z;

	over = s.master;
	over.zUrl = "https://vsession.example.org/join/42";
	over.iStartUs = SEC(1806318000);
	over.iEndUs = SEC(1806318000) + SEC(3000);
	s.aOverride = &over;
	s.azRecurrenceId = azRid;
	s.nOverride = 1;
	s.zTzid = NULL;
	s.nInterval = 2;
	CHECK_INT(vs_ics_write_series(&b, &s), VS_OK);
	z = vs_buf_str(&b);
	CHECK(strstr(z, "\r\nDTSTART:20270315T100000Z\r\n") != NULL);
	CHECK(strstr(z, "TZID") == NULL);
	CHECK(strstr(z, "\r\nRRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=10\r\n") != NULL);
	CHECK(strstr(z, "\r\nRECURRENCE-ID:20270329T100000Z\r\n") != NULL);
	CHECK(strstr(z, "\r\nURL:https://vsession.example.org/join/42\r\n") != NULL);
	z = strstr(z, "BEGIN:VEVENT");
	CHECK(z != NULL && strstr(z + 1, "BEGIN:VEVENT") != NULL);
	vs_buf_free(&b);
}

static void test_refuses_bad_series_and_keeps_the_buffer(void)
{
	const char *azBad[1] = { "2027-03-22 10:00" };
	struct vs_ics_series s;
	struct vs_buf b = VS_BUF_INIT;

	vs_buf_puts(&b, "kept");
	s = sample(azBad, 1);
	CHECK_INT(vs_ics_write_series(&b, &s), VS_ERR_INVALID);
	s = sample(NULL, 0);
	s.nInterval = 3;
	CHECK_INT(vs_ics_write_series(&b, &s), VS_ERR_INVALID);
	s = sample(NULL, 0);
	s.zEndLocal = "20270315T095000";
	CHECK_INT(vs_ics_write_series(&b, &s), VS_ERR_INVALID);
	s = sample(NULL, 0);
	s.zTzid = "Europe/Berlin:X";
	CHECK_INT(vs_ics_write_series(&b, &s), VS_ERR_INVALID);
	CHECK_INT(vs_ics_write_series(&b, NULL), VS_ERR_INVALID);
	CHECK_STR(vs_buf_str(&b), "kept");
	vs_buf_free(&b);
}

int main(void)
{
	test_master_rule_and_exdates();
	test_moved_member_and_utc();
	test_refuses_bad_series_and_keeps_the_buffer();
	return unit_summary("test_ics_series");
}
