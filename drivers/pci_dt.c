/*
 * The device-tree description of a generic ECAM PCI host bridge
 * (Documentation/devicetree/bindings/pci/host-generic-pci.yaml in Linux,
 * and the IEEE 1275 PCI bus binding): reg = the ECAM window, bus-range,
 * ranges = the windows that map PCI memory space to CPU addresses, and
 * interrupt-map that routes each slot's INTx pins to the interrupt
 * controller. Pure: reads only the tree it is given.
 */
#include <drivers/pci.h>
#include <lib/byteorder.h>
#include <lib/errmsg.h>
#include <zvm/errno.h>

#define PCI_ADDR_CELLS 3	/* phys.hi, phys.mid, phys.lo */
#define PCI_SIZE_CELLS 2
#define PCI_INTR_CELLS 1	/* the INTx pin */
#define PCI_SPEC_CELLS (PCI_ADDR_CELLS + PCI_INTR_CELLS)
#define RANGE_PREFETCH BIT(30)	/* phys.hi "p" bit */
#define GIC_SPEC_CELLS 3	/* <type number flags> */
#define GIC_LEVEL_HIGH 4
#define GIC_MAX_SPI 987		/* INTID 1019 */
#define U32_END (1ULL << 32)

int pci_dt_find_host(const struct fdt *f)
{
	int node = -1;

	while ((node = fdt_node_offset_by_compatible(f, node, "pci-host-ecam-generic")) >= 0)
		if (fdt_node_is_enabled(f, node))
			return node;
	return -ENOENT;
}

static int dt_bus_range(const struct fdt *f, int node, struct pci_host *h, char *err,
			size_t errlen)
{
	u64 buses = h->ecam_size / PCI_ECAM_BUS_SIZE;
	int len;

	if (!fdt_getprop(f, node, "bus-range", &len)) {
		h->bus_start = 0;
		h->bus_end = (u32)(buses > 256 ? 255 : buses - 1);
		return 0;
	}
	if (len != 8 || fdt_getprop_cell(f, node, "bus-range", 0, &h->bus_start) ||
	    fdt_getprop_cell(f, node, "bus-range", 1, &h->bus_end))
		return errmsg_set(err, errlen, -EBADMSG, "pci: bus-range is not 2 cells");
	if (h->bus_start > h->bus_end || h->bus_end > 255 ||
	    h->bus_end - h->bus_start + 1 > buses)
		return errmsg_set(err, errlen, -EINVAL,
				  "pci: bus-range %u..%u does not fit buses 0..255 or the "
				  "%llu MiB ECAM window", h->bus_start, h->bus_end,
				  (unsigned long long)(h->ecam_size >> 20));
	return 0;
}

static int dt_ecam(const struct fdt *f, int node, struct pci_host *h, char *err, size_t errlen)
{
	if (fdt_get_reg(f, node, 0, &h->ecam_base, &h->ecam_size))
		return errmsg_set(err, errlen, -EBADMSG, "pci: host bridge has no reg (ECAM)");
	/* One bus is 1 MiB of ECAM (PCIe base 4.0, 7.2.2): base and size
	 * must be whole buses. */
	if (!h->ecam_size || (h->ecam_base | h->ecam_size) % PCI_ECAM_BUS_SIZE ||
	    h->ecam_base + h->ecam_size < h->ecam_base)
		return errmsg_set(err, errlen, -EINVAL, "pci: ECAM %#llx+%#llx is not whole 1 MiB "
				  "buses", (unsigned long long)h->ecam_base,
				  (unsigned long long)h->ecam_size);
	return dt_bus_range(f, node, h, err, errlen);
}

static bool wraps(u64 base, u64 size)
{
	return base + size < base;
}

