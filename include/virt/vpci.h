/*
 * A virtual PCI host bridge (virt/vdev/vpci.c): the ECAM window of one bus
 * and the type 0 configuration header of the devices on it, at the guest
 * addresses of <virt/vpci_layout.h>.
 *
 * BARs are assigned by us and fixed (/chosen linux,pci-probe-only): a write
 * of all-ones sizes a BAR, any other write is ignored and the fixed address
 * reads back. Devices exist only at function 0; every other function and
 * slot reads all-ones (no device). Unimplemented registers of a present
 * device read as zero and ignore writes; no access faults.
 */
#ifndef VIRT_VPCI_H
#define VIRT_VPCI_H

#include <kernel/spinlock.h>
#include <virt/vpci_layout.h>
#include <zvm/types.h>

#define VPCI_MAX_DEVS 4			/* slots 0..3: one INTID each */
#define VPCI_NR_BARS 6

/* Configuration header (PCI Local Bus 3.0, 6.1). */
#define PCI_VENDOR_ID 0x00
#define PCI_COMMAND 0x04
#define PCI_CLASS_REV 0x08
#define PCI_HEADER 0x0c
#define PCI_BAR0 0x10
#define PCI_SUBSYSTEM 0x2c
#define PCI_ROM 0x30
#define PCI_CAP_PTR 0x34
#define PCI_INTERRUPT 0x3c

#define PCI_CMD_MEM BIT(1)
#define PCI_CMD_MASTER BIT(2)
#define PCI_CMD_INTX_DISABLE BIT(10)	/* PCI 2.3 */
#define PCI_STATUS_INTX BIT(3)		/* PCI 2.3: Interrupt Status */

#define PCI_BAR_MEM64 0x4
#define PCI_BAR_PREFETCH 0x8

struct vpci_dev;

struct vpci_dev_ops {
	/* The device's INTx state before Command.INTxDisable (Status bit 3). */
	bool (*intx_asserted)(struct vpci_dev *d);
	/* Command was written: the device recomputes its INTx line. */
	void (*command_written)(struct vpci_dev *d);
};

/* A memory BAR; a 64-bit one also takes the next register (size 0 there). */
struct vpci_bar {
	u64 addr;		/* fixed, aligned to size */
	u64 size;		/* a power of two; 0 = not implemented */
	u32 flags;		/* PCI_BAR_MEM64, PCI_BAR_PREFETCH */
};

struct vpci_dev {
	u16 vendor, device, subsys_vendor, subsys;
	u32 class_rev;		/* class code << 8 | revision */
	u8 intx_pin;		/* 1 = INTA, 0 = none */
	u8 intx_line;		/* Interrupt Line: a scratch register for software */
	u16 command;
	u8 sizing;		/* BAR registers holding an all-ones probe (bit per BAR) */
	struct vpci_bar bar[VPCI_NR_BARS];
	/* Held around every configuration access: the device's own lock, so
	 * that Command.INTxDisable and its interrupt state change together. */
	spinlock_t *lock;
	const struct vpci_dev_ops *ops;
};

struct vm;

/* The register holding byte offset reg (dword aligned) of d's header. */
u32 vpci_cfg_read(struct vpci_dev *d, u32 reg);
/* Write the bytes of val selected by bytes (bit i = byte i) at the dword
 * reg; d->lock held (for ops->command_written). */
void vpci_cfg_write(struct vpci_dev *d, u32 reg, u32 val, u32 bytes);
/* Power-on state of the writable registers (a VM restart). */
void vpci_dev_reset(struct vpci_dev *d);
/* The INTID of the device in slot s (its pin is INTA). */
u32 vpci_slot_intid(unsigned int slot);

/* The VM's host bridge: its ECAM window on the MMIO bus (on the first
 * vpci_add()), and d in slot s. 0, -ENOMEM, -EBUSY (slot taken), -EINVAL. */
int vpci_add(struct vm *vm, unsigned int slot, struct vpci_dev *d);
void vpci_destroy(struct vm *vm);

#endif
