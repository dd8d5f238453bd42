/*
 * lib/pack.c, lib/pack_template.c, lib/pack_shm.c: a good pack read back
 * field by field,
 * then one defect at a time - each rejected with a message that names the
 * field and values at fault - and every byte flip / truncation refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <pack_fixture.h>
#include <lib/pack.h>
#include <zvm/errno.h>

/* The good pack: four entries, two templates, two shm regions. */
#define E_KERNEL 0
#define E_ROOTFS 1
#define E_DTB 2
#define E_RTOS 3
#define T_LINUX 0
#define T_RTOS 1
#define S_LINK 0		/* 64 KiB, members rtos (peer 0), linux (peer 1) */
#define S_SOLO 1		/* 4 KiB, member linux (peer 0) */
#define DATA_SIZE 100
#define TOTAL (0x2000 + 2 * DATA_SIZE)	/* last entry at 0x2000, 200 bytes */
#define LINUX_MASK 0xc
#define BOOTARGS "console=ttyAMA0 root=/dev/ram"

static u64 buf_words[4096];	/* 32 KiB, 8-byte aligned */
static u8 *const buf = (u8 *)buf_words;
static struct pack pk;
static char err[256];

static void fill_data(u8 *d, size_t n, u8 seed)
{
	for (size_t i = 0; i < n; i++)
		d[i] = (u8)(seed + i * 13);
}

static void good_entries(void)
{
	u8 data[2 * DATA_SIZE];

	fill_data(data, sizeof(data), 1);
	pfx_entry(buf, E_KERNEL, "linux.kernel", PACK_KIND_ELF, 0x800, data, DATA_SIZE);
	fill_data(data, sizeof(data), 2);
	pfx_entry(buf, E_ROOTFS, "rootfs", PACK_KIND_INITRD, 0x1000, data, DATA_SIZE);
	fill_data(data, sizeof(data), 3);
	pfx_entry(buf, E_DTB, "board.dtb", PACK_KIND_DTB, 0x1800, data, DATA_SIZE);
	fill_data(data, sizeof(data), 4);
	pfx_entry(buf, E_RTOS, "rtos.bin", PACK_KIND_RAW, 0x2000, data, 2 * DATA_SIZE);
}

static void good_templates(void)
{
	u8 *r = pfx_template(buf, T_LINUX, "linux", PACK_OS_LINUX, "linux.kernel", 256 << 20, 2);

	st_le32(r + PACK_TPL_FLAGS, PACK_TPL_F_AUTOSTART);
	pfx_name(r + PACK_TPL_INITRD, "rootfs");
	pfx_name(r + PACK_TPL_DTB, "board.dtb");
	st_le64(r + PACK_TPL_PCPU_MASK, LINUX_MASK);
	st_le32(r + PACK_TPL_PRIORITY, 5);
	r[PACK_TPL_PCPU_PIN] = 2;
	r[PACK_TPL_PCPU_PIN + 1] = 3;
	st_le32(r + PACK_TPL_DEV_COUNT, 2);
	pfx_dev(r, 0, 0x9100000, 0x1000, 40);
	pfx_dev(r, 1, 0x9200000, 0x2000, 0);
	memcpy(r + PACK_TPL_BOOTARGS, BOOTARGS, sizeof(BOOTARGS));

	r = pfx_template(buf, T_RTOS, "rtos", PACK_OS_ZEPHYR, "rtos.bin", 16 << 20, 1);
	st_le64(r + PACK_TPL_LOAD_ADDR, 0x40000000);
}

static void good_shms(void)
{
	static const u8 link[] = { T_RTOS, T_LINUX }, solo[] = { T_LINUX };

	pfx_shm_table(buf, 2);
	pfx_shm(buf, S_LINK, "link", 0x10000, 2, link);
	pfx_shm(buf, S_SOLO, "solo", 0x1000, 1, solo);
}

static int build_good(void **state)
{
	pfx_init(buf, sizeof(buf_words), 4, 2);
	good_entries();
	good_templates();
	good_shms();
	pfx_seal(buf, TOTAL);
	memset(&pk, 0x5a, sizeof(pk));
	err[0] = '\0';
	return 0;
}

static void open_ok(const void *blob, size_t size)
{
	int ret = pack_open(&pk, blob, size, err, sizeof(err));

	if (ret)
		fail_msg("pack_open: %d: %s", ret, err);
	assert_string_equal(err, "");
}

/* pack_open must refuse and say needle; the struct is left zeroed. */
static void expect_bad_size(size_t size, const char *needle)
{
	static const struct pack zero;
	int ret = pack_open(&pk, buf, size, err, sizeof(err));

	if (ret != -EBADMSG || !strstr(err, needle))
		fail_msg("pack_open = %d, message '%s', wanted -EBADMSG and '%s'", ret, err,
			 needle);
	assert_memory_equal(&pk, &zero, sizeof(pk));
}

static void expect_bad(const char *needle)
{
	expect_bad_size(TOTAL, needle);
}

/* ---- the good pack ----------------------------------------------------- */

