/* Unit tests of the virtualization core's pure parts: the VM state
 * machine, vPSCI CPU_ON validation, data-abort and sysreg syndrome
 * decoding, MMIO load extension, the register-table dispatcher, the
 * MMIO bus and the timer delivery statistics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <arch/esr.h>
#include <arch/guest_ctx.h>
#include <arch/psci.h>
#include <virt/exits.h>
#include <virt/mmio.h>
#include <virt/vm_state.h>
#include <virt/vpsci.h>
#include <virt/vtimer_lat.h>

static void test_vm_transitions(void **state)
{
	static const struct { enum vm_state from, to; bool ok; } cases[] = {
		{ VM_CREATED, VM_RUNNING, true }, { VM_CREATED, VM_PAUSED, false },
		{ VM_CREATED, VM_DELETED, true }, { VM_RUNNING, VM_PAUSED, true },
		{ VM_PAUSED, VM_RUNNING, true }, { VM_RUNNING, VM_HALTED, true },
		{ VM_RUNNING, VM_CRASHED, true }, { VM_HALTED, VM_RUNNING, true },
		{ VM_CRASHED, VM_RUNNING, true }, { VM_HALTED, VM_PAUSED, false },
		{ VM_CRASHED, VM_PAUSED, false }, { VM_HALTED, VM_DELETED, true },
		{ VM_DELETED, VM_RUNNING, false }, { VM_DELETED, VM_DELETED, false },
		{ VM_RUNNING, VM_RUNNING, false }, { VM_PAUSED, VM_PAUSED, false },
		{ VM_RUNNING, VM_CREATED, false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(vm_transition_ok(cases[i].from, cases[i].to), cases[i].ok);
	assert_false(vm_transition_ok((enum vm_state)99, VM_DELETED));
	assert_string_equal(vm_state_name(VM_CRASHED), "crashed");
	assert_string_equal(vm_state_name((enum vm_state)42), "?");
}

static void test_psci_cpu_on_validation(void **state)
{
	unsigned int id = 99;
	const u64 base = 0x40000000, size = 64 << 20;

	assert_int_equal(vpsci_check_cpu_on(4, 2, base + 0x1000, base, size, &id), PSCI_SUCCESS);
	assert_int_equal(id, 2);
	assert_int_equal(vpsci_check_cpu_on(4, 4, base, base, size, &id), PSCI_INVALID_PARAMS);
	assert_int_equal(vpsci_check_cpu_on(4, 0x100, base, base, size, &id),
			 PSCI_INVALID_PARAMS);	/* Aff1 != 0 */
	assert_int_equal(vpsci_check_cpu_on(4, 1ULL << 63, base, base, size, &id),
			 PSCI_INVALID_PARAMS);	/* bits outside affinity */
	assert_int_equal(vpsci_check_cpu_on(4, 1, base - 4, base, size, &id),
			 PSCI_INVALID_ADDRESS);
	assert_int_equal(vpsci_check_cpu_on(4, 1, base + size, base, size, &id),
			 PSCI_INVALID_ADDRESS);
	assert_int_equal(vpsci_check_cpu_on(4, 1, base + 2, base, size, &id),
			 PSCI_INVALID_ADDRESS);	/* misaligned entry */
}

static void test_dabt_decode(void **state)
{
	struct esr_dabt d;
	/* LDRSH w3, [x]: ISV, SAS=1 (half), SSE, SRT=3, SF=0, WnR=0, DFSC=translation L3. */
	u64 esr = (0x24ULL << 26) | ESR_IL | (1u << 24) | (1u << 22) | (1u << 21) | (3u << 16) | 7;

	esr_decode_dabt(esr, &d);
	assert_true(d.isv);
	assert_int_equal(d.size, 2);
	assert_true(d.sign_extend);
	assert_int_equal(d.reg, 3);
	assert_false(d.sixty_four);
	assert_false(d.write);
	assert_int_equal(d.fsc, 7);
	/* STR x30 (64-bit write) */
	esr = (0x24ULL << 26) | (1u << 24) | (3u << 22) | (30u << 16) | (1u << 15) | (1u << 6);
	esr_decode_dabt(esr, &d);
	assert_int_equal(d.size, 8);
	assert_int_equal(d.reg, 30);
	assert_true(d.sixty_four && d.write && !d.sign_extend);
	assert_string_equal(esr_class_name(0x24), "Data abort (lower EL)");
	assert_string_equal(esr_class_name(0x3f), "Reserved");
}

