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
lower64_sync:	stp	x0, x1, [sp, #-16]!	/* as guest_entry; guest_sync decides */
		b	guest_sync
lower64_irq:	stp	x0, x1, [sp, #-16]!	/* as guest_entry; guest_irq decides */
		b	guest_irq
lower64_fiq:	guest_entry GUEST_EXIT_FIQ
lower64_serror:	guest_entry GUEST_EXIT_SERROR
lower32_any:	guest_entry GUEST_EXIT_AARCH32

/*
 * SError at EL2 on SP_EL2: if taken in guest_exit's unmask window
 * (guest.S), it is the exiting guest's: hand its syndrome back in x4 and
 * return into the window, the rest untouched. Anywhere else it is the
 * host's: fatal (vectors.S).
 */
	.global spx_serror
spx_serror:
	stp	x0, x1, [sp, #-16]!
	mrs	x0, elr_el2
	adr	x1, guest_serror_window
	cmp	x0, x1
	adr	x1, guest_serror_window_end
	ccmp	x0, x1, #4, ne		/* ELR is either: Z */
	b.ne	1f
	mrs	x4, esr_el2		/* EC 0x2f: never 0 */
	ldp	x0, x1, [sp], #16
	eret
1:	ldp	x0, x1, [sp], #16
	b	cur_spx_serror