static void check_entry(u32 i, const char *name, u32 kind, u64 off, u64 size, u8 seed)
{
	struct pack_entry e;
	u8 want[2 * DATA_SIZE];

	assert_int_equal(pack_get_entry(&pk, i, &e), 0);
	assert_string_equal(e.name, name);
	assert_int_equal(e.kind, kind);
	assert_int_equal(e.offset, off);
	assert_int_equal(e.size, size);
	fill_data(want, size, seed);
	assert_memory_equal(e.data, want, size);
	assert_ptr_equal(e.data, (const u8 *)pk.blob + off);
	assert_int_equal(e.crc, crc32(want, size));
}

static void test_good_entries(void **state)
{
	struct pack_entry e;

	open_ok(buf, TOTAL);
	assert_int_equal(pk.size, TOTAL);
	assert_int_equal(pack_entry_count(&pk), 4);
	check_entry(E_KERNEL, "linux.kernel", PACK_KIND_ELF, 0x800, DATA_SIZE, 1);
	check_entry(E_ROOTFS, "rootfs", PACK_KIND_INITRD, 0x1000, DATA_SIZE, 2);
	check_entry(E_DTB, "board.dtb", PACK_KIND_DTB, 0x1800, DATA_SIZE, 3);
	check_entry(E_RTOS, "rtos.bin", PACK_KIND_RAW, 0x2000, 2 * DATA_SIZE, 4);
	assert_int_equal(pack_get_entry(&pk, 4, &e), -ENOENT);
	assert_int_equal(pack_find_entry(&pk, "board.dtb", &e), 0);
	assert_int_equal(e.offset, 0x1800);
	assert_int_equal(pack_find_entry(&pk, "board", &e), -ENOENT);
	assert_int_equal(pack_find_entry(&pk, "", &e), -ENOENT);
}

static void test_good_templates(void **state)
{
	struct pack_template t;

	open_ok(buf, TOTAL);
	assert_int_equal(pack_template_count(&pk), 2);
	assert_int_equal(pack_find_template(&pk, "linux", &t), 0);
	assert_string_equal(t.name, "linux");
	assert_int_equal(t.os, PACK_OS_LINUX);
	assert_true(t.autostart);
	assert_string_equal(t.kernel, "linux.kernel");
	assert_string_equal(t.initrd, "rootfs");
	assert_string_equal(t.dtb, "board.dtb");
	assert_int_equal(t.mem_size, 256 << 20);
	assert_int_equal(t.load_addr, 0);
	assert_int_equal(t.pcpu_mask, LINUX_MASK);
	assert_int_equal(t.vcpus, 2);
	assert_int_equal(t.priority, 5);
	assert_int_equal(t.pcpu_pin[0], 2);
	assert_int_equal(t.pcpu_pin[1], 3);
	assert_int_equal(t.pcpu_pin[2], PACK_PIN_NONE);
	assert_int_equal(t.ndevs, 2);
	assert_true(t.devs[0].base == 0x9100000 && t.devs[0].size == 0x1000 && t.devs[0].irq == 40);
	assert_true(t.devs[1].base == 0x9200000 && t.devs[1].size == 0x2000 && !t.devs[1].irq);
	assert_string_equal(t.bootargs, BOOTARGS);

	assert_int_equal(pack_get_template(&pk, T_RTOS, &t), 0);
	assert_string_equal(t.name, "rtos");
	assert_int_equal(t.os, PACK_OS_ZEPHYR);
	assert_false(t.autostart);
	assert_string_equal(t.initrd, "");
	assert_string_equal(t.dtb, "");
	assert_string_equal(t.bootargs, "");
	assert_int_equal(t.load_addr, 0x40000000);
	assert_int_equal(t.ndevs, 0);
	assert_int_equal(pack_get_template(&pk, 2, &t), -ENOENT);
	assert_int_equal(pack_find_template(&pk, "linux.kernel", &t), -ENOENT);
}

/* Read in place at any alignment; a larger region than total_size is fine. */
static void test_good_shms(void **state)
{
	struct pack_shm_ref refs[PACK_SHM_MAX_PER_TPL];
	struct pack_shm sh;

	open_ok(buf, TOTAL);
	assert_int_equal(pack_shm_count(&pk), 2);
	assert_int_equal(pack_get_shm(&pk, S_LINK, &sh), 0);
	assert_string_equal(sh.name, "link");
	assert_int_equal(sh.size, 0x10000);
	assert_int_equal(sh.nmembers, 2);
	assert_int_equal(sh.member[0], T_RTOS);
	assert_int_equal(sh.member[1], T_LINUX);
	assert_int_equal(pack_get_shm(&pk, 2, &sh), -ENOENT);
	/* linux: peer 1 of link, then peer 0 of solo, in pack order */
	assert_int_equal(pack_template_shms(&pk, "linux", refs), 2);
	assert_int_equal(refs[0].shm, S_LINK);
	assert_int_equal(refs[0].peer, 1);
	assert_int_equal(refs[1].shm, S_SOLO);
	assert_int_equal(refs[1].peer, 0);
	assert_int_equal(pack_template_shms(&pk, "rtos", refs), 1);
	assert_int_equal(refs[0].peer, 0);
	assert_int_equal(pack_template_shms(&pk, "nobody", NULL), 0);
}

static void test_unaligned_and_padded(void **state)
{
	static u8 copy[TOTAL + 64];
	struct pack_entry e;

	memcpy(copy + 1, buf, TOTAL);
	open_ok(copy + 1, TOTAL + 63);
	assert_int_equal(pk.size, TOTAL);
	assert_int_equal(pack_find_entry(&pk, "rootfs", &e), 0);
	assert_ptr_equal(e.data, copy + 1 + 0x1000);
}

