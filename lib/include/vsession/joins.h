/*
 * joins.h — entering a video room: members and guests (lib/joins.c).
 *
 * Ownership: the join answer (room, Jitsi token, configuration) is appended
 * to the caller's vs_buf, which the caller must drop on any error; refusals
 * are described in the caller's vs_outcome.
 */
#ifndef VSESSION_JOINS_H
#define VSESSION_JOINS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vsession/buf.h"
#include "vsession/caller.h"
#include "vsession/config.h"
#include "vsession/db.h"
#include "vsession/error.h"

/*
 * The answer of POST /api/video-sessions/{id}/join (openapi.yaml) for the
 * session's partner or client. In public Jitsi mode a client whose partner
 * is not in the room yet gets the waiting answer instead (waiting.h) and
 * *pbWaiting is set: the caller answers it with 202.
 */
enum vs_err vs_session_join(struct vs_db *db, const struct vs_view *v, const struct vs_jitsi_config *j,
			    int64_t iId, struct vs_buf *out, bool *pbWaiting, struct vs_outcome *pOut);
/*
 * The same for a guest holding the live invite zInvite (POST /api/join/{id});
 * the guest waits like the client, after the invite, window, password and
 * name checks have passed.
 */
enum vs_err vs_guest_join(struct vs_db *db, const struct vs_view *v, const struct vs_jitsi_config *j,
			  int64_t iId, const char *zInvite, const char *zPassword, size_t nPassword,
			  bool bPassword, const char *zName, struct vs_buf *out, bool *pbWaiting,
			  struct vs_outcome *pOut);

#endif
