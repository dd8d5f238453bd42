/*
 * List Register management: vgic_flush() before guest entry, vgic_sync()
 * after exit (IHI 0069, "Virtual Interrupt Handling and Prioritization";
 * register layouts from ICH_LR<n>_EL2 and ICH_HCR_EL2).
 *
 * Only what changed is folded back and refilled (the LR delta): an LR
 * the guest left exactly as the flush wrote it (lr_val), whose interrupt
 * nobody updated since (lr_stale), stays live across the sync and the next
 * flush - folding and re-encoding it would give the same LR back. The
 * model never patches a live LR: a changed one is folded (taken out of
 * the LRs) and refilled from the ap_list. When the ap_list holds more than
 * the free LRs take, every LR is folded and the whole bank rebuilt by
 * priority, exactly as without the delta: an interrupt that loses its LR
 * to a higher-priority one just stays pending in the model. Active
 * interrupts are loaded first: the guest can only deactivate an interrupt
 * that is in an LR.
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

/* Which interrupts a vgic_lr_fill() pass loads: active ones, pending-only
 * ones, or both (when they all fit, the order is of no matter). */
enum vgic_pass { VGIC_PASS_ACTIVE, VGIC_PASS_PENDING, VGIC_PASS_ALL };

static bool vgic_lr_wanted(const struct vgic_dist *d, const struct vgic_irq *irq,
			   enum vgic_pass pass)
{
	if (irq->lr != VGIC_NONE)
		return false;
	if (irq->active)
		return pass != VGIC_PASS_PENDING;
	return pass != VGIC_PASS_ACTIVE && vgic_irq_deliverable(d, irq);
}

/* Load the interrupts of one pass not yet live into the free LRs (*free),
 * lowest first, in ap_list order. Returns false if one did not fit. */
