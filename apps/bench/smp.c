/*
 * Cross-CPU wake-up: a thread on CPU 0 gives a semaphore that a
 * higher-priority thread pinned to CPU 1 waits on, then waits for it to
 * run (the IPI path of an SMP guest: sched_ready_locked() -> SGI), once
 * per millisecond so that both CPUs are idle before each give (an event
 * waking a thread on the other core). In ns from the generic counter:
 *   smp_wakeup     give on CPU 0 -> the woken thread runs on CPU 1
 *   smp_roundtrip  give on CPU 0 -> CPU 0 runs again after its answer
 * Needs a second CPU; without one the group prints nothing.
 */
#include <kernel/cpu.h>
#include <kernel/selftest.h>
#include <kernel/sync.h>
#include <kernel/timeout.h>

#include "bench.h"

static struct semaphore go, back;
static volatile u64 woke_at;
static volatile bool stop;

static void waker(void *arg)
{
	for (;;) {
		sem_take(&go, K_FOREVER);
		woke_at = k_now();
		if (stop)
			return;
		sem_give(&back);
	}
}

void bench_smp(const struct bench_run *r)
{
	static struct bstat wake, rt;
	struct thread *peer;

	if (cpus_online_count() < 2)
		return;
	sem_init(&go, 0, 1);
	sem_init(&back, 0, 1);
	stop = false;
	peer = st_spawn("rtbench-smp", waker, NULL, BENCH_PRIO_HI, 1);
	bs_begin(&wake, "smp_wakeup");
	bs_begin(&rt, "smp_roundtrip");
	wake.unit = rt.unit = "ns";
	for (unsigned int i = 0; i < r->samples; i++) {
		u64 t0;

		k_msleep(1);
		t0 = k_now();
		sem_give(&go);
		sem_take(&back, K_FOREVER);
		bs_add(&wake, k_ticks_to_ns(woke_at - t0));
		bs_add(&rt, k_ticks_to_ns(k_now() - t0));
	}
	bs_end(&wake);
	bs_same_window(&rt, &wake);
	stop = true;
	sem_give(&go);
	st_join(peer);
	bs_print(r, &wake);
	bs_print(r, &rt);
}
