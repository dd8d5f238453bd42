/*
 * CRC-32 as used by zlib, PNG and Ethernet (reflected polynomial 0xEDB88320,
 * initial value and final XOR 0xFFFFFFFF): crc32("123456789") == 0xCBF43926.
 * lib/crc32.c works a nibble at a time from a 16-entry table, which keeps
 * the kernel image small and needs no run-time table setup.
 */
#ifndef LIB_CRC32_H
#define LIB_CRC32_H

#include <zvm/types.h>

/* CRC of len bytes at data. */
u32 crc32(const void *data, size_t len);
/* Continue a CRC: crc32_update(crc32(a, n), b, m) == CRC of a then b.
 * crc32_update(0, data, len) == crc32(data, len). */
u32 crc32_update(u32 crc, const void *data, size_t len);

#endif
