/*
 * lib/loader*.c: ELF64 and arm64 Image kernels and raw binaries loaded
 * into a host buffer standing in for guest RAM, every malformed header
 * refused with its message and without touching RAM, and the placement of
 * the DTB and initrd checked against booting.rst's rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <image_fixture.h>
#include <lib/loader.h>
#include <zvm/compiler.h>
#include <zvm/errno.h>

#define RAM_BASE 0x40000000ULL
#define RAM_SIZE 0x800000ULL	/* 8 MiB of host buffer */
#define POISON 0xaa
#define SZ_2M 0x200000ULL

static u8 *ram_buf;
static struct loader_ram ram;
static struct loader_result res;
static u8 file[0x4000];
static char err[256];

static int setup(void **state)
{
	ram_buf = malloc(RAM_SIZE);
	assert_non_null(ram_buf);
	memset(ram_buf, POISON, RAM_SIZE);
	ram = (struct loader_ram){ .base = RAM_BASE, .size = RAM_SIZE, .host = ram_buf };
	memset(&res, 0, sizeof(res));
	memset(file, 0, sizeof(file));
	err[0] = '\0';
	return 0;
}

static int teardown(void **state)
{
	free(ram_buf);
	return 0;
}

static u8 *at(u64 ipa)
{
	return ram_buf + (ipa - RAM_BASE);
}

/* RAM still holds nothing but the poison. */
static void assert_ram_untouched(void)
{
	for (u64 i = 0; i < RAM_SIZE; i++)
		if (ram_buf[i] != POISON)
			fail_msg("guest RAM written at 0x%llx", (unsigned long long)(RAM_BASE + i));
}

static void assert_pattern(u64 ipa, u64 n, u8 first)
{
	for (u64 i = 0; i < n; i++)
		if (at(ipa)[i] != (u8)(first + i))
			fail_msg("byte at 0x%llx is 0x%x", (unsigned long long)(ipa + i), at(ipa)[i]);
}

static void assert_filled(u64 ipa, u64 n, u8 v)
{
	for (u64 i = 0; i < n; i++)
		if (at(ipa)[i] != v)
			fail_msg("byte at 0x%llx is 0x%x, not 0x%x", (unsigned long long)(ipa + i),
				 at(ipa)[i], v);
}

/* load must fail with code and say needle, leaving RAM as it was. */
static void expect_fail(int ret, int code, const char *needle)
{
	if (ret != code || !strstr(err, needle))
		fail_msg("returned %d '%s', wanted %d and '%s'", ret, err, code, needle);
	assert_ram_untouched();
}

static int load(enum loader_format fmt, size_t size)
{
	struct loader_image img = { .fmt = fmt, .data = file, .size = size };

	return loader_load(&ram, &img, &res, err, sizeof(err));
}

/* ---- ELF ----------------------------------------------------------------- */

#define SEG(va, pa, fsz, msz, f) { 1, va, pa, fsz, msz, f }

static size_t two_segs(u64 entry)
{
	const struct fix_seg segs[] = {
		SEG(0x40080000, 0x40080000, 0x100, 0x200, 0x10),
		{ 4, 0, 0, 0x20, 0x20, 0 },	/* PT_NOTE: not loaded */
		SEG(0x40100000, 0x40100000, 0x80, 0x1000, 0x60),
	};

	return fix_elf(file, entry, segs, 3);
}

static void test_elf_good(void **state)
{
	size_t n = two_segs(0x40080010);

	assert_int_equal(loader_detect(file, n), LOADER_FMT_ELF);
	assert_int_equal(load(LOADER_FMT_AUTO, n), 0);
	assert_string_equal(err, "");
	assert_int_equal(res.fmt, LOADER_FMT_ELF);
	assert_int_equal(res.entry, 0x40080010);
	assert_int_equal(res.start, 0x40080000);
	assert_int_equal(res.end, 0x40101000);
	assert_pattern(0x40080000, 0x100, 0x10);
	assert_filled(0x40080100, 0x100, 0);		/* memsz beyond filesz */
	assert_filled(0x40080200, 0x10, POISON);	/* and not one byte more */
	assert_pattern(0x40100000, 0x80, 0x60);
	assert_filled(0x40100080, 0xf80, 0);
	assert_filled(0x40101000, 0x10, POISON);
	assert_filled(RAM_BASE, 0x80000, POISON);
}

