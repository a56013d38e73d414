/*
 * errors.h — how each library error value is answered over HTTP: one row
 * per enum vs_err (errors.c), so the status, the code and the default
 * message of an answer are data, not a switch.
 *
 * Ownership: the table is static; nothing is allocated.
 */
#ifndef VSESSION_ERRORS_H
#define VSESSION_ERRORS_H

#include <stdbool.h>

#include "vsession/error.h"

struct vs_err_answer {
	int         iStatus;      /* 4xx or 5xx */
	const char *zCode;        /* one of openapi.yaml's ErrorCode values */
	const char *zMessage;     /* when the library gave none */
	const char *zRetryAfter;  /* a fixed Retry-After header value, or NULL */
	bool        bOutcome;     /* the library's message and field (vs_outcome) may be shown */
};

/* Indexed by enum vs_err; VS_OK has a row too (an error answered for success is a bug: 500). */
extern const struct vs_err_answer vs_aErrAnswer[VS_ERR__MAX];

/* The row for err; the VS_ERR_INTERNAL row for a value out of range. */
const struct vs_err_answer *vs_err_answer(enum vs_err err);

#endif
