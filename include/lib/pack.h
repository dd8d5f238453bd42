/*
 * Image pack reader (lib/pack.c, lib/pack_template.c). A pack is the binary
 * container the boot loader puts in RAM next to the hypervisor (on QEMU:
 * -initrd pack.bin, found through /chosen linux,initrd-start/end). It holds
 * named entries (kernels, initrds, DTBs) and VM templates that refer to
 * them. Layout: <lib/pack_format.h>; description: docs/image-pack.md.
 *
 * pack_open() validates the whole pack once - header, checksums, every
 * offset and size, overlaps, names, templates and their references - so the
 * accessors afterwards cannot fail on a malformed pack. The blob is read in
 * place (any alignment) and must stay mapped and unchanged while a struct
 * pack refers to it; names and data returned point into it.
 */
#ifndef LIB_PACK_H
#define LIB_PACK_H

#include <lib/pack_format.h>
#include <zvm/types.h>

struct pack {
	const u8 *blob;
	u64 size;		/* total_size from the header */
	u32 nentries, entry_off;
	u32 ntemplates, tmpl_off;
	u32 nshm, shm_off;
};

struct pack_entry {
	const char *name;
	enum pack_kind kind;
	const void *data;	/* inside the blob: alignment is the pack's + 8 */
	u64 offset;		/* of data, from the start of the pack */
	u64 size;
	u32 crc;
};

struct pack_dev {
	u64 base;		/* MMIO region, identity mapped into the guest */
	u64 size;
	u32 irq;		/* SPI INTID routed to the guest, 0 = none */
	u32 flags;		/* PACK_DEV_F_*: dma */
};

struct pack_template {
	const char *name;
	enum pack_os os;
	bool autostart;
	const char *kernel;	/* entry names; initrd/dtb "" when absent */
	const char *initrd;
	const char *dtb;
	u64 mem_size;
	u64 ram_base;		/* identity-mapped RAM: host PA = IPA; 0 = anywhere */
	bool identity_any;	/* identity-mapped, placed by the hypervisor (identity = yes) */
	u64 load_addr;		/* raw kernels: guest IPA to load at; else 0 */
	u64 pcpu_mask;		/* pCPUs the VM may run on; 0 = any */
	u32 vcpus;
	u32 priority;		/* 0 highest .. PACK_PRIO_MAX */
	u8 pcpu_pin[PACK_MAX_VCPUS];	/* vCPU i -> pCPU, or PACK_PIN_NONE */
	u32 ndevs;
	struct pack_dev devs[PACK_MAX_DEVS];
	const char *bootargs;	/* "" when none */
};

/* An inter-VM shared memory region ([shm NAME]): its member templates by
 * index; a member's peer id is its position in member[]. */
struct pack_shm {
	const char *name;
	u64 size;		/* a power of two, PACK_SHM_MIN..PACK_SHM_MAX */
	u32 nmembers;		/* 1..PACK_SHM_MAX_PEERS */
	u8 member[PACK_SHM_MAX_PEERS];
};

/* A region a template joins, and the template's peer id in it. */
struct pack_shm_ref {
	u32 shm;		/* index for pack_get_shm() */
	u32 peer;
};

/*
 * Validate the pack at blob (size bytes readable; the pack's total_size may
 * be smaller, e.g. when the loader rounded the region up) and attach p.
 * Returns 0, -EINVAL for bad arguments, or -EBADMSG with a message in err
 * (always NUL-terminated when errlen > 0) saying exactly what is wrong,
 * e.g. "entry 'linux.kernel': data [0x2000,0x1a2000) overlaps entry 'dtb'".
 * Every entry's data CRC is checked too, so this reads the whole pack.
 */
int pack_open(struct pack *p, const void *blob, size_t size, char *err, size_t errlen);

u32 pack_entry_count(const struct pack *p);
/* 0, or -ENOENT when index is out of range. */
int pack_get_entry(const struct pack *p, u32 index, struct pack_entry *e);
int pack_find_entry(const struct pack *p, const char *name, struct pack_entry *e);

u32 pack_template_count(const struct pack *p);
int pack_get_template(const struct pack *p, u32 index, struct pack_template *t);
int pack_find_template(const struct pack *p, const char *name, struct pack_template *t);
/* Whether RAM of `size` bytes may sit at host PA = IPA `base`: both whole
 * 2 MiB blocks, above the guest's device windows, inside the IPA space
 * (the rule for memory_at, and for where identity = yes may be placed). */
static inline bool pack_ram_base_ok(u64 base, u64 size)
{
	return !(base % PACK_RAM_ALIGN) && !(size % PACK_RAM_ALIGN) && base >= PACK_RAM_BASE_MIN &&
	       base <= PACK_IPA_END && size <= PACK_IPA_END - base;
}

/* Whether the template's RAM is identity-mapped (memory_at or identity = yes). */
static inline bool pack_tpl_identity(const struct pack_template *t)
{
	return t->ram_base || t->identity_any;
}

u32 pack_shm_count(const struct pack *p);
int pack_get_shm(const struct pack *p, u32 index, struct pack_shm *s);
/* The regions template `name` joins, in pack order (at most
 * PACK_SHM_MAX_PER_TPL, which pack_open() checked), into refs when it is
 * not NULL; returns how many. */
u32 pack_template_shms(const struct pack *p, const char *name,
		       struct pack_shm_ref refs[PACK_SHM_MAX_PER_TPL]);

/* A valid entry/template name: 1..31 characters from A-Z a-z 0-9 . _ + - */
bool pack_name_ok(const char *name);

/* "linux", "zephyr", "rtos", "baremetal"; "?" for anything else. */
const char *pack_os_name(u32 os);
/* "elf", "image", "raw", "initrd", "dtb", "blob"; "?" otherwise. */
const char *pack_kind_name(u32 kind);
/* Inverse of the two above: the value, or 0 for an unknown name. */
u32 pack_os_from_name(const char *name);
u32 pack_kind_from_name(const char *name);

#endif
