/*
 * Virtual GICv3: the emulated Distributor and Redistributors a guest sees,
 * and the List Register (LR) management that feeds the hardware virtual
 * CPU interface (GICv3 ICH_* registers; the guest uses ICC_* sysregs,
 * which hardware redirects to ICV_*).
 *
 * Guest ABI (as QEMU virt): Distributor at VGIC_DIST_BASE (64 KiB),
 * Redistributors from VGIC_REDIST_BASE, VGIC_REDIST_STRIDE bytes per vCPU
 * (RD_base frame + SGI_base frame); vCPU n has MPIDR Aff0 = n, Aff1..3 = 0.
 * Affinity routing always on, single security state (GICD_CTLR.DS = 1),
 * no LPIs/ITS.
 *
 * Model: every interrupt has one struct vgic_irq (private INTIDs 0-31 per
 * vCPU, SPIs per VM). An interrupt that is active, or pending and enabled,
 * sits on the ap_list of the vCPU it targets, ordered by priority (lower
 * value first) then INTID. vgic_flush() loads the head of that list into
 * the vCPU's LR bank before guest entry; vgic_sync() folds the LRs back
 * after exit. Between the two, the LR copy is the truth for those
 * interrupts ("live"). Only the LRs that changed are folded and refilled:
 * one the guest left as the flush wrote it stays in its LR across the
 * sync ("soft": the model is the truth for it again, any update takes it
 * out) and the next flush keeps it (vgic_lr.c).
 *
 * Locking: one spinlock per VM (struct vgic_dist.lock), taken with IRQs
 * masked by every function below; none may be called with it held.
 * vcpu_kick() is called only after the lock is dropped. The LR bank of a
 * vCPU belongs to the thread running that vCPU: only it calls
 * vgic_flush()/vgic_sync() and copies the bank to/from the ICH registers.
 */
#ifndef VIRT_VGIC_H
#define VIRT_VGIC_H

#include <virt/mmio.h>
#include <zvm/compiler.h>
#include <zvm/list.h>
#include <zvm/types.h>

#ifdef HOST_TEST
typedef struct {
	bool held;
} vgic_lock_t;
#define VGIC_LOCK_INIT { false }
#else
#include <kernel/spinlock.h>
typedef spinlock_t vgic_lock_t;
#define VGIC_LOCK_INIT SPINLOCK_INIT
#endif

struct vm;
struct vcpu;

/* Guest physical layout (QEMU virt). */
#define VGIC_DIST_BASE 0x08000000UL
#define VGIC_DIST_SIZE 0x10000UL
#define VGIC_REDIST_BASE 0x080A0000UL
#define VGIC_REDIST_STRIDE 0x20000UL	/* RD_base frame + SGI_base frame */

#define VGIC_NR_SGIS 16
#define VGIC_NR_PRIVATE 32
#define VGIC_DEFAULT_NR_SPIS 64		/* INTIDs 32..95 */
#define VGIC_MAX_SPIS 988		/* INTIDs 32..1019 */
#define VGIC_MAX_VCPUS 16		/* SGI TargetList reaches Aff0 0..15 */
#define VGIC_MAX_LR 16

#define VGIC_PPI_MAINT 25		/* maintenance interrupt (physical) */
#define VGIC_PPI_VTIMER 27
#define VGIC_PPI_PTIMER 30

/* ICH_LR<n>_EL2 (IHI 0069, ICH_LR<n>_EL2 description). */
#define VGIC_LR_VINTID_MASK GENMASK(31, 0)
#define VGIC_LR_PINTID_SHIFT 32		/* pINTID [44:32], only when HW = 1 */
#define VGIC_LR_PINTID_MASK GENMASK(44, 32)
#define VGIC_LR_EOI BIT_ULL(41)		/* HW = 0: maintenance IRQ on deactivation */
#define VGIC_LR_PRIO_SHIFT 48
#define VGIC_LR_PRIO_MASK GENMASK(55, 48)
#define VGIC_LR_GROUP1 BIT_ULL(60)
#define VGIC_LR_HW BIT_ULL(61)
#define VGIC_LR_PENDING BIT_ULL(62)
#define VGIC_LR_ACTIVE BIT_ULL(63)
#define VGIC_LR_STATE (VGIC_LR_PENDING | VGIC_LR_ACTIVE)

