/*
 * Randomized model check of the vGIC (fixed seeds, deterministic): a long
 * random sequence of injections (edge, level, SGIs), MMIO enable/disable,
 * priority and routing changes, GICD_CTLR group toggles, vgic_flush(),
 * a simulated guest acknowledging / deactivating its highest-priority LR,
 * and vgic_sync(), run side by side with a small reference model of the
 * GIC's pending/active state. Checked after every step: the exact LR
 * contents a flush must produce, no interrupt in two LRs, ap_list and LR
 * bookkeeping. At the end everything is drained and every edge must have
 * been delivered exactly as often as the GIC's coalescing allows: edges
 * that arrive while the interrupt is already pending merge into one.
 *
 * An edge injected while the interrupt sits in a running vCPU's LRs is
 * applied to the reference at that vCPU's sync: the model cannot know
 * whether it came before or after the guest's acknowledgement, and
 * treats it as after (never lost; at worst one extra delivery).
 *
 * Every vCPU also has its virtual timer (PPI 27) linked to the physical
 * one and set up for the fast path, and the timer fires two ways, as the
 * real one does: at an exit, after the sync, through vgic_set_level(); or
 * while the vCPU runs, through vgic_fast_inject() straight into an LR,
 * which the reference predicts from the state at that vCPU's last flush
 * (a refusal falls back to exit + full path). A physical timer the guest
 * owes a deactivation cannot fire, so neither does the reference's: the
 * physical PPI is held active from the entry (flush) that finds it owed,
 * or from a fast injection, until the guest's EOI (phys[]).
 *
 * Other vCPUs (and vgic_inject_edge()) also write the timer's state
 * through its Redistributor: ISPENDR0, ICPENDR0, IS/ICACTIVER0, IGROUPR0,
 * priority, enable, typically between its vCPU's flush and a fast
 * injection. The reference's rules, the model's (vgic_fast_adopt()):
 * while the timer sits in an LR, that LR is the truth - an active state
 * written meanwhile is lost to it, a pending one is deferred to the sync
 * like an edge, cleared by ICPENDR0 - and a fast injection merges with a
 * pending state set since the flush (one pending state), and takes over
 * the timer, an active state set meanwhile included.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vgic_test.h"

#define NR_CPUS 3
#define NR_SPIS 12		/* INTIDs 32..43 */
#define NR_EDGE_SPIS 8		/* 32..39 edge-triggered, 40..43 level-sensitive */
#define NR_FUZZ_SGIS 4		/* SGIs 0..3 on every vCPU */
#define NR_IRQ_REFS (NR_SPIS + NR_CPUS * NR_FUZZ_SGIS)
#define NR_REFS (NR_IRQ_REFS + NR_CPUS)	/* then one timer per vCPU */
#define NONE (-1)
#define TIMER VGIC_PPI_VTIMER	/* linked to the same physical INTID */
#define GRP0 1u
#define GRP1 2u

/* Redistributor SGI_base frame registers the timer ops write. */
#define GICR_IGROUPR0 0x0080
#define GICR_ISPENDR0 0x0200
#define GICR_ICPENDR0 0x0280
#define GICR_ISACTIVER0 0x0300
#define GICR_ICACTIVER0 0x0380

/* The reference model of one interrupt. */
struct ref {
	u32 intid;
	int cpu;		/* private: its vCPU; SPI: NONE */
	bool edge, enabled, group1, line, latch, active;
	bool hw;		/* the timer: latch only, never pending+active */
	u8 prio;
	int target;		/* routed vCPU, NONE if none */
	int owner;		/* vCPU that acknowledged it, while active */
	int live;		/* vCPU whose LRs hold it, or NONE */
	int lr;			/* which of them, while live */
	bool adopt;		/* live in an LR only the fast path filled */
	bool mlatch, mactive;	/* while adopt: the model's own pending_latch, active */
	unsigned int deferred;	/* edges injected while live */
	unsigned int expected, delivered;	/* edge, hw: distinct pending episodes, acks */
};

/* What vCPU n's last flush allowed its fast path (vgic_fast_prepare()). */
struct fast_snap {
	int lr;			/* fast_lr, NONE if fast_val = 0 (refuse) */
	u64 val;		/* fast_val, when lr != NONE */
	u8 prio;		/* the timer's, as the value carries it */
	bool changed;		/* its configuration changed since */
	bool used;		/* injected since the last sync */
	bool alone;		/* the flush loaded no LR */
};

