/*
 * The real-time VM's workload: a periodic task at the highest priority that
 * measures how late it wakes (release jitter) and reports it. Started at
 * boot by the boot argument `periodic=<period_us>[,<report_every>]` (the
 * default pack's rtos template passes periodic=1000,1000: 1 ms, a report
 * line every second); `periodic` in the shell prints the statistics.
 *
 * Report lines (machine-readable):
 *   PERIODIC n=<periods> period_us=<p> max_late_ns=<worst since start>
 *            window_max_ns=<worst in the last report window> avg_late_ns=<mean>
 */
#include <kernel/init.h>
#include <kernel/platform.h>
#include <kernel/printk.h>
#include <kernel/thread.h>
#include <kernel/timeout.h>
#include <lib/parse.h>
#include <lib/string.h>
#include <shell/shell.h>

#define PERIODIC_PRIO 1
#define ARG "periodic="

struct periodic {
	u64 period_us, report_every;
	u64 n, late_sum_ns, max_late_ns, window_max_ns;
	bool running;
};

static struct periodic pt;

static void periodic_report(void)
{
	pr_info("PERIODIC n=%llu period_us=%llu max_late_ns=%llu window_max_ns=%llu "
	       "avg_late_ns=%llu", (unsigned long long)pt.n,
	       (unsigned long long)pt.period_us, (unsigned long long)pt.max_late_ns,
	       (unsigned long long)pt.window_max_ns,
	       (unsigned long long)(pt.n ? pt.late_sum_ns / pt.n : 0));
}

static void periodic_thread(void *arg)
{
	u64 period = k_us_to_ticks(pt.period_us), next = k_now() + period;

	for (;;) {
		u64 late;

		k_sleep_until(next);
		late = k_ticks_to_ns(k_now() - next);
		pt.n++;
		pt.late_sum_ns += late;
		if (late > pt.max_late_ns)
			pt.max_late_ns = late;
		if (late > pt.window_max_ns)
			pt.window_max_ns = late;
		if (pt.n % pt.report_every == 0) {
			periodic_report();
			pt.window_max_ns = 0;
		}
		next += period;
	}
}

/* The value of "periodic=1000" or "periodic=1000,500" in the boot arguments. */
static bool parse_bootarg(const char *p, size_t len, u64 *period_us, u64 *every)
{
	char buf[48];
	char *comma;

	len = MIN(len, sizeof(buf) - 1);
	memcpy(buf, p, len);
	buf[len] = '\0';
	comma = strchr(buf, ',');
	*every = 1000;
	if (comma) {
		*comma = '\0';
		if (str_to_u64(comma + 1, every) || !*every)
			return false;
	}
	return !str_to_u64(buf, period_us) && *period_us >= 10 && *period_us <= 10000000;
}

static int periodic_start(void)
{
	struct thread_params tp = {
		.name = "periodic", .entry = periodic_thread, .prio = PERIODIC_PRIO,
		.affinity = BIT_ULL(0),
	};
	const char *arg;
	size_t len;

	if (!cmdline_find(plat.bootargs, "periodic", &arg, &len) || !arg)
		return 0;
	if (!parse_bootarg(arg, len, &pt.period_us, &pt.report_every)) {
		pr_err("periodic: bad '%s<period_us>[,<report_every>]' boot argument", ARG);
		return 0;
	}
	pt.running = true;
	pr_info("periodic: every %llu us, report every %llu periods",
		(unsigned long long)pt.period_us, (unsigned long long)pt.report_every);
	return thread_create(&tp, NULL);
}
INITCALL_LATE(periodic_start);

static int cmd_periodic(struct shell *sh, int argc, char **argv)
{
	if (argc != 1) {
		shell_printf(sh, "usage: periodic\n");
		return 1;
	}
	if (!pt.running) {
		shell_printf(sh, "periodic: not running (boot with %s<period_us>)\n", ARG);
		return 1;
	}
	shell_printf(sh, "PERIODIC n=%llu period_us=%llu max_late_ns=%llu\n",
		     (unsigned long long)pt.n, (unsigned long long)pt.period_us,
		     (unsigned long long)pt.max_late_ns);
	return 0;
}
SHELL_CMD(periodic, "periodic", "statistics of the periodic real-time task", cmd_periodic);
