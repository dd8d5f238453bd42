/*
 * vGIC List Register management: vgic_flush() / vgic_sync() against a
 * simulated guest that acknowledges and deactivates through the LR bank
 * (IHI 0069, "Virtual Interrupt Handling and Prioritization", ICH_LR<n>_EL2),
 * edge and level semantics, hardware-linked interrupts, SGIs, routing,
 * the WFI wake-up test and reset.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <zvm/errno.h>

#include "vgic_test.h"

#define GICD_ISPENDR 0x0200
#define GICD_ICFGR 0x0c00
#define GICD_IROUTER 0x6000
#define GICR_IGROUPR0 0x0080
#define GICR_ISPENDR0 0x0200

static u32 lr_intid(u64 lr)
{
	return (u32)(lr & VGIC_LR_VINTID_MASK);
}

static u32 lr_prio(u64 lr)
{
	return (u32)((lr & VGIC_LR_PRIO_MASK) >> VGIC_LR_PRIO_SHIFT);
}

static unsigned int lr_valid(struct tvm *t, unsigned int n)
{
	unsigned int k = 0;

	for (unsigned int i = 0; i < bank(t, n)->nr_lr; i++)
		k += !!(bank(t, n)->lr[i] & VGIC_LR_STATE);
	return k;
}

static void flush(struct tvm *t, unsigned int n)
{
	vgic_flush(&t->d, tvcpu(t, n));
}

static void sync_(struct tvm *t, unsigned int n)
{
	vgic_sync(&t->d, tvcpu(t, n));
}

/* SPI intid: enabled, priority prio, edge-triggered or level-sensitive. */
static void spi_setup(struct tvm *t, u32 intid, u8 prio, bool edge)
{
	paddr_t cfg = GICD + GICD_ICFGR + intid / 16 * 4;
	u32 shift = intid % 16 * 2;

	wr(t, cfg, 4, (rd(t, cfg, 4) & ~(3u << shift)) | (u32)edge << (shift + 1));
	set_prio(t, 0, intid, prio);
	enable_irq(t, 0, intid);
}

static void edge(struct tvm *t, u32 intid)
{
	assert_int_equal(vgic_inject_edge(&t->d, NULL, intid), 0);
}

static void level(struct tvm *t, u32 intid, bool high)
{
	assert_int_equal(vgic_set_level(&t->d, NULL, intid, high), 0);
}

/* One vCPU, 4 LRs, groups on, SPI 40 enabled at priority 0x80. */
static struct tvm *spi40_vm(bool is_edge)
{
	struct tvm *t = tvm_new(1, 64, 4);

	enable_dist(t);
	spi_setup(t, 40, 0x80, is_edge);
	return t;
}

/* The guest on vCPU n takes all it is given; how many. */
static unsigned int take(struct tvm *t, unsigned int n)
{
	u32 got[VGIC_MAX_LR];

	return guest_take_all(t, n, got, VGIC_MAX_LR);
}

/* The same; a mask of the SPIs taken (bit i: INTID 32 + i), count in *k. */
static u32 take_spis(struct tvm *t, unsigned int n, unsigned int *k)
{
	u32 got[VGIC_MAX_LR], mask = 0;

	*k = guest_take_all(t, n, got, VGIC_MAX_LR);
	for (unsigned int i = 0; i < *k; i++)
		mask |= 1u << (got[i] - 32);
	return mask;
}

static bool spi_pending(struct tvm *t, u32 intid)
{
	return rd(t, GICD + GICD_ISPENDR + intid / 32 * 4, 4) >> (intid % 32) & 1;
}

/* Pending interrupts go into the LRs by priority, then INTID. */
static void test_flush_order(void **state)
{
	static const u32 want[] = { 20, 41, 40, 42 };
	struct tvm *t = tvm_new(1, 64, 4);
	struct vgic_lr_bank *b = bank(t, 0);

	enable_dist(t);
	spi_setup(t, 42, 0x80, true);
	spi_setup(t, 40, 0x80, false);
	spi_setup(t, 41, 0x40, true);
	set_prio(t, 0, 20, 0x40);
	enable_irq(t, 0, 20);
	edge(t, 42);
	level(t, 40, true);
	edge(t, 41);
	assert_int_equal(vgic_set_level(&t->d, tvcpu(t, 0), 20, true), 0);
	flush(t, 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(want); i++) {
		assert_int_equal(lr_intid(b->lr[i]), want[i]);
		assert_int_equal(b->lr[i] & VGIC_LR_STATE, VGIC_LR_PENDING);
		assert_true(b->lr[i] & VGIC_LR_GROUP1);
		assert_false(b->lr[i] & VGIC_LR_HW);
	}
	assert_int_equal(lr_prio(b->lr[0]), 0x40);
	assert_int_equal(lr_prio(b->lr[3]), 0x80);
	/* Level interrupts ask for EOI maintenance (re-sample the line);
	 * edge ones do not. */
	assert_true(b->lr[0] & VGIC_LR_EOI);
	assert_false(b->lr[1] & VGIC_LR_EOI);
	assert_true(b->lr[2] & VGIC_LR_EOI);
	assert_int_equal(b->hcr, VGIC_HCR_EN);
	tvm_free(t);
}

/* Disabled, group-disabled and unrouted interrupts stay out of the LRs. */
static void test_flush_skips_undeliverable(void **state)
{
	struct tvm *t = tvm_new(1, 64, 4);

	spi_setup(t, 40, 0x80, true);
	edge(t, 40);
	edge(t, 41);			/* never enabled */
	flush(t, 0);
	assert_int_equal(lr_valid(t, 0), 0);	/* groups off in GICD_CTLR */
	sync_(t, 0);
	enable_dist(t);
	wr(t, GICD + GICD_IROUTER + 40 * 8, 8, 5);	/* no vCPU 5 */
	flush(t, 0);
	assert_int_equal(lr_valid(t, 0), 0);
	sync_(t, 0);
	wr(t, GICD + GICD_IROUTER + 40 * 8, 8, 0);
	flush(t, 0);
	assert_int_equal(lr_valid(t, 0), 1);
	assert_int_equal(lr_state(t, 0, 40), VGIC_LR_PENDING);
	assert_int_equal(bank(t, 0)->hcr, VGIC_HCR_EN);
	tvm_free(t);
}

/* More pending than LRs: the rest stays pending, UIE is set, and after the
 * guest drains the LRs the rest is delivered. Nothing is lost. */
static void test_overflow(void **state)
{
	struct tvm *t = tvm_new(1, 64, 4);
	unsigned int k;
	u32 seen;

	enable_dist(t);
	for (u32 i = 0; i < 7; i++) {
		spi_setup(t, 32 + i, (u8)(0xa0 - i * 8), true);
		edge(t, 32 + i);
	}
	flush(t, 0);
	assert_int_equal(bank(t, 0)->hcr, VGIC_HCR_EN | VGIC_HCR_UIE);
	for (u32 i = 0; i < 4; i++)	/* the four most urgent: 38, 37, 36, 35 */
		assert_int_equal(lr_intid(bank(t, 0)->lr[i]), 38 - i);
	assert_true(spi_pending(t, 32));
	seen = take_spis(t, 0, &k);	/* flushes again: same four */
	assert_int_equal(k, 4);
	assert_int_equal(seen, 0x78);
	seen |= take_spis(t, 0, &k);
	assert_int_equal(k, 3);
	assert_int_equal(bank(t, 0)->hcr, VGIC_HCR_EN);
	assert_int_equal(seen, 0x7f);
	assert_int_equal(take(t, 0), 0);
	tvm_free(t);
}

/* Active interrupts are loaded first: the guest can only deactivate what
 * is in an LR. With the LRs full of them, pending ones wait (UIE). */
static void test_active_first(void **state)
{
	struct tvm *t = tvm_new(1, 64, 2);
	u32 got[VGIC_MAX_LR];

	enable_dist(t);
	for (u32 i = 0; i < 3; i++)
		spi_setup(t, 40 + i, (u8)(0x80 - i * 0x20), true);	/* 42 most urgent */
	edge(t, 40);
	edge(t, 41);
	flush(t, 0);
	guest_ack(t, 0, 40);
	guest_ack(t, 0, 41);
	sync_(t, 0);
	edge(t, 42);
	flush(t, 0);
	assert_int_equal(lr_state(t, 0, 40), VGIC_LR_ACTIVE);
	assert_int_equal(lr_state(t, 0, 41), VGIC_LR_ACTIVE);
	assert_int_equal(lr_find(t, 0, 42), -1);
	assert_int_equal(bank(t, 0)->hcr, VGIC_HCR_EN | VGIC_HCR_UIE);
	guest_eoi(t, 0, 41);
	sync_(t, 0);
	flush(t, 0);
	assert_int_equal(lr_state(t, 0, 40), VGIC_LR_ACTIVE);
	assert_int_equal(lr_state(t, 0, 42), VGIC_LR_PENDING);
	assert_int_equal(bank(t, 0)->hcr, VGIC_HCR_EN);
	guest_eoi(t, 0, 40);
	sync_(t, 0);
	assert_int_equal(guest_take_all(t, 0, got, VGIC_MAX_LR), 1);
	assert_int_equal(got[0], 42);
	tvm_free(t);
}

