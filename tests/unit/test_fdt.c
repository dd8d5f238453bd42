/*
 * lib/fdt*.c reader tests.
 *
 *  - Real QEMU virt DTBs (built by tests/unit/fdt.mk): the values the kernel
 *    relies on (memory, CPUs/MPIDRs, GICv3, PL011, timer, PSCI, chosen).
 *  - Hand-assembled blobs: each structural defect gets its error and message.
 *  - Corruption: every truncation of a real DTB, and thousands of random
 *    byte/token mutations. Blobs live in buffers of exactly their claimed
 *    size, so AddressSanitizer turns any out-of-bounds read into a failure;
 *    every accepted blob is then fully exercised through the public API.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <dtb_fixture.h>
#include <lib/fdt.h>
#include <lib/byteorder.h>
#include <zvm/compiler.h>
#include <zvm/errno.h>

static char dtb_dir[512];

struct fixture {
	const char *file;
	int ncpus;
	u64 mem_size;
	const char *cpu_compat;
	u8 *blob;		/* as dumped (1 MiB, mostly padding) */
	size_t size;
	u8 *packed;		/* same blob, totalsize cut to the used bytes */
	u32 packed_size;
};

static struct fixture fixtures[] = {
	{ .file = "virt-a53-smp4.dtb", .ncpus = 4, .mem_size = 4ULL << 30,
	  .cpu_compat = "arm,cortex-a53" },
	{ .file = "virt-a72-smp1.dtb", .ncpus = 1, .mem_size = 1ULL << 30,
	  .cpu_compat = "arm,cortex-a72" },
};

/* ---- helpers ---------------------------------------------------------- */

static u32 blocks_end(const u8 *b)
{
	u32 s = ld_be32(b + FDT_HDR_OFF_STRUCT) + ld_be32(b + FDT_HDR_SIZE_STRUCT);
	u32 t = ld_be32(b + FDT_HDR_OFF_STRINGS) + ld_be32(b + FDT_HDR_SIZE_STRINGS);

	return MAX(s, t);
}

static int load_fixtures(void **state)
{
	char path[600];

	for (size_t i = 0; i < ARRAY_SIZE(fixtures); i++) {
		struct fixture *fx = &fixtures[i];

		snprintf(path, sizeof(path), "%s/%s", dtb_dir, fx->file);
		fx->blob = read_whole_file(path, &fx->size);
		fx->packed_size = blocks_end(fx->blob);
		fx->packed = malloc(fx->packed_size);
		memcpy(fx->packed, fx->blob, fx->packed_size);
		st_be32(fx->packed + FDT_HDR_TOTALSIZE, fx->packed_size);
	}
	return 0;
}

static int free_fixtures(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(fixtures); i++) {
		free(fixtures[i].blob);
		free(fixtures[i].packed);
	}
	return 0;
}

static void open_ok(struct fdt *f, const void *blob, size_t size)
{
	int err = fdt_open(f, blob, size);

	if (err)
		fail_msg("fdt_open: %d: %s", err, fdt_errmsg(f));
}

static int node_by_path(const struct fdt *f, const char *path)
{
	int node = fdt_path_offset(f, path);

	if (node < 0)
		fail_msg("%s: %d", path, node);
	return node;
}

static int node_by_compat(const struct fdt *f, const char *compat)
{
	int node = fdt_node_offset_by_compatible(f, -1, compat);

	if (node < 0)
		fail_msg("no node compatible with %s: %d", compat, node);
	return node;
}

static void assert_reg(const struct fdt *f, int node, int index, u64 addr, u64 size)
{
	u64 a = 0, s = 0;

	assert_int_equal(fdt_get_reg(f, node, index, &a, &s), 0);
	assert_true(a == addr);
	assert_true(s == size);
}

static void assert_cells(const struct fdt *f, int node, const char *name, const u32 *want,
			 int n)
{
	u32 v;
	int len;

	assert_non_null(fdt_getprop(f, node, name, &len));
	assert_int_equal(len, 4 * n);
	for (int i = 0; i < n; i++) {
		assert_int_equal(fdt_getprop_cell(f, node, name, i, &v), 0);
		assert_int_equal(v, want[i]);
	}
	assert_int_equal(fdt_getprop_cell(f, node, name, n, &v), -ERANGE);
}

/* ---- real QEMU DTBs ---------------------------------------------------- */

static void test_header(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(fixtures); i++) {
		struct fixture *fx = &fixtures[i];
		struct fdt f;

		open_ok(&f, fx->blob, fx->size);
		assert_int_equal(fdt_totalsize(&f), fx->size);
		assert_int_equal(fdt_header_totalsize(fx->blob), fx->size);
		assert_int_equal(f.version, 17);
		assert_int_equal(fdt_boot_cpuid(&f), 0);
		assert_int_equal(fdt_num_mem_rsv(&f), 0);
		assert_string_equal(fdt_errmsg(&f), "no error");
		assert_int_equal(fdt_node_depth(&f, fdt_root(&f)), 0);
		open_ok(&f, fx->packed, fx->packed_size);
	}
	assert_int_equal(fdt_header_totalsize("\0\0\0\0\0\0\0\0"), 0);
}

static void test_memory(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(fixtures); i++) {
		struct fdt f;
		int mem;

		open_ok(&f, fixtures[i].blob, fixtures[i].size);
		mem = node_by_path(&f, "/memory");	/* matches memory@40000000 */
		assert_int_equal(node_by_path(&f, "/memory@40000000"), mem);
		assert_string_equal(fdt_getprop_string(&f, mem, "device_type"), "memory");
		assert_int_equal(fdt_address_cells(&f, fdt_root(&f)), 2);
		assert_int_equal(fdt_size_cells(&f, fdt_root(&f)), 2);
		assert_int_equal(fdt_reg_count(&f, mem), 1);
		assert_reg(&f, mem, 0, 0x40000000, fixtures[i].mem_size);
		assert_int_equal(fdt_parent_offset(&f, mem), fdt_root(&f));
	}
}

