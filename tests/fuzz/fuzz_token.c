/*
 * fuzz_token.c — libFuzzer harness for vs_token_verify().
 *
 * The first input byte picks a mode:
 *
 *   even  RAW: the rest is handed to vs_token_verify() as the token. The
 *         fuzzer does not know the secret, so the only input that may
 *         verify is the one token this harness issued itself (it is in the
 *         seed corpus so the success path is covered). Any other VS_OK traps.
 *
 *   odd   SIGNED: the rest is "<header JSON>\n<payload JSON>". The harness
 *         base64url-encodes both halves and signs them with the secret, so
 *         the fuzzer reaches the header check, libjwt and the claim checks
 *         with JSON it controls directly. A VS_OK must then satisfy the
 *         contract: header alg HS256, sub > 0, a known role, a well-formed
 *         sid, exp not passed and iat not ahead (beyond the skew).
 *
 * Crashes, sanitizer reports and leaks are failures in both modes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "vsession/token.h"

#define NOW     1800000000LL
#define SECRET  "fuzz-secret-0123456789abcdef0123456789"

static const struct vs_token_config cfg = {
	.pSecret = (const unsigned char *)SECRET, .nSecret = sizeof(SECRET) - 1,
	.zIssuer = "vsession", .zAudience = "vsession-api", .iTtlSec = 3600, .iSkewSec = 60,
};

static char *zIssued;   /* the one RAW input allowed to verify */

static size_t b64url(const unsigned char *a, size_t n, char *z)
{
	static const char zA[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
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
	return nOut;
}

static bool claims_honour_the_contract(const struct vs_token_claims *c)
{
	size_t nSid = strnlen(c->zSid, VS_SID_MAX);

	if (c->iSub <= 0 || nSid == 0 || nSid >= VS_SID_MAX)
		return false;
	if (strcmp(c->zRole, "partner") != 0 && strcmp(c->zRole, "client") != 0
	    && strcmp(c->zRole, "admin") != 0)
		return false;
	for (size_t i = 0; i < nSid; i++) {
		char ch = c->zSid[i];
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z')
		      || (ch >= '0' && ch <= '9') || ch == '-'))
			return false;
	}
	return c->iExp >= NOW - cfg.iSkewSec && c->iIat <= NOW + cfg.iSkewSec;
}

/* True when the n bytes at a contain the NUL-terminated zNeedle. */
static bool contains(const uint8_t *a, size_t n, const char *zNeedle)
{
	size_t nNeedle = strlen(zNeedle);

	for (size_t i = 0; i + nNeedle <= n; i++) {
		if (memcmp(a + i, zNeedle, nNeedle) == 0)
			return true;
	}
	return false;
}

static void fuzz_raw(const uint8_t *a, size_t n)
{
	struct vs_token_claims c;

	if (vs_token_verify(&cfg, (const char *)a, n, NOW, &c) != VS_OK)
		return;
	if (zIssued == NULL || n != strlen(zIssued) || memcmp(a, zIssued, n) != 0)
		__builtin_trap();   /* verified without the secret */
	if (!claims_honour_the_contract(&c))
		__builtin_trap();
}

static void fuzz_signed(const uint8_t *a, size_t n)
{
	const uint8_t *pNl = memchr(a, '\n', n);
	size_t nHdr, nPay, nTok;
	unsigned char aMac[EVP_MAX_MD_SIZE];
	unsigned int nMac = 0;
	struct vs_token_claims c;
	char *zTok;

	if (pNl == NULL || n > VS_TOKEN_MAX_LEN)
		return;
	nHdr = (size_t)(pNl - a);
	nPay = n - nHdr - 1;
	zTok = malloc((nHdr + nPay) * 4 / 3 + 64);
	if (zTok == NULL)
		return;
	nTok = b64url(a, nHdr, zTok);
	zTok[nTok++] = '.';
	nTok += b64url(pNl + 1, nPay, zTok + nTok);
	if (HMAC(EVP_sha256(), SECRET, (int)sizeof(SECRET) - 1, (unsigned char *)zTok, nTok,
		 aMac, &nMac) == NULL) {
		free(zTok);
		return;
	}
	zTok[nTok++] = '.';
	nTok += b64url(aMac, nMac, zTok + nTok);

	if (vs_token_verify(&cfg, zTok, nTok, NOW, &c) == VS_OK) {
		/* A header without the exact "HS256" must never have verified. */
		if (!contains(a, nHdr, "\"HS256\""))
			__builtin_trap();
		if (!claims_honour_the_contract(&c))
			__builtin_trap();
	}
	free(zTok);
}

int LLVMFuzzerTestOneInput(const uint8_t *a, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *a, size_t n)
{
	if (zIssued == NULL)
		(void)vs_token_issue(&cfg, 42, "partner", "fuzz-sid", NOW, &zIssued, NULL);
	if (n == 0)
		return 0;
	if ((a[0] & 1) == 0)
		fuzz_raw(a + 1, n - 1);
	else
		fuzz_signed(a + 1, n - 1);
	return 0;
}
