/*
 * ELF64 AArch64 loader. The file comes from outside (a pack entry), so
 * every header field that leads to an offset or an address is checked,
 * with overflow in mind, before any segment is written.
 */
#include "loader_priv.h"
#include <lib/byteorder_le.h>
#include <lib/string.h>

/* ELF64 header field offsets (System V gABI). */
#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define E_TYPE 16
#define E_MACHINE 18
#define E_ENTRY 24
#define E_PHOFF 32
#define E_PHENTSIZE 54
#define E_PHNUM 56
#define EHDR_SIZE 64

/* Program header (Elf64_Phdr) field offsets. */
#define P_TYPE 0
#define P_OFFSET 8
#define P_VADDR 16
#define P_PADDR 24
#define P_FILESZ 32
#define P_MEMSZ 40
#define PHDR_SIZE 56

#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1
#define ET_EXEC 2
#define EM_AARCH64 183
#define PT_LOAD 1

struct elf {
	const u8 *b;
	size_t size;
	u64 entry, phoff;
	u32 phnum;
	const struct loader_ram *ram;
	char *err;
	size_t errlen;
};

struct seg {
	u64 offset, vaddr, paddr, filesz, memsz;
};

#define elf_bad(e, ...) errmsg_set((e)->err, (e)->errlen, -ENOEXEC, __VA_ARGS__)

static int check_ident(struct elf *e)
{
	const u8 *b = e->b;

	if (e->size < EHDR_SIZE)
		return elf_bad(e, "ELF header truncated: %zu bytes, need %u", e->size, EHDR_SIZE);
	if (b[0] != 0x7f || b[1] != 'E' || b[2] != 'L' || b[3] != 'F')
		return elf_bad(e, "not an ELF file (bad magic)");
	if (b[EI_CLASS] != ELFCLASS64)
		return elf_bad(e, "not a 64-bit ELF (class %u)", b[EI_CLASS]);
	if (b[EI_DATA] != ELFDATA2LSB)
		return elf_bad(e, "not a little-endian ELF (data encoding %u)", b[EI_DATA]);
	if (b[EI_VERSION] != EV_CURRENT)
		return elf_bad(e, "unknown ELF version %u", b[EI_VERSION]);
	if (ld_le16(b + E_MACHINE) != EM_AARCH64)
		return elf_bad(e, "ELF machine %u is not AArch64 (%u)", ld_le16(b + E_MACHINE),
			       EM_AARCH64);
	if (ld_le16(b + E_TYPE) != ET_EXEC)
		return elf_bad(e, "ELF type %u is not an executable (ET_EXEC)",
			       ld_le16(b + E_TYPE));
	return 0;
}

static int check_phdrs(struct elf *e)
{
	u16 entsize = ld_le16(e->b + E_PHENTSIZE);

	e->entry = ld_le64(e->b + E_ENTRY);
	e->phoff = ld_le64(e->b + E_PHOFF);
	e->phnum = ld_le16(e->b + E_PHNUM);
	if (entsize != PHDR_SIZE)
		return elf_bad(e, "program header size %u, ELF64 has %u", entsize, PHDR_SIZE);
	if (e->phnum == 0 || e->phnum > LOADER_MAX_PHDRS)
		return elf_bad(e, "%u program headers, need 1 to %u", e->phnum,
			       LOADER_MAX_PHDRS);
	if (e->phoff > e->size || (u64)e->phnum * PHDR_SIZE > e->size - e->phoff)
		return elf_bad(e, "program headers at 0x%llx (%u of %u bytes) are past the end of the file (%zu bytes)",
			       (unsigned long long)e->phoff, e->phnum, PHDR_SIZE, e->size);
	return 0;
}

