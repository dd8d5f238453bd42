/*
 * Virtual PCI host bridge: ECAM configuration space of bus 0 and the type 0
 * header of its devices (include/virt/vpci.h). Only what a generic ECAM
 * host driver and a driver that binds by IDs need: IDs, Command with the
 * PCI 2.3 INTx Disable bit and Status with its Interrupt Status bit (Linux's
 * uio_pci_generic refuses devices without them), fixed memory BARs that
 * answer the all-ones sizing probe, Interrupt Line/Pin, no capabilities.
 */
#include <kernel/mm.h>
#include <virt/mmio.h>
#include <virt/vm.h>
#include <virt/vpci.h>
#include <zvm/errno.h>

#define CMD_WRITABLE (PCI_CMD_MEM | PCI_CMD_MASTER | PCI_CMD_INTX_DISABLE)
#define BAR_LOW_BITS 0xfu	/* memory BAR type and prefetch bits */

struct vpci {
	struct vpci_dev *slot[VPCI_MAX_DEVS];
};

u32 vpci_slot_intid(unsigned int slot)
{
	/* INTA (pin 1) of slot s: SPI 3 + (s + 1 - 1) % 4, QEMU virt's map. */
	return VPCI_INTX_INTID + slot % VPCI_NR_INTX;
}

/* The value of BAR b (address or, while probed, the size mask) as a u64. */
static u64 bar_value(const struct vpci_dev *d, unsigned int b, bool probe)
{
	return probe ? ~(d->bar[b].size - 1) : d->bar[b].addr;
}

static u32 bar_read(const struct vpci_dev *d, unsigned int i)
{
	bool probe = d->sizing & BIT(i);

	if (d->bar[i].size)
		return ((u32)bar_value(d, i, probe) & ~BAR_LOW_BITS) | d->bar[i].flags;
	if (i > 0 && d->bar[i - 1].size && (d->bar[i - 1].flags & PCI_BAR_MEM64))
		return (u32)(bar_value(d, i - 1, probe) >> 32);
	return 0;
}

u32 vpci_cfg_read(struct vpci_dev *d, u32 reg)
{
	u32 status;

	switch (reg) {
	case PCI_VENDOR_ID:
		return d->vendor | (u32)d->device << 16;
	case PCI_COMMAND:
		status = d->ops->intx_asserted(d) ? PCI_STATUS_INTX : 0;
		return d->command | status << 16;
	case PCI_CLASS_REV:
		return d->class_rev;
	case PCI_SUBSYSTEM:
		return d->subsys_vendor | (u32)d->subsys << 16;
	case PCI_INTERRUPT:
		return d->intx_line | (u32)d->intx_pin << 8;
	default:
		if (reg >= PCI_BAR0 && reg < PCI_BAR0 + 4 * VPCI_NR_BARS)
			return bar_read(d, (reg - PCI_BAR0) / 4);
		return 0;	/* header type 0, no ROM, no capabilities, RAZ */
	}
}

static u32 byte_mask(u32 bytes)
{
	u32 m = 0;

	for (unsigned int i = 0; i < 4; i++)
		if (bytes & BIT(i))
			m |= 0xffu << (8 * i);
	return m;
}

/* Only a 32-bit all-ones write is a sizing probe (a narrower write has
 * zeros in val's other bytes); anything else (the driver restoring or
 * moving the BAR) is ignored: the address is fixed. */
static void bar_write(struct vpci_dev *d, unsigned int i, u32 val)
{
	if (val == 0xffffffffu)
		d->sizing |= BIT(i);
	else
		d->sizing &= ~BIT(i);
}

void vpci_cfg_write(struct vpci_dev *d, u32 reg, u32 val, u32 bytes)
{
	u32 m = byte_mask(bytes) & CMD_WRITABLE;

	if (reg == PCI_COMMAND && m) {
		/* Status (the upper half) has no write-1-to-clear bits set. */
		d->command = (u16)((d->command & ~m) | (val & m));
		d->ops->command_written(d);
	} else if (reg == PCI_INTERRUPT && (bytes & 1)) {
		d->intx_line = (u8)val;
	} else if (reg >= PCI_BAR0 && reg < PCI_BAR0 + 4 * VPCI_NR_BARS) {
		bar_write(d, (reg - PCI_BAR0) / 4, val);
	}
}

void vpci_dev_reset(struct vpci_dev *d)
{
	d->command = 0;
	d->intx_line = 0;
	d->sizing = 0;
}

static u64 all_ones(unsigned int size)
{
	return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

/* The device at ECAM offset off: function 0 of a populated slot, or NULL. */
static struct vpci_dev *ecam_dev(struct vpci *p, u64 off)
{
	u64 devfn = off >> 12;

	if (devfn & 7 || (devfn >> 3) >= VPCI_MAX_DEVS)
		return NULL;
	return p->slot[devfn >> 3];
}

/* Config accesses of 1, 2 or 4 bytes, naturally aligned (PCIe 3.0 7.2.2);
 * anything else reads zero and is ignored: a guest cannot fault here. */
static int vpci_access(void *dev, struct vcpu *v, u64 off, unsigned int size, bool write,
		       u64 *val)
{
	struct vpci_dev *d = ecam_dev(dev, off);
	u32 reg = (u32)off & 0xffc, shift = ((u32)off & 3) * 8;
	unsigned long flags;

	if (!write)
		*val = d ? 0 : all_ones(size);	/* no device: all-ones */
	if (!d || size > 4 || (off & (size - 1)))
		return MMIO_OK;
	flags = spin_lock_irqsave(d->lock);
	if (write)
		vpci_cfg_write(d, reg, (u32)(*val << shift), ((1u << size) - 1) << (off & 3));
	else
		*val = (vpci_cfg_read(d, reg) >> shift) & all_ones(size);
	spin_unlock_irqrestore(d->lock, flags);
	return MMIO_OK;
}

static const struct mmio_ops vpci_ops = { .access = vpci_access };

int vpci_add(struct vm *vm, unsigned int slot, struct vpci_dev *d)
{
	int r;

	if (slot >= VPCI_MAX_DEVS)
		return -EINVAL;
	if (!vm->vpci) {
		vm->vpci = kzalloc(sizeof(*vm->vpci));
		if (!vm->vpci)
			return -ENOMEM;
		r = mmio_bus_add(&vm->mmio, VPCI_ECAM_BASE, VPCI_ECAM_SIZE, &vpci_ops, vm->vpci,
				 "pci-ecam");
		if (r) {
			vpci_destroy(vm);
			return r;
		}
	}
	if (vm->vpci->slot[slot])
		return -EBUSY;
	vm->vpci->slot[slot] = d;
	return 0;
}

/* After the vCPUs are gone (no access in flight); the bus goes with the VM. */
void vpci_destroy(struct vm *vm)
{
	kfree(vm->vpci);
	vm->vpci = NULL;
}
