/*
 * lib/fdt_write.c: build trees, read them back with our reader (and with
 * dtc when it is installed), run out of space at every possible point,
 * reject misuse, and copy a real QEMU DTB node for node.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <dtb_fixture.h>
#include <lib/fdt_write.h>
#include <lib/byteorder.h>
#include <zvm/compiler.h>
#include <zvm/errno.h>

static char dtb_path[600];
static u8 *qemu_blob;		/* the QEMU fixture, loaded by the group setup */
static size_t qemu_size;
static struct fdt qemu;
static u64 buf_words[8192];	/* 64 KiB, 8-byte aligned */
static u8 *const buf = (u8 *)buf_words;

static void open_ok(struct fdt *f, const void *blob, size_t size)
{
	int err = fdt_open(f, blob, size);

	if (err)
		fail_msg("fdt_open: %d: %s", err, fdt_errmsg(f));
}

static void assert_reg(const struct fdt *f, int node, int index, u64 addr, u64 size)
{
	u64 a = 0, s = 0;

	assert_int_equal(fdt_get_reg(f, node, index, &a, &s), 0);
	assert_true(a == addr && s == size);
}

/* A small guest tree; returns what fdt_w_finish() returned. */
static int build_guest(void *out, size_t size)
{
	static const char *const compat[] = { "linux,dummy-virt", "zvm,guest" };
	static const u64 mem[] = { 0x40000000, 0x40000000 };
	static const u64 gic[] = { 0x08000000, 0x10000, 0x080a0000, 0x40000 };
	static const u64 uart[] = { 0x09000000, 0x1000 };
	static const u32 uart_irq[] = { 0, 1, 4 };
	struct fdt_writer w;
	char name[16];

	fdt_w_init(&w, out, size);
	fdt_w_add_mem_rsv(&w, 0x48000000, 0x10000);
	fdt_w_add_mem_rsv(&w, 0x7ff00000, 0x100000);
	fdt_w_begin_node(&w, "");
	fdt_w_prop_u32(&w, "#address-cells", 2);
	fdt_w_prop_u32(&w, "#size-cells", 2);
	fdt_w_prop_stringlist(&w, "compatible", compat, 2);
	fdt_w_prop_string(&w, "model", "ZVM guest");
	fdt_w_prop_u32(&w, "interrupt-parent", 1);

	fdt_w_begin_node(&w, "chosen");
	fdt_w_prop_string(&w, "bootargs", "console=ttyAMA0");
	fdt_w_prop_string(&w, "stdout-path", "/pl011@9000000");
	fdt_w_end_node(&w);

	fdt_w_begin_node(&w, "memory@40000000");
	fdt_w_prop_string(&w, "device_type", "memory");
	fdt_w_prop_reg(&w, 2, 2, mem, 1);
	fdt_w_end_node(&w);

	fdt_w_begin_node(&w, "cpus");
	fdt_w_prop_u32(&w, "#address-cells", 1);
	fdt_w_prop_u32(&w, "#size-cells", 0);
	for (u64 cpu = 0; cpu < 2; cpu++) {
		snprintf(name, sizeof(name), "cpu@%u", (unsigned)cpu);
		fdt_w_begin_node(&w, name);
		fdt_w_prop_string(&w, "device_type", "cpu");
		fdt_w_prop_string(&w, "compatible", "arm,cortex-a53");
		fdt_w_prop_string(&w, "enable-method", "psci");
		fdt_w_prop_reg(&w, 1, 0, (const u64[]){ cpu, 0 }, 1);
		fdt_w_end_node(&w);
	}
	fdt_w_end_node(&w);

	fdt_w_begin_node(&w, "intc@8000000");
	fdt_w_prop_string(&w, "compatible", "arm,gic-v3");
	fdt_w_prop_empty(&w, "interrupt-controller");
	fdt_w_prop_u32(&w, "#interrupt-cells", 3);
	fdt_w_prop_reg(&w, 2, 2, gic, 2);
	fdt_w_prop_u32(&w, "phandle", 1);
	fdt_w_end_node(&w);

	fdt_w_begin_node(&w, "pl011@9000000");
	fdt_w_prop_string(&w, "compatible", "arm,pl011");
	fdt_w_prop_reg(&w, 2, 2, uart, 1);
	fdt_w_prop_cells(&w, "interrupts", uart_irq, 3);
	fdt_w_prop_u64(&w, "zvm,cookie", 0x0123456789abcdefULL);
	fdt_w_end_node(&w);

	fdt_w_end_node(&w);
	return fdt_w_finish(&w, 1);
}

