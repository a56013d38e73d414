/*
 * config.c — reading and validating the environment once at start.
 *
 * Each reader either stores a value in the config or writes one sentence
 * naming the variable and returns false; vs_config_load() stops at the
 * first failure so the operator sees exactly one clear line, while
 * vs_config_check() (vsession-api --check-config) goes on and lists every
 * problem. vs_config_read_env_file() reads /etc/vsession/vsession.env the
 * way systemd's EnvironmentFile= does, for runs without the unit.
 *
 * Why one file of over 500 lines: every setting both programs read, its
 * default and its one-sentence complaint are in one place, the list
 * deploy/vsession.env.example mirrors.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vsession/config.h"

#define VS_SECRET_FILE_MAX (64 * 1024)

static char *dup_or_null(const char *z)
{
	return z != NULL ? strdup(z) : NULL;
}

/* The value of zVar if set and non-empty, else NULL. */
static const char *env(const char *zVar)
{
	const char *z = getenv(zVar);
	return z != NULL && z[0] != '\0' ? z : NULL;
}

/* Reads a whole small file into a malloc'd, NUL-terminated buffer. */
static bool read_file(const char *zPath, char **pz, size_t *pn)
{
	FILE *f = fopen(zPath, "rb");
	char *z;
	size_t n;

	if (f == NULL)
		return false;
	z = malloc(VS_SECRET_FILE_MAX + 1);
	if (z == NULL) {
		fclose(f);
		return false;
	}
	n = fread(z, 1, VS_SECRET_FILE_MAX + 1, f);
	fclose(f);
	if (n > VS_SECRET_FILE_MAX) {
		free(z);
		return false;
	}
	z[n] = '\0';
	*pz = z;
	*pn = n;
	return true;
}

/*
 * A secret from zVar or from the file named by zVar_FILE (one trailing
 * newline stripped when bStrip). Both set is an error. *pz is NULL when
 * neither is set.
 */
static bool secret(const char *zVar, bool bStrip, char **pz, size_t *pn, char *zErr, size_t nErr)
{
	char zFileVar[128];
	const char *zVal = env(zVar), *zFile;

	snprintf(zFileVar, sizeof(zFileVar), "%s_FILE", zVar);
	zFile = env(zFileVar);
	*pz = NULL;
	*pn = 0;
	if (zVal != NULL && zFile != NULL) {
		snprintf(zErr, nErr, "%s and %s are both set; set only one", zVar, zFileVar);
		return false;
	}
	if (zVal != NULL) {
		*pz = strdup(zVal);
		*pn = strlen(zVal);
		return *pz != NULL;
	}
	if (zFile == NULL)
		return true;
	if (!read_file(zFile, pz, pn)) {
		snprintf(zErr, nErr, "%s: cannot read %s (%s)", zFileVar, zFile,
			 errno ? strerror(errno) : "too large");
		return false;
	}
	if (bStrip && *pn > 0 && (*pz)[*pn - 1] == '\n') {
		(*pz)[--*pn] = '\0';
		if (*pn > 0 && (*pz)[*pn - 1] == '\r')
			(*pz)[--*pn] = '\0';
	}
	return true;
}

/* An integer from zVar in [iMin, iMax], or iDefault when unset. */
static bool integer(const char *zVar, long iDefault, long iMin, long iMax, long *pOut,
		    char *zErr, size_t nErr)
{
	const char *z = env(zVar);
	char *zEnd;
	long v;

	if (z == NULL) {
		*pOut = iDefault;
		return true;
	}
	errno = 0;
	v = strtol(z, &zEnd, 10);
	if (errno != 0 || zEnd == z || *zEnd != '\0' || v < iMin || v > iMax) {
		snprintf(zErr, nErr, "%s must be a whole number from %ld to %ld (got \"%s\")",
			 zVar, iMin, iMax, z);
		return false;
	}
	*pOut = v;
	return true;
}

static bool boolean(const char *zVar, bool bDefault, bool *pOut, char *zErr, size_t nErr)
{
	const char *z = env(zVar);

	if (z == NULL)
		*pOut = bDefault;
	else if (!strcmp(z, "1") || !strcmp(z, "on") || !strcmp(z, "true") || !strcmp(z, "yes"))
		*pOut = true;
	else if (!strcmp(z, "0") || !strcmp(z, "off") || !strcmp(z, "false") || !strcmp(z, "no"))
		*pOut = false;
	else {
		snprintf(zErr, nErr, "%s must be on or off (got \"%s\")", zVar, z);
		return false;
	}
	return true;
}

