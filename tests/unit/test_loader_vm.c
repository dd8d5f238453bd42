/*
 * virt/loader_vm.c: a pack template's kernel, initrd and DTB put into a
 * host buffer standing in for guest RAM, the DTB read back to see that it
 * describes exactly that RAM and initrd, and each failing step named.
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
#include <pack_fixture.h>
#include <lib/fdt_write.h>
#include <virt/loader_vm.h>
#include <virt/vm_dtb.h>
#include <zvm/compiler.h>
#include <zvm/errno.h>

#define MEM (16ULL << 20)
#define KERNEL_PA 0x40080000ULL
#define INITRD_SIZE 0x3000
#define BOOTARGS "console=ttyAMA0"
#define SCRATCH_SIZE 0x10000

enum { E_ELF, E_IMG, E_INITRD, E_DTB, E_BAD_DTB, E_RAW, NENT };
enum { T_GEN, T_PATCHED, T_BROKEN, T_RAW, T_SMALL, NTPL };

static u64 pack_words[0x10000 / 8];
static u8 *const pk_buf = (u8 *)pack_words;
static u64 scratch[SCRATCH_SIZE / 8];
static struct pack pk;
static u8 *ram_buf;

/* No host device tree here: test_vm_dtb covers passthrough device nodes. */
const void *vm_dtb_host(u32 *size)
{
	*size = 0;
	return NULL;
}
/* Seeds as the hypervisor's pool would give them: a new one per call
 * (seed_calls), or none while seeding is off. */
static bool seeding = true;
static unsigned int seed_calls;

bool vm_dtb_seed(struct vm_dtb_seed *s)
{
	if (!seeding)
		return false;
	seed_calls++;
	for (size_t i = 0; i < sizeof(s->rng); i++)
		s->rng[i] = (u8)(seed_calls * 16 + i);
	s->kaslr = 0x5eed000000000000ULL | seed_calls;
	return true;
}

static struct loader_ram ram;
static struct vm_boot boot;
static char err[256];

static void add_entries(void)
{
	const struct fix_seg seg = { 1, KERNEL_PA, KERNEL_PA, 0x100, 0x1000, 0x40 };
	u8 file[0x1000], initrd[INITRD_SIZE];
	u64 dtb_words[512];
	struct fdt_writer w;
	int n;

	n = (int)fix_elf(file, KERNEL_PA, &seg, 1);
	pfx_entry(pk_buf, E_ELF, "k.elf", PACK_KIND_ELF, 0x1000, file, (size_t)n);
	fix_image(file, sizeof(file), 0x80000, 0x200000, 0);
	pfx_entry(pk_buf, E_IMG, "k.img", PACK_KIND_IMAGE, 0x2000, file, sizeof(file));
	for (n = 0; n < INITRD_SIZE; n++)
		initrd[n] = (u8)(n * 3);
	pfx_entry(pk_buf, E_INITRD, "rootfs", PACK_KIND_INITRD, 0x3000, initrd, INITRD_SIZE);
	fdt_w_init(&w, dtb_words, sizeof(dtb_words));
	fdt_w_begin_node(&w, "");
	fdt_w_prop_string(&w, "model", "my board");
	fdt_w_begin_node(&w, "memory@40000000");
	fdt_w_prop_string(&w, "device_type", "memory");
	fdt_w_prop_reg(&w, 2, 1, (const u64[]){ 0x40000000, 0x80000000 }, 1);
	fdt_w_end_node(&w);
	fdt_w_end_node(&w);
	n = fdt_w_finish(&w, 0);
	assert_true(n > 0);
	pfx_entry(pk_buf, E_DTB, "board.dtb", PACK_KIND_DTB, 0x6000, dtb_words, (size_t)n);
	pfx_entry(pk_buf, E_BAD_DTB, "bad.dtb", PACK_KIND_DTB, 0x7000, "not a dtb!", 10);
	pfx_entry(pk_buf, E_RAW, "raw.bin", PACK_KIND_RAW, 0x8000, initrd, 0x100);
}