static void check_cpu(const struct fdt *f, int cpu, int index, const struct fixture *fx)
{
	const char *method = fdt_getprop_string(f, cpu, "enable-method");
	char name[16];
	u64 mpidr = 99, size = 99;

	snprintf(name, sizeof(name), "cpu@%d", index);
	assert_string_equal(fdt_node_name(f, cpu, NULL), name);
	assert_string_equal(fdt_getprop_string(f, cpu, "device_type"), "cpu");
	/* QEMU names a start method only when there are CPUs to start */
	if (fx->ncpus > 1)
		assert_string_equal(method, "psci");
	else
		assert_null(method);
	assert_int_equal(fdt_node_check_compatible(f, cpu, fx->cpu_compat), 0);
	/* /cpus has #address-cells 1, #size-cells 0: reg is the MPIDR alone */
	assert_int_equal(fdt_get_reg(f, cpu, 0, &mpidr, &size), 0);
	assert_true(mpidr == (u64)index);
	assert_true(size == 0);
	assert_true(fdt_node_is_enabled(f, cpu));
	assert_int_equal(fdt_find_phandle(f, fdt_get_phandle(f, cpu)), cpu);
}

static void test_cpus(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(fixtures); i++) {
		struct fdt f;
		int cpus, child, n = 0;
		const char *name;

		open_ok(&f, fixtures[i].blob, fixtures[i].size);
		cpus = node_by_path(&f, "/cpus");
		assert_int_equal(fdt_address_cells(&f, cpus), 1);
		assert_int_equal(fdt_size_cells(&f, cpus), 0);
		fdt_for_each_subnode(child, &f, cpus) {
			name = fdt_node_name(&f, child, NULL);
			if (strncmp(name, "cpu@", 4))
				continue;	/* cpu-map */
			check_cpu(&f, child, n++, &fixtures[i]);
		}
		assert_int_equal(child, -ENOENT);
		assert_int_equal(n, fixtures[i].ncpus);
		assert_int_equal(node_by_path(&f, "/cpus/cpu@0"), node_by_path(&f, "/cpus/cpu"));
	}
}

static void test_gic(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(fixtures); i++) {
		struct fdt f;
		u32 parent_ph, v;
		int gic, its;

		open_ok(&f, fixtures[i].blob, fixtures[i].size);
		gic = node_by_compat(&f, "arm,gic-v3");
		assert_string_equal(fdt_node_name(&f, gic, NULL), "intc@8000000");
		assert_non_null(fdt_getprop(&f, gic, "interrupt-controller", NULL));
		assert_int_equal(fdt_getprop_u32(&f, gic, "#interrupt-cells", &v), 0);
		assert_int_equal(v, 3);
		assert_int_equal(fdt_reg_count(&f, gic), 2);
		assert_reg(&f, gic, 0, 0x08000000, 0x10000);	/* distributor */
		assert_reg(&f, gic, 1, 0x080a0000, 0xf60000);	/* redistributors */
		assert_int_equal(fdt_get_reg(&f, gic, 2, &(u64){ 0 }, &(u64){ 0 }), -ENOENT);
		/* the root's interrupt-parent is the GIC */
		assert_int_equal(fdt_getprop_u32(&f, fdt_root(&f), "interrupt-parent", &parent_ph), 0);
		assert_int_equal(fdt_find_phandle(&f, parent_ph), gic);
		its = fdt_first_subnode(&f, gic);
		assert_int_equal(fdt_node_check_compatible(&f, its, "arm,gic-v3-its"), 0);
		assert_reg(&f, its, 0, 0x08080000, 0x20000);
		assert_int_equal(fdt_parent_offset(&f, its), gic);
		assert_int_equal(fdt_node_depth(&f, its), 2);
		assert_int_equal(fdt_next_subnode(&f, its), -ENOENT);
	}
}

static void test_uart_chosen(void **state)
{
	static const u32 spi1_level[] = { 0, 1, 4 };

	for (size_t i = 0; i < ARRAY_SIZE(fixtures); i++) {
		struct fdt f;
		const char *stdout_path;
		int uart;

		open_ok(&f, fixtures[i].blob, fixtures[i].size);
		uart = node_by_compat(&f, "arm,pl011");
		assert_reg(&f, uart, 0, 0x09000000, 0x1000);
		assert_cells(&f, uart, "interrupts", spi1_level, 3);
		assert_true(fdt_node_is_enabled(&f, uart));
		assert_int_equal(fdt_stringlist_count(&f, uart, "clock-names"), 2);
		assert_string_equal(fdt_stringlist_get(&f, uart, "clock-names", 0), "uartclk");
		assert_string_equal(fdt_stringlist_get(&f, uart, "clock-names", 1), "apb_pclk");
		assert_null(fdt_stringlist_get(&f, uart, "clock-names", 2));
		assert_null(fdt_stringlist_get(&f, uart, "clock-names", -1));
		stdout_path = fdt_getprop_string(&f, node_by_path(&f, "/chosen"), "stdout-path");
		assert_string_equal(stdout_path, "/pl011@9000000");
		assert_int_equal(node_by_path(&f, stdout_path), uart);
		assert_int_equal(fdt_node_offset_by_compatible(&f, uart, "arm,pl011"), -ENOENT);
	}
}

