/*
 * utf8.c — the one UTF-8 decoder of libvsession.
 *
 * The lead byte fixes the length and, for E0, ED, F0 and F4, a narrower
 * range for the second byte; that range is what refuses overlong forms
 * (E0 80..9F, F0 80..8F), surrogates (ED A0..BF) and code points above
 * U+10FFFF (F4 90..BF). C0, C1 and F5..FF can only start overlong or
 * out-of-range sequences, so they are never valid lead bytes. With the
 * ranges checked, the assembled code point needs no further test.
 */
#include "vsession/utf8.h"

size_t vs_utf8_decode(const unsigned char *p, size_t n, uint32_t *pCp)
{
	unsigned char c, lo = 0x80, hi = 0xBF;
	size_t len;
	uint32_t cp;

	if (n == 0)
		return 0;
	c = p[0];
	if (c < 0x80) {
		*pCp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		cp = c & 0x1Fu;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		cp = c & 0x0Fu;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		cp = c & 0x07u;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t k = 1; k < len; k++) {
		unsigned char cc = p[k];
		if (cc < (k == 1 ? lo : 0x80) || cc > (k == 1 ? hi : 0xBF))
			return 0;
		cp = (cp << 6) | (cc & 0x3Fu);
	}
	*pCp = cp;
	return len;
}

bool vs_utf8_valid(const char *z, size_t n)
{
	const unsigned char *a = (const unsigned char *)z;
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		size_t len = vs_utf8_decode(a + i, n - i, &cp);
		if (len == 0)
			return false;
		i += len;
	}
	return true;
}
