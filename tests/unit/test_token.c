/*
 * test_token.c — API bearer tokens and Jitsi room tokens (lib/token.c).
 *
 * The attack table builds tokens by hand (base64url + HMAC/RSA from
 * libcrypto) so a test can put anything in the header, the payload and the
 * signature. Each table also holds control rows, built the same way, that
 * must pass: they prove the hand-made tokens would be accepted but for the
 * one thing each attack row changes.
 *
 * Needs libcrypto and libjwt directly; both reach this program through
 * libvsession's (static) link interface.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "unit.h"
#include "vsession/error.h"
#include "vsession/token.h"

#define NOW       1800000000LL
#define SECRET    "0123456789abcdef0123456789abcdef-test-secret"
#define ISSUER    "vsession"
#define AUDIENCE  "vsession-api"

static const struct vs_token_config cfg = {
	.pSecret = (const unsigned char *)SECRET, .nSecret = sizeof(SECRET) - 1,
	.zIssuer = ISSUER, .zAudience = AUDIENCE, .iTtlSec = 43200, .iSkewSec = 60,
};

/* Test keys, made once in main(). */
static EVP_PKEY *pRsa;         /* 2048-bit: signs JaaS tokens and RS256 attacks */
static char *zRsaPem;          /* its private key, PKCS#8 PEM */
static char *zRsaPubPem;       /* its public key, SPKI PEM */

/* ---- building tokens by hand ------------------------------------------ */

static size_t b64url(const void *p, size_t n, char *z)
{
	static const char zA[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	const unsigned char *a = p;
	uint32_t acc = 0;
	unsigned nBit = 0;
	size_t nOut = 0;

	for (size_t i = 0; i < n; i++) {
		acc = (acc << 8 | a[i]) & 0xFFFFu;
		nBit += 8;
		while (nBit >= 6) {
			nBit -= 6;
			z[nOut++] = zA[acc >> nBit & 63];
		}
	}
	if (nBit > 0)
		z[nOut++] = zA[acc << (6 - nBit) & 63];
	z[nOut] = '\0';
	return nOut;
}

enum sig {
	SIG_HS256,        /* HMAC-SHA256 with the right secret */
	SIG_HS384,        /* HMAC-SHA384 with the right secret */
	SIG_NONE,         /* empty signature */
	SIG_WRONG,        /* HMAC-SHA256 with another 32+ byte secret */
	SIG_RS256,        /* RSASSA-PKCS1-v1_5 SHA-256 with the test RSA key */
	SIG_PUBPEM,       /* HMAC-SHA256 keyed with the RSA public key PEM */
};

/* Writes "b64(header).b64(payload).sig" into z (holds nZ). */
static void craft(char *z, size_t nZ, const char *zHdr, const char *zPay, enum sig eSig)
{
	unsigned char aSig[512];
	size_t nSig = 0, n;
	unsigned int nMac = 0;
	static const char zWrong[] = "another-secret-of-32-bytes-or-more!!";

	if (strlen(zHdr) * 2 + strlen(zPay) * 2 + 1024 > nZ) {
		z[0] = '\0';
		return;
	}
	n = b64url(zHdr, strlen(zHdr), z);
	z[n++] = '.';
	n += b64url(zPay, strlen(zPay), z + n);
	switch (eSig) {
	case SIG_HS256:
		HMAC(EVP_sha256(), SECRET, (int)sizeof(SECRET) - 1, (unsigned char *)z, n, aSig, &nMac);
		nSig = nMac;
		break;
	case SIG_HS384:
		HMAC(EVP_sha384(), SECRET, (int)sizeof(SECRET) - 1, (unsigned char *)z, n, aSig, &nMac);
		nSig = nMac;
		break;
	case SIG_WRONG:
		HMAC(EVP_sha256(), zWrong, (int)sizeof(zWrong) - 1, (unsigned char *)z, n, aSig, &nMac);
		nSig = nMac;
		break;
	case SIG_PUBPEM:
		HMAC(EVP_sha256(), zRsaPubPem, (int)strlen(zRsaPubPem), (unsigned char *)z, n, aSig, &nMac);
		nSig = nMac;
		break;
	case SIG_RS256: {
		EVP_MD_CTX *ctx = EVP_MD_CTX_new();
		nSig = sizeof(aSig);
		if (ctx == NULL || EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, pRsa) != 1
		    || EVP_DigestSign(ctx, aSig, &nSig, (unsigned char *)z, n) != 1)
			nSig = 0;
		EVP_MD_CTX_free(ctx);
		break;
	}
	case SIG_NONE:
		break;
	}
	z[n++] = '.';
	b64url(aSig, nSig, z + n);
}

/* ---- issue and verify ---------------------------------------------------- */

static void issued_token_verifies_with_its_claims(void)
{
	char *zTok = NULL;
	int64_t iExp = 0;
	struct vs_token_claims c;

	CHECK_INT(vs_token_issue(&cfg, 42, "partner", "sid-AZaz09", NOW, &zTok, &iExp), VS_OK);
	CHECK(zTok != NULL);
	if (zTok == NULL)
		return;
	CHECK_INT(iExp, NOW + 43200);
	CHECK(strlen(zTok) < 512);
	CHECK_INT(vs_token_verify(&cfg, zTok, strlen(zTok), NOW, &c), VS_OK);
	CHECK_INT(c.iSub, 42);
	CHECK_STR(c.zRole, "partner");
	CHECK_STR(c.zSid, "sid-AZaz09");
	CHECK_INT(c.iIat, NOW);
	CHECK_INT(c.iExp, NOW + 43200);

	/* The whole lifetime, and the skew at both ends. */
	CHECK_INT(vs_token_verify(&cfg, zTok, strlen(zTok), NOW - 60, &c), VS_OK);
	CHECK_INT(vs_token_verify(&cfg, zTok, strlen(zTok), NOW - 61, &c), VS_ERR_UNAUTHENTICATED);
	CHECK_INT(vs_token_verify(&cfg, zTok, strlen(zTok), NOW + 43200 + 60, &c), VS_OK);
	CHECK_INT(vs_token_verify(&cfg, zTok, strlen(zTok), NOW + 43200 + 61, &c), VS_ERR_UNAUTHENTICATED);
	free(zTok);
}

