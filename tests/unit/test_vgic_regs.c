/*
 * vGIC registers as a guest sees them through the MMIO bus: the
 * Distributor frame and the Redistributor RD_base / SGI_base frames
 * (IHI 0069, GICD_* / GICR_* register descriptions), width and alignment
 * checks, RAZ/WI for reserved space and INTIDs the VM lacks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vgic_test.h"

/* Register offsets (IHI 0069, GICD_* / GICR_* register maps). */
#define CTLR 0x0000
#define TYPER 0x0004
#define IIDR 0x0008
#define IGROUPR 0x0080
#define ISENABLER 0x0100
#define ICENABLER 0x0180
#define ISPENDR 0x0200
#define ICPENDR 0x0280
#define ISACTIVER 0x0300
#define ICACTIVER 0x0380
#define IPRIORITYR 0x0400
#define ICFGR 0x0c00
#define IROUTER 0x6000
#define PIDR2 0xffe8
#define GICR_IIDR 0x0004
#define GICR_TYPER 0x0008
#define GICR_WAKER 0x0014

#define CTLR_ARE_DS 0x50u	/* ARE [4] and DS [6], RAO/WI */

/* Bit of intid in a 1-bit-per-INTID array, at the Distributor. */
static u32 d_bit(struct tvm *t, u32 base, u32 intid)
{
	return (u32)rd(t, GICD + base + intid / 32 * 4, 4) >> (intid % 32) & 1;
}

static void d_set(struct tvm *t, u32 base, u32 intid)
{
	wr(t, GICD + base + intid / 32 * 4, 4, 1u << (intid % 32));
}

/* Write val, read back expect. */
static void wr_rd(struct tvm *t, paddr_t addr, unsigned int size, u64 val, u64 expect)
{
	wr(t, addr, size, val);
	assert_int_equal(rd(t, addr, size), expect);
}

static void test_gicd_ctlr(void **state)
{
	struct tvm *t = tvm_new(2, 64, 4);

	/* ARE_NS is RAO/WI (affinity routing only), DS RAO/WI (one security
	 * state); EnableGrp0 [0] and EnableGrp1 [1] are the only writable bits. */
	assert_int_equal(rd(t, GICD + CTLR, 4), CTLR_ARE_DS);
	wr_rd(t, GICD + CTLR, 4, 0xffffffff, CTLR_ARE_DS | 3);
	wr_rd(t, GICD + CTLR, 4, 0, CTLR_ARE_DS);
	wr_rd(t, GICD + CTLR, 4, 2, CTLR_ARE_DS | 2);
	tvm_free(t);
}

/* Enabling a group makes its pending interrupts deliverable: the target
 * vCPU is kicked then, not before, and only for its own group. */
static void test_gicd_ctlr_enable_kicks(void **state)
{
	struct tvm *t = tvm_new(2, 64, 4);

	wr(t, GICD + IROUTER + 40 * 8, 8, 1);
	enable_irq(t, 0, 40);
	assert_int_equal(vgic_inject_edge(&t->d, NULL, 40), 0);
	assert_int_equal(t->vm.kicks[1], 0);
	wr(t, GICD + CTLR, 4, 1);	/* Group 0 only: SPI 40 is Group 1 */
	assert_int_equal(t->vm.kicks[1], 0);
	assert_false(vgic_vcpu_has_pending(&t->d, tvcpu(t, 1)));
	wr(t, GICD + CTLR, 4, 3);
	assert_int_equal(t->vm.kicks[1], 1);
	bank(t, 1)->vmcr = 0xffu << VGIC_VMCR_VPMR_SHIFT;
	assert_true(vgic_vcpu_has_pending(&t->d, tvcpu(t, 1)));
	tvm_free(t);
}

/* Entries all vCPUs' sorted inserts have passed so far. */
static unsigned long ap_steps(struct tvm *t)
{
	unsigned long n = 0;

	for (unsigned int i = 0; i < t->vm.nr_vcpus; i++)
		n += t->cpus[i].ap_steps;
	return n;
}

/*
 * A guest that makes every interrupt active, then toggles GICD_CTLR: each
 * write must cost at most a pass over the vCPUs, not a re-file of every
 * interrupt (that cost ~500k list steps per write here, all under the VM
 * lock with IRQs masked). The kicks stay exact: a pending interrupt held
 * back by its group still gets its vCPU kicked when the group comes on.
 */
