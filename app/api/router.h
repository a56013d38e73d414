/*
 * router.h — the route table: every path the API answers, with its methods.
 *
 * Routes are an enum with a parallel table (kcgi style). A pattern segment
 * ":id" matches a positive decimal integer below 2^63 without leading zeros;
 * anything else in that place is no route at all (404), so handlers only
 * ever see valid ids. Paths are matched on the raw request path: a path with
 * percent-escapes, empty or dot segments, or a trailing slash matches nothing.
 */
#ifndef VSESSION_ROUTER_H
#define VSESSION_ROUTER_H

#include <stddef.h>
#include <stdint.h>
#include "http.h"

enum vs_route {
	ROUTE_HEALTH,
	ROUTE_LOGIN,
	ROUTE_LOGOUT,
	ROUTE_ME,
	ROUTE_PARTNER_CLIENTS,
	ROUTE_SESSIONS,
	ROUTE_SESSION,
	ROUTE_PARTNER_SESSIONS,
	ROUTE_USER_SESSIONS,
	ROUTE_SESSION_VERIFY,
	ROUTE_SESSION_JOIN,
	ROUTE_SESSION_INVITE,
	ROUTE_SESSION_ICS,
	ROUTE_GUEST_JOIN,
	ROUTE_PARTNER_APPOINTMENTS,
	ROUTE_APPOINTMENT,
	ROUTE_CALENDAR,
	ROUTE_TEST_SLEEP,     /* only in VSESSION_TESTING builds */
	ROUTE_SESSION_LOCKOUT,
	ROUTE_SESSION_MESSAGES,
	ROUTE_SESSION_RESEND,
	ROUTE_EMAIL_UNSUBSCRIBE,
	ROUTE_SET_PASSWORD,
	ROUTE_PASSWORD_RESET,
	ROUTE_PASSWORD_CHANGE,
	ROUTE_MY_SETTINGS,
	ROUTE_PARTNER_SETTINGS,
	ROUTE_GUEST_PREVIEW,
	ROUTE_SESSION_PASSWORD_STATE,
	ROUTE_SESSION_PRESENCE,
	ROUTE_GUEST_PRESENCE,
	ROUTE_PARTNER_PRESENCE,
	ROUTE_SESSION_CANCEL,
	ROUTE_SESSION_RESTORE,
	ROUTE_SESSION_RESCHEDULE,
	ROUTE_PARTNER_NOTICES,
	ROUTE_NOTICE,
	ROUTE_JOIN_HINT,
	ROUTE__MAX
};

typedef void (*vs_handler_fn)(struct vs_ctx *ctx);

enum vs_route_flag {
	VS_RF_PUBLIC = 1,     /* no authentication */
	VS_RF_BODY   = 2,     /* takes a JSON object body */
	VS_RF_BODY_OPTIONAL = 4, /* may take one (an empty object is fine) */
	VS_RF_BODY_IGNORED = 8,  /* any body of any type is accepted and not read (RFC 8058 one-click forms) */
};

struct vs_route_method {
	enum vs_method eMethod;
	vs_handler_fn  xHandler;
	unsigned       fFlags;
};

struct vs_route_def {
	const char *zPattern;           /* "/api/video-sessions/:id/join" */
	const char *zName;              /* for logs: "video-session.join" */
	struct vs_route_method aMethod[4];
	size_t nMethod;
};

extern const struct vs_route_def vs_aRoute[ROUTE__MAX];

enum vs_match {
	VS_MATCH_OK,
	VS_MATCH_NOT_FOUND,
	VS_MATCH_METHOD,     /* the path exists, the method does not */
};

/*
 * Matches (eMethod, zPath[0..nPath)) against the table. On VS_MATCH_OK sets
 * *piRoute, *ppMethod and aId (the path's ids in order). On VS_MATCH_METHOD
 * sets *piRoute so the caller can list the allowed methods.
 */
enum vs_match vs_route_match(enum vs_method eMethod, const char *zPath, size_t nPath,
			     int *piRoute, const struct vs_route_method **ppMethod,
			     int64_t aId[VS_PATH_PARAMS_MAX]);

/* Writes "GET, PUT" style Allow lists for a route into a (n bytes). */
void vs_route_allow(int iRoute, char *a, size_t n);

enum vs_method vs_method_parse(const char *z);
const char *vs_method_name(enum vs_method e);

#endif
