/*
 * arch_switch(from, to): save the AAPCS64 callee-saved state of `from` into
 * its struct thread_arch (the first member of struct thread) and resume `to`.
 * Called with interrupts masked; the caller-saved registers are already
 * spilled by the compiler, and an interrupted thread's full state is in its
 * exception frame further up its own stack.
 */
#include <arch/thread_arch.h>
#include <arch/exception.h>
#include <arch/el.h>

	.text
	.global arch_switch
	.type arch_switch, %function
arch_switch:
	stp	x19, x20, [x0, #THREAD_ARCH_X19 + 0]
	stp	x21, x22, [x0, #THREAD_ARCH_X19 + 16]
	stp	x23, x24, [x0, #THREAD_ARCH_X19 + 32]
	stp	x25, x26, [x0, #THREAD_ARCH_X19 + 48]
	stp	x27, x28, [x0, #THREAD_ARCH_X19 + 64]
	stp	x29, x30, [x0, #THREAD_ARCH_FP]
	mov	x2, sp
	str	x2, [x0, #THREAD_ARCH_SP]

	ldp	x19, x20, [x1, #THREAD_ARCH_X19 + 0]
	ldp	x21, x22, [x1, #THREAD_ARCH_X19 + 16]
	ldp	x23, x24, [x1, #THREAD_ARCH_X19 + 32]
	ldp	x25, x26, [x1, #THREAD_ARCH_X19 + 48]
	ldp	x27, x28, [x1, #THREAD_ARCH_X19 + 64]
	ldp	x29, x30, [x1, #THREAD_ARCH_FP]
	ldr	x2, [x1, #THREAD_ARCH_SP]
	mov	sp, x2
	/* The overflow check in the vectors reads the limit from percpu. */
	ldr	x2, [x1, #THREAD_ARCH_STACK_LIMIT]
	mrs	x3, TPIDR_ELx
	str	x2, [x3, #CPU_ARCH_STACK_LIMIT]
	ret
	.size arch_switch, . - arch_switch

/* First code a new thread runs: arch_thread_init() points lr here. */
	.global arch_thread_start
	.type arch_thread_start, %function
arch_thread_start:
	mov	x29, xzr
	mov	x30, xzr
	bl	thread_entry_trampoline
	b	.
	.size arch_thread_start, . - arch_thread_start