static void test_gicd_ctlr_toggle_bounded(void **state)
{
	struct tvm *t = tvm_new(VGIC_MAX_VCPUS, VGIC_MAX_SPIS, 4);
	unsigned long before;

	for (u32 intid = 32; intid < 32 + VGIC_MAX_SPIS; intid += 32)
		wr(t, GICD + ISACTIVER + intid / 8, 4, 0xffffffff);
	for (unsigned int n = 0; n < VGIC_MAX_VCPUS; n++)
		wr(t, GICR_SGI(n) + ISACTIVER, 4, 0xffffffff);
	wr(t, GICD + IROUTER + 1000 * 8, 8, 5);
	enable_irq(t, 0, 1000);
	before = ap_steps(t);
	for (unsigned int i = 0; i < 1000; i++) {
		wr(t, GICD + CTLR, 4, 0);
		wr(t, GICD + CTLR, 4, 3);
	}
	assert_int_equal(ap_steps(t) - before, 0);

	wr(t, GICD + CTLR, 4, 1);
	assert_int_equal(vgic_inject_edge(&t->d, NULL, 1000), 0);	/* Group 1: held back */
	t->vm.kicks[5] = 0;
	wr(t, GICD + CTLR, 4, 3);
	assert_int_equal(t->vm.kicks[5], 1);
	tvm_free(t);
}

static void check_typer(unsigned int nr_spis, u32 itlines)
{
	struct tvm *t = tvm_new(3, nr_spis, 4);
	u32 typer = (u32)rd(t, GICD + TYPER, 4);

	assert_int_equal(typer & 0x1f, itlines);	/* max INTID 32(N+1) - 1 */
	assert_int_equal(typer >> 19 & 0x1f, 9);	/* IDbits: 10 INTID bits */
	/* CPUNumber [7:5] counts PEs usable with ARE = 0, which we do not
	 * support, so it is 0 whatever the vCPU count. */
	assert_int_equal(typer >> 5 & 7, 0);
	assert_int_equal(typer & (1u << 17), 0);	/* LPIS */
	tvm_free(t);
}

static void test_gicd_typer(void **state)
{
	check_typer(0, 0);
	check_typer(32, 1);
	check_typer(40, 2);
	check_typer(VGIC_DEFAULT_NR_SPIS, 2);
	check_typer(VGIC_MAX_SPIS, 31);
}

static void test_id_registers(void **state)
{
	struct tvm *t = tvm_new(2, 64, 4);
	u32 iidr = (u32)rd(t, GICD + IIDR, 4);

	assert_int_equal(iidr & 0xfff, 0x43b);		/* Implementer: Arm */
	assert_int_equal(rd(t, GICR(1) + GICR_IIDR, 4), iidr);
	/* PIDR2.ArchRev [7:4] = 3: GICv3, in both frames Linux probes. */
	assert_int_equal(rd(t, GICD + PIDR2, 4) >> 4 & 0xf, 3);
	assert_int_equal(rd(t, GICR(0) + PIDR2, 4) >> 4 & 0xf, 3);
	assert_int_equal(rd(t, GICR(1) + PIDR2, 4) >> 4 & 0xf, 3);
	assert_int_equal(rd(t, GICD + 0xfff0, 4), 0x0d);	/* CIDR0 */
	wr(t, GICD + PIDR2, 4, 0);				/* read-only */
	assert_int_equal(rd(t, GICD + PIDR2, 4) >> 4 & 0xf, 3);
	wr_rd(t, GICD + IIDR, 4, 0, iidr);
	tvm_free(t);
}

static void test_igroupr(void **state)
{
	struct tvm *t = tvm_new(2, 64, 4);

	/* Reset: every implemented INTID in Group 1, as KVM boots guests. */
	assert_int_equal(rd(t, GICD + IGROUPR + 4, 4), 0xffffffff);
	assert_int_equal(rd(t, GICR_SGI(1) + IGROUPR, 4), 0xffffffff);
	/* GICD_IGROUPR0 covers private INTIDs: RAZ/WI with ARE = 1. */
	assert_int_equal(rd(t, GICD + IGROUPR, 4), 0);
	wr_rd(t, GICD + IGROUPR + 4, 4, 0x0000ffff, 0x0000ffff);
	wr_rd(t, GICR_SGI(1) + IGROUPR, 4, 0x1, 0x1);
	assert_int_equal(rd(t, GICR_SGI(0) + IGROUPR, 4), 0xffffffff);
	/* INTIDs 96.. do not exist with 64 SPIs. */
	wr_rd(t, GICD + IGROUPR + 12, 4, 0, 0);
	tvm_free(t);
}

