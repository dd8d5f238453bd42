/*
 * Passthrough against the host device tree (deny by default; see
 * include/virt/passthrough.h). Mapping a page gives the guest everything
 * in it, so:
 *
 *  - every node with a window (a reg entry, or the parent-side range of
 *    a translating bus) on the requested range must pass the table below:
 *    the interrupt controller and its children (GICD, every GICR region,
 *    GICC/GICH/GICV, the ITS) would let the guest steer the host's
 *    interrupts; a device that can do DMA reaches all of host memory, as
 *    there is no SMMU and the guest's addresses are not host addresses
 *    anyway (its RAM at IPA 0x40000000 is not host PA 0x40000000);
 *  - every page of the range must be covered by such a node: what the
 *    tree does not describe (secure-world devices, an undescribed DMA
 *    master, a hole) is not given away on trust.
 *
 * Pure (reads only the tree it is given), so host unit tests run it on
 * QEMU's own tree and on made-up ones.
 */
#include "passthrough_priv.h"
#include <lib/errmsg.h>
#include <lib/fmt.h>
#include <lib/string.h>
#include <zvm/compiler.h>
#include <zvm/errno.h>

#define PT_PATH_LEN 80

enum pt_match {
	PT_ANCESTOR,	/* the node or an ancestor has property `name` */
	PT_PROP,	/* the node has property `name` */
	PT_COMPAT,	/* its compatible list holds `name` */
	PT_TYPE,	/* its device_type is `name` */
	PT_PARENT,	/* its parent's name is `name` */
	PT_HOST_UART,	/* a reg entry holds the host console's base */
	PT_DISABLED,	/* status is neither "okay" nor absent */
	PT_NO_COMPAT,	/* no compatible: not a device */
	PT_RANGES,	/* a non-empty `ranges`: its children are translated */
};

struct pt_deny {
	enum pt_match match;
	const char *name;
	bool dma;		/* refused only because it can do DMA */
	const char *why;
};

/* In this order: the first match is the reason given. */
static const struct pt_deny deny[] = {
	{ PT_ANCESTOR, "interrupt-controller", false, "is part of the host's interrupt controller" },
	{ PT_PROP, "msi-controller", false, "is the host's MSI controller" },
	{ PT_PROP, "#iommu-cells", false, "is an IOMMU (it controls other devices' DMA)" },
	{ PT_HOST_UART, NULL, false, "is the host's console UART" },
	{ PT_TYPE, "memory", false, "is RAM, not a device" },
	{ PT_PARENT, "reserved-memory", false, "is reserved memory, not a device" },
	{ PT_DISABLED, NULL, false, "is disabled in the host device tree" },
	{ PT_NO_COMPAT, NULL, false, "has no compatible: not a device" },
	{ PT_COMPAT, "qemu,fw-cfg-mmio", true, "can do DMA" },
	{ PT_COMPAT, "virtio,mmio", true, "can do DMA" },
	{ PT_COMPAT, "pci-host-ecam-generic", true, "is a PCI host bridge (its devices can do DMA)" },
	{ PT_COMPAT, "pci-host-cam-generic", true, "is a PCI host bridge (its devices can do DMA)" },
	{ PT_TYPE, "pci", true, "is a PCI host bridge (its devices can do DMA)" },
	{ PT_PROP, "#dma-cells", true, "is a DMA controller" },
	{ PT_PROP, "dma-coherent", true, "can do DMA (dma-coherent)" },
	{ PT_PROP, "iommus", true, "can do DMA (iommus)" },
	{ PT_PROP, "iommu-map", true, "can do DMA (iommu-map)" },
	{ PT_PROP, "dmas", true, "can do DMA (dmas)" },
	{ PT_PROP, "msi-parent", true, "can do DMA (msi-parent: it writes MSIs)" },
	{ PT_PROP, "msi-map", true, "can do DMA (msi-map: its devices write MSIs)" },
	{ PT_RANGES, NULL, false, "translates its children's addresses (ranges)" },
};

static bool has_prop(const struct fdt *f, int node, const char *name)
{
	return fdt_getprop(f, node, name, NULL) != NULL;
}

static bool has_ancestor_prop(const struct fdt_iter *it, const char *name)
{
	for (int d = it->depth; d > 0; d--)
		if (has_prop(it->f, it->path[d], name))
			return true;
	return false;
}

static bool string_is(const struct fdt *f, int node, const char *prop, const char *s)
{
	const char *v = fdt_getprop_string(f, node, prop);

	return v && !strcmp(v, s);
}

static bool name_is(const struct fdt *f, int node, const char *name)
{
	const char *s = fdt_node_name(f, node, NULL);

	return s && !strcmp(s, name);
}

static bool holds_host_uart(const struct fdt_iter *it, u64 uart)
{
	u64 base, size;

	for (int i = 0; it->phys && !fdt_get_reg(it->f, it->node, i, &base, &size); i++)
		if (uart - base < size)
			return true;
	return false;
}

static bool translates(const struct fdt *f, int node)
{
	int len;

	return fdt_getprop(f, node, "ranges", &len) && len > 0;
}

static bool matches(const struct pt_rules *r, const struct fdt_iter *it, const struct pt_deny *e)
{
	const struct fdt *f = it->f;
	int n = it->node;

	switch (e->match) {
	case PT_ANCESTOR:
		return has_ancestor_prop(it, e->name);
	case PT_PROP:
		return has_prop(f, n, e->name);
	case PT_COMPAT:
		return fdt_node_check_compatible(f, n, e->name) == 0;
	case PT_TYPE:
		return string_is(f, n, "device_type", e->name);
	case PT_PARENT:
		return name_is(f, it->path[it->depth - 1], e->name);
	case PT_HOST_UART:
		return holds_host_uart(it, r->host_uart);
	case PT_DISABLED:
		return !fdt_node_is_enabled(f, n);
	case PT_NO_COMPAT:
		return !has_prop(f, n, "compatible");
	case PT_RANGES:
		return translates(f, n);
	}
	return true;
}

