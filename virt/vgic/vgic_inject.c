/*
 * vGIC injection API: device lines, edges, SGIs from ICC_SGI{0,1}R_EL1,
 * hardware links, and the WFI wake-up test.
 */
#include "vgic_priv.h"

#include <virt/vm_api.h>
#include <zvm/errno.h>

/* Lookup for the injection API: v is needed (only) for private INTIDs. */
static struct vgic_irq *vgic_irq_of(struct vgic_dist *d, struct vcpu *v, u32 intid)
{
	return vgic_irq_get(d, intid < VGIC_NR_PRIVATE ? vgic_cpu_of(d, v) : NULL, intid);
}

static void vgic_set_line(struct vgic_irq *irq, bool level)
{
	if (irq->hw) {
		/* The physical GIC holds the line: one host-side activation,
		 * one delivery; lowering is ignored (see vgic.h). */
		if (level)
			irq->pending_latch = true;
		return;
	}
	if (irq->edge && level && !irq->line_level)
		irq->pending_latch = true;	/* rising edge */
	irq->line_level = level;
}

static int vgic_change(struct vgic_dist *d, struct vcpu *v, u32 intid, int level)
{
	unsigned long f = vgic_lock(d);
	struct vgic_irq *irq = vgic_irq_of(d, v, intid);
	bool was;

	if (!irq) {
		vgic_unlock(d, f, NULL);
		return -EINVAL;
	}
	was = vgic_irq_deliverable(d, irq);
	if (level < 0)
		irq->pending_latch = true;
	else
		vgic_set_line(irq, level);
	vgic_irq_update(d, irq, was);
	vgic_unlock(d, f, NULL);
	return 0;
}

int vgic_set_level(struct vgic_dist *d, struct vcpu *v, u32 intid, bool level)
{
	return vgic_change(d, v, intid, level);
}

int vgic_inject_edge(struct vgic_dist *d, struct vcpu *v, u32 intid)
{
	return vgic_change(d, v, intid, -1);
}

/* An SGI1R write generates SGIs of either group, an SGI0R write Group 0
 * only (as KVM does for DS = 1). */
static void vgic_queue_sgi(struct vgic_dist *d, unsigned int cpu, u32 intid, bool group1)
{
	struct vgic_irq *irq = &d->cpu[cpu].priv[intid];
	bool was;

	if (irq->group1 && !group1)
		return;
	was = vgic_irq_deliverable(d, irq);
	irq->pending_latch = true;
	vgic_irq_update(d, irq, was);
}

/*
 * ICC_SGI1R_EL1: with IRM = 0 the targets are Aff3.Aff2.Aff1.<RS*16 + bit>
 * for each TargetList bit; ours all have Aff3..Aff1 = 0, and RS = 0 (no
 * more than VGIC_MAX_VCPUS = 16). IRM = 1: every vCPU but self.
 */
u32 vgic_sgi_targets(const struct vgic_dist *d, u32 self, u64 sgir)
{
	u32 all = (u32)GENMASK(d->nr_vcpus - 1, 0);

	if (sgir & BIT_ULL(40))
		return all & ~(u32)BIT(self);
	if (sgir & (GENMASK(23, 16) | GENMASK(39, 32) | GENMASK(47, 44) | GENMASK(55, 48)))
		return 0;
	return (u32)sgir & 0xffff & all;
}

void vgic_sgi_queue(struct vgic_dist *d, u32 self, u64 sgir, bool group1)
{
	u32 intid = (sgir >> 24) & 0xf;

	/* Only the set bits: usually one, and this is on every IPI. */
	for (u32 t = vgic_sgi_targets(d, self, sgir); t; t &= t - 1)
		vgic_queue_sgi(d, (unsigned int)__builtin_ctz(t), intid, group1);
}

/*
 * The SGI is still in an LR of its vCPU, running, as a sync left it (not
 * soft), and not pending in the model: the common case of the same SGI
 * sent again before its vCPU exits (the guest has taken the last one, the
 * LR may be empty by now). vgic_irq_update() would find it not deliverable
 * before and deliverable after and leave it where it is, its LR stale for
 * the next sync to fold, the vCPU kicked: that is all this does.
 */
static bool vgic_sgi_again(struct vgic_cpu *c, struct vgic_irq *irq)
{
	if (irq->queued != c->id || irq->lr == VGIC_NONE || (c->lr_soft & BIT(irq->lr)) ||
	    vgic_irq_pending(irq))
		return false;
	irq->pending_latch = true;
	c->lr_stale |= BIT(irq->lr);
	return true;
}

/*
 * The common SGI: to one vCPU (the sender or another), idle there (in no
 * LR, on no list: not pending or active) or vgic_sgi_again(), enabled and
 * its group on. vgic_sgi_queue() would find it not deliverable before and
 * deliverable after, queue it on the target's ap_list (unless it is there),
 * kick the target (vgic_unlock() skips the sender), and note no group
 * block: that is all this does, without the predicates. False: not that
 * case, nothing done.
 */
