/*
 * test_crypto.c — randomness, encodings, constant-time compare, SHA-256 and
 * argon2id password hashing (lib/crypto.c).
 *
 * The statistical checks use bounds far out in the tails (chi-square with
 * p ~ 1e-6), so a correct generator fails them about once in a million runs
 * while a biased one (modulo bias, a stuck byte) fails every time.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <argon2.h>

#include "unit.h"
#include "vsession/crypto.h"

static const char zParams[] = "$argon2id$v=19$m=19456,t=2,p=1$";

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static bool all_in(const char *z, const char *zAlphabet)
{
	return z[strspn(z, zAlphabet)] == '\0';
}

static void hash_then_verify_accepts_the_password(void)
{
	char zHash[VS_PASSWORD_HASH_MAX];
	const char zPw[] = "correct horse battery staple";

	CHECK_INT(vs_password_hash(zPw, strlen(zPw), zHash), VS_OK);
	CHECK(vs_password_verify(zHash, zPw, strlen(zPw)));
}

static void hash_string_carries_our_parameters(void)
{
	char zHash[VS_PASSWORD_HASH_MAX];
	const char *zSalt, *zTag;

	CHECK_INT(vs_password_hash("pw", 2, zHash), VS_OK);
	CHECK(strncmp(zHash, zParams, strlen(zParams)) == 0);
	/* 16-byte salt = 22 base64 characters, 32-byte tag = 43. */
	zSalt = zHash + strlen(zParams);
	zTag = strchr(zSalt, '$');
	CHECK(zTag != NULL);
	if (zTag != NULL) {
		CHECK_INT(zTag - zSalt, 22);
		CHECK_INT(strlen(zTag + 1), 43);
	}
}

static void same_password_hashes_differently_each_time(void)
{
	char zA[VS_PASSWORD_HASH_MAX], zB[VS_PASSWORD_HASH_MAX];

	CHECK_INT(vs_password_hash("same", 4, zA), VS_OK);
	CHECK_INT(vs_password_hash("same", 4, zB), VS_OK);
	CHECK(strcmp(zA, zB) != 0);
	CHECK(vs_password_verify(zA, "same", 4));
	CHECK(vs_password_verify(zB, "same", 4));
}

static void wrong_password_is_refused(void)
{
	char zHash[VS_PASSWORD_HASH_MAX];

	CHECK_INT(vs_password_hash("secret-1", 8, zHash), VS_OK);
	CHECK(!vs_password_verify(zHash, "secret-2", 8));
	CHECK(!vs_password_verify(zHash, "secret-", 7));
	CHECK(!vs_password_verify(zHash, "Secret-1", 8));
	CHECK(!vs_password_verify(zHash, "", 0));
}

static void length_counts_not_the_nul(void)
{
	char zHash[VS_PASSWORD_HASH_MAX];
	const char aPw[] = { 'a', 'b', '\0', 'c' };

	CHECK_INT(vs_password_hash(aPw, sizeof(aPw), zHash), VS_OK);
	CHECK(vs_password_verify(zHash, aPw, sizeof(aPw)));
	CHECK(!vs_password_verify(zHash, "ab", 2));
}

static void empty_password_hashes_and_verifies(void)
{
	char zHash[VS_PASSWORD_HASH_MAX];

	CHECK_INT(vs_password_hash(NULL, 0, zHash), VS_OK);
	CHECK(vs_password_verify(zHash, "", 0));
	CHECK(!vs_password_verify(zHash, "x", 1));
}

