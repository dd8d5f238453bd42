/*
 * Exception-level selection for the port: this copy is for the EL2 (host
 * hypervisor) build. The EL1 guest build has its own copy under
 * arch/arm64/el1/include/, chosen by the include path, so shared assembly and
 * C name "the kernel's own" registers once.
 */
#ifndef ARCH_EL_H
#define ARCH_EL_H

#define KERNEL_EL 2
#define ELR_ELx elr_el2
#define SPSR_ELx spsr_el2
#define ESR_ELx esr_el2
#define FAR_ELx far_el2
#define VBAR_ELx vbar_el2
#define TPIDR_ELx tpidr_el2
#define SCTLR_ELx sctlr_el2
#define TCR_ELx tcr_el2
#define TTBR0_ELx ttbr0_el2
#define MAIR_ELx mair_el2
/* SPSR.M for "this EL, SP_EL0" (EL2t) — the mode kernel threads run in. */
#define SPSR_MODE_ELt 0x8

/* Stage-1 descriptor bits that differ between the EL2 and EL1&0 regimes
 * (ARM ARM D8.3): at EL2 (no EL0 in this regime) AP[1] is RES1 and bit 54
 * is XN; bit 53 is RES0. */
#define PTE_AP_BASE (1ULL << 6)
#define PTE_XN_BITS (1ULL << 54)
/* Added to every mapping, executable ones included: no EL0 in this regime. */
#define PTE_XN_EL0 0ULL

/* CPUs the console's drain thread may run on (kernel/console_out.c): the
 * host's pCPU 0, where priorities up to the restart worker's belong to the
 * host (include/zvm/host_prio.h), so no vCPU, however urgent, can starve
 * the console; elsewhere an RT vCPU pinned beside it would. */
#define CONSOLE_DRAIN_CPUS 0x1ULL

#endif
