/*
 * routes.c — the route table: every path of the API, its methods and handlers.
 *
 * The order of entries must follow enum vs_route. The authorization matrix
 * test walks this same table, so a route added here is tested for every role.
 */
#include "handlers.h"
#include "handlers_account.h"
#include "router.h"

#define M(meth, fn, flags) { (meth), (fn), (flags) }

const struct vs_route_def vs_aRoute[ROUTE__MAX] = {
	[ROUTE_HEALTH] = { "/api/health", "health",
		{ M(VS_GET, vs_h_health, VS_RF_PUBLIC), M(VS_HEAD, vs_h_health, VS_RF_PUBLIC) }, 2 },
	[ROUTE_LOGIN] = { "/api/auth/login", "auth.login",
		{ M(VS_POST, vs_h_login, VS_RF_PUBLIC | VS_RF_BODY) }, 1 },
	[ROUTE_LOGOUT] = { "/api/auth/logout", "auth.logout",
		{ M(VS_POST, vs_h_logout, VS_RF_BODY_OPTIONAL) }, 1 },
	[ROUTE_ME] = { "/api/auth/me", "auth.me",
		{ M(VS_GET, vs_h_me, 0) }, 1 },
	[ROUTE_PARTNER_CLIENTS] = { "/api/partners/:id/clients", "partner.clients",
		{ M(VS_GET, vs_h_partner_clients, 0), M(VS_POST, vs_h_client_add, VS_RF_BODY) }, 2 },
	[ROUTE_SESSIONS] = { "/api/video-sessions", "video-session.create",
		{ M(VS_POST, vs_h_session_create, VS_RF_BODY) }, 1 },
	[ROUTE_SESSION] = { "/api/video-sessions/:id", "video-session",
		{ M(VS_GET, vs_h_session_get, 0), M(VS_PUT, vs_h_session_update, VS_RF_BODY),
		  M(VS_DELETE, vs_h_session_delete, 0) }, 3 },
	[ROUTE_PARTNER_SESSIONS] = { "/api/partners/:id/video-sessions", "partner.video-sessions",
		{ M(VS_GET, vs_h_partner_sessions, 0) }, 1 },
	[ROUTE_USER_SESSIONS] = { "/api/users/:id/video-sessions", "user.video-sessions",
		{ M(VS_GET, vs_h_user_sessions, 0) }, 1 },
	[ROUTE_SESSION_VERIFY] = { "/api/video-sessions/:id/verify-password", "video-session.verify-password",
		{ M(VS_POST, vs_h_session_verify, VS_RF_BODY) }, 1 },
	[ROUTE_SESSION_JOIN] = { "/api/video-sessions/:id/join", "video-session.join",
		{ M(VS_POST, vs_h_session_join, VS_RF_BODY_OPTIONAL) }, 1 },
	[ROUTE_SESSION_INVITE] = { "/api/video-sessions/:id/invite", "video-session.invite",
		{ M(VS_POST, vs_h_session_invite, VS_RF_BODY_OPTIONAL) }, 1 },
	[ROUTE_SESSION_ICS] = { "/api/video-sessions/:id/calendar.ics", "video-session.ics",
		{ M(VS_GET, vs_h_session_ics, 0) }, 1 },
	[ROUTE_GUEST_JOIN] = { "/api/join/:id", "guest.join",
		{ M(VS_POST, vs_h_guest_join, VS_RF_PUBLIC | VS_RF_BODY) }, 1 },
	[ROUTE_PARTNER_APPOINTMENTS] = { "/api/partners/:id/appointments", "partner.appointments",
		{ M(VS_GET, vs_h_appointments_list, 0), M(VS_POST, vs_h_appointment_create, VS_RF_BODY) }, 2 },
	[ROUTE_APPOINTMENT] = { "/api/appointments/:id", "appointment",
		{ M(VS_GET, vs_h_appointment_get, 0), M(VS_PUT, vs_h_appointment_update, VS_RF_BODY),
		  M(VS_DELETE, vs_h_appointment_delete, 0) }, 3 },
	[ROUTE_CALENDAR] = { "/api/partners/:id/calendar", "partner.calendar",
		{ M(VS_GET, vs_h_calendar, 0) }, 1 },
#ifdef VSESSION_TESTING
	[ROUTE_TEST_SLEEP] = { "/api/test/sleep", "test.sleep",
		{ M(VS_GET, vs_h_test_sleep, VS_RF_PUBLIC) }, 1 },
#else
	[ROUTE_TEST_SLEEP] = { NULL, "test.sleep", { { VS_GET, NULL, 0 } }, 0 },
#endif
	[ROUTE_SESSION_LOCKOUT] = { "/api/video-sessions/:id/password-lockout", "video-session.password-lockout",
		{ M(VS_DELETE, vs_h_session_unlock, 0) }, 1 },
	[ROUTE_SESSION_MESSAGES] = { "/api/video-sessions/:id/messages", "video-session.messages",
		{ M(VS_GET, vs_h_session_messages, 0) }, 1 },
	[ROUTE_SESSION_RESEND] = { "/api/video-sessions/:id/messages/resend-invitation", "video-session.resend-invitation",
		{ M(VS_POST, vs_h_session_resend_invitation, VS_RF_BODY_OPTIONAL) }, 1 },
	[ROUTE_EMAIL_UNSUBSCRIBE] = { "/api/email/unsubscribe", "email.unsubscribe",
		{ M(VS_POST, vs_h_email_unsubscribe, VS_RF_PUBLIC | VS_RF_BODY_IGNORED) }, 1 },
	[ROUTE_SET_PASSWORD] = { "/api/auth/set-password", "auth.set-password",
		{ M(VS_POST, vs_h_set_password, VS_RF_PUBLIC | VS_RF_BODY) }, 1 },
	[ROUTE_PASSWORD_RESET] = { "/api/auth/password-reset", "auth.password-reset",
		{ M(VS_POST, vs_h_password_reset, VS_RF_PUBLIC | VS_RF_BODY) }, 1 },
	[ROUTE_PASSWORD_CHANGE] = { "/api/auth/password", "auth.password",
		{ M(VS_POST, vs_h_password_change, VS_RF_BODY) }, 1 },
	[ROUTE_MY_SETTINGS] = { "/api/me/settings", "me.settings",
		{ M(VS_GET, vs_h_my_settings_get, 0), M(VS_PUT, vs_h_my_settings_put, VS_RF_BODY) }, 2 },
	[ROUTE_PARTNER_SETTINGS] = { "/api/partners/:id/settings", "partner.settings",
		{ M(VS_GET, vs_h_practice_settings_get, 0), M(VS_PUT, vs_h_practice_settings_put, VS_RF_BODY) }, 2 },
	[ROUTE_GUEST_PREVIEW] = { "/api/join/:id/preview", "guest.preview",
		{ M(VS_POST, vs_h_guest_preview, VS_RF_PUBLIC | VS_RF_BODY) }, 1 },
	[ROUTE_SESSION_PASSWORD_STATE] = { "/api/video-sessions/:id/password-state", "video-session.password-state",
		{ M(VS_GET, vs_h_session_password_state, 0) }, 1 },
	[ROUTE_SESSION_PRESENCE] = { "/api/video-sessions/:id/presence", "video-session.presence",
		{ M(VS_POST, vs_h_presence_beat, VS_RF_BODY) }, 1 },
	[ROUTE_GUEST_PRESENCE] = { "/api/join/:id/presence", "guest.presence",
		{ M(VS_POST, vs_h_presence_guest_beat, VS_RF_PUBLIC | VS_RF_BODY) }, 1 },
	[ROUTE_PARTNER_PRESENCE] = { "/api/partners/:id/presence", "partner.presence",
		{ M(VS_GET, vs_h_partner_presence, 0) }, 1 },
	[ROUTE_SESSION_CANCEL] = { "/api/video-sessions/:id/cancel", "video-session.cancel",
		{ M(VS_POST, vs_h_session_cancel, VS_RF_BODY_OPTIONAL) }, 1 },
	[ROUTE_JOIN_HINT] = { "/api/join/:id/hint", "join.hint",
		{ M(VS_POST, vs_h_join_hint, VS_RF_PUBLIC | VS_RF_BODY) }, 1 },
};
