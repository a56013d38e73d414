/*
 * mailrender.c — outbox messages as MIME emails (see mail.h).
 *
 * Each kind is first described as plain facts (a subject, a lead sentence,
 * labelled rows, a link, closing lines); the text and HTML parts are both
 * drawn from that one description so they can never say different things.
 * Session messages carry an iCalendar part made by vs_ics_write (the same
 * UID and SEQUENCE as the .ics endpoint) with the iTIP method the message
 * means: REQUEST for a scheduled or moved session, CANCEL for a cancelled one.
 *
 * Never rendered: the session's notes (never given to the renderer), the
 * title unless the caller passes it, a password or link the caller does not.
 */
#include <stdio.h>
#include <string.h>

#include "vsession/ics.h"
#include "vsession/mail.h"
#include "vsession/timeutil.h"

#define MAX_ROWS 6

struct content {
	char zSubject[400];
	char zLead[600];
	const char *azLabel[MAX_ROWS];
	const char *azValue[MAX_ROWS];
	int nRow;
	const char *zLinkLabel, *zLink;
	const char *zNote1, *zNote2;
	const char *zIcsMethod;      /* "REQUEST", "CANCEL" or NULL: no calendar part */
};

static const char zB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

bool vs_mail_address_ok(const char *z)
{
	size_t n = 0, nAt = 0, iAt = 0;

	if (z == NULL)
		return false;
	for (const unsigned char *p = (const unsigned char *)z; *p != '\0'; p++, n++) {
		if (*p <= ' ' || *p >= 0x7f || strchr("<>()[]\\,;:\"", *p) != NULL)
			return false;
		if (*p == '@') {
			nAt++;
			iAt = n;
		}
	}
	return n >= 3 && n <= 254 && nAt == 1 && iAt > 0 && iAt < n - 1;
}

/* True when z is a non-empty run of [A-Za-z0-9.-] (a host) or, with bHex, of hex digits. */
static bool token_ok(const char *z, bool bHex)
{
	if (z == NULL || *z == '\0' || strlen(z) > 253)
		return false;
	for (; *z != '\0'; z++) {
		bool bOk = (*z >= '0' && *z <= '9') || (*z >= 'a' && *z <= 'f') ||
			   (!bHex && ((*z >= 'a' && *z <= 'z') || (*z >= 'A' && *z <= 'Z') || *z == '.' || *z == '-'));
		if (!bOk)
			return false;
	}
	return true;
}

/* Appends n bytes at p as base64 lines of 76 characters, each ending in CRLF. */
static void put_base64(struct vs_buf *b, const unsigned char *p, size_t n)
{
	char aLine[80];
	size_t nLine = 0;

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		size_t nIn = n - i < 3 ? n - i : 3;

		if (nIn > 1)
			v |= (unsigned)p[i + 1] << 8;
		if (nIn > 2)
			v |= p[i + 2];
		aLine[nLine++] = zB64[(v >> 18) & 63];
		aLine[nLine++] = zB64[(v >> 12) & 63];
		aLine[nLine++] = nIn > 1 ? zB64[(v >> 6) & 63] : '=';
		aLine[nLine++] = nIn > 2 ? zB64[v & 63] : '=';
		if (nLine == 76) {
			vs_buf_append(b, aLine, nLine);
			vs_buf_puts(b, "\r\n");
			nLine = 0;
		}
	}
	if (nLine > 0) {
		vs_buf_append(b, aLine, nLine);
		vs_buf_puts(b, "\r\n");
	}
}