/* A flush with no sync in between (the guest never ran) loses nothing. */
static void test_double_flush(void **state)
{
	struct tvm *t = spi40_vm(true);
	edge(t, 40);
	flush(t, 0);
	flush(t, 0);
	assert_int_equal(lr_state(t, 0, 40), VGIC_LR_PENDING);
	assert_int_equal(lr_valid(t, 0), 1);
	assert_int_equal(take(t, 0), 1);
	assert_int_equal(take(t, 0), 0);
	tvm_free(t);
}

/* A priority change while an interrupt is live in an LR must not disturb
 * the order of the others: with 2 LRs, B (0x30) goes before C (0x40). */
static void test_prio_change_while_live(void **state)
{
	struct tvm *t = tvm_new(1, 64, 2);

	enable_dist(t);
	spi_setup(t, 40, 0x10, true);	/* A */
	spi_setup(t, 41, 0x20, true);	/* L */
	spi_setup(t, 42, 0x30, true);	/* B */
	spi_setup(t, 43, 0x40, true);	/* C */
	edge(t, 40);
	edge(t, 41);
	edge(t, 42);
	flush(t, 0);			/* A and L live, B waits */
	set_prio(t, 0, 41, 0x50);
	edge(t, 43);
	sync_(t, 0);
	flush(t, 0);
	assert_int_equal(lr_intid(bank(t, 0)->lr[0]), 40);
	assert_int_equal(lr_intid(bank(t, 0)->lr[1]), 42);
	tvm_free(t);
}

/* Edges coalesce while pending; one arriving while active is kept and
 * delivered after deactivation (active and pending). */
static void test_edge(void **state)
{
	struct tvm *t = spi40_vm(true);
	edge(t, 40);
	edge(t, 40);
	level(t, 40, true);		/* a rising edge: merges too */
	assert_int_equal(take(t, 0), 1);
	level(t, 40, true);		/* held high: no new edge */
	assert_int_equal(take(t, 0), 0);
	level(t, 40, false);
	level(t, 40, true);
	flush(t, 0);
	guest_ack(t, 0, 40);
	edge(t, 40);			/* while live and active */
	sync_(t, 0);
	flush(t, 0);
	assert_int_equal(lr_state(t, 0, 40), VGIC_LR_STATE);
	guest_eoi(t, 0, 40);
	guest_ack(t, 0, 40);
	guest_eoi(t, 0, 40);
	sync_(t, 0);
	assert_false(spi_pending(t, 40));
	assert_int_equal(take(t, 0), 0);
	tvm_free(t);
}

/* Level: pending while the line is high, re-pended after EOI if still high,
 * gone once the line drops. */
static void test_level(void **state)
{
	struct tvm *t = spi40_vm(false);
	level(t, 40, true);
	assert_int_equal(take(t, 0), 1);
	assert_true(spi_pending(t, 40));
	assert_int_equal(take(t, 0), 1);
	flush(t, 0);
	guest_ack(t, 0, 40);
	sync_(t, 0);
	flush(t, 0);			/* still high: active and pending */
	assert_int_equal(lr_state(t, 0, 40), VGIC_LR_STATE);
	sync_(t, 0);
	level(t, 40, false);		/* the guest silenced the device */
	flush(t, 0);
	assert_int_equal(lr_state(t, 0, 40), VGIC_LR_ACTIVE);
	guest_eoi(t, 0, 40);
	sync_(t, 0);
	assert_false(spi_pending(t, 40));
	assert_int_equal(take(t, 0), 0);
	/* Lowered while pending in an LR: retracted at sync. */
	level(t, 40, true);
	flush(t, 0);
	level(t, 40, false);
	sync_(t, 0);
	assert_int_equal(take(t, 0), 0);
	tvm_free(t);
}

/* A latch set on a level interrupt (ISPENDR, vgic_inject_edge) while it
 * is live in an LR but not pending there survives the guest's EOI. */
static void test_level_latch_while_live(void **state)
{
	struct tvm *t = spi40_vm(false);
	edge(t, 40);
	flush(t, 0);
	guest_ack(t, 0, 40);
	sync_(t, 0);
	flush(t, 0);
	assert_int_equal(lr_state(t, 0, 40), VGIC_LR_ACTIVE);
	edge(t, 40);			/* e.g. from another vCPU's thread */
	guest_eoi(t, 0, 40);
	sync_(t, 0);
	assert_true(spi_pending(t, 40));
	assert_int_equal(take(t, 0), 1);
	/* The acknowledgement consumed it. */
	assert_false(spi_pending(t, 40));
	tvm_free(t);
}

/* HW-linked: LR.HW with the physical INTID, no EOI maintenance; the
 * guest's deactivation ends it (and what it owes the physical GIC);
 * lowering the line is ignored. */
static void test_hw_linked(void **state)
{
	struct tvm *t = tvm_new(1, 64, 4);
	struct vcpu *v = tvcpu(t, 0);
	int i;
	u64 lr;

	enable_dist(t);
	assert_int_equal(vgic_map_hw(&t->d, v, VGIC_PPI_VTIMER, VGIC_PPI_VTIMER), 0);
	enable_irq(t, 0, VGIC_PPI_VTIMER);
	assert_false(vgic_irq_owes_deactivation(&t->d, v, VGIC_PPI_VTIMER));
	assert_int_equal(vgic_set_level(&t->d, v, VGIC_PPI_VTIMER, true), 0);
	assert_true(vgic_irq_owes_deactivation(&t->d, v, VGIC_PPI_VTIMER));
	flush(t, 0);
	assert_true(vgic_irq_owes_deactivation(&t->d, v, VGIC_PPI_VTIMER));
	i = lr_find(t, 0, VGIC_PPI_VTIMER);
	assert_true(i >= 0);
	lr = bank(t, 0)->lr[i];
	assert_true(lr & VGIC_LR_HW);
	assert_int_equal((lr & VGIC_LR_PINTID_MASK) >> VGIC_LR_PINTID_SHIFT, VGIC_PPI_VTIMER);
	assert_false(lr & VGIC_LR_EOI);
	assert_int_equal(lr & VGIC_LR_STATE, VGIC_LR_PENDING);
	guest_ack(t, 0, VGIC_PPI_VTIMER);
	assert_true(vgic_irq_is_active(&t->d, v, VGIC_PPI_VTIMER));
	sync_(t, 0);
	assert_true(vgic_irq_owes_deactivation(&t->d, v, VGIC_PPI_VTIMER));
	assert_int_equal(vgic_set_level(&t->d, v, VGIC_PPI_VTIMER, false), 0);
	flush(t, 0);
	assert_int_equal(lr_state(t, 0, VGIC_PPI_VTIMER), VGIC_LR_ACTIVE);
	guest_eoi(t, 0, VGIC_PPI_VTIMER);
	sync_(t, 0);
	assert_false(vgic_irq_is_active(&t->d, v, VGIC_PPI_VTIMER));
	assert_false(vgic_irq_owes_deactivation(&t->d, v, VGIC_PPI_VTIMER));
	flush(t, 0);
	assert_int_equal(lr_valid(t, 0), 0);
	sync_(t, 0);
	/* Unlinked: an ordinary level interrupt again. */
	assert_int_equal(vgic_unmap_hw(&t->d, v, VGIC_PPI_VTIMER), 0);
	assert_int_equal(vgic_set_level(&t->d, v, VGIC_PPI_VTIMER, true), 0);
	flush(t, 0);
	lr = bank(t, 0)->lr[lr_find(t, 0, VGIC_PPI_VTIMER)];
	assert_false(lr & VGIC_LR_HW);
	assert_true(lr & VGIC_LR_EOI);
	tvm_free(t);
}

