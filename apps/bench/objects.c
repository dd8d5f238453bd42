/*
 * Kernel-object items after Zephyr's sys_kernel: a producer and a consumer
 * thread pass N items; the result is cycles per item over the whole run
 * (min = avg = max). "_hi": the consumer has the higher priority and
 * waits, so every item switches twice; "_lo": the producer fills first.
 * Objects this kernel has: semaphores, message queues (the FIFO items) and
 * the page allocator (in place of a memory slab, alloc + free of one page).
 * It has no LIFO, stack or memory-slab objects, so those items are absent.
 */
#include <kernel/mm.h>
#include <kernel/selftest.h>
#include <kernel/sync.h>

#include "bench.h"

#define FIFO_DEPTH 16

static struct semaphore sem;
static struct msgq q;
static u64 qbuf[FIFO_DEPTH];

static void total(const struct bench_run *r, const char *name, u64 t0, u64 cnt0)
{
	struct bstat s;

	bs_begin(&s, name);
	s.cnt0 = cnt0;
	s.n = r->iters;
	s.min = s.max = (bench_cycles() - t0) / r->iters;
	s.sum = s.min * r->iters;
	bs_end(&s);
	bs_print(r, &s);
}

static void sem_consumer(void *arg)
{
	const struct bench_run *r = arg;

	for (unsigned int i = 0; i < r->iters; i++)
		sem_take(&sem, K_FOREVER);
}

static void fifo_consumer(void *arg)
{
	const struct bench_run *r = arg;
	u64 v;

	for (unsigned int i = 0; i < r->iters; i++)
		msgq_get(&q, &v, K_FOREVER);
}

static void sem_pc(const struct bench_run *r, unsigned int prio, const char *name)
{
	u64 cnt0 = k_now(), t0 = bench_cycles();
	struct thread *t;

	sem_init(&sem, 0, ~0u);
	t = bench_spawn(r, "rtb-cons", sem_consumer, (void *)r, prio);
	for (unsigned int i = 0; i < r->iters; i++)
		sem_give(&sem);
	st_join(t);
	total(r, name, t0, cnt0);
}

static void fifo_pc(const struct bench_run *r, unsigned int prio, const char *name)
{
	u64 cnt0 = k_now(), t0 = bench_cycles();
	struct thread *t;

	msgq_init(&q, qbuf, sizeof(u64), FIFO_DEPTH);
	t = bench_spawn(r, "rtb-cons", fifo_consumer, (void *)r, prio);
	for (u64 i = 0; i < r->iters; i++)
		msgq_put(&q, &i, K_FOREVER);
	st_join(t);
	total(r, name, t0, cnt0);
}

static void pages(const struct bench_run *r)
{
	u64 cnt0 = k_now(), t0 = bench_cycles();
	paddr_t pa;

	for (unsigned int i = 0; i < r->iters; i++)
		if (!pages_alloc(0, &pa))
			pages_free(pa, 0);
	total(r, "obj_pages_alloc_free", t0, cnt0);
}

void bench_objects(const struct bench_run *r)
{
	sem_pc(r, BENCH_PRIO_HI, "obj_sem_pc_hi");
	sem_pc(r, BENCH_PRIO_LO, "obj_sem_pc_lo");
	fifo_pc(r, BENCH_PRIO_HI, "obj_fifo_pc_hi");
	fifo_pc(r, BENCH_PRIO_LO, "obj_fifo_pc_lo");
	pages(r);
}
