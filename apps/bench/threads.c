/*
 * Thread latency items: switch by yield, cooperative switch (blocking on a
 * semaphore between equal priorities), and the thread life cycle. The
 * kernel has no thread abort: the last item is a thread's own exit up to
 * its joiner running again (exit + switch + join).
 */
#include <kernel/selftest.h>
#include <kernel/sync.h>

#include "bench.h"

static volatile u64 stamp;
static volatile bool stop;
static struct bstat st;

/* The partner stamps and yields; the runner records "partner called
 * k_yield() -> runner runs" (one switch), then yields back. */
static void yielder(void *arg)
{
	while (!stop) {
		stamp = bench_cycles();
		k_yield();
	}
}

static void bench_yield(const struct bench_run *r)
{
	struct thread *t;

	stop = false;
	stamp = 0;
	t = bench_spawn(r, "rtb-yield", yielder, NULL, BENCH_PRIO);
	k_yield();			/* let it reach its loop */
	bs_begin(&st, "thread_switch_yield");
	for (unsigned int i = 0; i < r->iters; i++) {
		k_yield();
		bs_add(&st, bench_cycles() - stamp);
	}
	bs_end(&st);
	stop = true;
	st_join(t);
	bs_print(r, &st);
}

/* Cooperative: equal priorities, each blocks on its semaphore after
 * waking the other (the give does not preempt). */
static struct semaphore sa, sb;

static void coop_peer(void *arg)
{
	const struct bench_run *r = arg;

	for (unsigned int i = 0; i <= r->iters; i++) {
		sem_take(&sb, K_FOREVER);
		if (i < r->iters)
			bs_add(&st, bench_cycles() - stamp);
		sem_give(&sa);
	}
}

static void bench_coop(const struct bench_run *r)
{
	struct thread *t;

	sem_init(&sa, 0, 1);
	sem_init(&sb, 0, 1);
	t = bench_spawn(r, "rtb-coop", coop_peer, (void *)r, BENCH_PRIO);
	k_yield();
	bs_begin(&st, "thread_switch_coop");
	for (unsigned int i = 0; i <= r->iters; i++) {
		sem_give(&sb);
		stamp = bench_cycles();
		sem_take(&sa, K_FOREVER);
	}
	bs_end(&st);
	st_join(t);
	bs_print(r, &st);
}

static void exiter(void *arg)
{
	stamp = bench_cycles();
	thread_exit(0);
}

struct life {
	struct bstat create, start, suspend, resume, exit;
};

static void one_life(const struct bench_run *r, struct life *l)
{
	struct thread_params p = { .name = "rtb-life", .entry = exiter, .prio = BENCH_PRIO_LO,
				   .affinity = BIT_ULL(r->cpu), .start_suspended = true };
	struct thread *t;
	u64 t0 = bench_cycles();

	if (thread_create(&p, &t))
		return;
	bs_add(&l->create, bench_cycles() - t0);
	t0 = bench_cycles();
	thread_start(t);			/* lower priority: no switch */
	bs_add(&l->start, bench_cycles() - t0);
	t0 = bench_cycles();
	thread_suspend(t);
	bs_add(&l->suspend, bench_cycles() - t0);
	t0 = bench_cycles();
	thread_resume(t);
	bs_add(&l->resume, bench_cycles() - t0);
	thread_join(t, NULL);			/* blocks: it runs and exits */
	bs_add(&l->exit, bench_cycles() - stamp);
}

static void bench_life(const struct bench_run *r)
{
	static struct life l;

	bs_begin(&l.create, "thread_create");
	bs_begin(&l.start, "thread_start");
	bs_begin(&l.suspend, "thread_suspend");
	bs_begin(&l.resume, "thread_resume");
	bs_begin(&l.exit, "thread_exit_join");
	for (unsigned int i = 0; i < r->iters; i++)
		one_life(r, &l);
	bs_end(&l.create);
	bs_same_window(&l.start, &l.create);
	bs_same_window(&l.suspend, &l.create);
	bs_same_window(&l.resume, &l.create);
	bs_same_window(&l.exit, &l.create);
	bs_print(r, &l.create);
	bs_print(r, &l.start);
	bs_print(r, &l.suspend);
	bs_print(r, &l.resume);
	bs_print(r, &l.exit);
}

void bench_threads(const struct bench_run *r)
{
	bench_yield(r);
	bench_coop(r);
	bench_life(r);
}
