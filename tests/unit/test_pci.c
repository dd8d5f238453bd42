/*
 * drivers/pci_dt.c and drivers/pci.c: the host bridge as QEMU virt
 * describes it and as ZVM will (interrupt parents with and without
 * #address-cells, probe-only), every refusal of a bad tree with its
 * message, and a bus scan over a fake config space that models BAR sizing
 * (writable address bits only): assignment, probe-only checks, 64-bit
 * BARs, multi-function devices, bridges, and broken BARs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <dtb_fixture.h>
#include <drivers/pci.h>
#include <lib/fdt_write.h>
#include <zvm/errno.h>

static char dtb_path[600];
static char err[256];

/* ---- device trees ---------------------------------------------------- */

struct tree {
	const u32 *imap;
	int nimap;
	const u32 *ranges;
	int nranges;
	u64 ecam[2];
	const u32 *bus_range;		/* 2 cells or NULL */
	bool probe_only;
	const char *gic_compat;
	int gic_ac;			/* #address-cells of the GIC, -1: none */
	int gic_ic;
};

static u8 blob[8192] __attribute__((aligned(8)));
static struct fdt fdt;

/* ZVM's contract: INTx of slot d pin p -> SPI 3 + (d + p - 1) % 4 (INTID 35..38). */
static u32 zvm_map[16 * 8];
static const u32 zvm_ranges[] = { 0x02000000, 0, 0x10000000, 0, 0x10000000, 0, 0x2f000000 };

static void fill_zvm_map(void)
{
	u32 *c = zvm_map;

	for (u32 d = 0; d < 4; d++)
		for (u32 p = 1; p <= 4; p++) {
			const u32 e[] = { d << 11, 0, 0, p, 1, 0, 3 + (d + p - 1) % 4, 4 };

			memcpy(c, e, sizeof(e));
			c += 8;
		}
}

static struct tree zvm_tree(void)
{
	fill_zvm_map();
	return (struct tree){ zvm_map, 16 * 8, zvm_ranges, 7, { 0x3f000000, 0x100000 }, NULL,
			      true, "arm,gic-v3", -1, 3 };
}

static void build(const struct tree *t)
{
	struct fdt_writer w;
	const u32 mask[] = { 0x1800, 0, 0, 7 };
	const u64 reg[] = { t->ecam[0], t->ecam[1] };
	int len;

	assert_int_equal(fdt_w_init(&w, blob, sizeof(blob)), 0);
	fdt_w_begin_node(&w, "");
	fdt_w_prop_u32(&w, "#address-cells", 2);
	fdt_w_prop_u32(&w, "#size-cells", 2);
	fdt_w_begin_node(&w, "chosen");
	if (t->probe_only)
		fdt_w_prop_u32(&w, "linux,pci-probe-only", 1);
	fdt_w_end_node(&w);
	fdt_w_begin_node(&w, "intc@8000000");
	fdt_w_prop_string(&w, "compatible", t->gic_compat);
	fdt_w_prop_u32(&w, "#interrupt-cells", (u32)t->gic_ic);
	if (t->gic_ac >= 0)
		fdt_w_prop_u32(&w, "#address-cells", (u32)t->gic_ac);
	fdt_w_prop_empty(&w, "interrupt-controller");
	fdt_w_prop_u32(&w, "phandle", 1);
	fdt_w_end_node(&w);
	fdt_w_begin_node(&w, "pcie@3f000000");
	fdt_w_prop_string(&w, "compatible", "pci-host-ecam-generic");
	fdt_w_prop_string(&w, "device_type", "pci");
	fdt_w_prop_reg(&w, 2, 2, reg, 1);
	if (t->bus_range)
		fdt_w_prop_cells(&w, "bus-range", t->bus_range, 2);
	fdt_w_prop_u32(&w, "#address-cells", 3);
	fdt_w_prop_u32(&w, "#size-cells", 2);
	fdt_w_prop_u32(&w, "#interrupt-cells", 1);
	fdt_w_prop_cells(&w, "ranges", t->ranges, t->nranges);
	fdt_w_prop_cells(&w, "interrupt-map-mask", mask, 4);
	if (t->nimap)
		fdt_w_prop_cells(&w, "interrupt-map", t->imap, t->nimap);
	fdt_w_end_node(&w);
	fdt_w_end_node(&w);
	len = fdt_w_finish(&w, 0);
	assert_true(len > 0);
	assert_int_equal(fdt_open(&fdt, blob, (size_t)len), 0);
}

