/*
 * boot_el_setup for the EL1 (RTOS guest) build. Under a hypervisor (ZVM)
 * or a loader that already dropped, we arrive at EL1 and there is nothing
 * to do. A loader that enters at EL2 (QEMU -M virt,virtualization=on, or
 * U-Boot on a board with EL2) leaves EL2 to us: give it a neutral setup —
 * no stage 2, no traps, EL1 owns its timers, counter, GIC CPU interface and
 * PMU — and ERET to the caller at EL1h with DAIF masked. Each register is
 * described in the ARM ARM, D13.2 "General system control registers" and
 * D13.8 "Generic Timer registers"; the sequence follows the EL2 duties in
 * Linux's Documentation/arch/arm64/booting.rst.
 *
 * Called from head.S with no stack; uses only x0-x5 and x30.
 */
#define HCR_EL2_RW (1 << 31)		/* EL1 is AArch64; VM/IMO/FMO/AMO/TSC clear */
#define CNTHCTL_EL1PCTEN (1 << 0)	/* EL1 reads CNTPCT without trapping */
#define CNTHCTL_EL1PCEN (1 << 1)	/* EL1 uses the physical timer without trapping */
#define CPTR_EL2_RES1 0x33ff		/* non-VHE: RES1 bits; TFP, TTA, TCPAC clear */
#define ICC_SRE_EL2_SRE (1 << 0)	/* system-register interface at EL2 ... */
#define ICC_SRE_EL2_ENABLE (1 << 3)	/* ... and EL1 may enable it in ICC_SRE_EL1 */
#define SCTLR_EL1_RES1 0x30d00800	/* ARMv8.0 RES1 bits; MMU and caches off */
#define SPSR_EL1H_MASKED 0x3c5		/* D, A, I, F masked; M[3:0] = EL1h */

	.text
	.global boot_el_setup
boot_el_setup:
	mrs	x0, CurrentEL
	cmp	x0, #(2 << 2)
	b.ne	9f
	mov	x0, #HCR_EL2_RW
	msr	hcr_el2, x0
	msr	hstr_el2, xzr
	mov	x0, #CPTR_EL2_RES1
	msr	cptr_el2, x0
	msr	vttbr_el2, xzr
	/* Timers: EL1 may use the physical ones; virtual time = physical time. */
	mov	x0, #(CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN)
	msr	cnthctl_el2, x0
	msr	cntvoff_el2, xzr
	/* EL1 reads of MIDR/MPIDR return VPIDR/VMPIDR: make them the real ones. */
	mrs	x0, midr_el1
	msr	vpidr_el2, x0
	mrs	x0, mpidr_el1
	msr	vmpidr_el2, x0
	/* PMU (ID_AA64DFR0_EL1.PMUVer): every counter to EL1, no traps. */
	mov	x1, xzr
	mrs	x0, id_aa64dfr0_el1
	ubfx	x0, x0, #8, #4
	cbz	x0, 1f
	cmp	x0, #0xf		/* IMPLEMENTATION DEFINED PMU: leave it */
	b.eq	1f
	mrs	x0, pmcr_el0
	ubfx	x1, x0, #11, #5		/* PMCR_EL0.N -> MDCR_EL2.HPMN */
1:	msr	mdcr_el2, x1
	/* GICv3 CPU interface (ID_AA64PFR0_EL1.GIC): system registers at EL1. */
	mrs	x0, id_aa64pfr0_el1
	ubfx	x0, x0, #24, #4
	cbz	x0, 2f
	mrs	x0, icc_sre_el2
	mov	x1, #(ICC_SRE_EL2_SRE | ICC_SRE_EL2_ENABLE)
	orr	x0, x0, x1
	msr	icc_sre_el2, x0
	isb
	msr	ich_hcr_el2, xzr	/* no virtual CPU interface */
2:	ldr	x0, =SCTLR_EL1_RES1
	msr	sctlr_el1, x0
	mov	x0, #SPSR_EL1H_MASKED
	msr	spsr_el2, x0
	msr	elr_el2, x30
	isb
	eret
9:	ret
