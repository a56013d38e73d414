/*
 * ics.c — one video session as an RFC 5545 iCalendar object.
 *
 * Content lines are written through a small folding writer (struct line)
 * that is fed indivisible units: a whole UTF-8 character, or a two-byte
 * TEXT escape such as "\;". Before a unit that would take the line past 75
 * octets it breaks the line with CRLF and one space (RFC 5545 section 3.1),
 * so no line, continuation lines included, is longer than 75 octets plus
 * CRLF, no UTF-8 sequence is split and no escape is torn in two.
 *
 * TEXT values (UID, SUMMARY, DESCRIPTION) are escaped per section 3.3.11:
 * backslash, semicolon and comma get a backslash, and every line break
 * (CRLF, LF or a lone CR) becomes "\n". Other control characters, which
 * TEXT cannot carry, become a space. The URL is a URI value and is written
 * as is, so it must be printable ASCII without spaces. Times are written in
 * UTC ("YYYYMMDDTHHMMSSZ"), seconds truncated.
 *
 * Invariant: on failure the buffer is put back as it was.
 */
#include <stdio.h>
#include <string.h>

#include "vsession/ics.h"
#include "vsession/timeutil.h"
#include "vsession/utf8.h"

#define ICS_LINE_MAX 75  /* octets per line, not counting CRLF */

/* 9999-12-31T23:59:59.999999Z, the last instant with a four-digit year. */
#define ICS_TIME_MAX INT64_C(253402300799999999)

/* The folding writer: b gets the output, nCol counts the octets on the current line. */
struct line {
	struct vs_buf *b;
	size_t nCol;
};

/* Appends one indivisible unit of n (< ICS_LINE_MAX) bytes, folding first if it would not fit. */
static enum vs_err line_put(struct line *l, const char *p, size_t n)
{
	if (l->nCol + n > ICS_LINE_MAX) {
		if (vs_buf_append(l->b, "\r\n ", 3) != VS_OK)
			return VS_ERR_NOMEM;
		l->nCol = 1;
	}
	if (vs_buf_append(l->b, p, n) != VS_OK)
		return VS_ERR_NOMEM;
	l->nCol += n;
	return VS_OK;
}

static enum vs_err line_end(struct line *l)
{
	l->nCol = 0;
	return vs_buf_append(l->b, "\r\n", 2);
}

/* "NAME:" + escaped TEXT + CRLF. VS_ERR_INVALID when z is not well-formed UTF-8. */
static enum vs_err put_text(struct line *l, const char *zName, const char *z)
{
	const unsigned char *a = (const unsigned char *)z;
	size_t n = strlen(z), i = 0;
	enum vs_err rc;

	if ((rc = line_put(l, zName, strlen(zName))) != VS_OK || (rc = line_put(l, ":", 1)) != VS_OK)
		return rc;
	while (i < n) {
		unsigned char c = a[i];
		uint32_t cp;
		size_t len = vs_utf8_decode(a + i, n - i, &cp);

		if (len == 0)
			return VS_ERR_INVALID;
		if (c == '\r' || c == '\n') {
			rc = line_put(l, "\\n", 2);
			if (c == '\r' && i + 1 < n && a[i + 1] == '\n')
				len = 2;
		} else if (c == '\\' || c == ';' || c == ',') {
			char esc[2] = { '\\', (char)c };
			rc = line_put(l, esc, 2);
		} else if ((c < 0x20 && c != '\t') || c == 0x7F) {
			rc = line_put(l, " ", 1);
		} else {
			rc = line_put(l, z + i, len);
		}
		if (rc != VS_OK)
			return rc;
		i += len;
	}
	return line_end(l);
}

/* "NAME:" + a URI written as is + CRLF. VS_ERR_INVALID unless printable ASCII without spaces. */
static enum vs_err put_uri(struct line *l, const char *zName, const char *z)
{
	enum vs_err rc;