static void add_templates(void)
{
	u8 *r = pfx_template(pk_buf, T_GEN, "gen", PACK_OS_LINUX, "k.elf", MEM, 2);

	pfx_name(r + PACK_TPL_INITRD, "rootfs");
	memcpy(r + PACK_TPL_BOOTARGS, BOOTARGS, sizeof(BOOTARGS));
	r = pfx_template(pk_buf, T_PATCHED, "patched", PACK_OS_LINUX, "k.img", MEM, 1);
	pfx_name(r + PACK_TPL_INITRD, "rootfs");
	pfx_name(r + PACK_TPL_DTB, "board.dtb");
	r = pfx_template(pk_buf, T_BROKEN, "broken", PACK_OS_LINUX, "k.elf", MEM, 1);
	pfx_name(r + PACK_TPL_DTB, "bad.dtb");
	r = pfx_template(pk_buf, T_RAW, "raw", PACK_OS_RTOS, "raw.bin", MEM, 1);
	st_le64(r + PACK_TPL_LOAD_ADDR, 0x40001000);
	pfx_template(pk_buf, T_SMALL, "small", PACK_OS_LINUX, "k.elf", 0x40000, 1);
}

static int setup(void **state)
{
	pfx_init(pk_buf, sizeof(pack_words), NENT, NTPL);
	add_entries();
	add_templates();
	pfx_shm_table(pk_buf, 1);
	pfx_shm(pk_buf, 0, "link", 0x10000, 1, (const u8[]){ T_GEN });
	pfx_seal(pk_buf, 0x8100);
	if (pack_open(&pk, pk_buf, 0x8100, err, sizeof(err)))
		fail_msg("pack_open: %s", err);
	ram_buf = malloc(MEM);
	assert_non_null(ram_buf);
	memset(ram_buf, 0xaa, MEM);
	ram = (struct loader_ram){ .base = VM_DTB_RAM_BASE, .size = MEM, .host = ram_buf };
	return 0;
}

static int teardown(void **state)
{
	free(ram_buf);
	return 0;
}

static u8 *at(u64 ipa)
{
	return ram_buf + (ipa - VM_DTB_RAM_BASE);
}

static int boot_tpl(const char *name)
{
	struct pack_template t;

	assert_int_equal(pack_find_template(&pk, name, &t), 0);
	ram.size = t.mem_size;	/* as the hypervisor makes it */
	return loader_boot_vm(&pk, &t, &ram, scratch, sizeof(scratch), &boot, err, sizeof(err));
}

static void boot_ok(const char *name)
{
	int ret = boot_tpl(name);

	if (ret)
		fail_msg("template %s: %d %s", name, ret, err);
}

static void expect_fail(int ret, int code, const char *needle)
{
	if (ret != code || !strstr(err, needle))
		fail_msg("returned %d '%s', wanted %d and '%s'", ret, err, code, needle);
}

/* The DTB in guest RAM: valid, 1 memory node = the RAM, initrd as placed. */
static void check_dtb_in_ram(struct fdt *f)
{
	const struct loader_layout *l = &boot.layout;
	u64 a = 0, s = 0;
	int ch;

	assert_int_equal(fdt_open(f, at(l->dtb), boot.dtb_size), 0);
	assert_int_equal(fdt_totalsize(f), boot.dtb_size);
	assert_int_equal(fdt_get_reg(f, fdt_path_offset(f, "/memory"), 0, &a, &s), 0);
	assert_true(a == VM_DTB_RAM_BASE && s == MEM);
	ch = fdt_path_offset(f, "/chosen");
	assert_int_equal(fdt_getprop_u64(f, ch, "linux,initrd-start", &a), 0);
	assert_int_equal(fdt_getprop_u64(f, ch, "linux,initrd-end", &s), 0);
	assert_true(a == l->initrd_start && s == l->initrd_end);
	assert_memory_equal(at(l->initrd_start), pk_buf + 0x3000, INITRD_SIZE);
	/* Nothing overlaps: kernel < DTB < initrd. */
	assert_true(boot.kernel.end <= l->dtb && l->dtb + boot.dtb_size <= l->initrd_start);
	assert_true(l->initrd_end <= VM_DTB_RAM_BASE + MEM);
}

