/*
 * Lower-EL exception vectors of the EL1 build. Nothing runs at EL0, so an
 * exception "from a lower EL" (ARM ARM D1.10.2) can only be a bug: report
 * it through the fatal path in vectors.S.
 */
	.text
	.global lower64_sync, lower64_irq, lower64_fiq, lower64_serror, lower32_any
lower64_sync:
lower64_irq:
lower64_fiq:
lower64_serror:
lower32_any:
	b	exc_from_lower_el

/* No guests: an SError at EL1 is always fatal (vectors.S). */
	.global spx_serror
spx_serror:
	b	cur_spx_serror
