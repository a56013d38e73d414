/*
 * ics.h — one video session as an RFC 5545 iCalendar object.
 */
#ifndef VSESSION_ICS_H
#define VSESSION_ICS_H

#include <stdbool.h>
#include <stdint.h>
#include "vsession/buf.h"

struct vs_ics_event {
	const char *zUid;          /* stable across updates, e.g. "video-session-42@example.org" */
	int64_t     iSequence;     /* rises with each change */
	int64_t     iStampUs;      /* DTSTAMP: when this object was produced */
	int64_t     iStartUs, iEndUs;
	int64_t     iCreatedUs, iModifiedUs;
	const char *zSummary;      /* the title; any UTF-8 */
	const char *zUrl;          /* the app's join page */
	const char *zDescription;  /* may be NULL; never notes or passwords */
	bool        bCancelled;    /* STATUS:CANCELLED, else CONFIRMED */
};

/*
 * Appends a complete VCALENDAR with one VEVENT: CRLF line ends, lines folded
 * at 75 octets without splitting a UTF-8 sequence, TEXT values escaped
 * (backslash, semicolon, comma, newlines), every time in UTC ("...Z").
 */
enum vs_err vs_ics_write(struct vs_buf *b, const struct vs_ics_event *ev);

/*
 * A weekly series: one recurring VEVENT (the master) and one VEVENT per
 * member that differs from its rule (RECURRENCE-ID). Local times are
 * "YYYYMMDDTHHMMSS" in zTzid (an IANA name, by reference, RFC 7809); with
 * zTzid NULL they are UTC and written with "Z". The master's iStartUs and
 * iEndUs are not written: zStartLocal and zEndLocal are.
 */
struct vs_ics_series {
	struct vs_ics_event master;
	const char *zTzid;
	const char *zStartLocal, *zEndLocal;
	int         nInterval, nCount;           /* RRULE:FREQ=WEEKLY;INTERVAL=n;COUNT=c */
	const char *const *azExdate;             /* local rule times that do not take place */
	int         nExdate;
	const struct vs_ics_event *aOverride;    /* members away from their rule time or title */
	const char *const *azRecurrenceId;       /* the local rule time each override replaces */
	int         nOverride;
};
/* Appends the VCALENDAR of a series; the same rules and failures as vs_ics_write. */
enum vs_err vs_ics_write_series(struct vs_buf *b, const struct vs_ics_series *s);

#endif
