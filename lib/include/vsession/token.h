/*
 * token.h — the API's own bearer tokens and the Jitsi room tokens.
 *
 * API tokens are JWTs signed HS256 with a server secret of at least 32 bytes.
 * Verification pins the algorithm (whatever the token's header says) and
 * checks exp, nbf, iat, iss and aud with a bounded clock skew; libjwt 1.10
 * checks only the signature and trusts the header's alg, so this module is
 * the one place that makes a token trustworthy.
 *
 * Jitsi tokens follow the Jitsi/JaaS conventions: HS256 with the app secret
 * for a self-hosted Jitsi, RS256 with a kid header for JaaS.
 */
#ifndef VSESSION_TOKEN_H
#define VSESSION_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "vsession/error.h"

#define VS_TOKEN_MAX_LEN   8192
#define VS_TOKEN_MIN_SECRET 32
#define VS_SID_MAX 64

struct vs_token_config {
	const unsigned char *pSecret;  /* HS256 key, at least VS_TOKEN_MIN_SECRET bytes */
	size_t               nSecret;
	const char          *zIssuer;  /* "iss" written and required */
	const char          *zAudience;/* "aud" written and required */
	int64_t              iTtlSec;  /* lifetime of issued tokens */
	int64_t              iSkewSec; /* clock skew allowed on exp/nbf/iat (at most 60) */
};

struct vs_token_claims {
	int64_t iSub;                  /* user id, > 0 */
	char    zRole[16];             /* "partner", "client" or "admin" */
	char    zSid[VS_SID_MAX];      /* server-side login session id */
	int64_t iIat, iExp;            /* seconds since the epoch */
};

/*
 * Issues a token for (iSub, zRole, zSid) at iNowSec. On success *pzOut is a
 * malloc'd NUL-terminated string the caller frees, and *piExp its expiry.
 */
enum vs_err vs_token_issue(const struct vs_token_config *cfg, int64_t iSub,
			   const char *zRole, const char *zSid, int64_t iNowSec,
			   char **pzOut, int64_t *piExp);

/*
 * Verifies the nTok bytes at zTok at time iNowSec and fills *pOut.
 * VS_ERR_UNAUTHENTICATED for anything wrong: longer than VS_TOKEN_MAX_LEN,
 * not three base64url parts, a header alg other than HS256 (none, NONE,
 * HS384, RS256, ...), a bad signature, exp passed (more than the skew ago),
 * nbf or iat in the future (beyond the skew), iss or aud not the configured
 * ones, a missing or mistyped claim, a role that is not one of the three.
 */
enum vs_err vs_token_verify(const struct vs_token_config *cfg, const char *zTok,
			    size_t nTok, int64_t iNowSec, struct vs_token_claims *pOut);

/*
 * Lets vs_token_verify() remember the tokens it verified with cfg (this
 * process only; cfg must stay unchanged for the life of the process). A
 * token seen again costs a constant-time comparison and the clock checks
 * instead of two HMACs and two JSON parses. NULL turns the cache off.
 */
void vs_token_cache_use(const struct vs_token_config *cfg);

enum vs_jitsi_mode {
	VS_JITSI_PUBLIC,       /* meet.jit.si or any Jitsi without tokens: no jwt */
	VS_JITSI_SELF_HOSTED,  /* token auth with an app id and secret: HS256 */
	VS_JITSI_JAAS,         /* 8x8 Jitsi as a Service: RS256 with kid */
};

struct vs_jitsi_config {
	enum vs_jitsi_mode eMode;
	const char *zDomain;      /* e.g. "meet.jit.si", "8x8.vc" */
	const char *zAppId;       /* SELF_HOSTED: iss; JAAS: sub and room prefix */
	const unsigned char *pSecret; /* SELF_HOSTED */
	size_t      nSecret;
	const char *zAudience;    /* SELF_HOSTED: aud (defaults to the app id) */
	const char *zKeyId;       /* JAAS: the kid header, "<app id>/<key>" */
	const char *zPrivateKeyPem; /* JAAS: RSA private key, PEM */
	size_t      nPrivateKeyPem;
};

struct vs_jitsi_grant {
	const char *zRoom;        /* bare room name (no app id prefix) */
	const char *zUserId;      /* context.user.id */
	const char *zDisplayName; /* context.user.name */
	bool        bModerator;   /* context.user.moderator "true"/"false" */
	int64_t     iNbfSec;      /* window opens */
	int64_t     iExpSec;      /* session end + grace */
	int64_t     iNowSec;      /* iat */
};

/*
 * A Jitsi token for one person in one room. SELF_HOSTED: HS256, iss = app id,
 * aud = audience, sub = domain, room = bare name. JAAS: RS256 with header kid,
 * aud "jitsi", iss "chat", sub = app id, room = bare name, and
 * context.features (recording, livestreaming, transcription, outbound-call,
 * sip-outbound-call) all "false". Both carry nbf, exp, iat and
 * context.user {id, name, moderator}. PUBLIC mode is an error (no token).
 * *pzOut is malloc'd; the caller frees it.
 */
enum vs_err vs_jitsi_token(const struct vs_jitsi_config *cfg,
			   const struct vs_jitsi_grant *g, char **pzOut);

/* True when the PEM text holds an RSA private key that can sign RS256. */
bool vs_jitsi_key_usable(const char *zPem, size_t nPem);

#endif