static void malformed_or_foreign_hashes_are_refused(void)
{
	char zHash[VS_PASSWORD_HASH_MAX], zBad[2 * VS_PASSWORD_HASH_MAX];
	size_t n;

	CHECK_INT(vs_password_hash("pw", 2, zHash), VS_OK);
	n = strlen(zHash);

	CHECK(!vs_password_verify(NULL, "pw", 2));
	CHECK(!vs_password_verify("", "pw", 2));
	CHECK(!vs_password_verify(zParams, "pw", 2));
	CHECK(!vs_password_verify("not a hash", "pw", 2));

	/* Truncated tag. */
	memcpy(zBad, zHash, n - 5);
	zBad[n - 5] = '\0';
	CHECK(!vs_password_verify(zBad, "pw", 2));

	/* One tag character changed. */
	strcpy(zBad, zHash);
	zBad[n - 2] = zBad[n - 2] == 'A' ? 'B' : 'A';
	CHECK(!vs_password_verify(zBad, "pw", 2));

	/* Same salt and tag, other parameters: refused before argon2 runs. */
	snprintf(zBad, sizeof(zBad), "$argon2id$v=19$m=65536,t=3,p=4$%s", zHash + strlen(zParams));
	CHECK(!vs_password_verify(zBad, "pw", 2));
	snprintf(zBad, sizeof(zBad), "$argon2i$v=19$m=19456,t=2,p=1$%s", zHash + strlen(zParams));
	CHECK(!vs_password_verify(zBad, "pw", 2));

	/* Too long for our column. */
	memset(zBad, 'A', sizeof(zBad) - 1);
	zBad[sizeof(zBad) - 1] = '\0';
	memcpy(zBad, zHash, n);
	CHECK(!vs_password_verify(zBad, "pw", 2));
}

/* VmRSS of this process in kB. */
static long rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char zLine[256];
	long n = -1;

	while (f != NULL && fgets(zLine, sizeof(zLine), f) != NULL)
		if (strncmp(zLine, "VmRSS:", 6) == 0)
			n = strtol(zLine + 6, NULL, 10);
	if (f != NULL)
		fclose(f);
	return n;
}

/*
 * Our verify (its own decoding, the block in huge pages) answers exactly as
 * libargon2's argon2id_verify() on a table of variants of a real hash, and
 * gives its 19 MiB back after every call.
 */
static void verify_agrees_with_libargon2_and_returns_its_block(void)
{
	char zHash[VS_PASSWORD_HASH_MAX], z[2 * VS_PASSWORD_HASH_MAX];
	size_t n, nParams = strlen(zParams), iDollar;
	long nBefore, nAfter;

	CHECK_INT(vs_password_hash("pw", 2, zHash), VS_OK);
	n = strlen(zHash);
	iDollar = (size_t)(strchr(zHash + nParams, '$') - zHash);
	for (int k = 0; k < 16; k++) {
		const char *zPw = k == 1 ? "pW" : "pw";
		strcpy(z, zHash);
		switch (k) {
		case 0: case 1: break;                                  /* as made; wrong password */
		case 2: z[nParams] = z[nParams] == 'A' ? 'B' : 'A'; break; /* another salt */
		case 3: z[iDollar - 1] = z[iDollar - 1] == 'g' ? 'h' : 'g'; break; /* leftover salt bits */
		case 4: memmove(z + iDollar - 1, z + iDollar, n - iDollar + 1); break; /* salt one char short */
		case 5: memmove(z + iDollar - 2, z + iDollar, n - iDollar + 1); break; /* two chars short */
		case 6: strcat(z, "$"); break;
		case 7: strcat(z, "="); break;
		case 8: z[n - 1] = '*'; break;
		case 9: z[iDollar] = 'A'; break;                        /* no separator */
		case 10: z[iDollar + 1] = '\0'; break;                  /* empty tag */
		case 11: snprintf(z, sizeof(z), "%sYWJjZGVmZw$%s", zParams, zHash + iDollar + 1); break; /* 7-byte salt */
		case 12: snprintf(z, sizeof(z), "%sYWJjZGVmZ2g$%s", zParams, zHash + iDollar + 1); break; /* 8 bytes */
		case 13: z[n - 3] = '\0'; break;                        /* tag 30 bytes (a prefix) */
		case 14: snprintf(z, sizeof(z), "%s%.*s$$%s", zParams, (int)(iDollar - nParams), zHash + nParams, zHash + iDollar + 1); break;
		case 15: z[nParams] = z[nParams] == '+' ? '/' : '+'; break; /* another salt, in the alphabet's last two */
		}
		if (vs_password_verify(z, zPw, 2) != (argon2id_verify(z, zPw, 2) == ARGON2_OK))
			fprintf(stderr, "variant %d (%s): ours and libargon2 differ\n", k, z);
		CHECK(vs_password_verify(z, zPw, 2) == (argon2id_verify(z, zPw, 2) == ARGON2_OK));
		CHECK(vs_password_verify(z, zPw, 2) == (k == 0));
	}
	nBefore = rss_kb();
	for (int i = 0; i < 3; i++)
		CHECK(vs_password_verify(zHash, "pw", 2));
	nAfter = rss_kb();
	printf("RSS around 3 verifies: %ld kB -> %ld kB\n", nBefore, nAfter);
	CHECK(nBefore > 0 && nAfter - nBefore < 4096);
}