/* A set/clear register pair: writing 1 to set (clear) sets (clears) that
 * INTID, writing 0 has no effect, both read the current state. */
static void check_set_clear(struct tvm *t, paddr_t set, paddr_t clear)
{
	assert_int_equal(rd(t, set, 4), 0);
	wr(t, set, 4, 0x00000011);
	wr_rd(t, set, 4, 0x00000100, 0x111);
	assert_int_equal(rd(t, clear, 4), 0x111);
	wr(t, clear, 4, 0x00000001);
	assert_int_equal(rd(t, set, 4), 0x110);
	wr(t, set, 4, 0);
	wr_rd(t, clear, 4, 0, 0x110);
	wr(t, clear, 4, 0xffffffff);
	assert_int_equal(rd(t, set, 4), 0);
}

static void test_set_clear_pairs(void **state)
{
	static const u32 pairs[][2] = {
		{ ISENABLER, ICENABLER }, { ISPENDR, ICPENDR }, { ISACTIVER, ICACTIVER },
	};
	struct tvm *t = tvm_new(2, 64, 4);

	for (size_t i = 0; i < ARRAY_SIZE(pairs); i++) {
		check_set_clear(t, GICD + pairs[i][0] + 4, GICD + pairs[i][1] + 4);
		check_set_clear(t, GICD + pairs[i][0] + 8, GICD + pairs[i][1] + 8);
		check_set_clear(t, GICR_SGI(1) + pairs[i][0], GICR_SGI(1) + pairs[i][1]);
		check_set_clear(t, GICR_SGI(0) + pairs[i][0], GICR_SGI(0) + pairs[i][1]);
	}
	tvm_free(t);
}

/* Each Redistributor's SGI_base frame is its own vCPU's, whoever accesses it. */
static void test_sgi_frame_per_vcpu(void **state)
{
	struct tvm *t = tvm_new(3, 64, 4);

	wr_rd(t, GICR_SGI(2) + ISENABLER, 4, 1u << 27, 1u << 27);
	assert_int_equal(rd(t, GICR_SGI(0) + ISENABLER, 4), 0);
	assert_int_equal(rd(t, GICR_SGI(1) + ISENABLER, 4), 0);
	wr_rd(t, GICR_SGI(1) + ISPENDR, 4, 1u << 3, 1u << 3);
	assert_int_equal(rd(t, GICR_SGI(2) + ISPENDR, 4), 0);
	/* The Distributor's view of private INTIDs is RAZ/WI (ARE = 1). */
	assert_int_equal(rd(t, GICD + ISENABLER, 4), 0);
	wr(t, GICD + ISENABLER, 4, 0xffffffff);
	assert_int_equal(rd(t, GICR_SGI(0) + ISENABLER, 4), 0);
	tvm_free(t);
}

/* ICPENDR clears the latch, not the line: a level interrupt whose line is
 * still high stays pending (IHI 0069, GICD_ICPENDR<n>). */
static void test_icpendr_level(void **state)
{
	struct tvm *t = tvm_new(1, 64, 4);

	assert_int_equal(vgic_set_level(&t->d, NULL, 50, true), 0);
	assert_int_equal(d_bit(t, ISPENDR, 50), 1);
	d_set(t, ICPENDR, 50);
	assert_int_equal(d_bit(t, ISPENDR, 50), 1);
	assert_int_equal(vgic_set_level(&t->d, NULL, 50, false), 0);
	assert_int_equal(d_bit(t, ISPENDR, 50), 0);
	/* The ISPENDR latch keeps a level interrupt pending with the line low. */
	d_set(t, ISPENDR, 50);
	assert_int_equal(d_bit(t, ICPENDR, 50), 1);
	d_set(t, ICPENDR, 50);
	assert_int_equal(d_bit(t, ISPENDR, 50), 0);
	tvm_free(t);
}