static void test_empty_pack(void **state)
{
	pfx_init(buf, sizeof(buf_words), 0, 0);
	pfx_seal(buf, PACK_HDR_SIZE);
	open_ok(buf, PACK_HDR_SIZE);
	assert_int_equal(pack_entry_count(&pk), 0);
	assert_int_equal(pack_template_count(&pk), 0);
}

static void test_names(void **state)
{
	assert_true(pack_name_ok("linux.kernel"));
	assert_true(pack_name_ok("A-Z_a+z.0-9"));
	assert_true(pack_name_ok("0123456789012345678901234567890"));	/* 31 */
	assert_false(pack_name_ok("01234567890123456789012345678901"));	/* 32 */
	assert_false(pack_name_ok(""));
	assert_false(pack_name_ok("a b"));
	assert_false(pack_name_ok("a/b"));
	assert_false(pack_name_ok("caf\xc3\xa9"));
	for (u32 v = PACK_OS_LINUX; v <= PACK_OS_MAX; v++)
		assert_int_equal(pack_os_from_name(pack_os_name(v)), v);
	for (u32 v = PACK_KIND_ELF; v <= PACK_KIND_MAX; v++)
		assert_int_equal(pack_kind_from_name(pack_kind_name(v)), v);
	assert_string_equal(pack_os_name(PACK_OS_ZEPHYR), "zephyr");
	assert_string_equal(pack_kind_name(PACK_KIND_DTB), "dtb");
	assert_string_equal(pack_os_name(0), "?");
	assert_string_equal(pack_os_name(PACK_OS_MAX + 1), "?");
	assert_string_equal(pack_kind_name(99), "?");
	assert_int_equal(pack_os_from_name("windows"), 0);
	assert_int_equal(pack_kind_from_name("?"), 0);
}

/* ---- one field wrong ------------------------------------------------------ */

enum where { HDR, ENT, TPL, SHM };

struct defect {
	enum where where;
	u32 index;		/* entry / template number */
	u32 off;		/* field offset in the header / record */
	int width;		/* 1, 2, 4, 8; 0: the name str; < 0: -width bytes of 'x' */
	u64 val;
	const char *str;
	const char *needle;	/* what the message must say */
};

#define H(off, w, v, msg) { HDR, 0, off, w, v, NULL, msg }
#define E(i, off, w, v, msg) { ENT, i, off, w, v, NULL, msg }
#define EN(i, off, s, msg) { ENT, i, off, 0, 0, s, msg }
#define T(i, off, w, v, msg) { TPL, i, off, w, v, NULL, msg }
#define TN(i, off, s, msg) { TPL, i, off, 0, 0, s, msg }
#define S(i, off, w, v, msg) { SHM, i, off, w, v, NULL, msg }
#define SN(i, off, s, msg) { SHM, i, off, 0, 0, s, msg }
#define DEV(d, f) (PACK_TPL_DEVS + (d) * PACK_DEV_SIZE + (f))
#define LONG32 "0123456789abcdef0123456789abcdef"

static const struct defect header_defects[] = {
	H(PACK_HDR_MAGIC, 1, 'X', "bad magic: not a ZVM image pack"),
	H(PACK_HDR_MAGIC + 7, 1, '!', "bad magic"),
	H(PACK_HDR_VERSION, 2, 2, "unsupported version 2 (this reader knows 1)"),
	H(PACK_HDR_HDR_SIZE, 2, 32, "header size 32, version 1 has 64"),
	H(PACK_HDR_FLAGS, 4, 1, "unknown header flags 0x1"),
	H(PACK_HDR_RESERVED + 3, 1, 1, "reserved header bytes are not zero"),
	H(PACK_HDR_TOTAL_SIZE, 8, 63, "total size 63 is smaller than the header"),
	H(PACK_HDR_TOTAL_SIZE, 8, TOTAL + 1, "truncated: the header says 8393 bytes, only 8392"),
	H(PACK_HDR_TOTAL_SIZE, 8, ~0ULL, "truncated: the header says 18446744073709551615"),
	H(PACK_HDR_ENTRY_COUNT, 4, 65, "65 entry records, at most 64"),
	H(PACK_HDR_TMPL_COUNT, 4, 33, "33 template records, at most 32"),
	H(PACK_HDR_ENTRY_OFF, 4, 0x44, "entry table offset 0x44 is not 8-byte aligned"),
	H(PACK_HDR_TMPL_OFF, 4, 0x10000,
	  "template table [0x10000,0x10500) lies outside the pack (8392 bytes)"),
	H(PACK_HDR_TMPL_OFF, 4, 0xfffffff8, "template table [0xfffffff8,0x1000004f8) lies outside"),
	H(PACK_HDR_TMPL_OFF, 4, 0x80, "the template table [0x80,0x580) overlaps the entry table"),
	H(PACK_HDR_ENTRY_OFF, 4, 0x100, "the template table [0x140,0x640) overlaps the entry table"),
};

