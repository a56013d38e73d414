/*
 * outbox.h — the email outbox: claiming, settling and listing messages.
 *
 * Rows are written by triggers and by the API in the transaction of the
 * change that causes them (sql/migrations/005_outbox.sql). A sender claims
 * a small batch of due rows inside a transaction with FOR UPDATE SKIP LOCKED,
 * so any number of senders on any number of hosts never take the same row;
 * it keeps that transaction (and the row locks) open while it talks SMTP,
 * settles each row in it as its answer comes, and commits the batch. A sender that dies at any point
 * releases the lock with its connection and the row is due again.
 */
#ifndef VSESSION_OUTBOX_H
#define VSESSION_OUTBOX_H

#include <stdbool.h>
#include <stdint.h>
#include "vsession/buf.h"
#include "vsession/db.h"
#include "vsession/error.h"

/* Columns of a claimed row (vs_outbox_claim). */
enum {
	OB_ID, OB_KIND, OB_EMAIL, OB_NAME, OB_MESSAGE_ID, OB_PASSWORD, OB_URL, OB_PRACTICE,
	OB_TITLE, OB_WHEN, OB_END_TIME, OB_ZONE, OB_OLD_WHEN, OB_START_US, OB_END_US,
	OB_SEQUENCE, OB_CREATED_US, OB_SESSION_ID, OB_USER_ID, OB_DROP, OB_ATTEMPTS, OB_NOW_US,
	/* a series' one invitation (payload "series"): its dates in the recipient's zone and its rule */
	OB_SERIES_DATES, OB_SERIES_ID, OB_SERIES_TZ, OB_SERIES_START_LOCAL, OB_SERIES_END_LOCAL,
	OB_SERIES_INTERVAL, OB_SERIES_COUNT, OB_SERIES_EXDATES,
	OB_CLIENT_NAME, OB_LATE, OB_REASON,   /* client_cancelled */
	OB__COUNT
};

/*
 * BEGIN, then locks up to nMax of the oldest due pending rows no other
 * sender holds and reads everything their messages need (times already in
 * the recipient's zone, the title only when the partner allows it), in id
 * order. *ppRows gets a result with 0 rows (nothing due; the transaction is
 * ended) or more (the transaction stays open: one vs_outbox_settle per row,
 * then vs_outbox_commit).
 */
enum vs_err vs_outbox_claim(struct vs_db *db, int nMax, PGresult **ppRows);
/* Commits the settled rows of a claim (rolls back and returns the error when it cannot). */
enum vs_err vs_outbox_commit(struct vs_db *db);

enum vs_outbox_outcome {
	VS_OUTBOX_SENT,      /* the SMTP server accepted it */
	VS_OUTBOX_RETRY,     /* a temporary failure: try again after a back-off, or fail after the give-up time */
	VS_OUTBOX_FAILED,    /* a permanent failure (5xx, unusable address) */
	VS_OUTBOX_DROPPED,   /* no longer to be sent (reminder of a cancelled session, reminders off) */
};

/*
 * Records the outcome of claimed row iId (zWhy: a short reason for people,
 * or NULL) in the claim's transaction. RETRY waits iRetryBaseSec * 2^(attempts - 1), at most
 * one hour, and turns into FAILED once the first try is iGiveUpSec old.
 * Secrets in the payload (password, url) are cleared with SENT, FAILED and
 * DROPPED. Rolls the whole claim back and returns the error when it fails.
 */
enum vs_err vs_outbox_settle(struct vs_db *db, int64_t iId, enum vs_outbox_outcome e, const char *zWhy,
			     int iRetryBaseSec, int iGiveUpSec);

/*
 * Writes the reminder rows that come due by now + iAheadSec (each at its own
 * moment; sql/migrations/011_reminders_at_send_time.sql has the rules) and
 * sets *pnPlanned to how many. Any number of senders may plan at once: each
 * reminder is written once.
 */
enum vs_err vs_outbox_plan_reminders(struct vs_db *db, int iAheadSec, int *pnPlanned);

/* Milliseconds until the next pending row is due (0 when one is due now, -1 when none is pending). */
enum vs_err vs_outbox_next_due_ms(struct vs_db *db, int64_t *piMs);

/* vsessionctl outbox: pending and failed rows as text lines into out. */
enum vs_err vs_outbox_list(struct vs_db *db, struct vs_buf *out);
/* vsessionctl outbox retry ID: a failed (or pending) row becomes due now. VS_ERR_NOT_FOUND otherwise. */
enum vs_err vs_outbox_retry(struct vs_db *db, int64_t iId);


/* ---- what the API offers ------------------------------------------------ */

struct vs_view;

/*
 * GET /api/video-sessions/:id/messages: the emails of session iId, newest
 * first, as {"messages":[...]} into out — kind, status, recipient, times,
 * tries and the last error. Only the owning partner (VS_ERR_NOT_FOUND for
 * anyone else, as if the session did not exist).
 */
enum vs_err vs_session_messages(struct vs_db *db, const struct vs_view *v, int64_t iId, struct vs_buf *out);

/*
 * POST /api/video-sessions/:id/messages/resend-invitation: queues the
 * scheduled-session email again (without a password: it is not kept in
 * clear) and writes the new message as JSON. VS_ERR_NOT_FOUND as above;
 * VS_ERR_INVALID_STATE for a cancelled or ended session.
 */
enum vs_err vs_session_resend_invitation(struct vs_db *db, const struct vs_view *v, int64_t iId,
					 struct vs_buf *out);

/*
 * The one-click unsubscribe (RFC 8058) of user iUser whose link carried
 * zMac: when zMac is the HMAC the mailer made (vs_keyed_hash_hex with
 * VS_UNSUBSCRIBE_LABEL under the server secret), reminders are turned off.
 * VS_ERR_NOT_FOUND for a wrong MAC or an unknown user.
 */
#define VS_UNSUBSCRIBE_LABEL "vsession unsubscribe v1"
enum vs_err vs_email_unsubscribe(struct vs_db *db, const unsigned char *pSecret, size_t nSecret,
				 int64_t iUser, const char *zMac);

/*
 * Queues a guest invite email for session iId to zEmail (a plain address,
 * checked here: VS_ERR_INVALID otherwise) named zName (may be NULL), with
 * the invite link zUrl, which leaves the outbox once sent. Meant to run in
 * the transaction that made the invite, after it: both commit or neither.
 */
enum vs_err vs_outbox_guest_invite(struct vs_db *db, int64_t iId, const char *zEmail, const char *zName,
				   const char *zUrl);

#endif
