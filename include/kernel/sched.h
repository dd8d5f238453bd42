/*
 * Scheduler. One global lock (sched_lock) protects the run queues, thread
 * states, wait queues and timeouts; it is held across arch_switch() and
 * released by the thread that is switched to. Per-CPU run queues with a
 * priority bitmap make the pick O(1); equal priorities round-robin on a
 * time slice; a thread runs only on CPUs in its affinity mask.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <kernel/cpu.h>
#include <kernel/spinlock.h>

extern spinlock_t sched_lock;

void sched_init_cpu(unsigned int cpu, struct thread *idle);
/* Make `t` runnable and queue it on a suitable CPU (kicking it if needed). */
void sched_ready_locked(struct thread *t);
/* The same for a thread whose timeout expired (kernel/thread.c). */
void sched_wake_timeout_locked(struct thread *t);
/* Remove `t` from its run queue (it must be READY). */
void sched_dequeue_locked(struct thread *t);
/* Block the current thread (state already set) and switch; returns when woken.
 * Called with sched_lock held and IRQs off; returns with both still so. */
void sched_switch_locked(void);
/* Re-evaluate the current CPU: switch if a better thread is ready. */
void sched_reschedule(void);
void sched_yield(void);
/* Whether another ready thread of this CPU would run on a yield: a lock-free
 * hint, so that a busy-polling caller (a guest's WFE) does not take the
 * global scheduler lock for nothing. */
bool sched_yield_would_switch(void);
/* Whether a thread other than idle is ready on this CPU (IRQs masked). */
bool sched_cpu_has_other_ready(void);
/* About to run a guest whose WFI idles the CPU without an exit (IRQs
 * masked): true if nothing else is ready here; then a thread readied on
 * this CPU later kicks it out of the guest, whatever its priority, until
 * sched_guest_idle_end(). */
bool sched_guest_idle_begin(void);
void sched_guest_idle_end(void);
/* Interrupt exit: switch if something asked for it. */
void sched_irq_exit(void);
/* Change a thread's effective priority, fixing up queues. */
void sched_set_prio_locked(struct thread *t, unsigned int prio);
/* Ask `cpu` to reschedule (IPI if remote). */
void sched_kick_cpu_locked(unsigned int cpu);
/* Idle loop of the calling CPU. */
__noreturn void sched_idle_loop(void);
/* Time-slice check from the timer interrupt. */
void sched_tick_locked(u64 now);

#endif
