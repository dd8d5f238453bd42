/*
 * Host test harness for the vGIC: a stub VM (vm_api.h), a register bus at
 * the QEMU virt addresses, and a simulated guest that acknowledges and
 * EOIs through the LR bank the way the virtual CPU interface would.
 */
#ifndef TESTS_VGIC_TEST_H
#define TESTS_VGIC_TEST_H

#include <virt/mmio.h>
#include <virt/vgic.h>
#include <virt/vm_api.h>

struct vcpu {
	unsigned int id;
	struct vm *vm;
};

struct vm {
	unsigned int nr_vcpus;
	struct vcpu v[VGIC_MAX_VCPUS];
	unsigned int kicks[VGIC_MAX_VCPUS];	/* vcpu_kick() calls per vCPU */
	unsigned int kicks_counted;		/* of those, seen in flight */
};

/* vgic_hook_kicks_done() calls, all VMs. */
extern unsigned int vgic_kick_batches;

/* A VM with its vGIC registered on a bus (QEMU virt layout). */
struct tvm {
	struct vm vm;
	struct vgic_dist d;
	struct vgic_cpu cpus[VGIC_MAX_VCPUS];
	struct vgic_irq spis[VGIC_MAX_SPIS];
	struct mmio_bus bus;
};

#define GICD VGIC_DIST_BASE
#define GICR(n) (VGIC_REDIST_BASE + (n) * VGIC_REDIST_STRIDE)
#define GICR_SGI(n) (GICR(n) + 0x10000)

struct tvm *tvm_new(unsigned int nr_vcpus, unsigned int nr_spis, unsigned int nr_lr);
void tvm_free(struct tvm *t);
struct vcpu *tvcpu(struct tvm *t, unsigned int n);

/* Bus accesses as vCPU 0; they assert MMIO_OK. */
u64 rd(struct tvm *t, paddr_t addr, unsigned int size);
void wr(struct tvm *t, paddr_t addr, unsigned int size, u64 val);
/* The raw status (MMIO_OK, MMIO_BAD_ACCESS, MMIO_NO_DEVICE). */
int access_status(struct tvm *t, paddr_t addr, unsigned int size, bool write);

/* Enable both groups in GICD_CTLR, and intid (as vCPU n's for private). */
void enable_dist(struct tvm *t);
void enable_irq(struct tvm *t, unsigned int n, u32 intid);
void set_prio(struct tvm *t, unsigned int n, u32 intid, u8 prio);

/* The simulated guest on vCPU n's LR bank. */
struct vgic_lr_bank *bank(struct tvm *t, unsigned int n);
/* A fast path writes LR i of vCPU n's hardware while it runs; the bank
 * stands for the hardware, and the exit's read of the LRs that hold
 * something (vgic_hw_read_held_lrs()) puts i in bank.used. */
void hw_lr_write(struct tvm *t, unsigned int n, unsigned int i, u64 val);
int lr_find(struct tvm *t, unsigned int n, u32 intid);	/* LR index or -1 */
u64 lr_state(struct tvm *t, unsigned int n, u32 intid);	/* VGIC_LR_STATE bits or 0 */
void guest_ack(struct tvm *t, unsigned int n, u32 intid);	/* pending -> active */
void guest_eoi(struct tvm *t, unsigned int n, u32 intid);	/* deactivate */
/* flush, then ack + EOI every pending LR; returns how many, ids in out[]. */
unsigned int guest_take_all(struct tvm *t, unsigned int n, u32 *out, unsigned int max);

#endif