/* Linked high, loaded low: segments go to p_paddr, the entry follows. */
static void test_elf_vaddr_paddr(void **state)
{
	const struct fix_seg seg = SEG(0xffff800010000000ULL, 0x40200000, 0x40, 0x40, 1);
	size_t n = fix_elf(file, 0xffff800010000020ULL, &seg, 1);

	assert_int_equal(load(LOADER_FMT_ELF, n), 0);
	assert_int_equal(res.entry, 0x40200020);
	assert_pattern(0x40200000, 0x40, 1);
}

struct elf_case {
	struct fix_seg seg[2];
	int nsegs;
	u64 entry;
	int code;
	const char *needle;
};

static const struct elf_case elf_cases[] = {
	{ { SEG(0x3ffff000, 0x3ffff000, 0x10, 0x10, 0) }, 1, 0x3ffff000, -ERANGE,
	  "segment 0: [0x3ffff000,+0x10) is outside guest RAM [0x40000000,0x40800000)" },
	{ { SEG(0x407ff000, 0x407ff000, 0x10, 0x1001, 0) }, 1, 0x407ff000, -ERANGE,
	  "segment 0: [0x407ff000,+0x1001) is outside guest RAM" },
	{ { SEG(0x40000000, 0x40000000, 0x10, 0x10, 0), SEG(0x50000000, 0x50000000, 4, 4, 0) },
	  2, 0x40000000, -ERANGE, "segment 1: [0x50000000,+0x4) is outside guest RAM" },
	{ { SEG(0x40000000, 0xfffffffffffff000ULL, 0x10, 0x2000, 0) }, 1, 0x40000000, -ERANGE,
	  "segment 0: [0xfffffffffffff000,+0x2000) is outside guest RAM" },
	{ { SEG(0x40000000, 0x40000000, 0x10, 0x1000, 0), SEG(0x40001000, 0x40000ff0, 4, 4, 0) },
	  2, 0x40000000, -ENOEXEC, "segments 0 and 1 overlap in guest memory" },
	{ { SEG(0x40000000, 0x40000000, 0x10, 0x10, 0), SEG(0x40000000, 0x40000000, 4, 4, 0) },
	  2, 0x40000000, -ENOEXEC, "segments 0 and 1 overlap" },
	{ { SEG(0x40000000, 0x40000000, 0x10, 0x100, 0) }, 1, 0x40000100, -ENOEXEC,
	  "entry point 0x40000100 is not inside the file data of a loadable segment" },
	{ { SEG(0x40000000, 0x40000000, 0x10, 0x100, 0) }, 1, 0x40000010, -ENOEXEC,
	  "entry point 0x40000010 is not inside" },	/* in bss: no code there */
	{ { SEG(0x40000000, 0x40000000, 0x10, 0x10, 0) }, 1, 0x3ffffffc, -ENOEXEC,
	  "entry point 0x3ffffffc is not inside" },
	{ { SEG(0x40000000, 0x40000000, 0x10, 0x10, 0) }, 1, 0x40000002, -ENOEXEC,
	  "entry point 0x40000002 is not 4-byte aligned" },
	{ { SEG(0x40000000, 0x40000000, 0x20, 0x10, 0) }, 1, 0x40000000, -ENOEXEC,
	  "segment 0: p_filesz 0x20 exceeds p_memsz 0x10" },
	{ { SEG(0xfffffffffffff000ULL, 0x40000000, 0x10, 0x2000, 0) }, 1, 0x40000000, -ENOEXEC,
	  "segment 0: virtual range wraps around" },
	{ { { 4, 0x40000000, 0x40000000, 0x10, 0x10, 0 } }, 1, 0x40000000, -ENOEXEC,
	  "no loadable segment" },
};

static void test_elf_segments_refused(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(elf_cases); i++) {
		const struct elf_case *c = &elf_cases[i];
		size_t n = fix_elf(file, c->entry, c->seg, c->nsegs);

		expect_fail(load(LOADER_FMT_ELF, n), c->code, c->needle);
	}
}

/* A good two-segment ELF with one header byte/field changed. */
struct hdr_case {
	u32 off;
	int width;
	u64 val;
	const char *needle;
};

