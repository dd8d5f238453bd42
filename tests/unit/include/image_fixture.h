/*
 * Host unit tests only: synthesised guest kernels for the loader, pack and
 * mkpack tests. Every byte is written explicitly (little-endian, through
 * <lib/byteorder_le.h>), so the files are exactly what the test says.
 */
#ifndef TEST_IMAGE_FIXTURE_H
#define TEST_IMAGE_FIXTURE_H

#include <string.h>
#include <lib/byteorder_le.h>

#define FIX_EHDR 64
#define FIX_PHDR 56

struct fix_seg {
	u32 type;		/* 1 = PT_LOAD */
	u64 vaddr, paddr, filesz, memsz;
	u8 fill;		/* file bytes are fill, fill + 1, ... */
};

/* ELF64 LE AArch64 ET_EXEC with the given program headers; segment data
 * follows the headers, in order. Returns the file size. */
static inline size_t fix_elf(u8 *buf, u64 entry, const struct fix_seg *segs, int n)
{
	size_t off = FIX_EHDR + (size_t)n * FIX_PHDR;
	u8 *ph;
	int i;

	memset(buf, 0, off);
	memcpy(buf, "\x7f" "ELF", 4);
	buf[4] = 2;	/* ELFCLASS64 */
	buf[5] = 1;	/* ELFDATA2LSB */
	buf[6] = 1;	/* EV_CURRENT */
	st_le16(buf + 16, 2);	/* ET_EXEC */
	st_le16(buf + 18, 183);	/* EM_AARCH64 */
	st_le32(buf + 20, 1);
	st_le64(buf + 24, entry);
	st_le64(buf + 32, FIX_EHDR);
	st_le16(buf + 52, FIX_EHDR);
	st_le16(buf + 54, FIX_PHDR);
	st_le16(buf + 56, (u16)n);
	for (i = 0; i < n; i++) {
		ph = buf + FIX_EHDR + (size_t)i * FIX_PHDR;
		st_le32(ph + 0, segs[i].type);
		st_le32(ph + 4, 5);	/* R+X */
		st_le64(ph + 8, off);
		st_le64(ph + 16, segs[i].vaddr);
		st_le64(ph + 24, segs[i].paddr);
		st_le64(ph + 32, segs[i].filesz);
		st_le64(ph + 40, segs[i].memsz);
		st_le64(ph + 48, 0x1000);
		for (u64 j = 0; j < segs[i].filesz; j++)
			buf[off + j] = (u8)(segs[i].fill + j);
		off += segs[i].filesz;
	}
	return off;
}

/* Linux arm64 Image of file_size bytes (>= 64): header, then a pattern. */
static inline size_t fix_image(u8 *buf, size_t file_size, u64 text_offset, u64 image_size,
			       u64 flags)
{
	size_t i;

	for (i = 64; i < file_size; i++)
		buf[i] = (u8)(i * 7);
	memset(buf, 0, 64);
	st_le32(buf, 0x14000010);	/* b +0x40, like a real kernel */
	st_le64(buf + 8, text_offset);
	st_le64(buf + 16, image_size);
	st_le64(buf + 24, flags);
	memcpy(buf + 0x38, "ARM\x64", 4);
	return file_size;
}

#endif
