/*
 * base64.h — the one base64 of the library (lib/base64.c): unpadded
 * base64url for tokens and room secrets, and strict decoding of unpadded
 * standard base64 (argon2 hashes) and base64url (token parts).
 *
 * Ownership: the caller owns every buffer; nothing is allocated.
 */
#ifndef VSESSION_BASE64_H
#define VSESSION_BASE64_H

#include <stdbool.h>
#include <stddef.h>

/* Characters of the unpadded encoding of n bytes. */
#define VS_B64URL_LEN(n) (((n) * 4 + 2) / 3)

enum vs_b64_alphabet { VS_B64_STANDARD, VS_B64_URL };

/* The value of one character of alphabet e, or -1. */
int vs_b64_value(enum vs_b64_alphabet e, char c);

/*
 * Encodes the n bytes at a as unpadded base64url at z: VS_B64URL_LEN(n)
 * characters, no NUL. Returns the number of characters written.
 * OpenSSL's EVP_EncodeBlock does the encoding; the URL alphabet and the
 * missing padding are mapped here.
 */
size_t vs_b64url_encode(const unsigned char *a, size_t n, char *z);

/*
 * Decodes the n characters of unpadded base64 (alphabet e) at z into a,
 * which holds nMax bytes, and sets *pn. False for a character outside the
 * alphabet, a length no encoding has (n % 4 == 1), non-zero leftover bits
 * (a non-canonical encoding) or more than nMax bytes.
 */
bool vs_b64_decode(enum vs_b64_alphabet e, const char *z, size_t n, unsigned char *a, size_t nMax,
		   size_t *pn);

#endif