static const struct defect entry_defects[] = {
	EN(E_ROOTFS, PACK_ENT_NAME, "", "entry 1: name is empty"),
	EN(E_ROOTFS, PACK_ENT_NAME, "root fs", "entry 1: name has a character other than"),
	EN(E_ROOTFS, PACK_ENT_NAME, LONG32, "entry 1: name is not NUL-terminated"),
	EN(E_DTB, PACK_ENT_NAME, "rootfs", "duplicate entry name 'rootfs' (entries 1 and 2)"),
	E(E_ROOTFS, PACK_ENT_KIND, 4, 0, "entry 'rootfs': unknown kind 0"),
	E(E_ROOTFS, PACK_ENT_KIND, 4, 7, "entry 'rootfs': unknown kind 7"),
	E(E_ROOTFS, PACK_ENT_FLAGS, 4, 2, "entry 'rootfs': unknown flags 0x2"),
	E(E_ROOTFS, PACK_ENT_RESERVED + 3, 1, 1, "entry 'rootfs': reserved bytes are not zero"),
	E(E_ROOTFS, PACK_ENT_SIZE_F, 8, 0, "entry 'rootfs': size is 0"),
	E(E_ROOTFS, PACK_ENT_OFFSET, 8, 0x1004, "entry 'rootfs': offset 0x1004 is not 8-byte aligned"),
	E(E_ROOTFS, PACK_ENT_OFFSET, 8, 0x10000,
	  "entry 'rootfs': data at 0x10000 size 0x64 lies outside the pack (8392 bytes)"),
	E(E_ROOTFS, PACK_ENT_OFFSET, 8, 0x2068, "data at 0x2068 size 0x64 lies outside"),
	E(E_ROOTFS, PACK_ENT_SIZE_F, 8, ~0ULL, "entry 'rootfs': data at 0x1000 size 0xffffffffffffffff lies outside"),
	E(E_ROOTFS, PACK_ENT_OFFSET, 8, 0x808,
	  "entry 'rootfs' [0x808,0x86c) overlaps entry 'linux.kernel'"),
	E(E_ROOTFS, PACK_ENT_OFFSET, 8, 0x600, "entry 'rootfs' [0x600,0x664) overlaps the template table"),
	E(E_KERNEL, PACK_ENT_OFFSET, 8, 0x100, "entry 'linux.kernel' [0x100,0x164) overlaps the entry table"),
	E(E_KERNEL, PACK_ENT_OFFSET, 8, 0, "entry 'linux.kernel' [0x0,0x64) overlaps the header"),
	E(E_RTOS, PACK_ENT_SIZE_F, 8, 0x801, "entry 'rtos.bin': data at 0x2000 size 0x801 lies outside"),
};