static void test_load_extension(void **state)
{
	assert_int_equal(mmio_load_extend(0xb1, 1, true, true), 0xffffffffffffffb1ULL);
	assert_int_equal(mmio_load_extend(0xb1, 1, true, false), 0xffffffb1ULL);
	assert_int_equal(mmio_load_extend(0xb1, 1, false, true), 0xb1);
	assert_int_equal(mmio_load_extend(0x7fff, 2, true, true), 0x7fff);
	assert_int_equal(mmio_load_extend(0x8000, 2, true, true), 0xffffffffffff8000ULL);
	assert_int_equal(mmio_load_extend(0x80000000, 4, true, true), 0xffffffff80000000ULL);
	assert_int_equal(mmio_load_extend(0x8000000000000000ULL, 8, true, true),
			 0x8000000000000000ULL);
}

static void test_sysreg_decode(void **state)
{
	struct sysreg_access a;
	/* MSR ICC_SGI1R_EL1, x5: op0=3 op1=0 CRn=12 CRm=11 op2=5, write. */
	u64 esr = (0x18ULL << 26) | (3u << 20) | (5u << 17) | (0u << 14) | (12u << 10) |
		  (5u << 5) | (11u << 1) | 0;

	sysreg_decode(esr, &a);
	assert_int_equal(a.op0, 3);
	assert_int_equal(a.op1, 0);
	assert_int_equal(a.crn, 12);
	assert_int_equal(a.crm, 11);
	assert_int_equal(a.op2, 5);
	assert_int_equal(a.rt, 5);
	assert_false(a.read);
	sysreg_decode(esr | 1, &a);
	assert_true(a.read);
}

/* A toy device for the dispatcher: one 32-bit register, a byte array. */
struct toy {
	u32 reg;
	u8 bytes[8];
	int writes;
};

static u64 toy_rd(void *dev, struct vcpu *v, u32 off, unsigned int size)
{
	return ((struct toy *)dev)->reg;
}

static void toy_wr(void *dev, struct vcpu *v, u32 off, unsigned int size, u64 val)
{
	struct toy *t = dev;

	t->reg = (u32)val;
	t->writes++;
}

static u64 bytes_rd(void *dev, struct vcpu *v, u32 off, unsigned int size)
{
	struct toy *t = dev;
	u64 val = 0;

	for (unsigned int i = 0; i < size; i++)
		val |= (u64)t->bytes[off + i] << (8 * i);
	return val;
}

static const struct vreg toy_regs[] = {
	{ 0x00, 0, VREG_W32, toy_rd, toy_wr },
	{ 0x10, 8, VREG_W8 | VREG_W32, bytes_rd, vreg_wi },
	{ 0x20, 4, VREG_W32, vreg_raz, NULL },
};