static int host_of(const struct tree *t, struct pci_host *h)
{
	build(t);
	err[0] = 0;
	return pci_dt_host(&fdt, pci_dt_find_host(&fdt), h, err, sizeof(err));
}

static int intx(u32 dev, u32 pin, u32 *intid)
{
	err[0] = 0;
	return pci_dt_intx(&fdt, pci_dt_find_host(&fdt), 0, PCI_DEVFN(dev, 0), pin, intid, err,
			   sizeof(err));
}

static void test_qemu_virt_tree(void **state)
{
	size_t size;
	unsigned char *b = read_whole_file(dtb_path, &size);
	struct pci_host h;
	u32 id;
	int node;

	assert_int_equal(fdt_open(&fdt, b, size), 0);
	node = pci_dt_find_host(&fdt);
	assert_true(node >= 0);
	assert_int_equal(pci_dt_host(&fdt, node, &h, err, sizeof(err)), 0);
	assert_int_equal(h.ecam_base, 0x4010000000ULL);
	assert_int_equal(h.ecam_size, 0x10000000);
	assert_int_equal(h.bus_start, 0);
	assert_int_equal(h.bus_end, 255);
	assert_false(h.probe_only);
	/* I/O space skipped; the 32-bit and the 64-bit windows. */
	assert_int_equal(h.nwin, 2);
	assert_int_equal(h.win[0].space, PCI_SPACE_MEM32);
	assert_int_equal(h.win[0].cpu_base, 0x10000000);
	assert_int_equal(h.win[0].size, 0x2eff0000);
	assert_int_equal(h.win[1].space, PCI_SPACE_MEM64);
	assert_int_equal(h.win[1].pci_base, 0x8000000000ULL);
	/* QEMU's GIC has #address-cells = 2: 10-cell entries; SPI 3..6 swizzled. */
	for (u32 d = 0; d < 8; d++)
		for (u32 p = 1; p <= 4; p++) {
			assert_int_equal(intx(d, p, &id), 0);
			assert_int_equal(id, 35 + (d + p - 1) % 4);
		}
	free(b);
}

static void test_zvm_tree(void **state)
{
	struct tree t = zvm_tree();
	struct pci_host h;
	u32 id;

	assert_int_equal(host_of(&t, &h), 0);
	assert_true(h.probe_only);
	assert_int_equal(h.bus_end, 0);		/* 1 MiB of ECAM: bus 0 only */
	assert_int_equal(h.nwin, 1);
	assert_int_equal(h.win[0].pci_base + h.win[0].size, 0x3f000000);
	/* The GIC without #address-cells: 8-cell entries. */
	for (u32 d = 0; d < 32; d++) {
		assert_int_equal(intx(d, 1, &id), 0);
		assert_int_equal(id, 35 + d % 4);
	}
	assert_int_equal(intx(5, 3, &id), 0);
	assert_int_equal(id, 35 + (5 + 2) % 4);
	assert_int_equal(intx(1, 0, &id), -EINVAL);
	assert_int_equal(intx(1, 5, &id), -EINVAL);
}

static void expect_intx_error(struct tree *t, int code, const char *msg)
{
	u32 id = 0;

	build(t);
	assert_int_equal(intx(1, 1, &id), code);
	assert_non_null(strstr(err, msg));
	assert_int_equal(id, 0);
}

