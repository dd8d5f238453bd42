/* Counting semaphores. A give with waiters hands the unit straight to the
 * highest-priority waiter, so a late-coming thread cannot steal it. */
#include <kernel/sched.h>
#include <kernel/sync.h>

void sem_init(struct semaphore *s, unsigned int initial, unsigned int limit)
{
	s->count = initial;
	s->limit = limit ? limit : ~0u;
	wq_init(&s->wq);
}

int sem_take(struct semaphore *s, u64 timeout)
{
	unsigned long flags = spin_lock_irqsave(&sched_lock);
	int r = 0;

	if (s->count)
		s->count--;
	else
		r = wq_block_locked(&s->wq, timeout);
	spin_unlock_irqrestore(&sched_lock, flags);
	return r;
}

void sem_give(struct semaphore *s)
{
	unsigned long flags = spin_lock_irqsave(&sched_lock);

	if (!wq_wake_one_locked(&s->wq, 0) && s->count < s->limit)
		s->count++;
	spin_unlock_irqrestore(&sched_lock, flags);
	if (this_cpu()->need_resched && !arch_irqs_disabled())
		sched_reschedule();
}

unsigned int sem_count(const struct semaphore *s)
{
	return READ_ONCE(s->count);
}
