/*
 * PCI Express on a generic ECAM host bridge (DT "pci-host-ecam-generic"):
 * the device-tree side (drivers/pci_dt.c), the bus scan and BAR decoding
 * (drivers/pci.c) and the kernel glue that maps ECAM and probes drivers
 * (drivers/pci_ecam.c). Only bus 0 is scanned: no bridges are followed.
 *
 * pci_dt.c and pci.c are pure (a device tree, config-space accessors):
 * host unit tests run them on QEMU's own tree and on a fake config space.
 * Everything read from the tree or from config space is validated; a bad
 * value is reported in the caller's message buffer, never trusted.
 */
#ifndef DRIVERS_PCI_H
#define DRIVERS_PCI_H

#include <lib/fdt.h>
#include <zvm/compiler.h>
#include <zvm/types.h>

#define PCI_MAX_WINDOWS 4
#define PCI_NUM_BARS 6
#define PCI_ECAM_BUS_SIZE (1u << 20)	/* 32 devices x 8 functions x 4 KiB */

/* Config space registers (PCI Local Bus 3.0, 6.1; type 0 header). */
#define PCI_VENDOR_ID 0x00		/* device id in bits 31:16 */
#define PCI_COMMAND 0x04		/* status in bits 31:16 */
#define PCI_CLASS_REV 0x08		/* class code in bits 31:8 */
#define PCI_HEADER 0x0c			/* header type in bits 23:16 */
#define PCI_BAR0 0x10
#define PCI_INTERRUPT 0x3c		/* line 7:0, pin 15:8 */
#define PCI_CMD_IO BIT(0)
#define PCI_CMD_MEM BIT(1)
#define PCI_CMD_INTX_DISABLE BIT(10)
#define PCI_HDR_MULTIFN 0x80

/* ranges space codes (IEEE 1275 PCI binding: phys.hi bits 25:24). */
#define PCI_SPACE_IO 1
#define PCI_SPACE_MEM32 2
#define PCI_SPACE_MEM64 3

struct pci_window {
	u32 space;			/* PCI_SPACE_MEM32 / PCI_SPACE_MEM64 */
	bool prefetch;
	u64 pci_base, cpu_base, size;
};

struct pci_host {
	u64 ecam_base, ecam_size;	/* CPU address of bus_start's config space */
	u32 bus_start, bus_end;
	struct pci_window win[PCI_MAX_WINDOWS];	/* memory windows only */
	unsigned int nwin;
	bool probe_only;		/* /chosen linux,pci-probe-only: BARs are fixed */
	u64 alloc[PCI_MAX_WINDOWS];	/* next free PCI address per window */
};

struct pci_bar {
	u64 cpu;			/* CPU physical address (0: none) */
	u64 size;			/* 0: BAR not implemented (or I/O, unused) */
	bool is64, prefetch;
};

struct pci_dev {
	u32 bus, dev, fn;
	u16 vendor, device;
	u32 class;			/* base class 23:16, sub 15:8, prog-if 7:0 */
	u8 pin;				/* INTx pin 1..4 (A..D), 0: none */
	struct pci_bar bar[PCI_NUM_BARS];
};

/* Config space access: 32-bit aligned, offset 0..4095 of function bdf. */
struct pci_cfg {
	u32 (*read32)(void *ctx, u32 bus, u32 devfn, u32 off);
	void (*write32)(void *ctx, u32 bus, u32 devfn, u32 off, u32 val);
	void *ctx;
};

#define PCI_DEVFN(dev, fn) (((dev) << 3) | (fn))

/* ---- device tree (pci_dt.c) ---------------------------------------------- */

/* The first enabled "pci-host-ecam-generic" node, -ENOENT when none. */
int pci_dt_find_host(const struct fdt *f);
/* ECAM window, bus-range, memory windows (ranges) and probe-only. */
int pci_dt_host(const struct fdt *f, int node, struct pci_host *h, char *err, size_t errlen);
/*
 * Resolve INTx `pin` (1..4) of bus/dev/fn through the node's
 * interrupt-map / interrupt-map-mask to a GIC SPI INTID. The map must
 * lead straight to a GICv3 and name a level-high SPI (INTx is a level).
 */
int pci_dt_intx(const struct fdt *f, int node, u32 bus, u32 devfn, u32 pin, u32 *intid,
		char *err, size_t errlen);

/* ---- bus scan and BARs (pci.c) ----------------------------------------- */

typedef void (*pci_found_fn)(const struct pci_dev *d, int err, const char *msg, void *ctx);

/*
 * Scan bus h->bus_start: every device 0..31, function 0 and, when its
 * header says multi-function, 1..7. For each function found, decode (and,
 * unless probe-only, assign) its BARs and enable memory decoding, then call
 * found(d, 0, "", ctx), or found(d, err, why, ctx) if it was left disabled.
 * Returns the number of functions found.
 */
int pci_scan_bus(const struct pci_cfg *cfg, struct pci_host *h, pci_found_fn found, void *ctx);
/* Decode one function's BARs into d->bar (see pci_scan_bus). */
int pci_setup_bars(const struct pci_cfg *cfg, struct pci_host *h, struct pci_dev *d,
		   char *err, size_t errlen);

#endif