struct fuzz {
	struct tvm *t;
	struct ref r[NR_REFS];
	bool running[NR_CPUS];
	bool phys[NR_CPUS];	/* running vCPU's physical timer PPI active: cannot fire */
	struct fast_snap snap[NR_CPUS];
	unsigned int kicks[NR_CPUS];	/* vcpu_kick() counts before an MMIO write */
	u32 ctlr;
	u64 rng;
	unsigned int nr_lr;
	unsigned int acks;
	/* Coverage: the run must reach the interesting cases. */
	unsigned int merged, deferred, overflows;
	/* Timer fires (either path; by the full one), fires held back because
	 * the guest owed a deactivation, line lowerings; fast injections, its
	 * refusals (timer idle: fall back; busy: probe), injections into the
	 * timer's own LR, with no other LR loaded; after a configuration
	 * change since the flush: injections, ones while it is now disabled,
	 * at another priority, its group off, and refusals; kicks checked. */
	unsigned int fires, fire_full, fire_held, lowered;
	unsigned int fast, fast_refused, fast_busy, fast_own_lr, fast_alone;
	unsigned int fast_changed, stale_enable, stale_prio, stale_group, refused_changed;
	unsigned int kicked;
	/* The timer's state written by others: pends (by vgic_inject_edge()
	 * among them), ones deferred while live, merged into a fast injection
	 * not yet acknowledged; ICPENDR0 writes, ones that cancelled a pending
	 * state; active set, cleared, lost to a live LR; group changes, fast
	 * injections in Group 0; fast injections merging a pending state set
	 * since the flush (latched while in no LR / deferred while live), taking
	 * over an active state set since the flush; pends left out (bug). */
	unsigned int soft_pend, soft_inject, soft_live, soft_merged, unpend, cancelled;
	unsigned int act_set, act_clear, act_lost, group_changes, fast_group0;
	unsigned int fast_merged, fast_merged_live, fast_over_active, skipped;
};

static unsigned int rnd(struct fuzz *f, unsigned int n)
{
	f->rng ^= f->rng << 13;
	f->rng ^= f->rng >> 7;
	f->rng ^= f->rng << 17;
	return (unsigned int)(f->rng % n);
}

static struct ref *timer_ref(struct fuzz *f, unsigned int cpu)
{
	return &f->r[NR_IRQ_REFS + cpu];
}

static struct ref *ref_of(struct fuzz *f, unsigned int cpu, u32 intid)
{
	if (intid == TIMER)
		return timer_ref(f, cpu);
	if (intid >= VGIC_NR_PRIVATE) {
		assert_true(intid - VGIC_NR_PRIVATE < NR_SPIS);
		return &f->r[intid - VGIC_NR_PRIVATE];
	}
	assert_true(intid < NR_FUZZ_SGIS);
	return &f->r[NR_SPIS + cpu * NR_FUZZ_SGIS + intid];
}

static struct vgic_irq *irq_of(struct fuzz *f, const struct ref *r)
{
	if (r->cpu == NONE)
		return &f->t->spis[r->intid - VGIC_NR_PRIVATE];
	return &f->t->cpus[r->cpu].priv[r->intid];
}

static bool ref_pending(const struct ref *r)
{
	return r->latch || (!r->edge && r->line);
}

static bool ref_group_on(const struct fuzz *f, const struct ref *r)
{
	return f->ctlr & (r->group1 ? GRP1 : GRP0);
}

static bool ref_deliverable(const struct fuzz *f, const struct ref *r)
{
	return ref_pending(r) && r->enabled && ref_group_on(f, r) && r->target != NONE;
}

/* Where the model must keep it on an ap_list. */
static int ref_queued(const struct ref *r)
{
	if (r->active)
		return r->owner;
	return r->enabled && ref_pending(r) ? r->target : NONE;
}

static bool ref_before(const struct ref *a, const struct ref *b)
{
	return a->prio < b->prio || (a->prio == b->prio && a->intid < b->intid);
}

static void ref_edge(struct fuzz *f, struct ref *r)
{
	if (r->live != NONE) {
		r->deferred++;
		f->deferred++;
		return;
	}
	if ((r->edge || r->hw) && !r->latch)
		r->expected++;
	else if (r->edge || r->hw)
		f->merged++;
	r->latch = true;
}

/*
 * The timer fired by the full path: latched, delivered once. Only ever
 * while idle: vtimer_fire() merges a fire into a pending or active state
 * (timer_fire() counts those as held), the physical PPI cannot fire again
 * while the guest owes its deactivation.
 */
static void ref_fire(struct fuzz *f, struct ref *r)
{
	assert_false(r->latch || r->active);
	r->expected++;
	r->latch = true;
	f->fires++;
}

/* Each vCPU's timer, HW-linked and its fast interrupt (as the vtimer sets
 * it up); level-sensitive, disabled, priority 0 like any PPI at reset. */