/* ICH_HCR_EL2 bits the model sets. */
#define VGIC_HCR_EN BIT(0)
#define VGIC_HCR_UIE BIT(1)		/* maintenance IRQ when <= 1 LR valid */

/* ICH_VMCR_EL2: the guest's priority mask, read for WFI wake-up. */
#define VGIC_VMCR_VPMR_SHIFT 24

/*
 * The per-vCPU image of the hardware virtual CPU interface. vgic_flush()
 * writes lr[0..nr_lr-1] and hcr; the world switch copies them to
 * ICH_LR<n>_EL2 / ICH_HCR_EL2 before entry and copies ICH_LR<n>_EL2 back
 * into lr[] after exit, before vgic_sync(). vmcr, ap0r and ap1r are the
 * guest's own CPU-interface state (PMR, BPR, group enables, active
 * priorities): the world switch saves them on every exit and restores
 * them on every entry; the model only clears them on reset and reads
 * vmcr's VPMR in vgic_vcpu_has_pending().
 */
struct vgic_lr_bank {
	u64 lr[VGIC_MAX_LR];
	u32 nr_lr;		/* ICH_VTR_EL2.ListRegs + 1, set by vgic_init() */
	u32 hcr;		/* ICH_HCR_EL2 to load on entry */
	u32 vmcr;		/* ICH_VMCR_EL2 */
	u32 ap0r[4];		/* ICH_AP0R<n>_EL2 (n < 2^(PREbits - 5)) */
	u32 ap1r[4];		/* ICH_AP1R<n>_EL2 */
	u32 kept;		/* LRs the last flush left as they were (see vgic_hw.h) */
	/* A superset of the LRs with lr[n] != 0, so that the copies in and
	 * out visit only those (vgic_hw.h): the flush and every model write
	 * of an LR (vgic_lr_set()) keep it, the hardware reads set it. */
	u32 used;
};

#define VGIC_NONE 0xff		/* no vCPU / no LR */

/* One interrupt. Fields are private to virt/vgic/; callers only allocate. */
struct vgic_irq {
	struct list_node node;	/* on cpu[queued].ap_list */
	u64 irouter;		/* SPIs: GICD_IROUTER<n> */
	u16 intid;
	u16 hwintid;		/* physical INTID when hw */
	u8 prio;
	u8 target;		/* routed vCPU, VGIC_NONE if none */
	u8 queued;		/* vCPU whose ap_list holds it, or VGIC_NONE */
	u8 lr;			/* LR index while live in queued's LRs, or VGIC_NONE */
	bool enabled;
	bool group1;
	bool edge;		/* ICFGR: edge-triggered (else level-sensitive) */
	bool pending_latch;	/* edge seen / ISPENDR write, until acknowledged */
	bool lr_latched;	/* while live: pending_latch moved into the LR */
	bool line_level;	/* input line (level-sensitive, non-HW) */
	bool active;
	bool hw;		/* linked to physical hwintid (LR.HW) */
};

struct vgic_cpu {
	struct vgic_irq priv[VGIC_NR_PRIVATE];
	struct list_node ap_list;	/* active or pending+enabled, by (prio, intid) */
	struct vgic_irq *lr_irq[VGIC_MAX_LR];	/* what flush (or adopt) put in each LR */
	/*
	 * The LR delta (vgic_lr.c): lr_val[i] is what the flush wrote in LR i.
	 * A sync leaves an LR still holding exactly that value live, "soft"
	 * (lr_soft: the model is the truth for it until the next flush, which
	 * keeps it as it is). lr_stale: LRs whose interrupt was updated under
	 * the lock (or GICD_CTLR changed) since the flush or sync: folded or
	 * unloaded, never kept.
	 */
	u64 lr_val[VGIC_MAX_LR];
	u32 lr_live;		/* LRs with lr_irq[] set */
	u32 lr_soft;
	u32 lr_stale;
	struct vgic_lr_bank bank;
	/*
	 * vgic_fast_inject(), without the lock: vgic_flush() leaves here the
	 * LR it may fill and the value, vgic_sync() records what it did.
	 * fast_val/fast_lr/fast_used: only this vCPU's thread (or its
	 * exception vector) writes them. fast_irq is set once by
	 * vgic_set_fast() and read by others under the lock, to kick this
	 * vCPU on a change; they also read fast_used to set fast_keep.
	 */
	struct vgic_irq *fast_irq;	/* vgic_set_fast(), or NULL */
	u64 fast_val;		/* fast_irq pending, as an LR; 0: may not inject */
	u8 fast_lr;		/* the LR it may fill once ICH_ELRSR_EL2 says empty */
	bool fast_used;		/* filled since the last vgic_sync() */
	bool fast_keep;		/* pended (under the lock) after it was filled */
	/* The idle flush's fast value and the d->cfg_gen it was computed at
	 * (vgic_fast_prepare_idle()). */
	u64 idle_val, idle_gen;
	u8 id;
	bool sleep;		/* GICR_WAKER.ProcessorSleep */
#ifdef HOST_TEST
	unsigned long ap_steps;	/* entries vgic_ap_insert() passed: the tests bound it */
	unsigned long sgi_short;	/* SGIs vgic_send_sgi_live() queued here on its short path */
#endif
};

