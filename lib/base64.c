/*
 * base64.c — base64 and base64url without padding (base64.h).
 *
 * Encoding is OpenSSL's (EVP_EncodeBlock) with the URL alphabet mapped in.
 * Decoding is ours: OpenSSL's EVP_DecodeBlock wants padding, skips white
 * space and accepts non-canonical trailing bits, and tokens and hashes must
 * be refused for all three.
 */
#include <stdint.h>
#include <string.h>

#include <openssl/evp.h>

#include "vsession/base64.h"

int vs_b64_value(enum vs_b64_alphabet e, char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == (e == VS_B64_URL ? '-' : '+'))
		return 62;
	if (c == (e == VS_B64_URL ? '_' : '/'))
		return 63;
	return -1;
}

size_t vs_b64url_encode(const unsigned char *a, size_t n, char *z)
{
	unsigned char aOut[4 * 16 + 1];   /* the encoding of one 48-byte chunk, and its NUL */
	size_t nOut = 0;

	for (size_t i = 0; i < n; i += 48) {
		size_t nChunk = n - i < 48 ? n - i : 48;
		int nEnc = EVP_EncodeBlock(aOut, a + i, (int)nChunk);

		for (int j = 0; j < nEnc && aOut[j] != '='; j++)
			z[nOut++] = aOut[j] == '+' ? '-' : aOut[j] == '/' ? '_' : (char)aOut[j];
	}
	return nOut;
}

bool vs_b64_decode(enum vs_b64_alphabet e, const char *z, size_t n, unsigned char *a, size_t nMax,
		   size_t *pn)
{
	uint32_t acc = 0;
	unsigned nBit = 0;
	size_t nOut = 0;

	if (n % 4 == 1)
		return false;
	for (size_t i = 0; i < n; i++) {
		int v = vs_b64_value(e, z[i]);
		if (v < 0)
			return false;
		acc = (acc << 6 | (uint32_t)v) & 0xFFFFFFu;
		nBit += 6;
		if (nBit >= 8) {
			nBit -= 8;
			if (nOut >= nMax)
				return false;
			a[nOut++] = (unsigned char)(acc >> nBit & 0xFF);
		}
	}
	if ((acc & ((1u << nBit) - 1)) != 0)
		return false;
	*pn = nOut;
	return true;
}
