/*
 * On-disk layout of a ZVM image pack, version 1 (docs/image-pack.md).
 * Shared by the parser (lib/pack.c) and the writer (tools/mkpack), so the
 * byte offsets below are the single definition of the format.
 *
 * Everything is little-endian, every record has a fixed size and explicit
 * reserved bytes (which must be zero), and fields are read with byte loads
 * (<lib/byteorder_le.h>): no structure is ever overlaid on the blob.
 *
 *   [header 64][entry table: n * 64][template table: m * 640]
 *   [shm table: k * 64][entry data...]
 *
 * The order of the tables and data is not fixed; a reader checks that none
 * of them overlap and that all lie inside total_size.
 */
#ifndef LIB_PACK_FORMAT_H
#define LIB_PACK_FORMAT_H

#define PACK_MAGIC "ZVMPACK"		/* 8 bytes with its NUL */
#define PACK_MAGIC_LEN 8
#define PACK_VERSION 1
#define PACK_ALIGN 8			/* tables and entry data offsets */
#define PACK_DATA_ALIGN 4096		/* what mkpack uses for entry data */

/* ---- header: 64 bytes at offset 0 ---------------------------------- */
#define PACK_HDR_SIZE 64
#define PACK_HDR_MAGIC 0x00		/* char[8] "ZVMPACK\0" */
#define PACK_HDR_VERSION 0x08		/* u16 */
#define PACK_HDR_HDR_SIZE 0x0a		/* u16, = PACK_HDR_SIZE */
#define PACK_HDR_FLAGS 0x0c		/* u32, 0 */
#define PACK_HDR_TOTAL_SIZE 0x10	/* u64, whole pack incl. header */
#define PACK_HDR_ENTRY_COUNT 0x18	/* u32 */
#define PACK_HDR_ENTRY_OFF 0x1c		/* u32 */
#define PACK_HDR_TMPL_COUNT 0x20	/* u32 */
#define PACK_HDR_TMPL_OFF 0x24		/* u32 */
#define PACK_HDR_TABLES_CRC 0x28	/* u32, CRC32 of entry, template, shm table */
#define PACK_HDR_SHM_COUNT 0x2c		/* u32, shared memory regions (0: none) */
#define PACK_HDR_SHM_OFF 0x30		/* u32 */
#define PACK_HDR_RESERVED 0x34		/* 8 zero bytes */
#define PACK_HDR_CRC 0x3c		/* u32, CRC32 of bytes 0x00..0x3b */

/* ---- entry record: 64 bytes ----------------------------------------- */
#define PACK_NAME_LEN 32		/* names: 1..31 chars + NUL, zero padded */
#define PACK_ENT_SIZE 64
#define PACK_ENT_NAME 0x00		/* char[32] */
#define PACK_ENT_KIND 0x20		/* u32, enum pack_kind */
#define PACK_ENT_FLAGS 0x24		/* u32, 0 */
#define PACK_ENT_OFFSET 0x28		/* u64, from the start of the pack */
#define PACK_ENT_SIZE_F 0x30		/* u64, > 0 */
#define PACK_ENT_CRC 0x38		/* u32, CRC32 of the data */
#define PACK_ENT_RESERVED 0x3c		/* 4 zero bytes */

/* ---- template record: 640 bytes -------------------------------------- */
#define PACK_MAX_VCPUS 8
#define PACK_MAX_DEVS 8
#define PACK_BOOTARGS_LEN 256		/* including the NUL */
#define PACK_PIN_NONE 0xff		/* pcpu_pin[i]: vCPU i not pinned */
#define PACK_TPL_SIZE 640
#define PACK_TPL_NAME 0x000		/* char[32] */
#define PACK_TPL_OS 0x020		/* u32, enum pack_os */
#define PACK_TPL_FLAGS 0x024		/* u32, PACK_TPL_F_* */
#define PACK_TPL_KERNEL 0x028		/* char[32], entry name, required */
#define PACK_TPL_INITRD 0x048		/* char[32], entry name or "" */
#define PACK_TPL_DTB 0x068		/* char[32], entry name or "" */
#define PACK_TPL_MEM_SIZE 0x088		/* u64, bytes, > 0, multiple of 4 KiB */
#define PACK_TPL_LOAD_ADDR 0x090	/* u64, guest IPA for raw kernels, else 0 */
#define PACK_TPL_PCPU_MASK 0x098	/* u64, pCPUs allowed, 0 = any */
#define PACK_TPL_VCPUS 0x0a0		/* u32, 1..PACK_MAX_VCPUS */
#define PACK_TPL_PRIORITY 0x0a4		/* u32, 0 (highest)..PACK_PRIO_MAX */
#define PACK_TPL_PCPU_PIN 0x0a8		/* u8[8], pCPU of vCPU i or PIN_NONE */
#define PACK_TPL_DEV_COUNT 0x0b0	/* u32, 0..PACK_MAX_DEVS */
#define PACK_TPL_RESERVED1 0x0b4	/* 4 zero bytes */
#define PACK_TPL_DEVS 0x0b8		/* PACK_MAX_DEVS device records */
#define PACK_TPL_BOOTARGS 0x178		/* char[256] */
#define PACK_TPL_RAM_BASE 0x278	/* u64, host PA = guest IPA of RAM, 0 = any */

