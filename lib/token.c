/*
 * token.c — the API's bearer tokens and the Jitsi room tokens (libjwt 1.10).
 *
 * libjwt 1.10 trusts the alg named in a token's header (a NULL key accepts
 * alg "none"; its alg lookup is case-insensitive, so "NONE" and "hs256"
 * are recognised) and checks nothing but the signature. This file is
 * therefore the one place that decides whether a token is ours. Verification
 * runs in this order and stops at the first failure:
 *
 *   1. size (<= VS_TOKEN_MAX_LEN) and shape: exactly three non-empty
 *      base64url parts, a 43-character signature (32 bytes, HS256);
 *   2. our own HMAC-SHA256 over "header.payload" with the server secret,
 *      compared in constant time, whatever the header says — so no JSON
 *      parser ever sees bytes we did not sign;
 *   3. the decoded header: a JSON object with exactly one "alg", equal to
 *      the exact string "HS256", and no "crit";
 *   4. jwt_decode() with the key (never NULL), then jwt_get_alg() must be
 *      JWT_ALG_HS256;
 *   5. the claims: exp, iat (and nbf if present) against the clock with
 *      cfg->iSkewSec of slack; iss and aud exact strings (an aud array is
 *      refused: we never issue one); sub a JSON integer > 0; role one of
 *      partner/client/admin; sid 1..VS_SID_MAX-1 characters of [A-Za-z0-9-].
 *
 * Every failure of the token itself is VS_ERR_UNAUTHENTICATED; a bad
 * configuration is VS_ERR_INTERNAL (a bug, not the client's fault). Nothing
 * here logs, and no token or secret is ever written anywhere but *pzOut.
 *
 * Ownership: strings from jwt_encode_str() and jwt_get_grants_json() are
 * malloc'd by libjwt 1.10 (it has no allocator hooks and no jwt_free_str)
 * and released with free(); jwt_t with jwt_free(); cJSON with cJSON_Delete()
 * and cJSON_free(); OpenSSL objects with their own frees.
 *
 * Why one file of over 500 lines: every decision about a token (ours and
 * Jitsi's) is kept in one place on purpose, beside the libjwt traps it
 * works around (described above), so no second file can sign or accept one.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include "vsession/crypto.h"
#include "vsession/token.h"

#define HS256_SIG_B64_LEN 43   /* VS_B64URL_LEN(32) */
#define MAX_SKEW_SEC      60
#define RSA_MIN_BITS      2048

static const char *const azRole[] = { "partner", "client", "admin" };

/* True when z is one of the three roles. */
static bool role_valid(const char *z)
{
	for (size_t i = 0; i < sizeof(azRole) / sizeof(azRole[0]); i++) {
		if (strcmp(z, azRole[i]) == 0)
			return true;
	}
	return false;
}

/* True when z is 1..VS_SID_MAX-1 characters of [A-Za-z0-9-]. */
static bool sid_valid(const char *z)
{
	size_t n = 0;

	for (; z[n] != '\0'; n++) {
		char c = z[n];
		if (n >= VS_SID_MAX - 1)
			return false;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
		      || (c >= '0' && c <= '9') || c == '-'))
			return false;
	}
	return n > 0;
}

/*
 * Parses the JSON text of an integer ("-?(0|[1-9][0-9]*)", as jansson
 * writes a JSON integer) into *pv. False for anything else: a string, a
 * real ("1.0", "1e3"), a literal, or a value outside int64_t.
 */
static bool json_int_parse(const char *z, int64_t *pv)
{
	bool bNeg = false;
	uint64_t v = 0, nMax;

	if (*z == '-') {
		bNeg = true;
		z++;
	}
	if (*z < '0' || *z > '9' || (z[0] == '0' && z[1] != '\0'))
		return false;
	nMax = bNeg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; *z != '\0'; z++) {
		unsigned d;
		if (*z < '0' || *z > '9')
			return false;
		d = (unsigned)(*z - '0');
		if (v > (nMax - d) / 10)
			return false;
		v = v * 10 + d;
	}
	if (bNeg)
		*pv = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	else
		*pv = (int64_t)v;
	return true;
}

/*
 * Reads the integer claim zName. VS_OK with *pbFound set; *pbFound false
 * when the claim is absent. VS_ERR_UNAUTHENTICATED when it is present but
 * not a JSON integer; VS_ERR_NOMEM when libjwt could not serialise it.
 */