/* ICH_ELRSR_EL2 of the simulated guest: LRs holding no interrupt. */
static u32 elrsr(struct tvm *t, unsigned int n)
{
	u32 e = 0;

	for (unsigned int i = 0; i < bank(t, n)->nr_lr; i++)
		if (!(bank(t, n)->lr[i] & VGIC_LR_STATE))
			e |= 1u << i;
	return e;
}

/* The fast path as the exception vector runs it: the value goes straight
 * into the (simulated) hardware LR, no sync or flush around it. */
static int fast_on(struct tvm *t, unsigned int n)
{
	u64 val = 0;
	int i = vgic_fast_inject(&t->d, tvcpu(t, n), elrsr(t, n), &val);

	if (i >= 0)
		hw_lr_write(t, n, (unsigned int)i, val);
	return i;
}

static int fast(struct tvm *t)
{
	return fast_on(t, 0);
}

/* Every vCPU's timer linked and set up for the fast path, LRs flushed. */
static struct tvm *vtimer_vm_n(unsigned int nr_vcpus, unsigned int nr_lr)
{
	struct tvm *t = tvm_new(nr_vcpus, 64, nr_lr);

	enable_dist(t);
	for (unsigned int n = 0; n < nr_vcpus; n++) {
		struct vcpu *v = tvcpu(t, n);

		assert_int_equal(vgic_map_hw(&t->d, v, VGIC_PPI_VTIMER, VGIC_PPI_VTIMER), 0);
		assert_int_equal(vgic_set_fast(&t->d, v, VGIC_PPI_VTIMER), 0);
		enable_irq(t, n, VGIC_PPI_VTIMER);
		flush(t, n);
	}
	return t;
}

static struct tvm *vtimer_vm(unsigned int nr_lr)
{
	return vtimer_vm_n(1, nr_lr);
}

/* The vtimer fast path: injected straight into an LR between two guest
 * runs, then recorded and folded by the next sync like a flushed one; its
 * own LR is re-used once the guest deactivated it; the pending state
 * survives. */
static void test_fast_inject(void **state)
{
	struct tvm *t = vtimer_vm(4);
	struct vcpu *v = tvcpu(t, 0);
	int i = fast(t);
	u64 lr;

	assert_true(i >= 0);
	lr = bank(t, 0)->lr[i];
	assert_true(lr & VGIC_LR_HW);
	assert_int_equal(lr_intid(lr), VGIC_PPI_VTIMER);
	assert_int_equal((lr & VGIC_LR_PINTID_MASK) >> VGIC_LR_PINTID_SHIFT, VGIC_PPI_VTIMER);
	assert_int_equal(lr & VGIC_LR_STATE, VGIC_LR_PENDING);
	assert_int_equal(fast(t), -1);	/* still live */
	guest_ack(t, 0, VGIC_PPI_VTIMER);
	guest_eoi(t, 0, VGIC_PPI_VTIMER);
	/* No exit in between: the model has not even seen the first one. */
	assert_int_equal(fast(t), i);
	sync_(t, 0);
	assert_true(vgic_irq_owes_deactivation(&t->d, v, VGIC_PPI_VTIMER));
	flush(t, 0);
	assert_int_equal(lr_state(t, 0, VGIC_PPI_VTIMER), VGIC_LR_PENDING);	/* not lost */
	/* The fast path writes what a flush encodes for the same state, bit
	 * for bit (priority, group, HW, pINTID, pending). */
	assert_int_equal(bank(t, 0)->lr[lr_find(t, 0, VGIC_PPI_VTIMER)], lr);
	/* Its own LR now, re-used once the guest is done with it. */
	i = lr_find(t, 0, VGIC_PPI_VTIMER);
	guest_ack(t, 0, VGIC_PPI_VTIMER);
	assert_int_equal(fast(t), -1);
	guest_eoi(t, 0, VGIC_PPI_VTIMER);
	assert_int_equal(fast(t), i);
	guest_ack(t, 0, VGIC_PPI_VTIMER);
	sync_(t, 0);
	flush(t, 0);
	assert_int_equal(lr_state(t, 0, VGIC_PPI_VTIMER), VGIC_LR_ACTIVE);
	guest_eoi(t, 0, VGIC_PPI_VTIMER);
	sync_(t, 0);
	assert_false(vgic_irq_owes_deactivation(&t->d, v, VGIC_PPI_VTIMER));
	flush(t, 0);
	assert_int_equal(lr_valid(t, 0), 0);
	tvm_free(t);
}

/* Whatever the fast path cannot do in one step goes the full way. */
static void test_fast_inject_refused(void **state)
{
	struct tvm *t = vtimer_vm(2);
	struct vcpu *v = tvcpu(t, 0);

	assert_int_equal(vgic_set_fast(&t->d, v, 3), -EINVAL);		/* an SGI */
	assert_int_equal(vgic_set_fast(&t->d, v, 30), -EINVAL);	/* not HW-linked */
	assert_int_equal(vgic_set_fast(&t->d, v, 40), -EINVAL);	/* an SPI */
	wr(t, GICR_SGI(0) + 0x0180, 4, 1u << VGIC_PPI_VTIMER);	/* GICR_ICENABLER0 */
	flush(t, 0);
	assert_int_equal(fast(t), -1);		/* disabled */
	enable_irq(t, 0, VGIC_PPI_VTIMER);
	wr(t, GICD, 4, 0);			/* GICD_CTLR: groups off */
	flush(t, 0);
	assert_int_equal(fast(t), -1);
	enable_dist(t);
	/* Both LRs taken by other interrupts, the timer queued behind them. */
	enable_irq(t, 0, 20);
	enable_irq(t, 0, 21);
	set_prio(t, 0, VGIC_PPI_VTIMER, 0xf0);
	assert_int_equal(vgic_inject_edge(&t->d, v, 20), 0);
	assert_int_equal(vgic_inject_edge(&t->d, v, 21), 0);
	flush(t, 0);
	assert_int_equal(fast(t), -1);		/* no free LR */
	assert_int_equal(vgic_set_level(&t->d, v, VGIC_PPI_VTIMER, true), 0);
	sync_(t, 0);
	flush(t, 0);
	guest_ack(t, 0, 20);
	guest_eoi(t, 0, 20);
	assert_int_equal(fast(t), -1);		/* queued, not live */
	assert_false(vgic_irq_is_active(&t->d, v, VGIC_PPI_VTIMER));
	tvm_free(t);
}

/*
 * An idle vCPU (nothing queued, nothing live) reuses its last fast value
 * while no register write changed what it depends on: a GICD_CTLR write
 * between two idle flushes, the only change here, must still take the
 * fast path away and give it back (vgic_fast_prepare_idle()).
 */
static void test_fast_idle_follows_ctlr(void **state)
{
	struct tvm *t = vtimer_vm(4);

	sync_(t, 0);
	flush(t, 0);			/* idle again: the value reused */
	assert_true(t->cpus[0].fast_val != 0);
	sync_(t, 0);
	wr(t, GICD, 4, 0);		/* GICD_CTLR: both groups off */
	flush(t, 0);
	assert_int_equal(fast(t), -1);
	sync_(t, 0);
	wr(t, GICD, 4, 1);		/* group 0 only: the timer is group 1 */
	flush(t, 0);
	assert_int_equal(fast(t), -1);
	sync_(t, 0);
	enable_dist(t);
	flush(t, 0);
	assert_int_equal(fast(t), 0);
	tvm_free(t);
}

/* vCPU n's guest takes its timer and is done with it, the vCPU exits and
 * re-enters: nothing of it is left to deliver. */
static void timer_handled_last(struct tvm *t, unsigned int n)
{
	guest_ack(t, n, VGIC_PPI_VTIMER);
	guest_eoi(t, n, VGIC_PPI_VTIMER);
	sync_(t, n);
	flush(t, n);
	assert_int_equal(lr_valid(t, n), 0);
}

/*
 * The flush set vCPU 1's fast path up, then vCPU 0 changed the timer's
 * configuration before it was used (disabled it, or pended it through
 * ISPENDR0): vCPU 1 is kicked to reload, and a fast injection that beat
 * the kick is still recorded and folded consistently.
 */
