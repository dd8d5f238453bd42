/* Internal to lib/loader*.c: guest RAM range checks and writes. */
#ifndef LIB_LOADER_PRIV_H
#define LIB_LOADER_PRIV_H

#include <lib/errmsg.h>
#include <lib/loader.h>
#include <zvm/errno.h>

/* [addr, addr + len) lies inside guest RAM (no wrap-around). */
bool loader_in_ram(const struct loader_ram *ram, u64 addr, u64 len);
/* loader_in_ram(), else -ERANGE with "<what> [a,b) is outside guest RAM". */
int loader_check_in_ram(const struct loader_ram *ram, const char *what, u64 addr, u64 len,
			char *err, size_t errlen);
/* Write filesz bytes of src at ipa and zero up to memsz, stamping err. */
int loader_copy(const struct loader_ram *ram, u64 ipa, const void *src, u64 filesz, u64 memsz,
		char *err, size_t errlen);

#endif
