/*
 * The `bench` command: kernel micro-benchmarks, reported in counter ticks
 * and nanoseconds. Under QEMU with -icount shift=0,align=off,sleep=off the
 * results are deterministic; docs/benchmarks.md records the baseline.
 */
#include <kernel/cpu.h>
#include <kernel/selftest.h>
#include <kernel/sync.h>
#include <lib/string.h>
#include <shell/shell.h>
#include <zvm/errno.h>

#define BENCH_ITERS 1000

struct bench_result {
	const char *name;
	u64 total_ticks;
	u64 ops;
	u64 min_ticks, max_ticks;	/* per op where measured individually, else 0 */
};

/* --- thread switch via yield: two equal-priority threads alternate ---- */
static volatile bool yield_stop;

static void yielder(void *arg)
{
	while (!yield_stop)
		k_yield();
}

static void bench_yield(struct bench_result *r, unsigned int cpu)
{
	struct thread *other;
	u64 t0;

	yield_stop = false;
	other = st_spawn("bench-yield", yielder, NULL, 5, (int)cpu);
	thread_set_affinity(thread_current(), BIT_ULL(cpu));
	thread_set_priority(thread_current(), 5);
	k_yield();	/* let the partner start */
	t0 = k_now();
	for (unsigned int i = 0; i < BENCH_ITERS; i++)
		k_yield();
	r->total_ticks = k_now() - t0;
	r->ops = 2 * BENCH_ITERS;	/* each iteration is two switches */
	yield_stop = true;
	st_join(other);
}

/* --- semaphore ping-pong on one CPU: give wakes a higher-prio taker --- */
static struct semaphore ping, pong;
static volatile bool pp_stop;

static void ponger(void *arg)
{
	for (;;) {
		sem_take(&ping, K_FOREVER);
		if (pp_stop)
			break;
		sem_give(&pong);
	}
}

static void bench_pingpong(struct bench_result *r, unsigned int my_cpu, unsigned int peer_cpu)
{
	struct thread *peer;
	u64 t0;

	sem_init(&ping, 0, 1);
	sem_init(&pong, 0, 1);
	pp_stop = false;
	thread_set_affinity(thread_current(), BIT_ULL(my_cpu));
	thread_set_priority(thread_current(), 6);
	peer = st_spawn("bench-pong", ponger, NULL, 4, (int)peer_cpu);
	t0 = k_now();
	for (unsigned int i = 0; i < BENCH_ITERS; i++) {
		sem_give(&ping);
		sem_take(&pong, K_FOREVER);
	}
	r->total_ticks = k_now() - t0;
	r->ops = BENCH_ITERS;
	pp_stop = true;
	sem_give(&ping);
	st_join(peer);
}

/* --- timer IRQ to thread: wake-up lateness after an absolute deadline -- */
static void bench_irq_wake(struct bench_result *r)
{
	u64 period = k_us_to_ticks(1000);

	r->min_ticks = ~0ULL;
	r->max_ticks = 0;
	r->total_ticks = 0;
	r->ops = 100;
	for (unsigned int i = 0; i < r->ops; i++) {
		u64 deadline = k_now() + period, late;

		k_sleep_until(deadline);
		late = k_now() - deadline;
		r->total_ticks += late;
		r->min_ticks = MIN(r->min_ticks, late);
		r->max_ticks = MAX(r->max_ticks, late);
	}
}

struct bench_job {
	struct bench_result res[4];
	unsigned int n;
};

static void bench_worker(void *arg)
{
	struct bench_job *job = arg;
	unsigned int a = st_cpu(0), b = st_cpu(1);

	job->res[0].name = "thread switch (yield)";
	bench_yield(&job->res[0], a);
	job->res[1].name = "sem give/take + switch";
	bench_pingpong(&job->res[1], a, a);
	job->res[2].name = "IPI round trip (sem)";
	bench_pingpong(&job->res[2], a, b);
	job->res[3].name = "timer IRQ -> thread";
	bench_irq_wake(&job->res[3]);
	job->n = 4;
}

static void print_result(struct shell *sh, const struct bench_result *r)
{
	u64 avg = r->total_ticks / (r->ops ? r->ops : 1);

	shell_printf(sh, "bench: %-24s avg %6llu ticks %8llu ns", r->name, (unsigned long long)avg,
		     (unsigned long long)k_ticks_to_ns(avg));
	if (r->max_ticks)
		shell_printf(sh, "  min %llu ns max %llu ns",
			     (unsigned long long)k_ticks_to_ns(r->min_ticks),
			     (unsigned long long)k_ticks_to_ns(r->max_ticks));
	shell_printf(sh, "  (%llu ops)\n", (unsigned long long)r->ops);
}

static int cmd_bench(struct shell *sh, int argc, char **argv)
{
	static struct bench_job job;

	if (argc > 1) {
		shell_printf(sh, "bench: takes no arguments\n");
		return -EINVAL;
	}
	memset(&job, 0, sizeof(job));
	st_join(st_spawn("bench", bench_worker, &job, 5, (int)st_cpu(0)));
	shell_printf(sh, "bench: counter %llu Hz (1 tick = %llu ns)\n",
		     (unsigned long long)arch_counter_freq(), (unsigned long long)k_ticks_to_ns(1));
	for (unsigned int i = 0; i < job.n; i++)
		print_result(sh, &job.res[i]);
	return 0;
}
SHELL_CMD(bench, "bench", "kernel micro-benchmarks (switch, sem, IPI, IRQ latency)", cmd_bench);
