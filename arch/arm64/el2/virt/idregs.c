/*
 * ID register hiding (HCR_EL2.TID3; ARM ARM D13.2.46 and the ID group 3
 * space, op0=3 op1=0 CRn=0 CRm=1..7, D19 "Reserved encodings in the ID
 * register space": unallocated ones are RAZ).
 *
 * A guest reads the real register with the fields of every feature whose
 * state ZVM does not context-switch zeroed: SVE, SME, MTE, AMU, MPAM, RAS,
 * pointer authentication, SPE, trace, BRBE, LORegions, the EL2-only
 * features (FGT, HCX, TWED, NV, EVT) and the later registers whose features
 * need state or HCRX_EL2 enables we do not provide (WFxT, MOPS, TCR2, S1PIE,
 * S1POE, FPMR, GCS, NMI, ...). Registers with a "keep" list hide every
 * field not on it, so a feature added by a later architecture version stays
 * hidden until somebody decides it is safe. ID_AA64PFR0_EL1.EL2 stays
 * visible (Zephyr checks it). RAS: hidden, and HCR_EL2.TERR traps the
 * error-record registers (their selector is not switched); see vcpu_hw.c.
 */
#include <arch/sysreg.h>
#include <virt/vsysreg.h>
#include <zvm/compiler.h>

#define F(shift) (0xfULL << (shift))
#define ALL ~0ULL
#define KEEP(fields) (~(u64)(fields))

struct idreg {
	u8 crm, op2;
	u64 hide;		/* fields read as zero; ALL: the register is RAZ */
};

static const struct idreg idregs[] = {
	/* AArch32 views (D17): only EL0 can be AArch32 in a guest. */
	{ 1, 0, F(20) | F(28) },		/* ID_PFR0: AMU, RAS */
	{ 1, 1, 0 },				/* ID_PFR1 */
	{ 1, 2, F(12) | F(16) | F(20) | F(28) },	/* ID_DFR0: CopTrc, MMapTrc, MProfDbg, TraceFilt */
	{ 1, 3, ALL },				/* ID_AFR0: IMPLEMENTATION DEFINED */
	{ 1, 4, 0 }, { 1, 5, 0 }, { 1, 6, 0 }, { 1, 7, 0 },	/* ID_MMFR0..3 */
	{ 2, 0, 0 }, { 2, 1, 0 }, { 2, 2, 0 }, { 2, 3, 0 },	/* ID_ISAR0..3 */
	{ 2, 4, 0 }, { 2, 5, 0 },		/* ID_ISAR4..5 */
	{ 2, 6, 0 },				/* ID_MMFR4 */
	{ 2, 7, 0 },				/* ID_ISAR6 */
	{ 3, 0, 0 }, { 3, 1, 0 }, { 3, 2, 0 },	/* MVFR0..2 */
	{ 3, 4, F(8) },				/* ID_PFR2: RAS_frac */
	{ 3, 5, ALL },				/* ID_DFR1: MTPMU, HPMN0 */
	{ 3, 6, 0 },				/* ID_MMFR5 */
	/* ID_AA64PFR0: SVE, RAS, SEL2, MPAM, AMU, RME hidden; EL0-3, FP, GIC, CSV2/3, DIT kept. */
	{ 4, 0, F(28) | F(32) | F(36) | F(40) | F(44) | F(52) },
	/* ID_AA64PFR1: only BT, SSBS and CSV2_frac (MTE, SME, MPAM_frac, RAS_frac, NMI, GCS...). */
	{ 4, 1, KEEP(F(0) | F(4) | F(32)) },
	{ 4, 2, ALL },				/* ID_AA64PFR2: MTE extensions, FPMR */
	{ 4, 4, ALL },				/* ID_AA64ZFR0: SVE */
	{ 4, 5, ALL },				/* ID_AA64SMFR0: SME */
	{ 4, 7, ALL },				/* ID_AA64FPFR0: FP8 (FPMR) */
	/* ID_AA64DFR0: DebugVer, PMUVer, BRPs, WRPs, CTX_CMPs, DoubleLock kept;
	 * trace, PMSS, SEBEP, SPE, TraceFilt/Buffer, MTPMU, BRBE, HPMN0 hidden. */
	{ 5, 0, KEEP(F(0) | F(8) | F(12) | F(20) | F(28) | F(36)) },
	{ 5, 1, ALL },				/* ID_AA64DFR1 */
	{ 5, 2, ALL },				/* ID_AA64DFR2 */
	{ 5, 4, ALL }, { 5, 5, ALL },		/* ID_AA64AFR0/1: IMPLEMENTATION DEFINED */
	{ 6, 0, F(24) },			/* ID_AA64ISAR0: TME */
	{ 6, 1, F(4) | F(8) | F(24) | F(28) | F(60) },	/* ISAR1: APA, API, GPA, GPI, LS64 */
	/* ID_AA64ISAR2: RPRES, BC, CLRBHB, PRFMSLC, RPRFM, CSSC, LUT kept
	 * (WFxT, GPA3, APA3, MOPS, PAC_frac, SYSREG_128... hidden). */
	{ 6, 2, KEEP(F(4) | F(20) | F(28) | F(40) | F(48) | F(52) | F(56)) },
	{ 6, 3, ALL },				/* ID_AA64ISAR3 */
	{ 7, 0, F(56) },			/* ID_AA64MMFR0: FGT */
	{ 7, 1, F(16) | F(32) | F(40) },	/* ID_AA64MMFR1: LO, TWED, HCX */
	{ 7, 2, F(24) | F(56) },		/* ID_AA64MMFR2: NV, EVT */
	{ 7, 3, ALL },				/* ID_AA64MMFR3: TCR2, SCTLR2, S1PIE, S1POE... */
	{ 7, 4, ALL },				/* ID_AA64MMFR4 */
};

/* The real register, by encoding (MRS needs it as an immediate). */
#define IDR(crm, op2) \
	case (crm) * 8 + (op2): return read_sysreg_s("s3_0_c0_c" #crm "_" #op2);
#define IDR_ROW(crm) \
	IDR(crm, 0) IDR(crm, 1) IDR(crm, 2) IDR(crm, 3) \
	IDR(crm, 4) IDR(crm, 5) IDR(crm, 6) IDR(crm, 7)

u64 idreg_read_hw(unsigned int crm, unsigned int op2)
{
	switch (crm * 8 + op2) {
	IDR_ROW(1) IDR_ROW(2) IDR_ROW(3) IDR_ROW(4) IDR_ROW(5) IDR_ROW(6) IDR_ROW(7)
	default:
		return 0;
	}
}

/* What a guest reads; an encoding not in the table is reserved: RAZ. */
u64 idreg_read(unsigned int crm, unsigned int op2)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(idregs); i++) {
		const struct idreg *r = &idregs[i];

		if (r->crm == crm && r->op2 == op2)
			return r->hide == ALL ? 0 : idreg_read_hw(crm, op2) & ~r->hide;
	}
	return 0;
}

bool idreg_is_group3(const struct sysreg_access *a)
{
	return a->op0 == 3 && a->op1 == 0 && a->crn == 0 && a->crm >= 1 && a->crm <= 7;
}

/* Reads only: the ID registers are read-only (a write is UNDEFINED). */
enum sysreg_result idreg_emulate(const struct sysreg_access *a, u64 *val)
{
	if (!idreg_is_group3(a))
		return SYSREG_NOT_MINE;
	if (!a->read)
		return SYSREG_UNDEF;
	*val = idreg_read(a->crm, a->op2);
	return SYSREG_DONE;
}
