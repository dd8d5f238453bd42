/*
 * List Register management: vgic_flush() before guest entry, vgic_sync()
 * after exit (IHI 0069, "Virtual Interrupt Handling and Prioritization";
 * register layouts from ICH_LR<n>_EL2 and ICH_HCR_EL2).
 *
 * Every entry rebuilds all LRs from the vCPU's ap_list and every exit
 * folds all of them back, so the model never has to patch a live LR: an
 * interrupt that loses its LR to a higher-priority one just stays pending
 * in the model. Active interrupts are loaded first: the guest can only
 * deactivate an interrupt that is in an LR.
 */
#include "vgic_priv.h"

#include <virt/vm_api.h>

static u64 vgic_lr_encode(const struct vgic_dist *d, struct vgic_irq *irq)
{
	u64 lr = irq->intid | (u64)irq->prio << VGIC_LR_PRIO_SHIFT;
	bool pend = vgic_irq_deliverable(d, irq);

	if (irq->group1)
		lr |= VGIC_LR_GROUP1;
	if (irq->active)
		lr |= VGIC_LR_ACTIVE;
	if (irq->hw) {
		/* Deactivation by the guest deactivates hwintid; no EOI
		 * maintenance exists for HW = 1. The physical GIC holds any
		 * new pending state, so never pending+active here. */
		lr |= VGIC_LR_HW | (u64)irq->hwintid << VGIC_LR_PINTID_SHIFT;
		pend = pend && !irq->active;
	} else if (!irq->edge) {
		/* Level: exit on deactivation to re-sample the line. */
		lr |= VGIC_LR_EOI;
	}
	/*
	 * The pending latch moves into the LR; lr_latched remembers whether it
	 * did, so that sync puts it back only if the guest did not acknowledge
	 * it, and a latch set while live (a new edge, ISPENDR) is never lost.
	 * A level interrupt pending only by its line has nothing to move.
	 */
	irq->lr_latched = pend && irq->pending_latch;
	if (pend) {
		lr |= VGIC_LR_PENDING;
		irq->pending_latch = false;
	}
	return lr;
}

/* Load active (pass 0) or pending-only (pass 1) interrupts into free LRs,
 * in ap_list order. Returns false if one did not fit. */
static bool vgic_lr_fill(struct vgic_dist *d, struct vgic_cpu *c, bool active, u32 *n)
{
	struct list_node *pos;

	list_for_each(pos, &c->ap_list) {
		struct vgic_irq *irq = list_entry(pos, struct vgic_irq, node);

		if (irq->lr != VGIC_NONE || irq->active != active)
			continue;
		if (!active && !vgic_irq_deliverable(d, irq))
			continue;
		if (*n == c->bank.nr_lr)
			return false;
		c->bank.lr[*n] = vgic_lr_encode(d, irq);
		c->lr_irq[*n] = irq;
		irq->lr = (u8)*n;
		(*n)++;
	}
	return true;
}

/*
 * Fold LR i back. LR state after the guest ran: pending (not yet
 * acknowledged), active (acknowledged), pending+active, or invalid
 * (deactivated). Acknowledging a level interrupt clears its ISPENDR latch
 * (IHI 0069, GICD_ISPENDR<n>); whether it is pending again is then decided
 * by the line, so a level interrupt EOId with the line high is re-pended.
 *
 * Only the latch flush moved into the LR is given back. (This used to
 * clear a level interrupt's latch whenever the LR was not pending, which
 * also dropped a latch set while the LR held it active only: an
 * ISPENDR write or vgic_inject_edge() during the handler was lost.)
 */
static void vgic_lr_fold(struct vgic_dist *d, struct vgic_cpu *c, u32 i)
{
	struct vgic_irq *irq = c->lr_irq[i];
	u64 lr = c->bank.lr[i];
	bool was = vgic_irq_deliverable(d, irq);

	c->lr_irq[i] = NULL;
	irq->lr = VGIC_NONE;
	irq->active = lr & VGIC_LR_ACTIVE;
	if ((lr & VGIC_LR_PENDING) && irq->lr_latched)
		irq->pending_latch = true;
	irq->lr_latched = false;
	vgic_irq_update(d, irq, was);
}