static void timers_init(struct fuzz *f)
{
	for (unsigned int n = 0; n < NR_CPUS; n++) {
		struct vcpu *v = tvcpu(f->t, n);

		*timer_ref(f, n) = (struct ref){ .intid = TIMER, .cpu = (int)n, .hw = true,
						 .group1 = true, .target = (int)n, .owner = NONE,
						 .live = NONE, .lr = NONE };
		assert_int_equal(vgic_map_hw(&f->t->d, v, TIMER, TIMER), 0);
		assert_int_equal(vgic_set_fast(&f->t->d, v, TIMER), 0);
	}
}

static void fuzz_init(struct fuzz *f, u64 seed, unsigned int nr_lr)
{
	*f = (struct fuzz){ .t = tvm_new(NR_CPUS, NR_SPIS, nr_lr), .rng = seed, .nr_lr = nr_lr };
	for (unsigned int i = 0; i < NR_IRQ_REFS; i++) {
		struct ref *r = &f->r[i];
		bool spi = i < NR_SPIS;

		*r = (struct ref){ .intid = spi ? 32 + i : (i - NR_SPIS) % NR_FUZZ_SGIS,
				   .cpu = spi ? NONE : (int)((i - NR_SPIS) / NR_FUZZ_SGIS),
				   .edge = !spi || i < NR_EDGE_SPIS, .group1 = true, .owner = NONE,
				   .live = NONE, .lr = NONE };
		r->target = spi ? 0 : r->cpu;
	}
	timers_init(f);
	wr(f->t, GICD + 0xc08, 4, 0xaaaa);	/* GICD_ICFGR2: 32..39 edge */
	f->ctlr = 3;
	enable_dist(f->t);
}

/* ---- operations ---- */

/* vCPUs in state `running`, or -1 if none. */
static int pick_cpu(struct fuzz *f, bool running)
{
	unsigned int n = rnd(f, NR_CPUS);

	for (unsigned int i = 0; i < NR_CPUS; i++, n = (n + 1) % NR_CPUS)
		if (f->running[n] == running)
			return (int)n;
	return -1;
}

static struct ref *pick(struct fuzz *f)
{
	return &f->r[rnd(f, NR_REFS)];
}

/*
 * A trapped MMIO write, by a vCPU outside the guest if there is one (the
 * access made it exit), else by any. Returns the writer; f->kicks holds
 * the kick counts from before.
 */
static unsigned int mmio_write(struct fuzz *f, paddr_t addr, unsigned int size, u64 val)
{
	int w = pick_cpu(f, false);

	if (w < 0)
		w = (int)rnd(f, NR_CPUS);
	for (unsigned int n = 0; n < NR_CPUS; n++)
		f->kicks[n] = f->t->vm.kicks[n];
	assert_int_equal(mmio_bus_access(&f->t->bus, tvcpu(f->t, (unsigned int)w), addr, size,
					 true, &val), MMIO_OK);
	return (unsigned int)w;
}

/*
 * Writer w just rewrote vCPU n's timer configuration (or GICD_CTLR). If n
 * is in the guest, its fast path still acts on what its flush saw: the
 * model must kick it to reload (not w, which is out of the guest), and
 * until it does, the reference keeps predicting from the flush.
 */
static void timer_config(struct fuzz *f, unsigned int n, unsigned int w, bool changed)
{
	if (!f->running[n])
		return;
	if (n != w) {
		assert_true(f->t->vm.kicks[n] > f->kicks[n]);
		f->kicked++;
	}
	f->snap[n].changed |= changed;
}

static void op_inject(struct fuzz *f)
{
	struct ref *r = &f->r[rnd(f, NR_IRQ_REFS)];	/* not the timers */
	u32 targets;

	if (r->cpu == NONE) {
		assert_int_equal(vgic_inject_edge(&f->t->d, NULL, r->intid), 0);
		ref_edge(f, r);
		return;
	}
	targets = (1u << r->cpu) | rnd(f, 1u << NR_CPUS);
	vgic_send_sgi(&f->t->d, tvcpu(f->t, rnd(f, NR_CPUS)), (u64)r->intid << 24 | targets,
		      true);
	for (unsigned int n = 0; n < NR_CPUS; n++)
		if (targets & (1u << n))
			ref_edge(f, ref_of(f, n, r->intid));
}

static void op_level(struct fuzz *f)
{
	struct ref *r = &f->r[NR_EDGE_SPIS + rnd(f, NR_SPIS - NR_EDGE_SPIS)];

	r->line = rnd(f, 2);
	assert_int_equal(vgic_set_level(&f->t->d, NULL, r->intid, r->line), 0);
}

static void set_enable(struct fuzz *f, struct ref *r)
{
	paddr_t base = r->cpu == NONE ? GICD : GICR_SGI(r->cpu);
	bool was = r->enabled;
	unsigned int w;

	r->enabled = rnd(f, 4) != 0;
	w = mmio_write(f, base + (r->enabled ? 0x100 : 0x180) + r->intid / 32 * 4, 4,
		       1u << (r->intid % 32));
	if (r->hw)
		timer_config(f, (unsigned int)r->cpu, w, r->enabled != was);
}

