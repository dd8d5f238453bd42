/*
 * The kernel side of drivers/pci.c: config space through the ECAM window
 * of the device tree's "pci-host-ecam-generic" node (PCIe base 4.0, 7.2.2:
 * bus 20:27, device 15:19, function 12:14, register 0:11). Only bus
 * bus-range[0] is scanned (our hypervisor gives a VM bus 0 alone).
 */
#include <arch/mmio.h>
#include <arch/mmu.h>
#include <drivers/pci_ecam.h>
#include <kernel/platform.h>
#include <kernel/printk.h>
#include <zvm/errno.h>

static struct fdt dt;
static int host_node = -1;
static struct pci_host host;
static volatile u8 *ecam;
static struct pci_dev devs[PCI_MAX_DEVS];
static unsigned int ndevs;
static bool scanned;

static volatile u32 *cfg_reg(u32 devfn, u32 off)
{
	return (volatile u32 *)(ecam + (devfn << 12 | (off & 0xffc)));
}

static u32 ecam_read(void *ctx, u32 bus, u32 devfn, u32 off)
{
	return bus == host.bus_start && devfn < 256 ? mmio_read32(cfg_reg(devfn, off)) : ~0u;
}

static void ecam_write(void *ctx, u32 bus, u32 devfn, u32 off, u32 val)
{
	if (bus == host.bus_start && devfn < 256)
		mmio_write32(cfg_reg(devfn, off), val);
}

static const struct pci_cfg ecam_cfg = { ecam_read, ecam_write, NULL };

static void found(const struct pci_dev *d, int err, const char *msg, void *ctx)
{
	if (err) {
		pr_err("pci: %02x:%02x.%x %04x:%04x skipped: %s", d->bus, d->dev, d->fn, d->vendor,
		       d->device, msg);
		return;
	}
	if (ndevs == PCI_MAX_DEVS)
		pr_warn("pci: more than %u functions, ignoring %02x:%02x.%x", PCI_MAX_DEVS, d->bus,
			d->dev, d->fn);
	else
		devs[ndevs++] = *d;
}

static int host_setup(void)
{
	char err[128];
	int r;

	if ((r = fdt_open(&dt, plat.dtb, plat.dtb_size))) {
		pr_err("pci: device tree: %s", fdt_errmsg(&dt));
		return r;
	}
	if ((host_node = pci_dt_find_host(&dt)) < 0)
		return 0;
	if ((r = pci_dt_host(&dt, host_node, &host, err, sizeof(err)))) {
		pr_err("%s: PCI disabled", err);
		return r;
	}
	/* One bus of ECAM: the first in bus-range. */
	r = mmu_map(host.ecam_base, host.ecam_base, PCI_ECAM_BUS_SIZE, MMU_DEVICE);
	if (r && r != -EEXIST) {
		pr_err("pci: cannot map ECAM at %#llx: %d", (unsigned long long)host.ecam_base, r);
		return r;
	}
	ecam = (volatile u8 *)host.ecam_base;
	return 1;
}

int pci_init(void)
{
	int r;

	if (scanned)
		return (int)ndevs;
	scanned = true;
	if ((r = host_setup()) <= 0)
		return r;
	pci_scan_bus(&ecam_cfg, &host, found, NULL);
	pr_info("pci: ECAM %#llx bus %02x: %u function(s), BARs %s",
		(unsigned long long)host.ecam_base, host.bus_start, ndevs,
		host.probe_only ? "as the firmware assigned them" : "assigned by us");
	return (int)ndevs;
}

unsigned int pci_count(void)
{
	return ndevs;
}

const struct pci_dev *pci_get(unsigned int i)
{
	return i < ndevs ? &devs[i] : NULL;
}

u32 pci_read32(const struct pci_dev *d, u32 off)
{
	return ecam_read(NULL, d->bus, PCI_DEVFN(d->dev, d->fn), off);
}

void pci_write32(const struct pci_dev *d, u32 off, u32 val)
{
	ecam_write(NULL, d->bus, PCI_DEVFN(d->dev, d->fn), off, val);
}

int pci_intx_irq(const struct pci_dev *d, u32 *intid)
{
	char err[128];
	int r;

	if (!d->pin)
		return -ENOENT;
	r = pci_dt_intx(&dt, host_node, d->bus, PCI_DEVFN(d->dev, d->fn), d->pin, intid, err,
			sizeof(err));
	if (r)
		pr_err("%s", err);
	return r;
}

volatile void *pci_map_bar(const struct pci_dev *d, int bar, unsigned int kind)
{
	const struct pci_bar *b = bar >= 0 && bar < PCI_NUM_BARS ? &d->bar[bar] : NULL;
	paddr_t base;
	size_t len;
	int r;

	if (!b || !b->size) {
		pr_err("pci: %02x:%02x.%x has no BAR%d", d->bus, d->dev, d->fn, bar);
		return NULL;
	}
	base = ALIGN_DOWN(b->cpu, PAGE_SIZE);
	len = ALIGN_UP(b->cpu + b->size, PAGE_SIZE) - base;
	r = mmu_map(base, base, len, kind);
	/* Device pages may be shared with another BAR: the same mapping. */
	if (r && !(r == -EEXIST && kind == MMU_DEVICE)) {
		pr_err("pci: cannot map BAR%d %#llx+%#llx: %d", bar, (unsigned long long)b->cpu,
		       (unsigned long long)b->size, r);
		return NULL;
	}
	return (volatile void *)b->cpu;
}
