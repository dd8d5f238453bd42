/*
 * What the host programs from the ID registers (arch/el2_policy.h), for
 * CPUs QEMU does not model: which UNKNOWN-at-reset EL2 registers get a
 * known value, and which PMU filter bits a guest keeps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arch/el2_policy.h>

#define F(val, shift) ((u64)(val) << (shift))
#define FGT1 F(1, 56)		/* ID_AA64MMFR0_EL1.FGT */
#define FGT2 F(2, 56)
#define HCX F(1, 40)		/* ID_AA64MMFR1_EL1.HCX */
#define AMU(v) F(v, 44)		/* ID_AA64PFR0_EL1.AMU */
#define PMU(v) F(v, 8)		/* ID_AA64DFR0_EL1.PMUVer */

/* Cortex-A53 / A72 (ARMv8.0): values from their TRMs. */
#define A53_PFR0 0x1111ULL
#define A53_MMFR0 0x1122ULL
#define A53_MMFR1 0x0ULL
#define A53_DFR0 0x10305106ULL	/* PMUVer 1: PMUv3 */

#define FGT_SET (BIT(EL2_HFGRTR) | BIT(EL2_HFGWTR) | BIT(EL2_HFGITR) | BIT(EL2_HDFGRTR) | \
		 BIT(EL2_HDFGWTR))
#define FGT2_SET (BIT(EL2_HFGRTR2) | BIT(EL2_HFGWTR2) | BIT(EL2_HFGITR2) | \
		  BIT(EL2_HDFGRTR2) | BIT(EL2_HDFGWTR2))

static void test_v80_has_none(void **state)
{
	assert_int_equal(el2_regs_present(A53_PFR0, A53_MMFR0, A53_MMFR1), 0);
	/* Other fields set, FGT/HCX/AMU clear: still none. */
	assert_int_equal(el2_regs_present(~AMU(0xf), ~F(0xf, 56), ~F(0xf, 40)), 0);
}

static void test_hcx(void **state)
{
	assert_int_equal(el2_regs_present(0, 0, HCX), BIT(EL2_HCRX));
	assert_int_equal(el2_regs_present(0, 0, F(2, 40)), BIT(EL2_HCRX));
}

static void test_fgt(void **state)
{
	assert_int_equal(el2_regs_present(0, FGT1, 0), FGT_SET);
	/* HAFGRTR_EL2 needs AMUv1p1 too; AMUv1 alone has none. */
	assert_int_equal(el2_regs_present(AMU(1), FGT1, 0), FGT_SET);
	assert_int_equal(el2_regs_present(AMU(2), FGT1, 0), FGT_SET | BIT(EL2_HAFGRTR));
	assert_int_equal(el2_regs_present(AMU(2), 0, 0), 0);
	assert_int_equal(el2_regs_present(0, FGT2, HCX), FGT_SET | FGT2_SET | BIT(EL2_HCRX));
	assert_int_equal(EL2_NR_REGS, 12);
}

/* PMUv3 (A53, A72): no MDCR_EL2.HPMD/HCCD, so NSH must go from both. */
static void test_pmu_v3_masks_nsh(void **state)
{
	assert_int_equal(el2_pmu_evtyper_keep(A53_DFR0), ~PMU_FILTER_NSH);
	assert_int_equal(el2_pmu_ccfiltr_keep(A53_DFR0), ~PMU_FILTER_NSH);
	assert_int_equal(PMU_FILTER_NSH, 1ULL << 27);
	/* Only NSH: P, U, NSK, NSU, M and the event number stay. */
	assert_int_equal(el2_pmu_evtyper_keep(PMU(1)) | PMU_FILTER_NSH, ~0ULL);
}

/* PMUv3p1..p4: HPMD stops event counters at EL2, not the cycle counter
 * (before v3p5 only PMCR_EL0.DP would, which the guest controls). */
static void test_pmu_v3p1_masks_ccfiltr_only(void **state)
{
	for (unsigned int v = 4; v < 6; v++) {
		assert_int_equal(el2_pmu_evtyper_keep(PMU(v)), ~0ULL);
		assert_int_equal(el2_pmu_ccfiltr_keep(PMU(v)), ~PMU_FILTER_NSH);
	}
}

static void test_pmu_v3p5_keeps_all(void **state)
{
	for (unsigned int v = 6; v < 0xf; v++) {
		assert_int_equal(el2_pmu_evtyper_keep(PMU(v)), ~0ULL);
		assert_int_equal(el2_pmu_ccfiltr_keep(PMU(v)), ~0ULL);
	}
	/* IMPLEMENTATION DEFINED (0xf) is no PMUv3: mask, never trust. */
	assert_int_equal(el2_pmu_ccfiltr_keep(PMU(0xf)), ~PMU_FILTER_NSH);
}

/* No PMU (PMUVer 0) or a non-PMUv3 one (0xf): the host leaves the PMU
 * registers alone, they would UNDEF. */
static void test_pmu_present(void **state)
{
	assert_false(el2_pmu_present(PMU(0)));
	assert_false(el2_pmu_present(PMU(0xf)));
	assert_true(el2_pmu_present(A53_DFR0));
	for (unsigned int v = 1; v < 0xf; v++)
		assert_true(el2_pmu_present(PMU(v)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v80_has_none),
		cmocka_unit_test(test_pmu_present),
		cmocka_unit_test(test_hcx),
		cmocka_unit_test(test_fgt),
		cmocka_unit_test(test_pmu_v3_masks_nsh),
		cmocka_unit_test(test_pmu_v3p1_masks_ccfiltr_only),
		cmocka_unit_test(test_pmu_v3p5_keeps_all),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