static void set_prio_of(struct fuzz *f, struct ref *r)
{
	static const u8 prios[] = { 0x00, 0x80, 0x88, 0xa0 };
	paddr_t base = r->cpu == NONE ? GICD : GICR_SGI(r->cpu);
	u8 was = r->prio;
	unsigned int w;

	r->prio = prios[rnd(f, ARRAY_SIZE(prios))];
	w = mmio_write(f, base + 0x400 + r->intid, 1, r->prio);	/* IPRIORITYR */
	if (r->hw)
		timer_config(f, (unsigned int)r->cpu, w, r->prio != was);
}

static void op_enable(struct fuzz *f)
{
	set_enable(f, pick(f));
}

static void op_prio(struct fuzz *f)
{
	set_prio_of(f, pick(f));
}

/* The race the kick closes: a running vCPU's timer reconfigured after its
 * flush, before its fast path runs (picked at random above too, rarely). */
static void op_timer_cfg(struct fuzz *f)
{
	int n = pick_cpu(f, true);

	if (n < 0)
		return;
	if (rnd(f, 2))
		set_enable(f, timer_ref(f, (unsigned int)n));
	else
		set_prio_of(f, timer_ref(f, (unsigned int)n));
}

static void op_route(struct fuzz *f)
{
	struct ref *r = &f->r[rnd(f, NR_SPIS)];
	unsigned int aff = rnd(f, NR_CPUS + 1);	/* NR_CPUS: no such vCPU */

	r->target = aff < NR_CPUS ? (int)aff : NONE;
	wr(f->t, GICD + 0x6000 + r->intid * 8, 8, aff);
}

/* Group 1 on or off: every timer's (all Group 1) fast path goes stale. */
static void op_ctlr(struct fuzz *f)
{
	unsigned int w;

	f->ctlr ^= GRP1;
	w = mmio_write(f, GICD, 4, f->ctlr);
	for (unsigned int n = 0; n < NR_CPUS; n++)
		timer_config(f, n, w, true);
}

/* Sorted insert into a[0..*k). */
static void insert_sorted(struct ref **a, unsigned int *k, struct ref *r)
{
	unsigned int i = (*k)++;

	for (; i > 0 && ref_before(r, a[i - 1]); i--)
		a[i] = a[i - 1];
	a[i] = r;
}

/* What flush must load for vCPU n: its active interrupts, then the
 * deliverable pending ones routed to it, each by (priority, INTID). */
static unsigned int expected_lrs(struct fuzz *f, unsigned int n, struct ref **out)
{
	struct ref *act[NR_REFS], *pend[NR_REFS];
	unsigned int na = 0, np = 0;

	for (unsigned int i = 0; i < NR_REFS; i++) {
		struct ref *r = &f->r[i];

		if (r->active && r->owner == (int)n)
			insert_sorted(act, &na, r);
		else if (!r->active && r->live == NONE && r->target == (int)n &&
			 ref_deliverable(f, r))
			insert_sorted(pend, &np, r);
	}
	for (unsigned int i = 0; i < na; i++)
		out[i] = act[i];
	for (unsigned int i = 0; i < np; i++)
		out[na + i] = pend[i];
	return na + np;
}

/* r in an LR (vgic_lr_encode()): HW-linked ones carry the physical INTID,
 * have no EOI maintenance and are never pending+active. */
static u64 lr_encode(const struct ref *r, u8 prio, bool active, bool pend)
{
	u64 lr = r->intid | (u64)prio << VGIC_LR_PRIO_SHIFT | VGIC_LR_GROUP1;

	if (r->hw) {
		lr |= VGIC_LR_HW | (u64)TIMER << VGIC_LR_PINTID_SHIFT;
		pend = pend && !active;
	} else if (!r->edge) {
		lr |= VGIC_LR_EOI;
	}
	if (active)
		lr |= VGIC_LR_ACTIVE;
	if (pend)
		lr |= VGIC_LR_PENDING;
	return lr;
}

static u64 expected_lr(struct fuzz *f, const struct ref *r)
{
	return lr_encode(r, r->prio, r->active, ref_deliverable(f, r));
}

/*
 * The LR vCPU n's flush, which loaded `used` LRs, must have left its fast
 * path, or NONE: none if the timer is disabled or Group 1 off; else the
 * timer's own LR if it got one, or the first free one if it is not queued
 * (waiting for an LR behind others, or active without one).
 */
static int fast_lr_expected(struct fuzz *f, unsigned int n, unsigned int used)
{
	const struct ref *r = timer_ref(f, n);

	if (!r->enabled || !(f->ctlr & GRP1))
		return NONE;
	if (r->live == (int)n)
		return r->lr;
	return ref_queued(r) == NONE && used < f->nr_lr ? (int)used : NONE;
}