static void test_interrupt_map_refusals(void **state)
{
	struct tree t = zvm_tree();
	u32 bad[8];

	/* Truncated in the parent specifier of the first entry. */
	t.nimap = 7;
	expect_intx_error(&t, -EBADMSG, "entry 0 truncated");
	t.nimap = 3;
	expect_intx_error(&t, -EBADMSG, "entry 0 truncated");
	/* Only slot 0's entries: none for slot 1. */
	t.nimap = 4 * 8;
	expect_intx_error(&t, -ENOENT, "no entry for 00:01.0 INTA");
	t = zvm_tree();
	t.nimap = 0;
	expect_intx_error(&t, -ENOENT, "no usable interrupt-map");
	/* An unknown phandle, a non-GIC parent, a parent with bad cells. */
	memcpy(bad, zvm_map, sizeof(bad));
	bad[4] = 9;
	t = zvm_tree();
	t.imap = bad;
	t.nimap = 8;
	build(&t);
	assert_int_equal(intx(0, 1, &(u32){ 0 }), -ENOENT);
	assert_non_null(strstr(err, "unknown interrupt parent"));
	t = zvm_tree();
	t.gic_compat = "arm,gic-400";
	expect_intx_error(&t, -ENOTSUP, "other than a GICv3");
	t = zvm_tree();
	t.gic_ic = 9;
	expect_intx_error(&t, -EBADMSG, "parent lacks valid");
	/* With #address-cells 2 the same 8-cell entries no longer parse. */
	t = zvm_tree();
	t.gic_ac = 2;
	build(&t);
	assert_true(intx(1, 1, &(u32){ 0 }) < 0);
	/* Edge-triggered, a PPI, an SPI number beyond the GIC. */
	memcpy(bad, zvm_map, sizeof(bad));
	t = zvm_tree();
	t.imap = bad;
	t.nimap = 8;
	bad[7] = 1;
	build(&t);
	assert_int_equal(intx(0, 1, &(u32){ 0 }), -EINVAL);
	assert_non_null(strstr(err, "not a level-high SPI"));
	bad[7] = 4;
	bad[5] = 1;
	build(&t);
	assert_int_equal(intx(0, 1, &(u32){ 0 }), -EINVAL);
	bad[5] = 0;
	bad[6] = 988;
	build(&t);
	assert_int_equal(intx(0, 1, &(u32){ 0 }), -EINVAL);
}

static void expect_host_error(struct tree *t, int code, const char *msg)
{
	struct pci_host h;

	assert_int_equal(host_of(t, &h), code);
	assert_non_null(strstr(err, msg));
}

static void test_host_refusals(void **state)
{
	struct tree t = zvm_tree();
	const u32 wrap[] = { 0x02000000, 0, 0x10000000, 0xffffffff, 0xfff00000, 0, 0x200000 };
	const u32 over4g[] = { 0x02000000, 0, 0xf0000000, 0, 0x10000000, 0, 0x20000000 };
	const u32 io_only[] = { 0x01000000, 0, 0, 0, 0x3eff0000, 0, 0x10000 };
	const u32 range_bad[] = { 0, 1 }, range_ok[] = { 0, 0 };

	t.ecam[0] = 0x3f080000;
	expect_host_error(&t, -EINVAL, "not whole 1 MiB buses");
	t = zvm_tree();
	t.ecam[1] = 0;
	expect_host_error(&t, -EINVAL, "not whole 1 MiB buses");
	t = zvm_tree();
	t.bus_range = range_bad;		/* two buses in 1 MiB */
	expect_host_error(&t, -EINVAL, "bus-range 0..1 does not fit");
	t.bus_range = range_ok;
	assert_int_equal(host_of(&t, &(struct pci_host){ 0 }), 0);
	t = zvm_tree();
	t.ranges = wrap;
	expect_host_error(&t, -EINVAL, "bad ranges window");
	t.ranges = over4g;
	expect_host_error(&t, -EINVAL, "bad ranges window");
	t.ranges = io_only;
	expect_host_error(&t, -ENOENT, "no memory window");
	t.ranges = zvm_ranges;
	t.nranges = 6;
	expect_host_error(&t, -EBADMSG, "not whole 28-byte entries");
}

/* ---- a fake config space ------------------------------------------------- */

struct fake_fn {
	bool present;
	u32 regs[16];			/* the type 0 header */
	u64 bar_size[PCI_NUM_BARS];	/* per BAR register (64-bit: in the low one) */
	bool status_ones;		/* someone wrote 1s into the RW1C status */
};

static struct fake_fn fns[32][8];

static struct fake_fn *fn_of(u32 bus, u32 devfn)
{
	assert_int_equal(bus, 0);
	return &fns[devfn >> 3][devfn & 7];
}

static u32 fake_read(void *ctx, u32 bus, u32 devfn, u32 off)
{
	struct fake_fn *f = fn_of(bus, devfn);

	assert_int_equal(off & 3, 0);
	if (!f->present)
		return ~0u;
	return off < sizeof(f->regs) ? f->regs[off / 4] : 0;
}

