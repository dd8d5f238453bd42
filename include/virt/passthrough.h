/*
 * Device passthrough: a template's `device = BASE SIZE [SPI]` regions are
 * identity-mapped into the VM's stage 2 as device memory, and the SPI is
 * hardware-linked to the same virtual INTID (LR.HW = 1), routed to the pCPU
 * of vCPU 0. One VM owns a region or an SPI at a time.
 *
 * Validation (virt/passthrough_check.c) is pure, so host unit tests run it;
 * the kernel side (virt/passthrough.c) builds the rules from the platform
 * and the VM, checks, then claims, maps and wires (never the other way).
 */
#ifndef VIRT_PASSTHROUGH_H
#define VIRT_PASSTHROUGH_H

#include <lib/fdt.h>
#include <lib/pack.h>
#include <zvm/types.h>

/* A range a passthrough device must not overlap, and what it is. */
struct pt_region {
	u64 base, size;
	const char *what;	/* "guest RAM", "the host UART", ... */
};

/* An INTID that cannot be passed through, and why. */
struct pt_busy_irq {
	u32 intid;
	const char *what;	/* "the host UART's interrupt", ... */
};

/* A device a VM owns; size 0 = a free slot. */
struct pt_claim {
	u64 base, size;
	u32 irq;		/* 0 = none */
	unsigned int vm;	/* the owner's id (`zvm info`) */
};

struct pt_rules {
	const struct pt_region *regions;
	unsigned int nregions;
	const struct pt_busy_irq *irqs;
	unsigned int nirqs;
	const struct pt_claim *claims;
	unsigned int nclaims;
	u32 nr_irqs;		/* the physical GIC has INTIDs below this */
	u32 guest_nr_irqs;	/* the VM's vGIC has INTIDs below this */
	const struct fdt *host_dt;	/* what is at each address; NULL: refuse all */
	u64 host_uart;		/* the host console's base: its node is the host's */
	/* Whether this VM may own devices that can do DMA (those its template
	 * marks `dma`): only when the DMA addresses its driver programs are
	 * right, i.e. its RAM is identity-mapped (IPA = PA) and, without an
	 * SMMU, the VM is trusted with all of physical memory. The seam for
	 * an SMMU: pt_dma_allowed() (virt/passthrough.c) is the one place
	 * that decides, per VM. */
	bool allow_dma;
};

/* Whether [a, a + as) and [b, b + bs) share a byte (sizes may be 0). */
bool pt_overlaps(u64 a, u64 as, u64 b, u64 bs);

/*
 * Check one device against the rules: a non-empty page-aligned range that
 * does not wrap, overlaps no region and no claim; an SPI (32..1019) the
 * physical GIC and the vGIC both have, not busy and not claimed. Returns 0
 * or -EINVAL/-EBUSY with a message in err, e.g.
 * "device 0x9010000+0x1000 is already passed through to vm 1".
 */
int pt_check_dev(const struct pt_rules *r, const struct pack_dev *d, char *err, size_t errlen);
/* Every device of a template, and no two of them overlapping or sharing
 * an SPI. */
int pt_check_devs(const struct pt_rules *r, const struct pack_dev *devs, unsigned int n,
		  char *err, size_t errlen);

#ifndef HOST_TEST
struct vm;

/* After virq_init(): check every template device, then claim, map and wire
 * them. Returns 0 or an error with a message in err; what was done is
 * undone by passthrough_release() (vm_free() calls it). */
int passthrough_attach(struct vm *vm, char *err, size_t errlen);
/* Whether the VM owns a DMA master without an SMMU between it and memory:
 * it can then read and write all of physical memory (`zvm info -n`). */
bool passthrough_dma_trusted(const struct vm *vm);
/* VM delete: disable the SPIs, clear their active state, drop the handlers
 * and the ownership. The stage-2 mappings go with the tables. */
void passthrough_release(struct vm *vm);
/* VM restart (after the vGIC reset): no physical SPI stays active for a
 * deactivation the reset guest will never do. */
void passthrough_reset(struct vm *vm);
/* VM restart, first step: the VM's physical SPIs disabled (they stay
 * claimed and linked); passthrough_resume() enables them again once the
 * vGIC is reset and the vCPUs exist. */
void passthrough_quiesce(struct vm *vm);
void passthrough_resume(struct vm *vm);
#endif

#endif
