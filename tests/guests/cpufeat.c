/*
 * CPU feature isolation (2 vCPUs on one pCPU): ID registers hide what the
 * hypervisor does not switch (EL2 stays visible), SVE instructions UNDEF,
 * debug registers live in a per-vCPU shadow (OS lock, DCC UNDEF), the PMU
 * counts and is switched per vCPU. Also prints the cost of a trapped
 * sysreg exit before and after the PMU is in use (ns; under -icount
 * shift=0 one ns is one instruction).
 */
#include "guest.h"

#define EC(esr) (((esr) >> 26) & 0x3f)
#define FIELD(v, s) (((v) >> (s)) & 0xf)
#define EXITS 1000

static volatile unsigned int vcpu1_done;
static volatile uint64_t v1_selr, v1_ccfiltr, v1_bvr0, v1_mdscr, v1_oslsr, v1_cntp_cval, v1_cntp_ctl;
static uint8_t stack1[8192] __attribute__((aligned(16)));

static void check(const char *name, int ok, uint64_t got)
{
	if (ok)
		pass(name);
	else
		fail(name, got);
}

/* Did the statement fault, and with which exception class? */
#define FAULTS(stmt, ec) ({ int __b = faults; stmt; faults == __b + 1 && EC(last_esr) == (ec); })

static void check_idregs(void)
{
	uint64_t pfr0 = sysreg_read(id_aa64pfr0_el1), pfr1 = sysreg_read(id_aa64pfr1_el1);
	uint64_t isar1 = sysreg_read(id_aa64isar1_el1), isar2 = sysreg_read(s3_0_c0_c6_2);
	uint64_t dfr0 = sysreg_read(id_aa64dfr0_el1), zfr0 = sysreg_read(s3_0_c0_c4_4);

	check("id-el2-visible", FIELD(pfr0, 8) != 0, pfr0);
	check("id-el0-el1-aarch64", FIELD(pfr0, 0) && FIELD(pfr0, 4), pfr0);
	check("id-sve-hidden", FIELD(pfr0, 32) == 0 && zfr0 == 0, pfr0);
	check("id-amu-mpam-ras-hidden", (pfr0 & 0xff0f0000000ULL) == 0 && FIELD(pfr0, 28) == 0, pfr0);
	check("id-mte-sme-hidden", FIELD(pfr1, 8) == 0 && FIELD(pfr1, 24) == 0 && FIELD(pfr1, 16) == 0,
	      pfr1);
	check("id-pauth-hidden", (isar1 & 0xff000ff0ULL) == 0 && (isar2 & 0xff00ULL) == 0, isar1);
	check("id-spe-trace-hidden", FIELD(dfr0, 4) == 0 && FIELD(dfr0, 32) == 0 &&
	      FIELD(dfr0, 40) == 0 && FIELD(dfr0, 44) == 0, dfr0);
	/* Reserved encodings of the ID space are RAZ (ARM ARM D19). */
	check("id-reserved-raz", sysreg_read(s3_0_c0_c3_3) == 0 && sysreg_read(s3_0_c0_c4_3) == 0 &&
	      sysreg_read(s3_0_c0_c7_7) == 0, 0);
	check("id-stable", sysreg_read(id_aa64pfr0_el1) == pfr0 && sysreg_read(id_aa64dfr0_el1) == dfr0,
	      0);
	check("id-write-undef", FAULTS(__asm__ volatile("msr s3_0_c0_c4_0, xzr" ::: "memory"), 0), 0);
}

/* RDVL x0, #1: with CPACR_EL1.ZEN open the hypervisor's CPTR_EL2.TZ trap
 * must come back as UNDEF; with ZEN closed the guest's own trap (0x19) or
 * UNDEF (no SVE in the CPU) are both what hardware would do. */
static void check_sve(void)
{
	uint64_t cpacr = sysreg_read(cpacr_el1);
	int undef;

	sysreg_write(cpacr_el1, cpacr | (3 << 16));
	isb();
	undef = FAULTS(__asm__ volatile(".inst 0x04bf5020" ::: "x0", "memory"), 0);
	check("sve-insn-undef", undef, last_esr);
	sysreg_write(cpacr_el1, cpacr);
	isb();
	__asm__ volatile(".inst 0x04bf5020" ::: "x0", "memory");
	check("sve-insn-zen0-trapped", EC(last_esr) == 0 || EC(last_esr) == 0x19, last_esr);
}

/* LORegions (hidden in ID_AA64MMFR1): LORC_EL1 is one per PE, so it must
 * UNDEF - natively without FEAT_LOR, by the HCR_EL2.TLOR trap with it. */
static void check_lor(void)
{
	check("lorc-undef", FAULTS(sysreg_write(s3_0_c10_c4_3, 1), 0), last_esr);
	check("lorid-undef", FAULTS(__asm__ volatile("mrs x0, s3_0_c10_c4_7" ::: "x0"), 0),
	      last_esr);
}