static void test_fast_inject_race(void **state)
{
	struct tvm *t = vtimer_vm_n(2, 4);
	struct vcpu *v = tvcpu(t, 1);

	t->vm.kicks[1] = 0;
	wr(t, GICR_SGI(1) + 0x0180, 4, 1u << VGIC_PPI_VTIMER);	/* ICENABLER0 */
	assert_int_equal(t->vm.kicks[1], 1);
	assert_true(fast_on(t, 1) >= 0);
	sync_(t, 1);
	/* Held pending while disabled: the LR had it, the fold keeps it. */
	assert_true(vgic_irq_owes_deactivation(&t->d, v, VGIC_PPI_VTIMER));
	flush(t, 1);
	assert_int_equal(lr_valid(t, 1), 0);
	assert_int_equal(fast_on(t, 1), -1);
	wr(t, GICR_SGI(1) + 0x0100, 4, 1u << VGIC_PPI_VTIMER);	/* ISENABLER0 */
	assert_int_equal(t->vm.kicks[1], 2);
	sync_(t, 1);
	flush(t, 1);
	assert_int_equal(lr_state(t, 1, VGIC_PPI_VTIMER), VGIC_LR_PENDING);
	guest_ack(t, 1, VGIC_PPI_VTIMER);
	guest_eoi(t, 1, VGIC_PPI_VTIMER);
	sync_(t, 1);
	assert_false(vgic_irq_owes_deactivation(&t->d, v, VGIC_PPI_VTIMER));
	/* Pended behind the fast path's back, then injected by it too. */
	flush(t, 1);
	wr(t, GICR_SGI(1) + GICR_ISPENDR0, 4, 1u << VGIC_PPI_VTIMER);
	assert_true(fast_on(t, 1) >= 0);
	guest_ack(t, 1, VGIC_PPI_VTIMER);
	guest_eoi(t, 1, VGIC_PPI_VTIMER);
	sync_(t, 1);
	/* One pending state: the ISPENDR write and the fast injection were
	 * both before the acknowledgement, which took it. Delivered once. */
	assert_false(vgic_irq_owes_deactivation(&t->d, v, VGIC_PPI_VTIMER));
	flush(t, 1);
	assert_int_equal(lr_valid(t, 1), 0);
	/* The same, not yet acknowledged at the sync: still pending once. */
	wr(t, GICR_SGI(1) + GICR_ISPENDR0, 4, 1u << VGIC_PPI_VTIMER);
	assert_true(fast_on(t, 1) >= 0);
	sync_(t, 1);
	flush(t, 1);
	assert_int_equal(lr_state(t, 1, VGIC_PPI_VTIMER), VGIC_LR_PENDING);
	timer_handled_last(t, 1);
	/* vCPU 0 turning the groups off reloads every vCPU. */
	wr(t, GICD, 4, 0);
	assert_int_equal(t->vm.kicks[0], 0);	/* the writer itself is exiting */
	assert_true(t->vm.kicks[1] >= 3);
	tvm_free(t);
}

/*
 * Pended by another vCPU after the fast injection: the guest may have
 * taken the first one already (then this is a second delivery, as the GIC
 * requires), or not yet (then the two are one pending state).
 */
static void test_fast_inject_pended_after(void **state)
{
	struct tvm *t = vtimer_vm_n(2, 4);

	assert_true(fast_on(t, 1) >= 0);
	guest_ack(t, 1, VGIC_PPI_VTIMER);
	wr(t, GICR_SGI(1) + GICR_ISPENDR0, 4, 1u << VGIC_PPI_VTIMER);
	sync_(t, 1);
	assert_int_equal(rd(t, GICR_SGI(1) + GICR_ISPENDR0, 4), 1u << VGIC_PPI_VTIMER);
	flush(t, 1);
	/* HW = 1: never pending+active in an LR; the pending waits. */
	assert_int_equal(lr_state(t, 1, VGIC_PPI_VTIMER), VGIC_LR_ACTIVE);
	guest_eoi(t, 1, VGIC_PPI_VTIMER);
	sync_(t, 1);
	flush(t, 1);
	assert_int_equal(lr_state(t, 1, VGIC_PPI_VTIMER), VGIC_LR_PENDING);
	timer_handled_last(t, 1);
	/* Not yet acknowledged at the sync: one pending state. */
	assert_true(fast_on(t, 1) >= 0);
	wr(t, GICR_SGI(1) + GICR_ISPENDR0, 4, 1u << VGIC_PPI_VTIMER);
	sync_(t, 1);
	flush(t, 1);
	assert_int_equal(lr_state(t, 1, VGIC_PPI_VTIMER), VGIC_LR_PENDING);
	timer_handled_last(t, 1);
	tvm_free(t);
}

/*
 * A flush with no sync before it (the vCPU re-entered without running the
 * fold) takes a fast injection back too, on both of its paths: nothing
 * queued (the lock-free one), and something else queued.
 */
static void test_fast_inject_flush_without_sync(void **state)
{
	struct tvm *t = vtimer_vm(4);
	struct vcpu *v = tvcpu(t, 0);

	assert_true(fast(t) >= 0);
	flush(t, 0);
	assert_int_equal(lr_state(t, 0, VGIC_PPI_VTIMER), VGIC_LR_PENDING);
	guest_ack(t, 0, VGIC_PPI_VTIMER);
	guest_eoi(t, 0, VGIC_PPI_VTIMER);
	sync_(t, 0);
	flush(t, 0);
	assert_int_equal(lr_valid(t, 0), 0);
	enable_irq(t, 0, 20);
	assert_int_equal(vgic_inject_edge(&t->d, v, 20), 0);
	assert_true(fast(t) >= 0);
	flush(t, 0);
	assert_int_equal(lr_valid(t, 0), 2);
	assert_int_equal(lr_state(t, 0, VGIC_PPI_VTIMER), VGIC_LR_PENDING);
	tvm_free(t);
}

/* An SPI linked to a physical INTID above 511 (pINTID is 13 bits wide). */
static void test_hw_linked_spi(void **state)
{
	struct tvm *t = tvm_new(1, 64, 4);
	u64 lr;

	enable_dist(t);
	spi_setup(t, 50, 0x80, false);
	assert_int_equal(vgic_map_hw(&t->d, NULL, 50, 1019), 0);
	level(t, 50, true);
	flush(t, 0);
	lr = bank(t, 0)->lr[lr_find(t, 0, 50)];
	assert_int_equal(lr & (VGIC_LR_HW | VGIC_LR_PINTID_MASK | VGIC_LR_VINTID_MASK),
			 VGIC_LR_HW | 1019ULL << VGIC_LR_PINTID_SHIFT | 50);
	tvm_free(t);
}

static void test_map_hw_invalid(void **state)
{
	struct tvm *t = tvm_new(1, 64, 4);
	struct vcpu *v = tvcpu(t, 0);

	assert_int_equal(vgic_map_hw(&t->d, v, 5, 27), -EINVAL);	/* SGI */
	assert_int_equal(vgic_map_hw(&t->d, v, 27, 5), -EINVAL);
	assert_int_equal(vgic_map_hw(&t->d, v, 27, 1020), -EINVAL);
	assert_int_equal(vgic_map_hw(&t->d, NULL, 27, 27), -EINVAL);	/* no vCPU */
	assert_int_equal(vgic_map_hw(&t->d, NULL, 96, 96), -EINVAL);	/* no SPI 96 */
	assert_int_equal(vgic_unmap_hw(&t->d, NULL, 96), -EINVAL);
	assert_int_equal(vgic_map_hw(&t->d, NULL, 95, 95), 0);
	tvm_free(t);
}

static u32 sgi_pending(struct tvm *t, unsigned int n)
{
	return (u32)rd(t, GICR_SGI(n) + GICR_ISPENDR0, 4) & 0xffff;
}

static u64 sgir(u32 intid, u32 targets)
{
	return (u64)intid << 24 | targets;
}

/* ICC_SGI1R_EL1: TargetList, IRM broadcast without the sender, kicks. */
static void test_sgi_targets(void **state)
{
	struct tvm *t = tvm_new(4, 64, 4);

	enable_dist(t);
	for (unsigned int i = 0; i < 4; i++)
		enable_irq(t, i, 5);
	vgic_send_sgi(&t->d, tvcpu(t, 0), sgir(5, 0x6), true);
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(sgi_pending(t, i), (i == 1 || i == 2) << 5);
		assert_int_equal(t->vm.kicks[i], i == 1 || i == 2);
	}
	vgic_send_sgi(&t->d, tvcpu(t, 2), sgir(3, 0) | BIT_ULL(40), true);	/* IRM */
	for (unsigned int i = 0; i < 4; i++)
		assert_int_equal(sgi_pending(t, i) >> 3 & 1, i != 2);
	assert_int_equal(t->vm.kicks[2], 1);	/* SGI 3 is not enabled: no kicks */
	/* To self: pending, but the sender is outside the guest: no kick. */
	vgic_send_sgi(&t->d, tvcpu(t, 3), sgir(5, 0x8), true);
	assert_int_equal(sgi_pending(t, 3), 1u << 5 | 1u << 3);
	assert_int_equal(t->vm.kicks[3], 0);
	tvm_free(t);
}

