/* Unit tests of the passthrough rules (virt/passthrough_check.c,
 * virt/passthrough_dt.c): page alignment and wrap-around, overlap with
 * host/guest regions and other VMs' devices, SPI range, busy and owned
 * SPIs, devices of one template; the host device tree's refusals (the
 * GIC and everything in it, DMA-capable devices, undescribed ranges) on
 * QEMU virt's own tree and on a made-up board. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <dtb_fixture.h>
#include <lib/fdt_write.h>
#include <virt/passthrough.h>
#include <zvm/errno.h>

/* QEMU virt with 1 GiB of host RAM and a 16 MiB VM with one vCPU. */
static const struct pt_region regions[] = {
	{ 0x40000000, 0x40000000, "host RAM" },
	{ 0x08000000, 0x10000, "the host GIC distributor" },
	{ 0x080a0000, 0xf60000, "the host GIC redistributors" },
	{ 0x09000000, 0x1000, "the host UART" },
	{ 0x40000000, 0x1000000, "guest RAM" },
};
static const struct pt_busy_irq busy[] = {
	{ 33, "the host UART's interrupt" },
};
static struct pt_claim claims[4];
static char err[256];
static char dtb_path[600];
static struct fdt qemu;		/* QEMU virt's tree: the host's */

static struct pt_rules rules(void)
{
	return (struct pt_rules){ regions, 5, busy, 1, claims, 4, 288, 96, &qemu, 0x9000000,
				  false };
}

static int check(u64 base, u64 size, u32 irq)
{
	struct pt_rules r = rules();
	struct pack_dev d = { base, size, irq, 0 };

	err[0] = 0;
	return pt_check_dev(&r, &d, err, sizeof(err));
}

static int setup(void **state)
{
	memset(claims, 0, sizeof(claims));
	return 0;
}

static int load_qemu(void **state)
{
	size_t size;
	unsigned char *blob = read_whole_file(dtb_path, &size);

	*state = blob;
	return fdt_open(&qemu, blob, size);
}

static int free_qemu(void **state)
{
	free(*state);
	return 0;
}

static void test_overlaps(void **state)
{
	assert_true(pt_overlaps(0x1000, 0x1000, 0x1fff, 1));
	assert_false(pt_overlaps(0x1000, 0x1000, 0x2000, 0x1000));	/* adjacent */
	assert_false(pt_overlaps(0x2000, 0x1000, 0x1000, 0x1000));
	assert_true(pt_overlaps(0x0, 0x10000, 0x1000, 0x1000));	/* contains */
	assert_true(pt_overlaps(0x1000, 0x1000, 0x0, 0x10000));	/* inside */
	assert_false(pt_overlaps(0x1000, 0, 0x1000, 0x1000));	/* empty */
	assert_true(pt_overlaps(~0xfffULL, 0x1000, ~0xfffULL, 0x1000));	/* top page */
}

static void test_good_device(void **state)
{
	assert_int_equal(check(0x9010000, 0x1000, 34), 0);
	assert_int_equal(check(0x9010000, 0x1000, 0), 0);		/* no SPI */
	assert_int_equal(check(0x9030000, 0x1000, 95), 0);		/* last vGIC SPI */
	assert_int_equal(check(0x0, 0x8000000, 0), 0);			/* both flash banks */
}

static void test_bad_range(void **state)
{
	assert_int_equal(check(0x9010800, 0x1000, 0), -EINVAL);
	assert_string_equal(err, "device 0x9010800+0x1000 is not a page-aligned range");
	assert_int_equal(check(0x9010000, 0x800, 0), -EINVAL);
	assert_int_equal(check(0x9010000, 0, 0), -EINVAL);
	assert_int_equal(check(~0xfffULL, 0x2000, 0), -EINVAL);	/* wraps */
}

