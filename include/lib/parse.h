/*
 * Number parsing for command lines, boot arguments and config strings
 * (lib/parse.c), and finding a word on a kernel command line. All functions return 0 on success, -EINVAL for malformed
 * input (including the empty string and trailing garbage) and -ERANGE when
 * the value does not fit. *out is written only on success.
 */
#ifndef LIB_PARSE_H
#define LIB_PARSE_H

#include <zvm/types.h>

/*
 * Parse the unsigned number at the start of s: decimal, or hex with a 0x/0X
 * prefix. *end (if not NULL) is set to the first unparsed character. At least
 * one digit is required. A leading zero does not mean octal.
 */
int str_parse_u64(const char *s, const char **end, u64 *out);

/* The whole of s must be one number (same syntax as str_parse_u64). */
int str_to_u64(const char *s, u64 *out);

/* Like str_to_u64 with an optional leading '-' or '+'. */
int str_to_s64(const char *s, s64 *out);

/*
 * A size: a number with an optional binary suffix K, M, G or T (either
 * case), e.g. "512M", "4G", "0x1000", "64k".
 */
int str_to_size(const char *s, u64 *out);

/*
 * Find the word `name` on a kernel command line of space-separated words,
 * alone ("busy") or with a value ("periodic=1000"). Returns false when no
 * word is `name` itself (a word that merely starts with it, "busybox", does
 * not count). When found, *val is the value (NULL for a bare name) and
 * *len its length, up to the next space or the end.
 */
bool cmdline_find(const char *args, const char *name, const char **val, size_t *len);

#endif
