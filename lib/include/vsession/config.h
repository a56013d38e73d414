/*
 * config.h — configuration from the environment, read and validated once.
 *
 * Every setting is an environment variable (VSESSION_*, JITSI_*, JAAS_*);
 * a secret may instead be read from the file named by the same variable with
 * a _FILE suffix. vs_config_load() refuses the first bad or missing value
 * with one sentence naming the variable, so a program can print it and exit.
 */
#ifndef VSESSION_CONFIG_H
#define VSESSION_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "vsession/error.h"
#include "vsession/token.h"

enum vs_config_use {
	VS_CONFIG_CTL = 1,  /* the admin CLI: the database and the public URL */
	VS_CONFIG_API = 2,  /* the API server: everything */
};

struct vs_config {
	char   *zDatabaseUrl;      /* VSESSION_DATABASE_URL (libpq conninfo or URI) */
	char   *zListen;           /* VSESSION_LISTEN: "unix:/path" or "host:port"; NULL = fd 0 */
	char   *zSocketMode;       /* VSESSION_SOCKET_MODE for a unix socket, octal (default 0660) */
	char   *zSocketGroup;      /* VSESSION_SOCKET_GROUP: group for a unix socket, or NULL */
	char   *zAllowedAddrs;     /* FCGI_WEB_SERVER_ADDRS: peers allowed on TCP, comma-separated */
	int     nWorkers;          /* VSESSION_WORKERS */
	int     nMaxRequests;      /* VSESSION_MAX_REQUESTS, 0 = never recycle */
	int     iRequestTimeoutSec;/* VSESSION_REQUEST_TIMEOUT */
	int     iShutdownTimeoutSec;/* VSESSION_SHUTDOWN_TIMEOUT */
	bool    bPrepare;          /* VSESSION_DB_PREPARE: use server-side prepared statements */
	char   *zPublicUrl;        /* VSESSION_PUBLIC_URL, no trailing slash */
	char   *zBasePath;         /* its path, "" or "/prefix": where nginx mounts vsession */
	unsigned char *pJwtSecret; /* VSESSION_JWT_SECRET(_FILE), >= 32 bytes */
	size_t  nJwtSecret;
	int64_t iTokenTtlSec;      /* VSESSION_TOKEN_TTL, seconds */
	int     iHorizonDays;      /* VSESSION_SCHEDULING_HORIZON_DAYS: how far ahead bookings may start */
	struct vs_token_config token;
	struct vs_jitsi_config jitsi;
	char   *zJitsiDomain, *zJitsiAppId, *zJitsiAudience, *zJaasKeyId;
	unsigned char *pJitsiSecret;
	char   *zJaasPem;
	size_t  nJaasPem;
	size_t  nJitsiSecret;
};

/*
 * Reads the configuration for use (a vs_config_use value) into *cfg. On
 * failure returns VS_ERR_INVALID and writes one sentence naming the variable
 * into zErr. cfg owns its strings; vs_config_free() releases them.
 */
enum vs_err vs_config_load(struct vs_config *cfg, int use, char *zErr, size_t nErr);
void vs_config_free(struct vs_config *cfg);

/*
 * Validates the configuration for use without keeping it: returns the number
 * of problems and writes one line per problem (each ending in a newline)
 * into zOut, truncated to nOut. 0 means it would load.
 */
int vs_config_check(int use, char *zOut, size_t nOut);

/*
 * Reads an environment file (NAME=value lines, # comments, values quoted as
 * systemd's EnvironmentFile= reads them) into the process environment. A
 * variable that is already set keeps its value: the caller's environment
 * wins over the file. VS_ERR_INVALID with one line (path:line: what) in zErr.
 */
enum vs_err vs_config_read_env_file(const char *zPath, char *zErr, size_t nErr);

#endif
