/*
 * What the hypervisor programs from the ID registers: pure functions of
 * their values, so that the decision for a CPU QEMU does not model (a
 * Cortex-A72, a v9 part) is unit-tested (tests/unit/test_el2_policy.c).
 * The callers read the registers and do the writes.
 */
#ifndef ARCH_EL2_POLICY_H
#define ARCH_EL2_POLICY_H

#include <zvm/compiler.h>
#include <zvm/types.h>

/*
 * EL2 control registers that exist only with a feature and whose reset
 * value is UNKNOWN on hardware: each present one is set once per pCPU to
 * a known value (see cpu_el2.c). One bit per register.
 */
enum el2_reg {
	EL2_HCRX,		/* FEAT_HCX */
	EL2_HFGRTR, EL2_HFGWTR, EL2_HFGITR, EL2_HDFGRTR, EL2_HDFGWTR,	/* FEAT_FGT */
	EL2_HAFGRTR,		/* FEAT_FGT with FEAT_AMUv1p1 */
	EL2_HFGRTR2, EL2_HFGWTR2, EL2_HFGITR2, EL2_HDFGRTR2, EL2_HDFGWTR2,	/* FEAT_FGT2 */
	EL2_NR_REGS
};

/* Which of them this CPU has, from ID_AA64PFR0/MMFR0/MMFR1_EL1. */
u32 el2_regs_present(u64 pfr0, u64 mmfr0, u64 mmfr1);

/* A PMUv3 whose registers exist (PMUVer neither 0 nor IMPLEMENTATION
 * DEFINED): the host may program PMCR_EL0 and the cycle counter. */
bool el2_pmu_present(u64 dfr0);

/*
 * PMU event filter bits (PMEVTYPER<n>_EL0, PMCCFILTR_EL0) a guest's value
 * keeps when loaded, from ID_AA64DFR0_EL1.PMUVer: NSH ("count at EL2") only
 * where MDCR_EL2.HPMD (PMUv3p1, event counters) or MDCR_EL2.HCCD (PMUv3p5,
 * the cycle counter) stop the guest's counters at EL2 anyway.
 */
#define PMU_FILTER_NSH BIT_ULL(27)
u64 el2_pmu_evtyper_keep(u64 dfr0);
u64 el2_pmu_ccfiltr_keep(u64 dfr0);

#endif