static const struct hdr_case hdr_cases[] = {
	{ 0, 1, 0x7e, "not an ELF file (bad magic)" },
	{ 4, 1, 1, "not a 64-bit ELF (class 1)" },
	{ 5, 1, 2, "not a little-endian ELF (data encoding 2)" },
	{ 6, 1, 0, "unknown ELF version 0" },
	{ 18, 2, 62, "ELF machine 62 is not AArch64 (183)" },
	{ 18, 2, 40, "ELF machine 40 is not AArch64" },
	{ 16, 2, 3, "ELF type 3 is not an executable (ET_EXEC)" },
	{ 54, 2, 32, "program header size 32, ELF64 has 56" },
	{ 56, 2, 0, "0 program headers, need 1 to 64" },
	{ 56, 2, 65, "65 program headers, need 1 to 64" },
	{ 56, 2, 20, "program headers at 0x40 (20 of 56 bytes) are past the end of the file" },
	{ 32, 8, 0x1000000, "program headers at 0x1000000" },
	{ 32, 8, ~0ULL - 8, "program headers at 0xfffffffffffffff7" },
	/* segment 0's p_offset (phdr 0 at 64, p_offset at +8), then p_filesz */
	{ 64 + 8, 8, 0x4000, "segment 0: file data at 0x4000 size 0x100 is past the end of the file" },
	{ 64 + 8, 8, ~0ULL, "segment 0: file data at 0xffffffffffffffff" },
	{ 64 + 32, 8, 0x300, "segment 0: file data at 0x10 size 0x300 is past the end" },
};

static void test_elf_headers_refused(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(hdr_cases); i++) {
		const struct hdr_case *c = &hdr_cases[i];
		size_t n = two_segs(0x40080000);

		if (c->off == 64 + 8 || c->off == 64 + 32)	/* keep filesz <= memsz */
			st_le64(file + 64 + 40, 0x1000);
		if (c->off == 64 + 32)
			st_le64(file + 64 + 8, 0x10);
		if (c->width == 1)
			file[c->off] = (u8)c->val;
		else if (c->width == 2)
			st_le16(file + c->off, (u16)c->val);
		else
			st_le64(file + c->off, c->val);
		expect_fail(loader_load_elf(&ram, &(struct loader_image){ .data = file, .size = n },
					    &res, err, sizeof(err)), -ENOEXEC, c->needle);
	}
}

static void test_elf_truncated(void **state)
{
	size_t n = two_segs(0x40080000);

	for (size_t cut = 0; cut < n; cut++) {
		struct loader_image img = { .fmt = LOADER_FMT_ELF, .data = file, .size = cut };

		if (loader_load(&ram, &img, &res, err, sizeof(err)) != -ENOEXEC)
			fail_msg("ELF cut to %zu of %zu bytes was accepted", cut, n);
	}
	assert_ram_untouched();
	expect_fail(loader_load_elf(&ram, &(struct loader_image){ .data = file, .size = 63 }, &res,
				    err, sizeof(err)), -ENOEXEC, "ELF header truncated: 63 bytes, need 64");
	expect_fail(load(LOADER_FMT_ELF, 64 + 3 * 56 - 1), -ENOEXEC,
		    "program headers at 0x40 (3 of 56 bytes) are past the end of the file (231 bytes)");
}

/* ---- arm64 Image ----------------------------------------------------------- */

#define IMG_FILE 0x1000

static void assert_image_at(u64 load, u64 footprint)
{
	assert_int_equal(res.fmt, LOADER_FMT_IMAGE);
	assert_int_equal(res.entry, load);
	assert_int_equal(res.start, load);
	assert_int_equal(res.end, load + footprint);
	assert_memory_equal(at(load), file, IMG_FILE);
	assert_filled(load + IMG_FILE, footprint - IMG_FILE, 0);
	assert_filled(load + footprint, 0x100, POISON);
	assert_filled(load - 0x100, 0x100, POISON);
}

static void test_image_good(void **state)
{
	fix_image(file, IMG_FILE, 0x80000, 0x20000, 0x2 /* 4K pages */);
	assert_int_equal(loader_detect(file, IMG_FILE), LOADER_FMT_IMAGE);
	assert_int_equal(load(LOADER_FMT_AUTO, IMG_FILE), 0);
	assert_image_at(RAM_BASE + 0x80000, 0x20000);
}

