/*
 * The `rtbench [quick] [lat|obj|timer|smp]` shell command (apps/bench/bench.h)
 * and the `busy` boot argument (lowest-priority threads that never idle:
 * the "busy VM" of the timer-latency scenarios, or busy sibling CPUs).
 */
#include <kernel/config.h>
#include <kernel/init.h>
#include <kernel/platform.h>
#include <kernel/printk.h>
#include <kernel/selftest.h>
#include <lib/parse.h>
#include <lib/string.h>
#include <shell/shell.h>
#include <zvm/errno.h>

#include "bench.h"

#define ITERS 1000
#define SAMPLES 200
#define QUICK_ITERS 20
#define QUICK_SAMPLES 10

enum { G_LAT = 1, G_OBJ = 2, G_TIMER = 4, G_ALL = 7, G_SMP = 8 };

struct job {
	struct bench_run run;
	unsigned int groups;
};

static void runner(void *arg)
{
	struct job *j = arg;

	bench_pmu_init(&j->run);
	if (j->groups & G_LAT) {
		bench_threads(&j->run);
		bench_isr(&j->run);
		bench_sync(&j->run);
	}
	if (j->groups & G_OBJ)
		bench_objects(&j->run);
	if (j->groups & G_TIMER)
		bench_timer(&j->run);
	if (j->groups & G_SMP)
		bench_smp(&j->run);
}

static int parse(struct job *j, int argc, char **argv)
{
	static const char *const names[] = { "lat", "obj", "timer", "smp" };

	for (int i = 1; i < argc; i++) {
		unsigned int g;

		if (!strcmp(argv[i], "quick")) {
			j->run.iters = QUICK_ITERS;
			j->run.samples = QUICK_SAMPLES;
			continue;
		}
		for (g = 0; g < ARRAY_SIZE(names) && strcmp(argv[i], names[g]); g++)
			;
		if (g == ARRAY_SIZE(names))
			return -EINVAL;
		j->groups |= 1u << g;
	}
	if (!j->groups)
		j->groups = G_ALL;
	return 0;
}

static int cmd_rtbench(struct shell *sh, int argc, char **argv)
{
	static struct job j;

	j = (struct job){ .run = { .sh = sh, .iters = ITERS, .samples = SAMPLES, .cpu = 0 } };
	if (parse(&j, argc, argv)) {
		shell_printf(sh, "usage: rtbench [quick] [lat] [obj] [timer] [smp]\n");
		return -EINVAL;
	}
	shell_printf(sh, "BENCH-START iters=%u samples=%u\n", j.run.iters, j.run.samples);
	st_join(bench_spawn(&j.run, "rtbench", runner, &j, BENCH_PRIO));
	shell_printf(sh, "BENCH-END\n");
	return 0;
}
SHELL_CMD(rtbench, "rtbench [quick] [lat] [obj] [timer] [smp]",
	  "real-time latency and kernel-object benchmarks", cmd_rtbench);

static void spinner(void *arg)
{
	for (volatile u64 n = 0;; n++)
		;
}

/* The busy boot argument: none, "busy" (one spinner on any CPU) or
 * "busy=siblings" (one pinned to every CPU but 0, the periodic task's). */
enum busy_mode { BUSY_NONE, BUSY_ONE, BUSY_SIBLINGS, BUSY_BAD };

static enum busy_mode busy_arg(const char *args)
{
	const char *val;
	size_t len;

	if (!cmdline_find(args, "busy", &val, &len))
		return BUSY_NONE;
	if (!val)
		return BUSY_ONE;
	return len == 8 && !strncmp(val, "siblings", 8) ? BUSY_SIBLINGS : BUSY_BAD;
}

static int busy_start(void)
{
	struct thread_params tp = { .name = "busy", .entry = spinner, .prio = PRIO_LOWEST_USER,
				    .affinity = CPU_ANY };
	enum busy_mode mode = busy_arg(plat.bootargs);
	int err = 0;

	if (mode == BUSY_BAD)
		pr_err("busy: bad boot argument (use 'busy' or 'busy=siblings')");
	if (mode == BUSY_ONE)
		return thread_create(&tp, NULL);
	for (unsigned int cpu = 1; mode == BUSY_SIBLINGS && cpu < plat.ncpus && !err; cpu++) {
		tp.affinity = BIT_ULL(cpu);
		err = thread_create(&tp, NULL);
	}
	return err;
}
INITCALL_LATE(busy_start);
