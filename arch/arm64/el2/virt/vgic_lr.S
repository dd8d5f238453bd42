/*
 * ICH_LR<n>_EL2 by index. Each list register is its own system register
 * (IHI 0069, 12.4.6), so an index needs a table: one `msr`/`mrs` + `ret`
 * pair (8 bytes) per register, entered by a computed branch. The C switch
 * this replaces cost 14 instructions per write on the timer fast path.
 * Callers pass n < 16 (ICH_VTR_EL2.ListRegs is at most 15); the index is
 * masked anyway so that a bad one can never branch outside the table.
 */

/* \name(unsigned int n, ...): \op n for the n-th list register. */
.macro lr_by_index name, op
	.global \name
	.type \name, %function
\name:
	and	x0, x0, #15
	adr	x2, 1f
	add	x2, x2, x0, lsl #3
	br	x2
1:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	\op	\n
	ret
	.endr
	.size \name, . - \name
.endm

.macro lr_msr n
	msr	ich_lr\n\()_el2, x1
.endm

.macro lr_mrs n
	mrs	x0, ich_lr\n\()_el2
.endm

	.text
	/* void vgic_hw_write_lr(unsigned int n, u64 val) */
	lr_by_index vgic_hw_write_lr, lr_msr
	/* u64 vgic_hw_read_lr(unsigned int n) */
	lr_by_index vgic_hw_read_lr, lr_mrs