/* The target mask the SGI fast path checks before it sends (virq.c). */
static void test_sgi_target_mask(void **state)
{
	struct tvm *t = tvm_new(4, 64, 4);

	assert_int_equal(vgic_sgi_targets(&t->d, 0, sgir(1, 0x6)), 0x6);
	assert_int_equal(vgic_sgi_targets(&t->d, 0, sgir(1, 0xfff3)), 0x3);	/* 4 vCPUs */
	assert_int_equal(vgic_sgi_targets(&t->d, 2, sgir(1, 0x1) | BIT_ULL(40)), 0xb);
	assert_int_equal(vgic_sgi_targets(&t->d, 0, sgir(1, 0x3) | 1ULL << 16), 0);	/* Aff1 */
	assert_int_equal(vgic_sgi_targets(&t->d, 0, sgir(1, 0x3) | 1ULL << 32), 0);	/* Aff2 */
	assert_int_equal(vgic_sgi_targets(&t->d, 0, sgir(1, 0x3) | 1ULL << 44), 0);	/* RS */
	assert_int_equal(vgic_sgi_targets(&t->d, 0, sgir(1, 0x3) | 1ULL << 48), 0);	/* Aff3 */
	tvm_free(t);
}

/*
 * The SGI fast path: vCPU 0 runs (flushed), the guest has taken SGI 2 and
 * left SGI 4 pending in its LRs, then writes SGI1R for SGI 3 to itself and
 * vCPU 1. vgic_send_sgi_live() folds the LRs (SGI 2 stays active, SGI 4
 * pending), queues SGI 3 on both and refills vCPU 0's LRs by priority:
 * exactly what sync + send + flush would have left; vCPU 1 is kicked,
 * vCPU 0 (which is about to return to its guest) is not.
 */
static void test_sgi_live(void **state)
{
	struct tvm *t = tvm_new(2, 64, 4), *u = tvm_new(2, 64, 4);
	struct tvm *vms[2] = { t, u };
	unsigned int kicks0;

	for (unsigned int k = 0; k < 2; k++) {
		struct tvm *x = vms[k];

		enable_dist(x);
		for (u32 i = 2; i < 5; i++)
			enable_irq(x, 0, i);
		enable_irq(x, 1, 3);
		vgic_send_sgi(&x->d, tvcpu(x, 1), sgir(2, 0x1), true);
		vgic_send_sgi(&x->d, tvcpu(x, 1), sgir(4, 0x1), true);
		flush(x, 0);
		guest_ack(x, 0, 2);
	}
	kicks0 = t->vm.kicks[0];
	vgic_send_sgi_live(&t->d, tvcpu(t, 0), sgir(3, 0x3));
	sync_(u, 0);	/* the reference: the full exit's three steps */
	vgic_send_sgi(&u->d, tvcpu(u, 0), sgir(3, 0x3), true);
	flush(u, 0);
	for (unsigned int i = 0; i < 4; i++)
		assert_int_equal(bank(t, 0)->lr[i], bank(u, 0)->lr[i]);
	assert_int_equal(bank(t, 0)->hcr, bank(u, 0)->hcr);
	assert_int_equal(lr_valid(t, 0), 3);
	assert_true(bank(t, 0)->lr[lr_find(t, 0, 2)] & VGIC_LR_ACTIVE);
	assert_true(bank(t, 0)->lr[lr_find(t, 0, 3)] & VGIC_LR_PENDING);
	assert_int_equal(sgi_pending(t, 1), 1u << 3);
	assert_int_equal(t->vm.kicks[1], u->vm.kicks[1]);
	assert_int_equal(t->vm.kicks[0], kicks0);
	tvm_free(t);
	tvm_free(u);
}

/* Setups for test_sgi_self_lane(), on vCPU 0 with SGI 3 enabled. */
enum lane_case { LANE_IDLE, LANE_OTHER, LANE_DISABLED, LANE_GRP_OFF, LANE_PENDING,
		 LANE_ACTIVE, LANE_OTHERS, LANE_CASES };

static void lane_setup(struct tvm *x, enum lane_case k)
{
	enable_dist(x);
	enable_irq(x, 0, 3);
	enable_irq(x, 1, 3);
	if (k == LANE_DISABLED)
		wr(x, GICR_SGI(0) + 0x0180, 4, 1u << 3);	/* ICENABLER0 */
	if (k == LANE_GRP_OFF)
		wr(x, GICD, 4, 0x1);
	if (k == LANE_PENDING || k == LANE_ACTIVE)
		vgic_send_sgi(&x->d, tvcpu(x, 1), sgir(3, 0x1), true);
	flush(x, 0);
	if (k == LANE_ACTIVE)
		guest_ack(x, 0, 3);
}

/*
 * vgic_send_sgi_live()'s short path for an idle SGI to one vCPU
 * (vgic_sgi_one(): the sender, or vCPU 1, which is kicked) leaves exactly
 * what sync + send + flush do, and every case it must not take (disabled,
 * group off, already pending, active, two targets) goes the long way with
 * the same result.
 */
static void test_sgi_self_lane(void **state)
{
	for (unsigned int k = 0; k < LANE_CASES; k++) {
		struct tvm *t = tvm_new(2, 64, 4), *u = tvm_new(2, 64, 4);
		u64 v = sgir(3, k == LANE_OTHERS ? 0x3 : k == LANE_OTHER ? 0x2 : 0x1);

		lane_setup(t, k);
		lane_setup(u, k);
		t->cpus[0].sgi_short = t->cpus[1].sgi_short = 0;	/* the setup's sends */
		vgic_send_sgi_live(&t->d, tvcpu(t, 0), v);
		sync_(u, 0);
		vgic_send_sgi(&u->d, tvcpu(u, 0), v, true);
		flush(u, 0);
		assert_int_equal(t->cpus[0].sgi_short, k == LANE_IDLE);
		assert_int_equal(t->cpus[1].sgi_short, k == LANE_OTHER);
		for (unsigned int i = 0; i < 4; i++)
			assert_int_equal(bank(t, 0)->lr[i], bank(u, 0)->lr[i]);
		assert_int_equal(bank(t, 0)->hcr, bank(u, 0)->hcr);
		assert_int_equal(sgi_pending(t, 0), sgi_pending(u, 0));
		assert_int_equal(sgi_pending(t, 1), sgi_pending(u, 1));
		assert_int_equal(t->vm.kicks[1], u->vm.kicks[1]);
		assert_int_equal(t->d.grp_blocked[1], u->d.grp_blocked[1]);
		tvm_free(t);
		tvm_free(u);
	}
}

/*
 * vgic_sgi_one()'s other lane, vgic_sgi_again(): vCPU 0 sends SGI 3 to a
 * running vCPU 1 that holds the last one still in an LR (the guest has
 * taken it, or is in its handler, or has not looked yet). The model only
 * notes the new pending state and marks the LR stale; vCPU 1 is kicked,
 * and its next sync and flush give the guest the SGI again: pending, or
 * active and pending. Not when a sync left the LR soft (vCPU 1 is out of
 * the guest, the SGI still pending in the LR it had not looked at): that
 * goes the long way.
 */
enum again_case { AGAIN_EMPTIED, AGAIN_ACTIVE, AGAIN_UNSEEN, AGAIN_SOFT, AGAIN_CASES };

