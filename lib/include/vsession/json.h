/*
 * json.h — writing JSON straight into a vs_buf, without building trees.
 *
 * The writer tracks nothing: callers put commas themselves, through
 * vs_json_key()'s first flag or a vs_buf_putc(b, ','). Strings are escaped per RFC 8259;
 * the input must be valid UTF-8 (everything we store was validated on the
 * way in), bytes below 0x20 and the characters U+2028/U+2029 are escaped.
 */
#ifndef VSESSION_JSON_H
#define VSESSION_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include "vsession/buf.h"

/* "..." with escaping; z may be NULL, which writes null. */
enum vs_err vs_json_str(struct vs_buf *b, const char *z);
enum vs_err vs_json_strn(struct vs_buf *b, const char *z, size_t n);
/*
 * "key": with a leading comma unless first is true. Keys are the program's
 * own literals (plain ASCII names), written as they are, without escaping:
 * a row of a list writes some thirty of them.
 */
enum vs_err vs_json_key(struct vs_buf *b, const char *key, bool first);
enum vs_err vs_json_i64(struct vs_buf *b, int64_t v);
enum vs_err vs_json_bool(struct vs_buf *b, bool v);
enum vs_err vs_json_null(struct vs_buf *b);
/* A UTC RFC 3339 time ("2026-12-01T15:00:00Z") from microseconds since the epoch. */
enum vs_err vs_json_time(struct vs_buf *b, int64_t us);

#endif