static void test_generated_dtb(void **state)
{
	struct fdt f;
	int cpus = 0, n;

	boot_ok("gen");
	assert_string_equal(err, "");
	assert_int_equal(boot.kernel.fmt, LOADER_FMT_ELF);
	assert_int_equal(boot.kernel.entry, KERNEL_PA);
	assert_int_equal(boot.layout.initrd_end - boot.layout.initrd_start, INITRD_SIZE);
	assert_int_equal(at(KERNEL_PA)[0], 0x40);
	check_dtb_in_ram(&f);
	assert_string_equal(fdt_getprop_string(&f, fdt_path_offset(&f, "/chosen"), "bootargs"),
			    BOOTARGS);
	fdt_for_each_subnode(n, &f, fdt_path_offset(&f, "/cpus"))
		cpus++;
	assert_int_equal(cpus, 2);
	/* gen joins a shared region: the PCI host bridge for its ivshmem. */
	assert_true(fdt_path_offset(&f, "/pcie@3f000000") >= 0);
	assert_non_null(fdt_getprop(&f, fdt_path_offset(&f, "/chosen"), "linux,pci-probe-only",
				    NULL));
}

/* A template in no region gets no PCI bus. */
static void test_no_region_no_pci(void **state)
{
	struct fdt f;

	boot_ok("raw");
	assert_int_equal(fdt_open(&f, at(boot.layout.dtb), boot.dtb_size), 0);
	assert_true(fdt_path_offset(&f, "/pcie@3f000000") < 0);
	assert_null(fdt_getprop(&f, fdt_path_offset(&f, "/chosen"), "linux,pci-probe-only",
				NULL));
}

/* Each boot's DTB carries the seed given for it; none when none is. */
static void test_seeds_in_chosen(void **state)
{
	struct fdt f;
	const u8 *rng;
	u64 kaslr = 0;
	int len = 0, ch;

	boot_ok("gen");
	check_dtb_in_ram(&f);
	ch = fdt_path_offset(&f, "/chosen");
	rng = fdt_getprop(&f, ch, "rng-seed", &len);
	assert_non_null(rng);
	assert_int_equal(len, VM_DTB_RNG_SEED_SIZE);
	for (int i = 0; i < len; i++)
		assert_int_equal(rng[i], (u8)(seed_calls * 16 + (unsigned int)i));
	assert_int_equal(fdt_getprop_u64(&f, ch, "kaslr-seed", &kaslr), 0);
	assert_int_equal(kaslr, 0x5eed000000000000ULL | seed_calls);
	seeding = false;
	boot_ok("gen");
	check_dtb_in_ram(&f);
	ch = fdt_path_offset(&f, "/chosen");
	assert_null(fdt_getprop(&f, ch, "rng-seed", NULL));
	assert_null(fdt_getprop(&f, ch, "kaslr-seed", NULL));
	seeding = true;
}

static void test_patched_dtb(void **state)
{
	struct fdt f;

	boot_ok("patched");
	assert_int_equal(boot.kernel.fmt, LOADER_FMT_IMAGE);
	assert_int_equal(boot.kernel.entry, VM_DTB_RAM_BASE + 0x80000);
	check_dtb_in_ram(&f);	/* the board said 2 GiB at 0x40000000 */
	assert_string_equal(fdt_getprop_string(&f, fdt_root(&f), "model"), "my board");
	assert_null(fdt_getprop(&f, fdt_path_offset(&f, "/chosen"), "bootargs", NULL));
}

