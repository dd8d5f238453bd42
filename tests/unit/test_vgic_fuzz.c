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
#define NR_REFS (NR_SPIS + NR_CPUS * NR_FUZZ_SGIS)
#define NONE (-1)
#define GRP1 2u

/* The reference model of one interrupt. */
struct ref {
	u32 intid;
	int cpu;		/* private: its vCPU; SPI: NONE */
	bool edge, enabled, line, latch, active;
	u8 prio;
	int target;		/* routed vCPU, NONE if none */
	int owner;		/* vCPU that acknowledged it, while active */
	int live;		/* vCPU whose LRs hold it, or NONE */
	unsigned int deferred;	/* edges injected while live */
	unsigned int expected, delivered;	/* edge: distinct pending episodes, acks */
};

struct fuzz {
	struct tvm *t;
	struct ref r[NR_REFS];
	bool running[NR_CPUS];
	u32 ctlr;
	u64 rng;
	unsigned int nr_lr;
	unsigned int acks;
	/* Coverage: the run must reach the interesting cases. */
	unsigned int merged, deferred, overflows;
};

static unsigned int rnd(struct fuzz *f, unsigned int n)
{
	f->rng ^= f->rng << 13;
	f->rng ^= f->rng >> 7;
	f->rng ^= f->rng << 17;
	return (unsigned int)(f->rng % n);
}

static struct ref *ref_of(struct fuzz *f, unsigned int cpu, u32 intid)
{
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

static bool ref_deliverable(const struct fuzz *f, const struct ref *r)
{
	return ref_pending(r) && r->enabled && (f->ctlr & GRP1) && r->target != NONE;
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
	if (r->edge && !r->latch)
		r->expected++;
	else if (r->edge)
		f->merged++;
	r->latch = true;
}

static void fuzz_init(struct fuzz *f, u64 seed, unsigned int nr_lr)
{
	*f = (struct fuzz){ .t = tvm_new(NR_CPUS, NR_SPIS, nr_lr), .rng = seed, .nr_lr = nr_lr };
	for (unsigned int i = 0; i < NR_REFS; i++) {
		struct ref *r = &f->r[i];
		bool spi = i < NR_SPIS;

		*r = (struct ref){ .intid = spi ? 32 + i : (i - NR_SPIS) % NR_FUZZ_SGIS,
				   .cpu = spi ? NONE : (int)((i - NR_SPIS) / NR_FUZZ_SGIS),
				   .edge = !spi || i < NR_EDGE_SPIS, .owner = NONE, .live = NONE };
		r->target = spi ? 0 : r->cpu;
	}
	wr(f->t, GICD + 0xc08, 4, 0xaaaa);	/* GICD_ICFGR2: 32..39 edge */
	f->ctlr = 3;
	enable_dist(f->t);
}

/* ---- operations ---- */

static struct ref *pick(struct fuzz *f)
{
	return &f->r[rnd(f, NR_REFS)];
}

static void op_inject(struct fuzz *f)
{
	struct ref *r = pick(f);
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

static void op_enable(struct fuzz *f)
{
	struct ref *r = pick(f);
	paddr_t base = r->cpu == NONE ? GICD : GICR_SGI(r->cpu);

	r->enabled = rnd(f, 4) != 0;
	wr(f->t, base + (r->enabled ? 0x100 : 0x180) + r->intid / 32 * 4, 4,
	   1u << (r->intid % 32));
}

static void op_prio(struct fuzz *f)
{
	static const u8 prios[] = { 0x00, 0x80, 0x88, 0xa0 };
	struct ref *r = pick(f);

	r->prio = prios[rnd(f, ARRAY_SIZE(prios))];
	set_prio(f->t, r->cpu == NONE ? 0 : (unsigned int)r->cpu, r->intid, r->prio);
}

static void op_route(struct fuzz *f)
{
	struct ref *r = &f->r[rnd(f, NR_SPIS)];
	unsigned int aff = rnd(f, NR_CPUS + 1);	/* NR_CPUS: no such vCPU */

	r->target = aff < NR_CPUS ? (int)aff : NONE;
	wr(f->t, GICD + 0x6000 + r->intid * 8, 8, aff);
}

static void op_ctlr(struct fuzz *f)
{
	f->ctlr ^= GRP1;
	wr(f->t, GICD, 4, f->ctlr);
}

/* vCPUs in state `running`, or -1 if none. */
static int pick_cpu(struct fuzz *f, bool running)
{
	unsigned int n = rnd(f, NR_CPUS);

	for (unsigned int i = 0; i < NR_CPUS; i++, n = (n + 1) % NR_CPUS)
		if (f->running[n] == running)
			return (int)n;
	return -1;
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

static u64 expected_lr(struct fuzz *f, const struct ref *r)
{
	u64 lr = r->intid | (u64)r->prio << VGIC_LR_PRIO_SHIFT | VGIC_LR_GROUP1;

	if (!r->edge)
		lr |= VGIC_LR_EOI;
	if (r->active)
		lr |= VGIC_LR_ACTIVE;
	if (ref_deliverable(f, r))
		lr |= VGIC_LR_PENDING;
	return lr;
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
		if (i < k)
			exp[i]->live = n;
	}
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
	if (r->edge) {
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
		for (; r->deferred; r->deferred--)
			ref_edge(f, r);
	}
}

static void op_sync(struct fuzz *f)
{
	int n = pick_cpu(f, true);

	if (n >= 0)
		sync_cpu(f, n);
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

	for (unsigned int i = 0; i < f->nr_lr; i++) {
		struct vgic_irq *irq = c->lr_irq[i];

		if (!f->running[n]) {
			assert_null(irq);
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

	if (r->live != NONE) {
		assert_true(irq->lr != VGIC_NONE);
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

static void step(struct fuzz *f)
{
	static void (*const ops[])(struct fuzz *) = {
		op_inject, op_inject, op_inject, op_level, op_level, op_enable, op_enable,
		op_prio, op_route, op_flush, op_flush, op_flush, op_ack, op_ack, op_ack,
		op_ack, op_eoi, op_eoi, op_eoi, op_sync, op_sync, op_sync,
	};

	if (rnd(f, 64) == 0)
		op_ctlr(f);
	else
		ops[rnd(f, ARRAY_SIZE(ops))](f);
	check_all(f);
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

static void run(u64 seed, unsigned int nr_lr, unsigned int steps)
{
	struct fuzz f;

	fuzz_init(&f, seed, nr_lr);
	for (unsigned int i = 0; i < steps; i++)
		step(&f);
	drain(&f);
	check_drained(&f, steps);
	tvm_free(f.t);
}

static void test_fuzz_4_lrs(void **state)
{
	run(0x9e3779b97f4a7c15ULL, 4, 50000);
}

static void test_fuzz_2_lrs(void **state)
{
	run(0x2545f4914f6cdd1dULL, 2, 50000);
}

static void test_fuzz_16_lrs(void **state)
{
	run(0xd1b54a32d192ed03ULL, 16, 20000);
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
