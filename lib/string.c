/*
 * Memory and string functions for the freestanding build.
 *
 * The mem* functions move 8-byte words when source and destination share
 * the same alignment: the target is built with -mstrict-align (and runs with
 * the MMU off early on, where unaligned accesses fault), so a word access is
 * only used on an address that is a multiple of 8. String functions stay
 * byte-wise: reading a word past a terminator would be an out-of-bounds read
 * that AddressSanitizer (rightly) reports in the host tests.
 */
#ifdef HOST_TEST
#include <string_rename.h>	/* libc owns the standard names on the host */
#endif
#include <lib/string.h>
#include <zvm/compiler.h>

/* A word that may alias any object, so word copies of u8 buffers are legal. */
typedef u64 __attribute__((may_alias)) word_t;
#define WSIZE sizeof(word_t)

static bool co_aligned(const void *a, const void *b)
{
	return (((uintptr_t)a ^ (uintptr_t)b) & (WSIZE - 1)) == 0;
}

static bool word_aligned(const void *p)
{
	return ((uintptr_t)p & (WSIZE - 1)) == 0;
}

/* Forward copy; also correct for overlapping buffers when dst < src. */
static void copy_fwd(u8 *d, const u8 *s, size_t n)
{
	if (co_aligned(d, s)) {
		for (; n && !word_aligned(d); n--)
			*d++ = *s++;
		for (; n >= WSIZE; n -= WSIZE, d += WSIZE, s += WSIZE)
			*(word_t *)(void *)d = *(const word_t *)(const void *)s;
	}
	while (n--)
		*d++ = *s++;
}

/* Backward copy from the ends, for overlapping buffers with dst > src. */
static void copy_bwd(u8 *d, const u8 *s, size_t n)
{
	d += n;
	s += n;
	if (co_aligned(d, s)) {
		for (; n && !word_aligned(d); n--)
			*--d = *--s;
		for (; n >= WSIZE; n -= WSIZE) {
			d -= WSIZE;
			s -= WSIZE;
			*(word_t *)(void *)d = *(const word_t *)(const void *)s;
		}
	}
	while (n--)
		*--d = *--s;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	copy_fwd(dst, src, n);
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	if ((uintptr_t)dst - (uintptr_t)src >= n)
		copy_fwd(dst, src, n);	/* dst before src, or no overlap */
	else
		copy_bwd(dst, src, n);
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	u8 *d = dst;
	word_t w = 0x0101010101010101ULL * (u8)c;

	for (; n && !word_aligned(d); n--)
		*d++ = (u8)c;
	for (; n >= WSIZE; n -= WSIZE, d += WSIZE)
		*(word_t *)(void *)d = w;
	while (n--)
		*d++ = (u8)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const u8 *p = a, *q = b;

	/* Skip equal words; the byte loop below finds the differing byte. */
	if (co_aligned(p, q)) {
		for (; n && !word_aligned(p); n--, p++, q++)
			if (*p != *q)
				return *p - *q;
		for (; n >= WSIZE; n -= WSIZE, p += WSIZE, q += WSIZE)
			if (*(const word_t *)(const void *)p != *(const word_t *)(const void *)q)
				break;
	}
	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const u8 *p = s;

	for (; n; n--, p++)
		if (*p == (u8)c)
			return (void *)p;
	return NULL;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	const u8 *p = (const u8 *)a, *q = (const u8 *)b;

	while (*p && *p == *q)
		p++, q++;
	return *p - *q;
}

int strncmp(const char *a, const char *b, size_t n)
{
	const u8 *p = (const u8 *)a, *q = (const u8 *)b;

	for (; n; n--, p++, q++)
		if (*p != *q || !*p)
			return *p - *q;
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = MIN(len, size - 1);

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

size_t strlcat(char *dst, const char *src, size_t size)
{
	size_t dlen = strnlen(dst, size);

	/* No NUL within size: nothing can be appended (BSD semantics). */
	if (dlen == size)
		return size + strlen(src);
	return dlen + strlcpy(dst + dlen, src, size - dlen);
}
