/*
 * cookies.h — the login cookies and the cross-site check on requests they
 * authenticate.
 *
 * A browser sends cookies with requests other sites start, so a change
 * authenticated by the __Host-vs_session cookie alone must prove it comes
 * from the app's own pages: a JSON content type or the SPA's own header
 * (neither can be sent cross-site without a CORS preflight, which this API
 * never grants), and, when the browser names the page's origin, that origin
 * must be the site's. Requests with an Authorization header carry their
 * credential explicitly and are not affected.
 */
#ifndef VSESSION_COOKIES_H
#define VSESSION_COOKIES_H

#include <stdbool.h>
#include <stddef.h>

#include "http.h"

#define VS_SESSION_COOKIE "__Host-vs_session"
#define VS_DEVICE_COOKIE  "__Host-vs_device"
/* The header the SPA sends with every request (any non-empty value). */
#define VS_APP_HEADER     "X-Requested-With"
/* A device cookie lives a year; each login from that device renews it. */
#define VS_DEVICE_COOKIE_TTL_SEC (365 * 24 * 3600)

/*
 * Finds the cookie zName in a Cookie header (exact name, the first one
 * wins). On success points *pz at its value (not NUL-terminated: *pn bytes)
 * and returns true; false when absent or empty.
 */
bool vs_cookie_find(const char *zHeader, const char *zName, const char **pz, size_t *pn);

/*
 * The cross-site check for an authenticated request, run after
 * authentication and before the body is read. Returns true when the request
 * may go on: it is not a change (GET, HEAD), or it carries an Authorization
 * header, or it comes with a JSON content type or VS_APP_HEADER and with no
 * Origin or the site's own (VSESSION_PUBLIC_URL's, or https:// and the Host
 * it was sent to). Otherwise answers 403 forbidden and returns false.
 */
bool vs_cookie_request_allowed(struct vs_ctx *ctx);

#endif