static void test_vreg_dispatch(void **state)
{
	struct toy t = { .bytes = { 1, 2, 3, 4, 5, 6, 7, 8 } };
	u64 v = 0xdeadbeefcafeULL;

	assert_int_equal(vreg_dispatch(toy_regs, 3, &t, NULL, 0, 4, true, &v), MMIO_OK);
	assert_int_equal(t.reg, 0xbeefcafe);	/* truncated to the access size */
	assert_int_equal(vreg_dispatch(toy_regs, 3, &t, NULL, 0, 4, false, &v), MMIO_OK);
	assert_int_equal(v, 0xbeefcafe);
	/* Wrong width, misaligned, unmapped offsets: refused, nothing changes. */
	assert_int_equal(vreg_dispatch(toy_regs, 3, &t, NULL, 0, 2, true, &v), MMIO_BAD_ACCESS);
	assert_int_equal(vreg_dispatch(toy_regs, 3, &t, NULL, 0, 8, false, &v), MMIO_BAD_ACCESS);
	assert_int_equal(vreg_dispatch(toy_regs, 3, &t, NULL, 0x12, 4, false, &v),
			 MMIO_BAD_ACCESS);
	assert_int_equal(vreg_dispatch(toy_regs, 3, &t, NULL, 0x08, 4, false, &v),
			 MMIO_BAD_ACCESS);
	assert_int_equal(t.writes, 1);
	/* Byte and word access to the array. */
	assert_int_equal(vreg_dispatch(toy_regs, 3, &t, NULL, 0x13, 1, false, &v), MMIO_OK);
	assert_int_equal(v, 4);
	assert_int_equal(vreg_dispatch(toy_regs, 3, &t, NULL, 0x14, 4, false, &v), MMIO_OK);
	assert_int_equal(v, 0x08070605);
	/* RAZ with no write handler: writes are accepted and ignored. */
	assert_int_equal(vreg_dispatch(toy_regs, 3, &t, NULL, 0x20, 4, true, &v), MMIO_OK);
	assert_int_equal(vreg_dispatch(toy_regs, 3, &t, NULL, 0x20, 4, false, &v), MMIO_OK);
	assert_int_equal(v, 0);
}

static int toy_access(void *dev, struct vcpu *v, u64 off, unsigned int size, bool write,
		      u64 *val)
{
	return vreg_dispatch(toy_regs, 3, dev, v, (u32)off, size, write, val);
}

static void test_mmio_bus(void **state)
{
	static const struct mmio_ops ops = { .access = toy_access };
	struct mmio_bus bus;
	struct toy t = { 0 };
	u64 v = 7;

	mmio_bus_init(&bus);
	assert_int_equal(mmio_bus_add(&bus, 0x9000000, 0x1000, &ops, &t, "toy"), 0);
	assert_int_equal(mmio_bus_add(&bus, 0x9000800, 0x1000, &ops, &t, "overlap"), -16);
	assert_int_equal(mmio_bus_add(&bus, 0x8fff000, 0x1001, &ops, &t, "overlap"), -16);
	assert_int_equal(mmio_bus_add(&bus, 0x9001000, 0x1000, &ops, &t, "next"), 0);
	assert_int_equal(mmio_bus_add(&bus, ~0ULL - 10, 0x1000, &ops, &t, "wrap"), -22);
	assert_int_equal(mmio_bus_access(&bus, NULL, 0x9000000, 4, true, &v), MMIO_OK);
	assert_int_equal(t.reg, 7);
	assert_int_equal(mmio_bus_access(&bus, NULL, 0x8000000, 4, false, &v), MMIO_NO_DEVICE);
	/* An access straddling the end of a region is refused. */
	assert_int_equal(mmio_bus_access(&bus, NULL, 0x9000ffe, 4, false, &v), MMIO_BAD_ACCESS);
	assert_non_null(mmio_bus_find(&bus, 0x9001fff));
	assert_null(mmio_bus_find(&bus, 0x9002000));
}

/* Deadline 1000. The hypervisor's part starts at the later of the deadline
 * and the exit: before that the interrupt had not reached it. */
/*
 * Which exits carry an SError the guest caused (the VM is then crashed):
 * one taken from the guest itself, or one caught in its exit window / by
 * the ESB (guest_ctx.serror). Before, an SError exit was counted as an IRQ
 * exit and the VM went on.
 */
