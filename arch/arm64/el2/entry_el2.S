/*
 * Lower-EL exception vectors of the EL2 build: every exception from EL1/EL0
 * is a guest exit (ARM ARM D1.10.2: "Lower EL using AArch64/AArch32"
 * entries). guest.S (el2/virt/) saves the guest's state into its vCPU
 * context, on this CPU's exception stack.
 */
#include <arch/guest_ctx.h>

.macro guest_entry kind
	stp	x0, x1, [sp, #-16]!
	mov	x1, #\kind
	b	guest_exit
.endm

	.text
	.global lower64_sync, lower64_irq, lower64_fiq, lower64_serror, lower32_any
lower64_sync:	guest_entry GUEST_EXIT_SYNC
lower64_irq:	stp	x0, x1, [sp, #-16]!	/* as guest_entry; guest_irq decides */
		b	guest_irq
lower64_fiq:	guest_entry GUEST_EXIT_FIQ
lower64_serror:	guest_entry GUEST_EXIT_SERROR
lower32_any:	guest_entry GUEST_EXIT_AARCH32