	if (z[0] == '\0')
		return VS_ERR_INVALID;
	for (const char *p = z; *p != '\0'; p++)
		if (*p <= ' ' || *p > '~')
			return VS_ERR_INVALID;
	if ((rc = line_put(l, zName, strlen(zName))) != VS_OK || (rc = line_put(l, ":", 1)) != VS_OK)
		return rc;
	for (const char *p = z; *p != '\0'; p++)
		if ((rc = line_put(l, p, 1)) != VS_OK)
			return rc;
	return line_end(l);
}

/* "NAME:YYYYMMDDTHHMMSSZ" + CRLF. VS_ERR_INVALID outside 1970..9999. */
static enum vs_err put_time(struct line *l, const char *zName, int64_t us)
{
	char zIso[VS_TIME_FORMAT_MAX], zBasic[17];
	/* "2026-12-01T15:00:00Z": where each character of the basic form comes from */
	static const unsigned char aFrom[16] = { 0, 1, 2, 3, 5, 6, 8, 9, 10, 11, 12, 14, 15, 17, 18, 19 };
	enum vs_err rc;

	if (us < 0 || us > ICS_TIME_MAX)
		return VS_ERR_INVALID;
	if (vs_time_format_utc(us, zIso) < 20)
		return VS_ERR_INTERNAL;
	for (size_t k = 0; k < sizeof(aFrom); k++)
		zBasic[k] = zIso[aFrom[k]];
	zBasic[15] = 'Z';  /* the ISO form may have a fraction before its 'Z' */
	zBasic[16] = '\0';
	if ((rc = line_put(l, zName, strlen(zName))) != VS_OK || (rc = line_put(l, ":", 1)) != VS_OK ||
	    (rc = line_put(l, zBasic, 16)) != VS_OK)
		return rc;
	return line_end(l);
}

/* A line whose whole content is a constant (short, ASCII). */
static enum vs_err put_raw(struct line *l, const char *zLine)
{
	enum vs_err rc = line_put(l, zLine, strlen(zLine));

	return rc != VS_OK ? rc : line_end(l);
}

/*
 * Appends the VCALENDAR to b. VS_ERR_INVALID when a required string (UID,
 * summary, URL) is NULL, a TEXT value is not UTF-8, the URL is not a plain
 * ASCII URI, a time is outside 1970..9999, the end is not after the start
 * or the sequence is negative; VS_ERR_NOMEM when the buffer cannot grow.
 * On failure b holds what it held before the call.
 */
enum vs_err vs_ics_write(struct vs_buf *b, const struct vs_ics_event *ev)
{
	struct line l = { b, 0 };
	size_t nLen0 = b->nLen;
	char zSeq[32];
	enum vs_err rc = VS_ERR_INVALID;

	if (ev == NULL || ev->zUid == NULL || ev->zSummary == NULL || ev->zUrl == NULL ||
	    ev->iSequence < 0 || ev->iEndUs <= ev->iStartUs)
		return VS_ERR_INVALID;

