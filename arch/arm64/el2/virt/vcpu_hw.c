/* Loading and saving a vCPU's EL1 state and the EL2 controls for guests. */
#include <arch/fpsimd.h>
#include <arch/sysreg.h>
#include <kernel/arch_interface.h>
#include <kernel/init.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <virt/vcpu_ctx.h>
#include <virt/vcpu_hw.h>
#include <virt/vm.h>
#include <virt/vmem_hw.h>
#include <virt/vsysreg.h>

#define HCR_VM BIT_ULL(0)
#define HCR_SWIO BIT_ULL(1)
#define HCR_FMO BIT_ULL(3)
#define HCR_IMO BIT_ULL(4)
#define HCR_AMO BIT_ULL(5)
#define HCR_PTW BIT_ULL(2)
#define HCR_FB BIT_ULL(9)
#define HCR_BSU_IS BIT_ULL(10)
#define HCR_TWI BIT_ULL(13)
#define HCR_TWE BIT_ULL(14)
#define HCR_TID3 BIT_ULL(18)
#define HCR_TSC BIT_ULL(19)
#define HCR_TIDCP BIT_ULL(20)
#define HCR_TACR BIT_ULL(21)
#define HCR_TSW BIT_ULL(22)
#define HCR_RW BIT_ULL(31)
#define HCR_TLOR BIT_ULL(35)
#define HCR_TERR BIT_ULL(36)

/* ID_AA64PFR0_EL1.RAS (FEAT_RAS): HCR_EL2.TERR exists. */
#define PFR0_RAS(p) (((p) >> 28) & 0xf)
/* ID_AA64MMFR1_EL1.LO (FEAT_LOR): HCR_EL2.TLOR exists. */
#define MMFR1_LO(m) (((m) >> 16) & 0xf)
/* ID_AA64PFR1_EL1.SME (FEAT_SME): TPIDR2_EL0 exists. */
#define PFR1_SME(p) (((p) >> 24) & 0xf)

/*
 * Registers a guest can use although their features are hidden, because
 * nothing traps them without fine-grained traps: with RAS, DISR_EL1 (an
 * EL1 access goes to VDISR_EL2 while HCR_EL2.AMO is set); with SME,
 * TPIDR2_EL0. One per PE: switched with the vCPU where they exist (found
 * by tests/system/test_vms.py's register leak scan on -cpu max).
 */
enum { EXTRA_VDISR = 1, EXTRA_TPIDR2 = 2 };

static unsigned int extra;	/* the same on every CPU */

/* At boot, before any VM (autostart runs at a later level): read on the
 * world switch, where the lazy test cost a few instructions each time. */
static int vcpu_hw_setup(void)
{
	extra = (PFR0_RAS(read_sysreg(id_aa64pfr0_el1)) ? EXTRA_VDISR : 0) |
		(PFR1_SME(read_sysreg(id_aa64pfr1_el1)) ? EXTRA_TPIDR2 : 0);
	return 0;
}
INITCALL(vcpu_hw_setup);

static unsigned int extra_regs(void)
{
	return extra;
}

static void extra_load(const struct vcpu_sysregs *s)
{
	unsigned int x = extra_regs();

	if (x & EXTRA_VDISR)
		write_sysreg(s3_4_c12_c1_1, s->vdisr);		/* VDISR_EL2 */
	if (x & EXTRA_TPIDR2)
		write_sysreg(s3_3_c13_c0_5, s->tpidr2);		/* TPIDR2_EL0 */
}

static void extra_save(struct vcpu_sysregs *s)
{
	unsigned int x = extra_regs();

	if (x & EXTRA_VDISR)
		s->vdisr = read_sysreg(s3_4_c12_c1_1);
	if (x & EXTRA_TPIDR2)
		s->tpidr2 = read_sysreg(s3_3_c13_c0_5);
}

