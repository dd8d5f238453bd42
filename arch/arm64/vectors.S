/*
 * Exception vectors (ARM ARM D1.10.2: VBAR layout, 16 entries of 0x80 bytes).
 *
 * Kernel threads run in ELxt, i.e. on SP_EL0. Any exception taken to ELx
 * switches to SP_ELx, which always points at the top of this CPU's small
 * exception stack. The entry code checks that the interrupted thread has
 * room for a frame; if so it switches back to SP_EL0 and saves the frame on
 * the thread's own stack (so the scheduler may switch threads from inside an
 * interrupt); if not, the thread overflowed its stack into the guard page
 * and the fatal path runs on the exception stack instead of faulting again.
 */
#include <arch/exception.h>
#include <arch/el.h>

.macro ventry target
	.align 7
	b	\target
.endm

/* Save x0..x30, the interrupted sp (in x2), ELR, SPSR, ESR, FAR at [sp]. */
.macro save_regs
	stp	x0, x1, [sp, #16 * 0]
	stp	x2, x3, [sp, #16 * 1]
	stp	x4, x5, [sp, #16 * 2]
	stp	x6, x7, [sp, #16 * 3]
	stp	x8, x9, [sp, #16 * 4]
	stp	x10, x11, [sp, #16 * 5]
	stp	x12, x13, [sp, #16 * 6]
	stp	x14, x15, [sp, #16 * 7]
	stp	x16, x17, [sp, #16 * 8]
	stp	x18, x19, [sp, #16 * 9]
	stp	x20, x21, [sp, #16 * 10]
	stp	x22, x23, [sp, #16 * 11]
	stp	x24, x25, [sp, #16 * 12]
	stp	x26, x27, [sp, #16 * 13]
	stp	x28, x29, [sp, #16 * 14]
.endm

.macro save_sysregs sp_reg
	stp	x30, \sp_reg, [sp, #16 * 15]
	mrs	x0, ELR_ELx
	mrs	x1, SPSR_ELx
	stp	x0, x1, [sp, #EXC_FRAME_ELR]
	mrs	x0, ESR_ELx
	mrs	x1, FAR_ELx
	stp	x0, x1, [sp, #EXC_FRAME_ESR]
.endm

/* Exception from a thread (SP_EL0 in use). */
.macro thread_entry handler
	stp	x0, x1, [sp, #-16]!
	mrs	x0, sp_el0
	mrs	x1, TPIDR_ELx
	ldr	x1, [x1, #CPU_ARCH_STACK_LIMIT]
	add	x1, x1, #(EXC_FRAME_SIZE + EXC_STACK_MARGIN)
	cmp	x0, x1
	b.lo	thread_stack_overflow
	ldp	x0, x1, [sp], #16
	msr	spsel, #0
	sub	sp, sp, #EXC_FRAME_SIZE
	save_regs
	add	x2, sp, #EXC_FRAME_SIZE
	save_sysregs x2
	mov	x0, sp
	bl	\handler
	b	exc_return
.endm

/* Exception while on the exception stack, or from a lower EL: save on SP_ELx. */
.macro spx_entry handler, kind
	sub	sp, sp, #EXC_FRAME_SIZE
	save_regs
	mrs	x2, sp_el0
	save_sysregs x2
	mov	x0, sp
	mov	x1, #\kind
	bl	\handler
	b	exc_return_spx
.endm

	.section .text.vectors, "ax"
	.align 11
	.global exception_vectors
exception_vectors:
	ventry	cur_sp0_sync
	ventry	cur_sp0_irq
	ventry	cur_sp0_fiq
	ventry	cur_sp0_serror
	ventry	cur_spx_sync
	ventry	cur_spx_irq
	ventry	cur_spx_fiq
	ventry	spx_serror		/* el1/ or el2/entry_elx.S */
	ventry	lower64_sync
	ventry	lower64_irq
	ventry	lower64_fiq
	ventry	lower64_serror
	ventry	lower32_any
	ventry	lower32_any
	ventry	lower32_any
	ventry	lower32_any

	.text
cur_sp0_sync:	thread_entry exc_sync_handler
cur_sp0_irq:	thread_entry exc_irq_handler
cur_sp0_fiq:	spx_entry exc_fatal_handler, 2
cur_sp0_serror:	spx_entry exc_fatal_handler, 3
cur_spx_sync:	spx_entry exc_fatal_handler, 4
cur_spx_irq:	spx_entry exc_fatal_handler, 5
cur_spx_fiq:	spx_entry exc_fatal_handler, 6
	.global cur_spx_serror
cur_spx_serror:	spx_entry exc_fatal_handler, 7
/* Exceptions from a lower EL (lower64_*, lower32_any) are the EL variant's:
 * guest exits at EL2 (el2/entry_el2.S), never expected at EL1 (el1/entry_el1.S),
 * which sends them here. */
	.global exc_from_lower_el
exc_from_lower_el:	spx_entry exc_fatal_handler, 8

thread_stack_overflow:
	ldp	x0, x1, [sp], #16
	sub	sp, sp, #EXC_FRAME_SIZE
	save_regs
	mrs	x2, sp_el0
	save_sysregs x2
	mov	x0, sp
	mov	x1, #1
	bl	exc_fatal_handler
	b	.

.macro restore_regs
	ldp	x0, x1, [sp, #EXC_FRAME_ELR]
	msr	ELR_ELx, x0
	msr	SPSR_ELx, x1
	ldp	x0, x1, [sp, #16 * 0]
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x4, x5, [sp, #16 * 2]
	ldp	x6, x7, [sp, #16 * 3]
	ldp	x8, x9, [sp, #16 * 4]
	ldp	x10, x11, [sp, #16 * 5]
	ldp	x12, x13, [sp, #16 * 6]
	ldp	x14, x15, [sp, #16 * 7]
	ldp	x16, x17, [sp, #16 * 8]
	ldp	x18, x19, [sp, #16 * 9]
	ldp	x20, x21, [sp, #16 * 10]
	ldp	x22, x23, [sp, #16 * 11]
	ldp	x24, x25, [sp, #16 * 12]
	ldp	x26, x27, [sp, #16 * 13]
	ldp	x28, x29, [sp, #16 * 14]
	ldr	x30, [sp, #16 * 15]
	add	sp, sp, #EXC_FRAME_SIZE
.endm

	.global exc_return
exc_return:
	restore_regs
	eret

exc_return_spx:
	restore_regs
	eret