	if ((rc = put_raw(&l, "BEGIN:VCALENDAR")) != VS_OK ||
	    (rc = put_raw(&l, "VERSION:2.0")) != VS_OK ||
	    (rc = put_raw(&l, "PRODID:-//vsession//vsession//EN")) != VS_OK ||
	    (rc = put_raw(&l, "CALSCALE:GREGORIAN")) != VS_OK ||
	    (rc = put_raw(&l, "METHOD:PUBLISH")) != VS_OK ||
	    (rc = put_raw(&l, "BEGIN:VEVENT")) != VS_OK ||
	    (rc = put_text(&l, "UID", ev->zUid)) != VS_OK)
		goto fail;
	{
		/* SEQUENCE: the decimal digits of a non-negative integer */
		char *p = zSeq + sizeof(zSeq);
		int64_t v = ev->iSequence;
		*--p = '\0';
		do {
			*--p = (char)('0' + v % 10);
			v /= 10;
		} while (v != 0);
		if ((rc = line_put(&l, "SEQUENCE:", 9)) != VS_OK ||
		    (rc = line_put(&l, p, strlen(p))) != VS_OK || (rc = line_end(&l)) != VS_OK)
			goto fail;
	}
	if ((rc = put_time(&l, "DTSTAMP", ev->iStampUs)) != VS_OK ||
	    (rc = put_time(&l, "DTSTART", ev->iStartUs)) != VS_OK ||
	    (rc = put_time(&l, "DTEND", ev->iEndUs)) != VS_OK ||
	    (rc = put_time(&l, "CREATED", ev->iCreatedUs)) != VS_OK ||
	    (rc = put_time(&l, "LAST-MODIFIED", ev->iModifiedUs)) != VS_OK ||
	    (rc = put_text(&l, "SUMMARY", ev->zSummary)) != VS_OK ||
	    (rc = put_uri(&l, "URL", ev->zUrl)) != VS_OK)
		goto fail;
	if (ev->zDescription != NULL && (rc = put_text(&l, "DESCRIPTION", ev->zDescription)) != VS_OK)
		goto fail;
	if ((rc = put_raw(&l, ev->bCancelled ? "STATUS:CANCELLED" : "STATUS:CONFIRMED")) != VS_OK ||
	    (rc = put_raw(&l, "END:VEVENT")) != VS_OK ||
	    (rc = put_raw(&l, "END:VCALENDAR")) != VS_OK)
		goto fail;
	return VS_OK;

fail:
	b->nLen = nLen0;
	if (b->zData != NULL)
		b->zData[nLen0] = '\0';
	return rc;
}

/* "NAME[;TZID=zone]:YYYYMMDDTHHMMSS[Z]" + CRLF for a local time of the series. */
static enum vs_err put_local(struct line *l, const char *zName, const char *zTzid, const char *zLocal)
{
	enum vs_err rc;

	if (strlen(zLocal) != 15 || zLocal[8] != 'T' || strspn(zLocal, "0123456789") != 8 ||
	    strspn(zLocal + 9, "0123456789") != 6)
		return VS_ERR_INVALID;
	if ((rc = line_put(l, zName, strlen(zName))) != VS_OK)
		return rc;
	if (zTzid != NULL) {
		for (const char *p = zTzid; *p != '\0'; p++)
			if (*p <= ' ' || *p > '~' || *p == ';' || *p == ':' || *p == ',' || *p == '"')
				return VS_ERR_INVALID;
		if ((rc = line_put(l, ";TZID=", 6)) != VS_OK)
			return rc;
		for (const char *p = zTzid; *p != '\0'; p++)
			if ((rc = line_put(l, p, 1)) != VS_OK)
				return rc;
	}
	if ((rc = line_put(l, ":", 1)) != VS_OK || (rc = line_put(l, zLocal, 15)) != VS_OK ||
	    (zTzid == NULL && (rc = line_put(l, "Z", 1)) != VS_OK))
		return rc;
	return line_end(l);
}

/* "SEQUENCE:n" + CRLF. */
static enum vs_err put_sequence(struct line *l, int64_t iSeq)
{
	char z[32], *p = z + sizeof(z);
	int64_t v = iSeq;
	enum vs_err rc;

	*--p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	if ((rc = line_put(l, "SEQUENCE:", 9)) != VS_OK || (rc = line_put(l, p, strlen(p))) != VS_OK)
		return rc;
	return line_end(l);
}

/* The lines every VEVENT of a series shares after its times. */
static enum vs_err put_event_tail(struct line *l, const struct vs_ics_event *ev)
{
	enum vs_err rc;

	if ((rc = put_time(l, "CREATED", ev->iCreatedUs)) != VS_OK ||
	    (rc = put_time(l, "LAST-MODIFIED", ev->iModifiedUs)) != VS_OK ||
	    (rc = put_text(l, "SUMMARY", ev->zSummary)) != VS_OK || (rc = put_uri(l, "URL", ev->zUrl)) != VS_OK)
		return rc;
	if (ev->zDescription != NULL && (rc = put_text(l, "DESCRIPTION", ev->zDescription)) != VS_OK)
		return rc;
	if ((rc = put_raw(l, ev->bCancelled ? "STATUS:CANCELLED" : "STATUS:CONFIRMED")) != VS_OK)
		return rc;
	return put_raw(l, "END:VEVENT");
}

