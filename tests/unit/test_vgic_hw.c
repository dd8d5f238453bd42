/*
 * The LR bank's copy to and from the virtual CPU interface
 * (arch/arm64/el2/virt/vgic_hw.c) against a fake ICH_* register file per
 * pCPU. A load writes only the LRs its bank uses and those the last save
 * on that pCPU found holding something: what must hold whatever vCPU ran
 * before is that the next one's guest never sees an interrupt of it - no
 * LR of it left valid, none left asking for EOI maintenance.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <arch/sysreg.h>
#include <kernel/arch_interface.h>
#include <virt/vgic_hw.h>

#define NR_LR 4
#define NR_CPUS 2

/* ---- the fake interface: 4 LRs, 5 preemption bits (one APR each) ---- */
struct ich {
	u64 lr[NR_LR], ap0r0, ap1r0, vmcr, hcr;
};

static struct ich hw[NR_CPUS];
static unsigned int cur_cpu, lr_writes, lr_reads;

unsigned int arch_cpu_id(void) { return cur_cpu; }

/* IHI 0069, ICH_ELRSR_EL2: empty = State invalid and (HW = 1 or EOI = 0). */
static u32 elrsr_of(const struct ich *h)
{
	u32 e = 0;

	for (unsigned int i = 0; i < NR_LR; i++)
		if (!(h->lr[i] & VGIC_LR_STATE) &&
		    ((h->lr[i] & VGIC_LR_HW) || !(h->lr[i] & VGIC_LR_EOI)))
			e |= 1u << i;
	return e;
}

static u64 *reg(const char *name)
{
	struct ich *h = &hw[cur_cpu];

	if (!strcmp(name, "ich_ap0r0_el2"))
		return &h->ap0r0;
	if (!strcmp(name, "ich_ap1r0_el2"))
		return &h->ap1r0;
	if (!strcmp(name, "ich_vmcr_el2"))
		return &h->vmcr;
	if (!strcmp(name, "ich_hcr_el2"))
		return &h->hcr;
	fail_msg("unexpected register %s", name);
	return NULL;
}

u64 host_read_sysreg(const char *name)
{
	if (!strcmp(name, "ich_vtr_el2"))	/* ListRegs = 3, PREbits = 4 (5 bits) */
		return (NR_LR - 1) | 4ull << 26;
	if (!strcmp(name, "ich_elrsr_el2"))
		return elrsr_of(&hw[cur_cpu]);
	return *reg(name);
}

void host_write_sysreg(const char *name, u64 v)
{
	*reg(name) = v;
}

void vgic_hw_write_lr(unsigned int n, u64 val)
{
	assert_true(n < NR_LR);
	hw[cur_cpu].lr[n] = val;
	lr_writes++;
}

u64 vgic_hw_read_lr(unsigned int n)
{
	assert_true(n < NR_LR);
	lr_reads++;
	return hw[cur_cpu].lr[n];
}

/* ---- helpers ---- */
static const u64 PEND40 = 40 | VGIC_LR_GROUP1 | VGIC_LR_PENDING | 0xa0ull << VGIC_LR_PRIO_SHIFT;
static const u64 ACT41 = 41 | VGIC_LR_GROUP1 | VGIC_LR_ACTIVE | VGIC_LR_EOI;
/* The timer, HW-linked, pending. */
static const u64 TIMER = 27 | VGIC_LR_GROUP1 | VGIC_LR_HW | VGIC_LR_PENDING | 27ull << 32;

static struct vgic_lr_bank a, b;

/*
 * Every pCPU's LRs hold a former vCPU's interrupts, valid. vgic_hw.c's
 * knowledge of them cannot be reset: the first test sees it as at boot
 * (nothing known); for the others, a save has read them, as a real pCPU's
 * last exit would have.
 */
static int setup(void **state)
{
	static bool booted;
	struct vgic_lr_bank scratch = { .nr_lr = NR_LR };

	(void)state;
	for (cur_cpu = 0; cur_cpu < NR_CPUS; cur_cpu++) {
		for (unsigned int i = 0; i < NR_LR; i++)
			hw[cur_cpu].lr[i] = VGIC_LR_PENDING | (100 + i);
		hw[cur_cpu].ap0r0 = hw[cur_cpu].ap1r0 = 0xdead;
		if (booted)
			vgic_hw_save(&scratch);
	}
	booted = true;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.nr_lr = b.nr_lr = NR_LR;
	a.hcr = b.hcr = VGIC_HCR_EN;
	cur_cpu = 0;
	lr_writes = lr_reads = 0;
	return 0;
}

/* As the flush leaves a bank: lr[i] = val, in used. */
static void fill(struct vgic_lr_bank *k, unsigned int i, u64 val)
{
	k->lr[i] = val;
	k->used |= 1u << i;
}

/* Nothing of a former vCPU is known (boot; the first test): the first
 * load writes every LR. */