static void test_serror_attribution(void **state)
{
	const u64 serror_esr = (u64)ESR_EC_SERROR << 26 | 0x2;

	assert_int_equal(exit_serror_syndrome(GUEST_EXIT_SERROR, serror_esr, 0), serror_esr);
	/* Caught at the exit of any kind: the window's ESR, or DISR_EL1 (A = bit 31). */
	assert_int_equal(exit_serror_syndrome(GUEST_EXIT_SYNC, 0x96000045, serror_esr), serror_esr);
	assert_int_equal(exit_serror_syndrome(GUEST_EXIT_IRQ, 0, 1ULL << 31), 1ULL << 31);
	/* None: every other exit is handled normally. */
	assert_int_equal(exit_serror_syndrome(GUEST_EXIT_SYNC, 0x96000045, 0), 0);
	assert_int_equal(exit_serror_syndrome(GUEST_EXIT_IRQ, 0, 0), 0);
	assert_int_equal(exit_serror_syndrome(GUEST_EXIT_FIQ, 0, 0), 0);
}

static void test_vtimer_lat_split(void **state)
{
	struct vtimer_lat l = { 0 };

	/* Exit at 1300 (the CPU took the interrupt 300 late), entry at 1500. */
	vtimer_lat_add(&l, 1000, 1300, 1500, VTIMER_WHY_IRQ);
	assert_int_equal(l.sum, 500);
	assert_int_equal(l.zvm_sum, 200);
	assert_int_equal(l.zvm_max, 200);
	assert_int_equal(vtimer_lat_at(l.hist, 8), 1);		/* 500 in [256, 512) */
	/* Already out of the guest (an MMIO exit since 900): all of it is ZVM's. */
	vtimer_lat_add(&l, 1000, 900, 1100, 36);
	assert_int_equal(l.zvm_sum, 300);
	assert_int_equal(l.zvm_max, 200);
	assert_int_equal(l.max, 500);
	assert_int_equal(l.worst_exit, VTIMER_WHY_IRQ);
	assert_int_equal(vtimer_lat_at(l.hist, 6), 1);		/* 100 in [64, 128) */
	/* A later maximum takes the exit kind with it. */
	vtimer_lat_add(&l, 1000, 990, 1900, 24);
	assert_int_equal(l.max, 900);
	assert_int_equal(l.worst_exit, 24);
	assert_int_equal(l.zvm_max, 900);
	/* Counter values that do not move forward count as 0, in bucket 0. */
	vtimer_lat_add(&l, 2000, 2100, 1990, 24);
	assert_int_equal(vtimer_lat_at(l.hist, 0), 1);
	assert_int_equal(l.sum, 1500);
	assert_int_equal(l.zvm_sum, 1200);
	/* One bucket per bit, up to the largest counter value. */
	vtimer_lat_add(&l, 0, 0, 1ULL << 40, 24);
	assert_int_equal(vtimer_lat_at(l.hist, 40), 1);
	vtimer_lat_add(&l, 0, 0, ~0ULL, 24);
	assert_int_equal(vtimer_lat_at(l.hist, VTIMER_HIST_NR - 1), 1);
	/* ZVM's parts so far: 200, 100, 900, 0, 2^40, 2^64 - 1 in their own buckets. */
	assert_int_equal(vtimer_lat_at(l.zvm_hist, 7), 1);
	assert_int_equal(vtimer_lat_at(l.zvm_hist, 6), 1);
	assert_int_equal(vtimer_lat_at(l.zvm_hist, 9), 1);
	assert_int_equal(vtimer_lat_at(l.zvm_hist, 0), 1);
	assert_int_equal(vtimer_lat_at(l.zvm_hist, 40), 1);
	assert_int_equal(vtimer_lat_at(l.zvm_hist, VTIMER_HIST_NR - 1), 1);
	assert_int_equal(l.hist[vtimer_lat_slot(3)], 0);	/* stored in reverse */
	assert_int_equal(l.hist[vtimer_lat_slot(2)], 0);
	assert_int_equal(l.hist[vtimer_lat_slot(1)], 1);	/* 0 and 1: bucket 0 */
	assert_int_equal(vtimer_lat_slot(0), VTIMER_HIST_NR - 1);
}