static bool event_ok(const struct vs_ics_event *ev)
{
	return ev->zUid != NULL && ev->zSummary != NULL && ev->zUrl != NULL && ev->iSequence >= 0;
}

enum vs_err vs_ics_write_series(struct vs_buf *b, const struct vs_ics_series *s)
{
	struct line l = { b, 0 };
	size_t nLen0 = b->nLen;
	char zRule[80];
	enum vs_err rc = VS_ERR_INVALID;

	if (s == NULL || !event_ok(&s->master) || s->zStartLocal == NULL || s->zEndLocal == NULL ||
	    s->nInterval < 1 || s->nInterval > 2 || s->nCount < 1 || s->nCount > 53 || s->nExdate < 0 ||
	    s->nOverride < 0 || strcmp(s->zEndLocal, s->zStartLocal) <= 0)
		return VS_ERR_INVALID;
	for (int i = 0; i < s->nOverride; i++)
		if (!event_ok(&s->aOverride[i]) || s->aOverride[i].iEndUs <= s->aOverride[i].iStartUs)
			return VS_ERR_INVALID;
	snprintf(zRule, sizeof(zRule), "RRULE:FREQ=WEEKLY;INTERVAL=%d;COUNT=%d", s->nInterval, s->nCount);
	if ((rc = put_raw(&l, "BEGIN:VCALENDAR")) != VS_OK || (rc = put_raw(&l, "VERSION:2.0")) != VS_OK ||
	    (rc = put_raw(&l, "PRODID:-//vsession//vsession//EN")) != VS_OK ||
	    (rc = put_raw(&l, "CALSCALE:GREGORIAN")) != VS_OK || (rc = put_raw(&l, "METHOD:PUBLISH")) != VS_OK ||
	    (rc = put_raw(&l, "BEGIN:VEVENT")) != VS_OK || (rc = put_text(&l, "UID", s->master.zUid)) != VS_OK ||
	    (rc = put_sequence(&l, s->master.iSequence)) != VS_OK ||
	    (rc = put_time(&l, "DTSTAMP", s->master.iStampUs)) != VS_OK ||
	    (rc = put_local(&l, "DTSTART", s->zTzid, s->zStartLocal)) != VS_OK ||
	    (rc = put_local(&l, "DTEND", s->zTzid, s->zEndLocal)) != VS_OK || (rc = put_raw(&l, zRule)) != VS_OK)
		goto fail;
	for (int i = 0; i < s->nExdate; i++)
		if ((rc = put_local(&l, "EXDATE", s->zTzid, s->azExdate[i])) != VS_OK)
			goto fail;
	if ((rc = put_event_tail(&l, &s->master)) != VS_OK)
		goto fail;
	for (int i = 0; i < s->nOverride; i++) {
		const struct vs_ics_event *ev = &s->aOverride[i];

		if ((rc = put_raw(&l, "BEGIN:VEVENT")) != VS_OK || (rc = put_text(&l, "UID", ev->zUid)) != VS_OK ||
		    (rc = put_sequence(&l, ev->iSequence)) != VS_OK ||
		    (rc = put_time(&l, "DTSTAMP", ev->iStampUs)) != VS_OK ||
		    (rc = put_local(&l, "RECURRENCE-ID", s->zTzid, s->azRecurrenceId[i])) != VS_OK ||
		    (rc = put_time(&l, "DTSTART", ev->iStartUs)) != VS_OK ||
		    (rc = put_time(&l, "DTEND", ev->iEndUs)) != VS_OK || (rc = put_event_tail(&l, ev)) != VS_OK)
			goto fail;
	}
	if ((rc = put_raw(&l, "END:VCALENDAR")) != VS_OK)
		goto fail;
	return VS_OK;

fail:
	b->nLen = nLen0;
	if (b->zData != NULL)
		b->zData[nLen0] = '\0';
	return rc;
}