static enum vs_err claim_int(jwt_t *jwt, const char *zName, int64_t *pv, bool *pbFound)
{
	enum vs_err rc;
	char *zJson;

	*pbFound = false;
	errno = 0;
	zJson = jwt_get_grants_json(jwt, zName);
	if (zJson == NULL) {
		/* libjwt 1.10 sets EINVAL for an absent grant; anything else is
		 * a failed allocation, which must not read as "absent". */
		return errno == EINVAL || errno == ENOENT ? VS_OK : VS_ERR_NOMEM;
	}
	*pbFound = true;
	rc = json_int_parse(zJson, pv) ? VS_OK : VS_ERR_UNAUTHENTICATED;
	free(zJson);
	return rc;
}

/* The same as claim_int() for a claim that must be present. */
static enum vs_err claim_int_required(jwt_t *jwt, const char *zName, int64_t *pv)
{
	bool bFound;
	enum vs_err rc = claim_int(jwt, zName, pv, &bFound);

	if (rc == VS_OK && !bFound)
		rc = VS_ERR_UNAUTHENTICATED;
	return rc;
}

/* A string claim, or NULL when absent or not a JSON string. Owned by jwt. */
static const char *claim_str(jwt_t *jwt, const char *zName)
{
	return jwt_get_grant(jwt, zName);
}

/*
 * True when the base64url header part (n characters at z) decodes to a JSON
 * object with exactly one "alg" member, the string "HS256" (byte for byte:
 * libjwt would also take "hs256"), and no "crit" member.
 */
static bool header_is_hs256(const char *z, size_t n)
{
	unsigned char aHdr[VS_TOKEN_MAX_LEN / 4 * 3 + 4];
	size_t nHdr = 0;
	const char *zEnd = NULL;
	cJSON *pRoot = NULL, *pItem;
	int nAlg = 0;
	bool bOk = false;

	if (n / 4 * 3 + 3 >= sizeof(aHdr) || !vs_b64_decode(VS_B64_URL, z, n, aHdr, sizeof(aHdr), &nHdr))
		goto out;
	aHdr[nHdr] = '\0';
	if (memchr(aHdr, '\0', nHdr) != NULL)
		goto out;
	pRoot = cJSON_ParseWithLengthOpts((const char *)aHdr, nHdr + 1, &zEnd, 1);
	if (pRoot == NULL || !cJSON_IsObject(pRoot))
		goto out;
	cJSON_ArrayForEach(pItem, pRoot) {
		if (pItem->string == NULL)
			goto out;
		if (strcmp(pItem->string, "crit") == 0)
			goto out;
		if (strcmp(pItem->string, "alg") == 0) {
			nAlg++;
			if (!cJSON_IsString(pItem) || pItem->valuestring == NULL
			    || strcmp(pItem->valuestring, "HS256") != 0)
				goto out;
		}
	}
	bOk = nAlg == 1;
out:
	cJSON_Delete(pRoot);
	return bOk;
}

/*
 * True when the 43-character signature part at zSig is the base64url of
 * HMAC-SHA256(secret, the nSigned bytes at zSigned), compared in constant
 * time. Re-encoding our MAC and comparing text also refuses non-canonical
 * encodings of the right bytes.
 */
static bool hs256_signature_ok(const struct vs_token_config *cfg, const char *zSigned,
			       size_t nSigned, const char *zSig)
{
	unsigned char aMac[EVP_MAX_MD_SIZE];
	unsigned int nMac = 0;
	char zWant[HS256_SIG_B64_LEN + 1];
	bool bOk = false;

	if (HMAC(EVP_sha256(), cfg->pSecret, (int)cfg->nSecret,
		 (const unsigned char *)zSigned, nSigned, aMac, &nMac) == NULL
	    || nMac != 32)
		goto out;
	if (vs_b64url_encode(aMac, nMac, zWant) != HS256_SIG_B64_LEN)
		goto out;
	bOk = vs_ct_equal(zWant, zSig, HS256_SIG_B64_LEN);
out:
	explicit_bzero(aMac, sizeof(aMac));
	explicit_bzero(zWant, sizeof(zWant));
	return bOk;
}

