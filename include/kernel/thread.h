/* Kernel threads. Every vCPU of the hypervisor is one of these. */
#ifndef KERNEL_THREAD_H
#define KERNEL_THREAD_H

#include <arch/thread_arch.h>
#include <kernel/config.h>
#include <kernel/timeout.h>
#include <zvm/list.h>

enum thread_state {
	THREAD_NEW,
	THREAD_READY,		/* in a run queue */
	THREAD_RUNNING,
	THREAD_BLOCKED,		/* on a wait queue or sleeping */
	THREAD_SUSPENDED,
	THREAD_DEAD,
};

struct mutex;

/* Waiters are kept in priority order, FIFO among equals (kernel/waitq.c). */
struct wait_queue {
	struct list_node waiters;
};

typedef void (*thread_entry_t)(void *arg);

struct thread {
	struct thread_arch arch;	/* must stay first: switch.S relies on it */
	char name[20];
	u8 prio;			/* effective priority (inheritance may raise it) */
	u8 base_prio;			/* priority the thread asked for */
	u8 state;
	u8 flags;
	unsigned int cpu;		/* CPU it runs on or is queued on */
	u64 affinity;			/* CPUs it may run on (bit n = CPU n) */
	struct list_node rq_node;	/* run queue */
	struct list_node wait_node;	/* wait queue */
	struct wait_queue *wait_q;	/* queue it is blocked on, if any */
	struct mutex *blocked_on;	/* mutex it waits for (priority inheritance) */
	struct list_node held;		/* mutexes it owns */
	struct timeout timeout;
	int wait_result;		/* why it was woken: 0, -ETIMEDOUT, ... */
	void *wait_data;		/* object-specific hand-off (message buffer) */
	thread_entry_t entry;
	void *arg;
	struct list_node all_node;	/* all threads, for `ps` */
	u64 runtime;			/* counter ticks spent running */
	u64 run_start;
	u64 switches;
	u64 slice_end;			/* round-robin slice deadline */
	void *stack_mem;		/* stack mapping, owned by kernel/kstack.c */
	size_t stack_size;
	struct wait_queue joiners;	/* threads in thread_join() */
	int exit_code;
	bool suspend_req;		/* park instead of running when next possible */
};

#define THREAD_F_IDLE BIT(0)
#define THREAD_F_STATIC_STACK BIT(1)	/* stack not from kstack (boot/idle) */
#define THREAD_F_DETACHED BIT(2)	/* freed automatically on exit */

#define CPU_ANY (~0ULL)

struct thread_params {
	const char *name;
	thread_entry_t entry;
	void *arg;
	unsigned int prio;
	u64 affinity;			/* CPU_ANY or a mask */
	size_t stack_size;		/* 0 = CONFIG_THREAD_STACK_SIZE */
	bool start_suspended;
};

/* Create and (unless start_suspended) start a thread. */
int thread_create(const struct thread_params *p, struct thread **out);
void thread_start(struct thread *t);
__noreturn void thread_exit(int code);
/* Wait for `t` to exit, then free it. */
int thread_join(struct thread *t, int *code);
void thread_set_priority(struct thread *t, unsigned int prio);
int thread_set_affinity(struct thread *t, u64 mask);
void thread_suspend(struct thread *t);
void thread_resume(struct thread *t);
struct thread *thread_current(void);
const char *thread_state_name(unsigned int state);

/* Iterate over all threads (for `ps`); cb runs with the scheduler lock held. */
void thread_for_each(void (*cb)(struct thread *t, void *ctx), void *ctx);

/* Kernel-internal: initialise the generic fields and add t to the thread list. */
void thread_init_common(struct thread *t, const char *name, unsigned int prio, u64 affinity);

/* Called by arch_thread_start on a new thread's first run. */
__noreturn void thread_entry_trampoline(void);

/* Sleep. */
void k_sleep_ticks(u64 ticks);
/* Sleep until the counter reaches `deadline` (absolute ticks). */
void k_sleep_until(u64 deadline);
void k_msleep(u64 ms);
void k_usleep(u64 us);
void k_yield(void);
/* Busy-wait without yielding. */
void k_busy_wait_us(u64 us);

#endif
