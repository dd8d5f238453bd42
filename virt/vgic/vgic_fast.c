/*
 * The vGIC's fast injection (see vgic_fast_inject() in vgic.h): the timer
 * interrupt written straight into an LR from the exception vector, without
 * the lock or a world switch. vgic_flush() decides what it may do,
 * vgic_sync() records what it did.
 */
#include "vgic_priv.h"

#include <virt/vm_api.h>

/*
 * vgic_lr_encode() of a HW interrupt that is pending only, without touching
 * the model: the value the fast path writes. Bit for bit what a flush
 * encodes for the same state (the unit tests compare them).
 */
static u64 vgic_lr_hw_pending(const struct vgic_irq *irq)
{
	return irq->intid | (u64)irq->prio << VGIC_LR_PRIO_SHIFT |
	       (irq->group1 ? VGIC_LR_GROUP1 : 0) | VGIC_LR_HW |
	       (u64)irq->hwintid << VGIC_LR_PINTID_SHIFT | VGIC_LR_PENDING;
}

/*
 * End of a flush that left LRs n.. free: what vgic_fast_inject() may do
 * until the next sync (see vgic.h). Its own LR if it has one (the guest may
 * deactivate it, then the LR is free again), else the first free LR, but
 * not while it waits on the ap_list for an LR: that keeps priority order.
 */
void vgic_fast_prepare(const struct vgic_dist *d, struct vgic_cpu *c, u32 n)
{
	const struct vgic_irq *irq = c->fast_irq;

	c->fast_val = 0;
	if (!irq || !irq->hw || !irq->enabled || !vgic_group_enabled(d->ctlr, irq))
		return;
	if (irq->lr != VGIC_NONE)
		c->fast_lr = irq->lr;
	else if (irq->queued == VGIC_NONE && n < c->bank.nr_lr)
		c->fast_lr = (u8)n;
	else
		return;
	c->fast_val = vgic_lr_hw_pending(irq);
}

/*
 * With nothing queued and nothing live, fast_irq is in no LR and on no
 * ap_list, so the prepare depends only on its configuration and GICD_CTLR,
 * which change only under the lock, with d->cfg_gen bumped: the value is
 * the one computed at the same generation. The generation is read without
 * the lock, like that configuration itself (see vgic_flush()): a change
 * racing with it kicks the vCPU, and the next flush sees the new one.
 */
void vgic_fast_prepare_idle(const struct vgic_dist *d, struct vgic_cpu *c)
{
	u64 gen = __atomic_load_n(&d->cfg_gen, __ATOMIC_RELAXED);

	if (c->idle_gen == gen) {
		c->fast_val = c->idle_val;
		c->fast_lr = 0;		/* meaningless while fast_val is 0 */
		return;
	}
	vgic_fast_prepare(d, c, 0);
	c->idle_val = c->fast_val;
	c->idle_gen = gen;
}

int vgic_fast_inject(struct vgic_dist *d, struct vcpu *v, u32 elrsr, u64 *val)
{
	struct vgic_cpu *c = vgic_cpu_self(d, v);

	if (!c->fast_val || !(elrsr & BIT(c->fast_lr)))
		return -1;
	/*
	 * Others read it (vgic_fast_changed()). Relaxed is enough: the caller
	 * then holds the physical PPI active, gic_set_active() ending in a
	 * DSB before the ERET, so this store is visible before anything the
	 * guest does next - before any other vCPU can learn of the injection.
	 */
	__atomic_store_n(&c->fast_used, true, __ATOMIC_RELAXED);
	*val = c->fast_val;
	return c->fast_lr;
}

/*
 * Under the lock: fast_irq's state was just updated. The fast path was set
 * up from the state before: make the owner exit so that its next flush
 * sees this one. And if it is pending now and the fast path has filled its
 * LR already, the guest may have acknowledged that one: this pending is
 * a second one, which the adopt must keep. (Read without the lock, racing
 * with the vector: either order is a legitimate interleaving.)
 */
void vgic_fast_changed(struct vgic_dist *d, struct vgic_cpu *c, const struct vgic_irq *irq)
{
	d->kick |= BIT(c->id);
	if (irq->pending_latch && __atomic_load_n(&c->fast_used, __ATOMIC_RELAXED))
		c->fast_keep = true;
}

/*
 * Under the lock, before the fold: the fast path filled LR fast_lr with
 * fast_irq pending. Record that as a flush would have - live in that LR
 * and on the ap_list, its latch moved into the LR - whatever changed in
 * its configuration since: the LR holds it, so the fold must see it.
 *
 * A latch set between the flush and the injection (another vCPU's
 * GICR_ISPENDR0 write, under the lock) merges with it: the interrupt has
 * one pending state (IHI 0069 4.1.2), and two pendings before an
 * acknowledgement are one; left set, the fold would deliver it twice. A
 * latch set after the injection (fast_keep) is kept: the guest may have
 * acknowledged the first already.
 */
void vgic_fast_adopt(struct vgic_cpu *c)
{
	struct vgic_irq *irq = c->fast_irq;

	c->fast_used = false;
	if (irq->lr == VGIC_NONE) {
		if (irq->queued == VGIC_NONE)
			vgic_ap_insert(c, irq);
		irq->lr = c->fast_lr;
		c->lr_irq[c->fast_lr] = irq;
		c->lr_live |= BIT(c->fast_lr);
	}
	c->lr_stale |= BIT(c->fast_lr);	/* not the value the flush wrote: fold it */
	irq->active = false;	/* its LR was empty: the guest deactivated it */
	if (!c->fast_keep)
		irq->pending_latch = false;
	c->fast_keep = false;
	irq->lr_latched = true;
}
