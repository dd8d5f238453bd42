/*
 * Per-CPU run queue: one FIFO per priority and a bitmap of non-empty
 * priorities, so picking the next thread is a count-trailing-zeros: O(1).
 */
#ifndef KERNEL_RUNQ_H
#define KERNEL_RUNQ_H

#include <kernel/config.h>
#include <zvm/list.h>

struct thread;

struct runq {
	u32 bitmap;			/* bit p set <=> queue[p] non-empty */
	unsigned int count;
	struct list_node queue[CONFIG_NUM_PRIO];
};

_Static_assert(CONFIG_NUM_PRIO <= 32, "bitmap is 32 bits");

void runq_init(struct runq *rq);
void runq_add_tail(struct runq *rq, struct list_node *n, unsigned int prio);
void runq_add_head(struct runq *rq, struct list_node *n, unsigned int prio);
void runq_remove(struct runq *rq, struct list_node *n, unsigned int prio);
/* Highest-priority node, or NULL; *prio receives its priority. */
struct list_node *runq_peek(const struct runq *rq, unsigned int *prio);
/* Best priority present, or CONFIG_NUM_PRIO if empty. */
unsigned int runq_best_prio(const struct runq *rq);
/* True if another node of priority `prio` is queued. */
bool runq_has_prio(const struct runq *rq, unsigned int prio);

#endif
