/* Wait queues: priority-ordered, FIFO among equal priorities. */
#include <kernel/sched.h>
#include <kernel/sync.h>
#include <zvm/errno.h>

void wq_init(struct wait_queue *wq)
{
	list_init(&wq->waiters);
}

static void wq_insert(struct wait_queue *wq, struct thread *t)
{
	struct list_node *pos;

	list_for_each(pos, &wq->waiters)
		if (list_entry(pos, struct thread, wait_node)->prio > t->prio)
			break;
	list_insert_before(pos, &t->wait_node);
	t->wait_q = wq;
}

void wq_enqueue_current_locked(struct wait_queue *wq, u64 timeout)
{
	struct thread *t = thread_current();

	t->state = THREAD_BLOCKED;
	t->wait_result = 0;
	wq_insert(wq, t);
	if (timeout != K_FOREVER)
		timeout_add_locked(&t->timeout, k_now() + timeout);
}

int wq_block_locked(struct wait_queue *wq, u64 timeout)
{
	if (timeout == K_NO_WAIT)
		return -EAGAIN;
	wq_enqueue_current_locked(wq, timeout);
	sched_switch_locked();
	return thread_current()->wait_result;
}

struct thread *wq_first(const struct wait_queue *wq)
{
	return list_empty(&wq->waiters) ? NULL :
	       list_entry(wq->waiters.next, struct thread, wait_node);
}

static void wake(struct thread *t, int result)
{
	list_del(&t->wait_node);
	t->wait_q = NULL;
	timeout_abort_locked(&t->timeout);
	t->wait_result = result;
	sched_ready_locked(t);
}

struct thread *wq_wake_one_locked(struct wait_queue *wq, int result)
{
	struct thread *t = wq_first(wq);

	if (t)
		wake(t, result);
	return t;
}

unsigned int wq_wake_all_locked(struct wait_queue *wq, int result)
{
	unsigned int n = 0;
	struct thread *t;

	while ((t = wq_first(wq))) {
		wake(t, result);
		n++;
	}
	return n;
}

void wq_requeue_locked(struct thread *t)
{
	struct wait_queue *wq = t->wait_q;

	list_del(&t->wait_node);
	wq_insert(wq, t);
}
