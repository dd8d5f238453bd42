/*
 * ASCII character classes. Prefixed ch_ so they never clash with libc's
 * <ctype.h> macros in host builds; no locale, no tables.
 */
#ifndef LIB_CTYPE_H
#define LIB_CTYPE_H

#include <zvm/types.h>

static inline bool ch_isdigit(int c)
{
	return c >= '0' && c <= '9';
}

static inline bool ch_isxdigit(int c)
{
	return ch_isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static inline bool ch_isalpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool ch_isspace(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static inline bool ch_isprint(int c)
{
	return c >= 0x20 && c < 0x7f;
}

static inline int ch_tolower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* Value of a hex digit, or -1 when c is not one. */
static inline int ch_hexval(int c)
{
	if (ch_isdigit(c))
		return c - '0';
	c = ch_tolower(c);
	return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

#endif