static const struct defect template_defects[] = {
	TN(T_LINUX, PACK_TPL_NAME, "", "template 0: name is empty"),
	TN(T_RTOS, PACK_TPL_NAME, "rt/os", "template 1: name has a character other than"),
	TN(T_RTOS, PACK_TPL_NAME, "linux", "duplicate template name 'linux' (templates 0 and 1)"),
	TN(T_RTOS, PACK_TPL_KERNEL, "", "template 'rtos': kernel entry name is empty"),
	TN(T_LINUX, PACK_TPL_INITRD, "root fs", "template 'linux': initrd entry name has a character"),
	TN(T_LINUX, PACK_TPL_DTB, LONG32, "template 'linux': dtb entry name is not NUL-terminated"),
	T(T_LINUX, PACK_TPL_BOOTARGS, -PACK_BOOTARGS_LEN, 0,
	  "template 'linux': bootargs are not NUL-terminated"),
	T(T_LINUX, PACK_TPL_FLAGS, 4, 5, "template 'linux': unknown flags 0x5"),
	T(T_LINUX, PACK_TPL_RESERVED1, 1, 1, "template 'linux': reserved bytes are not zero"),
	T(T_LINUX, PACK_TPL_OS, 4, 0, "template 'linux': unknown OS type 0"),
	T(T_LINUX, PACK_TPL_OS, 4, PACK_OS_MAX + 1, "template 'linux': unknown OS type 5"),
	T(T_LINUX, PACK_TPL_MEM_SIZE, 8, 0, "template 'linux': memory size is 0"),
	T(T_LINUX, PACK_TPL_MEM_SIZE, 8, 0x1001, "memory size 0x1001 is not a multiple of 4 KiB"),
	T(T_LINUX, PACK_TPL_MEM_SIZE, 8, PACK_MEM_MAX + 0x1000,
	  "template 'linux': memory size 0x7fc0001000 exceeds the 511 GiB a VM can address"),
	T(T_LINUX, PACK_TPL_MEM_SIZE, 8, 2ULL << 40, "memory size 0x20000000000 exceeds the 511 GiB"),
	T(T_LINUX, PACK_TPL_MEM_SIZE, 8, ~0xfffULL, "memory size 0xfffffffffffff000 exceeds the 511 GiB"),
	T(T_LINUX, PACK_TPL_VCPUS, 4, 0, "template 'linux': 0 vCPUs, must be 1 to 8"),
	T(T_LINUX, PACK_TPL_VCPUS, 4, 9, "template 'linux': 9 vCPUs, must be 1 to 8"),
	T(T_LINUX, PACK_TPL_PRIORITY, 4, 31, "template 'linux': priority 31, must be 0 (highest) to 30"),
	T(T_RTOS, PACK_TPL_PCPU_PIN + 1, 1, 0, "template 'rtos': pin for vCPU 1, but it has 1 vCPU"),
	T(T_RTOS, PACK_TPL_PCPU_PIN, 1, 64, "template 'rtos': vCPU 0 pinned to pCPU 64, at most 63"),
	T(T_LINUX, PACK_TPL_PCPU_PIN, 1, 1, "vCPU 0 pinned to pCPU 1, outside pcpu_mask 0xc"),
	/* rtos: priority 10, above the shell's helpers; on pCPU 0 that is the host's. */
	T(T_RTOS, PACK_TPL_PCPU_PIN, 1, 0, "template 'rtos': vCPU 0 pinned to pCPU 0 at priority 10: "
	  "priorities 0..12 on pCPU 0 are the host's (use 13..30 or another pCPU)"),
	T(T_RTOS, PACK_TPL_PCPU_MASK, 8, 0x3, "template 'rtos': pcpu_mask 0x3 allows pCPU 0 at priority 10: "
	  "priorities 0..12 on pCPU 0 are the host's (use 13..30 or another pCPU)"),
	T(T_LINUX, PACK_TPL_DEV_COUNT, 4, 9, "template 'linux': 9 devices, at most 8"),
	T(T_LINUX, PACK_TPL_DEV_COUNT, 4, 3, "device 2 at 0x0 size 0x0 is not a non-empty 4 KiB-aligned region"),
	T(T_LINUX, DEV(0, PACK_DEV_BASE), 8, 0x9100800, "device 0 at 0x9100800 size 0x1000 is not"),
	T(T_LINUX, DEV(1, PACK_DEV_LEN), 8, 0x2800, "device 1 at 0x9200000 size 0x2800 is not"),
	T(T_LINUX, DEV(1, PACK_DEV_BASE), 8, 0xfffffffffffff000ULL, "device 1 at 0xfffffffffffff000 size 0x2000 is not"),
	T(T_LINUX, DEV(0, PACK_DEV_IRQ), 4, 31, "device 0 IRQ 31 is not an SPI (32..1019)"),
	T(T_LINUX, DEV(1, PACK_DEV_IRQ), 4, 1020, "device 1 IRQ 1020 is not an SPI"),
	T(T_LINUX, DEV(1, PACK_DEV_BASE), 8, 0x9100000, "template 'linux': devices 0 and 1 overlap"),
	T(T_LINUX, DEV(1, PACK_DEV_BASE), 8, 0x90ff000, "template 'linux': devices 0 and 1 overlap"),
	T(T_LINUX, DEV(1, PACK_DEV_IRQ), 4, 40, "template 'linux': devices 0 and 1 share IRQ 40"),
	T(T_LINUX, DEV(5, PACK_DEV_LEN), 1, 1, "template 'linux': unused device records are not zero"),
	T(T_LINUX, DEV(0, PACK_DEV_FLAGS), 4, 2, "template 'linux': device 0 has unknown flags 0x2"),
	T(T_LINUX, DEV(1, PACK_DEV_FLAGS), 4, PACK_DEV_F_DMA,
	  "template 'linux': device 1 is marked dma, but the VM's RAM is not identity-mapped (memory_at or identity = yes)"),
	T(T_LINUX, PACK_TPL_RAM_BASE, 8, 0x40100000,
	  "template 'linux': memory_at 0x40100000 and memory 0x10000000 must be multiples of 2 MiB"),
	T(T_LINUX, PACK_TPL_RAM_BASE, 8, 0x20000000,
	  "template 'linux': memory_at 0x20000000: RAM must lie between 0x40000000 (below are the guest's devices)"),
	T(T_LINUX, PACK_TPL_RAM_BASE, 8, 0x7ff0200000ULL, "memory_at 0x7ff0200000: RAM must lie between"),
	T(T_LINUX, PACK_TPL_RAM_BASE, 8, ~0x1fffffULL, "memory_at 0xffffffffffe00000: RAM must lie between"),
	TN(T_LINUX, PACK_TPL_KERNEL, "vmlinux", "template 'linux': kernel 'vmlinux' is not in the pack"),
	TN(T_LINUX, PACK_TPL_KERNEL, "rootfs", "template 'linux': kernel 'rootfs' has kind initrd, not elf, image or raw"),
	TN(T_LINUX, PACK_TPL_KERNEL, "board.dtb", "kernel 'board.dtb' has kind dtb, not elf, image or raw"),
	T(T_RTOS, PACK_TPL_LOAD_ADDR, 8, 0, "template 'rtos': raw kernel 'rtos.bin' needs a load address"),
	T(T_LINUX, PACK_TPL_LOAD_ADDR, 8, 0x40000000,
	  "template 'linux': load address set, but kernel 'linux.kernel' is elf, not raw"),
	TN(T_LINUX, PACK_TPL_INITRD, "initramfs", "template 'linux': initrd 'initramfs' is not in the pack"),
	TN(T_LINUX, PACK_TPL_INITRD, "board.dtb", "template 'linux': initrd 'board.dtb' has kind dtb, not initrd"),
	TN(T_LINUX, PACK_TPL_DTB, "virt.dtb", "template 'linux': dtb 'virt.dtb' is not in the pack"),
	TN(T_LINUX, PACK_TPL_DTB, "rtos.bin", "template 'linux': dtb 'rtos.bin' has kind raw, not dtb"),
};