static void test_sgi_again_lane(void **state)
{
	static const u64 want[AGAIN_CASES] = {
		[AGAIN_EMPTIED] = VGIC_LR_PENDING,
		[AGAIN_ACTIVE] = VGIC_LR_PENDING | VGIC_LR_ACTIVE,
		[AGAIN_UNSEEN] = VGIC_LR_PENDING,
		[AGAIN_SOFT] = VGIC_LR_PENDING,
	};

	for (unsigned int k = 0; k < AGAIN_CASES; k++) {
		struct tvm *t = tvm_new(2, 64, 4);
		unsigned int kicks;

		enable_dist(t);
		enable_irq(t, 1, 3);
		vgic_send_sgi(&t->d, tvcpu(t, 0), sgir(3, 0x2), true);
		flush(t, 1);
		if (k == AGAIN_EMPTIED || k == AGAIN_ACTIVE)
			guest_ack(t, 1, 3);
		if (k == AGAIN_EMPTIED)
			guest_eoi(t, 1, 3);
		if (k == AGAIN_SOFT)
			sync_(t, 1);
		t->cpus[1].sgi_short = 0;
		kicks = t->vm.kicks[1];
		vgic_send_sgi(&t->d, tvcpu(t, 0), sgir(3, 0x2), true);
		assert_int_equal(t->cpus[1].sgi_short, k != AGAIN_SOFT);
		assert_int_equal(t->vm.kicks[1], kicks + (k != AGAIN_SOFT));
		assert_int_equal(sgi_pending(t, 1), 1u << 3);
		if (k != AGAIN_SOFT)
			sync_(t, 1);
		flush(t, 1);
		assert_int_equal(lr_state(t, 1, 3), want[k]);
		assert_int_equal(lr_valid(t, 1), 1);
		if (k == AGAIN_ACTIVE)
			guest_eoi(t, 1, 3);
		guest_ack(t, 1, 3);
		guest_eoi(t, 1, 3);
		sync_(t, 1);
		assert_int_equal(sgi_pending(t, 1), 0);
		assert_true(list_empty(&t->cpus[1].ap_list));
		tvm_free(t);
	}
}

/* Setups for test_sgi_direct(), on vCPU 0 (4 LRs) sending SGI 3 to itself. */
enum direct_case { DIRECT_IDLE, DIRECT_AGAIN, DIRECT_ACTIVE, DIRECT_REPENDED, DIRECT_DISABLED,
		   DIRECT_GRP_OFF, DIRECT_LRS_FULL, DIRECT_WAITING, DIRECT_OTHER, DIRECT_CASES };

static void direct_setup(struct tvm *x, enum direct_case k)
{
	enable_dist(x);
	for (u32 i = 2; i < 8; i++)
		enable_irq(x, 0, i);
	enable_irq(x, 1, 3);
	vgic_send_sgi(&x->d, tvcpu(x, 1), sgir(2, 0x1), true);	/* one LR in use */
	if (k == DIRECT_AGAIN || k == DIRECT_ACTIVE || k == DIRECT_REPENDED)
		vgic_send_sgi(&x->d, tvcpu(x, 1), sgir(3, 0x1), true);
	if (k == DIRECT_DISABLED)
		wr(x, GICR_SGI(0) + 0x0180, 4, 1u << 3);	/* ICENABLER0 */
	if (k == DIRECT_GRP_OFF)
		wr(x, GICD, 4, 0x1);
	for (u32 i = 4; k == DIRECT_LRS_FULL && i < 7; i++)
		vgic_send_sgi(&x->d, tvcpu(x, 1), sgir(i, 0x1), true);
	flush(x, 0);
	if (k == DIRECT_AGAIN || k == DIRECT_ACTIVE || k == DIRECT_REPENDED)
		guest_ack(x, 0, 3);
	if (k == DIRECT_AGAIN || k == DIRECT_REPENDED)
		guest_eoi(x, 0, 3);	/* its LR empty again */
	if (k == DIRECT_REPENDED)	/* by vCPU 1, while the LR held it */
		vgic_send_sgi(&x->d, tvcpu(x, 1), sgir(3, 0x1), true);
	if (k == DIRECT_WAITING)	/* queued after the flush: waits for an LR */
		vgic_send_sgi(&x->d, tvcpu(x, 1), sgir(5, 0x1), true);
}

/* The LR values of vCPU n's bank, sorted (the LR index is of no matter). */
static void lrs_sorted(struct tvm *t, unsigned int n, u64 *out)
{
	for (unsigned int i = 0; i < 4; i++) {
		unsigned int j = i;

		for (; j > 0 && out[j - 1] > bank(t, n)->lr[i]; j--)
			out[j] = out[j - 1];
		out[j] = bank(t, n)->lr[i];
	}
}

/* INTIDs (all < 64 here) as a set. */
static u64 intid_set(const u32 *ids, unsigned int n)
{
	u64 set = 0;

	for (unsigned int i = 0; i < n; i++) {
		assert_true(ids[i] < 64);
		set |= 1ULL << ids[i];
	}
	return set;
}

/* Then a full exit and entry on both: the same model, the same LRs. */
static void direct_compare(struct tvm *t, struct tvm *u)
{
	u64 a[4], b[4];
	u32 got_t[8], got_u[8];
	unsigned int nt, nu;

	sync_(t, 0);
	sync_(u, 0);
	assert_int_equal(sgi_pending(t, 0), sgi_pending(u, 0));
	assert_int_equal(rd(t, GICR_SGI(0) + 0x0300, 4), rd(u, GICR_SGI(0) + 0x0300, 4));
	flush(t, 0);
	flush(u, 0);
	lrs_sorted(t, 0, a);
	lrs_sorted(u, 0, b);
	for (unsigned int i = 0; i < 4; i++)
		assert_int_equal(a[i], b[i]);
	assert_int_equal(bank(t, 0)->hcr, bank(u, 0)->hcr);
	sync_(t, 0);
	sync_(u, 0);
	nt = guest_take_all(t, 0, got_t, 8);
	nu = guest_take_all(u, 0, got_u, 8);
	assert_int_equal(nt, nu);
	assert_int_equal(intid_set(got_t, nt), intid_set(got_u, nu));	/* in any LR order */
}

/*
 * The direct SGI (vgic_sgi_direct(), one LR written from the vector) is
 * taken for an idle SGI with an LR free, and for one the guest took and
 * deactivated in its LR; refused when it is active there, pended again
 * meanwhile, disabled, its group off, with no LR free, with something
 * waiting for an LR, or for another target (the SGI fast path then runs).
 * Either way the model and the LRs after a full exit and entry are those
 * of the full path: sync, send, flush.
 */
static void test_sgi_direct(void **state)
{
	for (unsigned int k = 0; k < DIRECT_CASES; k++) {
		struct tvm *t = tvm_new(2, 64, 4), *u = tvm_new(2, 64, 4);
		u64 v = sgir(3, k == DIRECT_OTHER ? 0x2 : 0x1), val = 0;
		int i;

		direct_setup(t, k);
		direct_setup(u, k);
		i = vgic_sgi_direct(&t->d, tvcpu(t, 0), v, elrsr(t, 0), &val);
		assert_int_equal(i >= 0, k == DIRECT_IDLE || k == DIRECT_AGAIN);
		if (i >= 0) {
			assert_int_equal(val, VGIC_LR_GROUP1 | VGIC_LR_PENDING | 3);
			if (k == DIRECT_AGAIN)	/* the LR it left */
				assert_int_equal(bank(t, 0)->lr[i] & VGIC_LR_VINTID_MASK, 3);
			bank(t, 0)->lr[i] = val;	/* the hardware LR */
		} else {
			vgic_send_sgi_live(&t->d, tvcpu(t, 0), v);
		}
		sync_(u, 0);
		vgic_send_sgi(&u->d, tvcpu(u, 0), v, true);
		flush(u, 0);
		direct_compare(t, u);
		tvm_free(t);
		tvm_free(u);
	}
}

/*
 * A fast timer injection, then, before the sync that adopts it, a direct
 * SGI (the timer fired, its handler sends an IPI to itself): the SGI takes
 * another LR than the timer's, and the sync adopts the one and folds the
 * other; the model and the LRs after it and a flush are those of the full
 * path (sync, send, flush) after the same injection. Twice, the second
 * time from what the first left.
 */
static void test_sgi_direct_after_fast(void **state)
{
	struct tvm *t = vtimer_vm(4), *u = vtimer_vm(4);
	u64 v = sgir(3, 0x1), val = 0;

	enable_irq(t, 0, 3);
	enable_irq(u, 0, 3);
	for (int round = 0; round < 2; round++) {
		int ft = fast(t), fu = fast_on(u, 0), i;

		assert_true(ft >= 0);
		assert_int_equal(ft, fu);
		i = vgic_sgi_direct(&t->d, tvcpu(t, 0), v, elrsr(t, 0), &val);
		assert_true(i >= 0);
		assert_true(i != ft);
		bank(t, 0)->lr[i] = val;
		sync_(u, 0);
		vgic_send_sgi(&u->d, tvcpu(u, 0), v, true);
		flush(u, 0);
		direct_compare(t, u);
		flush(t, 0);	/* both in the guest again, all taken */
		flush(u, 0);
	}
	tvm_free(t);
	tvm_free(u);
}