/* A host name with an optional port: letters, digits, dots, hyphens, one colon. */
static bool valid_domain(const char *z)
{
	size_t n = strlen(z);

	if (n == 0 || n > 253)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = z[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '-' || c == ':'))
			return false;
	}
	return true;
}

static bool load_jitsi(struct vs_config *cfg, char *zErr, size_t nErr)
{
	const char *zDomain = env("JITSI_DOMAIN");
	const char *zAppId = env("JITSI_APP_ID"), *zAud = env("JITSI_AUDIENCE");
	const char *zJaasApp = env("JAAS_APP_ID"), *zJaasKid = env("JAAS_KEY_ID");
	const char *zJaasKeyFile = env("JAAS_PRIVATE_KEY_FILE");
	char *zSecret = NULL;
	size_t nSecret = 0;
	bool bSelf, bJaas;

	if (!secret("JITSI_APP_SECRET", true, &zSecret, &nSecret, zErr, nErr))
		return false;
	bSelf = zAppId != NULL || zSecret != NULL || zAud != NULL;
	bJaas = zJaasApp != NULL || zJaasKid != NULL || zJaasKeyFile != NULL;
	cfg->pJitsiSecret = (unsigned char *)zSecret;
	cfg->nJitsiSecret = nSecret;
	if (zDomain == NULL)
		zDomain = bJaas ? "8x8.vc" : "meet.jit.si";
	if (!valid_domain(zDomain)) {
		snprintf(zErr, nErr, "JITSI_DOMAIN must be a host name such as meet.example.org (got \"%s\")", zDomain);
		return false;
	}
	cfg->zJitsiDomain = strdup(zDomain);
	cfg->jitsi.zDomain = cfg->zJitsiDomain;
	if (bSelf && bJaas) {
		snprintf(zErr, nErr, "JITSI_APP_ID/JITSI_APP_SECRET and JAAS_* are both set; choose one Jitsi mode");
		return false;
	}
	if (bSelf) {
		if (zAppId == NULL || zSecret == NULL) {
			snprintf(zErr, nErr, "%s is missing: self-hosted Jitsi needs JITSI_APP_ID and JITSI_APP_SECRET",
				 zAppId == NULL ? "JITSI_APP_ID" : "JITSI_APP_SECRET");
			return false;
		}
		/* the one rule, the same as lib/token.c's when it signs: refused here, at start */
		if (nSecret < VS_TOKEN_MIN_SECRET) {
			snprintf(zErr, nErr, "JITSI_APP_SECRET must be at least %d bytes (got %zu)", VS_TOKEN_MIN_SECRET, nSecret);
			return false;
		}
		cfg->zJitsiAppId = strdup(zAppId);
		cfg->zJitsiAudience = strdup(zAud != NULL ? zAud : zAppId);
		cfg->jitsi.eMode = VS_JITSI_SELF_HOSTED;
		cfg->jitsi.zAppId = cfg->zJitsiAppId;
		cfg->jitsi.zAudience = cfg->zJitsiAudience;
		cfg->jitsi.pSecret = cfg->pJitsiSecret;
		cfg->jitsi.nSecret = nSecret;
		return true;
	}
	if (bJaas) {
		if (zJaasApp == NULL || zJaasKid == NULL || zJaasKeyFile == NULL) {
			snprintf(zErr, nErr, "%s is missing: JaaS needs JAAS_APP_ID, JAAS_KEY_ID and JAAS_PRIVATE_KEY_FILE",
				 zJaasApp == NULL ? "JAAS_APP_ID" : zJaasKid == NULL ? "JAAS_KEY_ID" : "JAAS_PRIVATE_KEY_FILE");
			return false;
		}
		if (strncmp(zJaasKid, zJaasApp, strlen(zJaasApp)) != 0 || zJaasKid[strlen(zJaasApp)] != '/') {
			snprintf(zErr, nErr, "JAAS_KEY_ID must be \"<JAAS_APP_ID>/<key id>\" as the JaaS console shows it");
			return false;
		}
		if (!read_file(zJaasKeyFile, &cfg->zJaasPem, &cfg->nJaasPem)) {
			snprintf(zErr, nErr, "JAAS_PRIVATE_KEY_FILE: cannot read %s", zJaasKeyFile);
			return false;
		}
		if (!vs_jitsi_key_usable(cfg->zJaasPem, cfg->nJaasPem)) {
			snprintf(zErr, nErr, "JAAS_PRIVATE_KEY_FILE: %s is not an RSA private key (PEM, 2048 bits or more)",
				 zJaasKeyFile);
			return false;
		}
		cfg->zJitsiAppId = strdup(zJaasApp);
		cfg->zJaasKeyId = strdup(zJaasKid);
		cfg->jitsi.eMode = VS_JITSI_JAAS;
		cfg->jitsi.zAppId = cfg->zJitsiAppId;
		cfg->jitsi.zKeyId = cfg->zJaasKeyId;
		cfg->jitsi.zPrivateKeyPem = cfg->zJaasPem;
		cfg->jitsi.nPrivateKeyPem = cfg->nJaasPem;
		return true;
	}
	cfg->jitsi.eMode = VS_JITSI_PUBLIC;
	return true;
}