static const struct defect shm_defects[] = {
	SN(S_SOLO, PACK_SHM_NAME, "", "shm 1: name is empty"),
	SN(S_SOLO, PACK_SHM_NAME, "a b", "shm 1: name has a character other than"),
	SN(S_SOLO, PACK_SHM_NAME, "link", "duplicate shm name 'link' (regions 0 and 1)"),
	S(S_LINK, PACK_SHM_FLAGS, 4, 1, "shm 'link': unknown flags 0x1"),
	S(S_LINK, PACK_SHM_RESERVED + 7, 1, 1, "shm 'link': reserved bytes are not zero"),
	S(S_LINK, PACK_SHM_SIZE, 8, 0, "shm 'link': size 0x0 is not a power of two from 4 KiB to 128 MiB"),
	S(S_LINK, PACK_SHM_SIZE, 8, 0x800, "shm 'link': size 0x800 is not a power of two"),
	S(S_LINK, PACK_SHM_SIZE, 8, 0x3000, "shm 'link': size 0x3000 is not a power of two"),
	S(S_LINK, PACK_SHM_SIZE, 8, 0x10000000, "shm 'link': size 0x10000000 is not a power of two"),
	S(S_LINK, PACK_SHM_NMEMBERS, 4, 0, "shm 'link': 0 members, must be 1 to 8"),
	S(S_LINK, PACK_SHM_NMEMBERS, 4, 9, "shm 'link': 9 members, must be 1 to 8"),
	S(S_LINK, PACK_SHM_MEMBERS + 1, 1, 2, "shm 'link': member 1 is template 2, the pack has 2"),
	S(S_LINK, PACK_SHM_MEMBERS + 1, 1, T_RTOS, "shm 'link': template 'rtos' is a member twice"),
	S(S_LINK, PACK_SHM_MEMBERS + 2, 1, 0, "shm 'link': unused member slot 2 is not 0xff"),
	S(S_LINK, PACK_SHM_NMEMBERS, 4, 3, "shm 'link': member 2 is template 255, the pack has 2"),
	H(PACK_HDR_SHM_COUNT, 4, 17, "17 shm records, at most 16"),
	H(PACK_HDR_SHM_OFF, 4, 0x600, "the shm table [0x600,0x680) overlaps the template table"),
	H(PACK_HDR_SHM_OFF, 4, 0x7fc, "shm table offset 0x7fc is not 8-byte aligned"),
};

static u8 *field_of(const struct defect *d)
{
	switch (d->where) {
	case HDR:
		return buf + d->off;
	case ENT:
		return pfx_ent(buf, d->index) + d->off;
	case SHM:
		return pfx_shm_rec(buf, d->index) + d->off;
	default:
		return pfx_tpl(buf, d->index) + d->off;
	}
}

/* Checksums follow a change, so that the change is what gets noticed. A
 * table moved out of buf cannot be summed: the reader rejects it before
 * reading the table checksum, so only the header's is needed then. */
static void reseal(void)
{
	u64 ent_end = pfx_tmpl_off(ld_le32(buf + PACK_HDR_ENTRY_COUNT)) - PFX_ENT_OFF +
		      ld_le32(buf + PACK_HDR_ENTRY_OFF);
	u64 tpl_end = ld_le32(buf + PACK_HDR_TMPL_OFF) +
		      (u64)ld_le32(buf + PACK_HDR_TMPL_COUNT) * PACK_TPL_SIZE;

	u64 shm_end = ld_le32(buf + PACK_HDR_SHM_OFF) +
		      (u64)ld_le32(buf + PACK_HDR_SHM_COUNT) * PACK_SHM_REC_SIZE;

	if (ent_end <= sizeof(buf_words) && tpl_end <= sizeof(buf_words) &&
	    shm_end <= sizeof(buf_words))
		pfx_reseal(buf);
	else
		st_le32(buf + PACK_HDR_CRC, crc32(buf, PACK_HDR_CRC));
}

static void apply(const struct defect *d)
{
	u8 *f = field_of(d);

	if (d->width < 0)
		memset(f, 'x', (size_t)-d->width);
	else if (d->width == 0)
		pfx_name(f, d->str);
	else if (d->width == 1)
		*f = (u8)d->val;
	else if (d->width == 2)
		st_le16(f, (u16)d->val);
	else if (d->width == 4)
		st_le32(f, (u32)d->val);
	else
		st_le64(f, d->val);
	reseal();
}

static void run_defects(const struct defect *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		build_good(NULL);
		open_ok(buf, TOTAL);
		apply(&d[i]);
		expect_bad(d[i].needle);
	}
}

static void test_header_defects(void **state)
{
	run_defects(header_defects, sizeof(header_defects) / sizeof(header_defects[0]));
}

static void test_entry_defects(void **state)
{
	run_defects(entry_defects, sizeof(entry_defects) / sizeof(entry_defects[0]));
}

/* Identity-mapped templates: a dma device is fine there; RAM may not
 * cover one of its devices, nor another identity template's RAM. */
