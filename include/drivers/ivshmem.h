/*
 * ivshmem (PCI 1af4:1110), QEMU's register layout, which ZVM's virtual
 * device follows (docs/ivc.md, docs/virtualization.md): BAR0 = registers,
 * BAR2 = the shared memory. Doorbells raise the receiver's INTx; every
 * device's interrupt wakes the one waiter of ivshmem_wait().
 */
#ifndef DRIVERS_IVSHMEM_H
#define DRIVERS_IVSHMEM_H

#include <drivers/pci.h>

#define IVSHMEM_VENDOR 0x1af4
#define IVSHMEM_DEVICE 0x1110
#define IVSHMEM_MAX 4

/* BAR0 registers. */
#define IVSHMEM_INTR_MASK 0x00
#define IVSHMEM_INTR_STATUS 0x04	/* read returns and clears */
#define IVSHMEM_IV_POSITION 0x08	/* our peer id */
#define IVSHMEM_DOORBELL 0x0c		/* peer << 16 | vector */
#define IVSHMEM_VECTORS 8

struct ivshmem {
	struct pci_dev pci;
	volatile u32 *regs;
	volatile void *shm;
	u64 shm_size;
	u32 peer_id;			/* IVPosition as read (may be ~0: none) */
	u32 intid;			/* 0: no interrupt (we poll) */
	u64 irqs;			/* interrupts with a status bit set */
	u64 irq_at;			/* CNTPCT at the last one's handler entry */
	u64 storms;			/* times masked: rung faster than drained */
	u64 doorbells;			/* doorbells we rang */
};

/* Probe every ivshmem function found by pci_init(). Idempotent; returns
 * the number of usable devices. */
int ivshmem_init(void);
unsigned int ivshmem_count(void);
struct ivshmem *ivshmem_get(unsigned int i);
/* Ring peer's doorbell `vector` (0..7). */
int ivshmem_ring(struct ivshmem *v, u32 peer, u32 vector);
/* Wait for any device's interrupt, at most timeout ticks (0 or -ETIMEDOUT);
 * the caller then drains every device (a storm's doorbells coalesce). */
int ivshmem_wait(u64 timeout);
/* The physical counter: the same in every VM, unlike the virtual one
 * (CNTVCT = CNTPCT - the VM's CNTVOFF), so peers can compare stamps. */
u64 ivshmem_stamp(void);

#endif