static void __attribute__((noinline)) bp_target(void)
{
	__asm__ volatile("nop");
}

/* An enabled EL1 breakpoint on code we run (OS lock clear, MDSCR.KDE|MDE,
 * PSTATE.D clear) must not fire: it never reaches the hardware. */
static void check_bp_inert(void)
{
	int before = faults;

	sysreg_write(dbgbvr0_el1, (uint64_t)bp_target);
	sysreg_write(dbgbcr0_el1, (0xf << 5) | (3 << 1) | 1);	/* BAS, PMC = EL1+EL0, E */
	sysreg_write(mdscr_el1, 0xa000);
	__asm__ volatile("msr daifclr, #8\n isb" ::: "memory");
	bp_target();
	__asm__ volatile("msr daifset, #8\n isb" ::: "memory");
	check("dbg-bp-not-in-hw", faults == before, last_esr);
	sysreg_write(dbgbvr0_el1, 0x123456789abcULL);
	sysreg_write(dbgbcr0_el1, 0);
}

/* QEMU 7.2 lacks DBGCLAIM*: the access UNDEFs at EL1 before MDCR_EL2.TDA. */
static void check_claim(void)
{
	int before = faults;

	sysreg_write(dbgclaimset_el1, 0x5);
	if (faults != before) {
		puts_("SKIP dbg-claim-tags: not in this CPU model\n");
		return;
	}
	check("dbg-claim-tags", sysreg_read(dbgclaimclr_el1) == 5 && sysreg_read(dbgclaimset_el1) == 0xff,
	      sysreg_read(dbgclaimclr_el1));
}

static void check_debug(void)
{
	uint64_t dfr0 = sysreg_read(id_aa64dfr0_el1);
	unsigned int brps = FIELD(dfr0, 12) + 1, wrps = FIELD(dfr0, 20) + 1;

	sysreg_write(dbgbvr0_el1, 0x123456789abcULL);
	sysreg_write(dbgbcr0_el1, 0x1e5);
	sysreg_write(dbgwvr1_el1, 0x4000);
	sysreg_write(dbgwcr1_el1, 0x1ff5);
	sysreg_write(mdscr_el1, 0xa000);	/* MDE | KDE: only the shadow sees it */
	isb();
	check("dbg-shadow-readback", sysreg_read(dbgbvr0_el1) == 0x123456789abcULL &&
	      sysreg_read(dbgbcr0_el1) == 0x1e5 && sysreg_read(dbgwvr1_el1) == 0x4000 &&
	      sysreg_read(dbgwcr1_el1) == 0x1ff5 && sysreg_read(mdscr_el1) == 0xa000,
	      sysreg_read(dbgbvr0_el1));
	if (brps < 16)
		check("dbg-bp-beyond-brps-undef",
		      FAULTS(__asm__ volatile("mrs x0, s2_0_c0_c15_4" ::: "x0"), 0), brps);
	(void)wrps;
	check("oslsr-reset-locked", sysreg_read(oslsr_el1) == 0xa, sysreg_read(oslsr_el1));
	sysreg_write(oslar_el1, 0);
	check("oslsr-reflects-oslar", sysreg_read(oslsr_el1) == 0x8, sysreg_read(oslsr_el1));
	check_bp_inert();
	sysreg_write(osdlr_el1, 0);
	check_claim();
	check("mdrar-raz", sysreg_read(mdrar_el1) == 0, 0);
	check("dcc-dbgdtrtx-undef", FAULTS(sysreg_write(dbgdtrtx_el0, 0x41), 0), last_esr);
	check("dcc-mdccsr-undef", FAULTS(__asm__ volatile("mrs x0, mdccsr_el0" ::: "x0"), 0), last_esr);
}

static uint64_t now(void)
{
	isb();
	return sysreg_read(cntvct_el0);
}

/* Nanoseconds per trapped sysreg exit (ACTLR_EL1 reads, HCR_EL2.TACR). */
static uint64_t exit_cost(void)
{
	uint64_t t = now();

	for (int i = 0; i < EXITS; i++)
		(void)sysreg_read(actlr_el1);
	t = now() - t;
	return t * 1000000000ULL / sysreg_read(cntfrq_el0) / EXITS;
}

static void check_pmu_counts(void)
{
	uint64_t a, b;

	sysreg_write(pmccfiltr_el0, 0);			/* count at EL0 and EL1 */
	sysreg_write(pmcntenset_el0, 1ULL << 31);
	sysreg_write(pmcr_el0, sysreg_read(pmcr_el0) | 1);
	isb();
	a = sysreg_read(pmccntr_el0);
	for (volatile int i = 0; i < 10000; i++)
		;
	b = sysreg_read(pmccntr_el0);
	check("pmccntr-counts", b > a, b - a);
}