static void test_raw_kernel(void **state)
{
	boot_ok("raw");
	assert_int_equal(boot.kernel.fmt, LOADER_FMT_RAW);
	assert_int_equal(boot.kernel.entry, 0x40001000);
	assert_memory_equal(at(0x40001000), pk_buf + 0x8000, 0x100);
	assert_true(boot.layout.dtb >= boot.kernel.end && !boot.layout.initrd_start);
}

static void test_failing_steps(void **state)
{
	struct pack_template t;

	expect_fail(boot_tpl("broken"), -EBADMSG,
		    "dtb 'bad.dtb' is not a valid device tree: buffer of 10 bytes is smaller than a header");
	expect_fail(boot_tpl("small"), -ERANGE,
		    "kernel: segment 0: [0x40080000,+0x1000) is outside guest RAM [0x40000000,0x40040000)");
	ram.size = MEM;
	assert_int_equal(pack_find_template(&pk, "gen", &t), 0);
	t.initrd = "nope";
	expect_fail(loader_boot_vm(&pk, &t, &ram, scratch, sizeof(scratch), &boot, err, sizeof(err)),
		    -ENOENT, "initrd 'nope' is not in the pack");
	t.initrd = "";
	t.kernel = "vmlinux";
	expect_fail(loader_boot_vm(&pk, &t, &ram, scratch, sizeof(scratch), &boot, err, sizeof(err)),
		    -ENOENT, "kernel 'vmlinux' is not in the pack");
	t.kernel = "k.elf";
	t.dtb = "virt.dtb";
	expect_fail(loader_boot_vm(&pk, &t, &ram, scratch, sizeof(scratch), &boot, err, sizeof(err)),
		    -ENOENT, "dtb 'virt.dtb' is not in the pack");
	t.dtb = "";
	expect_fail(loader_boot_vm(&pk, &t, &ram, scratch, 256, &boot, err, sizeof(err)), -ENOSPC,
		    "generating the DTB failed (-28: scratch buffer too small)");
	/* RAM ends just above the kernel: no room for the DTB and initrd. */
	ram.size = KERNEL_PA + 0x1100 - VM_DTB_RAM_BASE;
	t.mem_size = ram.size;
	expect_fail(loader_boot_vm(&pk, &t, &ram, scratch, sizeof(scratch), &boot, err, sizeof(err)),
		    -ERANGE, "no room for a 0x");
}

struct wlog {
	int calls, fail_at;
};

static int log_write(void *ctx, u64 ipa, const void *src, u64 len)
{
	struct wlog *l = ctx;

	return l->calls++ == l->fail_at ? -EIO : 0;
}

static void test_dry_run_and_write_errors(void **state)
{
	struct wlog log = { .fail_at = 3 };	/* ELF data, bss, initrd, DTB */

	ram.host = NULL;
	boot_ok("gen");	/* dry run: nothing written, all checked */
	assert_true(boot.dtb_size > 0 && boot.layout.dtb > boot.kernel.end);
	for (u64 i = 0; i < MEM; i += 0x1000)
		assert_int_equal(ram_buf[i], 0xaa);
	ram.write = log_write;
	ram.ctx = &log;
	expect_fail(boot_tpl("gen"), -EIO, "writing the DTB at 0x");
	log = (struct wlog){ .fail_at = 2 };
	expect_fail(boot_tpl("gen"), -EIO, "writing the initrd at 0x");
	log = (struct wlog){ .fail_at = 0 };
	expect_fail(boot_tpl("gen"), -EIO, "kernel: writing guest RAM at 0x40080000 failed (-5)");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_generated_dtb),
		T(test_no_region_no_pci),
		T(test_seeds_in_chosen),
		T(test_patched_dtb),
		T(test_raw_kernel),
		T(test_failing_steps),
		T(test_dry_run_and_write_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