static bool vgic_lr_fill(struct vgic_dist *d, struct vgic_cpu *c, enum vgic_pass pass,
			 u32 *free)
{
	struct list_node *pos;

	list_for_each(pos, &c->ap_list) {
		struct vgic_irq *irq = list_entry(pos, struct vgic_irq, node);
		u32 i;

		if (!vgic_lr_wanted(d, irq, pass))
			continue;
		if (!*free)
			return false;
		i = (u32)__builtin_ctz(*free);
		*free &= *free - 1;
		vgic_lr_set(c, irq, i, vgic_lr_encode(d, irq));
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
/*
 * The common fold: the guest deactivated it and nothing pends it again
 * (no latch, no line). vgic_irq_update() would find it not deliverable
 * after, take it off c's ap_list and do nothing else (for c's fast
 * interrupt, vgic_fast_changed() would only kick c, which the caller's
 * vgic_unlock() skips, and keep no latch: there is none): done here
 * without the predicates.
 */
static bool vgic_lr_retire(struct vgic_irq *irq, u64 lr)
{
	if ((lr & VGIC_LR_STATE) || vgic_irq_pending(irq))
		return false;
	irq->active = false;
	irq->lr_latched = false;
	list_del(&irq->node);
	irq->queued = VGIC_NONE;
	return true;
}

static void vgic_lr_fold(struct vgic_dist *d, struct vgic_cpu *c, u32 i)
{
	struct vgic_irq *irq = c->lr_irq[i];
	u64 lr = c->bank.lr[i];
	bool was;

	c->lr_irq[i] = NULL;
	c->lr_live &= ~BIT(i);
	irq->lr = VGIC_NONE;
	if (vgic_lr_retire(irq, lr))
		return;
	was = vgic_irq_deliverable(d, irq);
	irq->active = lr & VGIC_LR_ACTIVE;
	if ((lr & VGIC_LR_PENDING) && irq->lr_latched)
		irq->pending_latch = true;
	irq->lr_latched = false;
	vgic_irq_update(d, irq, was);
}

void vgic_lr_drop(struct vgic_cpu *c, u32 i)
{
	c->lr_irq[i]->lr = VGIC_NONE;
	c->lr_irq[i] = NULL;
	c->lr_live &= ~BIT(i);
	c->lr_soft &= ~BIT(i);
}

/* Take soft LR i out without reading it: the model is the truth for it
 * (see vgic_lr_soften()). */
static void vgic_lr_unload(struct vgic_dist *d, struct vgic_cpu *c, u32 i)
{
	struct vgic_irq *irq = c->lr_irq[i];

	vgic_lr_drop(c, i);
	vgic_irq_update(d, irq, vgic_irq_deliverable(d, irq));
}

/* Every LR out of the model: the full rebuild. */
void vgic_lr_fold_all(struct vgic_dist *d, struct vgic_cpu *c)
{
	for (u32 k = c->lr_live; k; k &= k - 1) {
		u32 i = (u32)__builtin_ctz(k);

		if (c->lr_soft & BIT(i))
			vgic_lr_unload(d, c, i);
		else
			vgic_lr_fold(d, c, i);
	}
}

/*
 * A sync found LR i as the flush wrote it: the guest did not touch it.
 * A fold would give the model exactly the state that flush encoded, and
 * the next flush, unless something changes it meanwhile, the same LR
 * back. So it stays live ("soft") and only its pending latch goes back to
 * the model: until the next flush the model is the truth for it, as for
 * anything folded (register reads, ICPENDR, the WFI test), and an update
 * drops it from the LR at once (vgic_irq_refile()); a GICD_CTLR change
 * marks it lr_stale. vgic_lr_harden() undoes this when it is kept.
 */
static void vgic_lr_soften(struct vgic_cpu *c, u32 i)
{
	struct vgic_irq *irq = c->lr_irq[i];

	if (irq->lr_latched)
		irq->pending_latch = true;
	irq->lr_latched = false;
	c->lr_soft |= BIT(i);
}

/* A soft LR kept by the flush: its latch moves into it again, as
 * vgic_lr_encode() moved it (the LR is pending exactly when the encode
 * found the interrupt deliverable, and nothing changed since). */
static void vgic_lr_harden(struct vgic_cpu *c, u32 i)
{
	struct vgic_irq *irq = c->lr_irq[i];

	if (c->bank.lr[i] & VGIC_LR_PENDING) {
		irq->lr_latched = irq->pending_latch;
		irq->pending_latch = false;
	}
}

/* The LRs holding an interrupt of ours. */
static u32 vgic_lr_live(const struct vgic_cpu *c)
{
	return c->lr_live;
}

struct vgic_lr_bank *vgic_lr_bank(struct vgic_dist *d, struct vcpu *v)
{
	struct vgic_cpu *c = vgic_cpu_of(d, v);

	return c ? &c->bank : NULL;
}

struct vgic_lr_bank *vgic_lr_bank_self(struct vgic_dist *d, struct vcpu *v)
{
	return &vgic_cpu_self(d, v)->bank;
}

/*
 * Under the lock: fold c's LRs back into the model (a fast injection
 * first, as if a flush had made it). An LR the guest changed, or whose
 * interrupt was updated while it ran (lr_stale: the LR wins, as ever), is
 * folded; one left as the flush wrote it is softened; a soft one updated
 * since the last sync (a flush with no run between) is unloaded.
 */
static void vgic_sync_locked(struct vgic_dist *d, struct vgic_cpu *c)
{
	if (c->fast_used)
		vgic_fast_adopt(c);
	for (u32 k = c->lr_live; k; k &= k - 1) {
		u32 i = (u32)__builtin_ctz(k);
		bool stale = c->lr_stale & BIT(i);

		if (c->lr_soft & BIT(i)) {
			if (stale)
				vgic_lr_unload(d, c, i);
		} else if (stale || c->bank.lr[i] != c->lr_val[i]) {
			vgic_lr_fold(d, c, i);
		} else {
			vgic_lr_soften(c, i);
		}
	}
	c->lr_stale = 0;
}

/*
 * Fill the free LRs, in one pass or (rebuild) active ones first; false if
 * the ap_list holds more than they take. Then one pass may have left out
 * an interrupt of higher priority than one it loaded or one kept: the
 * caller folds everything and rebuilds by priority.
 */
static bool vgic_fill_free(struct vgic_dist *d, struct vgic_cpu *c, u32 live, bool rebuild)
{
	u32 free = ~live & (u32)GENMASK(c->bank.nr_lr - 1, 0);
	bool fits;

	if (rebuild) {
		fits = vgic_lr_fill(d, c, VGIC_PASS_ACTIVE, &free);
		fits = vgic_lr_fill(d, c, VGIC_PASS_PENDING, &free) && fits;
	} else {
		fits = vgic_lr_fill(d, c, VGIC_PASS_ALL, &free);
	}
	for (u32 left = free; left; left &= left - 1)
		c->bank.lr[__builtin_ctz(left)] = 0;
	return fits;
}

/*
 * Under the lock, after vgic_sync_locked() (every live LR soft): load the
 * free LRs from c's ap_list and keep the soft ones (bank.kept), or, if
 * not all fit, rebuild the whole bank by priority.
 */
static void vgic_fill_locked(struct vgic_dist *d, struct vgic_cpu *c)
{
	u32 live = vgic_lr_live(c), n;
	bool fits = vgic_fill_free(d, c, live, false);

	if (!fits) {
		vgic_lr_fold_all(d, c);
		live = 0;
		fits = vgic_fill_free(d, c, 0, true);
	}
	for (u32 k = live; k; k &= k - 1)
		vgic_lr_harden(c, (u32)__builtin_ctz(k));
	c->lr_soft = 0;
	c->bank.kept = live;
	c->bank.used = vgic_lr_live(c);	/* every other LR was zeroed */
	/* More than fit: underflow maintenance (<= 1 valid LR) brings the
	 * vCPU back once the guest has drained them. */
	c->bank.hcr = VGIC_HCR_EN | (fits ? 0 : VGIC_HCR_UIE);
	n = ~vgic_lr_live(c);
	vgic_fast_prepare(d, c, n ? (u32)__builtin_ctz(n) : c->bank.nr_lr);
}

struct vgic_lr_bank *vgic_flush(struct vgic_dist *d, struct vcpu *v)
{
	struct vgic_cpu *c = vgic_cpu_self(d, v);
	unsigned long f;

	/*
	 * Fast path, no lock: nothing queued and nothing live. An injection
	 * racing with this look queues the interrupt and then kicks this vCPU
	 * (after dropping the lock), so it exits again and the next flush sees
	 * it: nothing is lost, it is only delivered one exit later.
	 */
	if (!c->fast_used && list_empty(&c->ap_list) && !vgic_lr_live(c)) {
		for (u32 k = c->bank.used; k; k &= k - 1)
			c->bank.lr[__builtin_ctz(k)] = 0;
		c->bank.used = 0;
		c->bank.hcr = VGIC_HCR_EN;
		c->bank.kept = 0;
		/* The fast irq's configuration is read without the lock: a
		 * change racing with this read kicks this vCPU after it (see
		 * vgic_irq_update()), so a stale prepare lives one exit. */
		vgic_fast_prepare_idle(d, c);
		return &c->bank;
	}
	f = vgic_lock(d);
	/* Unload the soft LRs updated since the sync. (A flush with no sync
	 * since the last one, which virq_enter()/virq_exit() never do, would
	 * soften the LRs as we wrote them, and adopt a fast injection.) */
	vgic_sync_locked(d, c);
	vgic_fill_locked(d, c);
	vgic_unlock(d, f, v);
	return &c->bank;
}

void vgic_sync(struct vgic_dist *d, struct vcpu *v)
{
	struct vgic_cpu *c = vgic_cpu_self(d, v);
	unsigned long f;

	if (!c->fast_used && !vgic_lr_live(c))
		return;		/* nothing was live: the LRs hold nothing of ours */
	f = vgic_lock(d);
	vgic_sync_locked(d, c);
	vgic_unlock(d, f, v);
}

/* Sync, the SGIs of sgi1r if any, flush: under one hold of the lock. */
static void vgic_live(struct vgic_dist *d, struct vcpu *v, const u64 *sgi1r)
{
	struct vgic_cpu *c = vgic_cpu_self(d, v);
	unsigned long f = vgic_lock(d);

	vgic_sync_locked(d, c);
	if (sgi1r && !vgic_sgi_one(d, c->id, *sgi1r))
		vgic_sgi_queue(d, vcpu_id(v), *sgi1r, true);
	vgic_fill_locked(d, c);
	vgic_unlock(d, f, v);
}

void vgic_send_sgi_live(struct vgic_dist *d, struct vcpu *src, u64 sgi1r)
{
	vgic_live(d, src, &sgi1r);
}

void vgic_refresh_live(struct vgic_dist *d, struct vcpu *v)
{
	vgic_live(d, v, NULL);
}