/* The base is the lowest 2 MiB boundary in RAM, not RAM's start. */
static void test_image_base_aligned(void **state)
{
	ram.base = RAM_BASE + 0x100000;
	ram.size = RAM_SIZE - 0x100000;
	ram.host = ram_buf + 0x100000;
	fix_image(file, IMG_FILE, 0x0, 0x10000, 0);
	assert_int_equal(load(LOADER_FMT_IMAGE, IMG_FILE), 0);
	assert_image_at(RAM_BASE + SZ_2M, 0x10000);
}

/* booting.rst flags: bits 1-2 page size, bit 3 placement. The loader's job
 * does not depend on them (the guest's granule is the guest's business). */
static void test_image_flags_accepted(void **state)
{
	for (u64 flags = 0; flags < 16; flags += 2) {
		memset(ram_buf, POISON, RAM_SIZE);
		fix_image(file, IMG_FILE, 0x80000, 0x4000, flags);
		assert_int_equal(load(LOADER_FMT_IMAGE, IMG_FILE), 0);
		assert_image_at(RAM_BASE + 0x80000, 0x4000);
	}
}

/* image_size 0: a pre-3.17 kernel, text_offset 0x80000 and flags unknown. */
static void test_image_old_kernel(void **state)
{
	fix_image(file, IMG_FILE, 0x12345, 0, 0x1);
	assert_int_equal(load(LOADER_FMT_IMAGE, IMG_FILE), 0);
	assert_image_at(RAM_BASE + LOADER_IMAGE_TEXT_OFFSET_OLD, IMG_FILE);
}

/* image_size smaller than the file: the file still has to fit. */
static void test_image_size_below_file(void **state)
{
	fix_image(file, IMG_FILE, 0x1000, 0x100, 0);
	assert_int_equal(load(LOADER_FMT_IMAGE, IMG_FILE), 0);
	assert_image_at(RAM_BASE + 0x1000, IMG_FILE);
}

struct img_case {
	u64 text_offset, image_size, flags;
	int code;
	const char *needle;
};

static const struct img_case img_cases[] = {
	{ 0x80000, 0x20000, 0x1, -ENOEXEC, "big-endian arm64 Image: guests run little-endian" },
	{ 0x80000, 0x20000, 0xf, -ENOEXEC, "big-endian" },
	{ 0x80002, 0x20000, 0, -ENOEXEC, "text_offset 0x80002 is not 4-byte aligned" },
	{ 0, RAM_SIZE + 1, 0, -ERANGE,
	  "arm64 Image needs 0x800001 bytes at text_offset 0x0, more than guest RAM [0x40000000,0x40800000) holds" },
	{ 0x80000, RAM_SIZE - 0x7ffff, 0, -ERANGE, "needs 0x780001 bytes at text_offset 0x80000" },
	{ RAM_SIZE, 0x1000, 0, -ERANGE, "needs 0x1000 bytes at text_offset 0x800000" },
	{ 0xfffffffffffff000ULL, 0x1000, 0, -ERANGE, "at text_offset 0xfffffffffffff000" },
};

static void test_image_refused(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(img_cases); i++) {
		const struct img_case *c = &img_cases[i];

		fix_image(file, IMG_FILE, c->text_offset, c->image_size, c->flags);
		expect_fail(load(LOADER_FMT_IMAGE, IMG_FILE), c->code, c->needle);
	}
	fix_image(file, IMG_FILE, 0, 0x1000, 0);
	file[0x3b] = 0x65;
	expect_fail(load(LOADER_FMT_IMAGE, IMG_FILE), -ENOEXEC,
		    "not an arm64 Image (no ARM\\x64 magic at 0x38)");
	file[0x3b] = 0x64;
	expect_fail(load(LOADER_FMT_IMAGE, 63), -ENOEXEC,
		    "arm64 Image header truncated: 63 bytes, need 64");
	assert_int_equal(loader_detect(file, 63), LOADER_FMT_RAW);
}

/* ---- raw, dispatch, RAM access ------------------------------------------- */

static int raw(u64 addr, size_t size)
{
	struct loader_image img = { .fmt = LOADER_FMT_RAW, .data = file, .size = size,
				    .load_addr = addr };

	return loader_load(&ram, &img, &res, err, sizeof(err));
}