void vgic_lr_fold_all(struct vgic_dist *d, struct vgic_cpu *c)
{
	for (u32 i = 0; i < c->bank.nr_lr; i++)
		if (c->lr_irq[i])
			vgic_lr_fold(d, c, i);
}

struct vgic_lr_bank *vgic_lr_bank(struct vgic_dist *d, struct vcpu *v)
{
	struct vgic_cpu *c = vgic_cpu_of(d, v);

	return c ? &c->bank : NULL;
}

/* No interrupt in an LR: nothing to fold back. Only this vCPU's thread
 * fills or folds its LRs, so it may look without the lock. */
static bool vgic_lrs_empty(const struct vgic_cpu *c)
{
	for (u32 i = 0; i < c->bank.nr_lr; i++)
		if (c->lr_irq[i])
			return false;
	return true;
}

/* Under the lock: fold c's LRs back into the model (a fast injection
 * first, as if a flush had made it). */
static void vgic_sync_locked(struct vgic_dist *d, struct vgic_cpu *c)
{
	if (c->fast_used)
		vgic_fast_adopt(c);
	vgic_lr_fold_all(d, c);
}

/* Under the lock, after vgic_sync_locked(): load c's LRs from its ap_list. */
static void vgic_fill_locked(struct vgic_dist *d, struct vgic_cpu *c)
{
	bool fits;
	u32 n = 0;

	fits = vgic_lr_fill(d, c, true, &n);
	fits = vgic_lr_fill(d, c, false, &n) && fits;
	for (u32 i = n; i < c->bank.nr_lr; i++)
		c->bank.lr[i] = 0;
	/* More than fit: underflow maintenance (<= 1 valid LR) brings the
	 * vCPU back once the guest has drained them. */
	c->bank.hcr = VGIC_HCR_EN | (fits ? 0 : VGIC_HCR_UIE);
	vgic_fast_prepare(d, c, n);
}

void vgic_flush(struct vgic_dist *d, struct vcpu *v)
{
	struct vgic_cpu *c = vgic_cpu_of(d, v);
	unsigned long f;

	/*
	 * Fast path, no lock: nothing queued and nothing live. An injection
	 * racing with this look queues the interrupt and then kicks this vCPU
	 * (after dropping the lock), so it exits again and the next flush sees
	 * it: nothing is lost, it is only delivered one exit later.
	 */
	if (!c->fast_used && list_empty(&c->ap_list) && vgic_lrs_empty(c)) {
		for (u32 i = 0; i < c->bank.nr_lr; i++)
			c->bank.lr[i] = 0;
		c->bank.hcr = VGIC_HCR_EN;
		/* The fast irq's configuration is read without the lock: a
		 * change racing with this read kicks this vCPU after it (see
		 * vgic_irq_update()), so a stale prepare lives one exit. */
		vgic_fast_prepare(d, c, 0);
		return;
	}
	f = vgic_lock(d);
	/* A flush with no sync since the last one: take those LRs back
	 * first, as we wrote them. (Defensive: virq_enter()/virq_exit() always
	 * pair, so the guest never ran in between; a fast injection, which
	 * only a run can make, is adopted in case that ever changes.) */
	vgic_sync_locked(d, c);
	vgic_fill_locked(d, c);
	vgic_unlock(d, f, v);
}

void vgic_sync(struct vgic_dist *d, struct vcpu *v)
{
	struct vgic_cpu *c = vgic_cpu_of(d, v);
	unsigned long f;

	if (!c->fast_used && vgic_lrs_empty(c))
		return;		/* nothing was live: the LRs hold nothing of ours */
	f = vgic_lock(d);
	vgic_sync_locked(d, c);
	vgic_unlock(d, f, v);
}

void vgic_send_sgi_live(struct vgic_dist *d, struct vcpu *src, u64 sgi1r)
{
	struct vgic_cpu *c = vgic_cpu_of(d, src);
	unsigned long f = vgic_lock(d);

	vgic_sync_locked(d, c);
	vgic_sgi_queue(d, vcpu_id(src), sgi1r, true);
	vgic_fill_locked(d, c);
	vgic_unlock(d, f, src);
}