/* Snapshot at flush what the fast path may do until the sync; the model's
 * own record of it must agree. */
static void fast_expect(struct fuzz *f, unsigned int n, unsigned int used)
{
	const struct vgic_cpu *c = &f->t->cpus[n];
	struct ref *r = timer_ref(f, n);
	struct fast_snap *s = &f->snap[n];

	*s = (struct fast_snap){ .lr = fast_lr_expected(f, n, used), .prio = r->prio,
				 .alone = used == 0 };
	assert_int_equal(c->fast_val != 0, s->lr != NONE);
	if (s->lr != NONE) {
		assert_int_equal(c->fast_lr, s->lr);
		assert_int_equal(c->fast_val, lr_encode(r, s->prio, false, true));
	}
}

static void flush_cpu(struct fuzz *f, unsigned int n)
{
	struct ref *exp[NR_REFS];
	struct vgic_lr_bank *b;
	unsigned int k;

	vgic_flush(&f->t->d, tvcpu(f->t, n));
	f->running[n] = true;
	b = bank(f->t, n);
	k = expected_lrs(f, n, exp);
	assert_int_equal(b->hcr, VGIC_HCR_EN | (k > f->nr_lr ? VGIC_HCR_UIE : 0));
	f->overflows += k > f->nr_lr;
	for (unsigned int i = 0; i < f->nr_lr; i++) {
		assert_int_equal(b->lr[i], i < k ? expected_lr(f, exp[i]) : 0);
		if (i < k) {
			exp[i]->live = (int)n;
			exp[i]->lr = (int)i;
		}
	}
	fast_expect(f, n, k < f->nr_lr ? k : f->nr_lr);
}

static void op_flush(struct fuzz *f)
{
	int n = pick_cpu(f, false);

	if (n >= 0)
		flush_cpu(f, n);
}

/* The LR with `state` (exactly, or as a bit) of highest priority, or -1. */
static int lr_highest(struct vgic_lr_bank *b, u64 state, bool exact)
{
	int best = -1;

	for (unsigned int i = 0; i < b->nr_lr; i++) {
		u64 s = b->lr[i] & VGIC_LR_STATE;

		if (exact ? s != state : !(s & state))
			continue;
		if (best < 0 || (b->lr[i] & VGIC_LR_PRIO_MASK) < (b->lr[best] & VGIC_LR_PRIO_MASK))
			best = (int)i;
	}
	return best;
}

static struct ref *lr_ref(struct fuzz *f, unsigned int n, int i)
{
	return ref_of(f, n, (u32)(bank(f->t, n)->lr[i] & VGIC_LR_VINTID_MASK));
}

/* The interrupt in vCPU n's highest-priority LR with `state`, or NULL. */
static struct ref *lr_top(struct fuzz *f, unsigned int n, u64 state, bool exact)
{
	int i = lr_highest(bank(f->t, n), state, exact);
	struct ref *r = i < 0 ? NULL : lr_ref(f, n, i);

	if (r)
		assert_int_equal(r->live, n);
	return r;
}

/* The guest acknowledges its highest-priority pending interrupt. */
static bool guest_ack_top(struct fuzz *f, unsigned int n)
{
	struct ref *r = lr_top(f, n, VGIC_LR_PENDING, true);

	if (!r)
		return false;
	assert_false(r->active);
	if (r->edge || r->hw) {
		assert_true(r->latch);	/* never delivered twice */
		r->delivered++;
	}
	r->latch = false;
	r->active = true;
	r->owner = (int)n;
	guest_ack(f->t, n, r->intid);
	f->acks++;
	return true;
}

/* The guest deactivates its highest-priority active interrupt. */
static bool guest_eoi_top(struct fuzz *f, unsigned int n)
{
	struct ref *r = lr_top(f, n, VGIC_LR_ACTIVE, false);

	if (!r)
		return false;
	assert_true(r->active);
	r->active = false;
	r->owner = NONE;
	guest_eoi(f->t, n, r->intid);
	return true;
}

static void op_ack(struct fuzz *f)
{
	int n = pick_cpu(f, true);

	if (n >= 0)
		guest_ack_top(f, n);
}

static void op_eoi(struct fuzz *f)
{
	int n = pick_cpu(f, true);

	if (n >= 0)
		guest_eoi_top(f, n);
}

static void sync_cpu(struct fuzz *f, unsigned int n)
{
	vgic_sync(&f->t->d, tvcpu(f->t, n));
	f->running[n] = false;
	for (unsigned int i = 0; i < NR_REFS; i++) {
		struct ref *r = &f->r[i];

		if (r->live != (int)n)
			continue;
		r->live = NONE;
		r->lr = NONE;
		r->adopt = false;
		for (; r->deferred; r->deferred--)
			ref_edge(f, r);
	}
	f->snap[n].used = false;
}

