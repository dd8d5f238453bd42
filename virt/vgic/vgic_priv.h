/* Internals shared by the virt/vgic/ files. Everything here runs with d->lock held. */
#ifndef VIRT_VGIC_PRIV_H
#define VIRT_VGIC_PRIV_H

#include <virt/vgic.h>
#include <virt/vm_api.h>

#ifdef HOST_TEST
#include <assert.h>
#endif

/* GICD_CTLR (DS = 1 layout, IHI 0069 GICD_CTLR description). */
#define GICD_CTLR_GRP0 BIT(0)
#define GICD_CTLR_GRP1 BIT(1)
#define GICD_CTLR_ARE BIT(4)
#define GICD_CTLR_DS BIT(6)
#define GICD_CTLR_GRP(g) BIT(g)	/* EnableGrp<g>, g = 0 or 1 */
#define VGIC_CTLR_ALL (GICD_CTLR_GRP0 | GICD_CTLR_GRP1)

/* Priority bits kept: 5, what the virtual CPU interface implements on
 * Cortex-A cores and QEMU (ICH_VTR_EL2.PRIbits = 4). */
#define VGIC_PRIO_MASK 0xf8

/* GICD_IROUTER: Aff3 [39:32], IRM [31], Aff2..Aff0 [23:0]. */
#define VGIC_IROUTER_IRM BIT_ULL(31)
#define VGIC_IROUTER_MASK (GENMASK(39, 32) | VGIC_IROUTER_IRM | GENMASK(23, 0))

/* Context of a register access: the Distributor (c = NULL, SPIs only) or
 * one Redistributor's SGI_base frame (c = its vCPU, INTIDs 0-31 only). */
struct vgic_scope {
	struct vgic_dist *d;
	struct vgic_cpu *c;
};

/* vgic.c */
unsigned long vgic_lock(struct vgic_dist *d);
/* Drop the lock, then kick the vCPUs vgic_irq_update() marked, except self
 * (a vCPU that is outside the guest anyway; NULL for none). */
void vgic_unlock(struct vgic_dist *d, unsigned long flags, const struct vcpu *self);
/* The same for a hold that marked no vCPU for a kick (every unlock leaves
 * d->kick empty, so it still is): the lock only. */
void vgic_unlock_nokick(struct vgic_dist *d, unsigned long flags);
struct vgic_cpu *vgic_cpu_of(struct vgic_dist *d, const struct vcpu *v);
struct vgic_irq *vgic_irq_get(struct vgic_dist *d, struct vgic_cpu *c, u32 intid);
bool vgic_irq_pending(const struct vgic_irq *irq);
bool vgic_irq_ready(u32 ctlr, const struct vgic_irq *irq);
bool vgic_irq_deliverable(const struct vgic_dist *d, const struct vgic_irq *irq);
bool vgic_group_enabled(u32 ctlr, const struct vgic_irq *irq);
const u64 *vgic_irq_lr(const struct vgic_dist *d, const struct vgic_irq *irq);
/* Re-file irq after a state change (was = vgic_irq_deliverable() before it):
 * queue/dequeue/re-sort it and mark its vCPU for a kick if it just became
 * deliverable there. */
void vgic_irq_update(struct vgic_dist *d, struct vgic_irq *irq, bool was);
/* Put irq on c's ap_list in (priority, INTID) order; irq->queued = c. */
void vgic_ap_insert(struct vgic_cpu *c, struct vgic_irq *irq);
void vgic_irq_route(struct vgic_dist *d, struct vgic_irq *irq, u64 irouter);

/* Access widths of the register descriptor tables (vgic_dist.c, vgic_redist.c). */
#define W32 VREG_W32
#define W8_32 (VREG_W8 | VREG_W32)
#define W32_64 (VREG_W32 | VREG_W64)