static void test_timer_psci(void **state)
{
	/* secure, non-secure, virtual, hypervisor PPIs; level-high */
	static const u32 timer_irqs[] = { 1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4 };

	for (size_t i = 0; i < ARRAY_SIZE(fixtures); i++) {
		struct fdt f;
		int timer, psci;
		u32 fn;

		open_ok(&f, fixtures[i].blob, fixtures[i].size);
		timer = node_by_compat(&f, "arm,armv8-timer");
		assert_cells(&f, timer, "interrupts", timer_irqs, 12);
		assert_int_equal(fdt_stringlist_count(&f, timer, "compatible"), 2);
		assert_string_equal(fdt_stringlist_get(&f, timer, "compatible", 1), "arm,armv7-timer");
		psci = node_by_path(&f, "/psci");
		assert_string_equal(fdt_getprop_string(&f, psci, "method"), "smc");
		assert_int_equal(fdt_node_check_compatible(&f, psci, "arm,psci-0.2"), 0);
		assert_int_equal(fdt_node_check_compatible(&f, psci, "arm,psci-9.9"), 1);
		assert_int_equal(fdt_node_check_compatible(&f, node_by_path(&f, "/chosen"), "x"),
				 -ENOENT);
		assert_int_equal(fdt_getprop_u32(&f, psci, "cpu_on", &fn), 0);
		assert_int_equal(fn, 0xc4000003);
	}
}

static void test_properties(void **state)
{
	struct fdt f;
	int root, clk, prop, len, n = 0;
	bool seen_model = false;
	const char *name;
	const void *val;
	u64 v64;
	u32 v32;

	open_ok(&f, fixtures[0].blob, fixtures[0].size);
	root = fdt_root(&f);
	fdt_for_each_property(prop, &f, root) {
		val = fdt_property_value(&f, prop, &name, &len);
		assert_non_null(val);
		if (!strcmp(name, "model")) {
			seen_model = true;
			assert_string_equal(val, "linux,dummy-virt");
			assert_int_equal(len, sizeof("linux,dummy-virt"));
		}
		n++;
	}
	assert_int_equal(prop, -ENOENT);
	assert_true(seen_model);
	assert_int_equal(n, 5);
	assert_null(fdt_getprop(&f, root, "no-such-prop", &len));
	assert_int_equal(len, -ENOENT);
	assert_null(fdt_getprop_namelen(&f, root, "model-x", 6, NULL) ? NULL : (void *)0);
	assert_non_null(fdt_getprop_namelen(&f, root, "model-x", 5, &len));
	assert_int_equal(fdt_getprop_u32(&f, root, "model", &v32), -EBADMSG);
	assert_int_equal(fdt_getprop_u32(&f, root, "nope", &v32), -ENOENT);
	clk = node_by_compat(&f, "fixed-clock");
	assert_int_equal(fdt_getprop_u64(&f, clk, "clock-frequency", &v64), 0);
	assert_true(v64 == 24000000);
	assert_int_equal(fdt_getprop_u64(&f, node_by_path(&f, "/memory"), "reg", &v64), -EBADMSG);
	assert_int_equal(fdt_getprop_u64(&f, node_by_path(&f, "/chosen"), "kaslr-seed", &v64), 0);
	assert_null(fdt_getprop_string(&f, node_by_compat(&f, "arm,pl011"), "interrupts"));
	/* a valueless property */
	assert_non_null(fdt_getprop(&f, node_by_compat(&f, "arm,armv8-timer"), "always-on", &len));
	assert_int_equal(len, 0);
	assert_null(fdt_getprop_string(&f, node_by_compat(&f, "arm,armv8-timer"), "always-on"));
	assert_int_equal(fdt_getprop_u32(&f, node_by_compat(&f, "arm,armv8-timer"), "always-on",
					 &v32), -EBADMSG);
}

static void test_stringlist_raw(void **state)
{
	static const char list[] = "a\0bc\0def";	/* sizeof includes the last NUL */

	assert_true(fdt_stringlist_contains(list, sizeof(list), "a"));
	assert_true(fdt_stringlist_contains(list, sizeof(list), "bc"));
	assert_true(fdt_stringlist_contains(list, sizeof(list), "def"));
	assert_false(fdt_stringlist_contains(list, sizeof(list), "b"));
	assert_false(fdt_stringlist_contains(list, sizeof(list), ""));
	/* cut inside "def": that entry is unterminated, so absent */
	assert_false(fdt_stringlist_contains(list, 7, "de"));
	assert_false(fdt_stringlist_contains(list, 7, "def"));
	assert_true(fdt_stringlist_contains(list, 7, "bc"));
	assert_false(fdt_stringlist_contains(list, 0, "a"));
	assert_false(fdt_stringlist_contains(list, -4, "a"));
}

/* Depth-first walk agrees with depth/parent/path lookups for every node. */
static void test_walk_consistency(void **state)
{
	struct fdt f;
	int stack[FDT_MAX_DEPTH + 1];
	char path[FDT_MAX_DEPTH * 64];
	size_t plen[FDT_MAX_DEPTH + 1];
	int node, depth = 0, count = 1;

	open_ok(&f, fixtures[0].blob, fixtures[0].size);
	node = fdt_root(&f);
	stack[0] = node;
	plen[0] = 0;
	while ((node = fdt_next_node(&f, node, &depth)) >= 0) {
		const char *name = fdt_node_name(&f, node, NULL);

		assert_true(depth >= 1 && depth <= FDT_MAX_DEPTH);
		stack[depth] = node;
		plen[depth] = plen[depth - 1] +
			      (size_t)snprintf(path + plen[depth - 1], sizeof(path) - plen[depth - 1],
					       "/%s", name);
		assert_int_equal(fdt_node_depth(&f, node), depth);
		assert_int_equal(fdt_parent_offset(&f, node), stack[depth - 1]);
		assert_int_equal(fdt_path_offset(&f, path), node);
		count++;
	}
	assert_int_equal(node, -ENOENT);
	assert_true(count > 50);
	assert_int_equal(fdt_path_offset(&f, "/"), fdt_root(&f));
	assert_int_equal(fdt_path_offset(&f, "//cpus///cpu@1/"), node_by_path(&f, "/cpus/cpu@1"));
}