static void op_sync(struct fuzz *f)
{
	int n = pick_cpu(f, true);

	if (n >= 0)
		sync_cpu(f, n);
}

/*
 * vCPU n (out of the guest, synced) finds its timer expired, as the vtimer
 * does at an exit: it fires only if the guest owes the physical interrupt
 * no deactivation (else the physical PPI is still active and cannot).
 */
static void timer_fire(struct fuzz *f, unsigned int n)
{
	struct ref *r = timer_ref(f, n);
	bool owes = vgic_irq_owes_deactivation(&f->t->d, tvcpu(f->t, n), TIMER);

	assert_int_equal(owes, ref_pending(r) || r->active);
	if (owes) {
		f->fire_held++;
		return;
	}
	assert_int_equal(vgic_set_level(&f->t->d, tvcpu(f->t, n), TIMER, true), 0);
	ref_fire(f, r);
	f->fire_full++;
}

/* The full path at an exit; sometimes the line drops instead (ignored for
 * a HW-linked interrupt: nothing changes). */
static void op_timer(struct fuzz *f)
{
	int n = pick_cpu(f, false);

	if (n < 0)
		return;
	if (rnd(f, 4) == 0) {
		assert_int_equal(vgic_set_level(&f->t->d, tvcpu(f->t, n), TIMER, false), 0);
		f->lowered++;
		return;
	}
	timer_fire(f, n);
}

/* ICH_ELRSR_EL2 of vCPU n's LR bank: LRs holding no interrupt. */
static u32 elrsr(struct fuzz *f, unsigned int n)
{
	struct vgic_lr_bank *b = bank(f->t, n);
	u32 e = 0;

	for (unsigned int i = 0; i < b->nr_lr; i++)
		if (!(b->lr[i] & VGIC_LR_STATE))
			e |= 1u << i;
	return e;
}

/*
 * The timer fires while vCPU n runs: the exception vector's fast path.
 * Allowed exactly when n's flush left it a value and an LR (whatever
 * changed since) and that LR is empty: it can only hold the timer, which
 * is idle. The value is the pending timer as that flush saw it.
 */
static bool fast_try(struct fuzz *f, unsigned int n)
{
	struct fast_snap *s = &f->snap[n];
	struct ref *r = timer_ref(f, n);
	u32 e = elrsr(f, n);
	u64 val = 0;
	int i;

	assert_true(s->lr == NONE || (e & (1u << s->lr)));
	i = vgic_fast_inject(&f->t->d, tvcpu(f->t, n), e, &val);
	assert_int_equal(i, s->lr);
	if (i < 0)
		return false;
	assert_int_equal(val, lr_encode(r, s->prio, false, true));
	bank(f->t, n)->lr[i] = val;
	s->used = true;
	ref_fire(f, r);
	if (r->live == NONE) {
		r->live = (int)n;
		r->lr = i;
		r->adopt = true;
	}
	assert_int_equal(r->lr, i);
	f->fast++;
	f->fast_own_lr += !r->adopt;
	f->fast_alone += s->alone;
	f->fast_changed += s->changed;
	f->stale_enable += !r->enabled;
	f->stale_prio += r->prio != s->prio;
	f->stale_group += !(f->ctlr & GRP1);
	return true;
}

/*
 * The physical timer fires while vCPU n runs. Only when the guest owes it
 * no deactivation; still, the fast path must refuse the busy timer (its
 * LR is in use, or it waits for one). A refusal exits to the full path.
 */
static void op_fast(struct fuzz *f)
{
	int n = pick_cpu(f, true);
	struct ref *r;
	u64 val = 0;

	if (n < 0)
		return;
	r = timer_ref(f, (unsigned int)n);
	if (ref_pending(r) || r->active) {
		assert_int_equal(vgic_fast_inject(&f->t->d, tvcpu(f->t, n), elrsr(f, n), &val), -1);
		f->fast_busy++;
		return;
	}
	if (fast_try(f, (unsigned int)n))
		return;
	f->fast_refused++;
	f->refused_changed += f->snap[n].changed;
	sync_cpu(f, (unsigned int)n);
	timer_fire(f, (unsigned int)n);
}

/* ---- invariants ---- */

static bool irq_before(const struct vgic_irq *a, const struct vgic_irq *b)
{
	return a->prio < b->prio || (a->prio == b->prio && a->intid < b->intid);
}