struct vgic_dist {
	vgic_lock_t lock;
	struct vm *vm;
	struct vgic_cpu *cpu;	/* nr_vcpus entries */
	struct vgic_irq *spi;	/* nr_spis entries, INTID 32 + i */
	unsigned int nr_vcpus;
	unsigned int nr_spis;
	u32 ctlr;		/* GICD_CTLR EnableGrp0/EnableGrp1 */
	u32 kick;		/* vCPUs to kick once the lock is dropped */
	bool closed;		/* being torn down: state changes, no kicks */
	u32 kickers;		/* vgic_unlock()s kicking after the lock */
	/* Bumped under the lock by every register write, link and reset: the
	 * configuration an idle flush's fast value depends on may have
	 * changed (vgic_fast_prepare_idle()). 64-bit: it never wraps. */
	u64 cfg_gen;
	/* Per group (0, 1): vCPUs that may hold an interrupt kept from being
	 * deliverable only by that group's GICD_CTLR bit. A superset: turning
	 * the group on kicks these instead of rescanning every interrupt. */
	u32 grp_blocked[2];
};

/* Storage is the caller's (e.g. kzalloc'ed next to struct vm). */
struct vgic_config {
	unsigned int nr_spis;	/* 0..VGIC_MAX_SPIS; VGIC_DEFAULT_NR_SPIS for QEMU virt */
	unsigned int nr_lr;	/* 2..VGIC_MAX_LR: ICH_VTR_EL2.ListRegs + 1 */
	struct vgic_cpu *cpus;	/* vm_nr_vcpus(vm) entries */
	struct vgic_irq *spis;	/* nr_spis entries */
};

/*
 * Set up d for vm (vm_nr_vcpus(vm) must be 1..VGIC_MAX_VCPUS) and reset
 * it. Returns 0 or -EINVAL. No vCPU may run yet.
 */
int vgic_init(struct vgic_dist *d, struct vm *vm, const struct vgic_config *cfg);

/*
 * Architectural reset of all guest-visible state (VM reset): registers,
 * pending/active state, LR banks (vmcr, APRs too). Hardware links made
 * with vgic_map_hw() survive. No vCPU may be running.
 */
void vgic_reset(struct vgic_dist *d);

/*
 * Teardown gate (a VM's restart or deletion). Interrupt sources outside
 * the VM (passthrough SPIs, console input, another VM) may still call in
 * while its vCPUs are stopped and freed: after vgic_close() their state
 * changes are still recorded but kick no vCPU. The caller then waits until
 * vgic_kicks_in_flight() is false (the kicks that read the target before
 * the close) before it stops a vCPU; vgic_open() restores kicks once the
 * vCPUs exist again. vgic_hook_kicks_done() follows each batch of kicks.
 */
void vgic_close(struct vgic_dist *d);
void vgic_open(struct vgic_dist *d);
bool vgic_kicks_in_flight(struct vgic_dist *d);

/* MMIO: the Distributor frame and the whole Redistributor region. */
int vgic_dist_access(void *dev, struct vcpu *v, u64 off, unsigned int size, bool write,
		     u64 *val);
int vgic_redist_access(void *dev, struct vcpu *v, u64 off, unsigned int size, bool write,
		       u64 *val);
extern const struct mmio_ops vgic_dist_ops;
extern const struct mmio_ops vgic_redist_ops;

/* Registers the Distributor (VGIC_DIST_SIZE) and nr_vcpus Redistributors
 * (VGIC_REDIST_STRIDE each). Returns 0 or mmio_bus_add()'s error. */
