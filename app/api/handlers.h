/*
 * handlers.h — one function per (route, method); see routes.c for the table.
 *
 * A handler runs after routing, authentication and body parsing. It
 * validates its input against declared fields, asks the library to decide
 * and act, and writes the answer. Handlers hold no SQL.
 */
#ifndef VSESSION_HANDLERS_H
#define VSESSION_HANDLERS_H

#include "http.h"
#include "vsession/jsonin.h"
#include "vsession/query.h"

void vs_h_health(struct vs_ctx *ctx);
void vs_h_login(struct vs_ctx *ctx);
void vs_h_logout(struct vs_ctx *ctx);
void vs_h_me(struct vs_ctx *ctx);
void vs_h_partner_clients(struct vs_ctx *ctx);

void vs_h_session_create(struct vs_ctx *ctx);
void vs_h_session_get(struct vs_ctx *ctx);
void vs_h_session_update(struct vs_ctx *ctx);
void vs_h_session_delete(struct vs_ctx *ctx);
void vs_h_partner_sessions(struct vs_ctx *ctx);
void vs_h_user_sessions(struct vs_ctx *ctx);
void vs_h_session_verify(struct vs_ctx *ctx);
void vs_h_session_ics(struct vs_ctx *ctx);

void vs_h_session_join(struct vs_ctx *ctx);
void vs_h_session_invite(struct vs_ctx *ctx);
void vs_h_guest_join(struct vs_ctx *ctx);
void vs_h_session_unlock(struct vs_ctx *ctx);

/* handlers_people.c */
void vs_h_guest_preview(struct vs_ctx *ctx);
void vs_h_join_hint(struct vs_ctx *ctx);
void vs_h_session_password_state(struct vs_ctx *ctx);
void vs_h_session_cancel(struct vs_ctx *ctx);
/* handlers_attendance.c */
void vs_h_session_restore(struct vs_ctx *ctx);
void vs_h_reschedule_request(struct vs_ctx *ctx);
void vs_h_partner_notices(struct vs_ctx *ctx);
void vs_h_notice_dismiss(struct vs_ctx *ctx);

/* handlers_presence.c */
void vs_h_presence_beat(struct vs_ctx *ctx);
void vs_h_presence_guest_beat(struct vs_ctx *ctx);
void vs_h_partner_presence(struct vs_ctx *ctx);

void vs_h_appointments_list(struct vs_ctx *ctx);
void vs_h_appointment_create(struct vs_ctx *ctx);
void vs_h_appointment_get(struct vs_ctx *ctx);
void vs_h_appointment_update(struct vs_ctx *ctx);
void vs_h_appointment_delete(struct vs_ctx *ctx);
void vs_h_calendar(struct vs_ctx *ctx);

void vs_h_test_sleep(struct vs_ctx *ctx);

void vs_h_session_messages(struct vs_ctx *ctx);
void vs_h_session_resend_invitation(struct vs_ctx *ctx);
void vs_h_email_unsubscribe(struct vs_ctx *ctx);

/*
 * Validates the request body against aField (see jsonin.h). On failure
 * answers 422 validation_failed naming the field and returns false.
 */
bool vs_h_form(struct vs_ctx *ctx, const struct vs_field *aField, size_t nField,
	       struct vs_value *aValue);

/* Parses the query string against the allowed keys; 422 naming the key on failure. */
bool vs_h_query(struct vs_ctx *ctx, const char *const *azAllowed, struct vs_query *q);

/* Answers 422 validation_failed for zField with zMessage. */
void vs_h_invalid(struct vs_ctx *ctx, const char *zField, const char *zMessage);

/* The caller as an origin for audit rows and rate-limit keys. */
struct vs_origin vs_h_origin(const struct vs_ctx *ctx);

/* Answers a login session just opened: the token and expiry, its two cookies, the user. */
void vs_h_login_answer(struct vs_ctx *ctx, const struct vs_user *u, const char *zSid, const char *zDeviceCookie);

/* Writes the user object {"id","role","name","email","timezone"}. */
void vs_h_user_json(struct vs_buf *b, const struct vs_user *u);

/*
 * What a handler hands the library and gets back: the caller's view (with
 * the origin it points to) and the outcome a refusal describes. Lives on the
 * handler's stack; nothing to free.
 */
struct vs_h_call {
	struct vs_origin  org;
	struct vs_view    v;
	struct vs_outcome o;
};
/* Fills k for this request. */
void vs_h_begin(struct vs_ctx *ctx, struct vs_h_call *k);
/*
 * The tail every handler that asks the library ends with: on VS_OK sets
 * the status iOkStatus and returns true; otherwise answers the refusal
 * (vs_h_refuse, which replaces whatever the library had written) and
 * returns false. zType and iObj name the object for the audit row of a 403.
 */
bool vs_h_finish(struct vs_ctx *ctx, struct vs_h_call *k, enum vs_err rc, int iOkStatus,
		 const char *zType, int64_t iObj);

/*
 * The latest time a booking may start: the configured horizon from now.
 * True when iUs lies more than iSlackUs beyond it.
 */
bool vs_h_beyond_horizon(const struct vs_ctx *ctx, int64_t iUs, int64_t iSlackUs);
/* Answers 422 for zField beyond the horizon. */
void vs_h_refuse_horizon(struct vs_ctx *ctx, const char *zField);

/* Answers a library refusal, with the outcome's field, message and details. */
void vs_h_refuse(struct vs_ctx *ctx, enum vs_err rc, const struct vs_outcome *o,
		 const char *zType, int64_t iObj);

#endif