static void test_bad_lookups(void **state)
{
	struct fdt f;
	int root, prop, len;
	u64 a, s;

	open_ok(&f, fixtures[0].blob, fixtures[0].size);
	root = fdt_root(&f);
	prop = fdt_first_property(&f, root);
	assert_true(prop > root);
	int bad[] = { -1, -EINVAL, 2, prop, (int)f.size_struct, INT32_MAX & ~3, 0x7ffffffc };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(fdt_next_node(&f, bad[i], NULL), -EINVAL);
		assert_int_equal(fdt_first_subnode(&f, bad[i]), -EINVAL);
		assert_int_equal(fdt_node_depth(&f, bad[i]), -EINVAL);
		assert_int_equal(fdt_parent_offset(&f, bad[i]), -EINVAL);
		assert_null(fdt_node_name(&f, bad[i], &len));
		assert_int_equal(len, -EINVAL);
		assert_null(fdt_getprop(&f, bad[i], "reg", &len));
		assert_int_equal(len, -EINVAL);
		assert_int_equal(fdt_get_reg(&f, bad[i], 0, &a, &s), -EINVAL);
	}
	assert_int_equal(fdt_next_property(&f, root), -EINVAL);
	assert_null(fdt_property_value(&f, root, NULL, &len));
	assert_int_equal(fdt_parent_offset(&f, root), -ENOENT);
	assert_int_equal(fdt_get_reg(&f, root, 0, &a, &s), -ENOENT);
	assert_int_equal(fdt_path_offset(&f, "/nonexistent"), -ENOENT);
	assert_int_equal(fdt_path_offset(&f, "/cpus/cpu@7"), -ENOENT);
	assert_int_equal(fdt_path_offset(&f, "/cpus/cpu@0/x"), -ENOENT);
	assert_int_equal(fdt_path_offset(&f, "serial0"), -ENOENT);	/* no /aliases */
	assert_int_equal(fdt_path_offset(&f, ""), -ENOENT);
	assert_int_equal(fdt_find_phandle(&f, 0), -EINVAL);
	assert_int_equal(fdt_find_phandle(&f, 0xffffffff), -EINVAL);
	assert_int_equal(fdt_find_phandle(&f, 0x1234), -ENOENT);
	assert_int_equal(fdt_get_phandle(&f, root), 0);
	assert_int_equal(fdt_get_mem_rsv(&f, 0, &a, &s), -ENOENT);
	assert_int_equal(fdt_node_offset_by_compatible(&f, -1, "no,such-device"), -ENOENT);
	assert_int_equal(fdt_reg_count(&f, node_by_path(&f, "/psci")), -ENOENT);
}

/* ---- hand-assembled blobs ----------------------------------------------- */

static u8 sblk[16384];
static u32 slen;
static char strs[512];
static u32 strslen;
static u64 asm_words[2560];	/* the assembled blob, 8-byte aligned */
static u8 *const asm_blob = (u8 *)asm_words;

static void asm_reset(void)
{
	memset(sblk, 0, sizeof(sblk));
	memset(strs, 0, sizeof(strs));
	slen = strslen = 0;
}

static void tok(u32 v)
{
	st_be32(sblk + slen, v);
	slen += 4;
}

static void raw(const void *p, u32 n)
{
	memcpy(sblk + slen, p, n);
	slen += ALIGN_UP(n, 4);
}

static void begin(const char *name)
{
	tok(FDT_BEGIN_NODE);
	raw(name, (u32)strlen(name) + 1);
}

static u32 str_add(const char *s)
{
	u32 off = strslen;

	memcpy(strs + strslen, s, strlen(s) + 1);
	strslen += (u32)strlen(s) + 1;
	return off;
}

static void prop(const char *name, const void *val, u32 len)
{
	tok(FDT_PROP);
	tok(len);
	tok(str_add(name));
	raw(val, len);
}

static void prop_u32(const char *name, u32 v)
{
	u8 cell[4];

	st_be32(cell, v);
	prop(name, cell, 4);
}

/* header | reservation terminator | structure | strings; returns size. */
static u32 assemble(void)
{
	u32 off_struct = FDT_HDR_SIZE + 16;
	u32 off_strings = off_struct + slen;
	u32 total = off_strings + strslen;

	memset(asm_words, 0, sizeof(asm_words));
	st_be32(asm_blob + FDT_HDR_MAGIC, FDT_MAGIC);
	st_be32(asm_blob + FDT_HDR_TOTALSIZE, total);
	st_be32(asm_blob + FDT_HDR_OFF_STRUCT, off_struct);
	st_be32(asm_blob + FDT_HDR_OFF_STRINGS, off_strings);
	st_be32(asm_blob + FDT_HDR_OFF_MEM_RSV, FDT_HDR_SIZE);
	st_be32(asm_blob + FDT_HDR_VERSION, 17);
	st_be32(asm_blob + FDT_HDR_LAST_COMP, 16);
	st_be32(asm_blob + FDT_HDR_SIZE_STRINGS, strslen);
	st_be32(asm_blob + FDT_HDR_SIZE_STRUCT, slen);
	memcpy(asm_blob + off_struct, sblk, slen);
	memcpy(asm_blob + off_strings, strs, strslen);
	return total;
}

