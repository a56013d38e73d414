/*
 * smtp.c — libcurl's SMTP client, one message per call (see smtp.h).
 *
 * libcurl does the protocol: EHLO, STARTTLS, AUTH, MAIL FROM, RCPT TO, DATA
 * and the dot-stuffing of the body. What it reports is mapped to three
 * outcomes by the last SMTP reply code: 5xx is the server's final word,
 * anything else that is not a 250 is worth another try later.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "smtp.h"

struct smtp {
	const struct smtp_config *cfg;
	CURL *pCurl;
};

struct upload {
	const char *z;
	size_t n, i;
};

static size_t read_cb(char *pOut, size_t nSize, size_t nItems, void *pArg)
{
	struct upload *u = pArg;
	size_t n = nSize * nItems;

	if (n > u->n - u->i)
		n = u->n - u->i;
	memcpy(pOut, u->z + u->i, n);
	u->i += n;
	return n;
}

struct smtp *smtp_new(const struct smtp_config *cfg)
{
	struct smtp *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->cfg = cfg;
	s->pCurl = curl_easy_init();
	if (s->pCurl == NULL) {
		free(s);
		return NULL;
	}
	return s;
}

void smtp_free(struct smtp *s)
{
	if (s == NULL)
		return;
	curl_easy_cleanup(s->pCurl);
	free(s);
}

/* A reason for people from an SMTP reply code. */
static const char *reply_meaning(long iCode)
{
	switch (iCode) {
	case 421: return "mail server unavailable";
	case 450: return "mailbox busy or unavailable";
	case 451: return "mail server error";
	case 452: return "mail server out of space";
	case 550: return "mailbox unavailable";
	case 551: return "recipient not local";
	case 552: return "mailbox full";
	case 553: return "address not accepted";
	case 554: return "message refused";
	case 530: case 535: case 534: return "mail server refused the login";
	default: return iCode >= 500 ? "refused by the mail server" : "temporarily refused by the mail server";
	}
}

enum smtp_result smtp_send(struct smtp *s, const char *zFrom, const char *zTo, const char *zData, size_t nData,
			   char *zWhy, size_t nWhy)
{
	CURL *c = s->pCurl;
	struct curl_slist *pRcpt = NULL;
	struct upload u = { zData, nData, 0 };
	char zAngleFrom[300], zAngleTo[300], zErr[CURL_ERROR_SIZE] = "";
	long iCode = 0;
	CURLcode e;
	bool bPassword = s->cfg->zPassword != NULL && s->cfg->zPassword[0] != '\0';

	snprintf(zAngleFrom, sizeof(zAngleFrom), "<%s>", zFrom);
	snprintf(zAngleTo, sizeof(zAngleTo), "<%s>", zTo);
	pRcpt = curl_slist_append(NULL, zAngleTo);
	if (pRcpt == NULL) {
		snprintf(zWhy, nWhy, "out of memory");
		return SMTP_TEMPORARY;
	}
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, s->cfg->zUrl);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_USE_SSL, (long)(bPassword ? CURLUSESSL_ALL : CURLUSESSL_TRY));
	if (s->cfg->zUser != NULL && s->cfg->zUser[0] != '\0')
		curl_easy_setopt(c, CURLOPT_USERNAME, s->cfg->zUser);
	if (bPassword)
		curl_easy_setopt(c, CURLOPT_PASSWORD, s->cfg->zPassword);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, zAngleFrom);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, pRcpt);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)nData);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, s->cfg->iConnectTimeoutSec);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, s->cfg->iTimeoutSec);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, zErr);
	e = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &iCode);
	curl_slist_free_all(pRcpt);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, NULL);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
	if (e == CURLE_OK && (iCode == 0 || (iCode >= 200 && iCode < 300)))
		return SMTP_SENT;
	if (iCode >= 400 && iCode < 600) {
		snprintf(zWhy, nWhy, "%s (%ld)", reply_meaning(iCode), iCode);
		return iCode >= 500 && iCode != 530 && iCode != 534 && iCode != 535 ? SMTP_PERMANENT : SMTP_TEMPORARY;
	}
	switch (e) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
		snprintf(zWhy, nWhy, "mail server unreachable");
		break;
	case CURLE_OPERATION_TIMEDOUT:
		snprintf(zWhy, nWhy, "mail server too slow (timed out)");
		break;
	case CURLE_USE_SSL_FAILED:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
		snprintf(zWhy, nWhy, "TLS with the mail server failed");
		break;
	case CURLE_LOGIN_DENIED:
		snprintf(zWhy, nWhy, "mail server refused the login");
		break;
	default:
		snprintf(zWhy, nWhy, "connection to the mail server lost (%s)", curl_easy_strerror(e));
	}
	return SMTP_TEMPORARY;
}
