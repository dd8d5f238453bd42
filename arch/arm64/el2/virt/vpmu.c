/*
 * The PMU per vCPU, switched lazily, and MDCR_EL2 for guests (ARM ARM
 * D13.2.x MDCR_EL2, D11 "The Performance Monitors Extension").
 *
 * Guests use the PMU directly (HPMN = all counters, so PMCR_EL0.N reads the
 * real count), but a vCPU starts with MDCR_EL2.TPM set: its first PMU access
 * traps, marks its PMU active, lifts the trap and is retried. From then on
 * vpmu_load/vpmu_save switch the PMU registers with the rest of its EL1
 * context (about 60 system-register accesses with 6 counters), when its
 * thread comes to or leaves its pCPU (virt/vcpu_ctx.c), not on exits;
 * the host's own setup (the cycle counter of cpu_el2.c) is back whenever
 * another thread runs. Guests that never
 * touch the PMU (Linux without a PMU node in its device tree) pay nothing
 * but the MDCR_EL2 writes. PMUSERENR_EL0 = 0, which Linux writes at boot,
 * is kept in the shadow without activating.
 *
 * Limits: PMU overflow interrupts are not delivered to guests (the PPI
 * stays with the host, which does not enable it; the guest's overflow flags
 * are switched). While an active guest's thread runs (in the guest or
 * handling its exits) the host's cycle counter is the guest's, so the
 * host's PMCCNTR_EL0 stops for that time.
 *
 * No guest counts EL2 (the hypervisor's own activity): with PMUv3p1/p5
 * MDCR_EL2.HPMD/HCCD stop guest counters there. Without them (PMUv3:
 * Cortex-A53/A72; the cycle counter before v3p5), a filter's NSH bit
 * (ARM ARM D13 PMEVTYPER<n>_EL0, PMCCFILTR_EL0: count at EL2) is cleared
 * whenever the guest's PMU is loaded (arch/el2_policy.h) and again on each
 * exit (vpmu_exit()), so the guest reads it back as 0, as if it were RES0.
 * A guest that sets it again while running counts EL2 only from then until
 * its next exit clears it (the vector, the fast IRQ path and the C exit
 * path up to vpmu_exit): its writes do not trap, and trapping every PMU
 * access (MDCR_EL2.TPM) to close that window would cost each of them an
 * exit.
 */
#include <arch/el2_policy.h>
#include <arch/sysreg.h>
#include <virt/vcpu_ctx.h>
#include <virt/vm.h>
#include <virt/vsysreg.h>

#define MDCR_HPMN_MASK 0x1fULL
#define MDCR_TPM BIT_ULL(6)
#define MDCR_TDA BIT_ULL(9)
#define MDCR_TDOSA BIT_ULL(10)
#define MDCR_TDRA BIT_ULL(11)
#define MDCR_TPMS BIT_ULL(14)
#define MDCR_HPMD BIT_ULL(17)
#define MDCR_TTRF BIT_ULL(19)
#define MDCR_HCCD BIT_ULL(23)

/* PMCR_EL0 bits the guest's value is kept with: E, D, X, DP, LC, LP; never
 * the write-only resets P and C. */
#define PMCR_E BIT_ULL(0)
#define PMCR_KEEP (PMCR_E | (0x1fULL << 3))
#define PMCR_N(pmcr) (((pmcr) >> 11) & 0x1f)

/* ID_AA64DFR0_EL1 fields. */
#define DFR0_PMUVER(d) (((d) >> 8) & 0xf)
#define DFR0_PMSVER(d) (((d) >> 32) & 0xf)
#define DFR0_TRACEFILT(d) (((d) >> 40) & 0xf)
#define PMUV3_P1 4
#define PMUV3_P5 6

static unsigned int pmu_nr;		/* PMCR_EL0.N */
static bool pmu_present;
static u64 evtyper_keep, ccfiltr_keep;	/* filter bits a guest keeps (no NSH) */

/* MDCR_EL2 for a vCPU: debug registers trapped (vdebug.c), SPE and trace
 * filter registers trapped if they exist (hidden by idregs.c), PMU trapped
 * until first use. Computed once; the hardware is the same on every pCPU. */
u64 vpmu_guest_mdcr(void)
{
	u64 dfr0 = idreg_read_hw(5, 0);
	unsigned int ver = DFR0_PMUVER(dfr0);
	u64 mdcr = MDCR_TDA | MDCR_TDOSA | MDCR_TDRA | MDCR_TPM;

	pmu_present = el2_pmu_present(dfr0);	/* neither none nor IMPDEF */
	evtyper_keep = el2_pmu_evtyper_keep(dfr0);
	ccfiltr_keep = el2_pmu_ccfiltr_keep(dfr0);
	if (pmu_present) {
		pmu_nr = PMCR_N(read_sysreg(pmcr_el0));
		mdcr |= pmu_nr;
		if (ver >= PMUV3_P1)
			mdcr |= MDCR_HPMD;
		if (ver >= PMUV3_P5)
			mdcr |= MDCR_HCCD;
	}
	if (DFR0_PMSVER(dfr0))
		mdcr |= MDCR_TPMS;
	if (DFR0_TRACEFILT(dfr0))
		mdcr |= MDCR_TTRF;
	return mdcr;
}

void vpmu_reset(struct vcpu *v)
{
	v->arch.pmu = (struct vcpu_pmu){ 0 };
	v->arch.mdcr = vpmu_guest_mdcr();
}

#define ALL_COUNTERS 0xffffffffULL

/* Entry of an active vCPU (IRQs masked, from vcpu_hw_load): keep the
 * host's PMU in the vCPU, install the guest's (counters stopped while their
 * values change, interrupt enables and overflow flags replaced). */
