/* Entry of the bare-metal test guests: EL1, MMU off, x0 = DTB. */
	.section .text.start, "ax"
	.global _start
_start:
	mov	x19, x0
	ldr	x1, =__stack_top
	mov	sp, x1
	ldr	x1, =__bss_start
	ldr	x2, =__bss_end
1:	cmp	x1, x2
	b.hs	2f
	str	xzr, [x1], #8
	b	1b
2:	ldr	x1, =vectors
	msr	vbar_el1, x1
	mov	x1, #(3 << 20)		/* CPACR_EL1.FPEN: FP/SIMD at EL1 */
	msr	cpacr_el1, x1
	isb
	mov	x0, x19
	bl	guest_main
	bl	psci_system_off
3:	wfi
	b	3b

/* PSCI CPU_ON entry for secondaries: x0 = context_id = top of its stack. */
	.global _secondary
_secondary:
	mov	sp, x0
	ldr	x1, =vectors
	msr	vbar_el1, x1
	mov	x1, #(3 << 20)
	msr	cpacr_el1, x1
	isb
	mrs	x0, mpidr_el1
	and	x0, x0, #0xff
	bl	guest_secondary
4:	wfi
	b	4b

/* Exceptions the tests provoke land in guest_exception(ESR, FAR, ELR) which
 * returns the address to resume at. */
.macro vent kind
	.align 7
	sub	sp, sp, #256
	stp	x0, x1, [sp]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x30, [sp, #144]
	mov	x3, #\kind
	b	exc_common
.endm

	.align 11
vectors:
	.irp k, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	vent \k
	.endr

/* x3 = vector index: 4 * source (EL1t, EL1h, EL0 64, EL0 32) + type
 * (sync, IRQ, FIQ, SError). */
exc_common:
	mrs	x0, esr_el1
	mrs	x1, far_el1
	mrs	x2, elr_el1
	bl	guest_exception
	msr	elr_el1, x0
	ldp	x0, x1, [sp]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x30, [sp, #144]
	add	sp, sp, #256
	eret
