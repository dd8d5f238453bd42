/*
 * World switch between a vCPU thread (EL2t) and its guest (EL1).
 *
 * __guest_enter(ctx) saves the host's callee-saved registers and SP_EL0 in
 * ctx->host, loads the guest's general registers, ELR and SPSR, and ERETs.
 * Any exception from the guest lands on the lower-EL vectors (vectors.S),
 * on this CPU's exception stack, which branch to guest_exit_* here: the
 * guest's registers go back into the context found through percpu, the
 * host's are restored, and __guest_enter returns the exit kind to its
 * caller. EL1 system registers are switched in C (virt/vcpu*.c).
 */
#include <arch/el.h>
#include <arch/exception.h>
#include <arch/guest_ctx.h>

/* x2-x17 to/from ctx->x[] (the guest's registers) at \base. */
.macro guest_regs op, base
	\op	x2, x3, [\base, #16 * 1]
	\op	x4, x5, [\base, #16 * 2]
	\op	x6, x7, [\base, #16 * 3]
	\op	x8, x9, [\base, #16 * 4]
	\op	x10, x11, [\base, #16 * 5]
	\op	x12, x13, [\base, #16 * 6]
	\op	x14, x15, [\base, #16 * 7]
	\op	x16, x17, [\base, #16 * 8]
.endm

/* x2-x30 to/from ctx->x[] at \base (\pair stp/ldp, \single str/ldr); x0/x1
 * are the caller's business (on an exit, on the stack). */
.macro guest_regs_x2_x30 pair, single, base
	guest_regs \pair, \base
	\pair	x18, x19, [\base, #16 * 9]
	\pair	x20, x21, [\base, #16 * 10]
	\pair	x22, x23, [\base, #16 * 11]
	\pair	x24, x25, [\base, #16 * 12]
	\pair	x26, x27, [\base, #16 * 13]
	\pair	x28, x29, [\base, #16 * 14]
	\single	x30, [\base, #16 * 15]
.endm

/* Every general register of the guest into its ctx, x0/x1 from the stack
 * (left there for the way back); x0 = ctx. */
.macro guest_all_regs_to_ctx
	mrs	x0, tpidr_el2
	ldr	x0, [x0, #CPU_ARCH_GUEST_CTX]
	guest_regs_x2_x30 stp, str, x0
	ldp	x2, x3, [sp]			/* the guest's x0, x1 */
	stp	x2, x3, [x0, #16 * 0]
.endm

/* Past the trapped instruction: ELR_EL2 += 4. */
.macro guest_step_past
	mrs	x0, elr_el2
	add	x0, x0, #4
	msr	elr_el2, x0
.endm

/* After a fast path's C call: the guest's caller-saved registers back from
 * its ctx (x0/x1 stay on the stack; x19-x29 the call preserved). */
.macro guest_caller_saved_back
	mrs	x1, tpidr_el2
	ldr	x1, [x1, #CPU_ARCH_GUEST_CTX]
	guest_regs ldp, x1
	ldr	x18, [x1, #16 * 9]
	ldr	x30, [x1, #16 * 15]
.endm

	.text
	.global __guest_enter
	.type __guest_enter, %function
__guest_enter:
	stp	x19, x20, [x0, #GCTX_HOST + 0]
	stp	x21, x22, [x0, #GCTX_HOST + 16]
	stp	x23, x24, [x0, #GCTX_HOST + 32]
	stp	x25, x26, [x0, #GCTX_HOST + 48]
	stp	x27, x28, [x0, #GCTX_HOST + 64]
	stp	x29, x30, [x0, #GCTX_HOST + 80]
	mov	x1, sp
	str	x1, [x0, #GCTX_HOST + 96]
	mrs	x1, tpidr_el2
	str	x0, [x1, #CPU_ARCH_GUEST_CTX]
	/* SP_EL0 is our stack: switch to SP_EL2 before giving SP_EL0 to the guest. */
	msr	spsel, #1
	ldr	x1, [x0, #GCTX_SP_EL0]
	msr	sp_el0, x1
	ldp	x1, x2, [x0, #GCTX_PC]
	msr	elr_el2, x1
	msr	spsr_el2, x2
	guest_regs_x2_x30 ldp, ldr, x0
	ldp	x0, x1, [x0, #16 * 0]
	eret
	.size __guest_enter, . - __guest_enter

/*
 * IRQ from the guest, on SP_EL2 with the guest's x0/x1 pushed there. Offer
 * it first to vcpu_irq_fast() (C, IRQs masked, on this exception stack):
 * an interrupt it can inject without the exit - the guest's own timer -
 * costs only the registers a C call may clobber (AAPCS64: x0-x18, x30;
 * x19-x29 it preserves). EL1 state, SP_EL0, ELR/SPSR_EL2 and FP/SIMD
 * (the hypervisor is built -mgeneral-regs-only) stay the guest's. If it
 * declines, the registers are put back and this becomes a full exit.
 */
/* The caller-saved registers into ctx, \fn(ctx), back; eret if it returns
 * true, else the full exit (1: in guest_irq). */
.macro guest_irq_call fn
	mrs	x0, tpidr_el2
	ldr	x0, [x0, #CPU_ARCH_GUEST_CTX]
	guest_regs stp, x0
	str	x18, [x0, #16 * 9]
	str	x30, [x0, #16 * 15]
	bl	\fn
	guest_caller_saved_back
	cbz	w0, 1f
	ldp	x0, x1, [sp], #16
	eret
.endm

	.global guest_irq
guest_irq:
	/* Neither of the two interrupts the fast paths take is the highest
	 * pending one (ICC_HPPIR1_EL1, IHI 0069 12.2.9; it acknowledges
	 * nothing): a full exit, with no registers saved twice. */
	mrs	x0, icc_hppir1_el1
	and	w0, w0, #0xffffff
	cmp	w0, #GUEST_IRQ_FAST_VTIMER
	b.eq	2f
	cmp	w0, #GUEST_IRQ_FAST_KICK
	b.ne	1f
	guest_irq_call vcpu_kick_irq
2:	guest_irq_call vcpu_irq_fast
1:	mov	x1, #GUEST_EXIT_IRQ
	b	guest_exit_irq

/*
 * Synchronous exception from the guest, on SP_EL2 with the guest's x0/x1
 * pushed there. A write of ICC_SGI1R_EL1 (ESR_EL2: EC 0x18, IL, Op0 3,
 * Op2 5, Op1 0, CRn 12, CRm 11, write; any Rt - ARM ARM D17.2.37) is
 * offered to vcpu_sgi_fast() like an IRQ to vcpu_irq_fast(), with every
 * general register in ctx since the operand may be any of them; if it
 * delivers, ELR_EL2 steps past the MSR and the guest resumes. A data abort
 * (EC 0x24) is offered to vcpu_dabt_fast() the same way, with FAR_EL2 and
 * HPFAR_EL2: an MMIO access its device completes atomically resumes the
 * guest with every general register reloaded from ctx (a load's result may
 * be in any of them). Everything else, and a refusal, is a full exit.
 */
#define ESR_SGI1R_WRITE 0x623a3016	/* the ISS.Rt bits [9:5] masked out */
	.global guest_sync
guest_sync:
	mrs	x0, esr_el2
	and	w0, w0, #0xfffffc1f
	movz	w1, #(ESR_SGI1R_WRITE & 0xffff)
	movk	w1, #(ESR_SGI1R_WRITE >> 16), lsl #16
	cmp	w0, w1
	b.ne	guest_sync_dabt
	.global guest_sync_sgi		/* for bench/exit_trace.py */
guest_sync_sgi:
	guest_all_regs_to_ctx
	mrs	x1, esr_el2
	bl	vcpu_sgi_fast
	guest_caller_saved_back
	cbz	w0, 1f
	guest_step_past
	ldp	x0, x1, [sp], #16
	eret
1:	mov	x1, #GUEST_EXIT_SYNC
	b	guest_exit

#define ESR_EC_DABT_LOW 0x24
guest_sync_dabt:			/* w0: ESR_EL2 with ISS.Rt masked */
	lsr	w0, w0, #26
	cmp	w0, #ESR_EC_DABT_LOW
	b.ne	1b
	guest_all_regs_to_ctx
	mrs	x1, esr_el2
	mrs	x2, far_el2
	mrs	x3, hpfar_el2
	bl	vcpu_dabt_fast
	cbz	w0, 2f
	guest_step_past
	add	sp, sp, #16			/* the pushed x0, x1: stale */
	mrs	x1, tpidr_el2
	ldr	x1, [x1, #CPU_ARCH_GUEST_CTX]
	guest_regs_x2_x30 ldp, ldr, x1
	ldp	x0, x1, [x1, #16 * 0]
	eret
2:	guest_caller_saved_back
	b	1b

/* The guest's general registers (x0/x1 from the stack), SP_EL0, ELR and
 * SPSR_EL2 into its ctx; x0 = ctx. */
.macro guest_exit_save
	mrs	x0, tpidr_el2
	ldr	x0, [x0, #CPU_ARCH_GUEST_CTX]
	guest_regs_x2_x30 stp, str, x0
	ldp	x2, x3, [sp], #16		/* the guest's x0, x1 */
	stp	x2, x3, [x0, #16 * 0]
	mrs	x2, sp_el0
	str	x2, [x0, #GCTX_SP_EL0]
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [x0, #GCTX_PC]
.endm

/* An IRQ exit (x1 = GUEST_EXIT_IRQ): ESR, FAR and HPFAR_EL2 describe no
 * exception of the guest's (only synchronous exits read them): not saved. */
guest_exit_irq:
	guest_exit_save
	b	guest_exit_window

/* Entered from the lower-EL vectors on SP_EL2 with the guest's x0/x1 pushed
 * there and x1 = exit kind. */
	.global guest_exit
guest_exit:
	guest_exit_save
	mrs	x2, esr_el2
	mrs	x3, far_el2
	stp	x2, x3, [x0, #GCTX_ESR]
	mrs	x2, hpfar_el2
	str	x2, [x0, #GCTX_HPFAR]
guest_exit_window:
	/*
	 * An SError the guest caused belongs to this guest. The host runs with
	 * PSTATE.A masked, so one still pending would otherwise be taken at
	 * the next guest entry on this pCPU, maybe another VM's. ESB (HINT #16,
	 * a NOP without FEAT_RAS) defers it into DISR_EL1, which vcpu_hw_save()
	 * reads; without RAS, this unmask window takes it: spx_serror
	 * (entry_el2.S) sees ELR_EL2 in [guest_serror_window, _end], puts its
	 * ESR_EL2 in x4 and returns (a pending SError is taken once the unmask
	 * takes effect, at the latest after the ISB, the context
	 * synchronisation event). ELR, SPSR and (but for an IRQ) ESR_EL2 are
	 * saved above: the window may overwrite them.
	 */
	hint	#16
	mov	x4, #0
	msr	daifclr, #4
	.global guest_serror_window, guest_serror_window_end
guest_serror_window:
	isb
guest_serror_window_end:
	msr	daifset, #4
	str	x4, [x0, #GCTX_SERROR]
	mrs	x2, tpidr_el2
	str	xzr, [x2, #CPU_ARCH_GUEST_CTX]
	/* Back to the host thread: its stack, its registers, its caller. */
	ldr	x2, [x0, #GCTX_HOST + 96]
	msr	sp_el0, x2
	msr	spsel, #0
	ldp	x19, x20, [x0, #GCTX_HOST + 0]
	ldp	x21, x22, [x0, #GCTX_HOST + 16]
	ldp	x23, x24, [x0, #GCTX_HOST + 32]
	ldp	x25, x26, [x0, #GCTX_HOST + 48]
	ldp	x27, x28, [x0, #GCTX_HOST + 64]
	ldp	x29, x30, [x0, #GCTX_HOST + 80]
	mov	x0, x1
	ret