#define PACK_TPL_F_AUTOSTART 0x1
/* `identity = yes`: RAM identity-mapped where the hypervisor finds room
 * (vm_ident_alloc()); excludes a RAM base (memory_at). */
#define PACK_TPL_F_IDENTITY 0x2
#define PACK_TPL_F_ALL (PACK_TPL_F_AUTOSTART | PACK_TPL_F_IDENTITY)

/* Passthrough device record inside a template: 24 bytes. Unused records
 * (index >= dev_count) must be all zero. */
#define PACK_DEV_SIZE 24
#define PACK_DEV_BASE 0x00		/* u64, host PA = guest IPA, 4 KiB aligned */
#define PACK_DEV_LEN 0x08		/* u64, > 0, 4 KiB multiple */
#define PACK_DEV_IRQ 0x10		/* u32, SPI INTID 32..1019, 0 = none */
#define PACK_DEV_FLAGS 0x14		/* u32, PACK_DEV_F_* */

/* The device can do DMA and the template says so: only for identity-mapped
 * VMs (ram_base or PACK_TPL_F_IDENTITY), whose DMA addresses are host
 * addresses. */
#define PACK_DEV_F_DMA 0x1
#define PACK_DEV_F_ALL PACK_DEV_F_DMA

/* ---- shared memory region record: 64 bytes ---------------------------
 * An inter-VM region ([shm NAME] in the manifest): the templates that join
 * it, by index in the template table; peer id = position in that list. */
#define PACK_SHM_REC_SIZE 64
#define PACK_SHM_NAME 0x00		/* char[32] */
#define PACK_SHM_SIZE 0x20		/* u64, power of two, SHM_MIN..SHM_MAX */
#define PACK_SHM_NMEMBERS 0x28		/* u32, 1..PACK_SHM_MAX_PEERS */
#define PACK_SHM_FLAGS 0x2c		/* u32, 0 */
#define PACK_SHM_MEMBERS 0x30		/* u8[8], template index or NO_MEMBER */
#define PACK_SHM_RESERVED 0x38		/* 8 zero bytes */
#define PACK_SHM_NO_MEMBER 0xff
#define PACK_SHM_MAX_PEERS 8
#define PACK_MAX_SHM 16			/* regions in a pack */
#define PACK_SHM_MAX_PER_TPL 4		/* regions one template joins */
#define PACK_SHM_MIN 0x1000ULL		/* 4 KiB */
/* 128 MiB: four regions of any allowed sizes, each aligned to its size,
 * always fit the guest's 32-bit PCI window (docs/virtualization.md). */
#define PACK_SHM_MAX 0x8000000ULL

#define PACK_PRIO_MAX 30		/* host scheduler: 0 best, 30 worst user */
#define PACK_MAX_PCPU 64		/* pcpu ids fit the u64 mask */
#define PACK_MAX_ENTRIES 64
#define PACK_MAX_TEMPLATES 32
#define PACK_MEM_ALIGN 0x1000ULL	/* guest RAM is mapped in 4 KiB pages */
#define PACK_MEM_MAX (511ULL << 30)	/* guest RAM: IPA 1 GiB up to 2^39 (VM_RAM_MAX) */
#define PACK_DEV_ALIGN 0x1000ULL
/* Identity-mapped RAM (ram_base): 2 MiB blocks, at or above the guest's
 * device windows (IPA 1 GiB), inside the 39-bit IPA space. */
#define PACK_RAM_ALIGN 0x200000ULL
#define PACK_RAM_BASE_MIN 0x40000000ULL
#define PACK_IPA_END (1ULL << 39)
#define PACK_SPI_MIN 32
#define PACK_SPI_MAX 1019

enum pack_kind {
	PACK_KIND_ELF = 1,	/* ELF64 AArch64 executable */
	PACK_KIND_IMAGE = 2,	/* Linux arm64 Image (header with ARM\x64) */
	PACK_KIND_RAW = 3,	/* raw binary, loaded at the template's load_addr */
	PACK_KIND_INITRD = 4,	/* initramfs / ramdisk, passed through unchanged */
	PACK_KIND_DTB = 5,	/* flattened device tree */
	PACK_KIND_BLOB = 6,	/* anything else (not usable as kernel/initrd/dtb) */
};
#define PACK_KIND_MAX PACK_KIND_BLOB

enum pack_os {
	PACK_OS_LINUX = 1,
	PACK_OS_ZEPHYR = 2,
	PACK_OS_RTOS = 3,
	PACK_OS_BAREMETAL = 4,
};
#define PACK_OS_MAX PACK_OS_BAREMETAL

#endif
