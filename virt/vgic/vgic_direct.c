/*
 * The direct SGI (see vgic_sgi_direct() in vgic.h): a vCPU's SGI to
 * itself written into one free LR from the exception vector, without the
 * sync, fold, fill and the copy of every LR around them that the SGI fast
 * path (vgic_send_sgi_live()) makes. It takes the lock and records the
 * injection in the model at once, exactly as a flush loading that SGI into
 * that LR would: the model stays the single truth, and the next sync folds
 * the LR like any other.
 */
#include "vgic_priv.h"

#include <virt/vm_api.h>

/*
 * What vgic_lr_encode() gives an idle SGI just pended: edge (no EOI
 * maintenance), not HW, not active, pending. The unit tests compare the
 * two.
 */
static u64 vgic_lr_sgi_pending(const struct vgic_irq *irq)
{
	return irq->intid | (u64)irq->prio << VGIC_LR_PRIO_SHIFT |
	       (irq->group1 ? VGIC_LR_GROUP1 : 0) | VGIC_LR_PENDING;
}

/*
 * The LRs the direct SGI may take: empty in hardware (elrsr), holding none
 * of the model's interrupts (a live LR the guest has deactivated is empty
 * too, but the next sync folds it), and not the one the timer fast path
 * may fill until the sync (vgic_fast_prepare()). That one may hold a fast
 * injection the model learns of only at the sync (vgic_fast_adopt()); no
 * other LR can, so the direct SGI and a fast injection never meet, and the
 * sync adopts the one and folds the other as it would apart.
 */
static u32 vgic_direct_free(const struct vgic_cpu *c, u32 elrsr)
{
	u32 free = elrsr & ~c->lr_live & (u32)GENMASK(c->bank.nr_lr - 1, 0);

	if (c->fast_val)
		free &= ~BIT(c->fast_lr);
	return free;
}

/*
 * Everything on c's ap_list is live (in an LR): nothing waits for one, so
 * a flush would load one more pending interrupt into a free LR without
 * displacing anything.
 */
static bool vgic_direct_none_waits(const struct vgic_cpu *c)
{
	const struct list_node *pos;

	list_for_each(pos, &c->ap_list)
		if (list_entry(pos, const struct vgic_irq, node)->lr == VGIC_NONE)
			return false;
	return true;
}

/*
 * The SGI is live in LR i, which the guest has emptied (acknowledged and
 * deactivated: the common case, the same SGI sent again before any exit),
 * and nothing pends it again: a sync would retire it (vgic_lr_retire()),
 * the send queue it again and a flush load it into that LR. Done in place:
 * it keeps its place on the ap_list (only entries waiting for an LR are
 * ordered), and the LR it gets is encoded from the model as it is now (an
 * active state written meanwhile loses to the LR, which says inactive, as
 * in the fold). An LR marked lr_stale stays so: the next sync folds it.
 */
static int vgic_direct_again(struct vgic_irq *irq, u32 elrsr)
{
	u32 i = irq->lr;

	if (!(elrsr & BIT(i)) || vgic_irq_pending(irq))
		return -1;
	irq->active = false;
	return (int)i;
}

/* An SGI in no LR, so on no ap_list (the caller found every entry live):
 * idle. The first free LR, at the ap_list's tail (vgic_ap_insert() passes
 * live entries, and all are: that is where it would put it). */
static int vgic_direct_new(struct vgic_cpu *c, struct vgic_irq *irq, u32 elrsr)
{
	u32 free = vgic_direct_free(c, elrsr);

	if (!free)
		return -1;
	list_insert_before(&c->ap_list, &irq->node);
	irq->queued = c->id;
	return __builtin_ctz(free);
}

/* Under the lock: the checks and the record; the LR index or -1. */
static int vgic_direct_locked(struct vgic_dist *d, struct vgic_cpu *c, struct vgic_irq *irq,
			      u32 elrsr, u64 *val)
{
	int i;

	if (!irq->enabled || !vgic_group_enabled(d->ctlr, irq) || !vgic_direct_none_waits(c))
		return -1;
	i = irq->lr != VGIC_NONE ? vgic_direct_again(irq, elrsr) : vgic_direct_new(c, irq, elrsr);
	if (i < 0)
		return -1;
	*val = vgic_lr_sgi_pending(irq);
	vgic_lr_set(c, irq, (u32)i, *val);
	irq->lr_latched = true;	/* its one pending state is in the LR */
	irq->pending_latch = false;
	return i;
}

int vgic_sgi_direct(struct vgic_dist *d, struct vcpu *src, u64 sgi1r, u32 elrsr, u64 *val)
{
	struct vgic_cpu *c = vgic_cpu_self(d, src);
	unsigned long f;
	int i;

	if (!vgic_sgi_self_only(c->id, sgi1r))
		return -1;
	f = vgic_lock(d);
	i = vgic_direct_locked(d, c, &c->priv[(sgi1r & VGIC_SGIR_INTID) >> 24], elrsr, val);
	vgic_unlock_nokick(d, f);	/* the direct SGI re-files nothing */
	return i;
}
