/*
 * test_loginkeys.c — keyed login-name hashes, device cookies and the
 * address a login limit counts (lib/loginkeys.c).
 */
#include <stdint.h>
#include <string.h>

#include "unit.h"
#include "vsession/loginkeys.h"

static const unsigned char aSecret[] = "0123456789abcdef0123456789abcdef-test-secret";
static const unsigned char aOther[]  = "another-secret-of-at-least-32-bytes-long....";
#define SECRET aSecret, sizeof(aSecret) - 1
#define OTHER  aOther, sizeof(aOther) - 1

static void login_name_hash_is_keyed_normalised_and_never_the_text(void)
{
	char a[VS_KEYED_HASH_HEX], b[VS_KEYED_HASH_HEX], c[VS_KEYED_HASH_HEX];

	vs_login_name_hash(SECRET, "ada@example.test", a);
	vs_login_name_hash(SECRET, "  ADA@Example.TEST\t", b);
	CHECK_INT(strlen(a), 64);
	CHECK_STR(a, b);
	CHECK(strspn(a, "0123456789abcdef") == 64);
	CHECK(strstr(a, "ada") == NULL);
	vs_login_name_hash(OTHER, "ada@example.test", c);
	CHECK(strcmp(a, c) != 0);               /* another secret, another hash */
	vs_login_name_hash(SECRET, "ada@example.tesT2", c);
	CHECK(strcmp(a, c) != 0);
	/* a different label over the same text is a different key */
	vs_keyed_hash_hex(SECRET, "another label", "ada@example.test", 16, c);
	CHECK(strcmp(a, c) != 0);
}

static void device_cookie_round_trips_and_keeps_its_nonce(void)
{
	char z[VS_DEVICE_COOKIE_MAX], z2[VS_DEVICE_COOKIE_MAX], zNonce[VS_DEVICE_NONCE_HEX], zNonce2[VS_DEVICE_NONCE_HEX];
	int64_t iUser = 0;

	CHECK_INT(vs_device_cookie_make(SECRET, 42, NULL, z), 0);
	CHECK(!strncmp(z, "42.", 3));
	CHECK_INT(strlen(z), 3 + 32 + 1 + 64);
	CHECK(vs_device_cookie_check(SECRET, z, strlen(z), &iUser, zNonce));
	CHECK_INT(iUser, 42);
	CHECK_INT(strlen(zNonce), 32);
	/* the same nonce again: the same cookie text */
	CHECK_INT(vs_device_cookie_make(SECRET, 42, zNonce, z2), 0);
	CHECK_STR(z2, z);
	/* a new one: another nonce */
	CHECK_INT(vs_device_cookie_make(SECRET, 42, NULL, z2), 0);
	CHECK(vs_device_cookie_check(SECRET, z2, strlen(z2), &iUser, zNonce2));
	CHECK(strcmp(zNonce, zNonce2) != 0);
	CHECK(vs_device_cookie_make(SECRET, 0, NULL, z2) != 0);
}

static void device_cookie_refuses_forgery_and_odd_spellings(void)
{
	char z[VS_DEVICE_COOKIE_MAX], zBad[VS_DEVICE_COOKIE_MAX + 8], zNonce[VS_DEVICE_NONCE_HEX];
	int64_t iUser = 7;
	size_t n;

	CHECK_INT(vs_device_cookie_make(SECRET, 42, NULL, z), 0);
	n = strlen(z);
	/* another server's secret */
	CHECK(!vs_device_cookie_check(OTHER, z, n, &iUser, zNonce));
	CHECK_INT(iUser, 0);
	/* the account changed: the MAC covers the id */
	memcpy(zBad, z, n + 1);
	zBad[0] = '3';
	CHECK(!vs_device_cookie_check(SECRET, zBad, n, &iUser, zNonce));
	/* one flipped digit of the nonce, of the MAC */
	memcpy(zBad, z, n + 1);
	zBad[5] = zBad[5] == 'a' ? 'b' : 'a';
	CHECK(!vs_device_cookie_check(SECRET, zBad, n, &iUser, zNonce));
	memcpy(zBad, z, n + 1);
	zBad[n - 1] = zBad[n - 1] == 'a' ? 'b' : 'a';
	CHECK(!vs_device_cookie_check(SECRET, zBad, n, &iUser, zNonce));
	/* upper-case hex, a leading zero, truncated, extended, empty, garbage */
	memcpy(zBad, z, n + 1);
	for (size_t i = 0; i < n; i++)
		if (zBad[i] >= 'a' && zBad[i] <= 'f')
			zBad[i] = (char)(zBad[i] - 'a' + 'A');
	CHECK(!vs_device_cookie_check(SECRET, zBad, n, &iUser, zNonce));
	zBad[0] = '0';
	memcpy(zBad + 1, z, n + 1);
	CHECK(!vs_device_cookie_check(SECRET, zBad, n + 1, &iUser, zNonce));
	CHECK(!vs_device_cookie_check(SECRET, z, n - 1, &iUser, zNonce));
	memcpy(zBad, z, n);
	memcpy(zBad + n, "00", 3);
	CHECK(!vs_device_cookie_check(SECRET, zBad, n + 2, &iUser, zNonce));
	CHECK(!vs_device_cookie_check(SECRET, "", 0, &iUser, zNonce));
	CHECK(!vs_device_cookie_check(SECRET, "42", 2, &iUser, zNonce));
	CHECK(!vs_device_cookie_check(SECRET, "..", 2, &iUser, zNonce));
	CHECK(!vs_device_cookie_check(SECRET, NULL, 0, &iUser, zNonce));
	CHECK_INT(iUser, 0);
	CHECK_STR(zNonce, "");
}

static void ipv6_addresses_count_by_their_slash_64(void)
{
	static const struct { const char *zIn, *zWant; } aCase[] = {
		{ "2001:db8:1:2::5",                "2001:db8:1:2::/64" },
		{ "2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64" },
		{ "2001:DB8:1:2:a:b:c:d",           "2001:db8:1:2::/64" },
		{ "2001:db8:1:3::5",                "2001:db8:1:3::/64" },
		{ "::1",                            "::/64" },
		{ "fe80::1",                        "fe80::/64" },
		{ "::ffff:192.0.2.7",               "192.0.2.7" },
		{ "192.0.2.7",                      "192.0.2.7" },
		{ "127.0.0.1",                      "127.0.0.1" },
		{ "",                               "-" },
		{ "not an address",                 "not an address" },
	};
	char z[VS_ADDR_KEY_MAX];

	for (size_t i = 0; i < sizeof(aCase) / sizeof(aCase[0]); i++) {
		vs_addr_limit_key(aCase[i].zIn, z);
		CHECK_STR(z, aCase[i].zWant);
	}
	vs_addr_limit_key(NULL, z);
	CHECK_STR(z, "-");
	{
		char zLong[200];
		memset(zLong, 'x', sizeof(zLong) - 1);
		zLong[sizeof(zLong) - 1] = '\0';
		vs_addr_limit_key(zLong, z);
		CHECK_INT(strlen(z), VS_ADDR_KEY_MAX - 1);
	}
}

int main(void)
{
	login_name_hash_is_keyed_normalised_and_never_the_text();
	device_cookie_round_trips_and_keeps_its_nonce();
	device_cookie_refuses_forgery_and_odd_spellings();
	ipv6_addresses_count_by_their_slash_64();
	return unit_summary("test_loginkeys");
}
