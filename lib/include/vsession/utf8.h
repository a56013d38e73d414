/*
 * utf8.h — well-formed UTF-8, decoded one character at a time.
 *
 * "Well-formed" is the Unicode standard's table 3-7: no overlong forms, no
 * encoded surrogates (U+D800..U+DFFF), nothing above U+10FFFF and no
 * sequence cut short. Every parser in libvsession (iCalendar, query strings,
 * JSON) checks its text through here, so they all agree on what is valid.
 */
#ifndef VSESSION_UTF8_H
#define VSESSION_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The length (1 to 4) of the well-formed UTF-8 sequence at p, which has n
 * bytes available, and its code point in *pCp; 0 when it is not well-formed
 * or n is 0, and then *pCp is left alone. Reads at most 4 bytes of p.
 */
size_t vs_utf8_decode(const unsigned char *p, size_t n, uint32_t *pCp);

/* True when all n bytes at z are well-formed UTF-8 (n == 0 is valid; NUL is U+0000). */
bool vs_utf8_valid(const char *z, size_t n);

/*
 * A name as other people will see it, from the n bytes of well-formed UTF-8
 * at z: control characters (Cc), format characters (Cf: zero-width spaces
 * and joiners, bidirectional overrides, soft hyphens, tags ...) and line and
 * paragraph separators are dropped; every run of white space becomes one
 * space; leading and trailing space goes. Written NUL-terminated to zOut,
 * which has room for n + 1 bytes (the result is never longer). Returns its
 * length in code points, or (size_t)-1 when z is not well-formed UTF-8.
 */
size_t vs_utf8_display_name(const char *z, size_t n, char *zOut);

#endif
