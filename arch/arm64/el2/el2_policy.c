/*
 * Decisions from ID register values (see arch/el2_policy.h). Field
 * positions: ARM ARM D19, ID_AA64PFR0_EL1 (AMU [47:44]), ID_AA64MMFR0_EL1
 * (FGT [59:56]: 1 FEAT_FGT, 2 FEAT_FGT2), ID_AA64MMFR1_EL1 (HCX [43:40]),
 * ID_AA64DFR0_EL1 (PMUVer [11:8]: 1 PMUv3, 4 v3p1, 6 v3p5, 0xf IMPDEF).
 */
#include <arch/el2_policy.h>

#define IDF(reg, shift) (((reg) >> (shift)) & 0xf)

#define FGT_REGS (BIT(EL2_HFGRTR) | BIT(EL2_HFGWTR) | BIT(EL2_HFGITR) | BIT(EL2_HDFGRTR) | \
		  BIT(EL2_HDFGWTR))
#define FGT2_REGS (BIT(EL2_HFGRTR2) | BIT(EL2_HFGWTR2) | BIT(EL2_HFGITR2) | \
		   BIT(EL2_HDFGRTR2) | BIT(EL2_HDFGWTR2))

u32 el2_regs_present(u64 pfr0, u64 mmfr0, u64 mmfr1)
{
	unsigned int fgt = IDF(mmfr0, 56);
	u32 regs = 0;

	if (IDF(mmfr1, 40))
		regs |= BIT(EL2_HCRX);
	if (fgt >= 1)
		regs |= FGT_REGS;
	if (fgt >= 1 && IDF(pfr0, 44) >= 2)	/* AMUv1p1 */
		regs |= BIT(EL2_HAFGRTR);
	if (fgt >= 2)
		regs |= FGT2_REGS;
	return regs;
}

#define PMUV3_P1 4
#define PMUV3_P5 6
#define PMU_IMPDEF 0xf

/* An IMPLEMENTATION DEFINED PMU is no PMUv3 (guests get none): mask as v3. */
static unsigned int pmu_version(u64 dfr0)
{
	unsigned int ver = IDF(dfr0, 8);

	return ver == PMU_IMPDEF ? 0 : ver;
}

bool el2_pmu_present(u64 dfr0)
{
	return pmu_version(dfr0) != 0;
}

u64 el2_pmu_evtyper_keep(u64 dfr0)
{
	return pmu_version(dfr0) >= PMUV3_P1 ? ~0ULL : ~PMU_FILTER_NSH;
}

u64 el2_pmu_ccfiltr_keep(u64 dfr0)
{
	return pmu_version(dfr0) >= PMUV3_P5 ? ~0ULL : ~PMU_FILTER_NSH;
}
