/*
 * fuzz_loginkeys.c — libFuzzer harness for what a login reads from the
 * request before any check: the Cookie header (vs_cookie_find), the device
 * cookie (vs_device_cookie_check) and the client address (vs_addr_limit_key).
 *
 * The input is used three ways: as a Cookie header, as a device cookie value
 * and as an address. Properties checked (abort() on a violation):
 *  - a found cookie lies inside the header, is non-empty and holds no ';';
 *  - a device cookie is accepted only in its canonical form: remaking it
 *    from the id and nonce it names gives back exactly the input; every
 *    cookie the library makes is accepted, and changing any one of its bytes
 *    is refused;
 *  - an address key is always NUL-terminated, shorter than VS_ADDR_KEY_MAX,
 *    and the same on a second call.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cookies.h"
#include "vsession/loginkeys.h"

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData);

static const unsigned char aSecret[] = "fuzz-secret-of-at-least-thirty-two-bytes!";
#define SECRET aSecret, sizeof(aSecret) - 1

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData)
{
	char *z = malloc(nData + 1);
	const char *zVal;
	size_t nVal;
	int64_t iUser;
	char zNonce[VS_DEVICE_NONCE_HEX], zMade[VS_DEVICE_COOKIE_MAX], zKey[VS_ADDR_KEY_MAX], zKey2[VS_ADDR_KEY_MAX];

	if (z == NULL)
		return 0;
	memcpy(z, aData, nData);
	z[nData] = '\0';

	if (vs_cookie_find(z, VS_DEVICE_COOKIE, &zVal, &nVal)) {
		if (zVal < z || zVal + nVal > z + strlen(z) || nVal == 0 || memchr(zVal, ';', nVal) != NULL)
			abort();
	}

	if (vs_device_cookie_check(SECRET, (const char *)aData, nData, &iUser, zNonce)) {
		if (iUser <= 0 || vs_device_cookie_make(SECRET, iUser, zNonce, zMade) != VS_OK ||
		    strlen(zMade) != nData || memcmp(zMade, aData, nData) != 0)
			abort();
	}
	if (nData >= 8) {
		int64_t iId = 1;
		memcpy(&iId, aData, sizeof(iId));
		iId = (int64_t)((uint64_t)iId % 1000000000000000ULL) + 1;
		if (vs_device_cookie_make(SECRET, iId, NULL, zMade) != VS_OK ||
		    !vs_device_cookie_check(SECRET, zMade, strlen(zMade), &iUser, zNonce) || iUser != iId)
			abort();
		size_t iFlip = aData[0] % strlen(zMade);
		zMade[iFlip] ^= (char)(1 + aData[1] % 0x7e);
		if (zMade[iFlip] != '\0' && vs_device_cookie_check(SECRET, zMade, strlen(zMade), &iUser, zNonce))
			abort();
	}

	vs_addr_limit_key(z, zKey);
	vs_addr_limit_key(z, zKey2);
	if (memchr(zKey, '\0', sizeof(zKey)) == NULL || strcmp(zKey, zKey2) != 0)
		abort();
	free(z);
	return 0;
}
