/*
 * Host unit tests only: libc owns the standard string function names, so
 * lib/string.c (and test_string.c, which calls it) see them renamed. Include
 * this after every system header and before <lib/string.h>.
 */
#ifndef TEST_STRING_RENAME_H
#define TEST_STRING_RENAME_H

#define memcpy zvm_memcpy
#define memmove zvm_memmove
#define memset zvm_memset
#define memcmp zvm_memcmp
#define memchr zvm_memchr
#define strlen zvm_strlen
#define strnlen zvm_strnlen
#define strcmp zvm_strcmp
#define strncmp zvm_strncmp
#define strchr zvm_strchr
#define strrchr zvm_strrchr
#define strlcpy zvm_strlcpy
#define strlcat zvm_strlcat

#endif
