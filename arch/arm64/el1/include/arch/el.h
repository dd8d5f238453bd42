/*
 * Exception-level selection for the port: this copy is for the EL1 (RTOS
 * guest) build; the EL2 (host hypervisor) build has its own under
 * arch/arm64/el2/include/, chosen by the include path, so shared assembly
 * and C name "the kernel's own" registers once.
 */
#ifndef ARCH_EL_H
#define ARCH_EL_H

#define KERNEL_EL 1
#define ELR_ELx elr_el1
#define SPSR_ELx spsr_el1
#define ESR_ELx esr_el1
#define FAR_ELx far_el1
#define VBAR_ELx vbar_el1
#define TPIDR_ELx tpidr_el1
#define SCTLR_ELx sctlr_el1
#define TCR_ELx tcr_el1
#define TTBR0_ELx ttbr0_el1
#define MAIR_ELx mair_el1
/* SPSR.M for "this EL, SP_EL0" (EL1t) — the mode kernel threads run in. */
#define SPSR_MODE_ELt 0x4

/* Stage-1 descriptor bits of the EL1&0 regime (ARM ARM D8.3): AP[1] = 0
 * keeps EL0 out of every mapping; bit 53 is PXN, bit 54 UXN. Nothing may
 * execute at EL0, kernel text included. */
#define PTE_AP_BASE 0ULL
#define PTE_XN_BITS ((1ULL << 53) | (1ULL << 54))
#define PTE_XN_EL0 (1ULL << 54)

/* CPUs the console's drain thread may run on (kernel/console_out.c): any
 * but 0, which has the shell and the UART interrupt and, in a real-time
 * guest, often a top-priority task that keeps it busy. */
#define CONSOLE_DRAIN_CPUS (~0x1ULL)

#endif