/*
 * P and U set (not at EL1 or EL0), NSH set (at EL2): these counters could
 * only count the hypervisor's exits. With MDCR_EL2.HPMD/HCCD (PMUv3p1/p5,
 * -cpu max) the CPU stops them at EL2; without (PMUv3, cortex-a53) the
 * hypervisor must clear NSH when it loads the guest's PMU. The first exit
 * after the writes makes it reload them; then the counters must stay 0.
 */
#define PMU_EL2_ONLY (3ULL << 30 | 1ULL << 27)
#define EV_CPU_CYCLES 0x11

static void check_pmu_no_el2(void)
{
	uint64_t cc, ev;

	sysreg_write(pmccfiltr_el0, PMU_EL2_ONLY);
	sysreg_write(pmevtyper0_el0, PMU_EL2_ONLY | EV_CPU_CYCLES);
	sysreg_write(pmcntenset_el0, 1ULL << 31 | 1);
	(void)sysreg_read(actlr_el1);
	sysreg_write(pmccntr_el0, 0);
	sysreg_write(pmevcntr0_el0, 0);
	for (int i = 0; i < EXITS; i++)
		(void)sysreg_read(actlr_el1);
	cc = sysreg_read(pmccntr_el0);
	ev = sysreg_read(pmevcntr0_el0);
	check("pmu-el2-not-counted", cc == 0 && ev == 0, cc | ev << 32);
	sysreg_write(pmcntenclr_el0, 1);
	sysreg_write(pmevtyper0_el0, 0);
	sysreg_write(pmccfiltr_el0, 0);
}

void guest_secondary(uint64_t cpu)
{
	v1_selr = sysreg_read(pmselr_el0);
	v1_ccfiltr = sysreg_read(pmccfiltr_el0);
	v1_bvr0 = sysreg_read(dbgbvr0_el1);
	v1_mdscr = sysreg_read(mdscr_el1);
	v1_oslsr = sysreg_read(oslsr_el1);
	v1_cntp_cval = sysreg_read(cntp_cval_el0);
	v1_cntp_ctl = sysreg_read(cntp_ctl_el0);
	sysreg_write(cntp_cval_el0, 0x1111);
	sysreg_write(pmselr_el0, 2);
	sysreg_write(pmccfiltr_el0, 1ULL << 30);	/* U: not at EL0 */
	sysreg_write(dbgbvr0_el1, 0x7700);
	vcpu1_done = 1;
	psci(0x84000002, 0, 0, 0);	/* CPU_OFF */
}

/* vCPU 1 shares our pCPU: it must see its own reset state, and we ours after. */
static void check_no_leak(void)
{
	sysreg_write(pmselr_el0, 5);
	sysreg_write(pmccfiltr_el0, 1ULL << 31);	/* P: not at EL1 */
	/* The EL1 physical timer: enabled, masked, far in the future. */
	sysreg_write(cntp_cval_el0, 0x7fff000000000000ULL);
	sysreg_write(cntp_ctl_el0, 3);
	if (psci(0xc4000003, 1, (uint64_t)_secondary, (uint64_t)(stack1 + sizeof(stack1)))) {
		fail("psci-cpu-on", 0);
		return;
	}
	while (!vcpu1_done)
		__asm__ volatile("wfe");	/* trapped: the other vCPU runs */
	check("pmu-no-leak-to-vcpu1", v1_selr == 0 && v1_ccfiltr == 0, v1_ccfiltr | v1_selr);
	check("dbg-no-leak-to-vcpu1", v1_bvr0 == 0 && v1_mdscr == 0 && v1_oslsr == 0xa, v1_bvr0);
	check("pmu-own-state-kept", sysreg_read(pmselr_el0) == 5 &&
	      sysreg_read(pmccfiltr_el0) == 1ULL << 31, sysreg_read(pmccfiltr_el0));
	check("dbg-own-state-kept", sysreg_read(dbgbvr0_el1) == 0x123456789abcULL,
	      sysreg_read(dbgbvr0_el1));
	check("cntp-no-leak-to-vcpu1", v1_cntp_cval == 0 && (v1_cntp_ctl & 3) == 0, v1_cntp_cval);
	check("cntp-own-state-kept", sysreg_read(cntp_cval_el0) == 0x7fff000000000000ULL &&
	      (sysreg_read(cntp_ctl_el0) & 3) == 3, sysreg_read(cntp_cval_el0));
}

void guest_main(uint64_t dtb)
{
	uint64_t before, after;

	puts_("cpufeat guest\n");
	before = exit_cost();
	check_idregs();
	check_sve();
	check_lor();
	check_debug();
	check_pmu_counts();
	check_pmu_no_el2();
	after = exit_cost();
	puts_("exit ns: pmu-idle ");
	puthex(before);
	puts_(" pmu-active ");
	puthex(after);
	puts_("\n");
	check_no_leak();
	puts_("guest: done\n");
}
