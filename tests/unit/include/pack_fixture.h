/*
 * Host unit tests only: image packs written field by field from
 * <lib/pack_format.h>, independently of tools/mkpack, so that a test can
 * build a good pack and then break exactly one thing in it.
 *
 * Layout used: header at 0, entry table at 0x40, template table right
 * after it; entry data where the caller says. pfx_seal() fills in the
 * sizes and checksums last; after changing a table field call pfx_seal()
 * again so that the change, not a stale checksum, is what gets rejected.
 */
#ifndef TEST_PACK_FIXTURE_H
#define TEST_PACK_FIXTURE_H

#include <string.h>
#include <lib/byteorder_le.h>
#include <lib/crc32.h>
#include <lib/pack_format.h>

#define PFX_ENT_OFF PACK_HDR_SIZE

static inline u32 pfx_tmpl_off(u32 nentries)
{
	return PFX_ENT_OFF + nentries * PACK_ENT_SIZE;
}

/* Start a pack of nentries entries and ntemplates templates in b. */
static inline void pfx_init(u8 *b, size_t bufsize, u32 nentries, u32 ntemplates)
{
	memset(b, 0, bufsize);
	memcpy(b + PACK_HDR_MAGIC, PACK_MAGIC, PACK_MAGIC_LEN);
	st_le16(b + PACK_HDR_VERSION, PACK_VERSION);
	st_le16(b + PACK_HDR_HDR_SIZE, PACK_HDR_SIZE);
	st_le32(b + PACK_HDR_ENTRY_COUNT, nentries);
	st_le32(b + PACK_HDR_ENTRY_OFF, PFX_ENT_OFF);
	st_le32(b + PACK_HDR_TMPL_COUNT, ntemplates);
	st_le32(b + PACK_HDR_TMPL_OFF, pfx_tmpl_off(nentries));
}

static inline u8 *pfx_ent(u8 *b, u32 i)
{
	return b + ld_le32(b + PACK_HDR_ENTRY_OFF) + i * PACK_ENT_SIZE;
}

static inline u8 *pfx_tpl(u8 *b, u32 i)
{
	return b + ld_le32(b + PACK_HDR_TMPL_OFF) + i * PACK_TPL_SIZE;
}

/* A name field: the string, NUL padded (no check on its length). */
static inline void pfx_name(u8 *field, const char *name)
{
	size_t n = strlen(name);

	memset(field, 0, PACK_NAME_LEN);
	memcpy(field, name, n < PACK_NAME_LEN ? n : PACK_NAME_LEN);
}

/* Entry i: its record, and size bytes of data copied to offset off. */
static inline void pfx_entry(u8 *b, u32 i, const char *name, u32 kind, u64 off, const void *data,
			     size_t size)
{
	u8 *r = pfx_ent(b, i);

	pfx_name(r + PACK_ENT_NAME, name);
	st_le32(r + PACK_ENT_KIND, kind);
	st_le64(r + PACK_ENT_OFFSET, off);
	st_le64(r + PACK_ENT_SIZE_F, size);
	memcpy(b + off, data, size);
	st_le32(r + PACK_ENT_CRC, crc32(data, size));
}

/* Template i with the fields every template needs; nothing pinned. */
static inline u8 *pfx_template(u8 *b, u32 i, const char *name, u32 os, const char *kernel,
			       u64 mem_size, u32 vcpus)
{
	u8 *r = pfx_tpl(b, i);

	memset(r, 0, PACK_TPL_SIZE);
	pfx_name(r + PACK_TPL_NAME, name);
	st_le32(r + PACK_TPL_OS, os);
	pfx_name(r + PACK_TPL_KERNEL, kernel);
	st_le64(r + PACK_TPL_MEM_SIZE, mem_size);
	st_le32(r + PACK_TPL_VCPUS, vcpus);
	st_le32(r + PACK_TPL_PRIORITY, 10);
	memset(r + PACK_TPL_PCPU_PIN, PACK_PIN_NONE, PACK_MAX_VCPUS);
	return r;
}

/* Device record d of template record r (dev_count is left to the caller). */
static inline void pfx_dev(u8 *r, u32 d, u64 base, u64 size, u32 irq)
{
	u8 *rec = r + PACK_TPL_DEVS + d * PACK_DEV_SIZE;

	st_le64(rec + PACK_DEV_BASE, base);
	st_le64(rec + PACK_DEV_LEN, size);
	st_le32(rec + PACK_DEV_IRQ, irq);
}

/* A shm table of nshm records right after the template table (call after
 * pfx_init()). */
static inline void pfx_shm_table(u8 *b, u32 nshm)
{
	st_le32(b + PACK_HDR_SHM_COUNT, nshm);
	st_le32(b + PACK_HDR_SHM_OFF, ld_le32(b + PACK_HDR_TMPL_OFF) +
					  ld_le32(b + PACK_HDR_TMPL_COUNT) * PACK_TPL_SIZE);
}

static inline u8 *pfx_shm_rec(u8 *b, u32 i)
{
	return b + ld_le32(b + PACK_HDR_SHM_OFF) + i * PACK_SHM_REC_SIZE;
}

/* Shm record i: nmembers template indices from members. */
static inline u8 *pfx_shm(u8 *b, u32 i, const char *name, u64 size, u32 nmembers,
			  const u8 *members)
{
	u8 *r = pfx_shm_rec(b, i);

	memset(r, 0, PACK_SHM_REC_SIZE);
	pfx_name(r + PACK_SHM_NAME, name);
	st_le64(r + PACK_SHM_SIZE, size);
	st_le32(r + PACK_SHM_NMEMBERS, nmembers);
	memset(r + PACK_SHM_MEMBERS, PACK_SHM_NO_MEMBER, PACK_SHM_MAX_PEERS);
	memcpy(r + PACK_SHM_MEMBERS, members, nmembers);
	return r;
}

/* Recompute the table and header checksums for total_size bytes. */
static inline void pfx_seal(u8 *b, u64 total_size)
{
	u32 nent = ld_le32(b + PACK_HDR_ENTRY_COUNT), ntpl = ld_le32(b + PACK_HDR_TMPL_COUNT);
	u32 nshm = ld_le32(b + PACK_HDR_SHM_COUNT);
	u32 crc = crc32(pfx_ent(b, 0), (size_t)nent * PACK_ENT_SIZE);

	crc = crc32_update(crc, pfx_tpl(b, 0), (size_t)ntpl * PACK_TPL_SIZE);
	if (nshm)
		crc = crc32_update(crc, pfx_shm_rec(b, 0), (size_t)nshm * PACK_SHM_REC_SIZE);
	st_le64(b + PACK_HDR_TOTAL_SIZE, total_size);
	st_le32(b + PACK_HDR_TABLES_CRC, crc);
	st_le32(b + PACK_HDR_CRC, crc32(b, PACK_HDR_CRC));
}

/* Reseal with the total size already in the header. */
static inline void pfx_reseal(u8 *b)
{
	pfx_seal(b, ld_le64(b + PACK_HDR_TOTAL_SIZE));
}

/* Recompute entry i's data checksum (after changing its data or size). */
static inline void pfx_entry_crc(u8 *b, u32 i)
{
	u8 *r = pfx_ent(b, i);

	st_le32(r + PACK_ENT_CRC, crc32(b + ld_le64(r + PACK_ENT_OFFSET),
					(size_t)ld_le64(r + PACK_ENT_SIZE_F)));
}

#endif
