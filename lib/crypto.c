/*
 * crypto.c — randomness, secrets and password hashing.
 *
 * Invariants:
 *  - Every random byte comes from getrandom(2) with no flags (it blocks only
 *    until the kernel pool is initialised at boot, never afterwards). There
 *    is no fallback: if the kernel refuses, callers get VS_ERR_INTERNAL.
 *  - Random digits are uniform: bytes >= 250 are rejected, never folded.
 *  - Password hashes are argon2id, v=19, m=19456 KiB, t=2, p=1, a 16-byte
 *    salt and a 32-byte tag, in the PHC string format. Verification accepts
 *    only hashes carrying exactly these parameters, so the cost of a verify
 *    is bounded by us and not by whatever a stored string claims.
 *  - Buffers that held salts or random material are wiped before returning.
 *  - Nothing here logs; no secret leaves this file except through the
 *    caller's own output buffer.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>

#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "vsession/crypto.h"

#define ARGON2_T_COST    2u
#define ARGON2_M_COST    19456u  /* KiB */
#define ARGON2_LANES     1u
#define ARGON2_SALT_LEN  16u
#define ARGON2_HASH_LEN  32u

/* The only parameter set vs_password_verify() accepts. */
static const char zArgon2Prefix[] = "$argon2id$v=19$m=19456,t=2,p=1$";

/*
 * Fills p with n bytes from getrandom(2), looping over short reads and
 * EINTR. VS_ERR_INTERNAL on any other failure (ENOSYS, EFAULT, ...); p is
 * then wiped so no caller can use a partially random buffer by mistake.
 */
enum vs_err vs_random_bytes(void *p, size_t n)
{
	unsigned char *a = p;
	size_t nDone = 0;

	while (nDone < n) {
		ssize_t r = getrandom(a + nDone, n - nDone, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			explicit_bzero(p, n);
			return VS_ERR_INTERNAL;
		}
		nDone += (size_t)r;
	}
	return VS_OK;
}

/*
 * Writes nDigit uniformly random decimal digits and a NUL into z. Bytes are
 * drawn in batches; a byte b < 250 gives the digit b % 10 (250 = 25 * 10, so
 * every digit has exactly 25 preimages), larger bytes are thrown away. On
 * failure z is the empty string.
 */
enum vs_err vs_random_digits(char *z, size_t nDigit)
{
	unsigned char aByte[64];
	size_t nOut = 0;
	enum vs_err rc = VS_OK;

	while (nOut < nDigit) {
		rc = vs_random_bytes(aByte, sizeof(aByte));
		if (rc != VS_OK) {
			nOut = 0;
			break;
		}
		for (size_t i = 0; i < sizeof(aByte) && nOut < nDigit; i++) {
			if (aByte[i] < 250)
				z[nOut++] = (char)('0' + aByte[i] % 10);
		}
	}
	z[nOut] = '\0';
	explicit_bzero(aByte, sizeof(aByte));
	return rc;
}

/*
 * nByte random bytes, encoded by xEncode, and a NUL at z (the caller sized z
 * for the encoding of nByte bytes, plus one). Randomness is drawn and encoded
 * nChunk bytes at a time; nChunk (1 to sizeof(aChunk)) is a multiple of
 * the encoding's input group (3 for base64, 5 for base32), so every chunk
 * but the last encodes without padding bits and the chunk encodings
 * concatenate into the encoding of the whole. On failure z is the empty
 * string. The random bytes are wiped before returning.
 */
static enum vs_err random_encoded(char *z, size_t nByte, size_t nChunk,
				  size_t (*xEncode)(const unsigned char *, size_t, char *))
{
	unsigned char aChunk[48];
	size_t nDone = 0, nOut = 0;
	enum vs_err rc = VS_OK;

	if (nChunk == 0 || nChunk > sizeof(aChunk)) {
		z[0] = '\0';  /* a caller's mistake; never clamp, that would break the grouping */
		return VS_ERR_INTERNAL;
	}
	while (nDone < nByte) {
		size_t n = nByte - nDone < nChunk ? nByte - nDone : nChunk;
		rc = vs_random_bytes(aChunk, n);
		if (rc != VS_OK) {
			nOut = 0;
			break;
		}
		nOut += xEncode(aChunk, n, z + nOut);
		nDone += n;
	}
	z[nOut] = '\0';
	explicit_bzero(aChunk, sizeof(aChunk));
	return rc;
}

/*
 * nByte random bytes as unpadded base64url and a NUL at z, which holds
 * VS_B64URL_LEN(nByte) + 1 bytes. On failure z is the empty string.
 */
enum vs_err vs_random_token(char *z, size_t nByte)
{
	return random_encoded(z, nByte, 48, vs_b64url_encode);
}

/*
 * Encodes the n bytes at a as lower-case unpadded base32 (RFC 4648
 * alphabet) at z, without a NUL; returns the number of characters written.
 */
