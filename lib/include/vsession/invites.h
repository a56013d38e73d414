/*
 * invites.h — guest invites to a video session (lib/invites.c).
 *
 * One live invite per session; only its SHA-256 is stored. Ownership: the
 * answer ({"invite_url"}) is appended to the caller's vs_buf, which carries
 * the only copy of the token.
 */
#ifndef VSESSION_INVITES_H
#define VSESSION_INVITES_H

#include <stdbool.h>
#include <stdint.h>

#include "vsession/buf.h"
#include "vsession/caller.h"
#include "vsession/db.h"
#include "vsession/error.h"

/* A new invite for session iId, replacing the old one, for its partner. */
enum vs_err vs_session_invite(struct vs_db *db, const struct vs_view *v, int64_t iId,
			      struct vs_buf *out, struct vs_outcome *pOut);
/* *pb: zHash (hex SHA-256 of a token) is session iId's live invite. */
enum vs_err vs_invite_is_live(struct vs_db *db, int64_t iId, const char *zHash, bool *pb);

#endif