/* vgic_regs.c: per-interrupt register arrays shared by GICD and GICR_SGI. */
u64 vgic_group_read(void *dev, struct vcpu *v, u32 off, unsigned int size);
void vgic_group_write(void *dev, struct vcpu *v, u32 off, unsigned int size, u64 val);
u64 vgic_enable_read(void *dev, struct vcpu *v, u32 off, unsigned int size);
void vgic_senable_write(void *dev, struct vcpu *v, u32 off, unsigned int size, u64 val);
void vgic_cenable_write(void *dev, struct vcpu *v, u32 off, unsigned int size, u64 val);
u64 vgic_pending_read(void *dev, struct vcpu *v, u32 off, unsigned int size);
void vgic_spending_write(void *dev, struct vcpu *v, u32 off, unsigned int size, u64 val);
void vgic_cpending_write(void *dev, struct vcpu *v, u32 off, unsigned int size, u64 val);
u64 vgic_active_read(void *dev, struct vcpu *v, u32 off, unsigned int size);
void vgic_sactive_write(void *dev, struct vcpu *v, u32 off, unsigned int size, u64 val);
void vgic_cactive_write(void *dev, struct vcpu *v, u32 off, unsigned int size, u64 val);
u64 vgic_prio_read(void *dev, struct vcpu *v, u32 off, unsigned int size);
void vgic_prio_write(void *dev, struct vcpu *v, u32 off, unsigned int size, u64 val);
u64 vgic_cfg_read(void *dev, struct vcpu *v, u32 off, unsigned int size);
void vgic_cfg_write(void *dev, struct vcpu *v, u32 off, unsigned int size, u64 val);
/* GICD/GICR_IIDR and the ID block at 0xFFD0..0xFFFC (PIDR2.ArchRev = 3). */
u64 vgic_iidr_read(void *dev, struct vcpu *v, u32 off, unsigned int size);
u64 vgic_idregs_read(void *dev, struct vcpu *v, u32 off, unsigned int size);
#define VGIC_IDREGS_OFF 0xffd0
#define VGIC_IDREGS_SPAN 0x30

/* vgic_inject.c: queue the SGIs of an ICC_SGI1R/SGI0R write by vCPU self. */
void vgic_sgi_queue(struct vgic_dist *d, u32 self, u64 sgir, bool group1);
bool vgic_sgi_one(struct vgic_dist *d, u32 self, u64 sgi1r);

/* vgic_lr.c */
void vgic_lr_fold_all(struct vgic_dist *d, struct vgic_cpu *c);
/* Free LR i of c now holds irq, written as lr (a flush's fill, or the
 * direct SGI): live, the value a sync compares with. Inline: the fill
 * runs it for every LR it loads. */
/* The vCPU whose LRs the caller handles (flush, sync, the fast paths):
 * running or about to, so a vCPU of d, without vgic_cpu_of()'s checks. */
static inline struct vgic_cpu *vgic_cpu_self(struct vgic_dist *d, const struct vcpu *v)
{
	return &d->cpu[vcpu_id(v)];
}

static inline void vgic_lr_set(struct vgic_cpu *c, struct vgic_irq *irq, u32 i, u64 lr)
{
	c->bank.lr[i] = c->lr_val[i] = lr;
	c->bank.used |= BIT(i);
	c->lr_irq[i] = irq;
	c->lr_live |= BIT(i);
	irq->lr = (u8)i;
}
/* Soft LR i of c no longer holds its interrupt (which the caller re-files). */
void vgic_lr_drop(struct vgic_cpu *c, u32 i);

/* vgic_fast.c. Prepare: at the end of a flush that left LRs n.. free.
 * Adopt: in a sync, under the lock, before the fold, if c->fast_used.
 * Changed: under the lock, after any update of c->fast_irq's state. */
void vgic_fast_prepare(const struct vgic_dist *d, struct vgic_cpu *c, u32 n);
/* The same for a flush that found nothing queued and nothing live (n = 0),
 * reusing the last value while d->cfg_gen says nothing changed. */
void vgic_fast_prepare_idle(const struct vgic_dist *d, struct vgic_cpu *c);
/* Under the lock: a register write, link or reset may change what a
 * fast value depends on. */
static inline void vgic_config_changed(struct vgic_dist *d)
{
	d->cfg_gen++;
}
void vgic_fast_adopt(struct vgic_cpu *c);
void vgic_fast_changed(struct vgic_dist *d, struct vgic_cpu *c, const struct vgic_irq *irq);

#endif
