/*
 * Little-endian loads and stores through byte accesses, for on-disk formats
 * (image packs, ELF, the arm64 Image header) read in place from memory of
 * unknown alignment: the target is built with -mstrict-align, so a cast to
 * u32 * of an unaligned address would fault. Big-endian: <lib/byteorder.h>.
 */
#ifndef LIB_BYTEORDER_LE_H
#define LIB_BYTEORDER_LE_H

#include <zvm/types.h>

static inline u16 ld_le16(const void *p)
{
	const u8 *b = p;

	return (u16)(b[0] | b[1] << 8);
}

static inline u32 ld_le32(const void *p)
{
	const u8 *b = p;

	return (u32)b[0] | (u32)b[1] << 8 | (u32)b[2] << 16 | (u32)b[3] << 24;
}

static inline u64 ld_le64(const void *p)
{
	const u8 *b = p;

	return (u64)ld_le32(b) | (u64)ld_le32(b + 4) << 32;
}

static inline void st_le16(void *p, u16 v)
{
	u8 *b = p;

	b[0] = (u8)v;
	b[1] = (u8)(v >> 8);
}

static inline void st_le32(void *p, u32 v)
{
	st_le16(p, (u16)v);
	st_le16((u8 *)p + 2, (u16)(v >> 16));
}

static inline void st_le64(void *p, u64 v)
{
	st_le32(p, (u32)v);
	st_le32((u8 *)p + 4, (u32)(v >> 32));
}

#endif