bool vgic_sgi_one(struct vgic_dist *d, u32 self, u64 sgi1r)
{
	u32 targets = vgic_sgi_targets(d, self, sgi1r);
	struct vgic_cpu *c = &d->cpu[targets ? __builtin_ctz(targets) : 0];
	struct vgic_irq *irq = &c->priv[(sgi1r >> 24) & 0xf];

	if (!targets || (targets & (targets - 1)) || !irq->enabled ||
	    !vgic_group_enabled(d->ctlr, irq))
		return false;
	if (irq->queued == VGIC_NONE) {
		irq->pending_latch = true;
		vgic_ap_insert(c, irq);
	} else if (!vgic_sgi_again(c, irq)) {
		return false;
	}
	d->kick |= BIT(c->id);
#ifdef HOST_TEST
	c->sgi_short++;
#endif
	return true;
}

void vgic_send_sgi(struct vgic_dist *d, struct vcpu *src, u64 sgir, bool group1)
{
	unsigned long f = vgic_lock(d);

	if (!group1 || !vgic_sgi_one(d, vcpu_id(src), sgir))
		vgic_sgi_queue(d, vcpu_id(src), sgir, group1);
	vgic_unlock(d, f, src);
}

static int vgic_link(struct vgic_dist *d, struct vcpu *v, u32 intid, bool hw, u32 pintid)
{
	unsigned long f = vgic_lock(d);
	struct vgic_irq *irq = vgic_irq_of(d, v, intid);
	int ret = -EINVAL;

	if (irq && intid >= VGIC_NR_SGIS && (!hw || (pintid >= VGIC_NR_SGIS && pintid < 1020))) {
		irq->hw = hw;
		irq->hwintid = hw ? (u16)pintid : 0;
		vgic_config_changed(d);
		ret = 0;
	}
	vgic_unlock(d, f, NULL);
	return ret;
}

int vgic_map_hw(struct vgic_dist *d, struct vcpu *v, u32 intid, u32 pintid)
{
	return vgic_link(d, v, intid, true, pintid);
}

int vgic_unmap_hw(struct vgic_dist *d, struct vcpu *v, u32 intid)
{
	return vgic_link(d, v, intid, false, 0);
}

int vgic_set_fast(struct vgic_dist *d, struct vcpu *v, u32 intid)
{
	unsigned long f = vgic_lock(d);
	struct vgic_cpu *c = vgic_cpu_of(d, v);
	struct vgic_irq *irq = intid < VGIC_NR_PRIVATE ? vgic_irq_of(d, v, intid) : NULL;
	int ret = -EINVAL;

	if (irq && irq->hw) {
		c->fast_irq = irq;
		vgic_config_changed(d);
		ret = 0;
	}
	vgic_unlock(d, f, NULL);
	return ret;
}

bool vgic_irq_is_active(struct vgic_dist *d, struct vcpu *v, u32 intid)
{
	unsigned long f = vgic_lock(d);
	struct vgic_irq *irq = vgic_irq_of(d, v, intid);
	const u64 *lr = irq ? vgic_irq_lr(d, irq) : NULL;
	bool active = lr ? *lr & VGIC_LR_ACTIVE : irq && irq->active;

	vgic_unlock(d, f, NULL);
	return active;
}

/* Pending for the guest: the LR's state while it is the truth, else the model's. */
static bool vgic_would_take(const struct vgic_dist *d, const struct vgic_irq *irq, u32 pmr)
{
	const u64 *lr = vgic_irq_lr(d, irq);

	if (irq->prio >= pmr)
		return false;
	if (lr)
		return (*lr & VGIC_LR_STATE) == VGIC_LR_PENDING;
	return !irq->active && vgic_irq_deliverable(d, irq);
}

bool vgic_vcpu_has_pending(struct vgic_dist *d, struct vcpu *v)
{
	unsigned long f = vgic_lock(d);
	struct vgic_cpu *c = vgic_cpu_of(d, v);
	u32 pmr = c ? c->bank.vmcr >> VGIC_VMCR_VPMR_SHIFT : 0;
	bool found = false;
	struct list_node *pos;

	if (c)
		list_for_each(pos, &c->ap_list)
			if (vgic_would_take(d, list_entry(pos, struct vgic_irq, node), pmr)) {
				found = true;
				break;
			}
	vgic_unlock(d, f, NULL);
	return found;
}

bool vgic_irq_owes_deactivation(struct vgic_dist *d, struct vcpu *v, u32 intid)
{
	unsigned long f = vgic_lock(d);
	struct vgic_irq *irq = vgic_irq_of(d, v, intid);
	const u64 *lr = irq ? vgic_irq_lr(d, irq) : NULL;
	bool busy = lr ? *lr & VGIC_LR_STATE : irq && (irq->active || vgic_irq_pending(irq));

	vgic_unlock(d, f, NULL);
	return busy;
}