int vgic_register_mmio(struct vgic_dist *d, struct mmio_bus *bus, paddr_t dist_base,
		       paddr_t redist_base);

/*
 * Injection. v names the vCPU for a private INTID (< 32) and is ignored
 * for SPIs (pass NULL). Return 0, or -EINVAL for an INTID the VM lacks.
 * Safe from any context, including interrupt handlers.
 *
 * vgic_set_level: the device's line. Level-sensitive: pending while high.
 * Edge-triggered: a low-to-high transition latches pending. For an
 * interrupt linked with vgic_map_hw(), level = true means "the physical
 * interrupt fired and the host left it active": it is latched and delivered
 * once with LR.HW = 1, the guest's deactivation deactivates the physical
 * interrupt, and level = false is ignored (if the line is still asserted,
 * the physical interrupt fires again and the host injects again).
 *
 * vgic_inject_edge: one edge (latches pending whatever the trigger mode).
 */
int vgic_set_level(struct vgic_dist *d, struct vcpu *v, u32 intid, bool level);
int vgic_inject_edge(struct vgic_dist *d, struct vcpu *v, u32 intid);

/*
 * A trapped write by src of ICC_SGI1R_EL1 (group1 = true) or ICC_SGI0R_EL1
 * (group1 = false): TargetList[15:0], Aff1[23:16], INTID[27:24],
 * Aff2[39:32], IRM[40], RS[47:44], Aff3[55:48]. IRM = 1: every vCPU but
 * src. A Group 1 SGI is only generated by an SGI1R write.
 */
void vgic_send_sgi(struct vgic_dist *d, struct vcpu *src, u64 sgir, bool group1);
/* The vCPUs (bit i = vCPU i) an SGIR value written by vCPU self targets. */
u32 vgic_sgi_targets(const struct vgic_dist *d, u32 self, u64 sgir);
/*
 * The SGI fast path (from the exception vector, src's guest context and
 * LRs still loaded): an ICC_SGI1R_EL1 write by src while src's bank->lr
 * holds the hardware LRs as the guest left them. Under one hold of the
 * lock, exactly vgic_sync(src); vgic_send_sgi(src, .., true);
 * vgic_flush(src): the caller then writes bank->lr and bank->hcr back to
 * the hardware and returns to the guest. The model stays the only truth;
 * what this saves is the world switch around it. The kicks of other
 * targets run after the lock is dropped, as always: the caller makes sure
 * none needs its own pCPU's scheduler (a target on the same pCPU).
 */
void vgic_send_sgi_live(struct vgic_dist *d, struct vcpu *src, u64 sgi1r);
/*
 * The direct SGI, tried first by the SGI fast path: src writes
 * ICC_SGI1R_EL1 naming only itself, while running (from the exception
 * vector, its LRs live in hardware; elrsr is ICH_ELRSR_EL2). If the SGI is
 * enabled and its group on, nothing on src's ap_list waits for an LR,
 * and either the SGI is idle
 * (neither pending nor active, in no LR) and an LR is free (empty, none of
 * the model's, not the timer fast path's), or it is still in the LR a
 * flush gave it but the guest has deactivated it there and nothing pended
 * it since, the model records the SGI pending in that LR as a sync and a
 * flush would, and the caller writes *val into ICH_LR<n>_EL2, n the return
 * value, before returning to the guest. -1 otherwise, nothing changed:
 * the caller takes vgic_send_sgi_live(). The next sync folds that LR like
 * any other.
 */
int vgic_sgi_direct(struct vgic_dist *d, struct vcpu *src, u64 sgi1r, u32 elrsr, u64 *val);
/*
 * Whether an ICC_SGI1R_EL1 value written by vCPU self targets self alone:
 * IRM = 0, Aff3..Aff1 = 0, RS = 0, TargetList just self - every bit but
 * INTID[27:24] is that one (a RES0 bit set says no: vgic_sgi_targets()
 * decodes the rest). One compare: an SGI to another vCPU pays next to
 * nothing for the direct SGI's sake.
 */
#define VGIC_SGIR_INTID GENMASK(27, 24)
static inline bool vgic_sgi_self_only(u32 self, u64 sgi1r)
{
	return (sgi1r & ~VGIC_SGIR_INTID) == BIT(self);
}
/*
 * The kick fast path (IPI_KICK taken at the exception vector while v runs,
 * its LRs live): vgic_sync(v); vgic_flush(v) under one hold of the lock,
 * on the LRs read from and written back to the hardware as above. What
 * another vCPU queued for v reaches its LRs without the world switch.
 */