/*
 * The LR delta. vCPU 0 has SGIs 2 and 4 pending in LRs 0 and 1; the guest
 * takes SGI 2 and sends SGI 3 to itself through the fast path: SGI 4's LR,
 * untouched, is kept as it is (bank.kept: no fold, no re-encode, not
 * written back), SGI 2 is folded and reloaded active, SGI 3 takes a free
 * LR. Then a full exit: the sync leaves SGI 3 and 4 soft in their LRs,
 * where the model is the truth while the vCPU is out: the registers read
 * them pending and SGI 2 active; the next flush keeps all three. After the
 * next exit an ICPENDR0 write cancels SGI 4 for good (a fold of its
 * unchanged LR would have pended it again).
 */
static void test_lr_delta(void **state)
{
	struct tvm *t = tvm_new(2, 64, 4);
	u64 sgi3, sgi4;
	int lr4;

	enable_dist(t);
	for (u32 i = 2; i < 5; i++)
		enable_irq(t, 0, i);
	vgic_send_sgi(&t->d, tvcpu(t, 1), sgir(2, 0x1), true);
	vgic_send_sgi(&t->d, tvcpu(t, 1), sgir(4, 0x1), true);
	flush(t, 0);
	lr4 = lr_find(t, 0, 4);
	sgi4 = bank(t, 0)->lr[lr4];
	assert_int_equal(bank(t, 0)->kept, 0);
	guest_ack(t, 0, 2);
	vgic_send_sgi_live(&t->d, tvcpu(t, 0), sgir(3, 0x1));
	assert_int_equal(bank(t, 0)->kept, 1u << lr4);
	assert_int_equal(bank(t, 0)->lr[lr4], sgi4);
	assert_int_equal(lr_valid(t, 0), 3);
	assert_int_equal(lr_state(t, 0, 2), VGIC_LR_ACTIVE);
	assert_int_equal(lr_state(t, 0, 3), VGIC_LR_PENDING);
	sgi3 = bank(t, 0)->lr[lr_find(t, 0, 3)];

	sync_(t, 0);
	assert_int_equal(rd(t, GICR_SGI(0) + GICR_ISPENDR0, 4), 1u << 3 | 1u << 4);
	assert_int_equal(rd(t, GICR_SGI(0) + 0x0300, 4), 1u << 2);	/* ISACTIVER0 */
	flush(t, 0);
	assert_int_equal(bank(t, 0)->kept, 0x7);	/* nothing changed: all kept */
	assert_int_equal(bank(t, 0)->lr[lr4], sgi4);

	sync_(t, 0);
	wr(t, GICR_SGI(0) + 0x0280, 4, 1u << 4);			/* ICPENDR0 */
	assert_int_equal(rd(t, GICR_SGI(0) + GICR_ISPENDR0, 4), 1u << 3);
	flush(t, 0);
	assert_int_equal(lr_find(t, 0, 4), -1);
	assert_int_equal(bank(t, 0)->lr[lr_find(t, 0, 3)], sgi3);
	assert_int_equal(lr_valid(t, 0), 2);
	tvm_free(t);
}

/* Targets named with affinity fields we do not have get nothing. */
static void test_sgi_affinity(void **state)
{
	struct tvm *t = tvm_new(2, 64, 4);

	vgic_send_sgi(&t->d, tvcpu(t, 0), sgir(1, 0x3) | 1ULL << 16, true);	/* Aff1 */
	vgic_send_sgi(&t->d, tvcpu(t, 0), sgir(1, 0x3) | 1ULL << 32, true);	/* Aff2 */
	vgic_send_sgi(&t->d, tvcpu(t, 0), sgir(1, 0x3) | 1ULL << 48, true);	/* Aff3 */
	vgic_send_sgi(&t->d, tvcpu(t, 0), sgir(1, 0x3) | 1ULL << 44, true);	/* RS 1 */
	vgic_send_sgi(&t->d, tvcpu(t, 0), sgir(1, 0xfffc), true);
	assert_int_equal(sgi_pending(t, 0), 0);
	assert_int_equal(sgi_pending(t, 1), 0);
	vgic_send_sgi(&t->d, tvcpu(t, 0), sgir(15, 0xffff), true);
	assert_int_equal(sgi_pending(t, 0), 1u << 15);
	assert_int_equal(sgi_pending(t, 1), 1u << 15);
	tvm_free(t);
}

/* An SGI0R write generates only Group 0 SGIs; SGI1R generates Group 1. */
static void test_sgi_group(void **state)
{
	struct tvm *t = tvm_new(2, 64, 4);
	u64 lr;

	enable_dist(t);
	wr(t, GICR_SGI(1) + GICR_IGROUPR0, 4, ~(1u << 6));	/* SGI 6: Group 0 */
	enable_irq(t, 1, 6);
	enable_irq(t, 1, 7);
	vgic_send_sgi(&t->d, tvcpu(t, 0), sgir(7, 0x2), false);
	assert_int_equal(sgi_pending(t, 1), 0);
	vgic_send_sgi(&t->d, tvcpu(t, 0), sgir(6, 0x2), false);
	assert_int_equal(sgi_pending(t, 1), 1u << 6);
	vgic_send_sgi(&t->d, tvcpu(t, 0), sgir(7, 0x2), true);
	assert_int_equal(sgi_pending(t, 1), 1u << 6 | 1u << 7);
	flush(t, 1);
	lr = bank(t, 1)->lr[lr_find(t, 1, 6)];
	assert_false(lr & VGIC_LR_GROUP1);
	lr = bank(t, 1)->lr[lr_find(t, 1, 7)];
	assert_true(lr & VGIC_LR_GROUP1);
	tvm_free(t);
}

static void set_vpmr(struct tvm *t, unsigned int n, u32 pmr)
{
	bank(t, n)->vmcr = pmr << VGIC_VMCR_VPMR_SHIFT;
}

static bool has_pending(struct tvm *t, unsigned int n)
{
	return vgic_vcpu_has_pending(&t->d, tvcpu(t, n));
}

/* WFI wake-up: pending, enabled, group on, not active, priority < VPMR. */
static void test_has_pending(void **state)
{
	struct tvm *t = tvm_new(1, 64, 4);

	spi_setup(t, 40, 0x80, true);
	edge(t, 40);
	set_vpmr(t, 0, 0xff);
	assert_false(has_pending(t, 0));	/* groups off */
	wr(t, GICD, 4, 1);
	assert_false(has_pending(t, 0));	/* only Group 0 on */
	enable_dist(t);
	assert_true(has_pending(t, 0));
	set_vpmr(t, 0, 0x80);			/* equal priority is masked */
	assert_false(has_pending(t, 0));
	set_vpmr(t, 0, 0x88);
	assert_true(has_pending(t, 0));
	set_vpmr(t, 0, 0);
	assert_false(has_pending(t, 0));
	set_vpmr(t, 0, 0xff);
	wr(t, GICD + 0x180 + 4, 4, 1u << 8);	/* ICENABLER1: 40 */
	assert_false(has_pending(t, 0));
	enable_irq(t, 0, 40);
	flush(t, 0);
	guest_ack(t, 0, 40);
	sync_(t, 0);
	assert_false(has_pending(t, 0));	/* active */
	edge(t, 40);
	assert_false(has_pending(t, 0));	/* active and pending */
	flush(t, 0);
	guest_eoi(t, 0, 40);
	sync_(t, 0);
	assert_true(has_pending(t, 0));
	tvm_free(t);
}

/*
 * Teardown gate: once closed, an SPI raised from outside (passthrough,
 * console input) is still recorded but kicks no vCPU, since the vCPUs may
 * be stopped and freed; every kick that ran was counted in flight and
 * signalled its end; reopened, kicks resume.
 */
static void test_close_gate(void **state)
{
	struct tvm *t = tvm_new(2, 32, 4);
	unsigned int batches = vgic_kick_batches;

	enable_dist(t);
	enable_irq(t, 0, 40);
	assert_int_equal(vgic_set_level(&t->d, NULL, 40, true), 0);
	assert_int_equal(t->vm.kicks[0], 1);
	assert_int_equal(t->vm.kicks_counted, 1);
	assert_int_equal(vgic_kick_batches, batches + 1);
	assert_false(vgic_kicks_in_flight(&t->d));
	assert_int_equal(vgic_set_level(&t->d, NULL, 40, false), 0);

	vgic_close(&t->d);
	assert_int_equal(vgic_set_level(&t->d, NULL, 40, true), 0);
	enable_irq(t, 0, 41);
	assert_int_equal(vgic_set_level(&t->d, NULL, 41, true), 0);
	assert_int_equal(t->vm.kicks[0], 1);
	assert_int_equal(vgic_kick_batches, batches + 1);
	assert_int_equal(rd(t, GICD + 0x200 + 4, 4), 3u << 8);	/* ISPENDR1: recorded */
	vgic_reset(&t->d);	/* a restart resets it while closed */
	assert_int_equal(t->vm.kicks[0], 1);

	vgic_open(&t->d);
	enable_dist(t);
	enable_irq(t, 0, 40);
	assert_int_equal(vgic_set_level(&t->d, NULL, 40, true), 0);
	assert_int_equal(t->vm.kicks[0], 2);
	assert_false(vgic_kicks_in_flight(&t->d));
	tvm_free(t);
}

