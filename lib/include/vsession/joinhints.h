/*
 * joinhints.h — the signed hint a join link carries (lib/joinhints.c).
 *
 * Someone logged out who follows a join link should read "Log in to join
 * Weekly session with Dr Rivers", but session ids are sequential and nobody
 * is authenticated yet. So the links the product hands out (the session's
 * join_url, the emails) carry "?hint=<id>.<expiry>.<mac>": the session id and
 * the end of the session in Unix seconds, with an HMAC-SHA256 (truncated to
 * 128 bits, hex) under a key derived from the server secret (the JWT secret)
 * with its own label, as the device cookies do. Only a hint this server made,
 * for this session, before its expiry, opens the title, the therapist's name
 * and the start; anything else is "not found". The hint grants nothing else.
 */
#ifndef VSESSION_JOINHINTS_H
#define VSESSION_JOINHINTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vsession/buf.h"
#include "vsession/db.h"
#include "vsession/error.h"

#define VS_JOIN_HINT_MAX 88   /* "<id>.<expiry>.<32 hex>" and a NUL, with room */

/* A hint for session iId valid until iExpSec (Unix seconds) into zOut; false when no MAC could be made. */
bool vs_join_hint_make(const unsigned char *pSecret, size_t nSecret, int64_t iId, int64_t iExpSec,
		       char zOut[VS_JOIN_HINT_MAX]);

/*
 * True when the n bytes at z are a hint this server made, in its one
 * canonical spelling, not expired at iNowSec; then *piId is its session.
 * The MAC is compared in constant time.
 */
bool vs_join_hint_check(const unsigned char *pSecret, size_t nSecret, const char *z, size_t n,
			int64_t iNowSec, int64_t *piId);

/*
 * The secret the session objects' join_url is signed with; set once when a
 * process starts, which derives the hint key once for all of its requests.
 * Without it (or NULL) join_url is the bare join page.
 */
void vs_join_hints_use_secret(const unsigned char *pSecret, size_t nSecret);

/* Appends "<zPublicUrl>/join/<iId>?hint=<hint>" (valid until iEndUs) to b. */
void vs_join_url(struct vs_buf *b, const char *zPublicUrl, int64_t iId, int64_t iEndUs);

/*
 * What the login page may show for hint zHint on session iId:
 * {"title","partner":{"name"},"session_date"} appended to out. VS_ERR_NOT_FOUND
 * for a hint that is malformed, tampered with, expired or for another
 * session, and for a session that is gone or cancelled.
 */
enum vs_err vs_join_hint_preview(struct vs_db *db, const unsigned char *pSecret, size_t nSecret, int64_t iId,
				 const char *zHint, int64_t iNowUs, struct vs_buf *out);

#endif
