/*
 * mail.h — one outbox message as an RFC 5322 / MIME email.
 *
 * The renderer is pure: it gets every fact already decided (the recipient's
 * local times as text, whether the title may be shown, the secrets that may
 * go in) and writes the whole message, headers and body, with CRLF line
 * ends. It never reads the database or the clock.
 *
 * Header injection is impossible by construction: every text that reaches a
 * header is stripped of control characters (CR and LF included) and written
 * as RFC 2047 encoded-words; addresses must pass vs_mail_address_ok(), which
 * refuses anything but a plain local@domain; the Message-ID and host are
 * checked against a narrow alphabet. Bodies are base64, so no line of the
 * body can end the headers or the message.
 */
#ifndef VSESSION_MAIL_H
#define VSESSION_MAIL_H

#include <stdbool.h>
#include <stdint.h>
#include "vsession/buf.h"
#include "vsession/error.h"

struct vs_mail {
	const char *zKind;        /* an outbox kind: session_scheduled, reminder_1h, onboarding, ... */
	const char *zToEmail;     /* the recipient's address (vs_mail_address_ok) */
	const char *zToName;      /* the recipient's name, any UTF-8, may be NULL */
	const char *zFromEmail;   /* VSESSION_MAIL_FROM */
	const char *zPractice;    /* the sender's display name: the practice or the partner */
	const char *zMessageId;   /* the outbox row's message_id (hex) */
	const char *zHost;        /* the public host: Message-ID and iCalendar UID domain */
	const char *zPublicUrl;   /* VSESSION_PUBLIC_URL, no trailing slash */
	int64_t     iDateUs;      /* the Date: header */
	/* a session's facts (session kinds and guest invites) */
	int64_t     iSessionId;
	const char *zTitle;       /* NULL unless the partner allows titles in email */
	const char *zWhen;        /* start in the recipient's zone, e.g. "Tuesday, 1 December 2026, 16:00" */
	const char *zEndTime;     /* end, e.g. "16:50" */
	const char *zZone;        /* the recipient's zone name, e.g. "Europe/Berlin" */
	const char *zOldWhen;     /* session_moved: the former start, else NULL */
	int64_t     iStartUs, iEndUs, iCreatedUs, iSequence;
	/* secrets, present only while the outbox row keeps them */
	const char *zPassword;    /* a session password the partner chose to email, or NULL */
	const char *zUrl;         /* guest invite, onboarding or reset link, or NULL */
	const char *zUnsubscribeUrl; /* reminders: the one-click link, or NULL */
	const char *zJoinHint;    /* the join link's signed hint (joinhints.h), or NULL */
	/* client_cancelled (to the partner): who cancelled, whether inside the notice period, why */
	const char *zClientName;
	bool        bLate;
	const char *zReason;
	const struct vs_mail_series *pSeries; /* a series' one invitation (session_scheduled), else NULL */
};

/* A weekly series, for its one invitation: the dates for people and the rule for the calendar part. */
struct vs_mail_series {
	int64_t     iId;
	const char *zDates;        /* every start in the recipient's zone, "; " between them */
	const char *zTz;           /* the series' IANA zone */
	const char *zStartLocal;   /* "YYYYMMDDTHHMMSS" in zTz: the rule's first start and its end */
	const char *zEndLocal;
	int         nInterval, nCount;
	const char *zExdates;      /* local rule dates not booked, "," between them, or NULL */
};

/* True when z is a plain address: one '@', no spaces, controls, quotes or brackets, <= 254 bytes. */
bool vs_mail_address_ok(const char *z);

/*
 * Appends the whole message for m to b (headers, blank line, MIME body).
 * VS_ERR_INVALID when an address, the host or the message id is unusable or
 * the kind is unknown; VS_ERR_NOMEM when b cannot grow. On failure b may hold
 * a part of the message: the caller discards it.
 */
enum vs_err vs_mail_render(struct vs_buf *b, const struct vs_mail *m);

/* The subject line m would get (UTF-8, no encoding), into b. */
enum vs_err vs_mail_subject(struct vs_buf *b, const struct vs_mail *m);

/*
 * Appends z as a header value of RFC 2047 "B" encoded-words (UTF-8), each at
 * most 75 characters, folded with CRLF + space, never splitting a UTF-8
 * sequence. Control characters are replaced by spaces first.
 */
enum vs_err vs_mail_put_encoded_words(struct vs_buf *b, const char *z);

#endif
