/*
 * Passthrough devices in the generated guest DTB: each template `device`
 * region is described by the host device tree's own node for it, so that
 * a guest finds the device as the host would (Linux binds its driver by
 * the node's compatible). The copy is adapted to the guest's tree:
 *
 *   reg          the entries inside the passed-through region, re-encoded
 *                for the guest root's 2 address and 2 size cells
 *   interrupts   one GIC SPI, the template's (the host's flags when its
 *                first specifier is that SPI); none without an SPI
 *   clocks       every clock becomes the guest's fixed apb-pclk (what
 *                QEMU virt's devices use; a board's clock tree is not the
 *                guest's)
 *   dropped      properties naming providers the guest does not have
 *                (phandle, interrupt-parent, resets, dmas, pinctrl-*,
 *                *-supply, power-domains, iommus, ...), status, subnodes
 *   copied       everything else, as is
 *
 * Only nodes reachable through identity translations (every ancestor
 * below the root has an empty `ranges`) are used: the guest sees the
 * device at the host's physical address.
 */
#include "vm_dtb_priv.h"
#include <lib/fdt.h>
#include <lib/pack.h>
#include <lib/string.h>
#include <zvm/compiler.h>
#include <zvm/errno.h>

#define SPI_BASE 32
#define MAX_REG 8
#define MAX_CLOCKS 8

/* The enabled node whose first reg entry starts at base, or -ENOENT. */
static int find_node(const struct fdt *f, u64 base)
{
	struct fdt_iter it;
	u64 addr, size;

	fdt_iter_start(&it, f);
	while (fdt_iter_next(&it))
		if (it.phys && !fdt_get_reg(f, it.node, 0, &addr, &size) && addr == base &&
		    fdt_node_is_enabled(f, it.node))
			return it.node;
	return -ENOENT;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* Properties that name providers the guest's tree does not have, and
 * those written adapted instead of copied. */
static bool dropped(const char *name, const void *ctx)
{
	static const char *const names[] = {
		"phandle", "linux,phandle", "status", "interrupt-parent", "interrupts-extended",
		"resets", "reset-names", "dmas", "dma-names", "power-domains", "iommus",
		"iommu-map", "msi-parent", "phys", "phy-names", "interconnects",
		"assigned-clocks", "assigned-clock-rates", "assigned-clock-parents",
		"reg", "interrupts", "clocks",
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(name, names[i]))
			return true;
	return !strncmp(name, "pinctrl-", 8) || has_suffix(name, "-supply") ||
	       has_suffix(name, "gpios");
}

static void write_reg(struct fdt_writer *w, const struct fdt *f, int node,
		      const struct pack_dev *d)
{
	u64 reg[2 * MAX_REG], addr, size;
	int n = 0;

	for (int i = 0; n < MAX_REG && !fdt_get_reg(f, node, i, &addr, &size); i++)
		if (addr >= d->base && size <= d->size && addr - d->base <= d->size - size) {
			reg[2 * n] = addr;
			reg[2 * n + 1] = size;
			n++;
		}
	fdt_w_prop_reg(w, 2, 2, reg, n);
}

static void write_irq(struct fdt_writer *w, const struct fdt *f, int node,
		      const struct pack_dev *d)
{
	u32 cells[3] = { GIC_SPI, d->irq - SPI_BASE, IRQ_LEVEL_HI }, c0, c1, c2;

	if (!d->irq)
		return;
	if (!fdt_getprop_cell(f, node, "interrupts", 0, &c0) &&
	    !fdt_getprop_cell(f, node, "interrupts", 1, &c1) &&
	    !fdt_getprop_cell(f, node, "interrupts", 2, &c2) && c0 == GIC_SPI &&
	    c1 == d->irq - SPI_BASE)
		cells[2] = c2;
	fdt_w_prop_cells(w, "interrupts", cells, 3);
}

/* One guest clock per host clock specifier (provider phandle plus its
 * #clock-cells arguments). */
static void write_clocks(struct fdt_writer *w, const struct fdt *f, int node, u32 guest_clk)
{
	u32 out[MAX_CLOCKS], ph, ncells;
	int len, n = 0, i = 0, total;

	if (!fdt_getprop(f, node, "clocks", &len))
		return;
	total = len / 4;
	while (i < total && n < MAX_CLOCKS && !fdt_getprop_cell(f, node, "clocks", i, &ph)) {
		int prov = fdt_find_phandle(f, ph);

		if (prov < 0 || fdt_getprop_u32(f, prov, "#clock-cells", &ncells))
			break;
		out[n++] = guest_clk;
		i += 1 + (int)ncells;
	}
	if (n)
		fdt_w_prop_cells(w, "clocks", out, n);
}

int vm_dtb_devices(struct fdt_writer *w, const struct vm_dtb_params *p, u32 guest_clk)
{
	struct fdt f;

	if (!p->host_dtb || !p->nr_devs)
		return 0;
	if (fdt_open(&f, p->host_dtb, p->host_dtb_size))
		return -EBADMSG;
	for (u32 i = 0; i < p->nr_devs; i++) {
		const struct pack_dev *d = &p->devs[i];
		int node = find_node(&f, d->base);

		if (node < 0)
			continue;	/* a bare-metal guest may just use the address */
		fdt_w_begin_node(w, fdt_node_name(&f, node, NULL));
		fdt_w_copy_props(w, &f, node, dropped, NULL);
		write_reg(w, &f, node, d);
		write_irq(w, &f, node, d);
		write_clocks(w, &f, node, guest_clk);
		fdt_w_end_node(w);
	}
	return 0;
}