/*
 * What a guest runs with (ARM ARM D13.2.46): stage 2 on, interrupts
 * virtualised; WFI/WFE, SMC, set/way cache maintenance, ACTLR and the
 * IMPLEMENTATION DEFINED registers (TIDCP: they may reach host state)
 * trapped; TLB and cache maintenance broadcast inner-shareable (FB,
 * BSU=IS) so that a vCPU moving between pCPUs leaves nothing stale; stage-1
 * walks that land on device memory fault (PTW). ID group 3 reads trap
 * (TID3) so that idregs.c hides what is not switched; with RAS, the error
 * record registers trap (TERR) and get UNDEF, RAS being hidden; with
 * LORegions, so do LORSA/LOREA/LORN/LORC/LORID (TLOR): one set per PE,
 * not switched, and hidden too.
 */
u64 vcpu_hw_default_hcr(void)
{
	u64 hcr = HCR_VM | HCR_SWIO | HCR_PTW | HCR_FMO | HCR_IMO | HCR_AMO | HCR_FB |
		  HCR_BSU_IS | HCR_TWI | HCR_TWE | HCR_TSC | HCR_TIDCP | HCR_TACR | HCR_TSW |
		  HCR_TID3 | HCR_RW;

	if (PFR0_RAS(read_sysreg(id_aa64pfr0_el1)))
		hcr |= HCR_TERR;
	if (MMFR1_LO(read_sysreg(id_aa64mmfr1_el1)))
		hcr |= HCR_TLOR;
	return hcr;
}

/*
 * CPTR_EL2 (E2H = 0; ARM ARM D13.2.31): SVE (TZ), SME (TSM) and the activity
 * monitors (TAM) are never given to guests: their state is not switched and
 * ID_AA64PFR*_EL1 hide them. System-register trace unit accesses (TTA) trap
 * too: trace is hidden in ID_AA64DFR0_EL1. An SVE/SME instruction that
 * reaches EL2 (EC 0x19/0x1d) gets UNDEF from the default exit handler. FP/SIMD (TFP) traps until this vCPU owns the
 * pCPU's FP registers.
 */
#define CPTR_RES1 (BIT(13) | BIT(9) | 0xffULL)
#define CPTR_TZ BIT(8)
#define CPTR_TFP BIT(10)
#define CPTR_TSM BIT(12)
#define CPTR_TTA BIT(20)
#define CPTR_TAM BIT(30)
#define CPTR_GUEST (CPTR_RES1 | CPTR_TZ | CPTR_TSM | CPTR_TTA | CPTR_TAM)

static struct vcpu *fp_owner[CONFIG_MAX_CPUS];

/* EC 0x07 from the guest, IRQs masked: make v the owner of this pCPU's FP. */
void vcpu_hw_fp_trap(struct vcpu *v)
{
	struct vcpu **owner = &fp_owner[arch_cpu_id()];

	write_sysreg(cptr_el2, CPTR_GUEST);	/* FP usable at EL2 for the copy */
	isb();
	if (*owner == v)
		return;
	if (*owner)
		fpsimd_save(&(*owner)->arch.fp);
	fpsimd_load(&v->arch.fp);
	*owner = v;
}

/* v's thread ends (on its pCPU): its FP state is no longer anyone's. */
void vcpu_hw_fp_release(struct vcpu *v)
{
	unsigned long flags = arch_irq_save();

	if (fp_owner[arch_cpu_id()] == v)
		fp_owner[arch_cpu_id()] = NULL;
	arch_irq_restore(flags);
}

/*
 * The EL1 physical timer is the guest's to use (CNTHCTL_EL2.EL1PCEN) but
 * one per pCPU, so it is switched like the rest of EL1: no VM sees or
 * inherits another's settings. Few guests touch it (the QEMU virt DTB
 * steers them to the virtual timer), so what the hardware holds is
 * remembered and only a difference is written: a timer register write is
 * cheap on hardware but costly on an emulator (QEMU re-arms a host timer).
 * Remembered at the save: every load on a pCPU follows the save of the
 * vCPU loaded there before (vcpu_ctx.c), or is its first (not known).
 */
