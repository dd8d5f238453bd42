/* Message queues of fixed-size messages. A put with a waiting reader copies
 * straight into the reader's buffer; a get that frees a slot pulls in the
 * message of the first waiting writer. */
#include <kernel/sched.h>
#include <kernel/sync.h>
#include <lib/string.h>
#include <zvm/errno.h>

void msgq_init(struct msgq *q, void *buf, size_t msg_size, unsigned int max_msgs)
{
	q->buf = buf;
	q->msg_size = msg_size;
	q->max_msgs = max_msgs;
	q->head = 0;
	q->count = 0;
	wq_init(&q->readers);
	wq_init(&q->writers);
}

static void *slot(struct msgq *q, unsigned int i)
{
	return q->buf + (size_t)((q->head + i) % q->max_msgs) * q->msg_size;
}

static void push(struct msgq *q, const void *msg)
{
	memcpy(slot(q, q->count), msg, q->msg_size);
	q->count++;
}

int msgq_put(struct msgq *q, const void *msg, u64 timeout)
{
	unsigned long flags = spin_lock_irqsave(&sched_lock);
	struct thread *reader = wq_first(&q->readers);
	int r = 0;

	if (reader) {
		memcpy(reader->wait_data, msg, q->msg_size);
		wq_wake_one_locked(&q->readers, 0);
	} else if (q->count < q->max_msgs) {
		push(q, msg);
	} else {
		thread_current()->wait_data = (void *)msg;
		r = wq_block_locked(&q->writers, timeout);	/* a reader copies it */
	}
	spin_unlock_irqrestore(&sched_lock, flags);
	if (this_cpu()->need_resched && !arch_irqs_disabled())
		sched_reschedule();
	return r;
}

int msgq_get(struct msgq *q, void *msg, u64 timeout)
{
	unsigned long flags = spin_lock_irqsave(&sched_lock);
	struct thread *writer;
	int r = 0;

	if (q->count) {
		memcpy(msg, slot(q, 0), q->msg_size);
		q->head = (q->head + 1) % q->max_msgs;
		q->count--;
		writer = wq_first(&q->writers);
		if (writer) {
			push(q, writer->wait_data);
			wq_wake_one_locked(&q->writers, 0);
		}
	} else {
		thread_current()->wait_data = msg;
		r = wq_block_locked(&q->readers, timeout);
	}
	spin_unlock_irqrestore(&sched_lock, flags);
	if (this_cpu()->need_resched && !arch_irqs_disabled())
		sched_reschedule();
	return r;
}

unsigned int msgq_count(const struct msgq *q)
{
	return READ_ONCE(q->count);
}
