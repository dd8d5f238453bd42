/* Port-contract pieces specific to running the kernel at EL2. */
#include <arch/boot.h>
#include <arch/el2_policy.h>
#include <arch/sysreg.h>
#include <kernel/arch_interface.h>
#include <kernel/cpu.h>
#include <kernel/irq.h>

void arch_set_percpu(void *p)
{
	write_sysreg(tpidr_el2, p);
}

void *arch_get_percpu(void)
{
	return (void *)read_sysreg(tpidr_el2);
}

unsigned int arch_cpu_id(void)
{
	return this_cpu()->id;
}

const char *arch_mode_name(void)
{
	return "EL2";
}

const char *arch_kernel_name(void)
{
	return "ZVM hypervisor";
}

/* ICC_SRE_EL2: SRE (system registers at EL2), Enable (EL1 may use them too). */
#define ICC_SRE_SRE BIT(0)
#define ICC_SRE_ENABLE BIT(3)

bool arch_gic_sysregs_enable(void)
{
	write_sysreg(icc_sre_el2, read_sysreg(icc_sre_el2) | ICC_SRE_SRE | ICC_SRE_ENABLE);
	isb();
	return read_sysreg(icc_sre_el2) & ICC_SRE_SRE;
}

/* HCR_EL2 while no guest runs: EL1 is AArch64, and physical IRQ/FIQ/SError
 * are routed to EL2 — without IMO/FMO/AMO they would target EL1 and stay
 * masked while we run at EL2 (ARM ARM D1.13.1). */
#define HCR_RW BIT_ULL(31)
#define HCR_AMO BIT_ULL(5)
#define HCR_IMO BIT_ULL(4)
#define HCR_FMO BIT_ULL(3)

/* CNTHCTL_EL2: let EL1 read the physical counter and use its timer; the
 * event stream is ours (guests' WFE traps: HCR_EL2.TWE). */
#define CNTHCTL_EL1PCTEN BIT(0)
#define CNTHCTL_EL1PCEN BIT(1)

/*
 * EL2 registers of later features, UNKNOWN after reset on hardware (QEMU
 * happens to zero them), set to 0 on every pCPU that has them:
 * HCRX_EL2 = 0 leaves every FEAT_HCX enable off, so the registers and
 * instructions it gates (TCR2_EL1, SCTLR2_EL1, FPMR, ST64B, ...; all
 * hidden by idregs.c) trap or UNDEF in guests. The fine-grained trap
 * registers = 0: no trap of any register ZVM switches or leaves to the
 * guest, while their inverted "n" bits (nTPIDR2_EL0, nPIR_EL1, nGCS_EL0,
 * nBRBDATA, ... - registers of features added after FEAT_FGT) trap, which
 * is what hidden features should do. Encodings: ARM ARM D24 (the
 * assembler may not know the names).
 */
static void el2_regs_init(void)
{
	u32 regs = el2_regs_present(read_sysreg(id_aa64pfr0_el1), read_sysreg(id_aa64mmfr0_el1),
				    read_sysreg(id_aa64mmfr1_el1));

	if (regs & BIT(EL2_HCRX))
		write_sysreg_s("s3_4_c1_c2_2", 0);	/* HCRX_EL2 */
	if (regs & BIT(EL2_HFGRTR)) {
		write_sysreg_s("s3_4_c1_c1_4", 0);	/* HFGRTR_EL2 */
		write_sysreg_s("s3_4_c1_c1_5", 0);	/* HFGWTR_EL2 */
		write_sysreg_s("s3_4_c1_c1_6", 0);	/* HFGITR_EL2 */
		write_sysreg_s("s3_4_c3_c1_4", 0);	/* HDFGRTR_EL2 */
		write_sysreg_s("s3_4_c3_c1_5", 0);	/* HDFGWTR_EL2 */
	}
	if (regs & BIT(EL2_HAFGRTR))
		write_sysreg_s("s3_4_c3_c1_6", 0);	/* HAFGRTR_EL2 */
	if (regs & BIT(EL2_HFGRTR2)) {
		write_sysreg_s("s3_4_c3_c1_0", 0);	/* HDFGRTR2_EL2 */
		write_sysreg_s("s3_4_c3_c1_1", 0);	/* HDFGWTR2_EL2 */
		write_sysreg_s("s3_4_c3_c1_2", 0);	/* HFGRTR2_EL2 */
		write_sysreg_s("s3_4_c3_c1_3", 0);	/* HFGWTR2_EL2 */
		write_sysreg_s("s3_4_c3_c1_7", 0);	/* HFGITR2_EL2 */
	}
	/* What a guest's MIDR_EL1 read returns; UNKNOWN after reset too. */
	write_sysreg(vpidr_el2, read_sysreg(midr_el1));
}

/*
 * The host's cycle counter, for the host-side benchmarks (apps/bench at
 * EL2): PMCR_EL0.E enables the counters, PMCNTENSET bit 31 the cycle
 * counter, PMCCFILTR_EL0.NSH makes it count at EL2 too. Only with a PMUv3
 * (ID_AA64DFR0_EL1.PMUVer): on a CPU without one the registers UNDEF, and
 * the benchmarks fall back to the generic counter by themselves.
 */
static void el2_pmu_init(void)
{
	if (!el2_pmu_present(read_sysreg(id_aa64dfr0_el1)))
		return;
	write_sysreg(pmcr_el0, read_sysreg(pmcr_el0) | 1);
	write_sysreg(pmcntenset_el0, BIT(31));
	write_sysreg(pmccfiltr_el0, BIT(27));	/* NSH: count at EL2 too */
}

void arch_cpu_init_mode(void)
{
	el2_regs_init();
	write_sysreg(hcr_el2, HCR_RW | HCR_AMO | HCR_IMO | HCR_FMO);
	write_sysreg(cnthctl_el2, CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN | arch_event_stream_bits());
	write_sysreg(cntvoff_el2, 0);
	el2_pmu_init();
	isb();
}