/* A DMA master is let through only where the VM may own one (allow_dma)
 * and the template marks the device dma: never by accident. */
static const struct pt_deny *denied(const struct pt_rules *r, const struct fdt_iter *it,
				    const struct pack_dev *d)
{
	bool dma_ok = r->allow_dma && (d->flags & PACK_DEV_F_DMA);

	for (size_t i = 0; i < ARRAY_SIZE(deny); i++)
		if (!(deny[i].dma && dma_ok) && matches(r, it, &deny[i]))
			return &deny[i];
	return NULL;
}

/* One parent-side range of a translating bus: its children are in there. */
static bool range_window(const struct fdt_iter *it, int i, u64 *base, u64 *size)
{
	const struct fdt *f = it->f;
	int len, cac = fdt_address_cells(f, it->node), sc = fdt_size_cells(f, it->node);
	int pac = fdt_address_cells(f, it->path[it->depth - 1]);
	const u8 *p = fdt_getprop(f, it->node, "ranges", &len);
	int cells = cac + pac + sc;

	if (!p || cac < 0 || pac < 0 || sc < 0 || !cells || (i + 1) * cells * 4 > len)
		return false;
	p += (size_t)i * cells * 4;
	return !fdt_read_cells(p + cac * 4, pac, base) &&
	       !fdt_read_cells(p + (cac + pac) * 4, sc, size);
}

/* Window i of the node in physical addresses: its reg entries, then the
 * ranges of a translating bus. False after the last. */
static bool window(const struct fdt_iter *it, int i, u64 *base, u64 *size)
{
	int nreg = it->phys ? fdt_reg_count(it->f, it->node) : 0;

	if (!it->phys)
		return false;
	if (nreg < 0)
		nreg = 0;
	if (i < nreg)
		return !fdt_get_reg(it->f, it->node, i, base, size);
	return range_window(it, i - nreg, base, size);
}

static bool on_range(const struct fdt_iter *it, const struct pack_dev *d)
{
	u64 base, size;

	for (int i = 0; window(it, i, &base, &size); i++)
		if (pt_overlaps(base, size, d->base, d->size))
			return true;
	return false;
}

static void node_path(const struct fdt_iter *it, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (int d = 1; d <= it->depth && n < len; d++) {
		const char *name = fdt_node_name(it->f, it->path[d], NULL);

		n += (size_t)fmt_snprintf(buf + n, len - n, "/%s", name ? name : "?");
	}
}

static int refuse(const struct pt_rules *r, const struct fdt_iter *it, const struct pt_deny *e,
		  const struct pack_dev *d, char *err, size_t errlen)
{
	const char *compat = fdt_getprop_string(it->f, it->node, "compatible");
	char path[PT_PATH_LEN];

	node_path(it, path, sizeof(path));
	return errmsg_set(err, errlen, -EINVAL, DEV_FMT ": %s%s%s%s %s; passthrough refused%s",
			  DEV_ARGS(d), path, compat ? " (" : "", compat ? compat : "",
			  compat ? ")" : "", e->why,
			  !e->dma ? "" : r->allow_dma ? " (mark it dma in the template)"
						  : " (no SMMU, and the VM is not identity-mapped)");
}

static int check_nodes(const struct pt_rules *r, const struct pack_dev *d, char *err,
		       size_t errlen)
{
	struct fdt_iter it;
	const struct pt_deny *e;

	fdt_iter_start(&it, r->host_dt);
	while (fdt_iter_next(&it))
		if (on_range(&it, d) && (e = denied(r, &it, d)))
			return refuse(r, &it, e, d, err, errlen);
	return 0;
}

/* Whether a window covers the page at addr; *last gets the last byte of
 * the last page the furthest-reaching such window covers. Only nodes that
 * check_nodes() accepted can cover a page of the device. */
static bool reach(const struct fdt *f, u64 addr, u64 *last)
{
	struct fdt_iter it;
	u64 base, size, end;
	bool found = false;

	fdt_iter_start(&it, f);
	while (fdt_iter_next(&it))
		for (int i = 0; window(&it, i, &base, &size); i++) {
			if (!size)
				continue;
			end = base + size - 1 < base ? ~0ULL : (base + size - 1) | (PT_PAGE - 1);
			if ((base & ~(PT_PAGE - 1)) <= addr && addr <= end && (!found || end > *last)) {
				*last = end;
				found = true;
			}
		}
	return found;
}

static int check_described(const struct pt_rules *r, const struct pack_dev *d, char *err,
			   size_t errlen)
{
	u64 last = d->base + d->size - 1, at = d->base, to = 0;

	while (reach(r->host_dt, at, &to)) {
		if (to >= last)
			return 0;
		at = to + 1;	/* to >= at: always progresses */
	}
	return errmsg_set(err, errlen, -EINVAL,
			  DEV_FMT ": nothing in the host device tree at %#llx; only described "
			  "devices can be passed through", DEV_ARGS(d), (unsigned long long)at);
}

int pt_check_dt(const struct pt_rules *r, const struct pack_dev *d, char *err, size_t errlen)
{
	int ret;

	if (!r->host_dt)
		return errmsg_set(err, errlen, -EINVAL,
				  DEV_FMT ": no host device tree to check it against", DEV_ARGS(d));
	ret = check_nodes(r, d, err, errlen);
	return ret ? ret : check_described(r, d, err, errlen);
}
