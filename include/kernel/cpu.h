/* Per-CPU state. The arch part comes first (the vectors find it via TPIDR). */
#ifndef KERNEL_CPU_H
#define KERNEL_CPU_H

#include <arch/exception.h>
#include <kernel/arch_interface.h>
#include <kernel/runq.h>
#include <kernel/thread.h>

struct cpu {
	struct cpu_arch arch;		/* must stay first */
	unsigned int id;
	u64 hwid;			/* MPIDR affinity */
	bool online;
	bool need_resched;
	struct thread *current;
	struct thread *idle;
	struct runq rq;
	struct list_node timeouts;
	u64 timer_deadline;		/* currently programmed, or K_FOREVER */
	u64 slice_deadline;		/* round-robin slice end, or K_FOREVER */
	bool slice_expired;
	bool timer_fired;		/* expiry left to sched_irq_exit() */
	/* During that expiry: a woken thread that preempts the current one
	 * goes to the switch that follows in the same lock hold, not through
	 * the run queue (sched_wake_timeout_locked()). */
	bool handoff_ok;
	struct thread *handoff;
	/* A guest idles this CPU in an untrapped WFI and may take only
	 * fast-path exits: a thread readied here kicks it (sched.c). */
	bool guest_idles;		/* sched_guest_idle_begin() */
	u64 idle_ticks;
	u64 irqs;
	u64 ipis;
	u64 ctx_switches;
	u64 slice_expiries;
	u64 timer_irqs;
};

extern struct cpu cpus[CONFIG_MAX_CPUS];
extern unsigned int cpus_possible;	/* from the DT */

static inline struct cpu *this_cpu(void)
{
	return (struct cpu *)arch_get_percpu();
}

unsigned int cpus_online_count(void);

#endif
