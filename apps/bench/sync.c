/*
 * Semaphore, mutex and heap latency items:
 *   sem_give_noswitch / sem_take_noswitch   no waiter / count available
 *   sem_take_switch   a thread blocks on take -> a lower-priority one runs
 *   sem_give_switch   give to a waiting higher-priority thread -> it runs
 *   mutex_lock / mutex_unlock               uncontended
 *   heap_alloc / heap_free                  kmalloc(64) / kfree
 */
#include <kernel/mm.h>
#include <kernel/selftest.h>
#include <kernel/sync.h>

#include "bench.h"

static struct semaphore sem;
static volatile u64 stamp;

static void bench_sem_noswitch(const struct bench_run *r)
{
	static struct bstat give, take;

	sem_init(&sem, 0, ~0u);
	bs_begin(&give, "sem_give_noswitch");
	bs_begin(&take, "sem_take_noswitch");
	for (unsigned int i = 0; i < r->iters; i++) {
		u64 t0 = bench_cycles();

		sem_give(&sem);
		bs_add(&give, bench_cycles() - t0);
		t0 = bench_cycles();
		sem_take(&sem, K_NO_WAIT);
		bs_add(&take, bench_cycles() - t0);
	}
	bs_end(&give);
	bs_same_window(&take, &give);
	bs_print(r, &give);
	bs_print(r, &take);
}

static struct bstat take_sw, give_sw;

/* The lower-priority side: runs when the taker blocks, wakes it by a give. */
static void low_giver(void *arg)
{
	const struct bench_run *r = arg;

	for (unsigned int i = 0; i < r->iters; i++) {
		bs_add(&take_sw, bench_cycles() - stamp);
		stamp = bench_cycles();
		sem_give(&sem);
	}
}

static void bench_sem_switch(const struct bench_run *r)
{
	struct thread *t;

	sem_init(&sem, 0, 1);
	thread_set_priority(thread_current(), BENCH_PRIO_HI);
	t = bench_spawn(r, "rtb-giver", low_giver, (void *)r, BENCH_PRIO);
	bs_begin(&take_sw, "sem_take_switch");
	bs_begin(&give_sw, "sem_give_switch");
	for (unsigned int i = 0; i < r->iters; i++) {
		stamp = bench_cycles();
		sem_take(&sem, K_FOREVER);
		bs_add(&give_sw, bench_cycles() - stamp);
	}
	bs_end(&take_sw);
	bs_same_window(&give_sw, &take_sw);
	st_join(t);
	thread_set_priority(thread_current(), BENCH_PRIO);
	bs_print(r, &take_sw);
	bs_print(r, &give_sw);
}

static void bench_mutex(const struct bench_run *r)
{
	static struct bstat lock, unlock;
	static struct mutex m;

	mutex_init(&m);
	bs_begin(&lock, "mutex_lock");
	bs_begin(&unlock, "mutex_unlock");
	for (unsigned int i = 0; i < r->iters; i++) {
		u64 t0 = bench_cycles();

		mutex_lock(&m, K_FOREVER);
		bs_add(&lock, bench_cycles() - t0);
		t0 = bench_cycles();
		mutex_unlock(&m);
		bs_add(&unlock, bench_cycles() - t0);
	}
	bs_end(&lock);
	bs_same_window(&unlock, &lock);
	bs_print(r, &lock);
	bs_print(r, &unlock);
}

static void bench_heap(const struct bench_run *r)
{
	static struct bstat alloc, release;

	bs_begin(&alloc, "heap_alloc");
	bs_begin(&release, "heap_free");
	for (unsigned int i = 0; i < r->iters; i++) {
		u64 t0 = bench_cycles();
		void *p = kmalloc(64);

		bs_add(&alloc, bench_cycles() - t0);
		t0 = bench_cycles();
		kfree(p);
		bs_add(&release, bench_cycles() - t0);
	}
	bs_end(&alloc);
	bs_same_window(&release, &alloc);
	bs_print(r, &alloc);
	bs_print(r, &release);
}

void bench_sync(const struct bench_run *r)
{
	bench_sem_noswitch(r);
	bench_sem_switch(r);
	bench_mutex(r);
	bench_heap(r);
}
