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
 * An SGI whose sender is running goes half the time through the SGI fast
 * path (vgic_send_sgi_live(): the sender's sync, the send and its flush
 * under one hold of the lock, from the exception vector); its LRs are then
 * checked against the reference exactly as after a flush. An SGI to the
 * sender alone first tries the direct SGI (vgic_sgi_direct(): one LR
 * written, no sync or flush), which must be taken exactly when the
 * reference allows it, with the value and in an LR a flush could have
 * given it; the next sync and flush then check the model against the
 * reference as after the full path. A phase after the busy run sends
 * mostly such SGIs, their handler running at once, so that the direct SGI
 * is common there.
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
 * like an edge, cleared by ICPENDR0 (which also clears the model's latch
 * of a timer loaded pending+active: LR.HW = 1 holds it active only) - and
 * a fast injection merges with a pending state set since the flush (one
 * pending state), and takes over the timer, an active state set meanwhile
 * included.
 *
 * After a fast injection, until the sync, the model keeps its latch if an
 * update of the timer under the lock finds it set (fast_keep): a pend, or,
 * while a pend from before the injection is latched, any write to an
 * SGI_base register that covers the timer (even one setting only another
 * INTID's bit) or a group turned on in GICD_CTLR. The sync then leaves the
 * timer pending again, unless its LR still is (the two are one pending
 * state). That is the GIC's second pending state when the pend came after
 * the guest acknowledged the injection (owed at once: gpend); else it is
 * one delivery more than the GIC makes - a pend before the acknowledgement,
 * or other updates only - the documented deviation: at worst one extra
 * delivery, never a lost one.
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
	bool hw;		/* the timer: latch only, never pending+active in an LR */
	u8 prio;
	int target;		/* routed vCPU, NONE if none */
	int owner;		/* vCPU that acknowledged it, while active */
	int live;		/* vCPU whose LRs hold it, or NONE */
	int lr;			/* which of them, while live */
	bool adopt;		/* live in an LR only the fast path filled */
	bool held;		/* live, HW, pending+active: the latch is the model's */
	bool mlatch;		/* timer, while live: the model's own pending_latch */
	bool mactive;		/* while adopt: the model's own active */
	bool gpend;		/* timer: pended after the guest took a fast injection */
	unsigned int deferred;	/* edges (timer: pends) injected while live */
	unsigned int expected, delivered;	/* edge, hw: distinct pending episodes, acks */
};

/* What vCPU n's last flush allowed its fast path (vgic_fast_prepare()). */
struct fast_snap {
	int lr;			/* fast_lr, NONE if fast_val = 0 (refuse) */
	u64 val;		/* fast_val, when lr != NONE */
	u8 prio;		/* the timer's, as the value carries it */
	bool changed;		/* its configuration changed since */
	bool used;		/* injected since the last sync */
	bool keep;		/* since then, updated with the latch set (fast_keep) */
	bool pended;		/* since then, pended */
	bool alone;		/* the flush loaded no LR */
};

