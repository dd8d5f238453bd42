/*
 * Bus 0 scan and BAR decoding through a config-space accessor (pure: host
 * unit tests drive it with a fake config space).
 *
 * BARs: with linux,pci-probe-only the firmware (ZVM, for our VMs) has
 * assigned them and we only check that each lies inside a `ranges`
 * window; without it (bare QEMU, no firmware) we are the firmware and
 * assign every memory BAR ourselves, naturally aligned, from the windows.
 * I/O BARs are left alone: nothing of ours uses I/O space.
 */
#include <drivers/pci.h>
#include <lib/errmsg.h>
#include <zvm/compiler.h>
#include <zvm/errno.h>

#define BAR_IO BIT(0)
#define BAR_TYPE(lo) (((lo) >> 1) & 3)	/* 0: 32-bit, 2: 64-bit */
#define BAR_TYPE_64 2
#define BAR_PREFETCH BIT(3)
#define BAR_FLAGS 0xfu
#define BAR_MIN_ALIGN 4096u		/* a page each: mapped separately */
#define U32_END (1ULL << 32)

static u32 rd(const struct pci_cfg *c, const struct pci_dev *d, u32 off)
{
	return c->read32(c->ctx, d->bus, PCI_DEVFN(d->dev, d->fn), off);
}

static void wr(const struct pci_cfg *c, const struct pci_dev *d, u32 off, u32 v)
{
	c->write32(c->ctx, d->bus, PCI_DEVFN(d->dev, d->fn), off, v);
}

/* Write the command register; status (31:16) is RW1C, so write zeros there. */
static void set_command(const struct pci_cfg *c, const struct pci_dev *d, u32 set, u32 clear)
{
	u32 cmd = rd(c, d, PCI_COMMAND) & 0xffff;

	wr(c, d, PCI_COMMAND, (cmd | set) & ~clear);
}

/* The BAR's address mask: write all ones, read back, restore (PCI Local
 * Bus 3.0, 6.2.5.1). A 32-bit BAR's upper half counts as all ones. */
static u64 bar_mask(const struct pci_cfg *c, const struct pci_dev *d, u32 off, bool is64,
		    u64 orig)
{
	u32 lo, hi = ~0u;

	wr(c, d, off, ~0u);
	lo = rd(c, d, off);
	wr(c, d, off, (u32)orig);
	if (is64) {
		wr(c, d, off + 4, ~0u);
		hi = rd(c, d, off + 4);
		wr(c, d, off + 4, (u32)(orig >> 32));
	}
	return (u64)hi << 32 | (lo & ~BAR_FLAGS);
}

/* The window holding [pci, pci + size), or -1. */
static int window_of(const struct pci_host *h, u64 pci, u64 size)
{
	for (unsigned int i = 0; i < h->nwin; i++) {
		const struct pci_window *w = &h->win[i];

		if (pci >= w->pci_base && size <= w->size && pci - w->pci_base <= w->size - size)
			return (int)i;
	}
	return -1;
}

/* First fit, naturally aligned; a 32-bit BAR only below 4 GiB. */
static int bar_alloc(struct pci_host *h, struct pci_bar *b, u64 *pci)
{
	u64 align = b->size < BAR_MIN_ALIGN ? BAR_MIN_ALIGN : b->size;

	for (unsigned int i = 0; i < h->nwin; i++) {
		const struct pci_window *w = &h->win[i];
		u64 a = (h->alloc[i] + align - 1) & ~(align - 1), end = w->pci_base + w->size;

		if (a < h->alloc[i] || a > end || end - a < b->size ||
		    (!b->is64 && a + b->size > U32_END))
			continue;
		h->alloc[i] = a + b->size;
		*pci = a;
		return (int)i;
	}
	return -1;
}

static int bar_place(const struct pci_cfg *c, struct pci_host *h, struct pci_dev *d, int i,
		     u64 orig, char *err, size_t errlen)
{
	struct pci_bar *b = &d->bar[i];
	u64 pci = orig & ~(u64)BAR_FLAGS;
	u32 off = PCI_BAR0 + 4 * (u32)i;
	int w;

	if (h->probe_only) {
		if (!pci)
			return errmsg_set(err, errlen, -ENODEV, "BAR%d (%#llx bytes) is unassigned and "
					  "linux,pci-probe-only forbids assigning it", i,
					  (unsigned long long)b->size);
		w = window_of(h, pci, b->size);
	} else {
		w = bar_alloc(h, b, &pci);
		if (w >= 0) {
			wr(c, d, off, (u32)pci);
			if (b->is64)
				wr(c, d, off + 4, (u32)(pci >> 32));
		}
	}
	if (w < 0 && h->probe_only)
		return errmsg_set(err, errlen, -ERANGE, "BAR%d %#llx+%#llx is outside the ranges "
				  "windows", i, (unsigned long long)pci, (unsigned long long)b->size);
	if (w < 0)
		return errmsg_set(err, errlen, -ERANGE, "BAR%d (%#llx bytes) does not fit in the "
				  "ranges windows", i, (unsigned long long)b->size);
	b->cpu = h->win[w].cpu_base + (pci - h->win[w].pci_base);
	return 0;
}

