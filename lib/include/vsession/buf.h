/*
 * buf.h — a growable byte buffer, always NUL-terminated.
 *
 * Used for response bodies, JSON output and SQL parameters. A buffer owns its
 * storage; vs_buf_free() releases it and leaves an empty buffer that may be
 * reused. Append functions return VS_OK or VS_ERR_NOMEM; after a failed append
 * the buffer keeps its previous contents. vs_buf_reset() keeps the allocation
 * so a worker can reuse one buffer for every request without allocating.
 *
 * A failed append also sets bFailed, which stays set (and every later append
 * fails) until vs_buf_reset() or vs_buf_free(): a writer may then make many
 * appends without checking each one, and whoever sends the contents checks
 * bFailed once, so a buffer that lost a piece is never sent as if whole.
 */
#ifndef VSESSION_BUF_H
#define VSESSION_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "vsession/error.h"

struct vs_buf {
	char  *zData;  /* NUL-terminated contents; NULL until the first append */
	size_t nLen;   /* bytes used, not counting the NUL */
	size_t nCap;   /* bytes allocated */
	bool   bFailed;/* an append failed since the last reset: the contents are incomplete */
};

#define VS_BUF_INIT { NULL, 0, 0, false }

void        vs_buf_reset(struct vs_buf *b);
void        vs_buf_free(struct vs_buf *b);
enum vs_err vs_buf_reserve(struct vs_buf *b, size_t nMore);
enum vs_err vs_buf_append(struct vs_buf *b, const void *p, size_t n);
enum vs_err vs_buf_puts(struct vs_buf *b, const char *z);
enum vs_err vs_buf_putc(struct vs_buf *b, char c);
enum vs_err vs_buf_printf(struct vs_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Appends the decimal form of v. */
enum vs_err vs_buf_put_i64(struct vs_buf *b, int64_t v);
/* The contents as a C string ("" for an empty buffer, never NULL). */
const char *vs_buf_str(const struct vs_buf *b);

#ifdef VSESSION_TESTING
/*
 * Test builds only: after n more successful reservations (every append makes
 * one), every reservation fails as if memory had run out, until disarmed
 * with a negative n. Lets tests prove that a failure mid-answer is seen.
 */
void vs_buf_test_fail_after(long n);
#endif

#endif