/* True when cfg can sign and verify API tokens. */
static bool config_valid(const struct vs_token_config *cfg)
{
	return cfg != NULL && cfg->pSecret != NULL
	       && cfg->nSecret >= VS_TOKEN_MIN_SECRET && cfg->nSecret <= INT_MAX
	       && cfg->zIssuer != NULL && cfg->zAudience != NULL
	       && cfg->iSkewSec >= 0 && cfg->iSkewSec <= MAX_SKEW_SEC;
}

/* Maps a libjwt errno-style return to our errors. */
static enum vs_err jwt_rc(int r)
{
	if (r == 0)
		return VS_OK;
	return r == ENOMEM ? VS_ERR_NOMEM : VS_ERR_INTERNAL;
}

/*
 * Issues an HS256 token {sub, role, sid, iat, exp, iss, aud}. *pzOut is
 * malloc'd and the caller frees it; on failure it is NULL. VS_ERR_INVALID
 * for a bad sub, role or sid or a time that would overflow, VS_ERR_INTERNAL
 * for an unusable configuration or a libjwt failure.
 */
enum vs_err vs_token_issue(const struct vs_token_config *cfg, int64_t iSub,
			   const char *zRole, const char *zSid, int64_t iNowSec,
			   char **pzOut, int64_t *piExp)
{
	jwt_t *jwt = NULL;
	char *zTok = NULL;
	int64_t iExp;
	enum vs_err rc;

	*pzOut = NULL;
	if (!config_valid(cfg) || cfg->iTtlSec <= 0)
		return VS_ERR_INTERNAL;
	if (iSub <= 0 || zRole == NULL || !role_valid(zRole) || zSid == NULL || !sid_valid(zSid)
	    || iNowSec < 0 || iNowSec > INT64_MAX - cfg->iTtlSec)
		return VS_ERR_INVALID;
	iExp = iNowSec + cfg->iTtlSec;

	rc = jwt_rc(jwt_new(&jwt));
	if (rc != VS_OK)
		goto out;
	rc = jwt_rc(jwt_set_alg(jwt, JWT_ALG_HS256, cfg->pSecret, (int)cfg->nSecret));
	if (rc == VS_OK)
		rc = jwt_rc(jwt_add_grant_int(jwt, "sub", iSub));
	if (rc == VS_OK)
		rc = jwt_rc(jwt_add_grant(jwt, "role", zRole));
	if (rc == VS_OK)
		rc = jwt_rc(jwt_add_grant(jwt, "sid", zSid));
	if (rc == VS_OK)
		rc = jwt_rc(jwt_add_grant_int(jwt, "iat", iNowSec));
	if (rc == VS_OK)
		rc = jwt_rc(jwt_add_grant_int(jwt, "exp", iExp));
	if (rc == VS_OK)
		rc = jwt_rc(jwt_add_grant(jwt, "iss", cfg->zIssuer));
	if (rc == VS_OK)
		rc = jwt_rc(jwt_add_grant(jwt, "aud", cfg->zAudience));
	if (rc != VS_OK)
		goto out;
	zTok = jwt_encode_str(jwt);
	if (zTok == NULL) {
		rc = VS_ERR_INTERNAL;
		goto out;
	}
	if (strlen(zTok) > VS_TOKEN_MAX_LEN) {
		/* We could not verify it ourselves: an issuer or audience too long. */
		rc = VS_ERR_INTERNAL;
		goto out;
	}
	*pzOut = zTok;
	zTok = NULL;
	if (piExp != NULL)
		*piExp = iExp;
	rc = VS_OK;
out:
	free(zTok);
	jwt_free(jwt);
	return rc;
}

/*
 * The clock checks of step 5. They are arranged so nothing can overflow:
 * iNowSec is ours, the claim values are anything in int64_t.
 */
static bool times_ok(const struct vs_token_config *cfg, int64_t iNowSec, int64_t iExp,
		     int64_t iIat, bool bNbf, int64_t iNbf)
{
	if (iNowSec < INT64_MIN + MAX_SKEW_SEC || iNowSec > INT64_MAX - MAX_SKEW_SEC)
		return false;
	if (iExp < iNowSec - cfg->iSkewSec)
		return false;                   /* expired more than the skew ago */
	if (iIat > iNowSec + cfg->iSkewSec)
		return false;                   /* issued in the future */
	if (bNbf && iNbf > iNowSec + cfg->iSkewSec)
		return false;                   /* not valid yet */
	return true;
}

/*
 * Steps 1-5 in full (see the comment opening this file), as
 * vs_token_verify() describes; also hands out the nbf claim (*pbNbf false
 * when absent) for the cache.
 */