/* Segment i if it is a PT_LOAD with memory to fill, else false. */
static bool load_seg(const struct elf *e, u32 i, struct seg *s)
{
	const u8 *ph = e->b + e->phoff + (size_t)i * PHDR_SIZE;

	s->offset = ld_le64(ph + P_OFFSET);
	s->vaddr = ld_le64(ph + P_VADDR);
	s->paddr = ld_le64(ph + P_PADDR);
	s->filesz = ld_le64(ph + P_FILESZ);
	s->memsz = ld_le64(ph + P_MEMSZ);
	return ld_le32(ph + P_TYPE) == PT_LOAD && s->memsz;
}

static bool segs_overlap(const struct seg *a, const struct seg *b)
{
	/* Both ranges were checked not to wrap. */
	return a->paddr < b->paddr + b->memsz && b->paddr < a->paddr + a->memsz;
}

static int check_seg(struct elf *e, u32 i, const struct seg *s)
{
	struct seg o;
	u32 j;

	if (s->filesz > s->memsz)
		return elf_bad(e, "segment %u: p_filesz 0x%llx exceeds p_memsz 0x%llx", i,
			       (unsigned long long)s->filesz, (unsigned long long)s->memsz);
	if (s->offset > e->size || s->filesz > e->size - s->offset)
		return elf_bad(e, "segment %u: file data at 0x%llx size 0x%llx is past the end of the file (%zu bytes)",
			       i, (unsigned long long)s->offset, (unsigned long long)s->filesz,
			       e->size);
	if (s->vaddr + s->memsz < s->vaddr)
		return elf_bad(e, "segment %u: virtual range wraps around", i);
	if (!loader_in_ram(e->ram, s->paddr, s->memsz))
		return errmsg_set(e->err, e->errlen, -ERANGE,
				  "segment %u: [0x%llx,+0x%llx) is outside guest RAM [0x%llx,0x%llx)",
				  i, (unsigned long long)s->paddr, (unsigned long long)s->memsz,
				  (unsigned long long)e->ram->base,
				  (unsigned long long)(e->ram->base + e->ram->size));
	for (j = 0; j < i; j++)
		if (load_seg(e, j, &o) && segs_overlap(s, &o))
			return elf_bad(e, "segments %u and %u overlap in guest memory", j, i);
	return 0;
}

/* Validate every segment; find the entry's physical address and the span. */
static int check_segs(struct elf *e, struct loader_result *res)
{
	struct seg s;
	bool found = false, any = false;
	u32 i;
	int ret;

	res->start = UINT64_MAX;
	res->end = 0;
	for (i = 0; i < e->phnum; i++) {
		if (!load_seg(e, i, &s))
			continue;
		ret = check_seg(e, i, &s);
		if (ret)
			return ret;
		any = true;
		res->start = MIN(res->start, s.paddr);
		res->end = MAX(res->end, s.paddr + s.memsz);
		if (!found && e->entry >= s.vaddr && e->entry - s.vaddr < s.filesz) {
			res->entry = s.paddr + (e->entry - s.vaddr);
			found = true;
		}
	}
	if (!any)
		return elf_bad(e, "no loadable segment");
	if (!found)
		return elf_bad(e, "entry point 0x%llx is not inside the file data of a loadable segment",
			       (unsigned long long)e->entry);
	if (res->entry % 4)
		return elf_bad(e, "entry point 0x%llx is not 4-byte aligned",
			       (unsigned long long)res->entry);
	return 0;
}

int loader_load_elf(const struct loader_ram *ram, const struct loader_image *img,
		    struct loader_result *res, char *err, size_t errlen)
{
	struct elf e = { .b = img->data, .size = img->size, .ram = ram,
			 .err = err, .errlen = errlen };
	struct seg s;
	int ret;
	u32 i;

	errmsg_clear(err, errlen);
	ret = check_ident(&e);
	if (!ret)
		ret = check_phdrs(&e);
	if (!ret)
		ret = check_segs(&e, res);
	for (i = 0; !ret && i < e.phnum; i++)
		if (load_seg(&e, i, &s))
			ret = loader_copy(ram, s.paddr, e.b + s.offset, s.filesz, s.memsz, err,
					  errlen);
	if (!ret)
		res->fmt = LOADER_FMT_ELF;
	return ret;
}
