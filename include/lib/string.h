/*
 * Freestanding string and memory functions (lib/string.c).
 *
 * The standard names are kept on purpose: the compiler emits calls to
 * memcpy/memset/memmove/memcmp for struct copies and large initialisers even
 * with -ffreestanding. On the host, libc provides these and lib/string.c is
 * only linked by its own unit test (under renamed symbols), so nothing else in
 * lib/ may rely on a non-standard function from here.
 */
#ifndef LIB_STRING_H
#define LIB_STRING_H

#include <zvm/types.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);

/*
 * BSD-style bounded copy/append: always NUL-terminate when size > 0 and
 * return the length of the string they tried to create, so truncation is
 * detected with "if (ret >= size)".
 */
size_t strlcpy(char *dst, const char *src, size_t size);
size_t strlcat(char *dst, const char *src, size_t size);

/*
 * Zero a buffer holding a secret (a key, a seed) that is about to die:
 * memset() followed by a compiler barrier on the buffer, so the stores are
 * not dropped as dead. Inline and standard-named inside, so it builds on
 * the host against libc too.
 */
static inline void memzero_explicit(void *p, size_t n)
{
	memset(p, 0, n);
	__asm__ volatile("" : : "r"(p) : "memory");
}

#endif
