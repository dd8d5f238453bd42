/* Blocking synchronisation: wait queues, semaphores, mutexes with priority
 * inheritance, message queues. Timeouts are in counter ticks (K_FOREVER,
 * K_NO_WAIT, or k_us_to_ticks(...)). */
#ifndef KERNEL_SYNC_H
#define KERNEL_SYNC_H

#include <kernel/thread.h>

void wq_init(struct wait_queue *wq);
/* Block the current thread on wq (sched_lock held, IRQs off). Returns the
 * waker's result, or -ETIMEDOUT / -EAGAIN (K_NO_WAIT). */
int wq_block_locked(struct wait_queue *wq, u64 timeout);
/* First half of wq_block_locked: queue the current thread, arm its timeout;
 * the caller then does sched_switch_locked() and reads wait_result. */
void wq_enqueue_current_locked(struct wait_queue *wq, u64 timeout);
/* Wake the highest-priority waiter with `result`; returns it or NULL. */
struct thread *wq_wake_one_locked(struct wait_queue *wq, int result);
unsigned int wq_wake_all_locked(struct wait_queue *wq, int result);
struct thread *wq_first(const struct wait_queue *wq);
/* Re-sort t inside its wait queue after a priority change. */
void wq_requeue_locked(struct thread *t);

struct semaphore {
	unsigned int count;
	unsigned int limit;
	struct wait_queue wq;
};

void sem_init(struct semaphore *s, unsigned int initial, unsigned int limit);
int sem_take(struct semaphore *s, u64 timeout);
void sem_give(struct semaphore *s);
unsigned int sem_count(const struct semaphore *s);

struct mutex {
	struct thread *owner;
	unsigned int lock_count;	/* recursive locking by the owner */
	struct wait_queue wq;
	struct list_node held_node;	/* in owner->held */
};

#define MUTEX_INIT(m) { .owner = NULL, .lock_count = 0,				\
	.wq = { LIST_HEAD_INIT((m).wq.waiters) }, .held_node = LIST_HEAD_INIT((m).held_node) }

void mutex_init(struct mutex *m);
int mutex_lock(struct mutex *m, u64 timeout);
int mutex_unlock(struct mutex *m);
/* Recompute t's effective priority (base + inheritance), propagating. */
void mutex_update_prio_locked(struct thread *t);

struct msgq {
	u8 *buf;
	size_t msg_size;
	unsigned int max_msgs;
	unsigned int head, count;
	struct wait_queue readers, writers;
};

void msgq_init(struct msgq *q, void *buf, size_t msg_size, unsigned int max_msgs);
int msgq_put(struct msgq *q, const void *msg, u64 timeout);
int msgq_get(struct msgq *q, void *msg, u64 timeout);
unsigned int msgq_count(const struct msgq *q);

#endif
