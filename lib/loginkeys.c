/*
 * loginkeys.c — keyed hashes of typed login names, device cookies and the
 * address a rate limit counts (see loginkeys.h for the why).
 *
 * Invariants: derived keys and MACs live on the stack and are wiped before
 * returning; a cookie is accepted only in its one canonical spelling
 * (decimal id without leading zeros, lower-case hex), so one device has one
 * cookie text and one counter.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "vsession/crypto.h"
#include "vsession/loginkeys.h"

static const char zHexDigit[] = "0123456789abcdef";

static const char zDeviceLabel[] = "vsession device cookie v1";

static void to_hex(const unsigned char *p, size_t n, char *zOut)
{
	for (size_t i = 0; i < n; i++) {
		zOut[2 * i] = zHexDigit[p[i] >> 4];
		zOut[2 * i + 1] = zHexDigit[p[i] & 15];
	}
	zOut[2 * n] = '\0';
}

/* The key for zLabel, HMAC-SHA256(secret, label), into aKey (32 bytes); false when OpenSSL fails. */
static bool derive_key(const unsigned char *pSecret, size_t nSecret, const char *zLabel,
		       unsigned char aKey[EVP_MAX_MD_SIZE])
{
	unsigned int nKey = 0;

	return HMAC(EVP_sha256(), pSecret, (int)nSecret, (const unsigned char *)zLabel, strlen(zLabel), aKey,
		    &nKey) != NULL && nKey == 32;
}

/* HMAC-SHA256 under the key derived with zLabel; false when OpenSSL fails. */
static bool keyed_mac(const unsigned char *pSecret, size_t nSecret, const char *zLabel,
		      const void *pData, size_t nData, unsigned char aMac[32])
{
	unsigned char aKey[EVP_MAX_MD_SIZE];
	unsigned int nMac = 0;
	bool bOk;

	bOk = derive_key(pSecret, nSecret, zLabel, aKey) &&
	      HMAC(EVP_sha256(), aKey, 32, pData, nData, aMac, &nMac) != NULL && nMac == 32;
	explicit_bzero(aKey, sizeof(aKey));
	return bOk;
}

void vs_keyed_hash_hex(const unsigned char *pSecret, size_t nSecret, const char *zLabel,
		       const void *pData, size_t nData, char zHex[VS_KEYED_HASH_HEX])
{
	unsigned char aMac[32];

	zHex[0] = '\0';
	if (keyed_mac(pSecret, nSecret, zLabel, pData, nData, aMac))
		to_hex(aMac, sizeof(aMac), zHex);
	explicit_bzero(aMac, sizeof(aMac));
}

struct vs_keyed_mac {
	EVP_MAC *pMac;
	EVP_MAC_CTX *pCtx;   /* holds the derived key; re-initialised per hash */
};

struct vs_keyed_mac *vs_keyed_mac_new(const unsigned char *pSecret, size_t nSecret, const char *zLabel)
{
	unsigned char aKey[EVP_MAX_MD_SIZE];
	char zDigest[] = "SHA256";
	OSSL_PARAM aParam[2] = { OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, zDigest, 0),
				 OSSL_PARAM_construct_end() };
	struct vs_keyed_mac *k = calloc(1, sizeof(*k));
	bool bOk = k != NULL && derive_key(pSecret, nSecret, zLabel, aKey) &&
		   (k->pMac = EVP_MAC_fetch(NULL, "HMAC", NULL)) != NULL &&
		   (k->pCtx = EVP_MAC_CTX_new(k->pMac)) != NULL && EVP_MAC_init(k->pCtx, aKey, 32, aParam) == 1;

	explicit_bzero(aKey, sizeof(aKey));
	if (!bOk) {
		vs_keyed_mac_free(k);
		return NULL;
	}
	return k;
}

void vs_keyed_mac_hex(struct vs_keyed_mac *k, const void *pData, size_t nData, char zHex[VS_KEYED_HASH_HEX])
{
	unsigned char aMac[EVP_MAX_MD_SIZE];
	size_t nMac = 0;

	zHex[0] = '\0';
	/* a NULL key keeps the one set by vs_keyed_mac_new */
	if (k != NULL && EVP_MAC_init(k->pCtx, NULL, 0, NULL) == 1 &&
	    EVP_MAC_update(k->pCtx, pData, nData) == 1 &&
	    EVP_MAC_final(k->pCtx, aMac, &nMac, sizeof(aMac)) == 1 && nMac == 32)
		to_hex(aMac, 32, zHex);
	explicit_bzero(aMac, sizeof(aMac));
}

void vs_keyed_mac_free(struct vs_keyed_mac *k)
{
	if (k == NULL)
		return;
	EVP_MAC_CTX_free(k->pCtx);
	EVP_MAC_free(k->pMac);
	free(k);
}

void vs_login_name_hash(const unsigned char *pSecret, size_t nSecret, const char *zName,
			char zHex[VS_KEYED_HASH_HEX])
{
	char zNorm[1024];
	size_t n = 0;
	const char *zEnd;

	while (*zName && isspace((unsigned char)*zName))
		zName++;
	zEnd = zName + strlen(zName);
	while (zEnd > zName && isspace((unsigned char)zEnd[-1]))
		zEnd--;
	for (; zName < zEnd && n < sizeof(zNorm); zName++)
		zNorm[n++] = (char)tolower((unsigned char)*zName);
	vs_keyed_hash_hex(pSecret, nSecret, "vsession login name v1", zNorm, n, zHex);
	explicit_bzero(zNorm, sizeof(zNorm));
}

