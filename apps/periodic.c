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
 *
 * Other apps (apps/ivc_rt.c) read its statistics and change its period or
 * clear its worst case through apps/periodic.h. The task never waits for
 * them: it publishes a window's figures under a sequence count and picks
 * up requests with single loads, so it runs in O(1) whatever they do.
 */
#include "periodic.h"

#include <kernel/init.h>
#include <kernel/platform.h>
#include <kernel/printk.h>
#include <kernel/thread.h>
#include <kernel/timeout.h>
#include <lib/parse.h>
#include <lib/string.h>
#include <shell/shell.h>
#include <zvm/errno.h>

#define PERIODIC_PRIO 1
#define ARG "periodic="

struct periodic {
	u64 period_us, report_every;
	u64 n, late_sum_ns, max_late_ns, window_max_ns;
	u64 window_sum_ns, window_start;
	bool running;
	u32 period_req;			/* new period asked for, 0: none */
	u32 reset_req, reset_done;	/* asked / served "reset" requests */
};

static struct periodic pt;

/* The last full window, written by the task only (sequence count: odd
 * while it writes), read by anyone with periodic_stats(). */
static struct {
	u32 seq;
	struct periodic_stats s;
} win;

static void window_publish(u64 now)
{
	u64 n = pt.report_every;

	__atomic_store_n(&win.seq, win.seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	win.s.window_ms = (u32)(k_ticks_to_us(now - pt.window_start) / 1000);
	win.s.late_max_window_ns = pt.window_max_ns;
	win.s.late_avg_window_ns = pt.window_sum_ns / n;
	win.s.windows++;
	__atomic_store_n(&win.seq, win.seq + 1, __ATOMIC_RELEASE);
	pt.window_sum_ns = 0;
	pt.window_max_ns = 0;
	pt.window_start = now;
}

void periodic_stats(struct periodic_stats *s)
{
	u32 seq;

	do {
		while ((seq = __atomic_load_n(&win.seq, __ATOMIC_ACQUIRE)) & 1)
			;
		*s = win.s;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while (__atomic_load_n(&win.seq, __ATOMIC_RELAXED) != seq);
	s->running = pt.running;
	s->period_us = (u32)READ_ONCE(pt.period_us);
	s->periods = READ_ONCE(pt.n);
	s->late_max_total_ns = READ_ONCE(pt.max_late_ns);
}

int periodic_set_period(u32 us)
{
	if (us < PERIODIC_MIN_US || us > PERIODIC_MAX_US)
		return -EINVAL;
	if (!pt.running)
		return -ENODEV;
	WRITE_ONCE(pt.period_req, us);
	return 0;
}

void periodic_reset(void)
{
	__atomic_fetch_add(&pt.reset_req, 1, __ATOMIC_RELAXED);
}

/* Requests from other threads, taken at a wake-up; returns the period. */
static u64 take_requests(u64 period)
{
	u32 us = READ_ONCE(pt.period_req), rr = READ_ONCE(pt.reset_req);

	if (rr != pt.reset_done) {
		pt.reset_done = rr;
		WRITE_ONCE(pt.max_late_ns, 0);
	}
	if (!us)
		return period;
	WRITE_ONCE(pt.period_req, 0);
	WRITE_ONCE(pt.period_us, us);
	return k_us_to_ticks(us);
}

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

	pt.window_start = k_now();
	for (;;) {
		u64 late, now;

		k_sleep_until(next);
		now = k_now();
		late = k_ticks_to_ns(now - next);
		WRITE_ONCE(pt.n, pt.n + 1);
		pt.late_sum_ns += late;
		pt.window_sum_ns += late;
		if (late > pt.max_late_ns)
			WRITE_ONCE(pt.max_late_ns, late);
		if (late > pt.window_max_ns)
			pt.window_max_ns = late;
		if (pt.n % pt.report_every == 0) {
			periodic_report();
			window_publish(now);
		}
		period = take_requests(period);
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