/* One ranges entry: <phys.hi pci.hi pci.lo | cpu (pac cells) | size.hi size.lo>. */
static int dt_window(struct pci_host *h, const u8 *e, int pac, char *err, size_t errlen)
{
	u32 hi = ld_be32(e);
	struct pci_window w = { .space = (hi >> 24) & 3, .prefetch = !!(hi & RANGE_PREFETCH) };

	if (w.space != PCI_SPACE_MEM32 && w.space != PCI_SPACE_MEM64)
		return 0;		/* I/O space: no BAR of ours uses it */
	w.pci_base = ld_be64(e + 4);
	if (fdt_read_cells(e + 12, pac, &w.cpu_base) ||
	    fdt_read_cells(e + 12 + 4 * pac, PCI_SIZE_CELLS, &w.size))
		return errmsg_set(err, errlen, -ERANGE, "pci: ranges value beyond 64 bits");
	if (!w.size || wraps(w.pci_base, w.size) || wraps(w.cpu_base, w.size) ||
	    (w.space == PCI_SPACE_MEM32 && w.pci_base + w.size > U32_END))
		return errmsg_set(err, errlen, -EINVAL, "pci: bad ranges window pci %#llx cpu %#llx "
				  "size %#llx", (unsigned long long)w.pci_base,
				  (unsigned long long)w.cpu_base, (unsigned long long)w.size);
	if (h->nwin < PCI_MAX_WINDOWS) {
		h->alloc[h->nwin] = w.pci_base;
		h->win[h->nwin++] = w;
	}
	return 0;
}

static int dt_ranges(const struct fdt *f, int node, struct pci_host *h, char *err,
		     size_t errlen)
{
	int pac = fdt_address_cells(f, fdt_parent_offset(f, node)), len, ent, r = 0;
	const u8 *p = fdt_getprop(f, node, "ranges", &len);

	if (fdt_address_cells(f, node) != PCI_ADDR_CELLS ||
	    fdt_size_cells(f, node) != PCI_SIZE_CELLS)
		return errmsg_set(err, errlen, -EINVAL,
				  "pci: host bridge needs #address-cells 3 and #size-cells 2");
	if (pac < 1 || pac > 2)
		return errmsg_set(err, errlen, -EINVAL, "pci: parent #address-cells %d", pac);
	ent = 4 * (PCI_ADDR_CELLS + pac + PCI_SIZE_CELLS);
	if (!p || len <= 0 || len % ent)
		return errmsg_set(err, errlen, -EBADMSG, "pci: ranges missing or not whole "
				  "%d-byte entries", ent);
	for (int off = 0; off < len && !r; off += ent)
		r = dt_window(h, p + off, pac, err, errlen);
	if (!r && !h->nwin)
		r = errmsg_set(err, errlen, -ENOENT, "pci: ranges has no memory window");
	return r;
}

int pci_dt_host(const struct fdt *f, int node, struct pci_host *h, char *err, size_t errlen)
{
	int chosen = fdt_path_offset(f, "/chosen"), r;
	u32 po;

	*h = (struct pci_host){ 0 };
	errmsg_clear(err, errlen);
	if ((r = dt_ecam(f, node, h, err, errlen)) || (r = dt_ranges(f, node, h, err, errlen)))
		return r;
	/* Linux's of_pci_check_probe_only(): firmware (here: the hypervisor)
	 * assigned every BAR and nothing may move them. */
	h->probe_only = chosen >= 0 && !fdt_getprop_u32(f, chosen, "linux,pci-probe-only", &po) &&
			po;
	return 0;
}

/* A cell count property of an interrupt parent; absent #address-cells
 * means 0 there (Devicetree Spec 0.4, 2.4.3.1), unlike for a bus. */
static int cells_prop(const struct fdt *f, int node, const char *name, u32 dflt, u32 *out)
{
	int len;

	if (!fdt_getprop(f, node, name, &len)) {
		*out = dflt;
		return len == -ENOENT ? 0 : len;
	}
	return fdt_getprop_u32(f, node, name, out);
}

struct imap {
	const u8 *map;			/* interrupt-map */
	u32 ncells, mask[PCI_SPEC_CELLS], child[PCI_SPEC_CELLS];
};

static int imap_setup(const struct fdt *f, int node, struct imap *m, char *err, size_t errlen)
{
	const u8 *mask;
	int len, mlen;
	u32 ic;

	if (fdt_getprop_u32(f, node, "#interrupt-cells", &ic) || ic != PCI_INTR_CELLS)
		return errmsg_set(err, errlen, -EINVAL, "pci: host bridge needs #interrupt-cells 1");
	m->map = fdt_getprop(f, node, "interrupt-map", &len);
	if (!m->map || len <= 0 || len % 4)
		return errmsg_set(err, errlen, -ENOENT, "pci: host bridge has no usable interrupt-map");
	m->ncells = (u32)len / 4;
	mask = fdt_getprop(f, node, "interrupt-map-mask", &mlen);
	if (mask && mlen != 4 * PCI_SPEC_CELLS)
		return errmsg_set(err, errlen, -EBADMSG, "pci: interrupt-map-mask is not 4 cells");
	for (int i = 0; i < PCI_SPEC_CELLS; i++)
		m->mask[i] = mask ? ld_be32(mask + 4 * i) : ~0u;
	return 0;
}