/* Prints what one hash, one verify and one dummy verify cost here. */
static void dummy_verify_costs_about_a_real_verify(void)
{
	char zHash[VS_PASSWORD_HASH_MAX];
	double t0, tHash = 1e9, tVerify = 1e9, tDummy = 1e9;

	vs_password_verify_dummy("warm", 4);  /* builds the dummy hash */
	for (int i = 0; i < 3; i++) {
		double t;
		t0 = now_ms();
		CHECK_INT(vs_password_hash("timing", 6, zHash), VS_OK);
		t = now_ms() - t0;
		tHash = t < tHash ? t : tHash;
		t0 = now_ms();
		CHECK(!vs_password_verify(zHash, "wrong!", 6));
		t = now_ms() - t0;
		tVerify = t < tVerify ? t : tVerify;
		t0 = now_ms();
		vs_password_verify_dummy("timing", 6);
		t = now_ms() - t0;
		tDummy = t < tDummy ? t : tDummy;
	}
	printf("argon2id m=19456 t=2 p=1: hash %.1f ms, verify %.1f ms, dummy verify %.1f ms (best of 3)\n",
	       tHash, tVerify, tDummy);
	CHECK(tDummy > tVerify * 0.5);
	CHECK(tDummy < tVerify * 2.0);
}

static void digits_are_six_decimal_digits(void)
{
	char z[7];

	for (int i = 0; i < 200; i++) {
		memset(z, 'x', sizeof(z));
		CHECK_INT(vs_random_digits(z, 6), VS_OK);
		CHECK_INT(strlen(z), 6);
		CHECK(all_in(z, "0123456789"));
	}
	CHECK_INT(vs_random_digits(z, 0), VS_OK);
	CHECK_STR(z, "");
}

static void digits_are_uniform(void)
{
	enum { N = 1000000 };
	static char z[N + 1];
	long aCount[10] = { 0 };
	double chi2 = 0, want = N / 10.0;
	long nLeadingZero = 0;

	CHECK_INT(vs_random_digits(z, N), VS_OK);
	CHECK_INT(strlen(z), N);
	for (size_t i = 0; i < N; i++)
		aCount[z[i] - '0']++;
	for (int d = 0; d < 10; d++)
		chi2 += ((double)aCount[d] - want) * ((double)aCount[d] - want) / want;
	/* 9 degrees of freedom: P(chi2 > 50) ~ 1e-7. The modulo bias of a bare
	 * "byte % 10" (digits 0-5 get 26/256, 6-9 25/256) gives chi2 ~ 370 here. */
	CHECK(chi2 < 50.0);

	/* 6-digit passwords must start with 0 one time in ten, like any digit. */
	for (int i = 0; i < 5000; i++) {
		char zPw[7];
		if (vs_random_digits(zPw, 6) != VS_OK)
			break;
		nLeadingZero += zPw[0] == '0';
	}
	/* Binomial(5000, 0.1): mean 500, sd 21; the bounds are ~7 sd out. */
	CHECK(nLeadingZero > 350 && nLeadingZero < 650);
}

static int b64url_value(char c)
{
	const char *zA = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	const char *p = strchr(zA, c);
	return p && c ? (int)(p - zA) : -1;
}

static void tokens_have_the_right_length_and_alphabet(void)
{
	char z[VS_B64URL_LEN(1000) + 1], zOther[VS_B64URL_LEN(32) + 1];
	const char *zB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

	CHECK_INT(VS_B64URL_LEN(32), 43);
	CHECK_INT(VS_B64URL_LEN(16), 22);
	for (size_t n = 0; n <= 100; n++) {
		size_t nLen = VS_B64URL_LEN(n);
		CHECK_INT(vs_random_token(z, n), VS_OK);
		CHECK_INT(strlen(z), nLen);
		CHECK(all_in(z, zB64));
		/* Canonical: the unused low bits of the last character are zero. */
		if (n % 3 == 1)
			CHECK_INT(b64url_value(z[nLen - 1]) & 15, 0);
		else if (n % 3 == 2)
			CHECK_INT(b64url_value(z[nLen - 1]) & 3, 0);
	}
	CHECK_INT(vs_random_token(z, 1000), VS_OK);   /* many chunks */
	CHECK_INT(strlen(z), VS_B64URL_LEN(1000));
	CHECK(all_in(z, zB64));

	CHECK_INT(vs_random_token(z, 32), VS_OK);
	CHECK_INT(vs_random_token(zOther, 32), VS_OK);
	CHECK(strcmp(z, zOther) != 0);
}