/* A small valid tree, so each test only adds its one defect. */
static void minimal_tree(void)
{
	asm_reset();
	begin("");
	prop_u32("#address-cells", 1);
	prop_u32("#size-cells", 1);
	begin("dev@1000");
	prop("reg", "\0\0\x10\0\0\0\0\x20", 8);
	tok(FDT_END_NODE);
	tok(FDT_END_NODE);
}

/* Open a copy in an exactly sized heap buffer; expect err and a message. */
static void expect_reject(u32 size, int err, const char *msg_part)
{
	u8 *copy = malloc(size ? size : 1);
	struct fdt f;
	int got;

	memcpy(copy, asm_blob, size);
	got = fdt_open(&f, copy, size);
	if (got != err || (msg_part && !strstr(fdt_errmsg(&f), msg_part)))
		fail_msg("got %d \"%s\", want %d \"%s\"", got, fdt_errmsg(&f), err,
			 msg_part ? msg_part : "");
	free(copy);
}

static void test_assembled_ok(void **state)
{
	struct fdt f;
	u32 size;
	int dev;

	minimal_tree();
	tok(FDT_NOP);
	tok(FDT_END);
	size = assemble();
	open_ok(&f, asm_blob, size);
	dev = fdt_path_offset(&f, "/dev");
	assert_reg(&f, dev, 0, 0x1000, 0x20);
	assert_int_equal(fdt_reg_count(&f, dev), 1);

	/* A property value that looks like a node is not one. */
	asm_reset();
	begin("");
	prop("fake", "\0\0\0\x01x\0\0\0\0\0\0\x02", 12);
	tok(FDT_END_NODE);
	tok(FDT_END);
	open_ok(&f, asm_blob, assemble());
	int fake = fdt_first_property(&f, fdt_root(&f)) + 12;
	assert_string_equal(fdt_node_name(&f, fake, NULL), "x");
	assert_int_equal(fdt_node_depth(&f, fake), -EINVAL);
	assert_int_equal(fdt_parent_offset(&f, fake), -EINVAL);
	minimal_tree();
	tok(FDT_END);
	size = assemble();

	/* Version 16 has no size_dt_struct: the block runs to totalsize. */
	st_be32(asm_blob + FDT_HDR_VERSION, 16);
	st_be32(asm_blob + FDT_HDR_SIZE_STRUCT, 0xdeadbeef);
	open_ok(&f, asm_blob, size);
	assert_reg(&f, fdt_path_offset(&f, "/dev@1000"), 0, 0x1000, 0x20);
}

static void test_nops_and_aliases(void **state)
{
	struct fdt f;

	asm_reset();
	tok(FDT_NOP);
	begin("");
	tok(FDT_NOP);
	begin("aliases");
	prop("uart", "/soc/serial@10", sizeof("/soc/serial@10"));
	prop("bad", "soc", sizeof("soc"));	/* not absolute */
	prop("raw", "/soc", 4);			/* not terminated */
	tok(FDT_END_NODE);
	begin("soc");
	tok(FDT_NOP);
	begin("serial@10");
	prop("status", "disabled", sizeof("disabled"));
	begin("port");
	tok(FDT_END_NODE);
	tok(FDT_END_NODE);
	begin("serial@20");
	prop("status", "okay", sizeof("okay"));
	tok(FDT_END_NODE);
	begin("serial@30");
	prop("status", "ok", 2);		/* not terminated */
	tok(FDT_END_NODE);
	tok(FDT_END_NODE);
	tok(FDT_END_NODE);
	tok(FDT_NOP);
	tok(FDT_END);
	open_ok(&f, asm_blob, assemble());
	assert_int_equal(fdt_root(&f), 4);
	int serial = fdt_path_offset(&f, "/soc/serial@10");
	assert_true(serial > 0);
	assert_int_equal(fdt_path_offset(&f, "uart"), serial);
	assert_int_equal(fdt_path_offset(&f, "uart/port"), fdt_first_subnode(&f, serial));
	assert_int_equal(fdt_path_offset(&f, "bad"), -EBADMSG);
	assert_int_equal(fdt_path_offset(&f, "raw"), -EBADMSG);
	assert_int_equal(fdt_path_offset(&f, "nope"), -ENOENT);
	assert_false(fdt_node_is_enabled(&f, serial));
	assert_true(fdt_node_is_enabled(&f, fdt_path_offset(&f, "/soc/serial@20")));
	assert_false(fdt_node_is_enabled(&f, fdt_path_offset(&f, "/soc/serial@30")));
	assert_int_equal(fdt_next_subnode(&f, fdt_path_offset(&f, "/soc/serial@30")), -ENOENT);
	/* "serial" is ambiguous: the first match wins */
	assert_int_equal(fdt_path_offset(&f, "/soc/serial"), serial);
	/* defaults: #address-cells 2, #size-cells 1 */
	assert_int_equal(fdt_address_cells(&f, fdt_path_offset(&f, "/soc")), 2);
	assert_int_equal(fdt_size_cells(&f, fdt_path_offset(&f, "/soc")), 1);
}

