/*
 * Big-endian loads and stores through byte accesses. They work at any
 * alignment, which matters because the target is built with -mstrict-align
 * and data such as device tree blobs comes from outside.
 */
#ifndef LIB_BYTEORDER_H
#define LIB_BYTEORDER_H

#include <zvm/types.h>

static inline u32 ld_be32(const void *p)
{
	const u8 *b = p;

	return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

static inline u64 ld_be64(const void *p)
{
	const u8 *b = p;

	return (u64)ld_be32(b) << 32 | ld_be32(b + 4);
}

static inline void st_be32(void *p, u32 v)
{
	u8 *b = p;

	b[0] = (u8)(v >> 24);
	b[1] = (u8)(v >> 16);
	b[2] = (u8)(v >> 8);
	b[3] = (u8)v;
}

static inline void st_be64(void *p, u64 v)
{
	u8 *b = p;

	st_be32(b, (u32)(v >> 32));
	st_be32(b + 4, (u32)v);
}

#endif