/* Length of the UTF-8 sequence starting with byte c (1 for anything that is not a lead byte). */
static size_t utf8_len(unsigned char c)
{
	return c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

/* One "B" encoded-word of n bytes (a whole number of UTF-8 sequences); later words on a folded line. */
static void put_word(struct vs_buf *b, const unsigned char *a, size_t n, bool bFirst)
{
	struct vs_buf w = VS_BUF_INIT;

	put_base64(&w, a, n);
	vs_buf_puts(b, bFirst ? "=?UTF-8?B?" : "\r\n =?UTF-8?B?");
	vs_buf_append(b, w.zData, w.nLen - 2);
	vs_buf_puts(b, "?=");
	vs_buf_free(&w);
}

enum vs_err vs_mail_put_encoded_words(struct vs_buf *b, const char *z)
{
	/* 45 bytes of text make 60 base64 characters: "=?UTF-8?B?" + 60 + "?=" = 72 <= 75 */
	unsigned char aChunk[48];
	size_t nChunk = 0, nText = z != NULL ? strlen(z) : 0;
	bool bFirst = true;

	if (nText == 0)
		return vs_buf_puts(b, "=?UTF-8?B?" "?=");
	for (size_t i = 0; i < nText;) {
		size_t nSeq = utf8_len((unsigned char)z[i]);

		if (i + nSeq > nText)
			nSeq = nText - i;
		if (nChunk + nSeq > 45) {
			put_word(b, aChunk, nChunk, bFirst);
			bFirst = false;
			nChunk = 0;
		}
		for (size_t k = 0; k < nSeq; k++) {
			unsigned char c = (unsigned char)z[i + k];
			aChunk[nChunk++] = c < 0x20 || c == 0x7f ? ' ' : c;
		}
		i += nSeq;
	}
	if (nChunk > 0)
		put_word(b, aChunk, nChunk, bFirst);
	return b->bFailed ? VS_ERR_NOMEM : VS_OK;
}

/* "Name" <addr> with the name as encoded-words; just <addr> without a name. */
static void put_mailbox(struct vs_buf *b, const char *zName, const char *zAddr)
{
	if (zName != NULL && *zName != '\0') {
		vs_mail_put_encoded_words(b, zName);
		vs_buf_putc(b, ' ');
	}
	vs_buf_printf(b, "<%s>", zAddr);
}

/* z with HTML's five special characters escaped. */
static void put_html(struct vs_buf *b, const char *z)
{
	for (; z != NULL && *z != '\0'; z++) {
		switch (*z) {
		case '&': vs_buf_puts(b, "&amp;"); break;
		case '<': vs_buf_puts(b, "&lt;"); break;
		case '>': vs_buf_puts(b, "&gt;"); break;
		case '"': vs_buf_puts(b, "&quot;"); break;
		case '\'': vs_buf_puts(b, "&#39;"); break;
		default: vs_buf_putc(b, *z);
		}
	}
}

static void add_row(struct content *c, const char *zLabel, const char *zValue)
{
	if (zValue != NULL && c->nRow < MAX_ROWS) {
		c->azLabel[c->nRow] = zLabel;
		c->azValue[c->nRow] = zValue;
		c->nRow++;
	}
}

static bool is_kind(const struct vs_mail *m, const char *z)
{
	return m->zKind != NULL && strcmp(m->zKind, z) == 0;
}

/* Describes message m in c; false for an unknown kind. */
static bool describe(const struct vs_mail *m, struct content *c, char *zWhenFull, size_t nWhenFull,
		     char *zJoin, size_t nJoin)
{
	const char *zPractice = m->zPractice != NULL && *m->zPractice != '\0' ? m->zPractice : "Your practice";

	memset(c, 0, sizeof(*c));
	snprintf(zWhenFull, nWhenFull, "%s - %s (%s)", m->zWhen ? m->zWhen : "", m->zEndTime ? m->zEndTime : "",
		 m->zZone ? m->zZone : "UTC");
	snprintf(zJoin, nJoin, "%s/join/%lld%s%s", m->zPublicUrl ? m->zPublicUrl : "", (long long)m->iSessionId,
		 m->zJoinHint != NULL ? "?hint=" : "", m->zJoinHint != NULL ? m->zJoinHint : "");
	if (is_kind(m, "session_scheduled") || is_kind(m, "session_moved") || is_kind(m, "session_cancelled") ||
	    is_kind(m, "reminder_24h") || is_kind(m, "reminder_1h") || is_kind(m, "guest_invite")) {
		if (m->zWhen == NULL || m->zEndTime == NULL)
			return false;
		if (is_kind(m, "session_scheduled") && m->pSeries != NULL) {
			snprintf(c->zSubject, sizeof(c->zSubject), "%s video sessions from %s",
				 m->pSeries->nInterval == 2 ? "Fortnightly" : "Weekly", m->zWhen);
			snprintf(c->zLead, sizeof(c->zLead), "%s has scheduled a series of video sessions with you, every %s.",
				 zPractice, m->pSeries->nInterval == 2 ? "2 weeks" : "week");
			c->zIcsMethod = "REQUEST";
		} else if (is_kind(m, "session_scheduled")) {
			snprintf(c->zSubject, sizeof(c->zSubject), "Video session on %s", m->zWhen);
			snprintf(c->zLead, sizeof(c->zLead), "%s has scheduled a video session with you.", zPractice);
			c->zIcsMethod = "REQUEST";
		} else if (is_kind(m, "session_moved")) {
			snprintf(c->zSubject, sizeof(c->zSubject), "Moved: video session now on %s", m->zWhen);
			snprintf(c->zLead, sizeof(c->zLead), "%s has moved your video session to a new time.", zPractice);
			c->zIcsMethod = "REQUEST";
		} else if (is_kind(m, "session_cancelled")) {
			snprintf(c->zSubject, sizeof(c->zSubject), "Cancelled: video session on %s", m->zWhen);
			snprintf(c->zLead, sizeof(c->zLead), "%s has cancelled this video session.", zPractice);
			c->zIcsMethod = "CANCEL";
		} else if (is_kind(m, "guest_invite")) {
			snprintf(c->zSubject, sizeof(c->zSubject), "Invitation: video session on %s", m->zWhen);
			snprintf(c->zLead, sizeof(c->zLead), "%s invites you to a video session.", zPractice);
		} else {
			snprintf(c->zSubject, sizeof(c->zSubject), "Reminder: video session %s %s",
				 is_kind(m, "reminder_1h") ? "in one hour," : "tomorrow,", m->zWhen);
			snprintf(c->zLead, sizeof(c->zLead), "A reminder of your video session with %s, %s.", zPractice,
				 is_kind(m, "reminder_1h") ? "in about one hour" : "in about 24 hours");
		}
		add_row(c, "When", zWhenFull);
		if (m->pSeries != NULL && is_kind(m, "session_scheduled"))
			add_row(c, "Dates", m->pSeries->zDates);
		if (m->zOldWhen != NULL && is_kind(m, "session_moved"))
			add_row(c, "Was", m->zOldWhen);
		add_row(c, "Title", m->zTitle);
		add_row(c, "With", zPractice);
		if (!is_kind(m, "session_cancelled")) {
			add_row(c, "Session password", m->zPassword);
			c->zLinkLabel = "Join the session";
			c->zLink = is_kind(m, "guest_invite") ? m->zUrl : zJoin;
			c->zNote1 = "You can join from 15 minutes before the start, in the browser on a laptop or a phone.";
			if (c->zIcsMethod != NULL)
				c->zNote2 = "The attached invitation adds the session to your calendar.";
		} else {
			c->zNote1 = "The attached update removes the session from your calendar.";
		}
		return c->zLink != NULL || is_kind(m, "session_cancelled");
	}
	if (is_kind(m, "client_cancelled")) {
		/* to the partner: their client cancelled; no calendar part, their dashboard has it */
		if (m->zWhen == NULL || m->zEndTime == NULL || m->zClientName == NULL)
			return false;
		snprintf(c->zSubject, sizeof(c->zSubject), "%s: %s cancelled the video session on %s",
			 m->bLate ? "Late cancellation" : "Cancelled", m->zClientName, m->zWhen);
		snprintf(c->zLead, sizeof(c->zLead), "%s has cancelled this video session%s.", m->zClientName,
			 m->bLate ? ", inside your notice period: it is recorded as a late cancellation" : "");
		add_row(c, "When", zWhenFull);
		add_row(c, "Title", m->zTitle);
		add_row(c, "Client", m->zClientName);
		add_row(c, "Reason", m->zReason);
		c->zLinkLabel = "Open your dashboard";
		snprintf(zJoin, nJoin, "%s/", m->zPublicUrl ? m->zPublicUrl : "");
		c->zLink = zJoin;
		c->zNote1 = "The time is free again in your calendar; you can restore the session while it is.";
		return true;
	}
	if (is_kind(m, "onboarding") && m->zUrl != NULL && strstr(m->zUrl, "#token=") == NULL) {
		/* someone who already has an account, now also this practice's client: no link to set up */
		snprintf(c->zSubject, sizeof(c->zSubject), "%s added you as a client", zPractice);
		snprintf(c->zLead, sizeof(c->zLead),
			 "%s has added you as a client. Your sessions with them will be on your dashboard.", zPractice);
		c->zLinkLabel = "Log in";
		c->zLink = m->zUrl;
		return true;
	}
	if (is_kind(m, "onboarding")) {
		snprintf(c->zSubject, sizeof(c->zSubject), "%s invites you to vsession", zPractice);
		snprintf(c->zLead, sizeof(c->zLead),
			 "%s has added you as a client on vsession, where your video sessions will be.", zPractice);
		c->zLinkLabel = "Set your password";
		c->zLink = m->zUrl;
		c->zNote1 = "The link works once and for 7 days.";
		return m->zUrl != NULL;
	}
	if (is_kind(m, "password_reset")) {
		snprintf(c->zSubject, sizeof(c->zSubject), "Reset your vsession password");
		snprintf(c->zLead, sizeof(c->zLead), "Someone (we hope you) asked to reset the password of this account.");
		c->zLinkLabel = "Choose a new password";
		c->zLink = m->zUrl;
		c->zNote1 = "The link works once and for 30 minutes; using it signs out every other login.";
		c->zNote2 = "If you did not ask for this, ignore this email: your password stays as it is.";
		return m->zUrl != NULL;
	}
	return false;
}

enum vs_err vs_mail_subject(struct vs_buf *b, const struct vs_mail *m)
{
	struct content c;
	char zWhen[300], zJoin[600];

	if (!describe(m, &c, zWhen, sizeof(zWhen), zJoin, sizeof(zJoin)))
		return VS_ERR_INVALID;
	return vs_buf_puts(b, c.zSubject);
}

static void render_text(struct vs_buf *t, const struct vs_mail *m, const struct content *c)
{
	vs_buf_printf(t, "Hello %s,\r\n\r\n%s\r\n\r\n", m->zToName && *m->zToName ? m->zToName : "", c->zLead);
	for (int i = 0; i < c->nRow; i++)
		vs_buf_printf(t, "%s: %s\r\n", c->azLabel[i], c->azValue[i]);
	if (c->nRow > 0)
		vs_buf_puts(t, "\r\n");
	if (c->zLink != NULL)
		vs_buf_printf(t, "%s: %s\r\n\r\n", c->zLinkLabel, c->zLink);
	if (c->zNote1 != NULL)
		vs_buf_printf(t, "%s\r\n", c->zNote1);
	if (c->zNote2 != NULL)
		vs_buf_printf(t, "%s\r\n", c->zNote2);
	if (m->zUnsubscribeUrl != NULL)
		vs_buf_printf(t, "\r\nNo more reminders? Turn them off in your settings: %s/settings\r\n", m->zPublicUrl);
}

static void render_html(struct vs_buf *h, const struct vs_mail *m, const struct content *c)
{
	vs_buf_puts(h, "<!doctype html><html><head><meta charset=\"utf-8\"><title>");
	put_html(h, c->zSubject);
	vs_buf_puts(h, "</title></head><body style=\"margin:0;padding:24px;background:#f4f4f7;"
		    "font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2933\">"
		    "<div style=\"max-width:560px;margin:0 auto;background:#fff;border-radius:8px;padding:28px\">"
		    "<p style=\"margin:0 0 4px;color:#6b46c1;font-weight:600\">");
	put_html(h, m->zPractice);
	vs_buf_puts(h, "</p><h1 style=\"font-size:20px;margin:0 0 16px\">");
	put_html(h, c->zSubject);
	vs_buf_puts(h, "</h1><p>Hello ");
	put_html(h, m->zToName);
	vs_buf_puts(h, ",</p><p>");
	put_html(h, c->zLead);
	vs_buf_puts(h, "</p>");
	if (c->nRow > 0) {
		vs_buf_puts(h, "<table style=\"border-collapse:collapse;margin:16px 0\">");
		for (int i = 0; i < c->nRow; i++) {
			vs_buf_puts(h, "<tr><th style=\"text-align:left;padding:4px 16px 4px 0;color:#52606d;font-weight:500\">");
			put_html(h, c->azLabel[i]);
			vs_buf_puts(h, "</th><td style=\"padding:4px 0\">");
			put_html(h, c->azValue[i]);
			vs_buf_puts(h, "</td></tr>");
		}
		vs_buf_puts(h, "</table>");
	}
	if (c->zLink != NULL) {
		vs_buf_puts(h, "<p style=\"margin:24px 0\"><a href=\"");
		put_html(h, c->zLink);
		vs_buf_puts(h, "\" style=\"background:#6b46c1;color:#fff;padding:10px 18px;border-radius:6px;"
			    "text-decoration:none;display:inline-block\">");
		put_html(h, c->zLinkLabel);
		vs_buf_puts(h, "</a></p><p style=\"font-size:13px;color:#52606d\">Or open: ");
		put_html(h, c->zLink);
		vs_buf_puts(h, "</p>");
	}
	for (int i = 0; i < 2; i++) {
		const char *zNote = i == 0 ? c->zNote1 : c->zNote2;

		if (zNote != NULL) {
			vs_buf_puts(h, "<p>");
			put_html(h, zNote);
			vs_buf_puts(h, "</p>");
		}
	}
	if (m->zUnsubscribeUrl != NULL) {
		vs_buf_puts(h, "<p style=\"font-size:12px;color:#7b8794\">No more reminders? <a href=\"");
		put_html(h, m->zPublicUrl);
		vs_buf_puts(h, "/settings\">Turn them off in your settings</a>.</p>");
	}
	vs_buf_puts(h, "</div></body></html>\r\n");
}

/* An iCalendar property line "NAME;CN=...:mailto:addr", folded at 75 octets. */
static void put_ics_person(struct vs_buf *b, const char *zProp, const char *zName, const char *zAddr)
{
	struct vs_buf l = VS_BUF_INIT;
	size_t nCol = 0;

	vs_buf_printf(&l, "%s;CN=\"", zProp);
	for (const char *p = zName ? zName : ""; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x20 && *p != '"' && *p != 0x7f)
			vs_buf_putc(&l, *p);
	vs_buf_printf(&l, "\"%s:mailto:%s", strcmp(zProp, "ATTENDEE") == 0 ? ";ROLE=REQ-PARTICIPANT;RSVP=FALSE" : "", zAddr);
	for (size_t i = 0; i < l.nLen;) {
		size_t nSeq = utf8_len((unsigned char)l.zData[i]);
		if (nCol + nSeq > 75) {
			vs_buf_puts(b, "\r\n ");
			nCol = 1;
		}
		vs_buf_append(b, l.zData + i, nSeq <= l.nLen - i ? nSeq : l.nLen - i);
		nCol += nSeq;
		i += nSeq;
	}
	vs_buf_puts(b, "\r\n");
	vs_buf_free(&l);
}

/*
 * A series' invitation: the series' calendar object (the same UID as its .ics,
 * the rule and the dates it skipped), from the facts of ev and m->pSeries.
 */
static enum vs_err render_series_ics(struct vs_buf *b, const struct vs_mail *m, const struct vs_ics_event *ev)
{
	const struct vs_mail_series *p = m->pSeries;
	const char *azEx[64];
	char zUid[300], zEx[64 * 16];
	struct vs_ics_series s;
	bool bUtc;

	if (p->zTz == NULL || p->zStartLocal == NULL || p->zEndLocal == NULL)
		return VS_ERR_INVALID;
	snprintf(zUid, sizeof(zUid), "video-series-%lld@%s", (long long)p->iId, m->zHost);
	bUtc = !strcmp(p->zTz, "UTC") || !strcmp(p->zTz, "Etc/UTC");
	memset(&s, 0, sizeof(s));
	s.master = *ev;
	s.master.zUid = zUid;
	s.master.zDescription = "Weekly video sessions. Join each from the link at its start time.";
	s.zTzid = bUtc ? NULL : p->zTz;
	s.zStartLocal = p->zStartLocal;
	s.zEndLocal = p->zEndLocal;
	s.nInterval = p->nInterval;
	s.nCount = p->nCount;
	s.azExdate = azEx;
	if (p->zExdates != NULL) {
		/* "20270104T100000,20270111T100000": cut into the local times */
		snprintf(zEx, sizeof(zEx), "%s", p->zExdates);
		for (char *z = zEx, *e; z != NULL && *z != '\0' && s.nExdate < 64; z = e) {
			e = strchr(z, ',');
			if (e != NULL)
				*e++ = '\0';
			azEx[s.nExdate++] = z;
		}
	}
	return vs_ics_write_series(b, &s);
}

/* The calendar object of m with method zMethod, into b. */
static enum vs_err render_ics(struct vs_buf *b, const struct vs_mail *m, const char *zMethod)
{
	struct vs_buf raw = VS_BUF_INIT;
	struct vs_ics_event ev;
	char zUid[300], zJoin[600];
	const char *zMeth, *zStatus;
	enum vs_err rc;

	snprintf(zUid, sizeof(zUid), "video-session-%lld@%s", (long long)m->iSessionId, m->zHost);
	snprintf(zJoin, sizeof(zJoin), "%s/join/%lld", m->zPublicUrl, (long long)m->iSessionId);
	memset(&ev, 0, sizeof(ev));
	ev.zUid = zUid;
	ev.iSequence = m->iSequence;
	ev.iStampUs = m->iDateUs / VS_US_PER_SEC * VS_US_PER_SEC;
	ev.iStartUs = m->iStartUs;
	ev.iEndUs = m->iEndUs;
	ev.iCreatedUs = m->iCreatedUs / VS_US_PER_SEC * VS_US_PER_SEC;
	ev.iModifiedUs = ev.iStampUs;
	ev.zSummary = m->zTitle != NULL ? m->zTitle : "Video session";
	ev.zUrl = zJoin;
	ev.zDescription = "Video session. Join from the link at the start time.";
	ev.bCancelled = strcmp(zMethod, "CANCEL") == 0;
	if (m->pSeries != NULL && strcmp(zMethod, "REQUEST") == 0)
		rc = render_series_ics(&raw, m, &ev);
	else
		rc = vs_ics_write(&raw, &ev);
	if (rc != VS_OK)
		goto out;
	/* the object as vs_ics_write makes it, with the iTIP method and the two people added */
	zMeth = strstr(raw.zData, "METHOD:PUBLISH\r\n");
	zStatus = strstr(raw.zData, ev.bCancelled ? "STATUS:CANCELLED\r\n" : "STATUS:CONFIRMED\r\n");
	if (zMeth == NULL || zStatus == NULL) {
		rc = VS_ERR_INTERNAL;
		goto out;
	}
	vs_buf_append(b, raw.zData, (size_t)(zMeth - raw.zData));
	vs_buf_printf(b, "METHOD:%s\r\n", zMethod);
	zMeth += strlen("METHOD:PUBLISH\r\n");
	vs_buf_append(b, zMeth, (size_t)(zStatus - zMeth));
	put_ics_person(b, "ORGANIZER", m->zPractice, m->zFromEmail);
	put_ics_person(b, "ATTENDEE", m->zToName, m->zToEmail);
	vs_buf_puts(b, zStatus);
	rc = b->bFailed ? VS_ERR_NOMEM : VS_OK;
out:
	vs_buf_free(&raw);
	return rc;
}

/* RFC 5322 date of us, e.g. "Tue, 01 Dec 2026 15:00:00 +0000". */
static void put_date(struct vs_buf *b, int64_t us)
{
	static const char *const azDay[7] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed" };
	static const char *const azMon[12] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	char zIso[VS_TIME_FORMAT_MAX];
	int64_t iDays = us / VS_US_PER_SEC / 86400;
	int iMon;

	vs_time_format_utc(us, zIso);
	iMon = (zIso[5] - '0') * 10 + (zIso[6] - '0');
	if (iMon < 1 || iMon > 12)
		iMon = 1;
	vs_buf_printf(b, "%s, %.2s %s %.4s %.8s +0000", azDay[iDays % 7], zIso + 8, azMon[iMon - 1], zIso, zIso + 11);
}

enum vs_err vs_mail_render(struct vs_buf *b, const struct vs_mail *m)
{
	struct content c;
	struct vs_buf part = VS_BUF_INIT;
	char zWhen[300], zJoin[600], zBoundary[64], zAlt[64];
	enum vs_err rc = VS_OK;

	if (!vs_mail_address_ok(m->zToEmail) || !vs_mail_address_ok(m->zFromEmail) ||
	    !token_ok(m->zHost, false) || !token_ok(m->zMessageId, true))
		return VS_ERR_INVALID;
	if (!describe(m, &c, zWhen, sizeof(zWhen), zJoin, sizeof(zJoin)))
		return VS_ERR_INVALID;
	if (m->zUnsubscribeUrl != NULL && strpbrk(m->zUnsubscribeUrl, "\r\n<> \"") != NULL)
		return VS_ERR_INVALID;
	/* boundaries made of the message id: base64 and the fixed texts can never contain them */
	snprintf(zBoundary, sizeof(zBoundary), "=_m_%.40s", m->zMessageId);
	snprintf(zAlt, sizeof(zAlt), "=_a_%.40s", m->zMessageId);

	vs_buf_puts(b, "From: ");
	put_mailbox(b, m->zPractice, m->zFromEmail);
	vs_buf_puts(b, "\r\nTo: ");
	put_mailbox(b, m->zToName, m->zToEmail);
	vs_buf_puts(b, "\r\nSubject: ");
	vs_mail_put_encoded_words(b, c.zSubject);
	vs_buf_puts(b, "\r\nDate: ");
	put_date(b, m->iDateUs);
	vs_buf_printf(b, "\r\nMessage-ID: <%s@%s>\r\n", m->zMessageId, m->zHost);
	vs_buf_puts(b, "MIME-Version: 1.0\r\nAuto-Submitted: auto-generated\r\n");
	if (m->zUnsubscribeUrl != NULL)
		vs_buf_printf(b, "List-Unsubscribe: <%s>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
			      m->zUnsubscribeUrl);
	vs_buf_printf(b, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n", zBoundary);
	vs_buf_puts(b, "This is a MIME message.\r\n");

	vs_buf_printf(b, "--%s\r\nContent-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n", zBoundary, zAlt);
	render_text(&part, m, &c);
	vs_buf_printf(b, "--%s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n", zAlt);
	put_base64(b, (const unsigned char *)vs_buf_str(&part), part.nLen);
	if (part.bFailed)
		rc = VS_ERR_NOMEM;
	vs_buf_reset(&part);
	render_html(&part, m, &c);
	vs_buf_printf(b, "--%s\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n", zAlt);
	put_base64(b, (const unsigned char *)vs_buf_str(&part), part.nLen);
	if (part.bFailed)
		rc = VS_ERR_NOMEM;
	vs_buf_printf(b, "--%s--\r\n", zAlt);

	if (c.zIcsMethod != NULL && rc == VS_OK) {
		vs_buf_reset(&part);
		if ((rc = render_ics(&part, m, c.zIcsMethod)) == VS_OK) {
			vs_buf_printf(b, "--%s\r\nContent-Type: text/calendar; charset=utf-8; method=%s; name=\"invite.ics\"\r\n"
				      "Content-Disposition: attachment; filename=\"invite.ics\"\r\n"
				      "Content-Transfer-Encoding: base64\r\n\r\n", zBoundary, c.zIcsMethod);
			put_base64(b, (const unsigned char *)vs_buf_str(&part), part.nLen);
		}
	}
	vs_buf_printf(b, "--%s--\r\n", zBoundary);
	vs_buf_free(&part);
	if (rc == VS_OK && b->bFailed)
		rc = VS_ERR_NOMEM;
	return rc;
}