static void test_identity_templates(void **state)
{
	u8 *lx, *rt;
	struct pack_template t;

	build_good(NULL);
	lx = pfx_tpl(buf, T_LINUX);
	rt = pfx_tpl(buf, T_RTOS);
	st_le64(lx + PACK_TPL_RAM_BASE, 0x80000000);
	st_le32(lx + DEV(1, PACK_DEV_FLAGS), PACK_DEV_F_DMA);
	reseal();
	open_ok(buf, TOTAL);
	assert_int_equal(pack_find_template(&pk, "linux", &t), 0);
	assert_true(t.ram_base == 0x80000000 && t.devs[1].flags == PACK_DEV_F_DMA);
	assert_int_equal(t.devs[0].flags, 0);
	st_le64(rt + PACK_TPL_RAM_BASE, 0x8fe00000);	/* 16M inside linux's 256M */
	st_le64(rt + PACK_TPL_LOAD_ADDR, 0x8fe00000);
	reseal();
	expect_bad("template 'rtos': memory_at 0x8fe00000 overlaps template 'linux' (memory_at 0x80000000)");
	st_le64(rt + PACK_TPL_RAM_BASE, 0x90000000);	/* just above: fine */
	reseal();
	open_ok(buf, TOTAL);
	st_le64(lx + PACK_TPL_RAM_BASE, 0x9000000);	/* below 1 GiB */
	reseal();
	expect_bad("memory_at 0x9000000: RAM must lie between");
	st_le64(lx + DEV(0, PACK_DEV_BASE), 0x40000000);
	st_le64(lx + PACK_TPL_RAM_BASE, 0x40000000);
	reseal();
	expect_bad("template 'linux': device 0 at 0x40000000 overlaps the VM's RAM at memory_at 0x40000000");
}

/* identity = yes: the hypervisor places the RAM, so the kernel must be an
 * arm64 Image (relocatable), memory whole 2 MiB blocks, no memory_at as
 * well; dma devices are allowed as with memory_at. */
static void test_identity_any_templates(void **state)
{
	u8 *lx;
	struct pack_template t;

	build_good(NULL);
	lx = pfx_tpl(buf, T_LINUX);
	st_le32(lx + PACK_TPL_FLAGS, PACK_TPL_F_AUTOSTART | PACK_TPL_F_IDENTITY);
	st_le32(lx + DEV(1, PACK_DEV_FLAGS), PACK_DEV_F_DMA);
	reseal();
	expect_bad("template 'linux': identity = yes needs a relocatable kernel (an arm64 Image): "
		   "the RAM's address is known only at `zvm new`, but kernel 'linux.kernel' is elf");
	st_le32(pfx_ent(buf, E_KERNEL) + PACK_ENT_KIND, PACK_KIND_IMAGE);
	reseal();
	open_ok(buf, TOTAL);
	assert_int_equal(pack_find_template(&pk, "linux", &t), 0);
	assert_true(t.identity_any && t.autostart && !t.ram_base && pack_tpl_identity(&t));
	assert_int_equal(t.devs[1].flags, PACK_DEV_F_DMA);
	assert_int_equal(pack_find_template(&pk, "rtos", &t), 0);
	assert_false(t.identity_any || pack_tpl_identity(&t));
	st_le64(lx + PACK_TPL_RAM_BASE, 0x80000000);
	reseal();
	expect_bad("template 'linux': memory_at 0x80000000 and identity = yes exclude each other");
	st_le64(lx + PACK_TPL_RAM_BASE, 0);
	st_le64(lx + PACK_TPL_MEM_SIZE, 0x300000);
	reseal();
	expect_bad("template 'linux': identity = yes needs memory in whole 2 MiB blocks, not 0x300000");
}

static void test_template_defects(void **state)
{
	run_defects(template_defects, sizeof(template_defects) / sizeof(template_defects[0]));
}

static void test_shm_defects(void **state)
{
	run_defects(shm_defects, sizeof(shm_defects) / sizeof(shm_defects[0]));
}

/* A template in more regions than a VM can map. */
static void test_shm_per_template(void **state)
{
	static const u8 linux_only[] = { T_LINUX };
	char name[8];

	pfx_init(buf, sizeof(buf_words), 4, 2);
	good_entries();
	good_templates();
	pfx_shm_table(buf, PACK_SHM_MAX_PER_TPL + 1);
	for (u32 i = 0; i <= PACK_SHM_MAX_PER_TPL; i++) {
		snprintf(name, sizeof(name), "r%u", i);
		pfx_shm(buf, i, name, 0x1000, 1, linux_only);
	}
	pfx_seal(buf, TOTAL);
	expect_bad("template 'linux': joins 5 shm regions, at most 4");
}

/* ---- checksums, truncation, corruption ----------------------------------- */

/* Each limit at its maximum passes; the priority bound only on pCPU 0. */
static const struct defect limits_ok[][2] = {
	{ T(T_LINUX, PACK_TPL_MEM_SIZE, 8, PACK_MEM_MAX, NULL) },
	{ T(T_LINUX, PACK_TPL_VCPUS, 4, PACK_MAX_VCPUS, NULL) },
	{ T(T_LINUX, PACK_TPL_PRIORITY, 4, 0, NULL) },		/* pCPUs 2 and 3 */
	{ T(T_RTOS, PACK_TPL_PRIORITY, 4, 13, NULL), T(T_RTOS, PACK_TPL_PCPU_PIN, 1, 0, NULL) },
	{ T(T_RTOS, PACK_TPL_PRIORITY, 4, 30, NULL), T(T_RTOS, PACK_TPL_PCPU_MASK, 8, 1, NULL) },
};