/* The cookie's MAC over "<id>.<nonce>" as hex into zMac; false on failure. */
static bool device_mac(const unsigned char *pSecret, size_t nSecret, const char *zBody, size_t nBody,
		       char zMac[VS_KEYED_HASH_HEX])
{
	vs_keyed_hash_hex(pSecret, nSecret, zDeviceLabel, zBody, nBody, zMac);
	return zMac[0] != '\0';
}

static bool is_hex(const char *z, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((z[i] >= '0' && z[i] <= '9') || (z[i] >= 'a' && z[i] <= 'f')))
			return false;
	return true;
}

enum vs_err vs_device_cookie_make(const unsigned char *pSecret, size_t nSecret, int64_t iUserId,
				  const char *zNonce, char zOut[VS_DEVICE_COOKIE_MAX])
{
	char zNew[VS_DEVICE_NONCE_HEX], zMac[VS_KEYED_HASH_HEX];
	unsigned char aRand[16];
	int n;

	zOut[0] = '\0';
	if (iUserId <= 0)
		return VS_ERR_INVALID;
	if (zNonce == NULL || strlen(zNonce) != VS_DEVICE_NONCE_HEX - 1 || !is_hex(zNonce, VS_DEVICE_NONCE_HEX - 1)) {
		if (vs_random_bytes(aRand, sizeof(aRand)) != VS_OK)
			return VS_ERR_INTERNAL;
		to_hex(aRand, sizeof(aRand), zNew);
		zNonce = zNew;
	}
	n = snprintf(zOut, VS_DEVICE_COOKIE_MAX, "%lld.%s", (long long)iUserId, zNonce);
	if (n < 0 || (size_t)n >= VS_DEVICE_COOKIE_MAX - VS_KEYED_HASH_HEX || !device_mac(pSecret, nSecret, zOut, (size_t)n, zMac)) {
		zOut[0] = '\0';
		return VS_ERR_INTERNAL;
	}
	zOut[n] = '.';
	memcpy(zOut + n + 1, zMac, VS_KEYED_HASH_HEX);
	return VS_OK;
}

bool vs_device_cookie_check(const unsigned char *pSecret, size_t nSecret, const char *z, size_t n,
			    int64_t *piUserId, char zNonce[VS_DEVICE_NONCE_HEX])
{
	char zMac[VS_KEYED_HASH_HEX];
	const char *zDot1, *zDot2;
	size_t nId, nBody;
	int64_t iId = 0;

	*piUserId = 0;
	zNonce[0] = '\0';
	if (z == NULL || n >= VS_DEVICE_COOKIE_MAX)
		return false;
	zDot1 = memchr(z, '.', n);
	if (zDot1 == NULL)
		return false;
	nId = (size_t)(zDot1 - z);
	if (nId < 1 || nId > 18 || z[0] == '0')
		return false;
	for (size_t i = 0; i < nId; i++) {
		if (z[i] < '0' || z[i] > '9')
			return false;
		iId = iId * 10 + (z[i] - '0');
	}
	zDot2 = zDot1 + 1 + (VS_DEVICE_NONCE_HEX - 1);
	nBody = (size_t)(zDot2 - z);
	if (nBody + 1 + (VS_KEYED_HASH_HEX - 1) != n || *zDot2 != '.' ||
	    !is_hex(zDot1 + 1, VS_DEVICE_NONCE_HEX - 1) || !is_hex(zDot2 + 1, VS_KEYED_HASH_HEX - 1))
		return false;
	if (!device_mac(pSecret, nSecret, z, nBody, zMac))
		return false;
	if (!vs_ct_equal(zMac, zDot2 + 1, VS_KEYED_HASH_HEX - 1))
		return false;
	*piUserId = iId;
	memcpy(zNonce, zDot1 + 1, VS_DEVICE_NONCE_HEX - 1);
	zNonce[VS_DEVICE_NONCE_HEX - 1] = '\0';
	return true;
}

void vs_addr_limit_key(const char *zAddr, char zOut[VS_ADDR_KEY_MAX])
{
	struct in6_addr a6;
	struct in_addr a4;
	char zText[INET6_ADDRSTRLEN];

	zOut[0] = '\0';
	if (zAddr == NULL || zAddr[0] == '\0') {
		snprintf(zOut, VS_ADDR_KEY_MAX, "-");
		return;
	}
	if (inet_pton(AF_INET, zAddr, &a4) == 1 && inet_ntop(AF_INET, &a4, zText, sizeof(zText)) != NULL) {
		snprintf(zOut, VS_ADDR_KEY_MAX, "%s", zText);
		return;
	}
	if (inet_pton(AF_INET6, zAddr, &a6) == 1) {
		if (IN6_IS_ADDR_V4MAPPED(&a6)) {
			if (inet_ntop(AF_INET, &a6.s6_addr[12], zText, sizeof(zText)) != NULL)
				snprintf(zOut, VS_ADDR_KEY_MAX, "%s", zText);
			return;
		}
		memset(&a6.s6_addr[8], 0, 8);
		if (inet_ntop(AF_INET6, &a6, zText, sizeof(zText)) != NULL)
			snprintf(zOut, VS_ADDR_KEY_MAX, "%s/64", zText);
		return;
	}
	snprintf(zOut, VS_ADDR_KEY_MAX, "%.*s", VS_ADDR_KEY_MAX - 1, zAddr);
}
