/*
 * ivshmem devices (virt/vdev/ivshmem.c): a VM's view of the shared regions
 * its template joins, one PCI device per region (docs/virtualization.md,
 * "Inter-VM shared memory (ivshmem)"). Device k (the k-th region of the
 * template in pack order) is 00:0k.0, vendor 0x1af4 device 0x1110, with
 *
 *   BAR0  registers, 256 bytes (a 4 KiB page of its own, trapped):
 *         0x00 IntrMask RW, 0x04 IntrStatus (read returns and clears it,
 *         write sets it), 0x08 IVPosition RO = peer id, 0x0c Doorbell WO =
 *         (peer << 16) | vector; 32-bit accesses only, the rest RAZ/WI
 *   BAR2  the region, 64-bit prefetchable, mapped straight through stage 2
 *         (normal memory, execute-never: no trap on data accesses)
 *   INTA  level = (IntrStatus & IntrMask) != 0 && !Command.INTxDisable
 *
 * BAR addresses come from the bottom of the MMIO window: every BAR0 page
 * first, then each region aligned to its size (ivshmem_layout()).
 */
#ifndef VIRT_IVSHMEM_H
#define VIRT_IVSHMEM_H

#include <lib/pack_format.h>
#include <virt/vpci.h>
#include <zvm/types.h>

#define IVSHMEM_VENDOR 0x1af4
#define IVSHMEM_DEVICE 0x1110
#define IVSHMEM_SUBSYS 0x1100
#define IVSHMEM_CLASS_REV 0x05000001	/* RAM memory controller, revision 1 */
#define IVSHMEM_REGS_SIZE 0x100		/* BAR0 */
#define IVSHMEM_REGS_WINDOW 0x1000	/* its page in the guest */
#define IVSHMEM_VECTORS 8

#define IVSHMEM_INTRMASK 0x00
#define IVSHMEM_INTRSTATUS 0x04
#define IVSHMEM_IVPOSITION 0x08
#define IVSHMEM_DOORBELL 0x0c

struct vm;
struct shm_region;

struct ivshmem {
	struct vpci_dev pci;		/* its lock is region->lock */
	struct vm *vm;
	struct shm_region *region;
	u32 peer;			/* this VM's peer id in the region */
	u32 intid;
	u64 regs_ipa;			/* BAR0 */
	/* Under region->lock: */
	u32 status, mask;
	bool line;			/* INTx as last told to the vGIC */
	u64 rung, received;		/* doorbells sent / delivered to this VM */
};

/* BAR0 and BAR2 guest addresses for n regions of the given sizes. */
void ivshmem_layout(const u64 *sizes, unsigned int n, u64 *bar0, u64 *bar2);

/* VM setup, after the vGIC: a device for each region of its template,
 * each region's peer id claimed, BAR2 mapped. 0 or an error in err; undone
 * by ivshmem_detach() then ivshmem_destroy(). */
int ivshmem_attach(struct vm *vm, char *err, size_t errlen);
/* VM teardown, with the other interrupt sources (before virq_close()): the
 * peer ids given back, so no doorbell reaches this VM any more. */
void ivshmem_detach(struct vm *vm);
/* VM teardown, after its stage 2 is gone: devices freed, regions put. */
void ivshmem_destroy(struct vm *vm);
/* VM restart: registers and Command to power-on state (regions, peer ids
 * and mappings stay). */
void ivshmem_reset(struct vm *vm);

/* `zvm info -n`: region i of vm, read under the region's lock. */
struct ivshmem_info {
	const char *name;
	u64 size;
	u32 peer;
	u32 nmembers;
	int member_vm[PACK_SHM_MAX_PEERS];	/* VM id holding each peer id, -1 */
	u64 rung, received;
};
int ivshmem_get_info(struct vm *vm, unsigned int i, struct ivshmem_info *out);

#endif