static void base32_names_have_the_right_length_and_alphabet(void)
{
	char z[VS_BASE32_LEN(1000) + 1], zOther[VS_BASE32_LEN(16) + 1];
	const char *zB32 = "abcdefghijklmnopqrstuvwxyz234567";

	CHECK_INT(VS_BASE32_LEN(16), 26);
	for (size_t n = 0; n <= 100; n++) {
		CHECK_INT(vs_random_base32(z, n), VS_OK);
		CHECK_INT(strlen(z), VS_BASE32_LEN(n));
		CHECK(all_in(z, zB32));
	}
	CHECK_INT(vs_random_base32(z, 1000), VS_OK);
	CHECK_INT(strlen(z), VS_BASE32_LEN(1000));
	CHECK(all_in(z, zB32));
	/* 16 bytes = 128 bits in 26 characters (130 bits): the last 2 bits are 0. */
	CHECK_INT(vs_random_base32(z, 16), VS_OK);
	CHECK_INT((strchr(zB32, z[25]) - zB32) & 3, 0);
	CHECK_INT(vs_random_base32(zOther, 16), VS_OK);
	CHECK(strcmp(z, zOther) != 0);
}

static void random_bytes_fill_the_whole_buffer(void)
{
	enum { N = 1 << 16 };
	static unsigned char a[N];
	long aCount[256] = { 0 };
	double chi2 = 0, want = N / 256.0;

	memset(a, 0, sizeof(a));
	CHECK_INT(vs_random_bytes(a, N), VS_OK);
	for (size_t i = 0; i < N; i++)
		aCount[a[i]]++;
	for (int b = 0; b < 256; b++)
		chi2 += ((double)aCount[b] - want) * ((double)aCount[b] - want) / want;
	/* 255 degrees of freedom: mean 255, sd ~22.6; 400 is ~6.4 sd out. */
	CHECK(chi2 < 400.0);
	CHECK_INT(vs_random_bytes(a, 0), VS_OK);
}

static void ct_equal_compares_every_byte(void)
{
	unsigned char a[64], b[64];

	for (size_t i = 0; i < sizeof(a); i++)
		a[i] = b[i] = (unsigned char)i;
	CHECK(vs_ct_equal(a, b, sizeof(a)));
	CHECK(vs_ct_equal(a, b, 0));
	b[0] ^= 1;
	CHECK(!vs_ct_equal(a, b, sizeof(a)));
	b[0] ^= 1;
	b[63] ^= 0x80;
	CHECK(!vs_ct_equal(a, b, sizeof(a)));
	CHECK(vs_ct_equal(a, b, 63));
}

static void sha256_hex_matches_known_vectors(void)
{
	char zHex[65];

	vs_sha256_hex("", 0, zHex);
	CHECK_STR(zHex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	vs_sha256_hex("abc", 3, zHex);
	CHECK_STR(zHex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	vs_sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, zHex);
	CHECK_STR(zHex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

int main(void)
{
	hash_then_verify_accepts_the_password();
	hash_string_carries_our_parameters();
	same_password_hashes_differently_each_time();
	wrong_password_is_refused();
	length_counts_not_the_nul();
	empty_password_hashes_and_verifies();
	malformed_or_foreign_hashes_are_refused();
	verify_agrees_with_libargon2_and_returns_its_block();
	dummy_verify_costs_about_a_real_verify();
	digits_are_six_decimal_digits();
	digits_are_uniform();
	tokens_have_the_right_length_and_alphabet();
	base32_names_have_the_right_length_and_alphabet();
	random_bytes_fill_the_whole_buffer();
	ct_equal_compares_every_byte();
	sha256_hex_matches_known_vectors();
	return unit_summary("test_crypto");
}
