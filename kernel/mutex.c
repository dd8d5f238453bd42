/*
 * Mutexes with priority inheritance. A thread's effective priority is the
 * best of its own (base) priority and the top waiter of every mutex it
 * holds; a blocked owner passes the boost on along the chain of mutexes it
 * waits for (bounded depth). Unlock hands the mutex directly to the
 * highest-priority waiter.
 */
#include <kernel/sched.h>
#include <kernel/sync.h>
#include <zvm/errno.h>

#define PI_MAX_CHAIN 8

void mutex_init(struct mutex *m)
{
	m->owner = NULL;
	m->lock_count = 0;
	wq_init(&m->wq);
	list_init(&m->held_node);
}

/* Effective priority of t from its base and the mutexes it holds. */
static unsigned int effective_prio(const struct thread *t)
{
	unsigned int prio = t->base_prio;
	const struct list_node *n;

	list_for_each(n, &t->held) {
		const struct mutex *m = list_entry(n, struct mutex, held_node);
		const struct thread *w = wq_first(&m->wq);

		if (w && w->prio < prio)
			prio = w->prio;
	}
	return prio;
}

/* Recompute t's priority and propagate along the chain it is blocked on. */
void mutex_update_prio_locked(struct thread *t)
{
	for (int depth = 0; t && depth < PI_MAX_CHAIN; depth++) {
		unsigned int prio = effective_prio(t);

		if (prio == t->prio)
			return;
		sched_set_prio_locked(t, prio);
		t = t->blocked_on ? t->blocked_on->owner : NULL;
	}
}

static void take_ownership(struct mutex *m, struct thread *t)
{
	m->owner = t;
	m->lock_count = 1;
	list_add_tail(&t->held, &m->held_node);
}

int mutex_lock(struct mutex *m, u64 timeout)
{
	struct thread *cur = thread_current();
	unsigned long flags = spin_lock_irqsave(&sched_lock);
	int r = 0;

	if (!m->owner) {
		take_ownership(m, cur);
	} else if (m->owner == cur) {
		m->lock_count++;
	} else if (timeout == K_NO_WAIT) {
		r = -EAGAIN;
	} else {
		cur->blocked_on = m;
		/* Queue first so that effective_prio() of the owner sees us. */
		wq_enqueue_current_locked(&m->wq, timeout);
		mutex_update_prio_locked(m->owner);
		sched_switch_locked();
		r = cur->wait_result;
		cur->blocked_on = NULL;
		if (r && m->owner)
			mutex_update_prio_locked(m->owner);	/* we stopped waiting */
	}
	spin_unlock_irqrestore(&sched_lock, flags);
	return r;
}

int mutex_unlock(struct mutex *m)
{
	struct thread *cur = thread_current();
	unsigned long flags = spin_lock_irqsave(&sched_lock);
	struct thread *next;

	if (m->owner != cur) {
		spin_unlock_irqrestore(&sched_lock, flags);
		return -EPERM;
	}
	if (--m->lock_count) {
		spin_unlock_irqrestore(&sched_lock, flags);
		return 0;
	}
	list_del(&m->held_node);
	m->owner = NULL;
	next = wq_wake_one_locked(&m->wq, 0);
	if (next) {
		take_ownership(m, next);
		mutex_update_prio_locked(next);
	}
	mutex_update_prio_locked(cur);
	spin_unlock_irqrestore(&sched_lock, flags);
	sched_reschedule();
	return 0;
}