/*
 * Where problems go. vs_config_load() keeps the first one and stops;
 * vs_config_check() keeps going and collects one line per problem, so an
 * admin sees everything wrong with a file at once.
 */
struct problems {
	char   *zOut;
	size_t  nOut;
	size_t  iAt;
	int     n;
	bool    bAll;
};

/* Records zMsg; true when loading should go on to the next setting. */
static bool problem(struct problems *pr, const char *zMsg)
{
	pr->n++;
	if (!pr->bAll) {
		snprintf(pr->zOut, pr->nOut, "%s", zMsg);
		return false;
	}
	if (pr->iAt < pr->nOut) {
		int w = snprintf(pr->zOut + pr->iAt, pr->nOut - pr->iAt, "%s\n", zMsg);
		if (w > 0)
			pr->iAt += (size_t)w;
		if (pr->iAt >= pr->nOut)
			pr->iAt = pr->nOut;
	}
	return true;
}

/*
 * The settings both programs read: the database and the public URL.
 * Each load_* function notes its problems in pr and returns false only when
 * there are too many to go on (problem() said so).
 */
static bool load_basics(struct vs_config *cfg, struct problems *pr)
{
	const char *z;
	size_t n;
	char zE[512];

	if ((z = env("VSESSION_DATABASE_URL")) == NULL) {
		if (!problem(pr, "VSESSION_DATABASE_URL is not set (a libpq connection string or postgresql:// URI)"))
			return false;
	} else
		cfg->zDatabaseUrl = strdup(z);
	z = env("VSESSION_PUBLIC_URL");
	if (z == NULL)
		z = "https://localhost:8443";
	if (strncmp(z, "https://", 8) != 0 && strncmp(z, "http://", 7) != 0) {
		snprintf(zE, sizeof(zE), "VSESSION_PUBLIC_URL must start with https:// (or http:// behind a TLS proxy) (got \"%s\")", z);
		if (!problem(pr, zE))
			return false;
		z = "https://localhost:8443";
	}
	cfg->zPublicUrl = strdup(z);
	n = strlen(cfg->zPublicUrl);
	while (n > 0 && cfg->zPublicUrl[n - 1] == '/')
		cfg->zPublicUrl[--n] = '\0';
	z = strchr(cfg->zPublicUrl + (cfg->zPublicUrl[4] == 's' ? 8 : 7), '/');
	cfg->zBasePath = strdup(z != NULL ? z : "");
	if (z != NULL && (strlen(z) > 100 ||
	    strspn(z, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_/") != strlen(z))) {
		snprintf(zE, sizeof(zE), "VSESSION_PUBLIC_URL: its path may have only letters, digits, '-', '_' and '/', "
			 "at most 100 of them (got \"%s\")", z);
		if (!problem(pr, zE))
			return false;
	}
	if (!boolean("VSESSION_DB_PREPARE", true, &cfg->bPrepare, zE, sizeof(zE)) && !problem(pr, zE))
		return false;
	return true;
}

/* The API's socket and worker pool, its timeouts and the scheduling horizon. */
static bool load_pool(struct vs_config *cfg, struct problems *pr)
{
	long v, nCpu = sysconf(_SC_NPROCESSORS_ONLN);
	char zE[512];

	cfg->zListen = dup_or_null(env("VSESSION_LISTEN"));
	if (cfg->zListen != NULL && strncmp(cfg->zListen, "unix:", 5) != 0 &&
	    strrchr(cfg->zListen, ':') == NULL) {
		snprintf(zE, sizeof(zE), "VSESSION_LISTEN must be unix:/path or host:port (got \"%s\")", cfg->zListen);
		if (!problem(pr, zE))
			return false;
	}
	cfg->zSocketMode = strdup(env("VSESSION_SOCKET_MODE") ? env("VSESSION_SOCKET_MODE") : "0660");
	if (strspn(cfg->zSocketMode, "01234567") != strlen(cfg->zSocketMode) || strlen(cfg->zSocketMode) > 4) {
		if (!problem(pr, "VSESSION_SOCKET_MODE must be an octal mode such as 0660"))
			return false;
	}
	cfg->zSocketGroup = dup_or_null(env("VSESSION_SOCKET_GROUP"));
	cfg->zAllowedAddrs = dup_or_null(env("FCGI_WEB_SERVER_ADDRS"));
	if (nCpu < 1)
		nCpu = 1;
	if (!integer("VSESSION_WORKERS", 4 * nCpu, 1, 512, &v, zE, sizeof(zE)) && !problem(pr, zE))
		return false;
	cfg->nWorkers = (int)v;
	if (!integer("VSESSION_MAX_REQUESTS", 0, 0, 100000000, &v, zE, sizeof(zE)) && !problem(pr, zE))
		return false;
	cfg->nMaxRequests = (int)v;
	if (!integer("VSESSION_REQUEST_TIMEOUT", 30, 1, 3600, &v, zE, sizeof(zE)) && !problem(pr, zE))
		return false;
	cfg->iRequestTimeoutSec = (int)v;
	if (!integer("VSESSION_SHUTDOWN_TIMEOUT", 10, 1, 3600, &v, zE, sizeof(zE)) && !problem(pr, zE))
		return false;
	cfg->iShutdownTimeoutSec = (int)v;
	if (!integer("VSESSION_TOKEN_TTL", 12 * 3600, 300, 30 * 86400, &v, zE, sizeof(zE)) && !problem(pr, zE))
		return false;
	cfg->iTokenTtlSec = v;
	/* at most ten years: every end time then stays far inside RFC 3339's four-digit years */
	if (!integer("VSESSION_SCHEDULING_HORIZON_DAYS", 730, 1, 3650, &v, zE, sizeof(zE)) && !problem(pr, zE))
		return false;
	cfg->iHorizonDays = (int)v;
	return true;
}

/* The login tokens' secret (at least VS_TOKEN_MIN_SECRET bytes) and their settings. */
static bool load_tokens(struct vs_config *cfg, struct problems *pr)
{
	char *zSecret;
	size_t n;
	char zE[512];

	if (!secret("VSESSION_JWT_SECRET", true, &zSecret, &n, zE, sizeof(zE))) {
		if (!problem(pr, zE))
			return false;
	} else if (zSecret == NULL) {
		if (!problem(pr, "VSESSION_JWT_SECRET (or VSESSION_JWT_SECRET_FILE) is not set"))
			return false;
	} else {
		cfg->pJwtSecret = (unsigned char *)zSecret;
		cfg->nJwtSecret = n;
		if (n < VS_TOKEN_MIN_SECRET) {
			snprintf(zE, sizeof(zE), "VSESSION_JWT_SECRET must be at least %d bytes (got %zu)", VS_TOKEN_MIN_SECRET, n);
			if (!problem(pr, zE))
				return false;
		}
	}
	cfg->token.pSecret = cfg->pJwtSecret;
	cfg->token.nSecret = cfg->nJwtSecret;
	cfg->token.zIssuer = "vsession";
	cfg->token.zAudience = "vsession-api";
	cfg->token.iTtlSec = cfg->iTokenTtlSec;
	cfg->token.iSkewSec = 60;
	return true;
}

static enum vs_err load(struct vs_config *cfg, int use, struct problems *pr)
{
	char zE[512];

	memset(cfg, 0, sizeof(*cfg));
	pr->zOut[0] = '\0';
	if (!load_basics(cfg, pr))
		goto fail;
	if (use == VS_CONFIG_CTL)
		goto out;
	if (!load_pool(cfg, pr) || !load_tokens(cfg, pr))
		goto fail;
	if (!load_jitsi(cfg, zE, sizeof(zE)) && !problem(pr, zE))
		goto fail;
out:
	if (pr->n == 0)
		return VS_OK;
fail:
	vs_config_free(cfg);
	return VS_ERR_INVALID;
}

enum vs_err vs_config_load(struct vs_config *cfg, int use, char *zErr, size_t nErr)
{
	struct problems pr = { zErr, nErr, 0, 0, false };

	return load(cfg, use, &pr);
}

int vs_config_check(int use, char *zOut, size_t nOut)
{
	struct problems pr = { zOut, nOut, 0, 0, true };
	struct vs_config cfg;

	if (load(&cfg, use, &pr) == VS_OK)
		vs_config_free(&cfg);
	return pr.n;
}

/*
 * A value of an environment file, as systemd's EnvironmentFile= and a shell
 * read it: "double quoted" (with \" \\ \$ \` escapes), 'single quoted', or
 * bare (trailing blanks dropped). False for an unterminated quote or text
 * after the closing one.
 */
static bool env_value(const char *z, char *zOut, size_t nOut)
{
	size_t o = 0;
	char q = 0;

	if (*z == '"' || *z == '\'')
		q = *z++;
	for (; *z != '\0'; z++) {
		if (q && *z == q)
			break;
		if (q == '"' && *z == '\\' && z[1] != '\0' && strchr("\"\\$`", z[1]) != NULL)
			z++;
		if (o + 1 >= nOut)
			return false;
		zOut[o++] = *z;
	}
	if (q) {
		if (*z != q)
			return false;
		z++;
		while (*z == ' ' || *z == '\t')
			z++;
		if (*z != '\0' && *z != '#')
			return false;
	} else {
		while (o > 0 && (zOut[o - 1] == ' ' || zOut[o - 1] == '\t'))
			o--;
	}
	zOut[o] = '\0';
	return true;
}

enum vs_err vs_config_read_env_file(const char *zPath, char *zErr, size_t nErr)
{
	FILE *f = fopen(zPath, "r");
	char zLine[8192], zVal[8192];
	int iLine = 0;

	if (f == NULL) {
		snprintf(zErr, nErr, "cannot read %s: %s", zPath, strerror(errno));
		return VS_ERR_INVALID;
	}
	while (fgets(zLine, sizeof(zLine), f) != NULL) {
		char *z = zLine, *zEq;
		size_t nKey;

		iLine++;
		while (*z == ' ' || *z == '\t')
			z++;
		if (*z == '#' || *z == ';' || *z == '\n' || *z == '\r' || *z == '\0')
			continue;
		if (strchr(zLine, '\n') == NULL && !feof(f)) {
			snprintf(zErr, nErr, "%s:%d: the line is too long", zPath, iLine);
			goto fail;
		}
		zEq = strchr(z, '=');
		nKey = zEq ? (size_t)(zEq - z) : 0;
		while (nKey > 0 && (z[nKey - 1] == ' ' || z[nKey - 1] == '\t'))
			nKey--;
		if (zEq == NULL || nKey == 0 || strspn(z, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") != nKey ||
		    (z[0] >= '0' && z[0] <= '9')) {
			snprintf(zErr, nErr, "%s:%d: expected NAME=value", zPath, iLine);
			goto fail;
		}
		z[nKey] = '\0';
		zEq++;
		while (*zEq == ' ' || *zEq == '\t')
			zEq++;
		zEq[strcspn(zEq, "\r\n")] = '\0';
		if (!env_value(zEq, zVal, sizeof(zVal))) {
			snprintf(zErr, nErr, "%s:%d: %s has an unterminated or malformed quoted value", zPath, iLine, z);
			goto fail;
		}
		/* What the caller's environment already says wins over the file. */
		if (setenv(z, zVal, 0) != 0) {
			snprintf(zErr, nErr, "%s:%d: cannot set %s", zPath, iLine, z);
			goto fail;
		}
	}
	fclose(f);
	return VS_OK;
fail:
	fclose(f);
	return VS_ERR_INVALID;
}

/* Wipes a secret before freeing it. */
static void free_secret(void *p, size_t n)
{
	if (p != NULL) {
		explicit_bzero(p, n);
		free(p);
	}
}

void vs_config_free(struct vs_config *cfg)
{
	free(cfg->zDatabaseUrl);
	free(cfg->zListen);
	free(cfg->zSocketMode);
	free(cfg->zSocketGroup);
	free(cfg->zAllowedAddrs);
	free(cfg->zPublicUrl);
	free(cfg->zBasePath);
	free_secret(cfg->pJwtSecret, cfg->nJwtSecret);
	free_secret(cfg->pJitsiSecret, cfg->nJitsiSecret);
	free_secret(cfg->zJaasPem, cfg->nJaasPem);
	free(cfg->zJitsiDomain);
	free(cfg->zJitsiAppId);
	free(cfg->zJitsiAudience);
	free(cfg->zJaasKeyId);
	memset(cfg, 0, sizeof(*cfg));
}