static void test_ipriorityr(void **state)
{
	struct tvm *t = tvm_new(2, 64, 4);

	wr(t, GICD + IPRIORITYR + 40, 4, 0x80604020);
	assert_int_equal(rd(t, GICD + IPRIORITYR + 40, 1), 0x20);
	assert_int_equal(rd(t, GICD + IPRIORITYR + 43, 1), 0x80);
	wr(t, GICD + IPRIORITYR + 41, 1, 0xa8);
	assert_int_equal(rd(t, GICD + IPRIORITYR + 40, 4), 0x8060a820);
	/* Five priority bits: the low three are RAZ/WI. */
	wr_rd(t, GICD + IPRIORITYR + 42, 1, 0xff, 0xf8);
	/* SGI_base IPRIORITYR0-7 are vCPU n's SGIs and PPIs. */
	wr(t, GICR_SGI(1) + IPRIORITYR + 27, 1, 0x10);
	assert_int_equal(rd(t, GICR_SGI(1) + IPRIORITYR + 24, 4), 0x10000000);
	assert_int_equal(rd(t, GICR_SGI(0) + IPRIORITYR + 24, 4), 0);
	/* Private bytes at the Distributor, and absent SPIs: RAZ/WI. */
	wr_rd(t, GICD + IPRIORITYR + 4, 4, 0xffffffff, 0);
	assert_int_equal(rd(t, GICR_SGI(0) + IPRIORITYR + 4, 4), 0);
	wr_rd(t, GICD + IPRIORITYR + 96, 1, 0x80, 0);
	tvm_free(t);
}

static void test_icfgr(void **state)
{
	struct tvm *t = tvm_new(1, 64, 4);

	/* SGIs: always edge (0b10 per INTID), writes ignored. */
	assert_int_equal(rd(t, GICR_SGI(0) + ICFGR, 4), 0xaaaaaaaa);
	wr_rd(t, GICR_SGI(0) + ICFGR, 4, 0, 0xaaaaaaaa);
	/* PPIs and SPIs reset level-sensitive and are configurable; bit 0 of
	 * each field is RES0. */
	assert_int_equal(rd(t, GICR_SGI(0) + ICFGR + 4, 4), 0);
	wr_rd(t, GICR_SGI(0) + ICFGR + 4, 4, 0xffffffff, 0xaaaaaaaa);
	assert_int_equal(rd(t, GICD + ICFGR + 8, 4), 0);
	wr(t, GICD + ICFGR + 8, 4, 0x00000008);	/* INTID 33 edge */
	assert_int_equal(rd(t, GICD + ICFGR + 8, 4), 0x00000008);
	/* GICD_ICFGR0/1 are the private INTIDs: RAZ/WI at the Distributor. */
	assert_int_equal(rd(t, GICD + ICFGR, 4), 0);
	wr_rd(t, GICD + ICFGR + 4, 4, 0xffffffff, 0);
	tvm_free(t);
}

/* An edge-configured SPI routed by IROUTER ends up in vCPU n's LRs. */
static void check_routed_to(struct tvm *t, u32 intid, int n)
{
	u32 got[VGIC_MAX_LR];

	enable_dist(t);
	enable_irq(t, 0, intid);
	assert_int_equal(vgic_inject_edge(&t->d, NULL, intid), 0);
	for (unsigned int i = 0; i < t->vm.nr_vcpus; i++) {
		unsigned int k = guest_take_all(t, i, got, VGIC_MAX_LR);

		assert_int_equal(k, (int)i == n);
		if (k)
			assert_int_equal(got[0], intid);
	}
	d_set(t, ICPENDR, intid);	/* an unrouted one stays pending */
}

static void test_irouter(void **state)
{
	struct tvm *t = tvm_new(4, 64, 4);

	assert_int_equal(rd(t, GICD + IROUTER + 40 * 8, 8), 0);
	wr_rd(t, GICD + IROUTER + 40 * 8, 8, 3, 3);
	check_routed_to(t, 40, 3);
	/* 32-bit halves: Aff3 lives in the upper word [39:32]. */
	wr(t, GICD + IROUTER + 40 * 8 + 4, 4, 0x01);
	assert_int_equal(rd(t, GICD + IROUTER + 40 * 8, 8), 0x100000003ULL);
	assert_int_equal(rd(t, GICD + IROUTER + 40 * 8, 4), 3);
	check_routed_to(t, 40, -1);		/* Aff3 = 1: no such vCPU */
	wr(t, GICD + IROUTER + 40 * 8 + 4, 4, 0);
	wr(t, GICD + IROUTER + 40 * 8, 4, 0x80000000 | 2);	/* IRM: any PE */
	assert_int_equal(rd(t, GICD + IROUTER + 40 * 8, 8), 0x80000002);
	check_routed_to(t, 40, 0);
	/* Reserved bits [30:24] and [63:40] are RES0: they read as 0 and do
	 * not change the routing. */
	wr_rd(t, GICD + IROUTER + 40 * 8, 8, 0xff0000007f000001ULL, 1);
	check_routed_to(t, 40, 1);
	/* Private INTIDs and absent SPIs: RAZ/WI. */
	wr_rd(t, GICD + IROUTER + 31 * 8, 8, 1, 0);
	wr_rd(t, GICD + IROUTER + 96 * 8, 8, 1, 0);
	tvm_free(t);
}