struct fuzz {
	struct tvm *t;
	struct ref r[NR_REFS];
	bool running[NR_CPUS];
	bool phys[NR_CPUS];	/* running vCPU's physical timer PPI active: cannot fire */
	struct fast_snap snap[NR_CPUS];
	unsigned int kicks[NR_CPUS];	/* vcpu_kick() counts before a write, injection */
	u32 ctlr;
	u64 rng;
	unsigned int nr_lr;
	unsigned int acks;
	/* Coverage: the run must reach the interesting cases. */
	unsigned int merged, deferred, overflows;
	unsigned int kept;	/* LRs the delta kept live across a sync and flush */
	/* Timer fires (either path; by the full one), fires held back because
	 * the guest owed a deactivation, line lowerings; fast injections, its
	 * refusals (timer idle: fall back; busy: probe), injections into the
	 * timer's own LR, with no other LR loaded; after a configuration
	 * change since the flush: injections, ones while it is now disabled,
	 * at another priority, its group off, and refusals; kicks checked. */
	unsigned int fires, fire_full, fire_held, lowered;
	unsigned int fast, fast_refused, fast_busy, fast_own_lr, fast_alone;
	unsigned int sgi_fast;		/* SGIs through the fast path, to src too */
	unsigned int sgi_fast_others;	/* SGIs through the fast path, to others only */
	/* Self-SGIs: direct, into the LR the same SGI left empty, declined. */
	unsigned int sgi_direct, sgi_direct_again, sgi_direct_declined;
	unsigned int sgi_direct_fast;	/* direct after a fast timer injection, before its adopt */
	unsigned int kick_fast;	/* kicks taken on the IRQ vector (vgic_refresh_live()) */
	unsigned int fast_changed, stale_enable, stale_prio, stale_group, refused_changed;
	unsigned int kicked;
	/* The timer's state written by others: pends (by vgic_inject_edge()
	 * among them), ones deferred while live, merged into a fast injection
	 * not yet acknowledged; ICPENDR0 writes, ones while live clearing the
	 * model's latch (held), ones that cancelled a pending state; active
	 * set, cleared, lost to a live LR; group changes, fast injections in
	 * Group 0; fast injections merging a pending state set since the flush
	 * (latched while in no LR / deferred while live), taking over an
	 * active state set since the flush. After a fast injection: pends
	 * once the guest took it (the GIC's second pending state); fast
	 * injections again, ones merging such a pend; syncs keeping the latch:
	 * as the GIC's second pending state, as an extra delivery after a
	 * pend or after another update only (see the top). */
	unsigned int soft_pend, soft_inject, soft_live, soft_merged, unpend, unpend_held, cancelled;
	unsigned int act_set, act_clear, act_lost, group_changes, fast_group0;
	unsigned int fast_merged, fast_merged_live, fast_over_active;
	unsigned int soft_second, fast_again, fast_again_merged;
	unsigned int fast_keep_second, fast_keep_extra, fast_keep_update;
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

static void kicks_save(struct fuzz *f)
{
	for (unsigned int n = 0; n < NR_CPUS; n++)
		f->kicks[n] = f->t->vm.kicks[n];
}

/*
 * A trapped MMIO write, by a vCPU outside the guest if there is one (the
 * access made it exit), else by any. Returns the writer; f->kicks holds
 * the kick counts from before.
 */
static int mmio_write(struct fuzz *f, paddr_t addr, unsigned int size, u64 val)
{
	int w = pick_cpu(f, false);

	if (w < 0)
		w = (int)rnd(f, NR_CPUS);
	kicks_save(f);
	assert_int_equal(mmio_bus_access(&f->t->bus, tvcpu(f->t, (unsigned int)w), addr, size,
					 true, &val), MMIO_OK);
	return w;
}

/*
 * Writer w (NONE: no vCPU, an injection) just changed vCPU n's timer, its
 * configuration or its state (or GICD_CTLR). If n is in the guest, its
 * fast path still acts on what its flush saw: the model must kick it to
 * reload (not w, which is out of the guest), and until it does, the
 * reference keeps predicting from the flush.
 */
static void timer_config(struct fuzz *f, unsigned int n, int w, bool changed)
{
	if (!f->running[n])
		return;
	if ((int)n != w) {
		assert_true(f->t->vm.kicks[n] > f->kicks[n]);
		f->kicked++;
	}
	f->snap[n].changed |= changed;
}

/*
 * vCPU n's timer just went through vgic_irq_update(): after a fast
 * injection, with the model's latch set, vgic_fast_changed() has the adopt
 * keep it.
 */
static void timer_updated(struct fuzz *f, unsigned int n)
{
	if (f->snap[n].used && timer_ref(f, n)->mlatch)
		f->snap[n].keep = true;
}

/*
 * A pend after a fast injection. While the LR is pending, one pending
 * state with it; once the guest took it, a second one, which the GIC owes
 * (once: it has one pending state) and the model keeps.
 */
static void timer_pended_fast(struct fuzz *f, struct ref *r)
{
	f->snap[r->cpu].pended = true;
	if (r->latch) {
		f->soft_merged++;
	} else if (!r->gpend) {
		r->gpend = true;
		r->expected++;
		f->soft_second++;
	} else {
		f->merged++;
	}
}

/*
 * The timer pended by software (ISPENDR0, vgic_inject_edge()): in the
 * model's latch. After a fast injection, see above; else as an edge:
 * latched, or deferred to the sync while live.
 */
static void timer_pended(struct fuzz *f, struct ref *r)
{
	f->soft_pend++;
	if (r->live != NONE)
		r->mlatch = true;
	if (f->snap[r->cpu].used) {
		timer_pended_fast(f, r);
		return;
	}
	f->soft_live += r->live != NONE;
	ref_edge(f, r);
}

/* ICPENDR0: the pends deferred while live go, a second pending state after
 * a fast injection, and the latch, unless an LR holds that pending state
 * (the fold gives it back). A HW LR loaded pending+active holds it active
 * only: the latch stays the model's. */
static void timer_unpended(struct fuzz *f, struct ref *r)
{
	f->unpend++;
	r->deferred = 0;
	r->mlatch = false;
	if (r->gpend) {
		r->gpend = false;
		r->expected--;
		f->cancelled++;
	}
	if (r->live != NONE && !r->held)
		return;
	f->unpend_held += r->held;
	r->held = false;
	if (r->latch) {
		r->expected--;
		f->cancelled++;
	}
	r->latch = false;
}

/* IS/ICACTIVER0: while live, the LR's state wins (the fold takes it). */
static void timer_activated(struct fuzz *f, struct ref *r, bool on)
{
	f->act_set += on;
	f->act_clear += !on;
	if (r->live != NONE) {
		r->mactive = on;
		f->act_lost++;
		return;
	}
	r->active = on;
	r->owner = on ? r->cpu : NONE;
}

static void inject_timer(struct fuzz *f, struct ref *r)
{
	kicks_save(f);
	assert_int_equal(vgic_inject_edge(&f->t->d, tvcpu(f->t, (unsigned int)r->cpu), TIMER), 0);
	timer_pended(f, r);
	timer_updated(f, (unsigned int)r->cpu);
	timer_config(f, (unsigned int)r->cpu, NONE, false);
	f->soft_inject++;
}

static void sgi_edges(struct fuzz *f, u32 intid, u32 targets)
{
	for (unsigned int n = 0; n < NR_CPUS; n++)
		if (targets & (1u << n))
			ref_edge(f, ref_of(f, n, intid));
}

static void flush_check(struct fuzz *f, unsigned int n);
static void flush_cpu(struct fuzz *f, unsigned int n);
static void sync_ref(struct fuzz *f, unsigned int n);

/*
 * The other targets of an SGI that run take the kick (IPI_KICK) half the
 * time on the IRQ vector's fast path: vgic_refresh_live(), for the
 * reference a sync and a flush of that vCPU, its LRs checked as after any
 * flush.
 */
static void kick_targets(struct fuzz *f, unsigned int src, u32 targets)
{
	for (unsigned int n = 0; n < NR_CPUS; n++) {
		if (n == src || !(targets & (1u << n)) || !f->running[n] || rnd(f, 2))
			continue;
		vgic_refresh_live(&f->t->d, tvcpu(f->t, n));
		f->kick_fast++;
		sync_ref(f, n);
		flush_check(f, n);
	}
}

static u32 elrsr(struct fuzz *f, unsigned int n);
static u64 expected_lr(struct fuzz *f, const struct ref *r);

/*
 * The LRs vCPU n's direct SGI may take: empty (ICH_ELRSR_EL2), holding
 * none of the reference's live interrupts (a deactivated one is empty but
 * still the model's until the sync), not the LR the flush set aside for
 * the timer's fast path.
 */
static u32 direct_free(struct fuzz *f, unsigned int n)
{
	u32 free = elrsr(f, n);

	for (unsigned int i = 0; i < NR_REFS; i++)
		if (f->r[i].live == (int)n)
			free &= ~(1u << f->r[i].lr);
	if (f->snap[n].lr != NONE)
		free &= ~(1u << f->snap[n].lr);
	return free;
}

/* r is live in vCPU n's LR, which the guest has emptied, and nothing pended
 * it since (not even deferred). */
static bool direct_again(struct fuzz *f, unsigned int n, const struct ref *r)
{
	return r->live == (int)n && (elrsr(f, n) & (1u << r->lr)) && !r->latch && !r->deferred;
}

/* The model's own view of vCPU n's timer waits on its ap_list for an LR:
 * fast-injected into an LR the model learns of at the sync only, and
 * queued meanwhile (check_adopted()). */
static bool timer_waits_in_model(struct fuzz *f, unsigned int n)
{
	const struct ref *t = timer_ref(f, n);

	return t->adopt && (t->mactive || (t->enabled && t->mlatch));
}

/*
 * Whether vCPU n's SGI r to itself may go direct: enabled, its group on;
 * nothing queued for n that waits for an LR (in the model: a timer fast
 * injection not yet adopted may look so); and r idle (not pending, not
 * active, in no LR) with an LR free, or r still in its LR, emptied
 * (direct_again()).
 */
static bool direct_expected(struct fuzz *f, unsigned int n, const struct ref *r)
{
	if (!r->enabled || !ref_group_on(f, r) || timer_waits_in_model(f, n))
		return false;
	for (unsigned int i = 0; i < NR_REFS; i++)
		if (f->r[i].live == NONE && ref_queued(&f->r[i]) == (int)n)
			return false;
	if (r->live != NONE)
		return direct_again(f, n, r);
	return !r->latch && !r->active && direct_free(f, n);
}

/*
 * The direct SGI (vgic_sgi_direct()) of running vCPU n to itself: taken
 * exactly when the reference allows it, into an LR it allows, with the
 * value a flush would write for r pending; for the reference an edge and
 * r live there, as after a flush that loaded it. Its LRs need no flush
 * check: nothing else moved (the next sync and flush_check() compare
 * with the full path). False: declined, nothing changed.
 */
static bool direct_try(struct fuzz *f, unsigned int n, struct ref *r, u64 sgir)
{
	bool ok = direct_expected(f, n, r), again = direct_again(f, n, r);
	u32 free = again ? 1u << r->lr : direct_free(f, n);
	u64 val = 0;
	int i = vgic_sgi_direct(&f->t->d, tvcpu(f->t, n), sgir, elrsr(f, n), &val);

	assert_int_equal(i >= 0, ok);
	if (i < 0)
		return false;
	assert_true(free & (1u << i));
	f->sgi_direct_again += again;
	f->sgi_direct_fast += f->snap[n].used;
	r->live = NONE;	/* for the reference, a sync retired it first */
	ref_edge(f, r);
	assert_int_equal(val, expected_lr(f, r));
	bank(f->t, n)->lr[i] = val;	/* the hardware LR, as the model's copy */
	r->live = (int)n;
	r->lr = i;
	r->held = false;
	r->mlatch = false;
	f->sgi_direct++;
	return true;
}

/* What the exit's copy of the LRs relies on (vgic_hw_read_held_lrs()
 * zeroes only the used ones it finds empty): no LR outside bank.used holds
 * anything of the model's. */
static void used_check(struct fuzz *f, unsigned int n)
{
	const struct vgic_lr_bank *b = bank(f->t, n);

	for (unsigned int i = 0; i < f->nr_lr; i++)
		if (b->lr[i])
			assert_true(b->used & (1u << i));
}

/*
 * vCPU src writes ICC_SGI1R_EL1. While it runs, half the time through the
 * SGI fast path (from the exception vector with its LRs live): to targets
 * that include src, vgic_send_sgi_live() - for the reference, src's sync,
 * the edges, src's flush, and the LRs that flush leaves must be exactly
 * what a full exit's would be -; to others only, vgic_send_sgi() with
 * src's LRs left live and untouched, as virq_sgi_fast() does. Otherwise
 * the full path's vgic_send_sgi() (src outside the guest, or trapped to
 * EL2 in the full exit: its LRs stay as they are).
 */
static void send_sgi(struct fuzz *f, unsigned int src, u32 intid, u32 targets)
{
	struct vcpu *v = tvcpu(f->t, src);
	u64 sgir = (u64)intid << 24 | targets;
	bool fast = f->running[src] && !rnd(f, 2);

	if (!fast || !(targets & (1u << src))) {
		vgic_send_sgi(&f->t->d, v, sgir, true);
		sgi_edges(f, intid, targets);
		if (fast) {
			f->sgi_fast_others++;
			kick_targets(f, src, targets);
		}
		return;
	}
	if (targets == 1u << src) {
		if (direct_try(f, src, ref_of(f, src, intid), sgir))
			return;
		f->sgi_direct_declined++;
	}
	used_check(f, src);
	vgic_send_sgi_live(&f->t->d, v, sgir);
	f->sgi_fast++;
	sync_ref(f, src);
	sgi_edges(f, intid, targets);
	flush_check(f, src);
	kick_targets(f, src, targets);
}

static void op_inject(struct fuzz *f)
{
	struct ref *r = pick(f);
	u32 targets;

	if (r->hw) {
		inject_timer(f, r);
		return;
	}
	if (r->cpu == NONE) {
		assert_int_equal(vgic_inject_edge(&f->t->d, NULL, r->intid), 0);
		ref_edge(f, r);
		return;
	}
	targets = (1u << r->cpu) | rnd(f, 1u << NR_CPUS);
	send_sgi(f, rnd(f, NR_CPUS), r->intid, targets);
}

static bool guest_ack_top(struct fuzz *f, unsigned int n);
static bool guest_eoi_top(struct fuzz *f, unsigned int n);

/* A running vCPU (or one that enters now) sends itself an SGI: the
 * common IPI of an RTOS or Linux, the direct SGI's case. Mostly its
 * handler then runs at once: ack and EOI of the top pending interrupt. */
static void op_self_sgi(struct fuzz *f)
{
	int n = pick_cpu(f, true);

	if (n < 0 && (n = pick_cpu(f, false)) >= 0)
		flush_cpu(f, (unsigned int)n);
	if (n < 0)
		return;
	send_sgi(f, (unsigned int)n, rnd(f, NR_FUZZ_SGIS), 1u << n);
	if (rnd(f, 4) && f->running[n] && guest_ack_top(f, (unsigned int)n))
		guest_eoi_top(f, (unsigned int)n);
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
	int w;

	r->enabled = rnd(f, 4) != 0;
	w = mmio_write(f, base + (r->enabled ? 0x100 : 0x180) + r->intid / 32 * 4, 4,
		       1u << (r->intid % 32));
	if (r->cpu != NONE)	/* the register covers the timer too */
		timer_updated(f, (unsigned int)r->cpu);
	if (r->hw)
		timer_config(f, (unsigned int)r->cpu, w, r->enabled != was);
}

static void set_prio_of(struct fuzz *f, struct ref *r)
{
	static const u8 prios[] = { 0x00, 0x80, 0x88, 0xa0 };
	paddr_t base = r->cpu == NONE ? GICD : GICR_SGI(r->cpu);
	u8 was = r->prio;
	int w;

	r->prio = prios[rnd(f, ARRAY_SIZE(prios))];
	w = mmio_write(f, base + 0x400 + r->intid, 1, r->prio);	/* IPRIORITYR */
	if (!r->hw)
		return;
	timer_updated(f, (unsigned int)r->cpu);
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

/* IGROUPR0 (only timers change group): the other INTIDs' bits kept. */
static void set_group(struct fuzz *f, struct ref *r)
{
	paddr_t reg = GICR_SGI(r->cpu) + GICR_IGROUPR0;
	u32 val = (u32)rd(f->t, reg, 4) & ~(1u << TIMER);
	bool was = r->group1;
	int w;

	r->group1 = rnd(f, 3) != 0;
	w = mmio_write(f, reg, 4, val | (u32)r->group1 << TIMER);
	timer_updated(f, (unsigned int)r->cpu);
	timer_config(f, (unsigned int)r->cpu, w, r->group1 != was);
	f->group_changes += r->group1 != was;
}

/* 1 << TIMER written to the set/clear register reg of r's vCPU; the writer. */
static int timer_bit_write(struct fuzz *f, const struct ref *r, u32 reg)
{
	return mmio_write(f, GICR_SGI(r->cpu) + reg, 4, 1u << TIMER);
}

/* After writer w's write to r's state, and the reference's update. */
static void timer_written(struct fuzz *f, const struct ref *r, int w)
{
	timer_updated(f, (unsigned int)r->cpu);
	timer_config(f, (unsigned int)r->cpu, w, false);
}

static void set_pending(struct fuzz *f, struct ref *r)
{
	int w = timer_bit_write(f, r, GICR_ISPENDR0);

	timer_pended(f, r);
	timer_written(f, r, w);
}

static void clear_pending(struct fuzz *f, struct ref *r)
{
	int w = timer_bit_write(f, r, GICR_ICPENDR0);

	timer_unpended(f, r);
	timer_written(f, r, w);
}

static void set_active(struct fuzz *f, struct ref *r)
{
	int w = timer_bit_write(f, r, GICR_ISACTIVER0);

	timer_activated(f, r, true);
	timer_written(f, r, w);
}

static void clear_active(struct fuzz *f, struct ref *r)
{
	int w = timer_bit_write(f, r, GICR_ICACTIVER0);

	timer_activated(f, r, false);
	timer_written(f, r, w);
}

typedef void (*timer_write)(struct fuzz *, struct ref *);

/* The timer's configuration (picked at random above too, rarely), its
 * state (pending more often: the merge rule), and either just before it
 * fires (active more often: rarely idle at a flush otherwise). */
static const timer_write cfg_writes[] = { set_enable, set_prio_of, set_group };
static const timer_write state_writes[] = {
	set_pending, set_pending, set_pending, clear_pending, set_active, clear_active,
};
static const timer_write race_writes[] = {
	set_pending, set_pending, clear_pending, set_active, set_active, clear_active,
	set_enable, set_prio_of, set_group,
};

/* One of ops on vCPU n's timer, or on a random one's if n < 0. */
static void timer_op(struct fuzz *f, int n, const timer_write *ops, unsigned int nr_ops)
{
	if (n < 0)
		n = (int)rnd(f, NR_CPUS);
	ops[rnd(f, nr_ops)](f, timer_ref(f, (unsigned int)n));
}

/* Mostly a running vCPU's timer: written after its flush, before its fast
 * path runs (the race the kick closes), else anyone's. */
static int timer_op_cpu(struct fuzz *f)
{
	return rnd(f, 4) ? pick_cpu(f, true) : -1;
}

static void op_timer_cfg(struct fuzz *f)
{
	timer_op(f, timer_op_cpu(f), cfg_writes, ARRAY_SIZE(cfg_writes));
}

static void op_timer_state(struct fuzz *f)
{
	timer_op(f, timer_op_cpu(f), state_writes, ARRAY_SIZE(state_writes));
}

static void op_route(struct fuzz *f)
{
	struct ref *r = &f->r[rnd(f, NR_SPIS)];
	unsigned int aff = rnd(f, NR_CPUS + 1);	/* NR_CPUS: no such vCPU */

	r->target = aff < NR_CPUS ? (int)aff : NONE;
	wr(f->t, GICD + 0x6000 + r->intid * 8, 8, aff);
}

/* Group 1 (or, for the timers that use it, 0) on or off: every vCPU
 * kicked, the fast path of the timers in that group stale. Turning one on
 * updates every vCPU's timer (vgic_fast_changed()). */
static void ctlr_toggle(struct fuzz *f, u32 grp)
{
	int w;

	f->ctlr ^= grp;
	w = mmio_write(f, GICD, 4, f->ctlr);
	for (unsigned int n = 0; n < NR_CPUS; n++) {
		if (f->ctlr & grp)
			timer_updated(f, n);
		timer_config(f, n, w, timer_ref(f, n)->group1 == (grp == GRP1));
	}
}

static void op_ctlr(struct fuzz *f)
{
	ctlr_toggle(f, rnd(f, 4) ? GRP1 : GRP0);
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
static u64 lr_encode(const struct ref *r, bool active, bool pend)
{
	u64 lr = r->intid | (u64)r->prio << VGIC_LR_PRIO_SHIFT;

	if (r->group1)
		lr |= VGIC_LR_GROUP1;
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
	return lr_encode(r, r->active, ref_deliverable(f, r));
}

/* The lowest LR vCPU n's flush left free (0: the flush loads nonzero
 * values only), or nr_lr. With the LR delta the loaded ones need not be
 * the first: a kept LR stays where it is. */
static unsigned int first_free_lr(struct fuzz *f, unsigned int n)
{
	unsigned int i = 0;

	while (i < f->nr_lr && bank(f->t, n)->lr[i])
		i++;
	return i;
}

/*
 * The LR vCPU n's flush must have left its fast path, or NONE: none if the
 * timer is disabled or its group off; else the timer's own LR if it got
 * one, or the first free one if it is not queued (waiting for an LR
 * behind others, or active without one).
 */
static int fast_lr_expected(struct fuzz *f, unsigned int n)
{
	const struct ref *r = timer_ref(f, n);
	unsigned int free = first_free_lr(f, n);

	if (!r->enabled || !ref_group_on(f, r))
		return NONE;
	if (r->live == (int)n)
		return r->lr;
	return ref_queued(r) == NONE && free < f->nr_lr ? (int)free : NONE;
}

/* Snapshot at flush what the fast path may do until the sync; the model's
 * own record of it must agree. */
static void fast_expect(struct fuzz *f, unsigned int n, unsigned int used)
{
	const struct vgic_cpu *c = &f->t->cpus[n];
	struct ref *r = timer_ref(f, n);
	struct fast_snap *s = &f->snap[n];

	*s = (struct fast_snap){ .lr = fast_lr_expected(f, n),
				 .val = lr_encode(r, false, true), .prio = r->prio,
				 .alone = used == 0 };
	assert_int_equal(c->fast_val != 0, s->lr != NONE);
	if (s->lr != NONE) {
		assert_int_equal(c->fast_lr, s->lr);
		assert_int_equal(c->fast_val, s->val);
	}
}

/* Entry: the physical PPI held active exactly while the guest owes the
 * virtual one a deactivation (vtimer_enter()). */
static void phys_enter(struct fuzz *f, unsigned int n)
{
	const struct ref *r = timer_ref(f, n);

	f->phys[n] = ref_pending(r) || r->active;
	assert_int_equal(vgic_irq_owes_deactivation(&f->t->d, tvcpu(f->t, n), TIMER), f->phys[n]);
}

/* The LR of vCPU n's bank holding r (by INTID; the bank holds nonzero
 * values only in loaded LRs), or -1. */
static int lr_holding(struct fuzz *f, unsigned int n, const struct ref *r)
{
	struct vgic_lr_bank *b = bank(f->t, n);

	for (unsigned int i = 0; i < f->nr_lr; i++)
		if (b->lr[i] && (b->lr[i] & VGIC_LR_VINTID_MASK) == r->intid)
			return (int)i;
	return -1;
}

/*
 * After the model's flush of vCPU n (vgic_flush(), or the end of
 * vgic_send_sgi_live()): the LRs a full fold and rebuild must produce -
 * the first nr_lr of the reference's order, each encoded from the
 * reference's state - in any LR (the delta keeps an unchanged one where
 * it is), every other LR empty. An LR the flush kept (bank.kept) must
 * hold what the reference would encode now: a wrong keep rule shows here.
 */
static void flush_check(struct fuzz *f, unsigned int n)
{
	struct ref *exp[NR_REFS];
	struct vgic_lr_bank *b;
	unsigned int k, loaded = 0;

	f->running[n] = true;
	b = bank(f->t, n);
	k = expected_lrs(f, n, exp);
	assert_int_equal(b->hcr, VGIC_HCR_EN | (k > f->nr_lr ? VGIC_HCR_UIE : 0));
	f->overflows += k > f->nr_lr;
	f->kept += (unsigned int)__builtin_popcount(b->kept);
	for (unsigned int j = 0; j < k && j < f->nr_lr; j++) {
		int i = lr_holding(f, n, exp[j]);

		assert_true(i >= 0);
		assert_int_equal(b->lr[i], expected_lr(f, exp[j]));
		exp[j]->live = (int)n;
		exp[j]->lr = i;
		exp[j]->held = exp[j]->hw && exp[j]->active && exp[j]->latch;
		exp[j]->mlatch = exp[j]->held;	/* else moved into the LR */
		loaded |= 1u << i;
	}
	for (unsigned int i = 0; i < f->nr_lr; i++)
		if (!(loaded & (1u << i)))
			assert_int_equal(b->lr[i], 0);
	assert_int_equal(b->kept & ~loaded, 0);
	assert_int_equal(loaded & ~b->used, 0);	/* the copy to the hardware writes them */
	fast_expect(f, n, k < f->nr_lr ? k : f->nr_lr);
	phys_enter(f, n);
}

static void flush_cpu(struct fuzz *f, unsigned int n)
{
	vgic_flush(&f->t->d, tvcpu(f->t, n));
	flush_check(f, n);
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
	if (r->hw)
		f->phys[n] = false;	/* LR.HW: the physical PPI deactivated too */
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

/*
 * vCPU n's sync after a fast injection. The adopt kept the model's latch
 * if an update found it set since the injection (keep): then, unless the
 * LR is still pending (the two are one), the timer is pending again. The
 * GIC's second pending state if a pend came after the guest took the
 * injection (gpend, owed already); else one delivery more than the GIC's
 * (see the top): after a pend the guest took together with the injection
 * (extra), or after other updates only, the latch set before it (update).
 */
static void timer_synced(struct fuzz *f, unsigned int n)
{
	const struct fast_snap *s = &f->snap[n];
	struct ref *r = timer_ref(f, n);

	assert_int_equal(r->deferred, 0);
	if (r->gpend)
		assert_true(!r->latch && s->keep && r->mlatch);
	if (r->latch || !s->keep || !r->mlatch)
		return;
	if (r->gpend)
		f->fast_keep_second++;
	else if (s->pended)
		f->fast_keep_extra++;
	else
		f->fast_keep_update++;
	r->expected += !r->gpend;
	r->gpend = false;
	r->latch = true;
}

/* The reference's side of vCPU n's sync (vgic_sync(), or the start of
 * vgic_send_sgi_live()). */
static void sync_ref(struct fuzz *f, unsigned int n)
{
	f->running[n] = false;
	if (f->snap[n].used)
		timer_synced(f, n);
	for (unsigned int i = 0; i < NR_REFS; i++) {
		struct ref *r = &f->r[i];

		if (r->live != (int)n)
			continue;
		r->live = NONE;
		r->lr = NONE;
		r->adopt = false;
		r->held = false;
		for (; r->deferred; r->deferred--)
			ref_edge(f, r);
	}
	f->snap[n].used = false;
	f->snap[n].keep = false;
	f->snap[n].pended = false;
}

static void sync_cpu(struct fuzz *f, unsigned int n)
{
	used_check(f, n);
	vgic_sync(&f->t->d, tvcpu(f->t, n));
	sync_ref(f, n);
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
 * The fast path filled LR i of vCPU n with the timer pending. In no LR
 * before: live there now, the model learns of it at the sync and keeps
 * its own view until then; an active state written since the flush is
 * taken over (the LR is the truth). One pending state with a latch set
 * since the flush; pends deferred while it was live merge too, and, when
 * it fires again, one made after the guest took the first injection.
 */
static void fast_fire(struct fuzz *f, struct ref *r, unsigned int n, int i)
{
	if (r->live == NONE) {
		r->live = (int)n;
		r->lr = i;
		r->adopt = true;
		r->mlatch = r->latch;
		r->mactive = r->active;
		f->fast_over_active += r->active;
		r->active = false;
		r->owner = NONE;
	}
	assert_int_equal(r->lr, i);
	assert_false(r->active);
	r->held = false;	/* the LR holds the pending state now */
	f->fires++;
	f->fast_merged += r->latch;
	f->fast_merged_live += !r->latch && r->deferred;
	f->fast_again_merged += r->gpend;
	r->expected += !r->latch && !r->gpend;
	r->latch = true;
	r->gpend = false;
	r->deferred = 0;
}

/* Coverage of one fast injection, r as it is now, s as the flush saw it. */
static void fast_count(struct fuzz *f, const struct ref *r, const struct fast_snap *s)
{
	f->fast++;
	f->fast_own_lr += !r->adopt;
	f->fast_alone += s->alone;
	f->fast_changed += s->changed;
	f->stale_enable += !r->enabled;
	f->stale_prio += r->prio != s->prio;
	f->stale_group += !ref_group_on(f, r);
	f->fast_group0 += !r->group1;
}

/*
 * The timer fires while vCPU n runs: the exception vector's fast path.
 * Allowed exactly when n's flush left it a value and an LR (whatever
 * changed since) and that LR is empty: it can only hold the timer, which
 * the guest has deactivated (or never had). The value is the pending
 * timer as that flush saw it.
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
	assert_int_equal(val, s->val);
	hw_lr_write(f->t, n, (unsigned int)i, val);
	f->fast_again += s->used;
	s->used = true;
	f->phys[n] = true;
	fast_fire(f, r, n, i);
	fast_count(f, r, s);
	return true;
}

/*
 * The physical timer fires while vCPU n runs. Only when its PPI is not
 * held active; still, the fast path must refuse the busy timer (its LR is
 * in use, or it waits for one). A refusal exits to the full path.
 */
static void fast_on(struct fuzz *f, unsigned int n)
{
	u64 val = 0;

	if (f->phys[n]) {
		assert_int_equal(vgic_fast_inject(&f->t->d, tvcpu(f->t, n), elrsr(f, n), &val), -1);
		f->fast_busy++;
		return;
	}
	if (fast_try(f, n))
		return;
	f->fast_refused++;
	f->refused_changed += f->snap[n].changed;
	sync_cpu(f, n);
	timer_fire(f, n);
}

static void op_fast(struct fuzz *f)
{
	int n = pick_cpu(f, true);

	if (n >= 0)
		fast_on(f, (unsigned int)n);
}

/* A running vCPU whose physical timer can fire into the LR its flush set
 * aside, one whose timer is in no LR first (the injection takes it over);
 * else one that enters now, or -1. */
static int pick_fast_cpu(struct fuzz *f)
{
	unsigned int n = rnd(f, NR_CPUS);
	int found = -1;

	for (unsigned int i = 0; i < NR_CPUS; i++, n = (n + 1) % NR_CPUS) {
		if (!f->running[n] || f->phys[n] || f->snap[n].lr == NONE)
			continue;
		if (timer_ref(f, n)->live == NONE)
			return (int)n;
		found = (int)n;
	}
	if (found < 0 && (found = pick_cpu(f, false)) >= 0)
		flush_cpu(f, (unsigned int)found);
	return found;
}

/* The race itself: a running vCPU's timer written by another vCPU, then
 * its physical timer firing before the kick lands. */
static void op_timer_race(struct fuzz *f)
{
	int n = pick_fast_cpu(f);

	if (n < 0)
		return;
	timer_op(f, n, race_writes, ARRAY_SIZE(race_writes));
	fast_on(f, (unsigned int)n);
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
	assert_int_equal(c->fast_keep, f->snap[n].keep);
	for (unsigned int i = 0; i < f->nr_lr; i++) {
		struct vgic_irq *irq = c->lr_irq[i];

		assert_int_equal(!!(c->lr_live & (1u << i)), irq != NULL);
		if (!f->running[n]) {
			/* Only an LR the sync found as the flush wrote it
			 * stays live (soft) while the vCPU is out. */
			if (irq) {
				assert_true(c->lr_soft & (1u << i));
				assert_int_equal(c->bank.lr[i], c->lr_val[i]);
				assert_int_equal(irq->lr, i);
				assert_false(irq->lr_latched);
			}
			continue;
		}
		if (timer->adopt && timer->lr == (int)i) {
			/* The fast path's: the model learns of it at sync. */
			assert_null(irq);
			assert_int_equal(c->bank.lr[i] & (VGIC_LR_HW | VGIC_LR_VINTID_MASK),
					 VGIC_LR_HW | TIMER);
			continue;
		}
		/* Loaded LRs are non-zero even once deactivated: Group1 set,
		 * or the timer's INTID and HW. */
		assert_int_equal(irq != NULL, c->bank.lr[i] != 0);
		if (irq) {
			assert_int_equal(c->bank.lr[i] & VGIC_LR_VINTID_MASK, irq->intid);
			assert_int_equal(irq->lr, i);
			assert_int_equal(irq->queued, n);
		}
	}
}

/*
 * Injected behind the model's back: the model still has the timer as the
 * flush left it (in no LR) and the writes since, queued if that asks for
 * it.
 */
static void check_adopted(const struct ref *r, const struct vgic_irq *irq)
{
	bool queued = r->mactive || (r->enabled && r->mlatch);

	assert_int_equal(irq->lr, VGIC_NONE);
	assert_int_equal(irq->pending_latch, r->mlatch);
	assert_int_equal(irq->active, r->mactive);
	assert_int_equal(irq->queued, queued ? (u8)r->cpu : VGIC_NONE);
}

/* The model's state is the reference's; while live, the LR's is. An edge
 * (or the timer) is owed one delivery while latched. */
static void check_irq(struct fuzz *f, const struct ref *r)
{
	const struct vgic_irq *irq = irq_of(f, r);
	int q = ref_queued(r);

	assert_int_equal(irq->enabled, r->enabled);
	assert_int_equal(irq->prio, r->prio);
	assert_int_equal(irq->group1, r->group1);
	if (r->edge || r->hw)
		assert_int_equal(r->expected, r->delivered + r->latch + r->gpend);
	if (r->adopt) {
		check_adopted(r, irq);
		return;
	}
	if (r->live != NONE) {
		assert_int_equal(irq->lr, r->lr);
		assert_int_equal(irq->queued, r->live);
		if (r->hw)
			assert_int_equal(irq->pending_latch, r->mlatch);
		return;
	}
	/* Not live for the reference: in no LR, or soft in its vCPU's (the
	 * model is the truth for it: check_lrs()). */
	if (irq->lr != VGIC_NONE)
		assert_false(f->running[irq->queued]);
	assert_int_equal(irq->active, r->active);
	assert_int_equal(irq->pending_latch || (!irq->edge && irq->line_level), ref_pending(r));
	assert_int_equal(irq->queued, q == NONE ? VGIC_NONE : q);
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
		op_fast, op_timer_cfg, op_timer_cfg, op_timer_state, op_timer_state, op_timer_race,
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
		op_timer_state, op_timer_race,
	};

	for (unsigned int i = 0; i < steps; i++)
		step(f, ops, ARRAY_SIZE(ops));
}

/*
 * After a drain: mostly SGIs a vCPU sends itself while the guests take
 * them, mixed with everything else that touches its LRs (other
 * injections, the timer's fast path and its state, priorities, group
 * toggles). The
 * busy run above rarely finds an SGI idle: here the direct SGI is common,
 * and so are its refusals (SGI already pending or active, an LR short,
 * something waiting for an LR, a fast timer injection to adopt).
 */
static void run_self_sgis(struct fuzz *f, unsigned int steps)
{
	static const fuzz_op ops[] = {
		op_self_sgi, op_self_sgi, op_self_sgi, op_self_sgi, op_self_sgi, op_self_sgi,
		op_inject, op_prio, op_flush, op_flush, op_ack, op_eoi, op_eoi, op_sync,
		op_sync, op_timer, op_fast, op_timer_state,
	};

	for (unsigned int i = 0; i < steps; i++) {
		if (rnd(f, 512) == 0)
			op_ctlr(f);
		else
			ops[rnd(f, ARRAY_SIZE(ops))](f);
		check_all(f);
	}
}

/* Everything enabled, routed, both groups on and lines low. */
static void drain_prepare(struct fuzz *f)
{
	for (unsigned int n = 0; n < NR_CPUS; n++)
		if (f->running[n])
			sync_cpu(f, n);
	if (!(f->ctlr & GRP1))
		ctlr_toggle(f, GRP1);
	if (!(f->ctlr & GRP0))
		ctlr_toggle(f, GRP0);
	for (unsigned int i = 0; i < NR_REFS; i++) {
		struct ref *r = &f->r[i];

		if (r->cpu == NONE && !r->edge && r->line)
			assert_int_equal(vgic_set_level(&f->t->d, NULL, r->intid, r->line = false), 0);
		if (r->cpu == NONE && r->target == NONE)
			wr(f->t, GICD + 0x6000 + r->intid * 8, 8, r->target = 0);
		enable_irq(f->t, r->cpu == NONE ? 0 : (unsigned int)r->cpu, r->intid);
		r->enabled = true;
	}
}

/* Every vCPU takes and deactivates all it has; whether any had some. An
 * EOI alone counts: a HW interrupt pending+active is loaded active only. */
static bool drain_round(struct fuzz *f)
{
	bool busy = false;

	for (unsigned int n = 0; n < NR_CPUS; n++) {
		flush_cpu(f, n);
		while (guest_ack_top(f, n) || guest_eoi_top(f, n))
			busy = true;
		sync_cpu(f, n);
		check_all(f);
	}
	return busy;
}

/* The guests take all there is. */
static void drain(struct fuzz *f)
{
	drain_prepare(f);
	for (unsigned int round = 0; drain_round(f); round++)
		assert_true(round < 100);
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
	assert_true(f->sgi_fast > steps / 200);
	assert_true(f->sgi_fast_others > steps / 500);
	assert_true(f->kept > steps / 200);
	assert_true(f->kick_fast > steps / 200);
	/* Rare here (SGIs are mostly pending already): test_vgic_lr.c
	 * compares that path with the full one case by case. */
	assert_true(f->t->cpus[0].sgi_short + f->t->cpus[1].sgi_short + f->t->cpus[2].sgi_short > 0);
	/* The direct SGI, mostly from run_self_sgis(), and its refusals. */
	assert_true(f->sgi_direct > (f->nr_lr < 4 ? 0 : steps / 1000));
	assert_true(f->sgi_direct_again > 0);
	assert_true(f->sgi_direct_fast > 0 || f->nr_lr < 4);
	assert_true(f->sgi_direct_declined > steps / 100);
	if (f->nr_lr < NR_REFS / NR_CPUS)
		assert_true(f->overflows > steps / 100);
}

/* The run went through every fast path case and every race of the timer's
 * state written by others (check_drained() checks the deliveries: each
 * pending state once, those a fire or pend merged into included). */
static void check_timers(struct fuzz *f, unsigned int steps)
{
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

/* The timer's state written by others, through every case of the model. */
static void check_timer_writes(struct fuzz *f, unsigned int steps)
{
	assert_true(f->soft_pend > steps / 40);
	assert_true(f->soft_inject > steps / 200);
	assert_true(f->soft_live > steps / 200);
	assert_true(f->soft_merged > steps / 2000);
	assert_true(f->unpend > steps / 200);
	assert_true(f->unpend_held > steps / 2000);
	assert_true(f->cancelled > steps / 400);
	assert_true(f->act_set > steps / 200);
	assert_true(f->act_clear > steps / 200);
	assert_true(f->act_lost > steps / 200);
	assert_true(f->group_changes > steps / 200);
	assert_true(f->fast_group0 > steps / 1000);
	assert_true(f->fast_merged > steps / 2000);
	assert_true(f->fast_merged_live > steps / 2000);
	assert_true(f->fast_over_active > steps / 20000);
	assert_true(f->soft_second > steps / 2500);
	assert_true(f->fast_again > steps / 2000);
	assert_true(f->fast_again_merged > steps / 10000);
	assert_true(f->fast_keep_second > steps / 5000);
	assert_true(f->fast_keep_extra > steps / 5000);
	assert_true(f->fast_keep_update > steps / 5000);
}

static void run(u64 seed, unsigned int nr_lr, unsigned int steps)
{
	struct fuzz f;

	fuzz_init(&f, seed, nr_lr);
	run_ops(&f, steps);
	drain(&f);
	run_timers_only(&f, steps / 10);
	drain(&f);
	run_self_sgis(&f, steps / 10);
	drain(&f);
	check_drained(&f, steps);
	check_timers(&f, steps);
	check_timer_writes(&f, steps);
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