static void every_role_round_trips(void)
{
	static const char *const azRole[] = { "partner", "client", "admin" };
	struct vs_token_claims c;

	for (size_t i = 0; i < 3; i++) {
		char *zTok = NULL;
		CHECK_INT(vs_token_issue(&cfg, (int64_t)i + 1, azRole[i], "s", NOW, &zTok, NULL), VS_OK);
		if (zTok == NULL)
			continue;
		CHECK_INT(vs_token_verify(&cfg, zTok, strlen(zTok), NOW, &c), VS_OK);
		CHECK_STR(c.zRole, azRole[i]);
		CHECK_INT(c.iSub, i + 1);
		free(zTok);
	}
}

static void verify_reads_exactly_ntok_bytes(void)
{
	char *zTok = NULL, aBuf[1024];
	size_t n;
	struct vs_token_claims c;

	CHECK_INT(vs_token_issue(&cfg, 7, "client", "abc", NOW, &zTok, NULL), VS_OK);
	if (zTok == NULL)
		return;
	n = strlen(zTok);
	/* Not NUL-terminated, followed by junk: fine, only n bytes count. */
	memcpy(aBuf, zTok, n);
	memset(aBuf + n, 'A', sizeof(aBuf) - n);
	CHECK_INT(vs_token_verify(&cfg, aBuf, n, NOW, &c), VS_OK);
	/* One byte short, one byte long, an embedded NUL. */
	CHECK_INT(vs_token_verify(&cfg, zTok, n - 1, NOW, &c), VS_ERR_UNAUTHENTICATED);
	CHECK_INT(vs_token_verify(&cfg, aBuf, n + 1, NOW, &c), VS_ERR_UNAUTHENTICATED);
	aBuf[n] = '\0';
	CHECK_INT(vs_token_verify(&cfg, aBuf, n + 1, NOW, &c), VS_ERR_UNAUTHENTICATED);
	free(zTok);
}

static void issue_refuses_bad_input(void)
{
	char *zTok = (char *)1;
	char zLong[VS_SID_MAX + 1];
	struct vs_token_config weak = cfg;

	memset(zLong, 'a', VS_SID_MAX);
	zLong[VS_SID_MAX] = '\0';
	CHECK_INT(vs_token_issue(&cfg, 0, "partner", "s", NOW, &zTok, NULL), VS_ERR_INVALID);
	CHECK(zTok == NULL);
	CHECK_INT(vs_token_issue(&cfg, -5, "partner", "s", NOW, &zTok, NULL), VS_ERR_INVALID);
	CHECK_INT(vs_token_issue(&cfg, 1, "root", "s", NOW, &zTok, NULL), VS_ERR_INVALID);
	CHECK_INT(vs_token_issue(&cfg, 1, NULL, "s", NOW, &zTok, NULL), VS_ERR_INVALID);
	CHECK_INT(vs_token_issue(&cfg, 1, "client", "", NOW, &zTok, NULL), VS_ERR_INVALID);
	CHECK_INT(vs_token_issue(&cfg, 1, "client", "a b", NOW, &zTok, NULL), VS_ERR_INVALID);
	CHECK_INT(vs_token_issue(&cfg, 1, "client", "a\"b", NOW, &zTok, NULL), VS_ERR_INVALID);
	CHECK_INT(vs_token_issue(&cfg, 1, "client", zLong, NOW, &zTok, NULL), VS_ERR_INVALID);
	zLong[VS_SID_MAX - 1] = '\0';   /* 63 characters: the longest allowed */
	CHECK_INT(vs_token_issue(&cfg, 1, "client", zLong, NOW, &zTok, NULL), VS_OK);
	free(zTok);
	zTok = NULL;
	CHECK_INT(vs_token_issue(&cfg, 1, "client", "s", INT64_MAX - 10, &zTok, NULL), VS_ERR_INVALID);

	weak.nSecret = VS_TOKEN_MIN_SECRET - 1;
	CHECK_INT(vs_token_issue(&weak, 1, "client", "s", NOW, &zTok, NULL), VS_ERR_INTERNAL);
	CHECK(zTok == NULL);
}

static void verify_refuses_an_unusable_config(void)
{
	struct vs_token_config bad = cfg;
	struct vs_token_claims c;
	char *zTok = NULL;

	CHECK_INT(vs_token_issue(&cfg, 1, "client", "s", NOW, &zTok, NULL), VS_OK);
	if (zTok == NULL)
		return;
	bad.nSecret = 31;
	CHECK_INT(vs_token_verify(&bad, zTok, strlen(zTok), NOW, &c), VS_ERR_INTERNAL);
	bad = cfg;
	bad.iSkewSec = 61;
	CHECK_INT(vs_token_verify(&bad, zTok, strlen(zTok), NOW, &c), VS_ERR_INTERNAL);
	bad = cfg;
	bad.zAudience = NULL;
	CHECK_INT(vs_token_verify(&bad, zTok, strlen(zTok), NOW, &c), VS_ERR_INTERNAL);
	free(zTok);
}

/* ---- the attack table ----------------------------------------------------- */

#define HS256_HDR "{\"alg\":\"HS256\",\"typ\":\"JWT\"}"
#define WHO       "\"sub\":42,\"role\":\"partner\",\"sid\":\"abc-123\""
#define TIMES     "\"iat\":1800000000,\"exp\":1800003600"
#define ISSAUD    "\"iss\":\"" ISSUER "\",\"aud\":\"" AUDIENCE "\""
#define GOOD      "{" WHO "," TIMES "," ISSAUD "}"

struct attack {
	const char *zName;
	const char *zHdr;
	const char *zPay;
	enum sig    eSig;
	int64_t     iNow;
	enum vs_err eWant;
};