void vpmu_load(struct vcpu *v)
{
	struct vcpu_pmu *p = &v->arch.pmu;
	struct vpmu_host *h = &p->host;

	h->pmcr = read_sysreg(pmcr_el0) & PMCR_KEEP;
	h->cnten = read_sysreg(pmcntenset_el0);
	h->inten = read_sysreg(pmintenset_el1);
	h->selr = read_sysreg(pmselr_el0);
	h->ccntr = read_sysreg(pmccntr_el0);
	h->ccfiltr = read_sysreg(pmccfiltr_el0);
	h->userenr = read_sysreg(pmuserenr_el0);
	write_sysreg(pmcntenclr_el0, ALL_COUNTERS);
	vpmu_ev_load(p, pmu_nr, evtyper_keep);
	write_sysreg(pmccntr_el0, p->ccntr);
	write_sysreg(pmccfiltr_el0, p->ccfiltr & ccfiltr_keep);
	write_sysreg(pmselr_el0, p->selr);
	write_sysreg(pmuserenr_el0, p->userenr);
	write_sysreg(pmovsclr_el0, ALL_COUNTERS);
	write_sysreg(pmovsset_el0, p->ovs);
	write_sysreg(pmintenclr_el1, ALL_COUNTERS);
	write_sysreg(pmintenset_el1, p->inten);
	write_sysreg(pmcntenset_el0, p->cnten);
	write_sysreg(pmcr_el0, p->pmcr);
}

/* Exit of an active vCPU (IRQs masked, same pCPU): save the guest's PMU,
 * give the host back its own. */
void vpmu_save(struct vcpu *v)
{
	struct vcpu_pmu *p = &v->arch.pmu;
	const struct vpmu_host *h = &p->host;

	p->pmcr = read_sysreg(pmcr_el0) & PMCR_KEEP;
	write_sysreg(pmcr_el0, h->pmcr);	/* the guest's counters stop here */
	p->cnten = read_sysreg(pmcntenset_el0);
	p->inten = read_sysreg(pmintenset_el1);
	p->ovs = read_sysreg(pmovsset_el0);
	p->selr = read_sysreg(pmselr_el0);
	p->ccntr = read_sysreg(pmccntr_el0);
	p->ccfiltr = read_sysreg(pmccfiltr_el0);
	p->userenr = read_sysreg(pmuserenr_el0);
	vpmu_ev_save(p, pmu_nr);
	write_sysreg(pmcntenclr_el0, ALL_COUNTERS);
	write_sysreg(pmintenclr_el1, ALL_COUNTERS);
	write_sysreg(pmovsclr_el0, ALL_COUNTERS);
	write_sysreg(pmccntr_el0, h->ccntr);
	write_sysreg(pmccfiltr_el0, h->ccfiltr);
	write_sysreg(pmselr_el0, h->selr);
	write_sysreg(pmuserenr_el0, h->userenr);
	write_sysreg(pmintenset_el1, h->inten);
	write_sysreg(pmcntenset_el0, h->cnten);
}

/*
 * Exit of an active vCPU whose PMU stays loaded (IRQs masked): where the
 * CPU does not stop guest counters at EL2 (no HPMD/HCCD), a filter's NSH
 * bit the guest set since its entry is cleared here, as vpmu_load() does,
 * so the hypervisor's work is counted at most from the vector to this
 * point of the one exit that follows the write.
 */
void vpmu_exit(struct vcpu *v)
{
	u64 c;

	if (!v->arch.pmu.active || (evtyper_keep & ccfiltr_keep & PMU_FILTER_NSH))
		return;
	c = read_sysreg(pmccfiltr_el0);
	if (c & ~ccfiltr_keep)
		write_sysreg(pmccfiltr_el0, c & ccfiltr_keep);
	vpmu_ev_sanitize(pmu_nr, evtyper_keep);
}

/* The PMU's encodings (D13.4): op0=3 with op1=3 CRn=9 CRm=12..14 or
 * op1=3 CRn=14 CRm=8..15, and PMINTENSET/CLR_EL1, PMMIR_EL1 (op1=0). */
static bool is_pmu_reg(const struct sysreg_access *a)
{
	if (a->op0 != 3)
		return false;
	if (a->op1 == 3)
		return (a->crn == 9 && a->crm >= 12 && a->crm <= 14) || (a->crn == 14 && a->crm >= 8);
	return a->op1 == 0 && a->crn == 9 && a->crm == 14 &&
	       (a->op2 == 1 || a->op2 == 2 || a->op2 == 6);
}

#define IS_PMUSERENR(a) ((a)->op1 == 3 && (a)->crn == 9 && (a)->crm == 14 && (a)->op2 == 0)

static void activate(struct vcpu *v)
{
	vcpu_ctx_put(v);	/* the next entry loads it with the PMU, MDCR_EL2 */
	v->arch.pmu.active = true;
	v->arch.mdcr &= ~MDCR_TPM;
}

/* A PMU access while MDCR_EL2.TPM is set: the vCPU's first real use. */
enum sysreg_result vpmu_emulate(struct vcpu *v, const struct sysreg_access *a, u64 *val)
{
	struct vcpu_pmu *p = &v->arch.pmu;

	if (!is_pmu_reg(a))
		return SYSREG_NOT_MINE;
	if (!pmu_present)
		return SYSREG_UNDEF;
	if (!IS_PMUSERENR(a)) {
		activate(v);
		return SYSREG_RETRY;	/* runs natively with the vCPU's PMU loaded */
	}
	/* PMUSERENR_EL0 is shadowed; only enabling EL0 access activates. */
	if (a->read)
		*val = p->userenr;
	else
		p->userenr = *val & 0xf;
	if (p->userenr)
		activate(v);
	return SYSREG_DONE;
}
