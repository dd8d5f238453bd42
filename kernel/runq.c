/* Priority-bitmap run queue (see include/kernel/runq.h). */
#include <kernel/runq.h>

void runq_init(struct runq *rq)
{
	rq->bitmap = 0;
	rq->count = 0;
	for (unsigned int p = 0; p < CONFIG_NUM_PRIO; p++)
		list_init(&rq->queue[p]);
}

void runq_add_tail(struct runq *rq, struct list_node *n, unsigned int prio)
{
	list_add_tail(&rq->queue[prio], n);
	rq->bitmap |= 1u << prio;
	rq->count++;
}

void runq_add_head(struct runq *rq, struct list_node *n, unsigned int prio)
{
	list_add_head(&rq->queue[prio], n);
	rq->bitmap |= 1u << prio;
	rq->count++;
}

void runq_remove(struct runq *rq, struct list_node *n, unsigned int prio)
{
	list_del(n);
	if (list_empty(&rq->queue[prio]))
		rq->bitmap &= ~(1u << prio);
	rq->count--;
}

unsigned int runq_best_prio(const struct runq *rq)
{
	return rq->bitmap ? (unsigned int)__builtin_ctz(rq->bitmap) : CONFIG_NUM_PRIO;
}

struct list_node *runq_peek(const struct runq *rq, unsigned int *prio)
{
	unsigned int p = runq_best_prio(rq);

	if (p == CONFIG_NUM_PRIO)
		return NULL;
	if (prio)
		*prio = p;
	return rq->queue[p].next;
}

bool runq_has_prio(const struct runq *rq, unsigned int prio)
{
	return prio < CONFIG_NUM_PRIO && (rq->bitmap & (1u << prio));
}
