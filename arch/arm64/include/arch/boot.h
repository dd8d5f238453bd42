/* Arm64-internal boot entry points (called from head.S and boot.c). */
#ifndef ARCH_BOOT_H
#define ARCH_BOOT_H

#include <zvm/types.h>

void boot_primary(const void *dtb);
void boot_secondary(unsigned int cpu);
/* Entered at an EL this build cannot run at: explain on the UART and park
 * (el2/boot_el2.c, el1/boot_el1.c). */
void boot_wrong_el(const void *dtb) __attribute__((noreturn));
/* Polled console on the DT's UART (or the fallback), before the MMU is on. */
void boot_early_console(const void *dtb);
/* EL-specific per-CPU register setup (HCR/CNTHCTL/PMU at EL2; none at EL1). */
void arch_cpu_init_mode(void);
/* EVNTEN/EVNTI bits for CNTHCTL_EL2 or CNTKCTL_EL1 (same layout): an event
 * stream that wakes arch_wait_event() every ~100 us (arch/arm64/cpu.c). */
u64 arch_event_stream_bits(void);

#endif
