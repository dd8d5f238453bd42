/*
 * vGIC core model: setup and reset, interrupt lookup and state predicates,
 * the per-vCPU ap_lists and SPI routing, locking and deferred kicks.
 */
#include "vgic_priv.h"

#include <lib/string.h>
#include <virt/vgic_hooks.h>
#include <virt/vm_api.h>
#include <zvm/errno.h>

unsigned long vgic_lock(struct vgic_dist *d)
{
#ifdef HOST_TEST
	assert(!d->lock.held);	/* the model never re-enters itself */
	d->lock.held = true;
	return 0;
#else
	return spin_lock_irqsave(&d->lock);
#endif
}

/* The kicks run after the lock is dropped: counted in d->kickers (under
 * the lock) so that vgic_close()'s caller can wait for the last one. */
void vgic_unlock(struct vgic_dist *d, unsigned long flags, const struct vcpu *self)
{
	u32 kick = d->closed ? 0 : d->kick;

	d->kick = 0;
	if (self)
		kick &= ~(u32)BIT(vcpu_id(self));
	if (kick)	/* atomic: the decrements run outside the lock */
		__atomic_add_fetch(&d->kickers, 1, __ATOMIC_RELAXED);
#ifdef HOST_TEST
	assert(d->lock.held);
	d->lock.held = false;
	(void)flags;
#else
	spin_unlock_irqrestore(&d->lock, flags);
#endif
	if (!kick)
		return;
	for (unsigned int i = 0; kick; i++, kick >>= 1)
		if (kick & 1)
			vcpu_kick(vm_vcpu(d->vm, i));
	__atomic_sub_fetch(&d->kickers, 1, __ATOMIC_RELEASE);
	vgic_hook_kicks_done();
}

void vgic_unlock_nokick(struct vgic_dist *d, unsigned long flags)
{
#ifdef HOST_TEST
	assert(d->lock.held && !d->kick);
	d->lock.held = false;
	(void)flags;
#else
	spin_unlock_irqrestore(&d->lock, flags);
#endif
}

void vgic_close(struct vgic_dist *d)
{
	unsigned long f = vgic_lock(d);

	d->closed = true;
	vgic_unlock(d, f, NULL);
}

void vgic_open(struct vgic_dist *d)
{
	unsigned long f = vgic_lock(d);

	d->closed = false;
	vgic_unlock(d, f, NULL);
}

bool vgic_kicks_in_flight(struct vgic_dist *d)
{
	return __atomic_load_n(&d->kickers, __ATOMIC_ACQUIRE) != 0;
}

struct vgic_cpu *vgic_cpu_of(struct vgic_dist *d, const struct vcpu *v)
{
	unsigned int id;

	if (!v)
		return NULL;
	id = vcpu_id(v);
	return id < d->nr_vcpus ? &d->cpu[id] : NULL;
}

/* Private INTIDs need c (a Redistributor's view); SPIs are per VM. */
struct vgic_irq *vgic_irq_get(struct vgic_dist *d, struct vgic_cpu *c, u32 intid)
{
	if (intid < VGIC_NR_PRIVATE)
		return c ? &c->priv[intid] : NULL;
	if (intid - VGIC_NR_PRIVATE < d->nr_spis)
		return &d->spi[intid - VGIC_NR_PRIVATE];
	return NULL;
}

/*
 * Level-sensitive: pending while the line is high or a software latch
 * (ISPENDR) is set. Edge-triggered and HW-linked: the latch only (IHI 0069,
 * "Interrupt lifecycle"; HW: the physical GIC holds the line).
 */
bool vgic_irq_pending(const struct vgic_irq *irq)
{
	return irq->pending_latch || (!irq->edge && !irq->hw && irq->line_level);
}

bool vgic_group_enabled(u32 ctlr, const struct vgic_irq *irq)
{
	return ctlr & GICD_CTLR_GRP(irq->group1);
}

/* Deliverable under GICD_CTLR value ctlr: pending, enabled, routed, group on. */
bool vgic_irq_ready(u32 ctlr, const struct vgic_irq *irq)
{
	return irq->enabled && irq->target != VGIC_NONE && vgic_irq_pending(irq) &&
	       vgic_group_enabled(ctlr, irq);
}