static void test_reg_cells(void **state)
{
	struct fdt f;
	u64 a, s;
	int node;

	asm_reset();
	begin("");
	prop_u32("#address-cells", 3);
	prop_u32("#size-cells", 0);
	begin("a");	/* 3 address cells whose top one is zero: fits */
	prop("reg", "\0\0\0\0\0\0\0\x01\0\0\0\x02", 12);
	tok(FDT_END_NODE);
	begin("b");	/* 3 cells with a non-zero top: more than 64 bits */
	prop("reg", "\0\0\0\x01\0\0\0\0\0\0\0\0", 12);
	tok(FDT_END_NODE);
	begin("c");	/* not a multiple of the entry size */
	prop("reg", "\0\0\0\0\0\0\0\0", 8);
	begin("d");
	prop_u32("#address-cells", 5);	/* > FDT_MAX_NCELLS */
	tok(FDT_END_NODE);
	begin("e");
	prop("#size-cells", "\0\0\0\x01\0", 5);	/* wrong length */
	tok(FDT_END_NODE);
	tok(FDT_END_NODE);
	tok(FDT_END_NODE);
	tok(FDT_END);
	open_ok(&f, asm_blob, assemble());
	node = fdt_path_offset(&f, "/a");
	assert_int_equal(fdt_get_reg(&f, node, 0, &a, &s), 0);
	assert_true(a == 0x100000002ULL && s == 0);
	assert_int_equal(fdt_get_reg(&f, fdt_path_offset(&f, "/b"), 0, &a, &s), -ERANGE);
	assert_int_equal(fdt_reg_count(&f, fdt_path_offset(&f, "/c")), -EBADMSG);
	assert_int_equal(fdt_address_cells(&f, fdt_path_offset(&f, "/c/d")), -EBADMSG);
	assert_int_equal(fdt_size_cells(&f, fdt_path_offset(&f, "/c/e")), -EBADMSG);
}

static void test_header_errors(void **state)
{
	u32 size;
	struct fdt f;

	minimal_tree();
	tok(FDT_END);
	size = assemble();
	expect_reject(size, 0, NULL);
	expect_reject(39, -EBADMSG, "smaller than a header");
	expect_reject(0, -EBADMSG, "smaller than a header");
	expect_reject(size - 1, -EBADMSG, "exceeds buffer");

	assert_int_equal(fdt_open(&f, NULL, 100), -EINVAL);
	assert_int_equal(fdt_open(&f, asm_blob + 4, size), -EINVAL);
	assert_non_null(strstr(fdt_errmsg(&f), "aligned"));

#define PATCHED(field, value, err, msg)                            \
	do {                                                       \
		size = assemble();                                 \
		st_be32(asm_blob + (field), (value));              \
		expect_reject(size, (err), (msg));                 \
	} while (0)
	PATCHED(FDT_HDR_MAGIC, 0xd00dfeee, -EBADMSG, "bad magic 0xd00dfeee");
	PATCHED(FDT_HDR_VERSION, 15, -EBADMSG, "version 15");
	PATCHED(FDT_HDR_LAST_COMP, 18, -EBADMSG, "last compatible version 18");
	PATCHED(FDT_HDR_TOTALSIZE, 20, -EBADMSG, "implausible totalsize");
	PATCHED(FDT_HDR_TOTALSIZE, 0xffffffff, -EBADMSG, "exceeds buffer");
	PATCHED(FDT_HDR_OFF_STRUCT, 58, -EBADMSG, "not 4-byte aligned");
	PATCHED(FDT_HDR_OFF_STRUCT, 0xfffffff0, -EBADMSG, "structure block");
	PATCHED(FDT_HDR_OFF_STRUCT, 8, -EBADMSG, "structure block");
	PATCHED(FDT_HDR_SIZE_STRUCT, 0xfffffff0, -EBADMSG, "outside totalsize");
	PATCHED(FDT_HDR_OFF_STRINGS, 0x7fffffff, -EBADMSG, "strings block");
	PATCHED(FDT_HDR_SIZE_STRINGS, 0xffffffff, -EBADMSG, "strings block");
	PATCHED(FDT_HDR_OFF_MEM_RSV, 44, -EBADMSG, "reservation block");
	PATCHED(FDT_HDR_OFF_MEM_RSV, 0x10000000, -EBADMSG, "reservation block");
	/* reservation map whose entries run to the end without a terminator */
	PATCHED(FDT_HDR_OFF_MEM_RSV, 64, -EBADMSG, "no terminating entry");
#undef PATCHED
}

static void test_mem_rsv(void **state)
{
	struct fdt f;
	u64 a, s;
	u32 size;

	minimal_tree();
	tok(FDT_END);
	size = assemble();
	/* Move everything up 32 bytes to make room for two entries. */
	memmove(asm_blob + FDT_HDR_SIZE + 32, asm_blob + FDT_HDR_SIZE, size - FDT_HDR_SIZE);
	st_be64(asm_blob + 40, 0x48000000);
	st_be64(asm_blob + 48, 0x10000);
	st_be64(asm_blob + 56, 0x80000000);
	st_be64(asm_blob + 64, 0x200000);
	st_be32(asm_blob + FDT_HDR_TOTALSIZE, size + 32);
	st_be32(asm_blob + FDT_HDR_OFF_STRUCT, ld_be32(asm_blob + FDT_HDR_OFF_STRUCT) + 32);
	st_be32(asm_blob + FDT_HDR_OFF_STRINGS, ld_be32(asm_blob + FDT_HDR_OFF_STRINGS) + 32);
	open_ok(&f, asm_blob, size + 32);
	assert_int_equal(fdt_num_mem_rsv(&f), 2);
	assert_int_equal(fdt_get_mem_rsv(&f, 1, &a, &s), 0);
	assert_true(a == 0x80000000 && s == 0x200000);
	assert_int_equal(fdt_get_mem_rsv(&f, 0, &a, &s), 0);
	assert_true(a == 0x48000000 && s == 0x10000);
	assert_int_equal(fdt_get_mem_rsv(&f, 2, &a, &s), -ENOENT);
	assert_int_equal(fdt_get_mem_rsv(&f, -1, &a, &s), -ENOENT);
}