void vgic_refresh_live(struct vgic_dist *d, struct vcpu *v);

/* Link a PPI (v given) or SPI to physical INTID pintid (< 1020), e.g. the
 * virtual timer: vgic_map_hw(d, v, 27, 27). -EINVAL on bad INTIDs. */
int vgic_map_hw(struct vgic_dist *d, struct vcpu *v, u32 intid, u32 pintid);
int vgic_unmap_hw(struct vgic_dist *d, struct vcpu *v, u32 intid);
/* Whether the guest has intid active (e.g. to mirror a HW-linked
 * interrupt's active state on the physical GIC when v migrates). */
bool vgic_irq_is_active(struct vgic_dist *d, struct vcpu *v, u32 intid);
/* For a hardware-linked interrupt: pending or active in the guest, i.e. the
 * physical interrupt must be held active until the guest deactivates it
 * (the world switch mirrors this onto the physical GIC, like KVM's
 * kvm_vgic_map_is_active()). */
bool vgic_irq_owes_deactivation(struct vgic_dist *d, struct vcpu *v, u32 intid);

/* World switch (flush and sync: v is a vCPU of d's VM). vgic_lr_bank()
 * checks v (NULL for none of d's); _self() is for the vCPU being switched. */
struct vgic_lr_bank *vgic_lr_bank(struct vgic_dist *d, struct vcpu *v);
struct vgic_lr_bank *vgic_lr_bank_self(struct vgic_dist *d, struct vcpu *v);
/*
 * Before entry: load the highest-priority deliverable interrupts into
 * bank->lr (active ones first, then pending by priority, ties by INTID)
 * and set bank->hcr = En, plus UIE when some did not fit, so the guest
 * exits (maintenance interrupt) once it has drained the LRs. Returns
 * that bank (vgic_lr_bank()).
 */
struct vgic_lr_bank *vgic_flush(struct vgic_dist *d, struct vcpu *v);
/* After exit, once bank->lr holds the ICH_LR<n>_EL2 values: fold the
 * changed ones back into the model (acks, EOIs, level re-evaluation). */
void vgic_sync(struct vgic_dist *d, struct vcpu *v);

/*
 * Fast injection of one hardware-linked private interrupt per vCPU (the
 * virtual timer), from the exception vector while v is between two guest
 * runs with its LRs still loaded in hardware: no vgic_sync()/vgic_flush()
 * and no lock. Each flush decides what it may do until the next sync:
 * write intid, pending, into the LR the model gave it once the guest has
 * deactivated it, or, if it has none and is not queued, into an LR the
 * flush left free; the next sync records the injection as if a flush had
 * made it, then folds that LR like any other.
 *
 * vgic_set_fast(): intid (a PPI linked with vgic_map_hw()) is v's fast
 * interrupt; -EINVAL otherwise. Survives vgic_reset().
 *
 * vgic_fast_inject(): elrsr is ICH_ELRSR_EL2 (bit n set when LR n holds
 * no interrupt). Returns the LR index to write *val into, or -1 if the
 * full path must deliver it: not enabled or its group disabled at the
 * flush, still live, queued behind others, or no LR left free.
 *
 * Any update of the interrupt's state under the lock (enable, priority,
 * group, pending, target) kicks its vCPU, and disabling a group in
 * GICD_CTLR kicks every vCPU: what the fast path was prepared from is
 * stale for at most one exit. A pending set before the fast injection
 * merges with it (one pending state, as in hardware); one set after it is
 * kept, since the guest may have acknowledged the injection already: at
 * worst one extra delivery, never a lost one.
 */
int vgic_set_fast(struct vgic_dist *d, struct vcpu *v, u32 intid);
int vgic_fast_inject(struct vgic_dist *d, struct vcpu *v, u32 elrsr, u64 *val);

/*
 * WFI: whether v has an interrupt the guest would take now: pending,
 * enabled, group enabled in GICD_CTLR, not active, and priority below
 * bank->vmcr's VPMR. Call after vgic_sync() (bank->vmcr must be current).
 */
bool vgic_vcpu_has_pending(struct vgic_dist *d, struct vcpu *v);

#endif