/* SPIs follow IROUTER; an active one stays where it was acknowledged. */
static void test_spi_routing(void **state)
{
	struct tvm *t = tvm_new(3, 64, 4);
	u32 got[VGIC_MAX_LR];

	enable_dist(t);
	spi_setup(t, 45, 0x80, true);
	wr(t, GICD + GICD_IROUTER + 45 * 8, 8, 2);
	edge(t, 45);
	assert_int_equal(t->vm.kicks[2], 1);
	assert_int_equal(t->vm.kicks[0] + t->vm.kicks[1], 0);
	wr(t, GICD + GICD_IROUTER + 45 * 8, 8, 1);	/* moves while pending */
	assert_int_equal(t->vm.kicks[1], 1);
	assert_int_equal(guest_take_all(t, 2, got, VGIC_MAX_LR), 0);
	flush(t, 1);
	guest_ack(t, 1, 45);
	sync_(t, 1);
	wr(t, GICD + GICD_IROUTER + 45 * 8, 8, 0);
	edge(t, 45);
	flush(t, 0);
	assert_int_equal(lr_find(t, 0, 45), -1);
	sync_(t, 0);
	flush(t, 1);
	assert_int_equal(lr_state(t, 1, 45), VGIC_LR_STATE);
	guest_eoi(t, 1, 45);
	sync_(t, 1);
	assert_int_equal(guest_take_all(t, 1, got, VGIC_MAX_LR), 0);
	assert_int_equal(guest_take_all(t, 0, got, VGIC_MAX_LR), 1);
	assert_int_equal(got[0], 45);
	tvm_free(t);
}

/* Reset clears registers, pending/active state and the LR banks, keeps
 * the hardware links. */
static void test_reset(void **state)
{
	struct tvm *t = tvm_new(2, 64, 4);
	struct vcpu *v = tvcpu(t, 1);

	enable_dist(t);
	assert_int_equal(vgic_map_hw(&t->d, v, VGIC_PPI_VTIMER, VGIC_PPI_VTIMER), 0);
	spi_setup(t, 40, 0x80, true);
	edge(t, 40);
	edge(t, 41);
	flush(t, 0);
	guest_ack(t, 0, 40);
	set_vpmr(t, 0, 0xf0);
	bank(t, 0)->ap1r[0] = 1;
	vgic_reset(&t->d);
	assert_int_equal(rd(t, GICD, 4), 0x50);
	assert_int_equal(rd(t, GICD + 0x100 + 4, 4), 0);
	assert_int_equal(rd(t, GICD + GICD_ISPENDR + 4, 4), 0);
	assert_int_equal(rd(t, GICD + 0x300 + 4, 4), 0);
	assert_int_equal(rd(t, GICD + 0x400 + 40, 1), 0);
	assert_int_equal(rd(t, GICD + GICD_ICFGR + 8, 4), 0);
	for (unsigned int i = 0; i < VGIC_MAX_LR; i++)
		assert_int_equal(bank(t, 0)->lr[i], 0);
	assert_int_equal(bank(t, 0)->vmcr | bank(t, 0)->ap1r[0] | bank(t, 0)->hcr, 0);
	assert_int_equal(bank(t, 0)->nr_lr, 4);
	assert_false(vgic_irq_is_active(&t->d, NULL, 40));
	flush(t, 0);
	assert_int_equal(lr_valid(t, 0), 0);
	sync_(t, 0);
	enable_dist(t);
	enable_irq(t, 1, VGIC_PPI_VTIMER);
	assert_int_equal(vgic_set_level(&t->d, v, VGIC_PPI_VTIMER, true), 0);
	flush(t, 1);
	assert_true(bank(t, 1)->lr[lr_find(t, 1, VGIC_PPI_VTIMER)] & VGIC_LR_HW);
	tvm_free(t);
}

static void test_invalid_intids(void **state)
{
	struct tvm *t = tvm_new(2, 64, 4);
	struct vcpu *v = tvcpu(t, 0);

	assert_int_equal(vgic_set_level(&t->d, NULL, 96, true), -EINVAL);
	assert_int_equal(vgic_inject_edge(&t->d, NULL, 1020), -EINVAL);
	assert_int_equal(vgic_inject_edge(&t->d, NULL, 0xffffffff), -EINVAL);
	assert_int_equal(vgic_set_level(&t->d, NULL, 27, true), -EINVAL);	/* PPI, no vCPU */
	assert_int_equal(vgic_inject_edge(&t->d, NULL, 3), -EINVAL);
	assert_int_equal(vgic_set_level(&t->d, v, 95, true), 0);	/* v ignored for SPIs */
	assert_int_equal(vgic_inject_edge(&t->d, v, 20), 0);
	assert_false(vgic_irq_is_active(&t->d, NULL, 96));
	assert_null(vgic_lr_bank(&t->d, NULL));
	tvm_free(t);
}

static void test_init_invalid(void **state)
{
	struct tvm *t = tvm_new(2, 64, 4);
	struct vgic_dist d;
	struct vgic_config ok = { 64, 4, t->cpus, t->spis }, cfg;

	cfg = ok, cfg.nr_lr = 1;
	assert_int_equal(vgic_init(&d, &t->vm, &cfg), -EINVAL);
	cfg = ok, cfg.nr_lr = VGIC_MAX_LR + 1;
	assert_int_equal(vgic_init(&d, &t->vm, &cfg), -EINVAL);
	cfg = ok, cfg.nr_spis = VGIC_MAX_SPIS + 1;
	assert_int_equal(vgic_init(&d, &t->vm, &cfg), -EINVAL);
	cfg = ok, cfg.spis = NULL;
	assert_int_equal(vgic_init(&d, &t->vm, &cfg), -EINVAL);
	cfg = ok, cfg.cpus = NULL;
	assert_int_equal(vgic_init(&d, &t->vm, &cfg), -EINVAL);
	t->vm.nr_vcpus = 0;
	assert_int_equal(vgic_init(&d, &t->vm, &ok), -EINVAL);
	t->vm.nr_vcpus = VGIC_MAX_VCPUS + 1;
	assert_int_equal(vgic_init(&d, &t->vm, &ok), -EINVAL);
	t->vm.nr_vcpus = VGIC_MAX_VCPUS;
	assert_int_equal(vgic_init(&d, &t->vm, &ok), 0);
	tvm_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flush_order),
		cmocka_unit_test(test_flush_skips_undeliverable),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_active_first),
		cmocka_unit_test(test_double_flush),
		cmocka_unit_test(test_prio_change_while_live),
		cmocka_unit_test(test_edge),
		cmocka_unit_test(test_level),
		cmocka_unit_test(test_level_latch_while_live),
		cmocka_unit_test(test_hw_linked),
		cmocka_unit_test(test_fast_inject),
		cmocka_unit_test(test_fast_inject_refused),
		cmocka_unit_test(test_fast_inject_race),
		cmocka_unit_test(test_fast_idle_follows_ctlr),
		cmocka_unit_test(test_fast_inject_flush_without_sync),
		cmocka_unit_test(test_fast_inject_pended_after),
		cmocka_unit_test(test_hw_linked_spi),
		cmocka_unit_test(test_map_hw_invalid),
		cmocka_unit_test(test_sgi_targets),
		cmocka_unit_test(test_sgi_affinity),
		cmocka_unit_test(test_sgi_target_mask),
		cmocka_unit_test(test_sgi_live),
		cmocka_unit_test(test_lr_delta),
		cmocka_unit_test(test_sgi_self_lane),
		cmocka_unit_test(test_sgi_again_lane),
		cmocka_unit_test(test_sgi_direct),
		cmocka_unit_test(test_sgi_direct_after_fast),
		cmocka_unit_test(test_sgi_group),
		cmocka_unit_test(test_has_pending),
		cmocka_unit_test(test_spi_routing),
		cmocka_unit_test(test_close_gate),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_invalid_intids),
		cmocka_unit_test(test_init_invalid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