static void test_forbidden_regions(void **state)
{
	assert_int_equal(check(0x9000000, 0x1000, 0), -EINVAL);
	assert_string_equal(err, "device 0x9000000+0x1000 overlaps the host UART");
	assert_int_equal(check(0x8ff0000, 0x20000, 0), -EINVAL);	/* straddles: first match */
	assert_string_equal(err, "device 0x8ff0000+0x20000 overlaps the host GIC redistributors");
	assert_int_equal(check(0x8000000, 0x10000, 0), -EINVAL);
	assert_string_equal(err, "device 0x8000000+0x10000 overlaps the host GIC distributor");
	assert_int_equal(check(0x8100000, 0x1000, 0), -EINVAL);
	assert_string_equal(err, "device 0x8100000+0x1000 overlaps the host GIC redistributors");
	assert_int_equal(check(0x7fffffff000ULL, 0x1000, 0), -EINVAL);	/* not these: */
	assert_string_equal(err, "device 0x7fffffff000+0x1000: nothing in the host device tree at "
				 "0x7fffffff000; only described devices can be passed through");
	assert_int_equal(check(0x3ffff000, 0x2000, 0), -EINVAL);
	assert_string_equal(err, "device 0x3ffff000+0x2000 overlaps host RAM");
}

static void test_claimed_range(void **state)
{
	claims[2] = (struct pt_claim){ 0x9010000, 0x1000, 34, 1 };
	assert_int_equal(check(0x9010000, 0x1000, 34), -EBUSY);
	assert_string_equal(err, "device 0x9010000+0x1000 is already passed through to vm 1");
	assert_int_equal(check(0x900f000, 0x2000, 0), -EBUSY);	/* partly */
	assert_string_equal(err, "device 0x900f000+0x2000 is already passed through to vm 1");
	assert_int_equal(check(0x9030000, 0x1000, 34), -EBUSY);
	assert_string_equal(err, "device 0x9030000+0x1000: SPI 34 is already passed through to vm 1");
	assert_int_equal(check(0x9030000, 0x1000, 35), 0);
}

static void test_bad_spi(void **state)
{
	assert_int_equal(check(0x9010000, 0x1000, 27), -EINVAL);
	assert_string_equal(err, "device 0x9010000+0x1000: INTID 27 is not an SPI of the GIC (32..287)");
	assert_int_equal(check(0x9010000, 0x1000, 288), -EINVAL);
	assert_int_equal(check(0x9010000, 0x1000, 1020), -EINVAL);
	assert_int_equal(check(0x9010000, 0x1000, 96), -EINVAL);
	assert_string_equal(err, "device 0x9010000+0x1000: SPI 96 is beyond the VM's vGIC (32..95)");
	assert_int_equal(check(0x9010000, 0x1000, 33), -EINVAL);
	assert_string_equal(err, "device 0x9010000+0x1000: SPI 33 is the host UART's interrupt");
}

static void test_large_gic_caps_at_1019(void **state)
{
	struct pt_rules r = rules();
	struct pack_dev d = { 0x9010000, 0x1000, 1020, 0 };

	r.nr_irqs = 1024;
	r.guest_nr_irqs = 1020;
	assert_int_equal(pt_check_dev(&r, &d, err, sizeof(err)), -EINVAL);
	assert_string_equal(err,
			    "device 0x9010000+0x1000: INTID 1020 is not an SPI of the GIC (32..1019)");
	d.irq = 1019;
	assert_int_equal(pt_check_dev(&r, &d, err, sizeof(err)), 0);
}