static size_t base32_encode(const unsigned char *a, size_t n, char *z)
{
	static const char zAlpha[] = "abcdefghijklmnopqrstuvwxyz234567";
	uint32_t acc = 0;
	unsigned nBit = 0;
	size_t nOut = 0;

	for (size_t i = 0; i < n; i++) {
		acc = (acc << 8 | a[i]) & 0xFFFFu;
		nBit += 8;
		while (nBit >= 5) {
			z[nOut++] = zAlpha[acc >> (nBit - 5) & 31];
			nBit -= 5;
		}
	}
	if (nBit > 0)
		z[nOut++] = zAlpha[acc << (5 - nBit) & 31];
	return nOut;
}

/*
 * nByte random bytes as lower-case base32 and a NUL at z, which holds
 * VS_BASE32_LEN(nByte) + 1 bytes. On failure z is the empty string.
 */
enum vs_err vs_random_base32(char *z, size_t nByte)
{
	return random_encoded(z, nByte, 40, base32_encode);
}

/*
 * True when the n bytes at a and b are equal. OpenSSL's CRYPTO_memcmp reads
 * every byte whatever it finds, so the time depends on n only.
 */
bool vs_ct_equal(const void *a, const void *b, size_t n)
{
	if (n == 0)
		return true;
	return CRYPTO_memcmp(a, b, n) == 0;
}

/*
 * SHA-256 of the n bytes at p as 64 lower-case hex digits and a NUL. If
 * libcrypto fails (only on allocation failure) zHex is the empty string,
 * which matches no stored digest, so a lookup by it fails closed.
 */
void vs_sha256_hex(const void *p, size_t n, char zHex[65])
{
	static const char zDigit[] = "0123456789abcdef";
	unsigned char aMd[EVP_MAX_MD_SIZE];
	unsigned int nMd = 0;

	if (EVP_Digest(p, n, aMd, &nMd, EVP_sha256(), NULL) != 1 || nMd != 32) {
		zHex[0] = '\0';
		return;
	}
	for (unsigned i = 0; i < 32; i++) {
		zHex[2 * i] = zDigit[aMd[i] >> 4];
		zHex[2 * i + 1] = zDigit[aMd[i] & 15];
	}
	zHex[64] = '\0';
}

/*
 * Hashes the nPw bytes at zPw (zPw may be NULL when nPw is 0) with a fresh
 * salt into zOut. VS_ERR_INVALID for a password over 4 GiB, VS_ERR_NOMEM
 * when argon2 cannot get its 19 MiB, VS_ERR_INTERNAL otherwise; on failure
 * zOut is the empty string. The caller owns and wipes zPw.
 */
enum vs_err vs_password_hash(const char *zPw, size_t nPw, char zOut[VS_PASSWORD_HASH_MAX])
{
	unsigned char aSalt[ARGON2_SALT_LEN];
	enum vs_err rc;
	int r;

	zOut[0] = '\0';
	if (nPw > UINT32_MAX)
		return VS_ERR_INVALID;
	if (zPw == NULL)
		zPw = "";
	rc = vs_random_bytes(aSalt, sizeof(aSalt));
	if (rc != VS_OK)
		goto out;
	r = argon2id_hash_encoded(ARGON2_T_COST, ARGON2_M_COST, ARGON2_LANES,
				  zPw, nPw, aSalt, sizeof(aSalt), ARGON2_HASH_LEN,
				  zOut, VS_PASSWORD_HASH_MAX);
	if (r != ARGON2_OK) {
		zOut[0] = '\0';
		rc = r == ARGON2_MEMORY_ALLOCATION_ERROR ? VS_ERR_NOMEM : VS_ERR_INTERNAL;
		goto out;
	}
	rc = VS_OK;
out:
	explicit_bzero(aSalt, sizeof(aSalt));
	return rc;
}

/*
 * argon2id's 19 MiB block, from the kernel on each verify and returned after
 * it (so a worker's RSS stays flat), in 2 MiB-aligned memory marked for
 * transparent huge pages: faulting it in is then ~10 huge-page faults rather
 * than ~4,900 small ones, which cost more CPU than the hash itself on a
 * loaded machine (a standalone loop here: 99-108 ms of CPU per verify with
 * small pages, 29-35 ms with huge pages, 28-31 ms with one block kept for
 * good). Without huge pages (madvise refused) it behaves as before.
 */
#define THP_SIZE ((size_t)2 << 20)

