/*
 * waiting.h — our waiting room in public Jitsi mode (lib/waiting.c).
 *
 * Public Jitsi has no tokens and so no lobby we control: whoever reaches the
 * room first is in. So the join endpoint holds the client and guests until
 * the partner is in the room, and the partner's own join (and every beat of
 * their room page) is what opens it. "In the room" is the partner's presence
 * row with place "room", refreshed within VS_PRESENCE_FRESH_SEC (40 s: the
 * room page beats every 15 s, so one lost beat does not close the room). A
 * client or guest let in before, who reloads while the partner is still in
 * the room, is let in again at once. The token modes never wait here: Jitsi's
 * own lobby admits the client there.
 */
#ifndef VSESSION_WAITING_H
#define VSESSION_WAITING_H

#include <stdbool.h>
#include <stdint.h>

#include "vsession/buf.h"
#include "vsession/db.h"
#include "vsession/error.h"

/* *pbIn: whether session iId's partner is in the room now (as above). */
enum vs_err vs_waiting_partner_in_room(struct vs_db *db, int64_t iId, bool *pbIn);

/*
 * Records session iId's partner (iPartner) in the room, as a beat of their
 * room page would: called when the partner is handed the room.
 */
enum vs_err vs_waiting_partner_entered(struct vs_db *db, int64_t iId, int64_t iPartner);

/*
 * Appends the answer of a held join to out:
 * {"waiting":true,"partner":{"name"},"message"}.
 */
void vs_waiting_answer(struct vs_buf *out, const char *zPartnerName);

#endif