static void test_template_limits(void **state)
{
	static const struct defect prio12 = T(T_RTOS, PACK_TPL_PRIORITY, 4, 12, NULL);

	for (size_t i = 0; i < sizeof(limits_ok) / sizeof(limits_ok[0]); i++) {
		build_good(NULL);
		for (size_t j = 0; j < 2 && limits_ok[i][j].width; j++)	/* width 0: unused */
			apply(&limits_ok[i][j]);
		open_ok(buf, TOTAL);
	}
	/* One step up from the last but one: the host's lowest priority. */
	build_good(NULL);
	apply(&limits_ok[3][1]);
	apply(&prio12);
	expect_bad("template 'rtos': vCPU 0 pinned to pCPU 0 at priority 12: priorities 0..12");
}

static void test_truncated_header(void **state)
{
	expect_bad_size(0, "truncated: 0 bytes, the header alone has 64");
	expect_bad_size(PACK_HDR_SIZE - 1, "truncated: 63 bytes, the header alone has 64");
	expect_bad_size(TOTAL - 1, "truncated: the header says 8392 bytes, only 8391 present");
}

static void test_checksums(void **state)
{
	u32 want;

	buf[PACK_HDR_ENTRY_COUNT] = 3;	/* header changed, its CRC not */
	want = ld_le32(buf + PACK_HDR_CRC);
	expect_bad("header checksum");
	assert_non_null(strstr(err, "does not match the header"));
	assert_int_equal(strtoul(strstr(err, "0x") + 2, NULL, 16), want);

	build_good(NULL);
	pfx_tpl(buf, T_RTOS)[PACK_TPL_PRIORITY]++;	/* tables changed, their CRC not */
	expect_bad("table checksum");
	assert_non_null(strstr(err, "does not match the tables"));

	build_good(NULL);
	buf[0x1000 + DATA_SIZE - 1] ^= 0x80;	/* rootfs data, covered by no table CRC */
	expect_bad("entry 'rootfs': checksum");
	assert_non_null(strstr(err, "does not match its data"));

	pfx_entry_crc(buf, E_ROOTFS);
	pfx_reseal(buf);
	open_ok(buf, TOTAL);
}

/* The ranges a checksum covers; the padding between them is free. */
static bool covered(size_t i)
{
	static const size_t ranges[][2] = {
		{ 0, 0x640 }, { 0x800, 0x800 + DATA_SIZE }, { 0x1000, 0x1000 + DATA_SIZE },
		{ 0x1800, 0x1800 + DATA_SIZE }, { 0x2000, TOTAL },
	};

	for (size_t r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++)
		if (i >= ranges[r][0] && i < ranges[r][1])
			return true;
	return false;
}

static void test_every_flip_and_truncation(void **state)
{
	static const struct pack zero;

	for (size_t i = 0; i < TOTAL; i++) {
		buf[i] ^= 0x01;
		if (covered(i) && pack_open(&pk, buf, TOTAL, err, sizeof(err)) != -EBADMSG)
			fail_msg("flipping byte 0x%zx went unnoticed", i);
		buf[i] ^= 0x01;
	}
	for (size_t n = 0; n < TOTAL; n++) {
		if (pack_open(&pk, buf, n, err, sizeof(err)) != -EBADMSG)
			fail_msg("a pack cut to %zu bytes was accepted", n);
		assert_memory_equal(&pk, &zero, sizeof(pk));
	}
	open_ok(buf, TOTAL);
}

static void test_arguments_and_buffers(void **state)
{
	char small[12];

	assert_int_equal(pack_open(NULL, buf, TOTAL, err, sizeof(err)), -EINVAL);
	assert_int_equal(pack_open(&pk, NULL, TOTAL, err, sizeof(err)), -EINVAL);
	buf[0] = 'z';
	assert_int_equal(pack_open(&pk, buf, TOTAL, NULL, 0), -EBADMSG);
	memset(small, '#', sizeof(small));
	assert_int_equal(pack_open(&pk, buf, TOTAL, small, sizeof(small)), -EBADMSG);
	assert_string_equal(small, "bad magic: ");	/* cut, still terminated */
	small[0] = '#';
	assert_int_equal(pack_open(&pk, buf, TOTAL, small, 0), -EBADMSG);
	assert_int_equal(small[0], '#');	/* errlen 0: not written */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_good_entries, build_good),
		cmocka_unit_test_setup(test_good_templates, build_good),
		cmocka_unit_test_setup(test_unaligned_and_padded, build_good),
		cmocka_unit_test_setup(test_empty_pack, build_good),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_header_defects),
		cmocka_unit_test(test_entry_defects),
		cmocka_unit_test(test_template_defects),
		cmocka_unit_test(test_identity_templates),
		cmocka_unit_test(test_identity_any_templates),
		cmocka_unit_test(test_template_limits),
		cmocka_unit_test(test_shm_defects),
		cmocka_unit_test(test_shm_per_template),
		cmocka_unit_test_setup(test_good_shms, build_good),
		cmocka_unit_test_setup(test_truncated_header, build_good),
		cmocka_unit_test_setup(test_checksums, build_good),
		cmocka_unit_test_setup(test_every_flip_and_truncation, build_good),
		cmocka_unit_test_setup(test_arguments_and_buffers, build_good),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