static int argon2_block_alloc(uint8_t **pp, size_t n)
{
	size_t nMap = n + THP_SIZE, nHead, nTail;
	uint8_t *p = mmap(NULL, nMap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t a;

	*pp = NULL;
	if (p == MAP_FAILED)
		return -1;
	a = ((uintptr_t)p + THP_SIZE - 1) & ~(uintptr_t)(THP_SIZE - 1);
	nHead = (size_t)(a - (uintptr_t)p);
	nTail = nMap - nHead - n;
	if (nHead > 0)
		munmap(p, nHead);
	if (nTail > 0)
		munmap((uint8_t *)a + n, nTail);
	(void)madvise((void *)a, n, MADV_HUGEPAGE);
	*pp = (uint8_t *)a;
	return 0;
}

static void argon2_block_free(uint8_t *p, size_t n)
{
	if (p != NULL)
		munmap(p, n);
}

/*
 * argon2id_verify() for a hash that starts with zArgon2Prefix (checked by
 * the caller), with the block from argon2_block_alloc(): decodes
 * "<salt>$<tag>", recomputes the tag and compares in constant time.
 * ARGON2_OK on a match; an argon2 error code otherwise.
 */
static int argon2_verify_ours(const char *zHash, const char *zPw, size_t nPw)
{
	unsigned char aSalt[VS_PASSWORD_HASH_MAX], aTag[VS_PASSWORD_HASH_MAX], aOut[VS_PASSWORD_HASH_MAX];
	const char *zSalt = zHash + sizeof(zArgon2Prefix) - 1, *zDollar = strchr(zSalt, '$');
	size_t nSalt = 0, nTag = 0;
	argon2_context ctx;
	int r;

	if (zDollar == NULL
	    || !vs_b64_decode(VS_B64_STANDARD, zSalt, (size_t)(zDollar - zSalt), aSalt, sizeof(aSalt), &nSalt)
	    || !vs_b64_decode(VS_B64_STANDARD, zDollar + 1, strlen(zDollar + 1), aTag, sizeof(aTag), &nTag))
		return ARGON2_DECODING_FAIL;
	memset(&ctx, 0, sizeof(ctx));
	ctx.out = aOut;
	ctx.outlen = (uint32_t)nTag;
	ctx.pwd = (uint8_t *)(uintptr_t)zPw;
	ctx.pwdlen = (uint32_t)nPw;
	ctx.salt = aSalt;
	ctx.saltlen = (uint32_t)nSalt;
	ctx.t_cost = ARGON2_T_COST;
	ctx.m_cost = ARGON2_M_COST;
	ctx.lanes = ARGON2_LANES;
	ctx.threads = ARGON2_LANES;
	ctx.version = ARGON2_VERSION_13;
	ctx.allocate_cbk = argon2_block_alloc;
	ctx.free_cbk = argon2_block_free;
	r = argon2_ctx(&ctx, Argon2_id);
	if (r == ARGON2_OK && !vs_ct_equal(aOut, aTag, nTag))
		r = ARGON2_VERIFY_MISMATCH;
	explicit_bzero(aOut, sizeof(aOut));
	return r;
}

/*
 * True only when zHash is one of our argon2id strings (our exact parameter
 * prefix, shorter than VS_PASSWORD_HASH_MAX) and zPw matches it. A NULL,
 * foreign or malformed hash is false without running argon2; a mismatch
 * costs one full hash (argon2 compares the tags in constant time).
 */
bool vs_password_verify(const char *zHash, const char *zPw, size_t nPw)
{
	size_t nHash;

	if (zHash == NULL || nPw > UINT32_MAX)
		return false;
	nHash = strnlen(zHash, VS_PASSWORD_HASH_MAX);
	if (nHash >= VS_PASSWORD_HASH_MAX || nHash <= sizeof(zArgon2Prefix) - 1)
		return false;
	if (memcmp(zHash, zArgon2Prefix, sizeof(zArgon2Prefix) - 1) != 0)
		return false;
	if (zPw == NULL)
		zPw = "";
	return argon2_verify_ours(zHash, zPw, nPw) == ARGON2_OK;
}

/*
 * The hash used for unknown accounts: argon2id of 32 random bytes nobody
 * ever sees, made on first use. If that fails (no randomness, no memory)
 * the fixed fallback below is used; it is the hash of a random string that
 * was thrown away, with our parameters, so it costs the same to verify.
 */
static char zDummyHash[VS_PASSWORD_HASH_MAX];
static pthread_once_t dummyOnce = PTHREAD_ONCE_INIT;
static const char zDummyFallback[] =
	"$argon2id$v=19$m=19456,t=2,p=1$"
	"xV0NXcsyHivtj5xcUQjC3g$eKIOaisZGFQUNzn+UwmwS0B+7lp4MeCiBKhdx7lZbSE";

static void dummy_hash_init(void)
{
	unsigned char aPw[32];

	if (vs_random_bytes(aPw, sizeof(aPw)) != VS_OK
	    || vs_password_hash((const char *)aPw, sizeof(aPw), zDummyHash) != VS_OK)
		memcpy(zDummyHash, zDummyFallback, sizeof(zDummyFallback));
	explicit_bzero(aPw, sizeof(aPw));
}

/*
 * Runs one full argon2id verify of zPw against the dummy hash and ignores
 * the result, so a login for an unknown email costs what a wrong password
 * for a known one costs. The first call in a process also builds the dummy
 * hash (one extra hash, once per worker).
 */
void vs_password_verify_dummy(const char *zPw, size_t nPw)
{
	pthread_once(&dummyOnce, dummy_hash_init);
	if (zPw == NULL || nPw > UINT32_MAX) {
		zPw = "";
		nPw = 0;
	}
	(void)argon2_verify_ours(zDummyHash, zPw, nPw);
}
