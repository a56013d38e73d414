/*
 * cookies.c — finding cookies, and refusing cookie-authenticated changes
 * that other sites could have started (see cookies.h).
 */
#include <string.h>
#include <strings.h>

#include "cookies.h"

bool vs_cookie_find(const char *zHeader, const char *zName, const char **pz, size_t *pn)
{
	const char *z = zHeader;
	size_t nName = strlen(zName);

	while (z != NULL && *z) {
		while (*z == ' ' || *z == ';')
			z++;
		if (!strncmp(z, zName, nName) && z[nName] == '=') {
			z += nName + 1;
			*pz = z;
			*pn = strcspn(z, ";");
			return *pn > 0;
		}
		z = strchr(z, ';');
	}
	return false;
}

/* The scheme://authority part of zUrl (no path): its length. */
static size_t origin_length(const char *zUrl)
{
	const char *zHost = strstr(zUrl, "://");

	if (zHost == NULL)
		return 0;
	zHost += 3;
	return (size_t)(zHost - zUrl) + strcspn(zHost, "/?#");
}

/* True when zOrigin names this site: the public URL's origin or https://<Host>. */
static bool same_site_origin(const struct vs_ctx *ctx, const char *zOrigin)
{
	const char *zPublic = ctx->cfg->zPublicUrl;
	const char *zHost = ctx->req->zHost;
	size_t n;

	if (zPublic != NULL && (n = origin_length(zPublic)) > 0 &&
	    strlen(zOrigin) == n && !strncasecmp(zOrigin, zPublic, n))
		return true;
	return zHost != NULL && zHost[0] != '\0' && !strncasecmp(zOrigin, "https://", 8) &&
	       !strcasecmp(zOrigin + 8, zHost);
}

bool vs_cookie_request_allowed(struct vs_ctx *ctx)
{
	const struct vs_request *req = ctx->req;

	if (req->eMethod == VS_GET || req->eMethod == VS_HEAD)
		return true;
	if (req->zAuthorization != NULL && req->zAuthorization[0] != '\0')
		return true;
	if (!vs_http_is_json(req->zContentType) &&
	    (req->zRequestedWith == NULL || req->zRequestedWith[0] == '\0')) {
		vs_http_error(ctx->res, 403, "forbidden",
			      "A change made with the login cookie must be sent as application/json "
			      "or with the app's X-Requested-With header.", NULL);
		return false;
	}
	if (req->zOrigin != NULL && !same_site_origin(ctx, req->zOrigin)) {
		vs_http_error(ctx->res, 403, "forbidden",
			      "A change made with the login cookie must come from this site's own pages.", NULL);
		return false;
	}
	return true;
}