/*
 * A deferred delivery (a WFI wake-up's, added at the vCPU's next exit):
 * a reader sees it at once and exactly once, before and after it is
 * settled, and one deferred behind another still unsettled is not lost.
 */
static void test_vtimer_lat_defer(void **state)
{
	struct vtimer_lat l = { 0 }, view;
	struct vtimer_lat_defer p = { 0 };

	vtimer_lat_defer(&l, &p, 1000, 1300, 1500, 24);
	assert_int_equal(l.sum, 0);			/* not yet in l */
	vtimer_lat_view(&l, &p, &view);
	assert_int_equal(view.sum, 500);
	assert_int_equal(vtimer_lat_at(view.hist, 8), 1);
	assert_int_equal(view.zvm_sum, 200);
	assert_int_equal(view.worst_exit, 24);
	assert_int_equal(p.now, 1500);			/* the view settles nothing */
	vtimer_lat_settle(&l, &p);
	assert_int_equal(l.sum, 500);
	assert_int_equal(p.now, 0);
	vtimer_lat_view(&l, &p, &view);
	assert_int_equal(vtimer_lat_at(view.hist, 8), 1);		/* counted once */
	vtimer_lat_settle(&l, &p);			/* nothing deferred: no-op */
	assert_int_equal(vtimer_lat_at(l.hist, 8), 1);
	vtimer_lat_defer(&l, &p, 2000, 2000, 2100, 24);
	vtimer_lat_defer(&l, &p, 3000, 3000, 3010, 24);	/* settles the one before */
	assert_int_equal(l.sum, 600);
	vtimer_lat_view(&l, &p, &view);
	assert_int_equal(view.sum, 610);
	assert_int_equal(vtimer_lat_at(view.hist, 3) + vtimer_lat_at(view.hist, 6) + vtimer_lat_at(view.hist, 8), 3);
}

/* Percentiles from a histogram: the bucket where the count reaches n * pct. */
static void test_vtimer_lat_pct(void **state)
{
	u64 h[VTIMER_HIST_NR] = { 0 };
#define AT(i) h[VTIMER_HIST_NR - 1 - (i)]	/* bucket i's slot */

	AT(3) = 95;			/* 95 fast deliveries ... */
	AT(12) = 4;			/* ... 4 stretched by the emulator ... */
	AT(VTIMER_HIST_NR - 1) = 1;	/* ... and one in the last bucket */
	assert_int_equal(vtimer_lat_pct(h, 100, 50), 3);
	assert_int_equal(vtimer_lat_pct(h, 100, 90), 3);
	assert_int_equal(vtimer_lat_pct(h, 100, 95), 3);
	assert_int_equal(vtimer_lat_pct(h, 100, 96), 12);
	assert_int_equal(vtimer_lat_pct(h, 100, 99), 12);
	assert_int_equal(vtimer_lat_pct(h, 100, 100), VTIMER_HIST_NR - 1);
	/* Rounded up: 1 % of 50 is one value, the first. */
	memset(h, 0, sizeof(h));
	AT(2) = 1, AT(5) = 49;
	assert_int_equal(vtimer_lat_pct(h, 50, 1), 2);
	assert_int_equal(vtimer_lat_pct(h, 50, 3), 5);
#undef AT
	/* An empty histogram answers bucket 0. */
	memset(h, 0, sizeof(h));
	assert_int_equal(vtimer_lat_pct(h, 0, 90), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vm_transitions),
		cmocka_unit_test(test_psci_cpu_on_validation),
		cmocka_unit_test(test_dabt_decode),
		cmocka_unit_test(test_load_extension),
		cmocka_unit_test(test_sysreg_decode),
		cmocka_unit_test(test_vreg_dispatch),
		cmocka_unit_test(test_mmio_bus),
		cmocka_unit_test(test_vtimer_lat_split),
		cmocka_unit_test(test_vtimer_lat_defer),
		cmocka_unit_test(test_vtimer_lat_pct),
		cmocka_unit_test(test_serror_attribution),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
