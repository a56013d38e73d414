/* Routes whose handlers land in the next commits answer 404 until then. */
#include "handlers.h"
#define PENDING(fn) void fn(struct vs_ctx *ctx) { vs_http_error(ctx->res, 404, "not_found", "There is no such resource.", NULL); }
PENDING(vs_h_session_create) PENDING(vs_h_session_get) PENDING(vs_h_session_update)
PENDING(vs_h_session_delete) PENDING(vs_h_partner_sessions) PENDING(vs_h_user_sessions)
PENDING(vs_h_session_verify) PENDING(vs_h_session_ics) PENDING(vs_h_session_join)
PENDING(vs_h_session_invite) PENDING(vs_h_guest_join) PENDING(vs_h_appointments_list)
PENDING(vs_h_appointment_create) PENDING(vs_h_appointment_get) PENDING(vs_h_appointment_update)
PENDING(vs_h_appointment_delete) PENDING(vs_h_calendar)
