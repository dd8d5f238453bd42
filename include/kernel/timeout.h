/*
 * Tickless timeouts. Each CPU keeps its pending timeouts sorted by absolute
 * deadline (system counter ticks); the CPU's timer is programmed for the
 * earliest one. Expiry callbacks run in interrupt context with the scheduler
 * lock held.
 */
#ifndef KERNEL_TIMEOUT_H
#define KERNEL_TIMEOUT_H

#include <zvm/list.h>

#define K_FOREVER ((u64)-1)
#define K_NO_WAIT ((u64)0)

struct timeout;
typedef void (*timeout_fn)(struct timeout *t);

struct timeout {
	struct list_node node;
	u64 deadline;		/* absolute counter value */
	timeout_fn fn;
	unsigned int cpu;	/* whose list it is on */
};

/* Pure sorted-list operations (kernel/timeout_list.c, unit-tested). */
void tq_insert(struct list_node *q, struct timeout *t);
struct timeout *tq_first(const struct list_node *q);
/* Remove and return the first timeout whose deadline <= now, or NULL. */
struct timeout *tq_pop_expired(struct list_node *q, u64 now);

/* Kernel API (kernel/timeout.c). Callers hold the scheduler lock. */
void timeout_init(struct timeout *t, timeout_fn fn);
void timeout_add_locked(struct timeout *t, u64 deadline);
void timeout_abort_locked(struct timeout *t);
bool timeout_pending(const struct timeout *t);
/* Timer interrupt: run expired timeouts on this CPU, reprogram the timer. */
void timeout_handle_expiry(void);
/*
 * The timer interrupt's handler (IRQs masked): stop the timer and leave
 * the expiry to sched_irq_exit() (need_resched set), which runs it under
 * the scheduler lock it takes anyway for the switch a wake-up causes: one
 * lock hold and one timer reprogram, not two of each.
 */
void timeout_timer_irq(void);
/* Under the lock, after timeout_timer_irq(): run this CPU's expired
 * timeouts and time slice (the caller reprograms or switches). */
void timeout_expire_locked(void);
/* Recompute this CPU's timer deadline (timeouts and time slice). */
void timeout_reprogram_locked(void);

/* Time conversions. */
u64 k_now(void);			/* counter ticks */
u64 k_us_to_ticks(u64 us);
u64 k_ns_to_ticks(u64 ns);
u64 k_ticks_to_ns(u64 ticks);
u64 k_ticks_to_us(u64 ticks);
u64 k_uptime_ms(void);
u64 k_uptime_us(void);
void time_init(void);

#endif