struct cntp_hw {
	u64 ctl, cval;
	bool known;
};

static struct cntp_hw cntp_hw[CONFIG_MAX_CPUS];

#define CNTP_CTL_ENABLE BIT(0)
#define CNTP_CTL_RW (BIT(0) | BIT(1))	/* ENABLE, IMASK; ISTATUS is read-only */

static void cntp_load(const struct vcpu_sysregs *s)
{
	struct cntp_hw *h = &cntp_hw[arch_cpu_id()];

	if (!h->known || h->cval != s->cntp_cval)
		write_sysreg(cntp_cval_el0, s->cntp_cval);
	if (!h->known || h->ctl != (s->cntp_ctl & CNTP_CTL_RW))
		write_sysreg(cntp_ctl_el0, s->cntp_ctl & CNTP_CTL_RW);
}

/* Saved, then disabled so that it cannot fire while the guest is out.
 * While the context stays loaded across an exit it may fire: its PPI 30 is
 * not enabled in the host (nor delivered to guests), so that is harmless. */
static void cntp_save(struct vcpu_sysregs *s)
{
	struct cntp_hw *h = &cntp_hw[arch_cpu_id()];

	s->cntp_ctl = read_sysreg(cntp_ctl_el0) & CNTP_CTL_RW;
	s->cntp_cval = read_sysreg(cntp_cval_el0);
	h->ctl = s->cntp_ctl;
	h->cval = s->cntp_cval;
	h->known = true;
	if (s->cntp_ctl & CNTP_CTL_ENABLE) {
		write_sysreg(cntp_ctl_el0, 0);
		h->ctl = 0;
	}
}

/*
 * SErrors (asynchronous external aborts). The host keeps PSTATE.A masked,
 * so one stays pending until something unmasks it or an ESB defers it
 * (FEAT_RAS: into DISR_EL1, A [31] set). Before entry, whatever is pending
 * is the host's: an unmask window takes it at cur_sp0_serror, a host
 * panic, before it could be blamed on the guest about to run. After exit,
 * it is the guest's (guest.S's exit window, or DISR_EL1 here): vCPU exit
 * handling crashes that VM alone.
 */
#define DISR_A BIT_ULL(31)

static bool has_ras(void)
{
	return extra_regs() & EXTRA_VDISR;
}

static void serror_sync_host(void)
{
	u64 disr;

	__asm__ volatile("hint #16" ::: "memory");	/* ESB */
	disr = has_ras() ? read_sysreg_s("s3_0_c12_c1_1") : 0;	/* DISR_EL1 */
	if (disr & DISR_A)
		panic("SError in the host (DISR_EL1 %#llx)", (unsigned long long)disr);
	__asm__ volatile("msr daifclr, #4\n isb\n msr daifset, #4" ::: "memory");
}

/* After guest.S's ESB: an SError the guest caused, deferred. */
static void serror_sync_guest(struct vcpu *v)
{
	u64 disr;

	if (!has_ras())
		return;
	disr = read_sysreg_s("s3_0_c12_c1_1");
	if (!(disr & DISR_A))
		return;
	write_sysreg_s("s3_0_c12_c1_1", 0);
	if (!v->arch.ctx.serror)
		v->arch.ctx.serror = disr;
}

/* Host view while no guest runs (see cpu_el2.c). */
#define HCR_HOST (HCR_RW | HCR_AMO | HCR_IMO | HCR_FMO)

#define CNTV_CTL_ENABLE BIT(0)
#define CNTV_CTL_IMASK BIT(1)

/*
 * Two registers at a time, the two adjacent fields' accesses paired
 * (LDP/STP): one register per statement, each system register access an
 * ordered asm, left a load or store per register (45 instructions each
 * way, 35 paired). The compiler pairs the stores itself; the loads it
 * does not, hence the LDP.
 */
