/*
 * Emulated MMIO. Each VM has a bus of regions (IPA range -> device); every
 * device describes its registers in a table of struct vreg, and
 * vreg_dispatch() checks offset, width and alignment once for all of them
 * (the pattern of KVM's vgic-mmio-v3.c and bhyve's vgic_v3.c).
 *
 * Device handlers never fail: validation happens in the dispatcher, which
 * returns MMIO_BAD_ACCESS for an access no register accepts; the caller
 * answers it the way hardware would (a synchronous external abort into the
 * guest) and logs it, rate-limited.
 */
#ifndef VIRT_MMIO_H
#define VIRT_MMIO_H

#include <zvm/compiler.h>

struct vcpu;

#define MMIO_OK 0
#define MMIO_BAD_ACCESS (-1)	/* no register, wrong width or misaligned */
#define MMIO_NO_DEVICE (-2)	/* no region at that address */
#define MMIO_DECLINED (-3)	/* atomic path only: left to the full exit */

/* Access sizes a register accepts (bit n = 2^n bytes). */
#define VREG_W8 BIT(0)
#define VREG_W16 BIT(1)
#define VREG_W32 BIT(2)
#define VREG_W64 BIT(3)

/*
 * A register, or an array of identical registers: offsets offset ..
 * offset + span - 1 (span = stride * count; span 0 means one register of
 * the widest allowed width). Handlers get the offset relative to the
 * register's start, so array handlers compute their index themselves, and
 * the access size in bytes; a byte access to a byte-accessible register
 * array (IPRIORITYR) arrives with size 1.
 */
struct vreg {
	u32 offset;
	u32 span;
	u8 widths;
	u64 (*read)(void *dev, struct vcpu *v, u32 off, unsigned int size);
	void (*write)(void *dev, struct vcpu *v, u32 off, unsigned int size, u64 val);
};

/* Read-as-zero / write-ignored helpers for table entries. */
u64 vreg_raz(void *dev, struct vcpu *v, u32 off, unsigned int size);
void vreg_wi(void *dev, struct vcpu *v, u32 off, unsigned int size, u64 val);

/*
 * Dispatch one access at `off` within a device: finds the register whose
 * range holds off, checks size is one of its widths and off is aligned to
 * size, then calls read (result in *val, zero-extended to the access size)
 * or write. Returns MMIO_OK or MMIO_BAD_ACCESS.
 */
int vreg_dispatch(const struct vreg *regs, size_t n, void *dev, struct vcpu *v, u32 off,
		  unsigned int size, bool write, u64 *val);

struct mmio_ops {
	/* Same contract as vreg_dispatch(): MMIO_OK or MMIO_BAD_ACCESS. */
	int (*access)(void *dev, struct vcpu *v, u64 off, unsigned int size, bool write,
		      u64 *val);
	/*
	 * Optional: the same access from the guest's exception vector
	 * (vcpu_dabt_fast(): IRQs masked, on the exception stack, no thread
	 * switch, no vGIC flush before the guest resumes). MMIO_OK when done;
	 * MMIO_DECLINED, before any side effect, for anything that needs more
	 * - an interrupt line that changes, something that may sleep or print,
	 * a bad access (the full exit reports it).
	 */
	int (*access_atomic)(void *dev, struct vcpu *v, u64 off, unsigned int size, bool write,
			     u64 *val);
};

struct mmio_region {
	paddr_t base;
	u64 size;
	const struct mmio_ops *ops;
	void *dev;
	const char *name;
};

#define MMIO_MAX_REGIONS 32

struct mmio_bus {
	struct mmio_region r[MMIO_MAX_REGIONS];
	unsigned int n;
};

void mmio_bus_init(struct mmio_bus *bus);
/* -EBUSY if it overlaps a region already there, -ENOSPC when full. */
int mmio_bus_add(struct mmio_bus *bus, paddr_t base, u64 size, const struct mmio_ops *ops,
		 void *dev, const char *name);
const struct mmio_region *mmio_bus_find(const struct mmio_bus *bus, paddr_t addr);
/* MMIO_OK, MMIO_BAD_ACCESS or MMIO_NO_DEVICE. */
int mmio_bus_access(const struct mmio_bus *bus, struct vcpu *v, paddr_t addr,
		    unsigned int size, bool write, u64 *val);
/* Through the device's access_atomic: MMIO_OK or MMIO_DECLINED. */
int mmio_bus_access_atomic(const struct mmio_bus *bus, struct vcpu *v, paddr_t addr,
			   unsigned int size, bool write, u64 *val);

#endif
