/*
 * crypto.h — randomness, secrets and password hashing.
 *
 * Randomness comes from getrandom(2) only. Passwords (account passwords and
 * the 6-digit session passwords) are hashed with argon2id at m=19456 KiB,
 * t=2, p=1 and a 16-byte random salt, in the PHC string format.
 */
#ifndef VSESSION_CRYPTO_H
#define VSESSION_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include "vsession/base64.h"
#include "vsession/error.h"

#define VS_PASSWORD_HASH_MAX 128

/* Fills p with n random bytes; VS_ERR_INTERNAL if the kernel will not. */
enum vs_err vs_random_bytes(void *p, size_t n);
/* nDigit uniformly random decimal digits and a NUL into z (nDigit + 1 bytes). */
enum vs_err vs_random_digits(char *z, size_t nDigit);
/* nByte random bytes as unpadded base64url and a NUL; z holds VS_B64URL_LEN(nByte) + 1. */
enum vs_err vs_random_token(char *z, size_t nByte);
/* nByte random bytes as lower-case base32 (a-z, 2-7) and a NUL: a Jitsi-safe room name. */
#define VS_BASE32_LEN(n) (((n) * 8 + 4) / 5)
enum vs_err vs_random_base32(char *z, size_t nByte);
/* Compares n bytes in time independent of the contents. */
bool vs_ct_equal(const void *a, const void *b, size_t n);
/* SHA-256 of p as 64 lower-case hex digits and a NUL. */
void vs_sha256_hex(const void *p, size_t n, char zHex[65]);

/* Hashes the nPw bytes at zPw into zOut (a PHC string, NUL-terminated). */
enum vs_err vs_password_hash(const char *zPw, size_t nPw, char zOut[VS_PASSWORD_HASH_MAX]);
/* True when zPw matches zHash; false on mismatch or a malformed hash. */
bool vs_password_verify(const char *zHash, const char *zPw, size_t nPw);
/* Costs what a real verify costs and always fails: for unknown accounts. */
void vs_password_verify_dummy(const char *zPw, size_t nPw);

#endif
