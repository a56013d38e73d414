/*
 * loginkeys.h — the keys a login is counted and remembered under.
 *
 * Three things a login attempt must never store as typed:
 *  - the typed email: audit rows and counters of an unknown email carry an
 *    HMAC-SHA256 of its normalised text under a server key, never the text
 *    (a password typed into the email field stays unreadable);
 *  - the client's address as a limit key: IPv6 addresses are grouped by
 *    their /64 (one host usually owns a whole /64), IPv4 by the address;
 *  - a device's identity: a device cookie (OWASP "Slow Down Online Guessing
 *    Attacks with Device Cookies") is "<user id>.<nonce>.<mac>", signed with
 *    a key of its own, so only this server can make one and it names the
 *    one account it was issued for.
 *
 * Every key is derived from the server secret (the JWT secret) with its own
 * label, HMAC-SHA256(secret, label), so one secret's uses never mix.
 * Nothing here touches the database or logs.
 */
#ifndef VSESSION_LOGINKEYS_H
#define VSESSION_LOGINKEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vsession/error.h"

#define VS_KEYED_HASH_HEX     65   /* 64 hex digits and a NUL */
#define VS_DEVICE_NONCE_HEX   33   /* 16 random bytes as hex and a NUL */
#define VS_DEVICE_COOKIE_MAX  128  /* "<id>.<32 hex>.<64 hex>" and a NUL */
#define VS_ADDR_KEY_MAX       64   /* "2001:db8:1:2::/64" and a NUL */

/*
 * HMAC-SHA256 of the nData bytes at pData under the key derived from the
 * secret with zLabel, as lower-case hex into zHex. Empty string on failure.
 */
void vs_keyed_hash_hex(const unsigned char *pSecret, size_t nSecret, const char *zLabel,
		       const void *pData, size_t nData, char zHex[VS_KEYED_HASH_HEX]);

/*
 * The same keyed hash, made many times under one label: the key is derived
 * once and OpenSSL's HMAC context is kept, so each hash costs one pass over
 * its data (about a quarter of a fresh HMAC() here). For one process (the
 * workers are single-threaded); NULL from vs_keyed_mac_new when OpenSSL
 * fails, and then vs_keyed_mac_hex makes "" as vs_keyed_hash_hex does.
 */
struct vs_keyed_mac;
struct vs_keyed_mac *vs_keyed_mac_new(const unsigned char *pSecret, size_t nSecret, const char *zLabel);
void vs_keyed_mac_hex(struct vs_keyed_mac *k, const void *pData, size_t nData, char zHex[VS_KEYED_HASH_HEX]);
void vs_keyed_mac_free(struct vs_keyed_mac *k);

/*
 * The keyed hash of a typed login name: leading and trailing white space
 * dropped and ASCII letters lower-cased first, so "Ada@X.test " and
 * "ada@x.test" hash alike.
 */
void vs_login_name_hash(const unsigned char *pSecret, size_t nSecret, const char *zName,
			char zHex[VS_KEYED_HASH_HEX]);

/*
 * A device cookie value for iUserId. zNonce (32 hex digits) keeps a device's
 * identity across logins; NULL makes a new random one. VS_ERR_INTERNAL when
 * no random bytes or no MAC could be had.
 */
enum vs_err vs_device_cookie_make(const unsigned char *pSecret, size_t nSecret, int64_t iUserId,
				  const char *zNonce, char zOut[VS_DEVICE_COOKIE_MAX]);

/*
 * True when the n bytes at z are a device cookie this server signed; then
 * *piUserId is the account it names and zNonce its nonce. The MAC is
 * compared in constant time; anything malformed is simply false.
 */
bool vs_device_cookie_check(const unsigned char *pSecret, size_t nSecret, const char *z, size_t n,
			    int64_t *piUserId, char zNonce[VS_DEVICE_NONCE_HEX]);

/*
 * The rate-limit identity of a client address: an IPv4 address (also when
 * written IPv4-mapped, ::ffff:a.b.c.d) as itself, an IPv6 address as its /64
 * prefix ("2001:db8:1:2::/64"). Anything that is not an address is kept as
 * at most VS_ADDR_KEY_MAX - 1 of its bytes. Always NUL-terminates zOut.
 */
void vs_addr_limit_key(const char *zAddr, char zOut[VS_ADDR_KEY_MAX]);

#endif