/* vCPU n's ap_list: well formed, only its own, non-live entries sorted. */
static void check_ap_list(struct fuzz *f, unsigned int n)
{
	struct vgic_cpu *c = &f->t->cpus[n];
	const struct vgic_irq *prev = NULL;
	struct list_node *pos;
	unsigned int len = 0;

	list_for_each(pos, &c->ap_list) {
		struct vgic_irq *irq = list_entry(pos, struct vgic_irq, node);

		assert_true(++len <= NR_REFS);
		assert_ptr_equal(pos->next->prev, pos);
		assert_int_equal(irq->queued, n);
		if (irq->lr != VGIC_NONE)
			continue;
		if (prev)
			assert_false(irq_before(irq, prev));
		prev = irq;
	}
}

/* Every LR flush wrote is accounted for, and nothing else is live. */
static void check_lrs(struct fuzz *f, unsigned int n)
{
	struct vgic_cpu *c = &f->t->cpus[n];
	const struct ref *timer = timer_ref(f, n);

	assert_int_equal(c->fast_used, f->snap[n].used);
	for (unsigned int i = 0; i < f->nr_lr; i++) {
		struct vgic_irq *irq = c->lr_irq[i];

		if (!f->running[n]) {
			assert_null(irq);
			continue;
		}
		if (timer->adopt && timer->lr == (int)i) {
			/* The fast path's: the model learns of it at sync. */
			assert_null(irq);
			assert_int_equal(c->bank.lr[i] & (VGIC_LR_HW | VGIC_LR_VINTID_MASK),
					 VGIC_LR_HW | TIMER);
			continue;
		}
		/* Loaded LRs have Group1 set: non-zero even once deactivated. */
		assert_int_equal(irq != NULL, c->bank.lr[i] != 0);
		if (irq) {
			assert_int_equal(c->bank.lr[i] & VGIC_LR_VINTID_MASK, irq->intid);
			assert_int_equal(irq->lr, i);
			assert_int_equal(irq->queued, n);
		}
	}
}

/* A non-live interrupt: the model's state is the reference's. */
static void check_irq(struct fuzz *f, const struct ref *r)
{
	const struct vgic_irq *irq = irq_of(f, r);
	int q = ref_queued(r);

	if (r->adopt) {
		/* Injected behind the model's back: as the flush left it,
		 * neither pending nor active nor queued. */
		assert_int_equal(irq->lr, VGIC_NONE);
		assert_int_equal(irq->queued, VGIC_NONE);
		assert_false(irq->pending_latch || irq->active);
		return;
	}
	if (r->live != NONE) {
		assert_int_equal(irq->lr, r->lr);
		assert_int_equal(irq->queued, r->live);
		return;
	}
	assert_int_equal(irq->lr, VGIC_NONE);
	assert_int_equal(irq->enabled, r->enabled);
	assert_int_equal(irq->active, r->active);
	assert_int_equal(irq->pending_latch || (!irq->edge && irq->line_level), ref_pending(r));
	assert_int_equal(irq->queued, q == NONE ? VGIC_NONE : q);
	assert_int_equal(irq->prio, r->prio);
}

/* No interrupt is in two LRs, of one vCPU or of two. (An idle vCPU's
 * bank keeps what its last exit saved; only running ones count.) */
static void check_no_duplicates(struct fuzz *f)
{
	unsigned int seen[NR_REFS] = { 0 };

	for (unsigned int n = 0; n < NR_CPUS; n++) {
		struct vgic_lr_bank *b = bank(f->t, n);

		if (!f->running[n])
			continue;
		for (unsigned int i = 0; i < f->nr_lr; i++)
			if (b->lr[i] & VGIC_LR_STATE)
				assert_int_equal(seen[lr_ref(f, n, (int)i) - f->r]++, 0);
	}
}

static void check_all(struct fuzz *f)
{
	check_no_duplicates(f);
	for (unsigned int n = 0; n < NR_CPUS; n++) {
		check_ap_list(f, n);
		check_lrs(f, n);
	}
	for (unsigned int i = 0; i < NR_REFS; i++)
		check_irq(f, &f->r[i]);
}

/* ---- the run ---- */

typedef void (*fuzz_op)(struct fuzz *);

static void step(struct fuzz *f, const fuzz_op *ops, unsigned int nr_ops)
{
	if (rnd(f, 64) == 0)
		op_ctlr(f);
	else
		ops[rnd(f, nr_ops)](f);
	check_all(f);
}

static void run_ops(struct fuzz *f, unsigned int steps)
{
	static const fuzz_op ops[] = {
		op_inject, op_inject, op_inject, op_level, op_level, op_enable, op_enable,
		op_prio, op_route, op_flush, op_flush, op_flush, op_ack, op_ack, op_ack,
		op_ack, op_eoi, op_eoi, op_eoi, op_sync, op_sync, op_sync, op_timer, op_fast,
		op_fast, op_timer_cfg, op_timer_cfg,
	};

	for (unsigned int i = 0; i < steps; i++)
		step(f, ops, ARRAY_SIZE(ops));
}