/* A BAR keeps only its address bits that the size lets it decode. */
static void bar_write(struct fake_fn *f, int i, u32 v)
{
	u32 *r = &f->regs[PCI_BAR0 / 4 + i];
	bool upper = i > 0 && (f->regs[PCI_BAR0 / 4 + i - 1] & 6) == 4;
	u64 size = upper ? f->bar_size[i - 1] : f->bar_size[i];
	u64 mask = size ? ~(size - 1) : 0;

	if (upper)
		*r = v & (u32)(mask >> 32);
	else
		*r = (*r & 0xf) | (v & (u32)mask & ~0xfu);
}

static void fake_write(void *ctx, u32 bus, u32 devfn, u32 off, u32 v)
{
	struct fake_fn *f = fn_of(bus, devfn);

	assert_int_equal(off & 3, 0);
	if (!f->present || off >= sizeof(f->regs))
		return;
	if (off >= PCI_BAR0 && off < PCI_BAR0 + 24)
		bar_write(f, (int)(off - PCI_BAR0) / 4, v);
	else if (off == PCI_COMMAND) {
		f->status_ones |= (v >> 16) != 0;
		f->regs[1] = (f->regs[1] & 0xffff0000) | (v & 0xffff);
	}
}

static const struct pci_cfg cfg = { fake_read, fake_write, NULL };

static struct fake_fn *add_fn(u32 dev, u32 fn, u16 vendor, u16 device, u8 hdr)
{
	struct fake_fn *f = &fns[dev][fn];

	f->present = true;
	f->regs[0] = (u32)device << 16 | vendor;
	f->regs[1] = 0x00100000 | PCI_CMD_INTX_DISABLE;	/* a status bit set */
	f->regs[2] = 0x05000000;
	f->regs[3] = (u32)hdr << 16;
	f->regs[15] = 1 << 8;				/* INTA */
	return f;
}

static void add_bar(struct fake_fn *f, int i, u64 size, u32 flags, u64 addr)
{
	f->bar_size[i] = size;
	f->regs[PCI_BAR0 / 4 + i] = flags | (u32)addr;
	if ((flags & 6) == 4)
		f->regs[PCI_BAR0 / 4 + i + 1] = (u32)(addr >> 32);
}

static struct fake_fn *add_ivshmem(u32 dev, u64 bar0, u64 bar2)
{
	struct fake_fn *f = add_fn(dev, 0, 0x1af4, 0x1110, 0);

	add_bar(f, 0, 0x100, 0, bar0);
	add_bar(f, 2, 0x10000, 0xc, bar2);		/* 64-bit prefetchable */
	return f;
}

#define MAX_SEEN 16
static struct seen {
	struct pci_dev d;
	int err;
	char msg[128];
} seen[MAX_SEEN];
static int nseen;

static void found(const struct pci_dev *d, int e, const char *msg, void *ctx)
{
	assert_true(nseen < MAX_SEEN);
	seen[nseen] = (struct seen){ *d, e, "" };
	snprintf(seen[nseen++].msg, sizeof(seen[0].msg), "%s", msg);
}

static int setup_fake(void **state)
{
	memset(fns, 0, sizeof(fns));
	nseen = 0;
	return 0;
}

static struct pci_host zvm_host(bool probe_only)
{
	struct pci_host h = { .bus_end = 0, .nwin = 1, .probe_only = probe_only };

	h.win[0] = (struct pci_window){ PCI_SPACE_MEM32, false, 0x10000000, 0x10000000,
					 0x2f000000 };
	h.alloc[0] = 0x10000000;
	return h;
}

