/*
 * fuzz_ics.c — libFuzzer harness for vs_ics_write().
 *
 * Input layout: a 12-byte header (flags, sequence, start, duration, age),
 * then UID, summary, URL and description separated by NUL bytes. The header
 * maps mostly onto valid times; flag bit 2 passes raw values instead, to
 * exercise the refusals.
 *
 * Properties checked (abort() on a violation): a refused event leaves the
 * buffer empty and says VS_ERR_INVALID; a written one starts and ends the
 * VCALENDAR, every line is at most 75 octets and ends in CRLF with no other
 * CR or LF, no fold splits a UTF-8 sequence, and unfolding and unescaping
 * the SUMMARY line gives back the summary (line breaks as LF, other control
 * characters as spaces), with no bare ',' or ';' in it.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vsession/ics.h"

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData);

#define HEADER 12
#define US 1000000LL
#define Y2020 1577836800LL

static uint32_t read_le(const uint8_t *a, size_t n)
{
	uint32_t v = 0;

	for (size_t k = n; k-- > 0;)
		v = v << 8 | a[k];
	return v;
}

/* Every line at most 75 octets, CRLF-terminated, no bare CR/LF, folds between characters. */
static void check_lines(const char *z, size_t n)
{
	size_t i = 0;

	while (i < n) {
		const char *zEnd = strstr(z + i, "\r\n");
		size_t nLine;
		if (zEnd == NULL)
			abort();
		nLine = (size_t)(zEnd - (z + i));
		if (nLine > 75 || memchr(z + i, '\n', nLine) != NULL || memchr(z + i, '\r', nLine) != NULL)
			abort();
		if (z[i] == ' ' && nLine > 1 && ((unsigned char)z[i + 1] & 0xC0) == 0x80)
			abort();
		if (nLine > 0 && ((unsigned char)zEnd[-1] & 0xC0) == 0xC0)
			abort();
		i += nLine + 2;
	}
}

/* The summary as it must come back after unescaping. */
static void expected_summary(const char *zIn, char *zOut)
{
	while (*zIn != '\0') {
		unsigned char c = (unsigned char)*zIn++;
		if (c == '\r') {
			if (*zIn == '\n')
				zIn++;
			*zOut++ = '\n';
		} else if (c == '\n') {
			*zOut++ = '\n';
		} else if ((c < 0x20 && c != '\t') || c == 0x7F) {
			*zOut++ = ' ';
		} else {
			*zOut++ = (char)c;
		}
	}
	*zOut = '\0';
}

/* Unfolds z in place, finds "SUMMARY:", unescapes its value into zOut. */
static void actual_summary(char *z, char *zOut)
{
	char *o = z, *p;

	for (p = z; *p != '\0';) {
		if (p[0] == '\r' && p[1] == '\n' && p[2] == ' ')
			p += 3;
		else
			*o++ = *p++;
	}
	*o = '\0';
	p = strstr(z, "\r\nSUMMARY:");
	if (p == NULL)
		abort();
	for (p += 10; !(p[0] == '\r' && p[1] == '\n'); p++) {
		if (*p == ',' || *p == ';' || *p == '\0')
			abort();
		if (*p == '\\') {
			p++;
			if (*p == 'n')
				*zOut++ = '\n';
			else if (*p == '\\' || *p == ',' || *p == ';')
				*zOut++ = *p;
			else
				abort();
		} else {
			*zOut++ = *p;
		}
	}
	*zOut = '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData)
{
	uint8_t aHead[HEADER] = { 0 };
	char *zFields, *azField[4] = { "", "", "", NULL }, *zWant = NULL, *zGot = NULL;
	size_t nBody, nField = 0;
	struct vs_ics_event ev;
	struct vs_buf b = VS_BUF_INIT;
	enum vs_err rc;

	memcpy(aHead, aData, nData < HEADER ? nData : HEADER);
	nBody = nData > HEADER ? nData - HEADER : 0;
	zFields = malloc(nBody + 1);
	if (zFields == NULL)
		return 0;
	if (nBody > 0)
		memcpy(zFields, aData + HEADER, nBody);
	zFields[nBody] = '\0';
	azField[nField++] = zFields;
	for (size_t k = 0; k < nBody && nField < 4; k++) {
		if (zFields[k] == '\0')
			azField[nField++] = zFields + k + 1;
	}

	memset(&ev, 0, sizeof(ev));
	ev.zUid = azField[0];
	ev.zSummary = azField[1];
	ev.zUrl = (aHead[0] & 8) ? azField[2] : "https://vsession.example.org/join/42";
	ev.zDescription = (aHead[0] & 2) ? azField[3] : NULL;
	ev.bCancelled = aHead[0] & 1;
	ev.iSequence = (int64_t)read_le(aHead + 1, 2);
	if (aHead[0] & 4) {
		/* raw, often invalid values */
		ev.iSequence -= 0x8000;
		ev.iStartUs = (int64_t)(int32_t)read_le(aHead + 3, 4) * US * 64;
		ev.iEndUs = ev.iStartUs + ((int64_t)(int16_t)read_le(aHead + 7, 2)) * 60 * US;
		ev.iCreatedUs = ev.iStartUs - (int64_t)read_le(aHead + 9, 3) * US * 1000;
	} else {
		ev.iStartUs = (Y2020 + (int64_t)read_le(aHead + 3, 4)) * US + aHead[11];
		ev.iEndUs = ev.iStartUs + (1 + (int64_t)read_le(aHead + 7, 2)) * 60 * US;
		ev.iCreatedUs = ev.iStartUs - (int64_t)read_le(aHead + 9, 2) * US * 60;
	}
	ev.iModifiedUs = ev.iCreatedUs + 1;
	ev.iStampUs = ev.iCreatedUs;

	rc = vs_ics_write(&b, &ev);
	if (rc != VS_OK) {
		if (rc != VS_ERR_INVALID || b.nLen != 0 || vs_buf_str(&b)[0] != '\0')
			abort();
		goto out;
	}
	if (strncmp(b.zData, "BEGIN:VCALENDAR\r\n", 17) != 0 || b.nLen < 15 ||
	    strcmp(b.zData + b.nLen - 15, "END:VCALENDAR\r\n") != 0 || strlen(b.zData) != b.nLen)
		abort();
	check_lines(b.zData, b.nLen);
	zWant = malloc(strlen(ev.zSummary) + 1);
	zGot = malloc(b.nLen + 1);
	if (zWant == NULL || zGot == NULL)
		goto out;
	expected_summary(ev.zSummary, zWant);
	actual_summary(b.zData, zGot);
	if (strcmp(zWant, zGot) != 0)
		abort();
out:
	free(zWant);
	free(zGot);
	free(zFields);
	vs_buf_free(&b);
	return 0;
}