static bool imap_match(const struct imap *m, u32 pos)
{
	for (int i = 0; i < PCI_SPEC_CELLS; i++)
		if ((ld_be32(m->map + 4 * (pos + i)) ^ m->child[i]) & m->mask[i])
			return false;
	return true;
}

/* The parent interrupt specifier of a matching entry: a level-high GIC SPI. */
static int imap_gic_spi(const struct fdt *f, int parent, const u8 *spec, u32 pic, u32 *intid,
			char *err, size_t errlen)
{
	u32 type, num, flags;

	if (fdt_node_check_compatible(f, parent, "arm,gic-v3") || pic != GIC_SPEC_CELLS)
		return errmsg_set(err, errlen, -ENOTSUP,
				  "pci: interrupt-map leads to something other than a GICv3");
	type = ld_be32(spec);
	num = ld_be32(spec + 4);
	flags = ld_be32(spec + 8) & 0xf;
	if (type != 0 || num > GIC_MAX_SPI || flags != GIC_LEVEL_HIGH)
		return errmsg_set(err, errlen, -EINVAL, "pci: interrupt-map gives <%u %u %u>, not a "
				  "level-high SPI", type, num, flags);
	*intid = num + 32;
	return 0;
}

/* Walk the entries: <child unit address (3) | pin (1) | parent phandle |
 * parent unit address (parent's #address-cells) | parent specifier
 * (parent's #interrupt-cells)>. Entries vary in length with the parent. */
static int imap_walk(const struct fdt *f, const struct imap *m, u32 *intid, char *err,
		     size_t errlen)
{
	for (u32 pos = 0, n = 0; pos < m->ncells; n++) {
		int parent;
		u32 pac, pic, spec;

		if (m->ncells - pos < PCI_SPEC_CELLS + 1)
			return errmsg_set(err, errlen, -EBADMSG, "pci: interrupt-map entry %u truncated", n);
		parent = fdt_find_phandle(f, ld_be32(m->map + 4 * (pos + PCI_SPEC_CELLS)));
		if (parent < 0)
			return errmsg_set(err, errlen, -ENOENT, "pci: interrupt-map entry %u: unknown "
					  "interrupt parent phandle", n);
		if (cells_prop(f, parent, "#address-cells", 0, &pac) ||
		    cells_prop(f, parent, "#interrupt-cells", ~0u, &pic) || pac > 4 || pic > 4)
			return errmsg_set(err, errlen, -EBADMSG, "pci: interrupt-map entry %u: parent "
					  "lacks valid #address-cells/#interrupt-cells", n);
		spec = pos + PCI_SPEC_CELLS + 1 + pac;
		if (m->ncells - spec < pic)
			return errmsg_set(err, errlen, -EBADMSG, "pci: interrupt-map entry %u truncated", n);
		if (imap_match(m, pos))
			return imap_gic_spi(f, parent, m->map + 4 * spec, pic, intid, err, errlen);
		pos = spec + pic;
	}
	return -ENOENT;
}

int pci_dt_intx(const struct fdt *f, int node, u32 bus, u32 devfn, u32 pin, u32 *intid,
		char *err, size_t errlen)
{
	struct imap m = { 0 };
	int r;

	errmsg_clear(err, errlen);
	if (pin < 1 || pin > 4 || bus > 255 || devfn > 255)
		return errmsg_set(err, errlen, -EINVAL, "pci: bad INTx pin %u", pin);
	if ((r = imap_setup(f, node, &m, err, errlen)))
		return r;
	/* The child unit address is phys.hi = bus 23:16, device 15:11,
	 * function 10:8 (IEEE 1275 PCI binding); the map already encodes the
	 * swizzle of each slot's pins. */
	m.child[0] = bus << 16 | devfn << 8;
	m.child[PCI_ADDR_CELLS] = pin;
	r = imap_walk(f, &m, intid, err, errlen);
	if (r == -ENOENT && !(err && errlen && err[0]))
		errmsg_set(err, errlen, r, "pci: interrupt-map has no entry for %02x:%02x.%x INT%c",
			   bus, devfn >> 3, devfn & 7, 'A' + pin - 1);
	return r;
}