/*
 * Step 1 of a verification, the token's shape: base64url characters and
 * exactly two dots, a header, a payload and a 43-character signature.
 * Sets the dots' offsets.
 */
static bool token_shape(const char *zTok, size_t nTok, size_t *piDot1, size_t *piDot2)
{
	size_t iDot1 = 0, iDot2 = 0, nDot = 0;

	for (size_t i = 0; i < nTok; i++) {
		if (zTok[i] == '.') {
			if (++nDot == 1)
				iDot1 = i;
			else if (nDot == 2)
				iDot2 = i;
			else
				return false;
		} else if (vs_b64_value(VS_B64_URL, zTok[i]) < 0) {
			return false;
		}
	}
	if (nDot != 2 || iDot1 == 0 || iDot2 == iDot1 + 1 || nTok - iDot2 - 1 != HS256_SIG_B64_LEN)
		return false;
	*piDot1 = iDot1;
	*piDot2 = iDot2;
	return true;
}

/*
 * Step 5, the claims of a decoded token. Time comparisons are arranged so
 * nothing can overflow: iNowSec is ours, the claim values are anything in
 * int64_t. Fills pOut (and the nbf) only on VS_OK.
 */
static enum vs_err token_claims(const struct vs_token_config *cfg, jwt_t *jwt, int64_t iNowSec,
				struct vs_token_claims *pOut, int64_t *piNbf, bool *pbNbf)
{
	const char *zRole, *zSid, *zIss, *zAud;
	int64_t iSub, iIat, iExp, iNbf;
	bool bNbf;
	enum vs_err rc;

	if ((rc = claim_int_required(jwt, "exp", &iExp)) != VS_OK ||
	    (rc = claim_int_required(jwt, "iat", &iIat)) != VS_OK ||
	    (rc = claim_int(jwt, "nbf", &iNbf, &bNbf)) != VS_OK ||
	    (rc = claim_int_required(jwt, "sub", &iSub)) != VS_OK)
		return rc;
	if (!times_ok(cfg, iNowSec, iExp, iIat, bNbf, iNbf) || iSub <= 0)
		return VS_ERR_UNAUTHENTICATED;
	zIss = claim_str(jwt, "iss");
	zAud = claim_str(jwt, "aud");
	if (zIss == NULL || strcmp(zIss, cfg->zIssuer) != 0 || zAud == NULL || strcmp(zAud, cfg->zAudience) != 0)
		return VS_ERR_UNAUTHENTICATED;
	zRole = claim_str(jwt, "role");
	if (zRole == NULL || !role_valid(zRole))
		return VS_ERR_UNAUTHENTICATED;
	zSid = claim_str(jwt, "sid");
	if (zSid == NULL || !sid_valid(zSid))
		return VS_ERR_UNAUTHENTICATED;
	pOut->iSub = iSub;
	memcpy(pOut->zRole, zRole, strlen(zRole) + 1);  /* at most "partner" */
	memcpy(pOut->zSid, zSid, strlen(zSid) + 1);     /* < VS_SID_MAX, checked */
	pOut->iIat = iIat;
	pOut->iExp = iExp;
	*piNbf = bNbf ? iNbf : 0;
	*pbNbf = bNbf;
	return VS_OK;
}

static enum vs_err verify_full(const struct vs_token_config *cfg, const char *zTok,
			       size_t nTok, int64_t iNowSec, struct vs_token_claims *pOut,
			       int64_t *piNbf, bool *pbNbf)
{
	char zCopy[VS_TOKEN_MAX_LEN + 1];
	size_t iDot1 = 0, iDot2 = 0;
	jwt_t *jwt = NULL;
	enum vs_err rc = VS_ERR_UNAUTHENTICATED;

	memset(pOut, 0, sizeof(*pOut));
	if (!config_valid(cfg))
		return VS_ERR_INTERNAL;
	if (zTok == NULL || nTok == 0 || nTok > VS_TOKEN_MAX_LEN)
		return VS_ERR_UNAUTHENTICATED;

	/* 1. Shape: base64url characters and exactly two dots. */
	if (!token_shape(zTok, nTok, &iDot1, &iDot2))
		return VS_ERR_UNAUTHENTICATED;

	/* 2. Our own HMAC, pinned to HS256, before any parser runs. */
	if (!hs256_signature_ok(cfg, zTok, iDot2, zTok + iDot2 + 1))
		return VS_ERR_UNAUTHENTICATED;

	/* 3. The header must say HS256, exactly. */
	if (!header_is_hs256(zTok, iDot1))
		return VS_ERR_UNAUTHENTICATED;

	/* 4. libjwt, with the key, and the algorithm it settled on. */
	memcpy(zCopy, zTok, nTok);
	zCopy[nTok] = '\0';
	if (jwt_decode(&jwt, zCopy, cfg->pSecret, (int)cfg->nSecret) != 0 || jwt == NULL)
		goto out;
	if (jwt_get_alg(jwt) != JWT_ALG_HS256)
		goto out;

	/* 5. Claims. */
	rc = token_claims(cfg, jwt, iNowSec, pOut, piNbf, pbNbf);
out:
	jwt_free(jwt);
	explicit_bzero(zCopy, nTok + 1);   /* a bearer credential */
	if (rc != VS_OK)
		memset(pOut, 0, sizeof(*pOut));
	return rc;
}