/* Reserved space and compatibility registers read 0 and ignore writes. */
static void test_raz_wi(void **state)
{
	static const u32 gicd[] = {
		0x000c, 0x0010, 0x0020, 0x0040, 0x0800, 0x0820, 0x0d04, 0x0e08, 0x0f00,
		0x0f10, 0x0f20, 0x5000, 0x8000, 0xc000, 0xffcc,
	};
	static const u32 gicr_rd[] = { 0x0000, 0x0010, 0x0018, 0x0070, 0x00a0, 0x1000, 0xffcc };
	static const u32 gicr_sgi[] = { 0x0000, 0x0084, 0x0420, 0x0800, 0x0c08, 0x0d00, 0x0e00 };
	struct tvm *t = tvm_new(2, 64, 4);

	for (size_t i = 0; i < ARRAY_SIZE(gicd); i++) {
		wr(t, GICD + gicd[i], 4, 0xffffffff);
		assert_int_equal(rd(t, GICD + gicd[i], 4), 0);
	}
	for (size_t i = 0; i < ARRAY_SIZE(gicr_rd); i++) {
		wr(t, GICR(1) + gicr_rd[i], 4, 0xffffffff);
		assert_int_equal(rd(t, GICR(1) + gicr_rd[i], 4), 0);
	}
	for (size_t i = 0; i < ARRAY_SIZE(gicr_sgi); i++) {
		wr(t, GICR_SGI(1) + gicr_sgi[i], 4, 0xffffffff);
		assert_int_equal(rd(t, GICR_SGI(1) + gicr_sgi[i], 4), 0);
	}
	/* Nothing leaked into real state. */
	assert_int_equal(rd(t, GICD + CTLR, 4), CTLR_ARE_DS);
	assert_int_equal(rd(t, GICR_SGI(1) + ISENABLER, 4), 0);
	tvm_free(t);
}

static void test_gicr_typer(void **state)
{
	const unsigned int n = 4;
	struct tvm *t = tvm_new(n, 64, 4);

	for (unsigned int i = 0; i < n; i++) {
		u64 typer = rd(t, GICR(i) + GICR_TYPER, 8);

		assert_int_equal(typer >> 32, i);		/* Aff3.Aff2.Aff1.Aff0 */
		assert_int_equal(typer >> 8 & 0xffff, i);	/* Processor_Number */
		assert_int_equal(typer >> 4 & 1, i == n - 1);	/* Last */
		assert_int_equal(typer & 1, 0);			/* PLPIS */
		assert_int_equal(rd(t, GICR(i) + GICR_TYPER, 4), (u32)typer);
		assert_int_equal(rd(t, GICR(i) + GICR_TYPER + 4, 4), typer >> 32);
		wr(t, GICR(i) + GICR_TYPER, 8, 0);		/* read-only */
		assert_int_equal(rd(t, GICR(i) + GICR_TYPER, 8), typer);
	}
	tvm_free(t);
	t = tvm_new(1, 64, 4);
	assert_int_equal(rd(t, GICR(0) + GICR_TYPER, 8), 0x10);	/* alone: Last */
	tvm_free(t);
}