static void test_scan_assigns_bars(void **state)
{
	struct pci_host h = zvm_host(false);
	struct fake_fn *a = add_ivshmem(1, 0, 0), *b = add_ivshmem(5, 0, 0);

	add_fn(0, 0, 0x1b36, 0x0008, 0);			/* host bridge: no BARs */
	assert_int_equal(pci_scan_bus(&cfg, &h, found, NULL), 3);
	assert_int_equal(nseen, 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(seen[i].err, 0);
	assert_int_equal(seen[1].d.dev, 1);
	assert_int_equal(seen[1].d.vendor, 0x1af4);
	assert_int_equal(seen[1].d.class, 0x050000);
	assert_int_equal(seen[1].d.pin, 1);
	/* In scan order, naturally aligned, at least a page apart, inside the
	 * window, and written back to the device. */
	assert_int_equal(seen[1].d.bar[0].cpu, 0x10000000);
	assert_int_equal(seen[1].d.bar[0].size, 0x100);
	assert_int_equal(seen[1].d.bar[2].cpu, 0x10010000);
	assert_true(seen[1].d.bar[2].is64 && seen[1].d.bar[2].prefetch);
	assert_int_equal(seen[2].d.bar[0].cpu, 0x10020000);
	assert_int_equal(seen[2].d.bar[2].cpu, 0x10030000);
	assert_int_equal(a->regs[PCI_BAR0 / 4 + 2], 0x1001000c);
	assert_int_equal(a->regs[PCI_BAR0 / 4 + 3], 0);
	assert_int_equal(b->regs[PCI_BAR0 / 4], 0x10020000);
	/* Memory decoding on, I/O off, INTx left as it was, status untouched. */
	assert_int_equal(a->regs[1] & 0xffff, PCI_CMD_MEM | PCI_CMD_INTX_DISABLE);
	assert_false(a->status_ones);
	assert_int_equal(seen[1].d.bar[1].size, 0);		/* the 64-bit BAR's upper half */
}

static void test_scan_functions_and_bridges(void **state)
{
	struct pci_host h = zvm_host(false);

	add_fn(2, 0, 0x1234, 0x0001, PCI_HDR_MULTIFN);
	add_fn(2, 3, 0x1234, 0x0002, 0);
	add_fn(3, 0, 0x1234, 0x0003, 0);
	add_fn(3, 4, 0x1234, 0x0004, 0);		/* fn 0 single-function: unseen */
	add_fn(4, 0, 0x1234, 0x0005, 1);		/* a PCI-PCI bridge */
	add_fn(31, 0, 0x1234, 0x0006, 0);
	assert_int_equal(pci_scan_bus(&cfg, &h, found, NULL), 5);
	assert_int_equal(seen[1].d.fn, 3);
	assert_int_equal(seen[2].d.device, 3);
	assert_int_equal(seen[3].err, -ENOTSUP);
	assert_non_null(strstr(seen[3].msg, "header type 1"));
	assert_int_equal(seen[3].d.dev, 4);
	assert_int_equal(seen[4].d.dev, 31);
	assert_int_equal(fns[4][0].regs[1] & PCI_CMD_MEM, 0);	/* a skipped bridge stays off */
}

static void test_probe_only(void **state)
{
	struct pci_host h = zvm_host(true);

	add_ivshmem(1, 0x10000000, 0x10010000);
	add_ivshmem(2, 0x10001000, 0);				/* BAR2 unassigned */
	add_ivshmem(3, 0x3f000000, 0x10020000);			/* BAR0 beyond the window */
	assert_int_equal(pci_scan_bus(&cfg, &h, found, NULL), 3);
	assert_int_equal(seen[0].err, 0);
	assert_int_equal(seen[0].d.bar[2].cpu, 0x10010000);
	assert_int_equal(fns[1][0].regs[PCI_BAR0 / 4 + 2], 0x1001000c);	/* not moved */
	assert_int_equal(seen[1].err, -ENODEV);
	assert_non_null(strstr(seen[1].msg, "BAR2 (0x10000 bytes) is unassigned"));
	assert_int_equal(seen[2].err, -ERANGE);
	assert_non_null(strstr(seen[2].msg, "BAR0 0x3f000000+0x100 is outside"));
	assert_int_equal(fns[2][0].regs[1] & PCI_CMD_MEM, 0);
	assert_int_equal(fns[3][0].regs[1] & PCI_CMD_MEM, 0);
}

static void test_window_translation_and_full(void **state)
{
	struct pci_host h = zvm_host(false);
	struct pci_dev d = { .dev = 1 };

	/* PCI addresses differ from CPU addresses: BARs hold the PCI side. */
	h.win[0].cpu_base = 0x4000000000ULL;
	h.win[0].size = 0x20000;
	add_ivshmem(1, 0, 0);
	assert_int_equal(pci_setup_bars(&cfg, &h, &d, err, sizeof(err)), 0);
	assert_int_equal(d.bar[0].cpu, 0x4000000000ULL);
	assert_int_equal(d.bar[2].cpu, 0x4000010000ULL);
	assert_int_equal(fns[1][0].regs[PCI_BAR0 / 4 + 2], 0x1001000c);
	/* The window is now full. */
	add_ivshmem(2, 0, 0);
	d = (struct pci_dev){ .dev = 2 };
	assert_int_equal(pci_setup_bars(&cfg, &h, &d, err, sizeof(err)), -ERANGE);
	assert_non_null(strstr(err, "does not fit"));
}

static void test_broken_bars(void **state)
{
	struct pci_host h = zvm_host(false);
	struct pci_dev d = { .dev = 1 };
	struct fake_fn *f = add_fn(1, 0, 0x1234, 0x0001, 0);

	add_bar(f, 0, 0x100, 2, 0);				/* reserved type 1 */
	assert_int_equal(pci_setup_bars(&cfg, &h, &d, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "BAR0 has reserved type 1"));
	add_bar(f, 0, 0, 0, 0);
	add_bar(f, 5, 0x1000, 4, 0);				/* 64-bit in the last slot */
	assert_int_equal(pci_setup_bars(&cfg, &h, &d, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "BAR5 claims to be 64-bit"));
	add_bar(f, 5, 0, 0, 0);
	add_bar(f, 1, 0x1000, 0, 0);
	f->bar_size[1] = 0x3000;		/* mask ...ffffd000: holes in the mask */
	assert_int_equal(pci_setup_bars(&cfg, &h, &d, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not a power of two"));
	/* An I/O BAR is left alone and the rest still works. */
	add_bar(f, 1, 0x1000, 0, 0);
	f->regs[PCI_BAR0 / 4] = 1;
	f->bar_size[0] = 0x100;
	assert_int_equal(pci_setup_bars(&cfg, &h, &d, err, sizeof(err)), 0);
	assert_int_equal(d.bar[0].size, 0);
	assert_int_equal(d.bar[1].size, 0x1000);
	assert_int_equal(f->regs[PCI_BAR0 / 4], 1);
}

static void test_big_64bit_bar(void **state)
{
	struct pci_host h = zvm_host(false);
	struct pci_dev d = { .dev = 1 };
	struct fake_fn *f = add_fn(1, 0, 0x1234, 0x0001, 0);

	/* 8 GiB: only a 64-bit window above 4 GiB can take it. */
	add_bar(f, 0, 0x200000000ULL, 0xc, 0);
	assert_int_equal(pci_setup_bars(&cfg, &h, &d, err, sizeof(err)), -ERANGE);
	h.win[1] = (struct pci_window){ PCI_SPACE_MEM64, true, 0x8000000000ULL,
					 0x8000000000ULL, 0x8000000000ULL };
	h.alloc[1] = h.win[1].pci_base;
	h.nwin = 2;
	assert_int_equal(pci_setup_bars(&cfg, &h, &d, err, sizeof(err)), 0);
	assert_int_equal(d.bar[0].cpu, 0x8000000000ULL);
	assert_int_equal(d.bar[0].size, 0x200000000ULL);
	assert_int_equal(f->regs[PCI_BAR0 / 4 + 1], 0x80);
	/* A 32-bit BAR cannot go above 4 GiB, even when only there is room. */
	h.win[0].size = 0x1000;
	add_bar(f, 0, 0, 0, 0);
	add_bar(f, 2, 0x2000, 0, 0);
	assert_int_equal(pci_setup_bars(&cfg, &h, &d, err, sizeof(err)), -ERANGE);
	assert_non_null(strstr(err, "BAR2 (0x2000 bytes) does not fit"));
}

int main(int argc, char **argv)
{
	char dir[512];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_virt_tree),
		cmocka_unit_test(test_zvm_tree),
		cmocka_unit_test(test_interrupt_map_refusals),
		cmocka_unit_test(test_host_refusals),
		cmocka_unit_test_setup(test_scan_assigns_bars, setup_fake),
		cmocka_unit_test_setup(test_scan_functions_and_bridges, setup_fake),
		cmocka_unit_test_setup(test_probe_only, setup_fake),
		cmocka_unit_test_setup(test_window_translation_and_full, setup_fake),
		cmocka_unit_test_setup(test_broken_bars, setup_fake),
		cmocka_unit_test_setup(test_big_64bit_bar, setup_fake),
	};

	dtb_fixture_dir(dir, sizeof(dir), argc > 0 ? argv[0] : NULL);
	snprintf(dtb_path, sizeof(dtb_path), "%s/virt-a53-smp4.dtb", dir);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
