/* Boot sequence entry points shared by the arch port and the kernel. */
#ifndef KERNEL_INIT_H
#define KERNEL_INIT_H

#include <zvm/types.h>

/* Boot CPU, MMU off: console and device-tree discovery. Panics on bad DT. */
void kernel_early_init(const void *dtb);
/* Boot CPU, MMU on: memory, interrupts, scheduler, SMP, shell. */
__attribute__((noreturn)) void kernel_main(void);
/* Secondary CPU, MMU on. */
__attribute__((noreturn)) void kernel_secondary_main(unsigned int cpu);

/* Functions run after the scheduler is up: INITCALLs in link order, then
 * INITCALL_LATEs (the shell, which should find everything ready). */
typedef int (*initcall_t)(void);
#define INITCALL_LEVEL(fn, lvl) \
	static const initcall_t __initcall_##fn __attribute__((section(".initcalls." #lvl), used)) = fn
/* INITCALL_EARLY: what the others' output should already use (the console). */
#define INITCALL_EARLY(fn) INITCALL_LEVEL(fn, 1)
#define INITCALL(fn) INITCALL_LEVEL(fn, 5)
#define INITCALL_LATE(fn) INITCALL_LEVEL(fn, 9)

/* Arch hooks called by the kernel. */
void arch_mm_init(void);		/* build page tables, enable MMU */
void arch_secondary_prepare(unsigned int cpu);	/* fill boot args for a CPU */

extern const char zvm_build_id[];

#endif