#define EL1_LOAD2(f1, r1, f2, r2) do {					\
	u64 v1_, v2_;							\
									\
	_Static_assert(offsetof(struct vcpu_sysregs, f2) ==		\
		       offsetof(struct vcpu_sysregs, f1) + 8, "pair");	\
	/* Ump: an address LDP takes (base + scaled immediate) */	\
	__asm__("ldp %0, %1, %2" : "=&r"(v1_), "=&r"(v2_)		\
		: "Ump"(s->f1), "m"(s->f2));				\
	write_sysreg(r1, v1_);						\
	write_sysreg(r2, v2_);						\
} while (0)

#define EL1_SAVE2(f1, r1, f2, r2) do {			\
	u64 v1_ = read_sysreg(r1), v2_ = read_sysreg(r2);	\
	s->f1 = v1_;					\
	s->f2 = v2_;					\
} while (0)

/* The 22 EL1 registers every guest has, in struct vcpu_sysregs order. */
#define EL1_REGS(op)								\
	op(sctlr, sctlr_el1, cpacr, cpacr_el1);					\
	op(ttbr0, ttbr0_el1, ttbr1, ttbr1_el1);					\
	op(tcr, tcr_el1, esr, esr_el1);						\
	op(afsr0, afsr0_el1, afsr1, afsr1_el1);					\
	op(far, far_el1, mair, mair_el1);					\
	op(amair, amair_el1, vbar, vbar_el1);					\
	op(contextidr, contextidr_el1, tpidr_el0, tpidr_el0);			\
	op(tpidrro_el0, tpidrro_el0, tpidr_el1, tpidr_el1);			\
	op(sp_el1, sp_el1, elr_el1, elr_el1);					\
	op(spsr_el1, spsr_el1, par, par_el1);					\
	op(cntkctl, cntkctl_el1, csselr, csselr_el1)

static void el1_regs_load(const struct vcpu_sysregs *s)
{
	EL1_REGS(EL1_LOAD2);
	extra_load(s);
	cntp_load(s);
}

static void el1_regs_save(struct vcpu_sysregs *s)
{
	EL1_REGS(EL1_SAVE2);
	extra_save(s);
	cntp_save(s);
}

/*
 * Everything switched when a vCPU's thread comes to this pCPU (from its
 * first entry; virt/vcpu_ctx.c): EL1, both EL1 timers, MPIDR, stage 2,
 * MDCR_EL2 (debug registers trapped, vdebug.c), the PMU once used
 * (vpmu.c), FP ownership (CPTR_EL2.TFP: nothing else writes it but
 * vcpu_hw_fp_trap() for this same vCPU). None of it affects the host at
 * EL2 (E2H = 0), so it stays across exits handled on this thread.
 */
void vcpu_hw_el1_load(struct vcpu *v)
{
	el1_regs_load(&v->arch.el1_saved_);
	write_sysreg(vmpidr_el2, v->arch.vmpidr);
	write_sysreg(cntvoff_el2, v->vm->cntvoff);
	write_sysreg(cntv_cval_el0, v->arch.cntv.cval);
	write_sysreg(cntv_ctl_el0, v->arch.cntv.ctl);
	v->arch.cntv.masked = false;
	vmem_hw_load((u64)v->vm->s2_root, v->vm->vmid);
	v->arch.host_mdcr = read_sysreg(mdcr_el2);
	write_sysreg(mdcr_el2, v->arch.mdcr);
	if (v->arch.pmu.active)
		vpmu_load(v);
	write_sysreg(cptr_el2, fp_owner[arch_cpu_id()] == v ? CPTR_GUEST : CPTR_GUEST | CPTR_TFP);
}