static void test_raw(void **state)
{
	for (int i = 0; i < 0x100; i++)
		file[i] = (u8)(0x30 + i);
	expect_fail(raw(0x40001002, 0x100), -ENOEXEC, "raw load address 0x40001002 is not 4-byte aligned");
	expect_fail(raw(0x3ffff000, 0x100), -ERANGE,
		    "raw image [0x3ffff000,+0x100) is outside guest RAM [0x40000000,0x40800000)");
	expect_fail(raw(0x407fff00, 0x101), -ERANGE, "raw image [0x407fff00,+0x101) is outside");
	expect_fail(raw(0x40001000, 0), -ENOEXEC, "raw image is empty");
	assert_int_equal(raw(0x407fff00, 0x100), 0);
	assert_true(res.fmt == LOADER_FMT_RAW && res.entry == 0x407fff00 && res.start == 0x407fff00 &&
		    res.end == 0x40800000);
	assert_pattern(0x407fff00, 0x100, 0x30);
	assert_int_equal(loader_detect(file, 0x100), LOADER_FMT_RAW);
}

static void test_dispatch(void **state)
{
	struct loader_image img = { .fmt = (enum loader_format)9, .data = file, .size = 16 };

	expect_fail(loader_load(&ram, &img, &res, err, sizeof(err)), -EINVAL,
		    "unknown image format 9");
	img = (struct loader_image){ .data = NULL, .size = 16 };
	expect_fail(loader_load(&ram, &img, &res, err, sizeof(err)), -EINVAL, "bad loader arguments");
	expect_fail(loader_load(NULL, &img, &res, err, sizeof(err)), -EINVAL, "bad loader arguments");
	/* AUTO: no ELF magic or Image header makes a raw binary at load_addr. */
	img = (struct loader_image){ .data = file, .size = 16, .load_addr = RAM_BASE };
	assert_int_equal(loader_load(&ram, &img, &res, NULL, 0), 0);
	assert_int_equal(res.fmt, LOADER_FMT_RAW);
	assert_string_equal(loader_format_name(LOADER_FMT_IMAGE), "image");
	assert_string_equal(loader_format_name((enum loader_format)7), "?");
}

struct wlog {
	int calls, fail_at;
	u64 ipa[8], len[8];
	bool zeros[8];
};

static int log_write(void *ctx, u64 ipa, const void *src, u64 len)
{
	struct wlog *l = ctx;

	if (l->calls == l->fail_at)
		return -EIO;
	l->ipa[l->calls] = ipa;
	l->len[l->calls] = len;
	l->zeros[l->calls++] = !src;
	return 0;
}

/* Without a host mapping: through ram.write, or a dry run writing nothing. */
static void test_write_callback(void **state)
{
	struct wlog log = { .fail_at = -1 };
	size_t n = two_segs(0x40080000);

	ram.host = NULL;
	ram.write = log_write;
	ram.ctx = &log;
	assert_int_equal(load(LOADER_FMT_ELF, n), 0);
	assert_int_equal(log.calls, 4);	/* data, bss, data, bss */
	assert_true(log.ipa[0] == 0x40080000 && log.len[0] == 0x100 && !log.zeros[0]);
	assert_true(log.ipa[1] == 0x40080100 && log.len[1] == 0x100 && log.zeros[1]);
	assert_true(log.ipa[3] == 0x40100080 && log.len[3] == 0xf80 && log.zeros[3]);

	log = (struct wlog){ .fail_at = 2 };
	assert_int_equal(load(LOADER_FMT_ELF, n), -EIO);
	assert_non_null(strstr(err, "writing guest RAM at 0x40100000 failed (-5)"));

	ram.write = NULL;
	assert_int_equal(load(LOADER_FMT_ELF, n), 0);	/* dry run */
	assert_int_equal(loader_write(&ram, RAM_BASE + RAM_SIZE - 4, NULL, 5), -ERANGE);
	assert_int_equal(loader_write(&ram, RAM_BASE + RAM_SIZE, NULL, 0), 0);
	assert_int_equal(loader_write(&ram, RAM_BASE - 1, NULL, 1), -ERANGE);
	assert_ram_untouched();
}

/* ---- DTB and initrd placement --------------------------------------------- */

