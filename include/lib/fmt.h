/*
 * printf-style formatting engine (lib/fmt.c), no floating point.
 *
 * Conversions: d i u x X o p s c %. Length modifiers: hh h l ll z j t.
 * Flags: - 0 + space #. Width and precision, both may be '*'.
 * %p prints 0x-prefixed hex (NULL prints "0x0"), %s prints "(null)" for
 * NULL. An unknown conversion is copied to the output verbatim.
 */
#ifndef LIB_FMT_H
#define LIB_FMT_H

#include <stdarg.h>
#include <zvm/compiler.h>

/* Character sink: called once per output character. */
typedef void (*fmt_out_fn)(void *ctx, char c);

/* Format into out(); returns the number of characters produced. */
int fmt_vformat(fmt_out_fn out, void *ctx, const char *fmt, va_list ap) __printf(3, 0);
int fmt_format(fmt_out_fn out, void *ctx, const char *fmt, ...) __printf(3, 4);

/*
 * C99 snprintf semantics: writes at most n bytes including the terminating
 * NUL (always written when n > 0; buf may be NULL when n == 0) and returns
 * the length the full result would have had.
 */
int fmt_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap) __printf(3, 0);
int fmt_snprintf(char *buf, size_t n, const char *fmt, ...) __printf(3, 4);

#endif