static void check_guest(const struct fdt *f)
{
	int root = fdt_root(f), node, cpu, n = 0;
	u64 a, s, cookie;
	u32 v;

	assert_int_equal(fdt_boot_cpuid(f), 1);
	assert_int_equal(fdt_num_mem_rsv(f), 2);
	assert_int_equal(fdt_get_mem_rsv(f, 1, &a, &s), 0);
	assert_true(a == 0x7ff00000 && s == 0x100000);
	assert_int_equal(fdt_node_check_compatible(f, root, "zvm,guest"), 0);
	assert_string_equal(fdt_getprop_string(f, root, "model"), "ZVM guest");
	node = fdt_path_offset(f, "/chosen");
	assert_string_equal(fdt_getprop_string(f, node, "bootargs"), "console=ttyAMA0");
	assert_reg(f, fdt_path_offset(f, "/memory"), 0, 0x40000000, 0x40000000);
	fdt_for_each_subnode(cpu, f, fdt_path_offset(f, "/cpus")) {
		assert_reg(f, cpu, 0, (u64)n, 0);
		n++;
	}
	assert_int_equal(n, 2);
	node = fdt_node_offset_by_compatible(f, -1, "arm,gic-v3");
	assert_reg(f, node, 1, 0x080a0000, 0x40000);
	assert_int_equal(fdt_getprop_u32(f, root, "interrupt-parent", &v), 0);
	assert_int_equal(fdt_find_phandle(f, v), node);
	assert_non_null(fdt_getprop(f, node, "interrupt-controller", &n));
	assert_int_equal(n, 0);
	node = fdt_path_offset(f, fdt_getprop_string(f, fdt_path_offset(f, "/chosen"),
						     "stdout-path"));
	assert_int_equal(fdt_getprop_cell(f, node, "interrupts", 1, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(fdt_getprop_u64(f, node, "zvm,cookie", &cookie), 0);
	assert_true(cookie == 0x0123456789abcdefULL);
}

static void test_build_and_read_back(void **state)
{
	struct fdt f;
	int size = build_guest(buf, sizeof(buf_words));

	assert_true(size > 0);
	assert_int_equal(ld_be32(buf + FDT_HDR_TOTALSIZE), size);
	open_ok(&f, buf, (size_t)size);
	check_guest(&f);
	/* every name stored once: "compatible" x4, "reg" x5, ... */
	assert_int_equal(f.size_strings,
			 sizeof("#address-cells") + sizeof("#size-cells") + sizeof("compatible") +
			 sizeof("model") + sizeof("interrupt-parent") + sizeof("bootargs") +
			 sizeof("stdout-path") + sizeof("device_type") + sizeof("reg") +
			 sizeof("enable-method") + sizeof("interrupt-controller") +
			 sizeof("#interrupt-cells") + sizeof("phandle") + sizeof("interrupts") +
			 sizeof("zvm,cookie"));
}

/* Every buffer too small fails cleanly with -ENOSPC; ASan watches writes. */
static void test_enospc_everywhere(void **state)
{
	int need = build_guest(buf, sizeof(buf_words));
	struct fdt f;

	for (int size = 0; size <= need; size++) {
		u8 *out = malloc((size_t)size + 1);
		int got = build_guest(out, (size_t)size);

		if (size < need) {
			if (got != -ENOSPC)
				fail_msg("buffer %d of %d: got %d", size, need, got);
		} else {
			assert_int_equal(got, need);
			open_ok(&f, out, (size_t)size);
			check_guest(&f);
		}
		free(out);
	}
}

static void test_suffix_sharing_and_cells(void **state)
{
	struct fdt_writer w;
	struct fdt f;
	u64 a, s;

	fdt_w_init(&w, buf, sizeof(buf_words));
	fdt_w_begin_node(&w, "");
	fdt_w_prop_u32(&w, "#address-cells", 3);
	fdt_w_prop_u32(&w, "#size-cells", 2);
	fdt_w_prop_empty(&w, "address-cells");	/* a suffix of an existing name */
	fdt_w_prop_empty(&w, "cells");
	fdt_w_begin_node(&w, "dev");
	fdt_w_prop_reg(&w, 3, 2, (const u64[]){ 0xfedcba9876543210ULL, 0x100000000ULL }, 1);
	fdt_w_end_node(&w);
	fdt_w_end_node(&w);
	open_ok(&f, buf, (size_t)fdt_w_finish(&w, 0));
	assert_int_equal(f.size_strings,
			 sizeof("#address-cells") + sizeof("#size-cells") + sizeof("reg"));
	assert_non_null(fdt_getprop(&f, fdt_root(&f), "cells", NULL));
	assert_int_equal(fdt_get_reg(&f, fdt_path_offset(&f, "/dev"), 0, &a, &s), 0);
	assert_true(a == 0xfedcba9876543210ULL && s == 0x100000000ULL);
	/* 3 address cells: the first is zero-filled */
	const u8 *reg = fdt_getprop(&f, fdt_path_offset(&f, "/dev"), "reg", NULL);
	assert_int_equal(ld_be32(reg), 0);
	assert_int_equal(ld_be32(reg + 4), 0xfedcba98);
}

/* One misuse per writer: the error is returned and sticks. */
static void expect_misuse(int (*step)(struct fdt_writer *), int err)
{
	struct fdt_writer w;

	assert_int_equal(fdt_w_init(&w, buf, sizeof(buf_words)), 0);
	assert_int_equal(step(&w), err);
	assert_int_equal(fdt_w_prop_u32(&w, "x", 1), err);
	assert_int_equal(fdt_w_end_node(&w), err);
	assert_int_equal(fdt_w_finish(&w, 0), err);
}

static int prop_before_root(struct fdt_writer *w)
{
	return fdt_w_prop_u32(w, "early", 1);
}

static int rsv_after_node(struct fdt_writer *w)
{
	fdt_w_begin_node(w, "");
	return fdt_w_add_mem_rsv(w, 0, 0x1000);
}

static int named_root(struct fdt_writer *w)
{
	return fdt_w_begin_node(w, "root");
}

static int second_root(struct fdt_writer *w)
{
	fdt_w_begin_node(w, "");
	fdt_w_end_node(w);
	return fdt_w_begin_node(w, "");
}

static int slash_in_name(struct fdt_writer *w)
{
	fdt_w_begin_node(w, "");
	return fdt_w_begin_node(w, "a/b");
}

static int empty_child_name(struct fdt_writer *w)
{
	fdt_w_begin_node(w, "");
	return fdt_w_begin_node(w, "");
}

static int empty_prop_name(struct fdt_writer *w)
{
	fdt_w_begin_node(w, "");
	return fdt_w_prop_u32(w, "", 1);
}

static int end_without_node(struct fdt_writer *w)
{
	return fdt_w_end_node(w);
}

static int finish_open_node(struct fdt_writer *w)
{
	fdt_w_begin_node(w, "");
	return fdt_w_finish(w, 0);
}

static int finish_empty(struct fdt_writer *w)
{
	return fdt_w_finish(w, 0);
}

static int reg_too_wide(struct fdt_writer *w)
{
	fdt_w_begin_node(w, "");
	return fdt_w_prop_reg(w, 1, 1, (const u64[]){ 0x100000000ULL, 1 }, 1);
}

static int reg_size_cells_zero(struct fdt_writer *w)
{
	fdt_w_begin_node(w, "");
	return fdt_w_prop_reg(w, 1, 0, (const u64[]){ 1, 1 }, 1);	/* size must be 0 */
}

static int reg_bad_cells(struct fdt_writer *w)
{
	fdt_w_begin_node(w, "");
	return fdt_w_prop_reg(w, 0, 1, (const u64[]){ 0, 0 }, 1);
}

static int negative_cells(struct fdt_writer *w)
{
	fdt_w_begin_node(w, "");
	return fdt_w_prop_cells(w, "x", NULL, -1);
}

static int too_deep(struct fdt_writer *w)
{
	int err = fdt_w_begin_node(w, "");

	for (int i = 1; !err; i++)
		err = fdt_w_begin_node(w, "n");
	return err;
}

static int after_finish(struct fdt_writer *w)
{
	fdt_w_begin_node(w, "");
	fdt_w_end_node(w);
	assert_true(fdt_w_finish(w, 0) > 0);
	return fdt_w_begin_node(w, "x");
}

static void test_misuse(void **state)
{
	struct fdt_writer w;

	expect_misuse(prop_before_root, -EINVAL);
	expect_misuse(rsv_after_node, -EINVAL);
	expect_misuse(named_root, -EINVAL);
	expect_misuse(second_root, -EINVAL);
	expect_misuse(slash_in_name, -EINVAL);
	expect_misuse(empty_child_name, -EINVAL);
	expect_misuse(empty_prop_name, -EINVAL);
	expect_misuse(end_without_node, -EINVAL);
	expect_misuse(finish_open_node, -EINVAL);
	expect_misuse(finish_empty, -EINVAL);
	expect_misuse(reg_too_wide, -ERANGE);
	expect_misuse(reg_size_cells_zero, -ERANGE);
	expect_misuse(reg_bad_cells, -EINVAL);
	expect_misuse(negative_cells, -EINVAL);
	expect_misuse(too_deep, -EINVAL);
	expect_misuse(after_finish, -EINVAL);
	assert_int_equal(fdt_w_init(&w, buf + 4, 100), -EINVAL);
	assert_int_equal(fdt_w_finish(&w, 0), -EINVAL);
	assert_int_equal(fdt_w_init(&w, NULL, 100), -EINVAL);
	assert_int_equal(fdt_w_init(&w, buf, 39), -ENOSPC);
	assert_int_equal(fdt_w_begin_node(&w, ""), -ENOSPC);
}

/* The depth limit matches the reader's: the deepest tree it builds opens. */
static void test_max_depth_opens(void **state)
{
	struct fdt_writer w;
	struct fdt f;
	int depth = 0;

	fdt_w_init(&w, buf, sizeof(buf_words));
	while (fdt_w_begin_node(&w, depth ? "n" : "") == 0)
		depth++;
	assert_int_equal(depth, FDT_MAX_DEPTH);
	w.err = 0;	/* forget the refused node to close the others */
	while (depth--)
		fdt_w_end_node(&w);
	open_ok(&f, buf, (size_t)fdt_w_finish(&w, 0));
}

/* ---- copying a real DTB -------------------------------------------------- */

/* Same names, same properties in the same order, recursively. */
static void assert_same_node(const struct fdt *a, int na, const struct fdt *b, int nb)
{
	int pa, pb, ca, cb, la, lb;
	const char *name_a, *name_b;
	const void *va, *vb;

	assert_string_equal(fdt_node_name(a, na, NULL), fdt_node_name(b, nb, NULL));
	for (pa = fdt_first_property(a, na), pb = fdt_first_property(b, nb); pa >= 0 && pb >= 0;
	     pa = fdt_next_property(a, pa), pb = fdt_next_property(b, pb)) {
		va = fdt_property_value(a, pa, &name_a, &la);
		vb = fdt_property_value(b, pb, &name_b, &lb);
		assert_string_equal(name_a, name_b);
		assert_int_equal(la, lb);
		assert_memory_equal(va, vb, (size_t)la);
	}
	assert_int_equal(pa, pb);	/* both ran out together */
	for (ca = fdt_first_subnode(a, na), cb = fdt_first_subnode(b, nb); ca >= 0 && cb >= 0;
	     ca = fdt_next_subnode(a, ca), cb = fdt_next_subnode(b, cb))
		assert_same_node(a, ca, b, cb);
	assert_int_equal(ca, cb);
}

/* Bytes needed to store each distinct property name of f once. */
static u32 unique_names_size(const struct fdt *f)
{
	static const char *names[1024];
	int node = fdt_root(f), prop, n = 0, i;
	u32 total = 0;
	const char *name;

	for (; node >= 0; node = fdt_next_node(f, node, NULL)) {
		fdt_for_each_property(prop, f, node) {
			fdt_property_value(f, prop, &name, NULL);
			for (i = 0; i < n && strcmp(names[i], name); i++)
				;
			if (i < n)
				continue;
			assert_true(n < (int)ARRAY_SIZE(names));
			names[n++] = name;
			total += (u32)strlen(name) + 1;
		}
	}
	return total;
}

/* Copy the whole QEMU tree into buf; returns the new blob's size. */
static int copy_qemu(void)
{
	struct fdt_writer w;
	int len;

	fdt_w_init(&w, buf, sizeof(buf_words));
	assert_int_equal(fdt_w_copy_node(&w, &qemu, fdt_root(&qemu)), 0);
	len = fdt_w_finish(&w, fdt_boot_cpuid(&qemu));
	assert_true(len > 0);
	return len;
}

static void test_copy_qemu_dtb(void **state)
{
	struct fdt copy;

	open_ok(&copy, buf, (size_t)copy_qemu());
	assert_same_node(&qemu, fdt_root(&qemu), &copy, fdt_root(&copy));
	assert_true(copy.size_strings <= unique_names_size(&qemu));
	assert_int_equal(copy.size_struct, qemu.size_struct);
}

static void test_copy_subtree(void **state)
{
	struct fdt out;
	struct fdt_writer w;
	int cpus = fdt_path_offset(&qemu, "/cpus");

	fdt_w_init(&w, buf, sizeof(buf_words));
	fdt_w_begin_node(&w, "");
	fdt_w_copy_node(&w, &qemu, cpus);
	fdt_w_end_node(&w);
	open_ok(&out, buf, (size_t)fdt_w_finish(&w, 0));
	assert_same_node(&qemu, cpus, &out, fdt_path_offset(&out, "/cpus"));
	assert_int_equal(fdt_next_subnode(&out, fdt_path_offset(&out, "/cpus")), -ENOENT);

	/* not a node offset */
	fdt_w_init(&w, buf, sizeof(buf_words));
	fdt_w_begin_node(&w, "");
	assert_int_equal(fdt_w_copy_node(&w, &qemu, cpus + 4), -EINVAL);
	assert_int_equal(fdt_w_finish(&w, 0), -EINVAL);
}

/* ---- dtc ------------------------------------------------------------------ */

static bool have_dtc(void)
{
	return system("command -v dtc >/dev/null 2>&1") == 0;
}

/* Decompile blob with dtc; returns the .dts text (caller frees). */
static char *dtc_decompile(const void *blob, size_t size)
{
	char in[] = "/tmp/zvm-fdt-XXXXXX", out[64], cmd[256];
	int fd = mkstemp(in);
	size_t len;
	char *dts;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, blob, size), (ssize_t)size);
	close(fd);
	snprintf(out, sizeof(out), "%s.dts", in);
	snprintf(cmd, sizeof(cmd), "dtc -q -I dtb -O dts -o %s %s", out, in);
	if (system(cmd) != 0)
		fail_msg("dtc rejected the blob: %s", cmd);
	dts = (char *)read_whole_file(out, &len);
	unlink(in);
	unlink(out);
	return dts;
}