bool vgic_irq_deliverable(const struct vgic_dist *d, const struct vgic_irq *irq)
{
	return vgic_irq_ready(d->ctlr, irq);
}

/* The LR that is the truth for irq: its vCPU's copy while live, unless a
 * sync left it soft (vgic_lr.c: the model is the truth then); else NULL. */
const u64 *vgic_irq_lr(const struct vgic_dist *d, const struct vgic_irq *irq)
{
	const struct vgic_cpu *c;

	if (irq->lr == VGIC_NONE)
		return NULL;
	c = &d->cpu[irq->queued];
	return c->lr_soft & BIT(irq->lr) ? NULL : &c->bank.lr[irq->lr];
}

/* An active interrupt stays with the vCPU that acknowledged it until it
 * is deactivated, whatever its routing says meanwhile. */
static u8 vgic_irq_dest(const struct vgic_irq *irq)
{
	if (irq->active && irq->queued != VGIC_NONE)
		return irq->queued;
	return irq->target;
}

static bool vgic_irq_before(const struct vgic_irq *a, const struct vgic_irq *b)
{
	return a->prio < b->prio || (a->prio == b->prio && a->intid < b->intid);
}

/*
 * Sorted insert. Entries live in an LR are skipped: vgic_irq_update()
 * leaves them where they are until sync, so their priority may have
 * changed since they were placed, and comparing against a stale key would
 * misplace irq for good. (It did: with A 0x10, L 0x20 live, B 0x30 queued,
 * L set to 0x50 and then C 0x40 inserted before L, C stayed ahead of B,
 * and a flush with few LRs loaded C instead of B.)
 */
void vgic_ap_insert(struct vgic_cpu *c, struct vgic_irq *irq)
{
	struct list_node *pos;

	list_for_each(pos, &c->ap_list) {
		struct vgic_irq *other = list_entry(pos, struct vgic_irq, node);

#ifdef HOST_TEST
		c->ap_steps++;
#endif
		if (other->lr == VGIC_NONE && vgic_irq_before(irq, other))
			break;
	}
	list_insert_before(pos, &irq->node);
	irq->queued = c->id;
}

/* Note irq's vCPU if only its group's GICD_CTLR bit keeps it from being
 * deliverable, for the enable write to kick (see gicd_ctlr_write()). */
static void vgic_irq_note_blocked(struct vgic_dist *d, const struct vgic_irq *irq)
{
	if (irq->queued != VGIC_NONE && vgic_irq_ready(VGIC_CTLR_ALL, irq) &&
	    !vgic_irq_deliverable(d, irq))
		d->grp_blocked[irq->group1] |= BIT(irq->queued);
}

static void vgic_irq_refile(struct vgic_dist *d, struct vgic_irq *irq, bool was)
{
	u8 dest = vgic_irq_dest(irq), old = irq->queued;
	bool now = vgic_irq_deliverable(d, irq);

	if (dest != VGIC_NONE && d->cpu[dest].fast_irq == irq)
		vgic_fast_changed(d, &d->cpu[dest], irq);

	/* Soft in old's LRs (old is out of the guest, the model is the truth):
	 * out of the LR, re-filed like any other. */
	if (irq->lr != VGIC_NONE && (d->cpu[old].lr_soft & BIT(irq->lr)))
		vgic_lr_drop(&d->cpu[old], irq->lr);
	if (irq->lr != VGIC_NONE) {
		/* Live in old's LRs: old's next sync folds it (lr_stale: never
		 * kept) and re-files it. Make old exit if that is now needed
		 * for the interrupt to be seen. */
		d->cpu[old].lr_stale |= BIT(irq->lr);
		if ((now && !was) || dest != old)
			d->kick |= BIT(old);
		return;
	}
	if (old != VGIC_NONE) {
		list_del(&irq->node);
		irq->queued = VGIC_NONE;
	}
	if (dest == VGIC_NONE || !(irq->active || (irq->enabled && vgic_irq_pending(irq))))
		return;
	vgic_ap_insert(&d->cpu[dest], irq);
	if (now && (!was || dest != old))
		d->kick |= BIT(dest);
}

void vgic_irq_update(struct vgic_dist *d, struct vgic_irq *irq, bool was)
{
	vgic_irq_refile(d, irq, was);
	vgic_irq_note_blocked(d, irq);
}