static void test_template_devices(void **state)
{
	struct pt_rules r = rules();
	struct pack_dev ok[] = { { 0x9010000, 0x1000, 34, 0 }, { 0x9030000, 0x1000, 35, 0 } };
	struct pack_dev clash[] = { { 0x4000000, 0x2000, 34, 0 }, { 0x4001000, 0x1000, 35, 0 } };
	struct pack_dev share[] = { { 0x9010000, 0x1000, 34, 0 }, { 0x9030000, 0x1000, 34, 0 } };
	struct pack_dev bad2[] = { { 0x9010000, 0x1000, 34, 0 }, { 0x9000000, 0x1000, 0, 0 } };

	assert_int_equal(pt_check_devs(&r, ok, 2, err, sizeof(err)), 0);
	assert_int_equal(pt_check_devs(&r, ok, 0, err, sizeof(err)), 0);
	assert_int_equal(pt_check_devs(&r, clash, 2, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "device 0x4001000+0x1000 overlaps or shares its SPI with "
				 "device 0x4000000+0x2000");
	assert_int_equal(pt_check_devs(&r, share, 2, err, sizeof(err)), -EINVAL);
	assert_int_equal(pt_check_devs(&r, bad2, 2, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "device 0x9000000+0x1000 overlaps the host UART");
	claims[0] = (struct pt_claim){ 0x9030000, 0x1000, 0, 3 };
	assert_int_equal(pt_check_devs(&r, ok, 2, err, sizeof(err)), -EBUSY);
	assert_string_equal(err, "device 0x9030000+0x1000 is already passed through to vm 3");
}

/* The host device tree's rules alone: no region list to catch it first.
 * dma: an identity-mapped VM (allow_dma) and a device marked dma. */
static int check_dt(const struct fdt *dt, u64 uart, bool dma, u64 base, u64 size)
{
	struct pt_rules r = rules();
	struct pack_dev d = { base, size, 0, dma ? PACK_DEV_F_DMA : 0 };

	r.nregions = 0;
	r.host_dt = dt;
	r.host_uart = uart;
	r.allow_dma = dma;
	err[0] = 0;
	return pt_check_dev(&r, &d, err, sizeof(err));
}

#define QEMU_GIC "/intc@8000000 (arm,gic-v3) is part of the host's interrupt controller; " \
		 "passthrough refused"

/* GICD and the GICR region as the DT gives them, and the ITS (which the
 * region list does not cover): steering the host's interrupts. */
static void test_gic_refused(void **state)
{
	assert_int_equal(check_dt(&qemu, 0x9000000, false, 0x8000000, 0x10000), -EINVAL);
	assert_string_equal(err, "device 0x8000000+0x10000: " QEMU_GIC);
	assert_int_equal(check_dt(&qemu, 0x9000000, false, 0x8ff0000, 0x1000), -EINVAL);
	assert_string_equal(err, "device 0x8ff0000+0x1000: " QEMU_GIC);
	assert_int_equal(check(0x8080000, 0x20000, 0), -EINVAL);
	assert_string_equal(err, "device 0x8080000+0x20000: /intc@8000000/its@8080000 "
				 "(arm,gic-v3-its) is part of the host's interrupt controller; "
				 "passthrough refused");
	assert_int_equal(check(0x8090000, 0x1000, 0), -EINVAL);		/* a page of it */
	assert_non_null(strstr(err, "its@8080000"));
	/* DMA allowed changes nothing for the GIC. */
	assert_int_equal(check_dt(&qemu, 0x9000000, true, 0x8080000, 0x1000), -EINVAL);
}

#define NO_SMMU "; passthrough refused (no SMMU, and the VM is not identity-mapped)"

static void test_dma_refused(void **state)
{
	assert_int_equal(check(0x9020000, 0x1000, 0), -EINVAL);
	assert_string_equal(err, "device 0x9020000+0x1000: /fw-cfg@9020000 (qemu,fw-cfg-mmio) "
				 "can do DMA" NO_SMMU);
	assert_int_equal(check(0xa000000, 0x1000, 48), -EINVAL);
	assert_string_equal(err, "device 0xa000000+0x1000: /virtio_mmio@a000000 (virtio,mmio) "
				 "can do DMA" NO_SMMU);
	assert_int_equal(check(0xa003000, 0x1000, 0), -EINVAL);
	assert_non_null(strstr(err, "/virtio_mmio@a003000 (virtio,mmio) can do DMA"));
	assert_int_equal(check(0x4010000000ULL, 0x1000, 0), -EINVAL);	/* ECAM */
	assert_string_equal(err, "device 0x4010000000+0x1000: /pcie@10000000 "
				 "(pci-host-ecam-generic) is a PCI host bridge (its devices can do "
				 "DMA)" NO_SMMU);
	assert_int_equal(check(0x10000000, 0x1000, 0), -EINVAL);	/* a BAR window */
	assert_non_null(strstr(err, "/pcie@10000000 (pci-host-ecam-generic) is a PCI host"));
	/* An identity-mapped VM and a device marked dma: allowed. */
	assert_int_equal(check_dt(&qemu, 0x9000000, true, 0x9020000, 0x1000), 0);
	assert_int_equal(check_dt(&qemu, 0x9000000, true, 0xa000000, 0x1000), 0);
}

/* Both halves of the DMA rule: the VM may own DMA masters (identity RAM:
 * allow_dma) and the template marks the device dma. Either alone is
 * refused; the GIC and its ITS stay refused with both. */
static void test_dma_rule_needs_both(void **state)
{
	struct pt_rules r = rules();
	struct pack_dev d = { 0xa000000, 0x1000, 48, PACK_DEV_F_DMA };

	r.nregions = 0;
	assert_int_equal(pt_check_dev(&r, &d, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "device 0xa000000+0x1000 is marked dma, but this VM cannot own a "
				 "DMA master: its RAM is not identity-mapped (memory_at or identity "
				 "= yes) and there is no SMMU");
	r.allow_dma = true;
	d.flags = 0;
	assert_int_equal(pt_check_dev(&r, &d, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "device 0xa000000+0x1000: /virtio_mmio@a000000 (virtio,mmio) "
				 "can do DMA; passthrough refused (mark it dma in the template)");
	d.flags = PACK_DEV_F_DMA;
	assert_int_equal(pt_check_dev(&r, &d, err, sizeof(err)), 0);
	d = (struct pack_dev){ 0x8080000, 0x20000, 0, PACK_DEV_F_DMA };	/* the ITS */
	assert_int_equal(pt_check_dev(&r, &d, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "its@8080000 (arm,gic-v3-its) is part of the host's interrupt"));
	d = (struct pack_dev){ 0x8000000, 0x10000, 0, PACK_DEV_F_DMA };	/* GICD */
	assert_int_equal(pt_check_dev(&r, &d, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "is part of the host's interrupt controller"));
}

static void test_undescribed_refused(void **state)
{
	assert_int_equal(check(0x9050000, 0x1000, 0), -EINVAL);
	assert_string_equal(err, "device 0x9050000+0x1000: nothing in the host device tree at "
				 "0x9050000; only described devices can be passed through");
	assert_int_equal(check(0x9010000, 0x2000, 0), -EINVAL);	/* the RTC and a hole */
	assert_non_null(strstr(err, "nothing in the host device tree at 0x9011000;"));
	assert_int_equal(check(0x900f000, 0x2000, 0), -EINVAL);	/* a hole and the RTC */
	assert_non_null(strstr(err, "nothing in the host device tree at 0x900f000;"));
	assert_int_equal(check(0xc000000, 0x1000, 0), -EINVAL);	/* QEMU's platform bus */
	assert_string_equal(err, "device 0xc000000+0x1000: /platform-bus@c000000 (qemu,platform) "
				 "translates its children's addresses (ranges); passthrough refused");
	assert_int_equal(check_dt(NULL, 0, true, 0x9010000, 0x1000), -EINVAL);
	assert_string_equal(err, "device 0x9010000+0x1000: no host device tree to check it "
				 "against");
	assert_int_equal(check(0x9010000, 0x1000, 34), 0);		/* the RTC */
	assert_int_equal(check(0x4000000, 0x4000000, 0), 0);		/* flash bank 1 */
}

/*
 * A made-up board: a GICv3 with two redistributor regions and the GICv2
 * compatibility frames, its ITS; devices marked as DMA masters every way
 * the DT says so; a host console two pages long; memory; a node behind a
 * bus without `ranges`, so its reg is not a physical address.
 */
static _Alignas(8) unsigned char board_blob[8192];
static struct fdt board;

static void node(struct fdt_writer *w, const char *name, const char *compat, u64 base, u64 size)
{
	u64 reg[2] = { base, size };

	fdt_w_begin_node(w, name);
	if (compat)
		fdt_w_prop_string(w, "compatible", compat);
	fdt_w_prop_reg(w, 2, 2, reg, 1);
}

static void board_gic(struct fdt_writer *w)
{
	static const u64 reg[] = { 0x30000000, 0x10000, 0x30100000, 0x100000,
				   0x31000000, 0x100000, 0x32000000, 0x2000,
				   0x32010000, 0x2000, 0x32020000, 0x2000 };

	fdt_w_begin_node(w, "interrupt-controller@30000000");
	fdt_w_prop_string(w, "compatible", "arm,gic-v3");
	fdt_w_prop_empty(w, "interrupt-controller");
	fdt_w_prop_u32(w, "#redistributor-regions", 2);
	fdt_w_prop_reg(w, 2, 2, reg, 6);
	fdt_w_prop_u32(w, "#address-cells", 2);
	fdt_w_prop_u32(w, "#size-cells", 2);
	fdt_w_prop_empty(w, "ranges");
	node(w, "msi-controller@30040000", "arm,gic-v3-its", 0x30040000, 0x20000);
	fdt_w_prop_empty(w, "msi-controller");
	fdt_w_end_node(w);
	fdt_w_end_node(w);
}

/* A device at 0x21000000 + i * 0x10000 with one property that refuses it. */
static void board_dev(struct fdt_writer *w, int i, const char *prop)
{
	char name[32];

	snprintf(name, sizeof(name), "dev@%x", 0x21000000 + i * 0x10000);
	node(w, name, "vendor,dev", 0x21000000 + i * 0x10000ULL, 0x1000);
	if (!strcmp(prop, "status"))
		fdt_w_prop_string(w, "status", "disabled");
	else if (*prop)
		fdt_w_prop_u32(w, prop, 1);
	fdt_w_end_node(w);
}

static const char *const board_props[] = {
	"", "#dma-cells", "dmas", "iommus", "iommu-map", "msi-parent", "msi-map", "dma-coherent",
	"#iommu-cells", "status",
};

static void board_misc(struct fdt_writer *w)
{
	node(w, "serial@20000000", "arm,pl011", 0x20000000, 0x2000);
	fdt_w_end_node(w);
	node(w, "sram@22000000", NULL, 0x22000000, 0x1000);
	fdt_w_end_node(w);
	node(w, "memory@80000000", NULL, 0x80000000, 0x10000000);
	fdt_w_prop_string(w, "device_type", "memory");
	fdt_w_end_node(w);
	fdt_w_begin_node(w, "reserved-memory");
	fdt_w_prop_u32(w, "#address-cells", 2);
	fdt_w_prop_u32(w, "#size-cells", 2);
	fdt_w_prop_empty(w, "ranges");
	node(w, "pool@a0000000", "shared-dma-pool", 0xa0000000, 0x100000);
	fdt_w_end_node(w);
	fdt_w_end_node(w);
	fdt_w_begin_node(w, "bus");			/* no ranges: not physical */
	fdt_w_prop_u32(w, "#address-cells", 2);
	fdt_w_prop_u32(w, "#size-cells", 2);
	node(w, "dev@23000000", "vendor,dev", 0x23000000, 0x1000);
	fdt_w_end_node(w);
	fdt_w_end_node(w);
}

static int build_board(void **state)
{
	struct fdt_writer w;
	int len;

	fdt_w_init(&w, board_blob, sizeof(board_blob));
	fdt_w_begin_node(&w, "");
	fdt_w_prop_u32(&w, "#address-cells", 2);
	fdt_w_prop_u32(&w, "#size-cells", 2);
	board_gic(&w);
	for (size_t i = 0; i < sizeof(board_props) / sizeof(board_props[0]); i++)
		board_dev(&w, (int)i, board_props[i]);
	board_misc(&w);
	fdt_w_end_node(&w);
	len = fdt_w_finish(&w, 0);
	return len < 0 || fdt_open(&board, board_blob, (size_t)len);
}

#define BOARD_GIC "/interrupt-controller@30000000 (arm,gic-v3) is part of the host's " \
		  "interrupt controller; passthrough refused"

static int check_board(u64 base, bool dma)
{
	return check_dt(&board, 0x20000000, dma, base, 0x1000);
}

/* Every reg entry of the GIC node: GICD, both GICR regions, GICC/H/V. */
static void test_board_gic_refused(void **state)
{
	static const u64 pages[] = { 0x30000000, 0x30100000, 0x301ff000, 0x31000000,
				     0x310ff000, 0x32000000, 0x32010000, 0x32021000 };
	char want[200];

	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		assert_int_equal(check_board(pages[i], true), -EINVAL);
		snprintf(want, sizeof(want), "device %#llx+0x1000: " BOARD_GIC,
			 (unsigned long long)pages[i]);
		assert_string_equal(err, want);
	}
	assert_int_equal(check_board(0x30050000, true), -EINVAL);
	assert_string_equal(err, "device 0x30050000+0x1000: /interrupt-controller@30000000/"
				 "msi-controller@30040000 (arm,gic-v3-its) is part of the host's "
				 "interrupt controller; passthrough refused");
}

static void test_board_dma_refused(void **state)
{
	static const char *const why[] = {
		NULL, "is a DMA controller", "can do DMA (dmas)", "can do DMA (iommus)",
		"can do DMA (iommu-map)", "can do DMA (msi-parent: it writes MSIs)",
		"can do DMA (msi-map: its devices write MSIs)", "can do DMA (dma-coherent)",
	};
	char want[200];

	assert_int_equal(check_board(0x21000000, false), 0);
	for (int i = 1; i < (int)(sizeof(why) / sizeof(why[0])); i++) {
		u64 base = 0x21000000 + i * 0x10000ULL;

		assert_int_equal(check_board(base, false), -EINVAL);
		snprintf(want, sizeof(want), "device %#llx+0x1000: /dev@%llx (vendor,dev) %s" NO_SMMU,
			 (unsigned long long)base, (unsigned long long)base, why[i]);
		assert_string_equal(err, want);
		assert_int_equal(check_board(base, true), 0);
	}
}

static void test_board_host_refused(void **state)
{
	assert_int_equal(check_board(0x20001000, true), -EINVAL);	/* second page */
	assert_string_equal(err, "device 0x20001000+0x1000: /serial@20000000 (arm,pl011) is the "
				 "host's console UART; passthrough refused");
	assert_int_equal(check_board(0x21080000, true), -EINVAL);
	assert_string_equal(err, "device 0x21080000+0x1000: /dev@21080000 (vendor,dev) is an IOMMU "
				 "(it controls other devices' DMA); passthrough refused");
	assert_int_equal(check_board(0x21090000, true), -EINVAL);
	assert_string_equal(err, "device 0x21090000+0x1000: /dev@21090000 (vendor,dev) is disabled "
				 "in the host device tree; passthrough refused");
	assert_int_equal(check_board(0x22000000, true), -EINVAL);
	assert_string_equal(err, "device 0x22000000+0x1000: /sram@22000000 has no compatible: not "
				 "a device; passthrough refused");
	assert_int_equal(check_board(0x80000000, true), -EINVAL);
	assert_string_equal(err, "device 0x80000000+0x1000: /memory@80000000 is RAM, not a device; "
				 "passthrough refused");
	assert_int_equal(check_board(0xa0000000, true), -EINVAL);
	assert_string_equal(err, "device 0xa0000000+0x1000: /reserved-memory/pool@a0000000 "
				 "(shared-dma-pool) is reserved memory, not a device; passthrough "
				 "refused");
	assert_int_equal(check_board(0x23000000, true), -EINVAL);	/* not physical */
	assert_non_null(strstr(err, "nothing in the host device tree at 0x23000000"));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_overlaps, setup),
		cmocka_unit_test_setup(test_good_device, setup),
		cmocka_unit_test_setup(test_bad_range, setup),
		cmocka_unit_test_setup(test_forbidden_regions, setup),
		cmocka_unit_test_setup(test_claimed_range, setup),
		cmocka_unit_test_setup(test_bad_spi, setup),
		cmocka_unit_test_setup(test_large_gic_caps_at_1019, setup),
		cmocka_unit_test_setup(test_template_devices, setup),
		cmocka_unit_test_setup(test_gic_refused, setup),
		cmocka_unit_test_setup(test_dma_refused, setup),
		cmocka_unit_test_setup(test_dma_rule_needs_both, setup),
		cmocka_unit_test_setup(test_undescribed_refused, setup),
		cmocka_unit_test_setup(test_board_gic_refused, setup),
		cmocka_unit_test_setup(test_board_dma_refused, setup),
		cmocka_unit_test_setup(test_board_host_refused, setup),
	};
	char dir[512];
	void *blob = NULL;
	int r;

	dtb_fixture_dir(dir, sizeof(dir), argc > 0 ? argv[0] : NULL);
	snprintf(dtb_path, sizeof(dtb_path), "%s/virt-a53-smp4.dtb", dir);
	if (load_qemu(&blob) || build_board(NULL)) {
		fprintf(stderr, "test_passthrough: cannot load %s or build the board tree\n",
			dtb_path);
		return 1;
	}
	r = cmocka_run_group_tests(tests, NULL, NULL);
	free_qemu(&blob);
	return r;
}