/*
 * The cache of verified tokens: what steps 1-5 concluded about a token,
 * keyed by its exact bytes. Everything those steps check is a function of
 * the bytes and the configuration except the clock, so a hit re-runs the
 * clock checks (times_ok) and nothing else. It only serves the one
 * configuration registered with vs_token_cache_use(), which must not change
 * afterwards; the login check in the database is not cached. Direct-mapped,
 * per process; a slot is overwritten by the next token that hashes to it.
 * Lookups compare in constant time, so timing says nothing about the tokens
 * held. Tokens longer than TOKEN_CACHE_LEN are never cached.
 */
#define TOKEN_CACHE_SLOTS 64
#define TOKEN_CACHE_LEN   640

struct token_cache_entry {
	size_t  nTok;                  /* 0: empty */
	char    aTok[TOKEN_CACHE_LEN];
	struct vs_token_claims claims;
	int64_t iNbf;
	bool    bNbf;
};

static const struct vs_token_config *pCacheCfg;
static struct token_cache_entry aTokenCache[TOKEN_CACHE_SLOTS];

void vs_token_cache_use(const struct vs_token_config *cfg)
{
	pCacheCfg = cfg;
	for (size_t i = 0; i < TOKEN_CACHE_SLOTS; i++)
		explicit_bzero(&aTokenCache[i], sizeof(aTokenCache[i]));
}

/* The slot for the nTok bytes at zTok (FNV-1a). */
static struct token_cache_entry *token_cache_slot(const char *zTok, size_t nTok)
{
	uint64_t h = 14695981039346656037u;

	for (size_t i = 0; i < nTok; i++) {
		h ^= (unsigned char)zTok[i];
		h *= 1099511628211u;
	}
	return &aTokenCache[h % TOKEN_CACHE_SLOTS];
}

/*
 * Verifies a token (see the comment opening this file for the order of the
 * checks), through the cache when cfg is the registered configuration.
 * zTok need not be NUL-terminated. *pOut is filled on VS_OK and zeroed
 * otherwise. VS_ERR_UNAUTHENTICATED for any fault of the token,
 * VS_ERR_INTERNAL for a bad configuration, VS_ERR_NOMEM when libjwt runs
 * out of memory. Nothing is allocated that outlives the call.
 */
enum vs_err vs_token_verify(const struct vs_token_config *cfg, const char *zTok,
			    size_t nTok, int64_t iNowSec, struct vs_token_claims *pOut)
{
	struct token_cache_entry *e = NULL;
	int64_t iNbf = 0;
	bool bNbf = false;
	enum vs_err rc;

	if (cfg != NULL && cfg == pCacheCfg && zTok != NULL && nTok > 0 && nTok <= TOKEN_CACHE_LEN) {
		e = token_cache_slot(zTok, nTok);
		if (e->nTok == nTok && vs_ct_equal(e->aTok, zTok, nTok)) {
			if (!times_ok(cfg, iNowSec, e->claims.iExp, e->claims.iIat, e->bNbf, e->iNbf)) {
				memset(pOut, 0, sizeof(*pOut));
				return VS_ERR_UNAUTHENTICATED;
			}
			*pOut = e->claims;
			return VS_OK;
		}
	}
	rc = verify_full(cfg, zTok, nTok, iNowSec, pOut, &iNbf, &bNbf);
	if (rc == VS_OK && e != NULL) {
		memcpy(e->aTok, zTok, nTok);
		e->nTok = nTok;
		e->claims = *pOut;
		e->iNbf = iNbf;
		e->bNbf = bNbf;
	}
	return rc;
}