static bool overlap(u64 a, u64 alen, u64 b, u64 blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

/* Every rule of loader_place_boot_data() for one successful layout. */
static void check_layout(const struct loader_ram *r, const struct loader_result *k, u64 dtb_size,
			 u64 initrd_size, const struct loader_layout *l)
{
	u64 ksize = k->end - k->start, top = r->base + r->size;

	assert_true(l->dtb % 8 == 0 && l->initrd_start % 0x1000 == 0);
	assert_int_equal(l->initrd_end - l->initrd_start, initrd_size);
	assert_int_equal(l->dtb != 0, dtb_size != 0);
	if (dtb_size) {
		assert_true(l->dtb >= r->base && l->dtb + dtb_size <= top);
		assert_true(l->dtb / SZ_2M == (l->dtb + dtb_size - 1) / SZ_2M);
		assert_true(l->dtb + dtb_size <= ALIGN_DOWN(k->start, SZ_2M) + LOADER_DTB_WINDOW);
	}
	if (initrd_size) {
		assert_true(l->initrd_start >= r->base && l->initrd_end <= top);
		assert_true(l->initrd_end <= ALIGN_DOWN(k->start, 1ULL << 30) + LOADER_INITRD_WINDOW);
	}
	assert_false(overlap(l->dtb, dtb_size, k->start, ksize));
	assert_false(overlap(l->initrd_start, initrd_size, k->start, ksize));
	assert_false(overlap(l->dtb, dtb_size, l->initrd_start, initrd_size));
}

static void place_ok(u64 ram_size, u64 kstart, u64 kend, u64 dtb, u64 initrd,
		     struct loader_layout *l)
{
	struct loader_ram r = { .base = RAM_BASE, .size = ram_size };
	struct loader_result k = { .start = kstart, .end = kend };
	int ret = loader_place_boot_data(&r, &k, dtb, initrd, l, err, sizeof(err));

	if (ret)
		fail_msg("placing dtb 0x%llx initrd 0x%llx: %d %s", (unsigned long long)dtb,
			 (unsigned long long)initrd, ret, err);
	check_layout(&r, &k, dtb, initrd, l);
}

static void test_place_typical(void **state)
{
	const u64 top = RAM_BASE + (256 << 20);
	struct loader_layout l;

	place_ok(256 << 20, 0x40080000, 0x41000000, 0x10000, 0x123456, &l);
	assert_int_equal(l.initrd_start, ALIGN_DOWN(top - 0x123456, 0x1000));
	assert_int_equal(l.initrd_end, l.initrd_start + 0x123456);
	assert_int_equal(l.dtb, l.initrd_start - 0x10000);	/* just below it */

	place_ok(256 << 20, 0x40080000, 0x41000000, 0x10000, 0, &l);
	assert_true(l.dtb == top - 0x10000 && !l.initrd_start && !l.initrd_end);
	place_ok(256 << 20, 0x40080000, 0x41000000, 0, 0x2000, &l);
	assert_true(!l.dtb && l.initrd_end == top);
}

/* 2 GiB: the initrd at the top, the DTB inside the kernel's first 512 MiB. */
static void test_place_large_ram(void **state)
{
	struct loader_layout l;

	place_ok(2ULL << 30, 0x40080000, 0x41000000, 0x10000, 0x1000000, &l);
	assert_int_equal(l.initrd_end, RAM_BASE + (2ULL << 30));
	assert_int_equal(l.dtb, RAM_BASE + LOADER_DTB_WINDOW - 0x10000);
	/* 64 GiB: the initrd stays inside the 32 GiB window above the kernel. */
	place_ok(64ULL << 30, 0x40080000, 0x41000000, 0x10000, 0x1000000, &l);
	assert_int_equal(l.initrd_end, 0x40000000ULL + LOADER_INITRD_WINDOW);
}

/* A DTB that would straddle a 2 MiB boundary below the initrd moves down. */
static void test_place_dtb_boundary(void **state)
{
	const u64 top = RAM_BASE + (64 << 20);
	struct loader_layout l;

	place_ok(64 << 20, 0x40080000, 0x40800000, 0x10000, SZ_2M - 0x8000, &l);
	assert_int_equal(l.initrd_start, top - SZ_2M + 0x8000);
	assert_int_equal(l.dtb, top - SZ_2M - 0x10000);
	place_ok(64 << 20, 0x40080000, 0x40800000, LOADER_DTB_MAX, 0, &l);
	assert_int_equal(l.dtb, top - SZ_2M);
}

/* Many shapes: each either fits every rule or is refused with -ERANGE. */
static void test_place_sweep(void **state)
{
	static const u64 rams[] = { 8 << 20, 64 << 20, 1ULL << 30, 3ULL << 30 };
	static const u64 sizes[] = { 0, 8, 0x1000, 0x10001, 0x1f0000, LOADER_DTB_MAX, 5 << 20 };
	struct loader_layout l;
	int ok = 0, full = 0;

	for (size_t r = 0; r < ARRAY_SIZE(rams); r++)
		for (u64 kend = RAM_BASE + 0x100000; kend < RAM_BASE + rams[r]; kend += rams[r] / 7)
			for (size_t d = 0; d < ARRAY_SIZE(sizes) - 1; d++)
				for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
					struct loader_ram rr = { .base = RAM_BASE, .size = rams[r] };
					struct loader_result k = { .start = RAM_BASE + 0x80000,
								   .end = kend };
					int ret = loader_place_boot_data(&rr, &k, sizes[d], sizes[i],
									 &l, err, sizeof(err));

					if (!ret) {
						check_layout(&rr, &k, sizes[d], sizes[i], &l);
						ok++;
					} else {
						assert_int_equal(ret, -ERANGE);
						assert_non_null(strstr(err, "no room for a"));
						full++;
					}
				}
	assert_true(ok > 100 && full > 10);
}