/* Decode BAR i; *used = 2 for a 64-bit BAR (it takes the next slot too). */
static int bar_decode(const struct pci_cfg *c, struct pci_host *h, struct pci_dev *d, int i,
		      int *used, char *err, size_t errlen)
{
	u32 off = PCI_BAR0 + 4 * (u32)i, lo = rd(c, d, off);
	struct pci_bar *b = &d->bar[i];
	u64 orig = lo, mask;

	*used = 1;
	if (lo & BAR_IO)
		return 0;
	if (BAR_TYPE(lo) != 0 && BAR_TYPE(lo) != BAR_TYPE_64)
		return errmsg_set(err, errlen, -EINVAL, "BAR%d has reserved type %u", i, BAR_TYPE(lo));
	b->is64 = BAR_TYPE(lo) == BAR_TYPE_64;
	b->prefetch = !!(lo & BAR_PREFETCH);
	if (b->is64) {
		if (i == PCI_NUM_BARS - 1)
			return errmsg_set(err, errlen, -EINVAL, "BAR5 claims to be 64-bit");
		*used = 2;
		orig |= (u64)rd(c, d, off + 4) << 32;
	}
	mask = bar_mask(c, d, off, b->is64, orig);
	if (b->is64 ? !mask : !(u32)mask)
		return 0;		/* not implemented */
	b->size = ~mask + 1;
	if (b->size & (b->size - 1))
		return errmsg_set(err, errlen, -EINVAL, "BAR%d size mask %#llx is not a power of two",
				  i, (unsigned long long)mask);
	return bar_place(c, h, d, i, orig, err, errlen);
}

int pci_setup_bars(const struct pci_cfg *c, struct pci_host *h, struct pci_dev *d,
		   char *err, size_t errlen)
{
	int r = 0, used;

	errmsg_clear(err, errlen);
	/* No decoding while a BAR holds all ones (PCI 3.0, 6.2.5.1). */
	set_command(c, d, 0, PCI_CMD_MEM | PCI_CMD_IO);
	for (int i = 0; i < PCI_NUM_BARS && !r; i += used)
		r = bar_decode(c, h, d, i, &used, err, errlen);
	if (r)
		return r;
	set_command(c, d, PCI_CMD_MEM, 0);
	return 0;
}

static void probe_fn(const struct pci_cfg *c, struct pci_host *h, struct pci_dev *d,
		     pci_found_fn found, void *ctx)
{
	u32 id = rd(c, d, PCI_VENDOR_ID), hdr = (rd(c, d, PCI_HEADER) >> 16) & 0x7f;
	char err[128] = "";
	int r = 0;

	d->vendor = (u16)id;
	d->device = (u16)(id >> 16);
	d->class = rd(c, d, PCI_CLASS_REV) >> 8;
	d->pin = (u8)(rd(c, d, PCI_INTERRUPT) >> 8);
	if (hdr != 0)
		r = errmsg_set(err, sizeof(err), -ENOTSUP, "header type %u (a bridge?): only "
			       "endpoints on bus %u are supported", hdr, d->bus);
	else if (d->pin > 4)
		r = errmsg_set(err, sizeof(err), -EINVAL, "interrupt pin %u is not 0..4", d->pin);
	else
		r = pci_setup_bars(c, h, d, err, sizeof(err));
	found(d, r, err, ctx);
}

int pci_scan_bus(const struct pci_cfg *c, struct pci_host *h, pci_found_fn found, void *ctx)
{
	int n = 0;

	for (u32 dev = 0; dev < 32; dev++) {
		for (u32 fn = 0; fn < 8; fn++) {
			struct pci_dev d = { .bus = h->bus_start, .dev = dev, .fn = fn };
			u32 hdr;

			if ((rd(c, &d, PCI_VENDOR_ID) & 0xffff) == 0xffff) {
				if (fn == 0)
					break;	/* no device: functions 1..7 absent too */
				continue;
			}
			hdr = rd(c, &d, PCI_HEADER) >> 16;
			probe_fn(c, h, &d, found, ctx);
			n++;
			if (fn == 0 && !(hdr & PCI_HDR_MULTIFN))
				break;
		}
	}
	return n;
}