/*
 * Aff0 = n, Aff1..Aff3 = 0 is vCPU n; IRM = 1 ("any PE") picks vCPU 0.
 * Route by the stored value: the RES0 bits [30:24] and [63:40] read as 0
 * (IHI 0069, GICD_IROUTER<n>), so they must not unroute the interrupt.
 */
void vgic_irq_route(struct vgic_dist *d, struct vgic_irq *irq, u64 irouter)
{
	u64 aff;

	irq->irouter = irouter & VGIC_IROUTER_MASK;
	aff = irq->irouter & ~VGIC_IROUTER_IRM;
	if (irq->irouter & VGIC_IROUTER_IRM)
		irq->target = 0;
	else
		irq->target = aff < d->nr_vcpus ? (u8)aff : VGIC_NONE;
}

static void vgic_irq_reset(struct vgic_irq *irq, u32 intid, u8 target)
{
	bool hw = irq->hw;
	u16 hwintid = irq->hwintid;

	memset(irq, 0, sizeof(*irq));
	list_init(&irq->node);
	irq->intid = (u16)intid;
	irq->hw = hw;
	irq->hwintid = hwintid;
	irq->group1 = true;		/* as KVM: guests boot in Non-secure Group 1 */
	irq->edge = intid < VGIC_NR_SGIS;	/* SGIs edge; PPIs, SPIs level */
	irq->target = target;
	irq->queued = VGIC_NONE;
	irq->lr = VGIC_NONE;
}

static void vgic_cpu_reset(struct vgic_cpu *c)
{
	u32 nr_lr = c->bank.nr_lr;

	for (u32 i = 0; i < VGIC_NR_PRIVATE; i++)
		vgic_irq_reset(&c->priv[i], i, c->id);
	list_init(&c->ap_list);
	memset(c->lr_irq, 0, sizeof(c->lr_irq));
	memset(c->lr_val, 0, sizeof(c->lr_val));
	c->lr_live = c->lr_soft = c->lr_stale = 0;
	memset(&c->bank, 0, sizeof(c->bank));
	c->bank.nr_lr = nr_lr;
	c->fast_val = 0;	/* fast_irq, like a hardware link, survives */
	c->fast_used = false;
	c->fast_keep = false;
	c->sleep = true;	/* GICR_WAKER.ProcessorSleep resets to 1 */
}

void vgic_reset(struct vgic_dist *d)
{
	unsigned long f = vgic_lock(d);

	d->ctlr = 0;
	d->grp_blocked[0] = d->grp_blocked[1] = 0;	/* nothing pending after reset */
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		vgic_cpu_reset(&d->cpu[i]);
	for (unsigned int i = 0; i < d->nr_spis; i++)
		vgic_irq_reset(&d->spi[i], VGIC_NR_PRIVATE + i, 0);	/* IROUTER 0 */
	vgic_config_changed(d);	/* no idle_gen of the reset vCPUs matches */
	d->kick = 0;
	vgic_unlock(d, f, NULL);
}

int vgic_init(struct vgic_dist *d, struct vm *vm, const struct vgic_config *cfg)
{
	unsigned int n = vm_nr_vcpus(vm);

	if (!n || n > VGIC_MAX_VCPUS || !cfg->cpus || cfg->nr_spis > VGIC_MAX_SPIS ||
	    (cfg->nr_spis && !cfg->spis) || cfg->nr_lr < 2 || cfg->nr_lr > VGIC_MAX_LR)
		return -EINVAL;
	memset(d, 0, sizeof(*d));
	d->lock = (vgic_lock_t)VGIC_LOCK_INIT;
	d->vm = vm;
	d->cpu = cfg->cpus;
	d->spi = cfg->spis;
	d->nr_vcpus = n;
	d->nr_spis = cfg->nr_spis;
	memset(d->cpu, 0, n * sizeof(*d->cpu));
	if (d->nr_spis)
		memset(d->spi, 0, d->nr_spis * sizeof(*d->spi));
	for (unsigned int i = 0; i < n; i++) {
		d->cpu[i].id = (u8)i;
		d->cpu[i].bank.nr_lr = cfg->nr_lr;
	}
	vgic_reset(d);
	return 0;
}