static void test_place_refused(void **state)
{
	struct loader_ram r = { .base = RAM_BASE, .size = 64 << 20 };
	struct loader_result k = { .start = RAM_BASE, .end = RAM_BASE + (64 << 20) - 0x8000 };
	struct loader_layout l;

	assert_int_equal(loader_place_boot_data(&r, &k, 0x10000, 0, &l, err, sizeof(err)), -ERANGE);
	assert_non_null(strstr(err, "no room for a 0x10000-byte DTB between the kernel end 0x43ff8000 and 0x44000000"));
	assert_int_equal(loader_place_boot_data(&r, &k, 0, 0x9000, &l, err, sizeof(err)), -ERANGE);
	assert_non_null(strstr(err, "no room for a 0x9000-byte initrd"));
	/* Room for each, not for both. */
	assert_int_equal(loader_place_boot_data(&r, &k, 0x4000, 0x5000, &l, err, sizeof(err)), -ERANGE);
	assert_non_null(strstr(err, "-byte DTB"));
	assert_int_equal(loader_place_boot_data(&r, &k, LOADER_DTB_MAX + 1, 0, &l, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "DTB of 0x200001 bytes exceeds 2 MiB"));
	k = (struct loader_result){ .start = RAM_BASE - 0x1000, .end = RAM_BASE + 0x1000 };
	assert_int_equal(loader_place_boot_data(&r, &k, 0x100, 0, &l, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "kernel range is not inside guest RAM"));
	k = (struct loader_result){ .start = RAM_BASE + 0x2000, .end = RAM_BASE + 0x1000 };
	assert_int_equal(loader_place_boot_data(&r, &k, 0x100, 0, &l, err, sizeof(err)), -EINVAL);
	/* A DTB window that ends below the kernel: kernel bigger than 512 MiB. */
	r.size = 1ULL << 30;
	k = (struct loader_result){ .start = RAM_BASE, .end = RAM_BASE + LOADER_DTB_WINDOW + 0x1000 };
	assert_int_equal(loader_place_boot_data(&r, &k, 0x100, 0, &l, err, sizeof(err)), -ERANGE);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_elf_good),
		T(test_elf_vaddr_paddr),
		T(test_elf_segments_refused),
		T(test_elf_headers_refused),
		T(test_elf_truncated),
		T(test_image_good),
		T(test_image_base_aligned),
		T(test_image_flags_accepted),
		T(test_image_old_kernel),
		T(test_image_size_below_file),
		T(test_image_refused),
		T(test_raw),
		T(test_dispatch),
		T(test_write_callback),
		T(test_place_typical),
		T(test_place_large_ram),
		T(test_place_dtb_boundary),
		T(test_place_sweep),
		T(test_place_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
