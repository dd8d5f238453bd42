/*
 * Guest exits, dispatched through one table indexed by exception class
 * (like KVM's handle_exit.c). The default for anything not in the table is
 * what hardware without a hypervisor would do with an instruction it does
 * not implement: an undefined-instruction exception in the guest, plus a
 * rate-limited log line. The host never stops because of a guest.
 */
#include <arch/esr.h>
#include <arch/sysreg.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <virt/exits.h>
#include <virt/vcpu_hw.h>
#include <virt/virq.h>
#include <virt/vm.h>
#include <virt/vtimer.h>
#include <virt/vpsci.h>

typedef bool (*exit_handler)(struct vcpu *v, u64 esr);

static void skip_insn(struct vcpu *v, u64 esr)
{
	v->arch.ctx.pc += (esr & ESR_IL) ? 4 : 2;
}

static bool handle_undef(struct vcpu *v, u64 esr)
{
	v->exits[EXIT_UNDEF]++;
	pr_ratelimited(LOG_WARN, "vm%u.vcpu%u: unhandled exit EC %#x (%s) at %#llx: UNDEF injected",
		       v->vm->id, v->id, (unsigned int)ESR_EC(esr), esr_class_name(ESR_EC(esr)),
		       (unsigned long long)v->arch.ctx.pc);
	vcpu_inject_undef(v);
	return true;
}

/* WFI: sleep until an interrupt the guest would take is pending or its
 * virtual timer's deadline passes. wfi_wait is raised before the check so
 * that an injection racing with it gives the semaphore (vcpu_kick). A
 * timer that ends the sleep is injected at the entry (vtimer_wake()). */
static void vcpu_wfi(struct vcpu *v)
{
	v->wfi_done = true;
	WRITE_ONCE(v->wfi_wait, true);
	if (!virq_pending(v)) {
		u64 deadline = vtimer_deadline(v), now = k_now();

		if (deadline > now)
			sem_take(&v->wake, deadline == K_FOREVER ? K_FOREVER : deadline - now);
	}
	WRITE_ONCE(v->wfi_wait, false);
}

static bool handle_wfx(struct vcpu *v, u64 esr)
{
	skip_insn(v, esr);
	if (esr & 1) {		/* ISS.TI: WFE */
		v->exits[EXIT_WFE]++;
		/* A guest spinning on WFE (a lock, a parked CPU) must not hammer
		 * the global scheduler lock: yield only to someone who can run. */
		if (sched_yield_would_switch())
			k_yield();
	} else {
		v->exits[EXIT_WFI]++;
		vcpu_wfi(v);
	}
	return true;
}

static bool handle_hvc(struct vcpu *v, u64 esr)
{
	v->exits[EXIT_HVC]++;	/* ELR already points past the HVC */
	return vpsci_call(v);
}

static bool handle_smc(struct vcpu *v, u64 esr)
{
	v->exits[EXIT_SMC]++;
	skip_insn(v, esr);	/* a trapped SMC returns to the SMC itself */
	return vpsci_call(v);
}

static bool handle_sysreg(struct vcpu *v, u64 esr)
{
	v->exits[EXIT_SYSREG]++;
	switch (sysreg_emulate(v, esr)) {
	case SYSREG_DONE:
		skip_insn(v, esr);
		return true;
	case SYSREG_RETRY:	/* a trap was lifted: run it again natively */
		return true;
	default:
		return handle_undef(v, esr);
	}
}

/* First FP/SIMD use since another vCPU's on this pCPU: switch and retry. */
static bool handle_fp(struct vcpu *v, u64 esr)
{
	unsigned long flags = arch_irq_save();

	v->exits[EXIT_FP]++;
	vcpu_hw_fp_trap(v);
	arch_irq_restore(flags);
	return true;
}

static bool handle_iabt(struct vcpu *v, u64 esr)
{
	u64 ipa = (v->arch.ctx.hpfar >> 4) << 12 | (v->arch.ctx.far & 0xfff);

	v->exits[EXIT_IABT]++;
	pr_ratelimited(LOG_WARN, "vm%u.vcpu%u: instruction fetch from IPA %#llx outside RAM",
		       v->vm->id, v->id, (unsigned long long)ipa);
	vcpu_inject_iabt(v, v->arch.ctx.far);
	return true;
}

static const exit_handler exit_table[64] = {
	[ESR_EC_WFx] = handle_wfx,
	[ESR_EC_FP_ASIMD] = handle_fp,
	[ESR_EC_HVC64] = handle_hvc,
	[ESR_EC_SMC64] = handle_smc,
	[ESR_EC_SYS64] = handle_sysreg,
	[ESR_EC_DABT_LOW] = exit_dabt,
	[ESR_EC_IABT_LOW] = handle_iabt,
};

/*
 * An SError (asynchronous external abort) this guest caused: its memory
 * or a device it owns failed under it. Nothing says what state it left
 * behind, so the VM stops, crashed, and no other: the host caught the
 * SError at this guest's exit (vcpu_hw.c, guest.S) and keeps running.
 */
static void handle_serror(struct vcpu *v, u64 syndrome)
{
	v->arch.ctx.serror = 0;
	pr_ratelimited(LOG_WARN, "vm%u.vcpu%u: SError (syndrome %#llx) near pc %#llx: VM crashed",
		       v->vm->id, v->id, (unsigned long long)syndrome,
		       (unsigned long long)v->arch.ctx.pc);
	vm_halt(v->vm, true, VM_EXIT_SERROR);
}

bool vcpu_handle_exit(struct vcpu *v, int kind)
{
	u64 esr = v->arch.ctx.esr;
	u64 serror = exit_serror_syndrome(kind, esr, v->arch.ctx.serror);
	exit_handler h;

	if (serror) {
		handle_serror(v, serror);
		return true;
	}
	if (kind != GUEST_EXIT_SYNC) {
		v->exits[EXIT_IRQ]++;	/* the host handled it when IRQs were re-enabled */
		return true;
	}
	h = exit_table[ESR_EC(esr)];
	return (h ? h : handle_undef)(v, esr);
}