/* True when z is a non-empty room name of [A-Za-z0-9_-] (no app id prefix). */
static bool room_valid(const char *z)
{
	if (z == NULL || *z == '\0')
		return false;
	for (; *z != '\0'; z++) {
		char c = *z;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
		      || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	return true;
}

/* True when z is neither NULL nor empty. */
static bool nonempty(const char *z)
{
	return z != NULL && *z != '\0';
}

/*
 * The "context" grant as compact JSON: {"context":{"user":{...}}}, plus
 * "features" all "false" for JaaS. cJSON escapes the display name. Returns
 * a string to release with cJSON_free(), or NULL when out of memory.
 */
static char *jitsi_context_json(const struct vs_jitsi_grant *g, bool bFeatures)
{
	static const char *const azFeature[] = {
		"recording", "livestreaming", "transcription", "outbound-call",
		"sip-outbound-call",
	};
	cJSON *pRoot, *pCtx, *pUser, *pFeat;
	char *zJson = NULL;

	pRoot = cJSON_CreateObject();
	if (pRoot == NULL)
		return NULL;
	pCtx = cJSON_AddObjectToObject(pRoot, "context");
	pUser = pCtx ? cJSON_AddObjectToObject(pCtx, "user") : NULL;
	if (pUser == NULL
	    || cJSON_AddStringToObject(pUser, "id", g->zUserId) == NULL
	    || cJSON_AddStringToObject(pUser, "name", g->zDisplayName) == NULL
	    || cJSON_AddStringToObject(pUser, "moderator", g->bModerator ? "true" : "false") == NULL)
		goto out;
	if (bFeatures) {
		pFeat = cJSON_AddObjectToObject(pCtx, "features");
		if (pFeat == NULL)
			goto out;
		for (size_t i = 0; i < sizeof(azFeature) / sizeof(azFeature[0]); i++) {
			if (cJSON_AddStringToObject(pFeat, azFeature[i], "false") == NULL)
				goto out;
		}
	}
	zJson = cJSON_PrintUnformatted(pRoot);
out:
	cJSON_Delete(pRoot);
	return zJson;
}

/*
 * A Jitsi token for one person in one room (see token.h for the claims of
 * each mode). *pzOut is malloc'd and the caller frees it; NULL on failure.
 * VS_ERR_INVALID for PUBLIC mode, a missing or malformed grant field (room
 * not [A-Za-z0-9_-], empty user id, exp not after nbf and now, a display
 * name that is not valid UTF-8), a self-hosted secret under
 * VS_TOKEN_MIN_SECRET bytes, or a JaaS key that vs_jitsi_key_usable()
 * refuses; VS_ERR_NOMEM / VS_ERR_INTERNAL when a library fails.
 */
enum vs_err vs_jitsi_token(const struct vs_jitsi_config *cfg,
			   const struct vs_jitsi_grant *g, char **pzOut)
{
	jwt_t *jwt = NULL;
	char *zContext = NULL, *zTok = NULL;
	enum vs_err rc = VS_ERR_INVALID;
	int r;

	*pzOut = NULL;
	if (cfg == NULL || g == NULL)
		return VS_ERR_INVALID;
	if (cfg->eMode != VS_JITSI_SELF_HOSTED && cfg->eMode != VS_JITSI_JAAS)
		return VS_ERR_INVALID;
	if (!room_valid(g->zRoom) || !nonempty(g->zUserId) || g->zDisplayName == NULL
	    || !nonempty(cfg->zAppId) || g->iExpSec <= g->iNbfSec || g->iExpSec <= g->iNowSec)
		return VS_ERR_INVALID;
	if (cfg->eMode == VS_JITSI_SELF_HOSTED) {
		if (!nonempty(cfg->zDomain) || cfg->pSecret == NULL
		    || cfg->nSecret < VS_TOKEN_MIN_SECRET || cfg->nSecret > INT_MAX)
			return VS_ERR_INVALID;
	} else {
		if (!nonempty(cfg->zKeyId) || cfg->zPrivateKeyPem == NULL
		    || !vs_jitsi_key_usable(cfg->zPrivateKeyPem, cfg->nPrivateKeyPem))
			return VS_ERR_INVALID;
	}

	rc = jwt_rc(jwt_new(&jwt));
	if (rc != VS_OK)
		goto out;
	if (cfg->eMode == VS_JITSI_SELF_HOSTED) {
		const char *zAud = nonempty(cfg->zAudience) ? cfg->zAudience : cfg->zAppId;
		rc = jwt_rc(jwt_set_alg(jwt, JWT_ALG_HS256, cfg->pSecret, (int)cfg->nSecret));
		if (rc == VS_OK)
			rc = jwt_rc(jwt_add_grant(jwt, "iss", cfg->zAppId));
		if (rc == VS_OK)
			rc = jwt_rc(jwt_add_grant(jwt, "aud", zAud));
		if (rc == VS_OK)
			rc = jwt_rc(jwt_add_grant(jwt, "sub", cfg->zDomain));
	} else {
		rc = jwt_rc(jwt_set_alg(jwt, JWT_ALG_RS256,
					(const unsigned char *)cfg->zPrivateKeyPem,
					(int)cfg->nPrivateKeyPem));
		if (rc == VS_OK)
			rc = jwt_rc(jwt_add_header(jwt, "kid", cfg->zKeyId));
		if (rc == VS_OK)
			rc = jwt_rc(jwt_add_grant(jwt, "iss", "chat"));
		if (rc == VS_OK)
			rc = jwt_rc(jwt_add_grant(jwt, "aud", "jitsi"));
		if (rc == VS_OK)
			rc = jwt_rc(jwt_add_grant(jwt, "sub", cfg->zAppId));
	}
	if (rc == VS_OK)
		rc = jwt_rc(jwt_add_grant(jwt, "room", g->zRoom));
	if (rc == VS_OK)
		rc = jwt_rc(jwt_add_grant_int(jwt, "iat", g->iNowSec));
	if (rc == VS_OK)
		rc = jwt_rc(jwt_add_grant_int(jwt, "nbf", g->iNbfSec));
	if (rc == VS_OK)
		rc = jwt_rc(jwt_add_grant_int(jwt, "exp", g->iExpSec));
	if (rc != VS_OK)
		goto out;

	zContext = jitsi_context_json(g, cfg->eMode == VS_JITSI_JAAS);
	if (zContext == NULL) {
		rc = VS_ERR_NOMEM;
		goto out;
	}
	r = jwt_add_grants_json(jwt, zContext);
	if (r != 0) {
		/* jansson refuses what cJSON lets through: invalid UTF-8. */
		rc = r == ENOMEM ? VS_ERR_NOMEM : VS_ERR_INVALID;
		goto out;
	}
	zTok = jwt_encode_str(jwt);
	if (zTok == NULL) {
		rc = VS_ERR_INTERNAL;
		goto out;
	}
	*pzOut = zTok;
	rc = VS_OK;
out:
	cJSON_free(zContext);
	jwt_free(jwt);
	return rc;
}

/* A passphrase callback that refuses, so OpenSSL never prompts on a tty. */
static int pem_no_passphrase(char *zBuf, int nBuf, int bWrite, void *pArg)
{
	(void)zBuf;
	(void)nBuf;
	(void)bWrite;
	(void)pArg;
	return -1;
}

/*
 * True when the nPem bytes at zPem hold an unencrypted RSA private key
 * (PKCS#1 or PKCS#8 PEM) of at least 2048 bits. Parses with OpenSSL; frees
 * everything and clears OpenSSL's error queue before returning.
 */
bool vs_jitsi_key_usable(const char *zPem, size_t nPem)
{
	BIO *pBio = NULL;
	EVP_PKEY *pKey = NULL;
	bool bOk = false;

	if (zPem == NULL || nPem == 0 || nPem > INT_MAX)
		return false;
	pBio = BIO_new_mem_buf(zPem, (int)nPem);
	if (pBio == NULL)
		goto out;
	pKey = PEM_read_bio_PrivateKey(pBio, NULL, pem_no_passphrase, NULL);
	if (pKey == NULL)
		goto out;
	bOk = EVP_PKEY_get_base_id(pKey) == EVP_PKEY_RSA
	      && EVP_PKEY_get_bits(pKey) >= RSA_MIN_BITS;
out:
	EVP_PKEY_free(pKey);
	BIO_free(pBio);
	ERR_clear_error();
	return bOk;
}