static void test_gicr_waker(void **state)
{
	struct tvm *t = tvm_new(2, 64, 4);

	/* Reset: ProcessorSleep [1] = 1, ChildrenAsleep [2] = 1. */
	assert_int_equal(rd(t, GICR(1) + GICR_WAKER, 4), 0x6);
	wr_rd(t, GICR(1) + GICR_WAKER, 4, 0, 0);
	assert_int_equal(rd(t, GICR(0) + GICR_WAKER, 4), 0x6);
	wr_rd(t, GICR(1) + GICR_WAKER, 4, 0x2, 0x6);
	wr(t, GICR(0) + GICR_WAKER, 4, 0x4);	/* ChildrenAsleep is read-only */
	assert_int_equal(rd(t, GICR(0) + GICR_WAKER, 4), 0);
	vgic_reset(&t->d);
	assert_int_equal(rd(t, GICR(0) + GICR_WAKER, 4), 0x6);
	tvm_free(t);
}

static void test_bad_accesses(void **state)
{
	static const struct { paddr_t addr; unsigned int size; } bad[] = {
		{ GICD + CTLR, 1 }, { GICD + CTLR, 2 }, { GICD + CTLR, 8 }, { GICD + 0x2, 4 },
		{ GICD + TYPER, 8 }, { GICD + ISENABLER + 4, 2 }, { GICD + ISENABLER + 5, 1 },
		{ GICD + IPRIORITYR + 40, 2 }, { GICD + IPRIORITYR + 40, 8 },
		{ GICD + IPRIORITYR + 41, 4 }, { GICD + ICFGR + 8, 1 },
		{ GICD + IROUTER + 40 * 8 + 4, 8 }, { GICD + IROUTER + 40 * 8, 2 },
		{ GICD + 0x8000, 1 }, { GICD + 0x8001, 4 }, { GICD + 0xfffc, 8 },
		{ GICR(0) + GICR_TYPER + 4, 8 }, { GICR(0) + GICR_WAKER, 8 },
		{ GICR(1) + GICR_WAKER, 1 }, { GICR(1) + GICR_TYPER, 2 },
		{ GICR_SGI(0) + ISENABLER, 8 }, { GICR_SGI(1) + IPRIORITYR + 1, 2 },
		{ GICR_SGI(1) + 0x3, 4 }, { GICD, 16 },
	};
	struct tvm *t = tvm_new(2, 64, 4);

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(access_status(t, bad[i].addr, bad[i].size, false),
				 MMIO_BAD_ACCESS);
		assert_int_equal(access_status(t, bad[i].addr, bad[i].size, true),
				 MMIO_BAD_ACCESS);
	}
	/* A refused write changes nothing. */
	assert_int_equal(rd(t, GICD + CTLR, 4), CTLR_ARE_DS);
	assert_int_equal(rd(t, GICD + IPRIORITYR + 40, 4), 0);
	tvm_free(t);
}

/* Outside the frames: between them, past the last Redistributor, and
 * straddling the end of one. */
static void test_outside_frames(void **state)
{
	struct tvm *t = tvm_new(2, 64, 4);

	assert_int_equal(access_status(t, GICD - 4, 4, false), MMIO_NO_DEVICE);
	assert_int_equal(access_status(t, GICD + VGIC_DIST_SIZE, 4, false), MMIO_NO_DEVICE);
	assert_int_equal(access_status(t, GICR(0) - 4, 4, true), MMIO_NO_DEVICE);
	assert_int_equal(access_status(t, GICR(2), 4, false), MMIO_NO_DEVICE);
	assert_int_equal(access_status(t, GICR(2) + GICR_TYPER, 8, false), MMIO_NO_DEVICE);
	assert_int_equal(access_status(t, GICR(2) - 4, 8, false), MMIO_BAD_ACCESS);
	assert_int_equal(access_status(t, GICR(2) - 4, 4, false), MMIO_OK);
	tvm_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gicd_ctlr),
		cmocka_unit_test(test_gicd_ctlr_enable_kicks),
		cmocka_unit_test(test_gicd_ctlr_toggle_bounded),
		cmocka_unit_test(test_gicd_typer),
		cmocka_unit_test(test_id_registers),
		cmocka_unit_test(test_igroupr),
		cmocka_unit_test(test_set_clear_pairs),
		cmocka_unit_test(test_sgi_frame_per_vcpu),
		cmocka_unit_test(test_icpendr_level),
		cmocka_unit_test(test_ipriorityr),
		cmocka_unit_test(test_icfgr),
		cmocka_unit_test(test_irouter),
		cmocka_unit_test(test_raz_wi),
		cmocka_unit_test(test_gicr_typer),
		cmocka_unit_test(test_gicr_waker),
		cmocka_unit_test(test_bad_accesses),
		cmocka_unit_test(test_outside_frames),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