static void test_dtc_reads_output(void **state)
{
	int size = build_guest(buf, sizeof(buf_words));
	char *dts;

	if (!have_dtc()) {
		print_message("  dtc not installed, skipped\n");
		skip();
	}
	dts = dtc_decompile(buf, (size_t)size);
	assert_non_null(strstr(dts, "/memreserve/"));
	assert_non_null(strstr(dts, "compatible = \"linux,dummy-virt\\0zvm,guest\";"));
	assert_non_null(strstr(dts, "bootargs = \"console=ttyAMA0\";"));
	assert_non_null(strstr(dts, "reg = <0x00 0x40000000 0x00 0x40000000>;"));
	assert_non_null(strstr(dts, "reg = <0x00 0x8000000 0x00 0x10000 0x00 0x80a0000 0x00 0x40000>;"));
	assert_non_null(strstr(dts, "interrupts = <0x00 0x01 0x04>;"));
	assert_non_null(strstr(dts, "interrupt-controller;"));
	assert_non_null(strstr(dts, "cpu@1 {"));
	free(dts);
}

/* Copy of the QEMU DTB decompiles to exactly the same source. */
static void test_dtc_same_as_original(void **state)
{
	char *a, *b;
	int len;

	if (!have_dtc())
		skip();
	len = copy_qemu();
	a = dtc_decompile(qemu_blob, qemu_size);
	b = dtc_decompile(buf, (size_t)len);
	assert_string_equal(a, b);
	free(a);
	free(b);
}

static int load_qemu(void **state)
{
	qemu_blob = read_whole_file(dtb_path, &qemu_size);
	open_ok(&qemu, qemu_blob, qemu_size);
	return 0;
}

static int free_qemu(void **state)
{
	free(qemu_blob);
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_and_read_back),
		cmocka_unit_test(test_enospc_everywhere),
		cmocka_unit_test(test_suffix_sharing_and_cells),
		cmocka_unit_test(test_misuse),
		cmocka_unit_test(test_max_depth_opens),
		cmocka_unit_test(test_copy_qemu_dtb),
		cmocka_unit_test(test_copy_subtree),
		cmocka_unit_test(test_dtc_reads_output),
		cmocka_unit_test(test_dtc_same_as_original),
	};
	char dir[512];

	dtb_fixture_dir(dir, sizeof(dir), argc > 0 ? argv[0] : NULL);
	snprintf(dtb_path, sizeof(dtb_path), "%s/virt-a53-smp4.dtb", dir);
	return cmocka_run_group_tests(tests, load_qemu, free_qemu);
}