/* Its thread leaves the pCPU: save it, give the host its PMU and MDCR_EL2
 * back, and stop the guest's timers (the exit snapshot in v->arch.cntv is
 * what the guest left). */
void vcpu_hw_el1_save(struct vcpu *v)
{
	if (v->arch.pmu.active)
		vpmu_save(v);	/* first: the guest's counters stop */
	write_sysreg(mdcr_el2, v->arch.host_mdcr);
	el1_regs_save(&v->arch.el1_saved_);
	write_sysreg(cntv_ctl_el0, 0);
	v->arch.cntv.masked = false;
}

/*
 * Nothing else ready on this pCPU: let the guest's WFI idle the CPU
 * directly instead of trapping (its interrupts still exit to EL2 and are
 * injected at once), saving a block/wake-up through the host scheduler on
 * every timer interrupt (ARM ARM D13.2.46, HCR_EL2.TWI). A guest that then
 * takes only fast-path exits (its timer, SGIs, console MMIO) never comes
 * back here by itself: a thread that becomes ready on this pCPU kicks it
 * out (sched_guest_idle_begin(), kernel/sched.c), its IRQ exit is a full
 * one, and the next entry traps WFI again.
 */
static u64 entry_hcr(const struct vcpu *v)
{
	return sched_guest_idle_begin() ? v->arch.hcr & ~HCR_TWI : v->arch.hcr;
}

/* Before each entry, the context loaded (vcpu_ctx_enter()). */
void vcpu_hw_load(struct vcpu *v)
{
	serror_sync_host();
	if (v->arch.cntv.masked) {
		write_sysreg(cntv_ctl_el0, v->arch.cntv.ctl);
		v->arch.cntv.masked = false;
	}
	write_sysreg(hcr_el2, entry_hcr(v));
	isb();
}

/*
 * After each exit: the guest's SError and its virtual timer. The timer
 * stays loaded, so a guest timer that could fire (enabled, not masked) is
 * masked until the next entry: its level-sensitive PPI would otherwise
 * interrupt the host again and again while this thread handles the exit.
 */
void vcpu_hw_save(struct vcpu *v)
{
	struct vcpu_cntv *c = &v->arch.cntv;

	serror_sync_guest(v);
	vpmu_exit(v);
	c->ctl = read_sysreg(cntv_ctl_el0);
	c->cval = read_sysreg(cntv_cval_el0);
	c->masked = (c->ctl & (CNTV_CTL_ENABLE | CNTV_CTL_IMASK)) == CNTV_CTL_ENABLE;
	if (c->masked)
		write_sysreg(cntv_ctl_el0, c->ctl | CNTV_CTL_IMASK);
	write_sysreg(hcr_el2, HCR_HOST);
	isb();
	sched_guest_idle_end();
}

/* The scheduler's hook (kernel/arch_interface.h). */
void arch_thread_switch_out(struct thread *from)
{
	(void)from;
	vcpu_ctx_switch_out();
}

u64 vcpu_hw_live_cntv_ctl(void)
{
	return read_sysreg(cntv_ctl_el0);
}

u64 vcpu_hw_live_cntv_deadline(void)
{
	return read_sysreg(cntv_cval_el0) + read_sysreg(cntvoff_el2);
}

void vcpu_hw_reset_sysregs(struct vcpu *v)
{
	struct vcpu_sysregs *s = vcpu_el1(v);

	*s = (struct vcpu_sysregs){ 0 };
	/* SCTLR_EL1 architectural reset: MMU and caches off, RES1 bits set. */
	s->sctlr = 0x30d00800ULL;
	v->arch.cntv = (struct vcpu_cntv){ 0 };
	v->arch.vmpidr = BIT_ULL(31) | v->id;	/* RES1 bit 31, Aff0 = vCPU id */
	v->arch.hcr = vcpu_hw_default_hcr();
	vdebug_reset(v);	/* MDSCR_EL1 and the debug registers: shadow only */
	vpmu_reset(v);
}
