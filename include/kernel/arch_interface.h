/*
 * The kernel <-> architecture port contract.
 *
 * Everything the generic kernel (kernel/, lib/, shell/, drivers that are not
 * CPU-specific) needs from the CPU goes through the functions declared here.
 * The arm64 port implements them in arch/arm64/. Exception-level specifics
 * (EL2 when the kernel is the ZVM host, EL1 when the same kernel runs as a
 * guest OS) are chosen by which arch files the build links, never by #ifdef
 * in generic code:
 *   - arch/arm64/el2/      : system registers, timer (CNTHP, PPI 26), physical
 *                           counter, ICC_SRE_EL2, lower-EL vectors = guest exits;
 *   - arch/arm64/el1/      : the same contract for the EL1 guest build (timer
 *                           CNTV, PPI 27, virtual counter, ICC_SRE_EL1, leaving
 *                           EL2 when entered there).
 *
 * Rules for implementers:
 *   - Functions marked "IRQs off" must be called with interrupts masked.
 *   - Nothing here may allocate memory or sleep.
 */
#ifndef KERNEL_ARCH_INTERFACE_H
#define KERNEL_ARCH_INTERFACE_H

#include <zvm/types.h>
#include <arch/thread_arch.h>	/* struct thread_arch: callee-saved context */

struct thread;

/* ---- CPU identity --------------------------------------------------- */

/* Logical id of the calling CPU, 0..CONFIG_MAX_CPUS-1 (0 = boot CPU). */
unsigned int arch_cpu_id(void);

/* Hardware id (MPIDR affinity bits) of the calling CPU. */
u64 arch_cpu_hwid(void);

/* Bring logical CPU `cpu` with hardware id `hwid` online; it enters
 * kernel_secondary_main(cpu). Returns 0 or a negative errno (PSCI error). */
int arch_cpu_start(unsigned int cpu, u64 hwid);

/* Stop the calling CPU until the next interrupt (WFI). IRQs off. */
void arch_cpu_idle(void);

/* Wait for another CPU: sleep until an event (arch_send_event() on any CPU,
 * a write to a watched location, an interrupt) or the periodic wake-up every
 * ~100 us that lets a waiter check its timeout. May return early: callers
 * re-check their condition in a loop. Under an emulator running CPUs round
 * robin, it hands the host CPU to the others instead of spinning. */
void arch_wait_event(void);

/* Wake every CPU in arch_wait_event(); stores before it are visible first. */
void arch_send_event(void);

/* Park the calling CPU forever with interrupts masked. */
void arch_cpu_park(void) __attribute__((noreturn));

/* Power off / reset the whole system (PSCI SYSTEM_OFF / SYSTEM_RESET).
 * Returns only if the firmware refused. */
void arch_system_off(void);
void arch_system_reset(void);

/* Name of the exception level / mode the kernel runs in ("EL2", "EL1"). */
const char *arch_mode_name(void);

/* What this build of the kernel is, for the banner ("ZVM hypervisor",
 * "ZVM RTOS guest"). */
const char *arch_kernel_name(void);

/* ---- Interrupt masking ---------------------------------------------- */

/* Mask IRQs and return the previous state for arch_irq_restore(). */
unsigned long arch_irq_save(void);
void arch_irq_restore(unsigned long flags);
void arch_irq_enable(void);
void arch_irq_disable(void);
bool arch_irqs_disabled(void);

/* ---- Threads and context switch -------------------------------------- */

/* Prepare `t` so that the first arch_switch() to it calls
 * thread_entry_trampoline(), which runs entry(arg). `stack_top` is the
 * initial (16-byte aligned) stack pointer. */
void arch_thread_init(struct thread *t, void *stack_top);

/* Save the callee-saved context of `from` and resume `to`. IRQs off.
 * Returns (in `from`'s context) when something switches back to it. */
void arch_switch(struct thread *from, struct thread *to);

/* `from` stops running on this CPU (preempted, blocked, suspended or
 * ended; the scheduler calls this just before arch_switch(), IRQs off,
 * scheduler lock held): the port saves hardware state it keeps loaded
 * lazily for the running thread. At EL2 that is a vCPU's EL1 context
 * (virt/vcpu_ctx.c): loaded at its first guest entry after a switch-in,
 * kept across exits handled on its thread. At EL1: nothing. Must not
 * sleep, take the scheduler lock or touch `from`'s stack. */
void arch_thread_switch_out(struct thread *from);

/* Set / read the per-CPU pointer (TPIDR_EL2 or TPIDR_EL1). */
void arch_set_percpu(void *p);
void *arch_get_percpu(void);

/* ---- Time ------------------------------------------------------------ */

/* Free-running system counter and its frequency in Hz: the physical count
 * (CNTPCT_EL0) at EL2, the virtual count (CNTVCT_EL0, what the EL1 virtual
 * timer compares against and what a hypervisor may offset) at EL1. */
u64 arch_counter_read(void);
u64 arch_counter_freq(void);

/* Program this CPU's kernel timer to fire at absolute counter value
 * `deadline`, or stop it (arch_timer_stop). IRQs off. */
void arch_timer_set_deadline(u64 deadline);
void arch_timer_stop(void);

/* INTID of the kernel timer PPI (26 for the EL2 physical timer at EL2,
 * 27 for the virtual timer at EL1). `dt_index` is the index into the
 * DT timer node's interrupt list, for the DT-driven driver. */
unsigned int arch_timer_ppi_dt_index(void);

/* ---- Interrupt controller CPU interface ------------------------------ */

/* Enable the GICv3 system-register CPU interface for the kernel's EL
 * (ICC_SRE_EL2.SRE/Enable at EL2, ICC_SRE_EL1.SRE at EL1). Returns false
 * if SRE does not stick (no system-register interface). */
bool arch_gic_sysregs_enable(void);

/* ---- Caches (arch/arm64/cache.c) -------------------------------------- */

/* Write dirty lines of [p, p + size) back to the Point of Coherency, so
 * that an uncached reader (a CPU or guest with its MMU off) sees them. */
void arch_dcache_clean_poc(const void *p, size_t size);
/* The same, and drop the lines. */
void arch_dcache_clean_inval_poc(const void *p, size_t size);
/* Drop the lines without writing back: after uncached writes, so that
 * stale lines are not read once the range is mapped cacheable. */
void arch_dcache_inval_poc(const void *p, size_t size);
/* Invalidate every instruction cache of the Inner Shareable domain. */
void arch_icache_inval_all(void);

/* ---- Exceptions ------------------------------------------------------ */

/* Install this CPU's exception vectors. */
void arch_vectors_install(void);

/* Print a backtrace of the calling context using frame pointers. */
void arch_backtrace(void);

#endif
