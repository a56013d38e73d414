/*
 * caller.h — who asks, from where, and what a refusal says: the types every
 * subsystem of the store takes and fills.
 *
 * Ownership: nothing here allocates. A vs_view and a vs_origin point at
 * strings the caller owns for the length of the call; a vs_outcome has
 * fixed-size fields and needs no freeing.
 */
#ifndef VSESSION_CALLER_H
#define VSESSION_CALLER_H

#include <stdbool.h>
#include <stdint.h>

#include "vsession/token.h"

enum vs_role { VS_ROLE_NONE = 0, VS_ROLE_PARTNER, VS_ROLE_CLIENT, VS_ROLE_ADMIN };

/* "partner", "client", "admin" ("none" for anything else); static storage. */
const char  *vs_role_name(enum vs_role e);
/* The role named z, VS_ROLE_NONE for anything else (NULL included). */
enum vs_role vs_role_parse(const char *z);

/* Who is calling: filled by authentication, iId == 0 for nobody. */
struct vs_caller {
	int64_t      iId;
	enum vs_role eRole;
	char         zSid[VS_SID_MAX];
};

/* What every audit row and every rate-limit key needs to know of the request. */
struct vs_origin {
	const char *zRequestId;
	const char *zClientAddr;
};

/* The request id to record (NULL when absent or implausibly long). */
const char *vs_origin_request_id(const struct vs_origin *o);

/* Who asks, when, and how to write links: passed to every subsystem call. */
struct vs_view {
	const struct vs_caller *c;
	const struct vs_origin *o;
	const char *zPublicUrl;   /* "https://host", no trailing slash */
	int64_t     iNowUs;
};

/* Why a request was refused, for the answer: 422 field and message, 409 details, 429 wait. */
struct vs_outcome {
	const char *zField;
	char        zMessage[256];
	bool        bConflict;
	char        zConflictKind[16];   /* "video_session" or "appointment" */
	int64_t     iConflictId, iConflictStartUs, iConflictEndUs;
	char        zConflictTitle[801];  /* the booking in the way: its title (200 code points) */
	int64_t     iConflictUserId;      /* and its client, 0 for none */
	char        zConflictUser[801];
	int         iRetryAfter;
	bool        bRemaining;          /* a wrong password: iRemaining tries are left */
	int         iRemaining;
};

/* Sets the field (may be NULL) and message of a refusal; o may be NULL. */
void vs_outcome_set(struct vs_outcome *o, const char *zField, const char *zMessage);

#endif