static void test_struct_errors(void **state)
{
	/* Name running to the end of the structure block without a NUL. */
	asm_reset();
	begin("");
	tok(FDT_BEGIN_NODE);
	memcpy(sblk + slen, "abcd", 4);
	slen += 4;
	expect_reject(assemble(), -EBADMSG, "unterminated node name");

	/* Property name without NUL in the strings block. */
	asm_reset();
	begin("");
	tok(FDT_PROP);
	tok(0);
	tok(0);
	tok(FDT_END_NODE);
	tok(FDT_END);
	memcpy(strs, "abc", 3);
	strslen = 3;
	expect_reject(assemble(), -EBADMSG, "unterminated property name");

	minimal_tree();
	tok(FDT_END);
	st_be32(sblk + 8 + 8, 0x1000);	/* #address-cells nameoff */
	expect_reject(assemble(), -EBADMSG, "name offset outside strings");

	minimal_tree();
	tok(FDT_END);
	st_be32(sblk + 8 + 4, 0xfffffff0);	/* #address-cells length */
	expect_reject(assemble(), -EBADMSG, "runs past structure block");

	minimal_tree();
	st_be32(sblk + 8 + 4, slen - 8 - 12 + 1);	/* length: 1 past the end */
	expect_reject(assemble(), -EBADMSG, "runs past structure block");

	minimal_tree();	/* no FDT_END */
	expect_reject(assemble(), -EBADMSG, "missing FDT_END");

	minimal_tree();
	tok(FDT_END_NODE);
	tok(FDT_END);
	expect_reject(assemble(), -EBADMSG, "END_NODE without a node");

	asm_reset();
	prop_u32("early", 1);
	begin("");
	tok(FDT_END_NODE);
	tok(FDT_END);
	expect_reject(assemble(), -EBADMSG, "offset 0x0: property outside any node");

	minimal_tree();
	begin("");
	tok(FDT_END_NODE);
	tok(FDT_END);
	expect_reject(assemble(), -EBADMSG, "second root node");

	minimal_tree();
	tok(7);
	tok(FDT_END);
	expect_reject(assemble(), -EBADMSG, "unknown token");

	asm_reset();
	begin("");
	tok(FDT_END);
	tok(FDT_END_NODE);
	expect_reject(assemble(), -EBADMSG, "FDT_END inside a node");

	asm_reset();
	tok(FDT_END);
	expect_reject(assemble(), -EBADMSG, "before the root");

	asm_reset();	/* 12-byte property header cut short */
	begin("");
	tok(FDT_PROP);
	tok(0);
	expect_reject(assemble(), -EBADMSG, "truncated property header");
}

static void nested(int levels)
{
	asm_reset();
	for (int i = 0; i < levels; i++)
		begin(i ? "n" : "");
	for (int i = 0; i < levels; i++)
		tok(FDT_END_NODE);
	tok(FDT_END);
}

static void test_depth_limit(void **state)
{
	struct fdt f;
	char path[2 * FDT_MAX_DEPTH + 1] = "";
	int node;

	nested(FDT_MAX_DEPTH);
	open_ok(&f, asm_blob, assemble());
	for (int i = 1; i < FDT_MAX_DEPTH; i++)
		strcat(path, "/n");
	node = fdt_path_offset(&f, path);
	assert_true(node > 0);
	assert_int_equal(fdt_node_depth(&f, node), FDT_MAX_DEPTH - 1);
	nested(FDT_MAX_DEPTH + 1);
	expect_reject(assemble(), -EBADMSG, "nested too deeply");
	nested(1000);
	expect_reject(assemble(), -EBADMSG, "nested too deeply");
}

/* ---- corruption -------------------------------------------------------- */

/*
 * Call everything on an accepted (possibly corrupted) blob. The results do
 * not matter, only that nothing reads out of bounds or loops forever. The
 * per-node functions that rescan from the root are sampled to keep the
 * fuzz loops fast.
 */
static void exercise_node(const struct fdt *f, int node, bool deep)
{
	int prop, child, len;
	const char *name;
	u64 a, s;
	u32 v;

	fdt_node_name(f, node, &len);
	fdt_for_each_property(prop, f, node)
		fdt_property_value(f, prop, &name, &len);
	fdt_for_each_subnode(child, f, node)
		fdt_node_name(f, child, NULL);
	fdt_getprop_u32(f, node, "#address-cells", &v);
	fdt_getprop_u64(f, node, "clock-frequency", &a);
	fdt_getprop_cell(f, node, "interrupts", 2, &v);
	fdt_getprop_string(f, node, "status");
	fdt_stringlist_count(f, node, "compatible");
	fdt_stringlist_get(f, node, "compatible", 1);
	fdt_node_check_compatible(f, node, "arm,pl011");
	fdt_node_is_enabled(f, node);
	fdt_address_cells(f, node);
	fdt_size_cells(f, node);
	if (!deep)
		return;
	fdt_node_depth(f, node);
	fdt_parent_offset(f, node);
	for (int i = 0, n = fdt_reg_count(f, node); i <= n && i < 8; i++)
		fdt_get_reg(f, node, i, &a, &s);
	v = fdt_get_phandle(f, node);
	if (v)
		fdt_find_phandle(f, v);
}

