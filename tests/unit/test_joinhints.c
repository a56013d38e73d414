/*
 * test_joinhints.c — the signed hint in join links (lib/joinhints.c): it
 * round-trips, names one session, expires, and anything changed, cut,
 * padded or signed with another secret is refused.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "vsession/buf.h"
#include "vsession/joinhints.h"

static const unsigned char aSecret[] = "0123456789abcdef0123456789abcdef-test-secret";
static const unsigned char aOther[]  = "another-secret-of-at-least-32-bytes-long....";
#define SECRET aSecret, sizeof(aSecret) - 1
#define OTHER  aOther, sizeof(aOther) - 1

#define NOW 1796000000LL
#define EXP (NOW + 3600)

static bool check(const char *z, int64_t iNow, int64_t *piId)
{
	return vs_join_hint_check(SECRET, z, strlen(z), iNow, piId);
}

static void a_hint_round_trips_and_names_its_session(void)
{
	char z[VS_JOIN_HINT_MAX], zWant[64];
	int64_t iId = -1;

	CHECK(vs_join_hint_make(SECRET, 42, EXP, z));
	snprintf(zWant, sizeof(zWant), "42.%lld.", EXP);
	CHECK(strncmp(z, zWant, strlen(zWant)) == 0);
	CHECK_INT(strlen(z), strlen(zWant) + 32);
	CHECK(strspn(z + strlen(zWant), "0123456789abcdef") == 32);
	CHECK(check(z, NOW, &iId));
	CHECK_INT(iId, 42);
	/* the same inputs, the same hint; another session or expiry, another MAC */
	{
		char z2[VS_JOIN_HINT_MAX], z3[VS_JOIN_HINT_MAX];
		CHECK(vs_join_hint_make(SECRET, 42, EXP, z2));
		CHECK_STR(z2, z);
		CHECK(vs_join_hint_make(SECRET, 43, EXP, z3));
		CHECK(strcmp(z3 + strlen(z3) - 32, z + strlen(z) - 32) != 0);
	}
}

static void an_expired_hint_is_refused(void)
{
	char z[VS_JOIN_HINT_MAX];
	int64_t iId = -1;

	CHECK(vs_join_hint_make(SECRET, 7, EXP, z));
	CHECK(check(z, EXP - 1, &iId));
	CHECK(!check(z, EXP, &iId));
	CHECK_INT(iId, 0);
	CHECK(!check(z, EXP + 86400, &iId));
}

static void a_tampered_hint_is_refused(void)
{
	char z[VS_JOIN_HINT_MAX], zBad[VS_JOIN_HINT_MAX + 8];
	int64_t iId = -1;
	size_t n;

	CHECK(vs_join_hint_make(SECRET, 42, EXP, z));
	n = strlen(z);
	/* another session id or a later expiry with the old MAC */
	snprintf(zBad, sizeof(zBad), "43%s", z + 2);
	CHECK(!check(zBad, NOW, &iId));
	snprintf(zBad, sizeof(zBad), "42.%lld%s", EXP + 1, z + n - 33);
	CHECK(!check(zBad, NOW, &iId));
	/* each character of the MAC flipped */
	for (size_t i = n - 32; i < n; i++) {
		memcpy(zBad, z, n + 1);
		zBad[i] = zBad[i] == '0' ? '1' : '0';
		CHECK(!check(zBad, NOW, &iId));
	}
	/* cut, padded, upper-cased, leading zeros, signs, empty parts, a NUL inside */
	const char *azShape[] = { "", ".", "..", "42", "42.1", "42..", ".1796003600.", "x" };
	for (size_t i = 0; i < sizeof(azShape) / sizeof(azShape[0]); i++)
		CHECK(!check(azShape[i], NOW, &iId));
	memcpy(zBad, z, n - 1);
	zBad[n - 1] = '\0';
	CHECK(!check(zBad, NOW, &iId));
	snprintf(zBad, sizeof(zBad), "%s0", z);
	CHECK(!check(zBad, NOW, &iId));
	snprintf(zBad, sizeof(zBad), "042%s", z + 2);
	CHECK(!check(zBad, NOW, &iId));
	snprintf(zBad, sizeof(zBad), "+42%s", z + 2);
	CHECK(!check(zBad, NOW, &iId));
	memcpy(zBad, z, n + 1);
	for (size_t i = n - 32; i < n; i++)
		if (zBad[i] >= 'a' && zBad[i] <= 'f')
			zBad[i] = (char)(zBad[i] - 'a' + 'A');
	CHECK(strcmp(zBad, z) == 0 || !check(zBad, NOW, &iId));
	CHECK(!vs_join_hint_check(SECRET, z, n + 1, NOW, &iId));   /* the NUL counted in */
	CHECK_INT(iId, 0);
}

static void another_secret_neither_makes_nor_accepts_the_hint(void)
{
	char z[VS_JOIN_HINT_MAX], zOther[VS_JOIN_HINT_MAX];
	int64_t iId = -1;

	CHECK(vs_join_hint_make(SECRET, 42, EXP, z));
	CHECK(vs_join_hint_make(OTHER, 42, EXP, zOther));
	CHECK(strcmp(z, zOther) != 0);
	CHECK(!vs_join_hint_check(OTHER, z, strlen(z), NOW, &iId));
	CHECK(!vs_join_hint_make(SECRET, 0, EXP, z));
	CHECK(!vs_join_hint_make(SECRET, 42, 0, z));
	CHECK_STR(z, "");
}

/* join_url, made with the key the process derived once, carries the same hint; none without a secret */
static void join_url_carries_the_same_hint(void)
{
	struct vs_buf b = VS_BUF_INIT;
	char z[VS_JOIN_HINT_MAX], zWant[200];

	for (int64_t iId = 1; iId <= 3; iId++) {
		vs_join_hints_use_secret(SECRET);
		vs_buf_reset(&b);
		vs_join_url(&b, "https://v.test", iId, EXP * 1000000);
		CHECK(vs_join_hint_make(SECRET, iId, EXP, z));
		snprintf(zWant, sizeof(zWant), "\"https://v.test/join/%lld?hint=%s\"", (long long)iId, z);
		CHECK_STR(vs_buf_str(&b), zWant);
	}
	vs_join_hints_use_secret(OTHER);
	vs_buf_reset(&b);
	vs_join_url(&b, "https://v.test", 1, EXP * 1000000);
	CHECK(strstr(vs_buf_str(&b), z) == NULL);
	vs_join_hints_use_secret(NULL, 0);
	vs_buf_reset(&b);
	vs_join_url(&b, "https://v.test", 1, EXP * 1000000);
	CHECK_STR(vs_buf_str(&b), "\"https://v.test/join/1\"");
	vs_buf_free(&b);
}

int main(void)
{
	a_hint_round_trips_and_names_its_session();
	an_expired_hint_is_refused();
	a_tampered_hint_is_refused();
	another_secret_neither_makes_nor_accepts_the_hint();
	join_url_carries_the_same_hint();
	return unit_summary("joinhints");
}
