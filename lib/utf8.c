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

/* Unicode general category Cf (format), Unicode 15, plus the Zl and Zp separators. */
static bool is_format(uint32_t cp)
{
	static const uint32_t aRange[][2] = {
		{ 0x00AD, 0x00AD }, { 0x0600, 0x0605 }, { 0x061C, 0x061C }, { 0x06DD, 0x06DD },
		{ 0x070F, 0x070F }, { 0x0890, 0x0891 }, { 0x08E2, 0x08E2 }, { 0x180E, 0x180E },
		{ 0x200B, 0x200F }, { 0x2028, 0x202E }, { 0x2060, 0x2064 }, { 0x2066, 0x206F },
		{ 0xFEFF, 0xFEFF }, { 0xFFF9, 0xFFFB }, { 0x110BD, 0x110BD }, { 0x110CD, 0x110CD },
		{ 0x13430, 0x1343F }, { 0x1BCA0, 0x1BCA3 }, { 0x1D173, 0x1D17A }, { 0xE0001, 0xE0001 },
		{ 0xE0020, 0xE007F },
	};
	for (size_t k = 0; k < sizeof(aRange) / sizeof(aRange[0]); k++)
		if (cp >= aRange[k][0] && cp <= aRange[k][1])
			return true;
	return false;
}

/* White space that shows as a gap: ASCII's, NEL, no-break and the Zs spaces. */
static bool is_space(uint32_t cp)
{
	return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
	       (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

size_t vs_utf8_display_name(const char *z, size_t n, char *zOut)
{
	const unsigned char *a = (const unsigned char *)z;
	size_t i = 0, o = 0, nCp = 0;
	bool bGap = false;

	while (i < n) {
		uint32_t cp;
		size_t len = vs_utf8_decode(a + i, n - i, &cp);

		if (len == 0) {
			zOut[0] = '\0';
			return (size_t)-1;
		}
		if (is_space(cp)) {
			bGap = nCp > 0;  /* a gap is kept only between two visible characters */
		} else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || is_format(cp)) {
			/* dropped: invisible, or able to reorder or hide what is shown */
		} else {
			if (bGap) {
				zOut[o++] = ' ';
				nCp++;
				bGap = false;
			}
			for (size_t k = 0; k < len; k++)
				zOut[o++] = (char)a[i + k];
			nCp++;
		}
		i += len;
	}
	zOut[o] = '\0';
	return nCp;
}