static void exercise(const struct fdt *f)
{
	static const char *const paths[] = { "/", "/memory", "/cpus/cpu@0", "/chosen",
					     "/intc@8000000/its", "serial0", "/a/b/c" };
	int node = fdt_root(f), depth = 0, count = 0;
	u64 a, s;

	exercise_node(f, node, true);
	while ((node = fdt_next_node(f, node, &depth)) >= 0)
		exercise_node(f, node, count++ % 16 == 0);
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++)
		fdt_path_offset(f, paths[i]);
	for (node = -1; (node = fdt_node_offset_by_compatible(f, node, "virtio,mmio")) >= 0;)
		;
	for (int i = 0; i <= fdt_num_mem_rsv(f); i++)
		fdt_get_mem_rsv(f, i, &a, &s);
}

/* Open a copy of blob[0..len) in an exactly sized buffer; exercise it. */
static int try_blob(const u8 *blob, size_t len)
{
	u8 *copy = malloc(len ? len : 1);
	struct fdt f;
	int err;

	memcpy(copy, blob, len);
	err = fdt_open(&f, copy, len);
	if (err)
		assert_true(f.errmsg[0] != '\0');	/* every rejection explains */
	else
		exercise(&f);
	free(copy);
	return err;
}

static void clip_field(u8 *b, u32 off_field, u32 size_field, u32 len)
{
	u32 off = ld_be32(b + off_field), size = ld_be32(b + size_field);

	if (off <= len && size > len - off)
		st_be32(b + size_field, len - off);
}

static void test_truncation(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(fixtures); i++) {
		struct fixture *fx = &fixtures[i];
		u8 *b = malloc(fx->packed_size);

		for (u32 len = 0; len <= fx->packed_size; len++) {
			/* as cut: only the full length can be accepted */
			assert_int_equal(try_blob(fx->packed, len) == 0, len == fx->packed_size);
			if (len < FDT_HDR_SIZE)
				continue;
			/* header claims the cut size: block checks must catch it */
			memcpy(b, fx->packed, len);
			st_be32(b + FDT_HDR_TOTALSIZE, len);
			try_blob(b, len);
			/* blocks clipped to fit too: the structure walk must */
			clip_field(b, FDT_HDR_OFF_STRUCT, FDT_HDR_SIZE_STRUCT, len);
			clip_field(b, FDT_HDR_OFF_STRINGS, FDT_HDR_SIZE_STRINGS, len);
			try_blob(b, len);
		}
		free(b);
	}
}

static u64 rng_state = 0x2545f4914f6cdd1dULL;

static u32 rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (u32)(rng_state >> 16);
}

/* Token values that steer the parser into its interesting paths. */
static u32 interesting_word(const struct fixture *fx)
{
	static const u32 words[] = { 0, 1, 2, 3, 4, 9, 0xffffffff, 0x7fffffff, 0x80000000,
				     0xfffffffc, 12, 0x100000, FDT_MAGIC };

	if (rng() % 4 == 0)
		return rng() % (fx->packed_size + 16);	/* plausible offset/size */
	return words[rng() % ARRAY_SIZE(words)];
}

static void mutate(u8 *b, const struct fixture *fx)
{
	u32 pos;

	switch (rng() % 4) {
	case 0:	/* header field */
		st_be32(b + 4 * (rng() % 10), interesting_word(fx));
		break;
	case 1:	/* aligned word of the structure block: tokens, lengths */
		pos = ld_be32(fx->packed + FDT_HDR_OFF_STRUCT) +
		      4 * (rng() % (ld_be32(fx->packed + FDT_HDR_SIZE_STRUCT) / 4));
		st_be32(b + pos, interesting_word(fx));
		break;
	case 2:	/* bit flip anywhere */
		b[rng() % fx->packed_size] ^= (u8)(1u << (rng() % 8));
		break;
	default:	/* random byte anywhere */
		b[rng() % fx->packed_size] = (u8)rng();
		break;
	}
}

static void test_random_mutations(void **state)
{
	int accepted = 0, rejected = 0;

	for (size_t i = 0; i < ARRAY_SIZE(fixtures); i++) {
		struct fixture *fx = &fixtures[i];
		u8 *b = malloc(fx->packed_size);

		for (int iter = 0; iter < 5000; iter++) {
			memcpy(b, fx->packed, fx->packed_size);
			for (u32 n = 1 + rng() % 4; n; n--)
				mutate(b, fx);
			if (try_blob(b, fx->packed_size))
				rejected++;
			else
				accepted++;
		}
		free(b);
	}
	print_message("  mutations: %d accepted, %d rejected\n", accepted, rejected);
	assert_true(accepted > 100 && rejected > 100);	/* both paths were fuzzed */
}

/* ---- main --------------------------------------------------------------- */

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_memory),
		cmocka_unit_test(test_cpus),
		cmocka_unit_test(test_gic),
		cmocka_unit_test(test_uart_chosen),
		cmocka_unit_test(test_timer_psci),
		cmocka_unit_test(test_properties),
		cmocka_unit_test(test_stringlist_raw),
		cmocka_unit_test(test_walk_consistency),
		cmocka_unit_test(test_bad_lookups),
		cmocka_unit_test(test_assembled_ok),
		cmocka_unit_test(test_nops_and_aliases),
		cmocka_unit_test(test_reg_cells),
		cmocka_unit_test(test_header_errors),
		cmocka_unit_test(test_mem_rsv),
		cmocka_unit_test(test_struct_errors),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_random_mutations),
	};

	dtb_fixture_dir(dtb_dir, sizeof(dtb_dir), argc > 0 ? argv[0] : NULL);
	return cmocka_run_group_tests(tests, load_fixtures, free_fixtures);
}