/*
 * After a drain: only the timers fire. A vCPU whose flush loads nothing
 * (its lockless path) gets its timer into LR 0 by the fast path, and the
 * sync has that one LR to adopt: the busy run above hardly ever gets there.
 */
static void run_timers_only(struct fuzz *f, unsigned int steps)
{
	static const fuzz_op ops[] = {
		op_flush, op_ack, op_eoi, op_sync, op_timer, op_fast, op_fast, op_timer_cfg,
	};

	for (unsigned int i = 0; i < steps; i++)
		step(f, ops, ARRAY_SIZE(ops));
}

/* Everything enabled, routed and lines low: the guests take all there is. */
static void drain(struct fuzz *f)
{
	for (unsigned int n = 0; n < NR_CPUS; n++)
		if (f->running[n])
			sync_cpu(f, n);
	if (!(f->ctlr & GRP1))
		op_ctlr(f);
	for (unsigned int i = 0; i < NR_REFS; i++) {
		struct ref *r = &f->r[i];

		if (r->cpu == NONE && !r->edge && r->line)
			assert_int_equal(vgic_set_level(&f->t->d, NULL, r->intid, r->line = false), 0);
		if (r->cpu == NONE && r->target == NONE)
			wr(f->t, GICD + 0x6000 + r->intid * 8, 8, r->target = 0);
		enable_irq(f->t, r->cpu == NONE ? 0 : (unsigned int)r->cpu, r->intid);
		r->enabled = true;
	}
	for (unsigned int round = 0, busy = 1; busy; round++) {
		unsigned int before = f->acks;

		assert_true(round < 100);
		for (unsigned int n = 0; n < NR_CPUS; n++) {
			flush_cpu(f, n);
			while (guest_ack_top(f, n) || guest_eoi_top(f, n))
				;
			sync_cpu(f, n);
			check_all(f);
		}
		busy = f->acks != before;
	}
}

static void check_drained(struct fuzz *f, unsigned int steps)
{
	unsigned int expected = 0;

	for (unsigned int i = 0; i < NR_REFS; i++) {
		const struct ref *r = &f->r[i];

		assert_int_equal(r->delivered, r->expected);
		assert_false(ref_pending(r));
		assert_false(r->active);
		expected += r->expected;
	}
	for (unsigned int n = 0; n < NR_CPUS; n++)
		assert_true(list_empty(&f->t->cpus[n].ap_list));
	assert_true(expected > steps / 50);
	assert_true(f->merged > steps / 50);
	assert_true(f->deferred > steps / 100);
	if (f->nr_lr < NR_REFS / NR_CPUS)
		assert_true(f->overflows > steps / 100);
}

/* Every timer fire acknowledged exactly once (none merge: ref_fire()), and
 * the run went through every fast path case. */
static void check_timers(struct fuzz *f, unsigned int steps)
{
	unsigned int delivered = 0;

	for (unsigned int n = 0; n < NR_CPUS; n++)
		delivered += timer_ref(f, n)->delivered;
	assert_int_equal(delivered, f->fires);
	assert_int_equal(f->fires, f->fire_full + f->fast);
	assert_true(f->fire_full > steps / 1000);
	assert_true(f->fire_held > steps / 200);
	assert_true(f->lowered > steps / 1000);
	assert_true(f->fast > steps / 1000);
	assert_true(f->fast_refused > steps / 1000);
	assert_true(f->fast_busy > steps / 100);
	assert_true(f->fast_own_lr > steps / 2000);
	assert_true(f->fast_alone > steps / 20000);
	assert_true(f->fast_changed > steps / 2000);
	assert_true(f->refused_changed > steps / 2000);
	assert_true(f->stale_enable > steps / 20000);
	assert_true(f->stale_prio > steps / 20000);
	assert_true(f->stale_group > steps / 20000);
	assert_true(f->kicked > steps / 100);
}

static void run(u64 seed, unsigned int nr_lr, unsigned int steps)
{
	struct fuzz f;

	fuzz_init(&f, seed, nr_lr);
	run_ops(&f, steps);
	drain(&f);
	run_timers_only(&f, steps / 10);
	drain(&f);
	check_drained(&f, steps);
	check_timers(&f, steps);
	tvm_free(f.t);
}

static void test_fuzz_4_lrs(void **state)
{
	run(0x9e3779b97f4a7c15ULL, 4, 100000);
}

static void test_fuzz_2_lrs(void **state)
{
	run(0x2545f4914f6cdd1dULL, 2, 100000);
}

static void test_fuzz_16_lrs(void **state)
{
	run(0xd1b54a32d192ed03ULL, 16, 50000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fuzz_4_lrs),
		cmocka_unit_test(test_fuzz_2_lrs),
		cmocka_unit_test(test_fuzz_16_lrs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