static void test_first_load_writes_every_lr(void **state)
{
	(void)state;
	fill(&b, 2, PEND40);
	vgic_hw_load(&b);
	assert_int_equal(lr_writes, NR_LR);
	assert_true(hw[0].lr[2] == PEND40);
	assert_int_equal(elrsr_of(&hw[0]), 0xf & ~(1u << 2));
	assert_int_equal(hw[0].ap0r0, 0);
	assert_int_equal(hw[0].hcr, VGIC_HCR_EN);
}

/*
 * vCPU a runs with a pending and an active level interrupt; its guest
 * deactivates the level one (invalid, EOI still set: it asks for
 * maintenance, so it is not empty) and its timer is injected in a third
 * LR by the fast path. b, with nothing in its bank, runs next on the same
 * pCPU: none of the three may be left for its guest.
 */
static void test_next_vcpu_never_sees_prev_lrs(void **state)
{
	(void)state;
	vgic_hw_load(&b);	/* the pCPU's LRs known */
	vgic_hw_save(&b);
	fill(&a, 0, PEND40);
	fill(&a, 1, ACT41);
	vgic_hw_load(&a);
	hw[0].lr[1] &= ~VGIC_LR_STATE;	/* the guest's EOI */
	hw[0].lr[3] = TIMER;		/* the fast path: not in a.used */
	lr_writes = lr_reads = 0;
	vgic_hw_save(&a);
	assert_int_equal(lr_reads, 3);
	assert_int_equal(a.used, 0xb);
	assert_true(a.lr[0] == PEND40 && a.lr[1] == (ACT41 & ~VGIC_LR_STATE) && a.lr[3] == TIMER);
	assert_int_equal(hw[0].hcr, 0);

	memset(b.lr, 0, sizeof(b.lr));
	b.used = 0;
	vgic_hw_load(&b);
	assert_int_equal(lr_writes, 3);
	assert_int_equal(elrsr_of(&hw[0]), 0xf);
	for (unsigned int i = 0; i < NR_LR; i++)
		assert_true(hw[0].lr[i] == 0);
}

/*
 * An LR the flush filled that the guest then emptied reads as 0 (the
 * model folds only State bits); one empty before and after - the HW-linked
 * timer the guest deactivated keeps its other bits - is neither read nor
 * written, and stays empty for the next guest.
 */
static void test_empty_lrs_neither_read_nor_written(void **state)
{
	(void)state;
	vgic_hw_load(&b);
	vgic_hw_save(&b);
	fill(&a, 0, PEND40);
	fill(&a, 2, TIMER);
	vgic_hw_load(&a);
	hw[0].lr[0] &= ~VGIC_LR_STATE;	/* acknowledged and deactivated */
	hw[0].lr[2] &= ~VGIC_LR_STATE;
	lr_writes = lr_reads = 0;
	vgic_hw_save(&a);
	assert_int_equal(lr_reads, 0);
	assert_int_equal(a.used, 0);
	assert_true(a.lr[0] == 0 && a.lr[2] == 0);
	b.used = 0;
	memset(b.lr, 0, sizeof(b.lr));
	vgic_hw_load(&b);
	assert_int_equal(lr_writes, 0);
	assert_int_equal(elrsr_of(&hw[0]), 0xf);
}

/* What one pCPU's save found says nothing about another's LRs. */
static void test_dirty_state_is_per_pcpu(void **state)
{
	(void)state;
	vgic_hw_load(&b);
	vgic_hw_save(&b);	/* CPU 0: all empty now */
	cur_cpu = 1;
	lr_writes = 0;
	vgic_hw_load(&b);	/* CPU 1: still the former vCPU's four */
	assert_int_equal(lr_writes, NR_LR);
	assert_int_equal(elrsr_of(&hw[1]), 0xf);
	cur_cpu = 0;
	lr_writes = 0;
	vgic_hw_load(&b);
	assert_int_equal(lr_writes, 0);
}

/* The active priorities and VMCR go with the vCPU, whatever its LRs. */
static void test_apr_and_vmcr_switched(void **state)
{
	(void)state;
	a.ap1r[0] = 0x1;
	a.vmcr = 0xf0000001;
	vgic_hw_load(&a);
	assert_true(hw[0].ap1r0 == 1 && hw[0].vmcr == 0xf0000001);
	hw[0].ap1r0 = 0x3;	/* the guest acknowledged another */
	vgic_hw_save(&a);
	assert_int_equal(a.ap1r[0], 3);
	vgic_hw_load(&b);
	assert_true(hw[0].ap1r0 == 0 && hw[0].vmcr == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_first_load_writes_every_lr, setup),
		cmocka_unit_test_setup(test_next_vcpu_never_sees_prev_lrs, setup),
		cmocka_unit_test_setup(test_empty_lrs_neither_read_nor_written, setup),
		cmocka_unit_test_setup(test_dirty_state_is_per_pcpu, setup),
		cmocka_unit_test_setup(test_apr_and_vmcr_switched, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