static const struct attack aAttack[] = {
	/* Controls: built like the attacks, and accepted. */
	{ "control: hand-made HS256", HS256_HDR, GOOD, SIG_HS256, NOW, VS_OK },
	{ "control: header without typ", "{\"alg\":\"HS256\"}", GOOD, SIG_HS256, NOW, VS_OK },
	{ "control: exp exactly skew ago", HS256_HDR, GOOD, SIG_HS256, 1800003600 + 60, VS_OK },
	{ "control: iat skew ahead", HS256_HDR, "{" WHO ",\"iat\":1800000060,\"exp\":1800003600," ISSAUD "}",
	  SIG_HS256, NOW, VS_OK },
	{ "control: nbf skew ahead", HS256_HDR, "{" WHO "," TIMES ",\"nbf\":1800000060," ISSAUD "}",
	  SIG_HS256, NOW, VS_OK },
	{ "control: sid of 63 characters", HS256_HDR,
	  "{\"sub\":42,\"role\":\"admin\",\"sid\":\"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-\","
	  TIMES "," ISSAUD "}", SIG_HS256, NOW, VS_OK },

	/* The algorithm. */
	{ "alg none, no signature", "{\"alg\":\"none\",\"typ\":\"JWT\"}", GOOD, SIG_NONE, NOW, VS_ERR_UNAUTHENTICATED },
	{ "alg NONE, no signature", "{\"alg\":\"NONE\",\"typ\":\"JWT\"}", GOOD, SIG_NONE, NOW, VS_ERR_UNAUTHENTICATED },
	{ "alg none, valid HS256 signature", "{\"alg\":\"none\"}", GOOD, SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "alg HS256 header, no signature", HS256_HDR, GOOD, SIG_NONE, NOW, VS_ERR_UNAUTHENTICATED },
	{ "alg HS384 signed HS384", "{\"alg\":\"HS384\",\"typ\":\"JWT\"}", GOOD, SIG_HS384, NOW, VS_ERR_UNAUTHENTICATED },
	{ "alg HS384 header, HS256 signature", "{\"alg\":\"HS384\",\"typ\":\"JWT\"}", GOOD, SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "alg HS512 header, HS256 signature", "{\"alg\":\"HS512\"}", GOOD, SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "alg hs256 (libjwt takes it)", "{\"alg\":\"hs256\",\"typ\":\"JWT\"}", GOOD, SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "alg RS256 signed RSA", "{\"alg\":\"RS256\",\"typ\":\"JWT\"}", GOOD, SIG_RS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "alg RS256 header, HMAC keyed with the public PEM", "{\"alg\":\"RS256\"}", GOOD, SIG_PUBPEM, NOW, VS_ERR_UNAUTHENTICATED },
	{ "alg HS256, HMAC keyed with the public PEM", HS256_HDR, GOOD, SIG_PUBPEM, NOW, VS_ERR_UNAUTHENTICATED },
	{ "alg RS256 header, HS256 signature", "{\"alg\":\"RS256\"}", GOOD, SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "alg missing", "{\"typ\":\"JWT\"}", GOOD, SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "alg twice, HS256 first", "{\"alg\":\"HS256\",\"alg\":\"none\"}", GOOD, SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "alg twice, none first", "{\"alg\":\"none\",\"alg\":\"HS256\"}", GOOD, SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "alg not a string", "{\"alg\":1}", GOOD, SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "alg with a trailing space", "{\"alg\":\"HS256 \"}", GOOD, SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "crit header", "{\"alg\":\"HS256\",\"crit\":[\"exp\"]}", GOOD, SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "header an array", "[\"HS256\"]", GOOD, SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "header not JSON", "HS256", GOOD, SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "header with trailing garbage", HS256_HDR "x", GOOD, SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "wrong secret", HS256_HDR, GOOD, SIG_WRONG, NOW, VS_ERR_UNAUTHENTICATED },

	/* Time. */
	{ "expired by 61 s", HS256_HDR, GOOD, SIG_HS256, 1800003600 + 61, VS_ERR_UNAUTHENTICATED },
	{ "expired long ago", HS256_HDR, GOOD, SIG_HS256, 1900000000, VS_ERR_UNAUTHENTICATED },
	{ "nbf 61 s ahead", HS256_HDR, "{" WHO "," TIMES ",\"nbf\":1800000061," ISSAUD "}",
	  SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "nbf a string", HS256_HDR, "{" WHO "," TIMES ",\"nbf\":\"0\"," ISSAUD "}",
	  SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "iat 61 s ahead", HS256_HDR, "{" WHO ",\"iat\":1800000061,\"exp\":1800003600," ISSAUD "}",
	  SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "exp missing", HS256_HDR, "{" WHO ",\"iat\":1800000000," ISSAUD "}", SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "iat missing", HS256_HDR, "{" WHO ",\"exp\":1800003600," ISSAUD "}", SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "exp a string", HS256_HDR, "{" WHO ",\"iat\":1800000000,\"exp\":\"1800003600\"," ISSAUD "}",
	  SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "exp a real", HS256_HDR, "{" WHO ",\"iat\":1800000000,\"exp\":1800003600.5," ISSAUD "}",
	  SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "exp huge", HS256_HDR, "{" WHO ",\"iat\":1800000000,\"exp\":99999999999999999999999," ISSAUD "}",
	  SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },

	/* Issuer and audience. */
	{ "wrong iss", HS256_HDR, "{" WHO "," TIMES ",\"iss\":\"evil\",\"aud\":\"" AUDIENCE "\"}",
	  SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "iss missing", HS256_HDR, "{" WHO "," TIMES ",\"aud\":\"" AUDIENCE "\"}", SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "iss a prefix", HS256_HDR, "{" WHO "," TIMES ",\"iss\":\"vsess\",\"aud\":\"" AUDIENCE "\"}",
	  SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "wrong aud", HS256_HDR, "{" WHO "," TIMES ",\"iss\":\"" ISSUER "\",\"aud\":\"jitsi\"}",
	  SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "aud missing", HS256_HDR, "{" WHO "," TIMES ",\"iss\":\"" ISSUER "\"}", SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "aud an array holding ours (refused)", HS256_HDR,
	  "{" WHO "," TIMES ",\"iss\":\"" ISSUER "\",\"aud\":[\"" AUDIENCE "\"]}", SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },

	/* Subject, role, login session. */
	{ "sid missing", HS256_HDR, "{\"sub\":42,\"role\":\"partner\"," TIMES "," ISSAUD "}",
	  SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "sid empty", HS256_HDR, "{\"sub\":42,\"role\":\"partner\",\"sid\":\"\"," TIMES "," ISSAUD "}",
	  SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "sid with a slash", HS256_HDR, "{\"sub\":42,\"role\":\"partner\",\"sid\":\"a/b\"," TIMES "," ISSAUD "}",
	  SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "sid a number", HS256_HDR, "{\"sub\":42,\"role\":\"partner\",\"sid\":5," TIMES "," ISSAUD "}",
	  SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "sid of 64 characters", HS256_HDR,
	  "{\"sub\":42,\"role\":\"admin\",\"sid\":\"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-x\","
	  TIMES "," ISSAUD "}", SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "role root", HS256_HDR, "{\"sub\":42,\"role\":\"root\",\"sid\":\"s\"," TIMES "," ISSAUD "}",
	  SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "role Admin", HS256_HDR, "{\"sub\":42,\"role\":\"Admin\",\"sid\":\"s\"," TIMES "," ISSAUD "}",
	  SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "role missing", HS256_HDR, "{\"sub\":42,\"sid\":\"s\"," TIMES "," ISSAUD "}",
	  SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "role an array", HS256_HDR, "{\"sub\":42,\"role\":[\"admin\"],\"sid\":\"s\"," TIMES "," ISSAUD "}",
	  SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "sub \"1\" a string", HS256_HDR, "{\"sub\":\"1\",\"role\":\"client\",\"sid\":\"s\"," TIMES "," ISSAUD "}",
	  SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "sub 0", HS256_HDR, "{\"sub\":0,\"role\":\"client\",\"sid\":\"s\"," TIMES "," ISSAUD "}",
	  SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "sub negative", HS256_HDR, "{\"sub\":-1,\"role\":\"client\",\"sid\":\"s\"," TIMES "," ISSAUD "}",
	  SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "sub 1.0", HS256_HDR, "{\"sub\":1.0,\"role\":\"client\",\"sid\":\"s\"," TIMES "," ISSAUD "}",
	  SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "sub 1e0", HS256_HDR, "{\"sub\":1e0,\"role\":\"client\",\"sid\":\"s\"," TIMES "," ISSAUD "}",
	  SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "sub true", HS256_HDR, "{\"sub\":true,\"role\":\"client\",\"sid\":\"s\"," TIMES "," ISSAUD "}",
	  SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "sub missing", HS256_HDR, "{\"role\":\"client\",\"sid\":\"s\"," TIMES "," ISSAUD "}",
	  SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "payload not JSON", HS256_HDR, "sub=1", SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "payload an array", HS256_HDR, "[" GOOD "]", SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
	{ "payload with a NUL in role", HS256_HDR,
	  "{\"sub\":42,\"role\":\"admin\\u0000x\",\"sid\":\"s\"," TIMES "," ISSAUD "}",
	  SIG_HS256, NOW, VS_ERR_UNAUTHENTICATED },
};

static void attack_table_is_refused(void)
{
	char z[8192];
	struct vs_token_claims c;

	for (size_t i = 0; i < sizeof(aAttack) / sizeof(aAttack[0]); i++) {
		const struct attack *a = &aAttack[i];
		enum vs_err rc;

		craft(z, sizeof(z), a->zHdr, a->zPay, a->eSig);
		memset(&c, 0x5A, sizeof(c));
		rc = vs_token_verify(&cfg, z, strlen(z), a->iNow, &c);
		if (rc != a->eWant)
			fprintf(stderr, "attack row \"%s\": got %s\n", a->zName, vs_strerror(rc));
		CHECK_INT(rc, a->eWant);
		if (a->eWant != VS_OK) {
			/* A refused token leaves nothing usable behind. */
			CHECK_INT(c.iSub, 0);
			CHECK_STR(c.zRole, "");
			CHECK_STR(c.zSid, "");
		}
	}
}

/* Attacks on the token text itself rather than on what it says. */
static void malformed_token_text_is_refused(void)
{
	char *zTok = NULL, z[16384], zPay[256];
	const char *zDot2;
	size_t n;
	struct vs_token_claims c;
	static const char *const azGarbage[] = {
		"", "garbage", ".", "..", "...", "a.b", "a..c", ".b.c", "a.b.",
		"eyJhbGciOiJIUzI1NiJ9..", "Bearer x.y.z", " ", "\n",
	};

	CHECK_INT(vs_token_issue(&cfg, 42, "client", "abc", NOW, &zTok, NULL), VS_OK);
	if (zTok == NULL)
		return;
	n = strlen(zTok);
	zDot2 = strrchr(zTok, '.');

	for (size_t i = 0; i < sizeof(azGarbage) / sizeof(azGarbage[0]); i++)
		CHECK_INT(vs_token_verify(&cfg, azGarbage[i], strlen(azGarbage[i]), NOW, &c),
			  VS_ERR_UNAUTHENTICATED);
	CHECK_INT(vs_token_verify(&cfg, NULL, 0, NOW, &c), VS_ERR_UNAUTHENTICATED);

	/* Payload changed (client -> admin), old signature kept. */
	{
		char zHdr[128];
		size_t nHdr = (size_t)(strchr(zTok, '.') - zTok);
		memcpy(zHdr, zTok, nHdr);
		zHdr[nHdr] = '\0';
		b64url("{\"aud\":\"" AUDIENCE "\",\"exp\":1800043200,\"iat\":1800000000,\"iss\":\""
		       ISSUER "\",\"role\":\"admin\",\"sid\":\"abc\",\"sub\":42}",
		       strlen("{\"aud\":\"" AUDIENCE "\",\"exp\":1800043200,\"iat\":1800000000,\"iss\":\""
			      ISSUER "\",\"role\":\"admin\",\"sid\":\"abc\",\"sub\":42}"), zPay);
		snprintf(z, sizeof(z), "%s.%s%s", zHdr, zPay, zDot2);
		CHECK_INT(vs_token_verify(&cfg, z, strlen(z), NOW, &c), VS_ERR_UNAUTHENTICATED);
	}
	/* One character of the payload flipped. */
	memcpy(z, zTok, n + 1);
	z[strchr(zTok, '.') - zTok + 3] ^= 0x01;
	CHECK_INT(vs_token_verify(&cfg, z, n, NOW, &c), VS_ERR_UNAUTHENTICATED);
	/* Signature truncated by one and by ten characters, and empty. */
	CHECK_INT(vs_token_verify(&cfg, zTok, n - 1, NOW, &c), VS_ERR_UNAUTHENTICATED);
	CHECK_INT(vs_token_verify(&cfg, zTok, n - 10, NOW, &c), VS_ERR_UNAUTHENTICATED);
	CHECK_INT(vs_token_verify(&cfg, zTok, (size_t)(zDot2 - zTok) + 1, NOW, &c), VS_ERR_UNAUTHENTICATED);
	/* Signature: last character changed (the same 32 bytes cannot be re-spelled
	 * canonically; a changed last character is either a different MAC or a
	 * non-canonical spelling of the same one, and both are refused). */
	memcpy(z, zTok, n + 1);
	z[n - 1] = z[n - 1] == 'A' ? 'B' : 'A';
	CHECK_INT(vs_token_verify(&cfg, z, n, NOW, &c), VS_ERR_UNAUTHENTICATED);
	memcpy(z, zTok, n + 1);
	z[n - 1] = (char)(z[n - 1] ^ 0x01);
	CHECK_INT(vs_token_verify(&cfg, z, n, NOW, &c), VS_ERR_UNAUTHENTICATED);
	/* An extra part, with and without content. */
	snprintf(z, sizeof(z), "%s.xyz", zTok);
	CHECK_INT(vs_token_verify(&cfg, z, strlen(z), NOW, &c), VS_ERR_UNAUTHENTICATED);
	snprintf(z, sizeof(z), "%s.", zTok);
	CHECK_INT(vs_token_verify(&cfg, z, strlen(z), NOW, &c), VS_ERR_UNAUTHENTICATED);
	/* Padding, standard base64, surrounding white space. */
	snprintf(z, sizeof(z), "%s=", zTok);
	CHECK_INT(vs_token_verify(&cfg, z, strlen(z), NOW, &c), VS_ERR_UNAUTHENTICATED);
	snprintf(z, sizeof(z), " %s", zTok);
	CHECK_INT(vs_token_verify(&cfg, z, strlen(z), NOW, &c), VS_ERR_UNAUTHENTICATED);
	snprintf(z, sizeof(z), "%s\n", zTok);
	CHECK_INT(vs_token_verify(&cfg, z, strlen(z), NOW, &c), VS_ERR_UNAUTHENTICATED);
	memcpy(z, zTok, n + 1);
	for (size_t i = 0; i < n; i++) {
		if (z[i] == '-')
			z[i] = '+';
		else if (z[i] == '_')
			z[i] = '/';
	}
	if (strcmp(z, zTok) != 0)
		CHECK_INT(vs_token_verify(&cfg, z, n, NOW, &c), VS_ERR_UNAUTHENTICATED);
	/* The whole token twice. */
	snprintf(z, sizeof(z), "%s%s", zTok, zTok);
	CHECK_INT(vs_token_verify(&cfg, z, strlen(z), NOW, &c), VS_ERR_UNAUTHENTICATED);
	free(zTok);
}

/*
 * The size limit: a correctly signed token of at most VS_TOKEN_MAX_LEN
 * characters passes, one character more is refused before any parsing,
 * and so is a 1 MiB one.
 */
static void size_limit_is_exact(void)
{
	static char zPay[8192], z[16384];
	char zBig[VS_TOKEN_MAX_LEN * 2];
	struct vs_token_claims c;
	size_t nPad, nBest = 0, nOver = 0;
	char *pHuge;

	for (nPad = 6000; nPad > 5000; nPad--) {
		snprintf(zPay, sizeof(zPay), "{" WHO "," TIMES "," ISSAUD ",\"pad\":\"%0*d\"}", (int)nPad, 0);
		craft(z, sizeof(z), HS256_HDR, zPay, SIG_HS256);
		if (strlen(z) <= VS_TOKEN_MAX_LEN && nBest == 0) {
			nBest = nPad;
			CHECK_INT(vs_token_verify(&cfg, z, strlen(z), NOW, &c), VS_OK);
			CHECK(strlen(z) >= VS_TOKEN_MAX_LEN - 2);
			break;
		}
		nOver = strlen(z);
		memcpy(zBig, z, nOver + 1);
	}
	CHECK(nBest > 0);
	CHECK(nOver > VS_TOKEN_MAX_LEN && nOver <= VS_TOKEN_MAX_LEN + 2);
	CHECK_INT(vs_token_verify(&cfg, zBig, nOver, NOW, &c), VS_ERR_UNAUTHENTICATED);

	pHuge = malloc(1 << 20);
	if (pHuge != NULL) {
		memset(pHuge, 'A', 1 << 20);
		pHuge[100] = '.';
		pHuge[200] = '.';
		CHECK_INT(vs_token_verify(&cfg, pHuge, 1 << 20, NOW, &c), VS_ERR_UNAUTHENTICATED);
		free(pHuge);
	}
}

static void other_secret_or_issuer_is_refused(void)
{
	struct vs_token_config other = cfg;
	struct vs_token_claims c;
	char *zTok = NULL;

	other.pSecret = (const unsigned char *)"ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ";
	other.nSecret = 40;
	CHECK_INT(vs_token_issue(&other, 1, "admin", "s", NOW, &zTok, NULL), VS_OK);
	if (zTok != NULL)
		CHECK_INT(vs_token_verify(&cfg, zTok, strlen(zTok), NOW, &c), VS_ERR_UNAUTHENTICATED);
	free(zTok);
	zTok = NULL;

	other = cfg;
	other.zAudience = "jitsi";
	CHECK_INT(vs_token_issue(&other, 1, "admin", "s", NOW, &zTok, NULL), VS_OK);
	if (zTok != NULL)
		CHECK_INT(vs_token_verify(&cfg, zTok, strlen(zTok), NOW, &c), VS_ERR_UNAUTHENTICATED);
	free(zTok);
}

/* ---- Jitsi ---------------------------------------------------------------- */

#define JSECRET "jitsi-app-secret-of-more-than-32-bytes"

static const struct vs_jitsi_grant grantPartner = {
	.zRoom = "abcdefghijklmnopqrstuvwxyz", .zUserId = "3", .zDisplayName = "Dr. Ada Rivers",
	.bModerator = true, .iNbfSec = NOW - 900, .iExpSec = NOW + 3000 + 1800, .iNowSec = NOW,
};

static const struct vs_jitsi_grant grantClient = {
	.zRoom = "abcdefghijklmnopqrstuvwxyz", .zUserId = "9", .zDisplayName = "Zo\xc3\xab \"Z\" <b>\\",
	.bModerator = false, .iNbfSec = NOW - 900, .iExpSec = NOW + 4800, .iNowSec = NOW,
};

/* Checks a grant JSON value of the decoded token against the text jansson writes. */
static void check_grant_json(jwt_t *jwt, const char *zName, const char *zWant)
{
	char *z = jwt_get_grants_json(jwt, zName);
	CHECK_STR(z, zWant);
	free(z);
}

static void self_hosted_jitsi_token_has_every_claim(void)
{
	struct vs_jitsi_config jc = {
		.eMode = VS_JITSI_SELF_HOSTED, .zDomain = "meet.example.org", .zAppId = "vsession-app",
		.pSecret = (const unsigned char *)JSECRET, .nSecret = sizeof(JSECRET) - 1,
		.zAudience = "jitsi-aud",
	};
	char *zTok = NULL;
	jwt_t *jwt = NULL;

	CHECK_INT(vs_jitsi_token(&jc, &grantPartner, &zTok), VS_OK);
	CHECK(zTok != NULL);
	if (zTok == NULL)
		return;
	CHECK_INT(jwt_decode(&jwt, zTok, (const unsigned char *)JSECRET, (int)sizeof(JSECRET) - 1), 0);
	if (jwt != NULL) {
		CHECK_INT(jwt_get_alg(jwt), JWT_ALG_HS256);
		CHECK_STR(jwt_get_header(jwt, "alg"), "HS256");
		CHECK_STR(jwt_get_header(jwt, "typ"), "JWT");
		CHECK(jwt_get_header(jwt, "kid") == NULL);
		CHECK_STR(jwt_get_grant(jwt, "iss"), "vsession-app");
		CHECK_STR(jwt_get_grant(jwt, "aud"), "jitsi-aud");
		CHECK_STR(jwt_get_grant(jwt, "sub"), "meet.example.org");
		CHECK_STR(jwt_get_grant(jwt, "room"), "abcdefghijklmnopqrstuvwxyz");
		check_grant_json(jwt, "iat", "1800000000");
		check_grant_json(jwt, "nbf", "1799999100");
		check_grant_json(jwt, "exp", "1800004800");
		check_grant_json(jwt, "context",
				 "{\"user\":{\"id\":\"3\",\"moderator\":\"true\",\"name\":\"Dr. Ada Rivers\"}}");
		/* Exactly these claims and no others. */
		check_grant_json(jwt, NULL,
				 "{\"aud\":\"jitsi-aud\",\"context\":{\"user\":{\"id\":\"3\",\"moderator\":\"true\","
				 "\"name\":\"Dr. Ada Rivers\"}},\"exp\":1800004800,\"iat\":1800000000,"
				 "\"iss\":\"vsession-app\",\"nbf\":1799999100,\"room\":\"abcdefghijklmnopqrstuvwxyz\","
				 "\"sub\":\"meet.example.org\"}");
	}
	jwt_free(jwt);
	jwt = NULL;
	/* The wrong key does not open it. */
	CHECK(jwt_decode(&jwt, zTok, (const unsigned char *)SECRET, (int)sizeof(SECRET) - 1) != 0);
	jwt_free(jwt);
	jwt = NULL;
	free(zTok);
	zTok = NULL;

	/* The client: not a moderator, a name that needs escaping; the
	 * audience defaults to the app id. */
	jc.zAudience = NULL;
	CHECK_INT(vs_jitsi_token(&jc, &grantClient, &zTok), VS_OK);
	if (zTok != NULL
	    && jwt_decode(&jwt, zTok, (const unsigned char *)JSECRET, (int)sizeof(JSECRET) - 1) == 0) {
		CHECK_STR(jwt_get_grant(jwt, "aud"), "vsession-app");
		check_grant_json(jwt, "context",
				 "{\"user\":{\"id\":\"9\",\"moderator\":\"false\",\"name\":\"Zo\xc3\xab \\\"Z\\\" <b>\\\\\"}}");
	} else {
		CHECK(!"client token decodes");
	}
	jwt_free(jwt);
	free(zTok);
}

static void jaas_token_is_rs256_with_kid_and_features_off(void)
{
	struct vs_jitsi_config jc = {
		.eMode = VS_JITSI_JAAS, .zDomain = "8x8.vc", .zAppId = "vpaas-magic-cookie-0123abcd",
		.zKeyId = "vpaas-magic-cookie-0123abcd/4f4910", .zPrivateKeyPem = zRsaPem,
		.nPrivateKeyPem = strlen(zRsaPem),
	};
	char *zTok = NULL;
	jwt_t *jwt = NULL;

	CHECK_INT(vs_jitsi_token(&jc, &grantClient, &zTok), VS_OK);
	CHECK(zTok != NULL);
	if (zTok == NULL)
		return;
	/* With the public key, as JaaS verifies it. */
	CHECK_INT(jwt_decode(&jwt, zTok, (const unsigned char *)zRsaPubPem, (int)strlen(zRsaPubPem)), 0);
	if (jwt != NULL) {
		CHECK_INT(jwt_get_alg(jwt), JWT_ALG_RS256);
		CHECK_STR(jwt_get_header(jwt, "alg"), "RS256");
		CHECK_STR(jwt_get_header(jwt, "typ"), "JWT");
		CHECK_STR(jwt_get_header(jwt, "kid"), "vpaas-magic-cookie-0123abcd/4f4910");
		CHECK_STR(jwt_get_grant(jwt, "aud"), "jitsi");
		CHECK_STR(jwt_get_grant(jwt, "iss"), "chat");
		CHECK_STR(jwt_get_grant(jwt, "sub"), "vpaas-magic-cookie-0123abcd");
		CHECK_STR(jwt_get_grant(jwt, "room"), "abcdefghijklmnopqrstuvwxyz");
		check_grant_json(jwt, "iat", "1800000000");
		check_grant_json(jwt, "nbf", "1799999100");
		check_grant_json(jwt, "exp", "1800004800");
		check_grant_json(jwt, "context",
				 "{\"features\":{\"livestreaming\":\"false\",\"outbound-call\":\"false\","
				 "\"recording\":\"false\",\"sip-outbound-call\":\"false\",\"transcription\":\"false\"},"
				 "\"user\":{\"id\":\"9\",\"moderator\":\"false\",\"name\":\"Zo\xc3\xab \\\"Z\\\" <b>\\\\\"}}");
	}
	jwt_free(jwt);
	jwt = NULL;
	free(zTok);
	zTok = NULL;

	CHECK_INT(vs_jitsi_token(&jc, &grantPartner, &zTok), VS_OK);
	if (zTok != NULL
	    && jwt_decode(&jwt, zTok, (const unsigned char *)zRsaPubPem, (int)strlen(zRsaPubPem)) == 0) {
		char *zCtx = jwt_get_grants_json(jwt, "context");
		CHECK(zCtx != NULL && strstr(zCtx, "\"moderator\":\"true\"") != NULL);
		free(zCtx);
	} else {
		CHECK(!"partner JaaS token decodes");
	}
	jwt_free(jwt);
	free(zTok);
}

static void jitsi_token_refuses_bad_input(void)
{
	struct vs_jitsi_config hs = {
		.eMode = VS_JITSI_SELF_HOSTED, .zDomain = "meet.example.org", .zAppId = "app",
		.pSecret = (const unsigned char *)JSECRET, .nSecret = sizeof(JSECRET) - 1,
	};
	struct vs_jitsi_config pub = { .eMode = VS_JITSI_PUBLIC, .zDomain = "meet.jit.si" };
	struct vs_jitsi_config jaas = {
		.eMode = VS_JITSI_JAAS, .zDomain = "8x8.vc", .zAppId = "vpaas-magic-cookie-x",
		.zKeyId = "vpaas-magic-cookie-x/k", .zPrivateKeyPem = "not a key", .nPrivateKeyPem = 9,
	};
	struct vs_jitsi_grant g = grantPartner;
	char *zTok = (char *)1;

	CHECK_INT(vs_jitsi_token(&pub, &g, &zTok), VS_ERR_INVALID);
	CHECK(zTok == NULL);
	CHECK_INT(vs_jitsi_token(&jaas, &g, &zTok), VS_ERR_INVALID);
	hs.nSecret = 8;
	CHECK_INT(vs_jitsi_token(&hs, &g, &zTok), VS_ERR_INVALID);
	hs.nSecret = sizeof(JSECRET) - 1;

	g.zRoom = "*";
	CHECK_INT(vs_jitsi_token(&hs, &g, &zTok), VS_ERR_INVALID);
	g.zRoom = "vpaas-magic-cookie-x/room";
	CHECK_INT(vs_jitsi_token(&hs, &g, &zTok), VS_ERR_INVALID);
	g.zRoom = "";
	CHECK_INT(vs_jitsi_token(&hs, &g, &zTok), VS_ERR_INVALID);
	g = grantPartner;
	g.zUserId = "";
	CHECK_INT(vs_jitsi_token(&hs, &g, &zTok), VS_ERR_INVALID);
	g = grantPartner;
	g.iExpSec = g.iNbfSec;
	CHECK_INT(vs_jitsi_token(&hs, &g, &zTok), VS_ERR_INVALID);
	g = grantPartner;
	g.zDisplayName = "bad \xc3 utf-8";
	CHECK_INT(vs_jitsi_token(&hs, &g, &zTok), VS_ERR_INVALID);
	CHECK(zTok == NULL);
}

/* Writes pKey as PEM with fn into a malloc'd string. */
static char *pem_of(EVP_PKEY *pKey, int bPublic, int bTraditional, int bEncrypted)
{
	BIO *pBio = BIO_new(BIO_s_mem());
	char *zData = NULL, *z = NULL;
	long n;
	int ok;

	if (pBio == NULL)
		return NULL;
	if (bPublic)
		ok = PEM_write_bio_PUBKEY(pBio, pKey);
	else if (bTraditional)
		ok = PEM_write_bio_PrivateKey_traditional(pBio, pKey, NULL, NULL, 0, NULL, NULL);
	else if (bEncrypted)
		ok = PEM_write_bio_PrivateKey(pBio, pKey, EVP_aes_256_cbc(), NULL, 0, NULL, (void *)"passphrase");
	else
		ok = PEM_write_bio_PrivateKey(pBio, pKey, NULL, NULL, 0, NULL, NULL);
	n = BIO_get_mem_data(pBio, &zData);
	if (ok == 1 && n > 0 && (z = malloc((size_t)n + 1)) != NULL) {
		memcpy(z, zData, (size_t)n);
		z[n] = '\0';
	}
	BIO_free(pBio);
	return z;
}

static void key_usable_wants_rsa_2048_private(void)
{
	EVP_PKEY *pSmall = EVP_RSA_gen(1024), *pEc = EVP_EC_gen("P-256");
	char *z;

	CHECK(vs_jitsi_key_usable(zRsaPem, strlen(zRsaPem)));
	z = pem_of(pRsa, 0, 1, 0);                 /* PKCS#1 "RSA PRIVATE KEY" */
	CHECK(z != NULL && strstr(z, "BEGIN RSA PRIVATE KEY") != NULL);
	CHECK(z != NULL && vs_jitsi_key_usable(z, strlen(z)));
	free(z);
	z = pem_of(pRsa, 0, 0, 1);                 /* encrypted: no prompt, refused */
	CHECK(z != NULL && !vs_jitsi_key_usable(z, strlen(z)));
	free(z);
	CHECK(!vs_jitsi_key_usable(zRsaPubPem, strlen(zRsaPubPem)));
	CHECK(!vs_jitsi_key_usable(zRsaPem, strlen(zRsaPem) / 2));
	CHECK(!vs_jitsi_key_usable("garbage", 7));
	CHECK(!vs_jitsi_key_usable("", 0));
	CHECK(!vs_jitsi_key_usable(NULL, 10));

	CHECK(pSmall != NULL);
	z = pSmall ? pem_of(pSmall, 0, 0, 0) : NULL;
	CHECK(z != NULL && !vs_jitsi_key_usable(z, strlen(z)));
	free(z);
	CHECK(pEc != NULL);
	z = pEc ? pem_of(pEc, 0, 0, 0) : NULL;
	CHECK(z != NULL && !vs_jitsi_key_usable(z, strlen(z)));
	free(z);
	EVP_PKEY_free(pSmall);
	EVP_PKEY_free(pEc);
}

/*
 * With the cache on, a token seen before is still checked against the
 * clock (exp, iat, nbf, each with the skew), a token differing in one byte
 * is verified in full, and the cache serves no other configuration.
 */
static void cache_rechecks_the_clock_and_serves_exact_bytes_only(void)
{
	char z[8192];
	struct vs_token_claims c;
	struct vs_token_config other = cfg;
	size_t n;

	other.zAudience = "another-api";
	craft(z, sizeof(z), HS256_HDR, "{" WHO "," TIMES ",\"nbf\":1800000060," ISSAUD "}", SIG_HS256);
	n = strlen(z);
	CHECK_INT(vs_token_verify(&cfg, z, n, NOW, &c), VS_OK);
	CHECK_INT(vs_token_verify(&cfg, z, n, NOW, &c), VS_OK);
	CHECK_INT(c.iSub, 42);
	CHECK_STR(c.zSid, "abc-123");
	/* nbf 61 s ahead, iat 61 s ahead, exp 61 s ago: all refused from the cache. */
	memset(&c, 0x5A, sizeof(c));
	CHECK_INT(vs_token_verify(&cfg, z, n, NOW - 1, &c), VS_ERR_UNAUTHENTICATED);
	CHECK_INT(c.iSub, 0);
	CHECK_STR(c.zSid, "");
	CHECK_INT(vs_token_verify(&cfg, z, n, NOW - 61, &c), VS_ERR_UNAUTHENTICATED);
	CHECK_INT(vs_token_verify(&cfg, z, n, 1800003600 + 60, &c), VS_OK);
	CHECK_INT(vs_token_verify(&cfg, z, n, 1800003600 + 61, &c), VS_ERR_UNAUTHENTICATED);
	/* Another configuration is not served from the cache. */
	CHECK_INT(vs_token_verify(&other, z, n, NOW, &c), VS_ERR_UNAUTHENTICATED);
	/* One byte of the signature changed, or one byte fewer: verified in full. */
	z[n - 1] = z[n - 1] == 'A' ? 'B' : 'A';
	CHECK_INT(vs_token_verify(&cfg, z, n, NOW, &c), VS_ERR_UNAUTHENTICATED);
	z[n - 1] = '\0';
	CHECK_INT(vs_token_verify(&cfg, z, n - 1, NOW, &c), VS_ERR_UNAUTHENTICATED);
}

/* Every test of the file, run once without the cache and once with it. */
static void all_token_tests(void)
{
	issued_token_verifies_with_its_claims();
	every_role_round_trips();
	verify_reads_exactly_ntok_bytes();
	issue_refuses_bad_input();
	verify_refuses_an_unusable_config();
	attack_table_is_refused();
	attack_table_is_refused();          /* the second time, accepted rows may be cached */
	malformed_token_text_is_refused();
	size_limit_is_exact();
	other_secret_or_issuer_is_refused();
}

int main(void)
{
	pRsa = EVP_RSA_gen(2048);
	zRsaPem = pRsa ? pem_of(pRsa, 0, 0, 0) : NULL;
	zRsaPubPem = pRsa ? pem_of(pRsa, 1, 0, 0) : NULL;
	if (zRsaPem == NULL || zRsaPubPem == NULL) {
		fprintf(stderr, "cannot make the test RSA key\n");
		return 1;
	}

	all_token_tests();
	vs_token_cache_use(&cfg);
	all_token_tests();
	cache_rechecks_the_clock_and_serves_exact_bytes_only();
	vs_token_cache_use(NULL);
	self_hosted_jitsi_token_has_every_claim();
	jaas_token_is_rs256_with_kid_and_features_off();
	jitsi_token_refuses_bad_input();
	key_usable_wants_rsa_2048_private();

	free(zRsaPem);
	free(zRsaPubPem);
	EVP_PKEY_free(pRsa);
	return unit_summary("test_token");
}
