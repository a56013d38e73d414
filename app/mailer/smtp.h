/*
 * smtp.h — delivering one message over SMTP with libcurl.
 *
 * One handle per sender process; libcurl keeps the connection open between
 * messages and reconnects when the server has closed it. smtp:// upgrades
 * with STARTTLS when the server offers it (and requires it when a password
 * is configured: a password never crosses the network in clear); smtps://
 * is TLS from the first byte. Connect and whole-message timeouts bound how
 * long a slow or silent server can hold a message.
 */
#ifndef VSESSION_MAILER_SMTP_H
#define VSESSION_MAILER_SMTP_H

#include <stddef.h>

struct smtp_config {
	const char *zUrl;        /* smtp://host:port or smtps://host:port */
	const char *zUser;       /* AUTH user, or NULL */
	const char *zPassword;   /* AUTH password, or NULL */
	long        iConnectTimeoutSec;
	long        iTimeoutSec;
};

enum smtp_result {
	SMTP_SENT,       /* the server answered 250 to the end of DATA */
	SMTP_TEMPORARY,  /* 4xx, no connection, timeout, dropped connection: try again later */
	SMTP_PERMANENT,  /* 5xx: the server refuses this message or recipient */
};

struct smtp;

/* A handle for cfg (whose strings must outlive it); NULL when libcurl cannot make one. */
struct smtp *smtp_new(const struct smtp_config *cfg);
void smtp_free(struct smtp *s);

/*
 * Sends the nData bytes at zData (a whole RFC 5322 message, CRLF line ends)
 * from zFrom to zTo. On anything but SMTP_SENT writes a short reason for
 * people ("mailbox unavailable (550)") into zWhy.
 */
enum smtp_result smtp_send(struct smtp *s, const char *zFrom, const char *zTo, const char *zData, size_t nData,
			   char *zWhy, size_t nWhy);

#endif
