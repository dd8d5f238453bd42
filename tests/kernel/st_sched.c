/* Self-tests of the scheduler: preemption order, time slicing, sleep
 * accuracy, cross-CPU wake-up, suspend/resume and migration. */
#include <kernel/cpu.h>
#include <kernel/selftest.h>
#include <kernel/sync.h>

#define LOG_MAX 16

struct order_log {
	char ev[LOG_MAX];
	unsigned int n;
	volatile bool low_started;
	volatile bool high_ran;
};

static void log_ev(struct order_log *l, char c)
{
	unsigned int i = __atomic_fetch_add(&l->n, 1, __ATOMIC_SEQ_CST);

	if (i < LOG_MAX)
		l->ev[i] = c;
}

static struct order_log olog;

static void low_fn(void *arg)
{
	u64 give_up = k_now() + k_us_to_ticks(2000000);

	log_ev(&olog, 'L');
	olog.low_started = true;
	/* Stays runnable until H has run: only preemption lets H in. Not a
	 * fixed time, which a host descheduling the emulator could outlast. */
	while (!olog.high_ran && k_now() < give_up)
		;
	log_ev(&olog, 'l');
}

static void high_fn(void *arg)
{
	log_ev(&olog, 'H');
	olog.high_ran = true;
}

/* A higher-priority thread woken from another CPU preempts a running
 * lower-priority one immediately (IPI), not when it finishes. */
static int st_preempt(struct st_ctx *c)
{
	unsigned int cpu = st_cpu(0);
	struct thread *l, *h;

	olog = (struct order_log){ .n = 0 };
	l = st_spawn("st-low", low_fn, NULL, 20, (int)cpu);
	while (!olog.low_started)
		k_msleep(1);	/* sleep, not yield: on one CPU L must get to run */
	h = st_spawn("st-high", high_fn, NULL, 12, (int)cpu);
	st_join(h);
	st_join(l);
	ST_CHECK(c, olog.n == 3, "expected 3 events, got %u", olog.n);
	ST_CHECK(c, olog.ev[0] == 'L' && olog.ev[1] == 'H' && olog.ev[2] == 'l',
		 "order %c%c%c, want LHl", olog.ev[0], olog.ev[1], olog.ev[2]);
	return 0;
}
SELFTEST(preempt, "higher priority preempts at once across CPUs", st_preempt);

static struct order_log plog;

static void prio_fn(void *arg)
{
	log_ev(&plog, (char)(unsigned long)arg);
}

static const struct { char id; unsigned int prio; } prio_spec[] = {
	{ 'c', 18 }, { 'a', 6 }, { 'd', 25 }, { 'b', 9 },
};
static struct thread *prio_threads[4];

/* Runs at the top priority on the test CPU: everything it creates there
 * queues up behind it and starts only when it exits. */
static void prio_driver(void *arg)
{
	unsigned int cpu = arch_cpu_id();

	for (unsigned int i = 0; i < 4; i++)
		prio_threads[i] = st_spawn("st-prio", prio_fn, (void *)(unsigned long)prio_spec[i].id,
					   prio_spec[i].prio, (int)cpu);
}

/* Threads that become ready together run strictly by priority. */
static int st_prio_order(struct st_ctx *c)
{
	plog = (struct order_log){ .n = 0 };
	st_join(st_spawn("st-prio-drv", prio_driver, NULL, 1, (int)st_cpu(1)));
	for (unsigned int i = 0; i < 4; i++)
		st_join(prio_threads[i]);
	ST_CHECK(c, plog.n == 4, "ran %u of 4", plog.n);
	ST_CHECK(c, plog.ev[0] == 'a' && plog.ev[1] == 'b' && plog.ev[2] == 'c' &&
		 plog.ev[3] == 'd', "order %.4s, want abcd", plog.ev);
	return 0;
}
SELFTEST(prio_order, "ready threads run in priority order", st_prio_order);

struct slicer {
	u64 end;
	u64 count;
	u64 first_switch_count;	/* own count when the other first ran */
};

static struct slicer sl[2];

static void slice_fn(void *arg)
{
	struct slicer *me = arg;

	while (k_now() < me->end)
		me->count++;
}

/* Two equal-priority CPU hogs on one CPU share it round-robin. */
static int st_timeslice(struct st_ctx *c)
{
	unsigned int cpu = st_cpu(2);
	/* 40 slices: a host that deschedules the emulator for a slice or two
	 * (charged to whichever thread was running) must not tip the ratio. */
	u64 end = k_now() + k_us_to_ticks(400000);
	struct thread *a, *b;
	u64 lo, hi;

	sl[0] = (struct slicer){ .end = end };
	sl[1] = (struct slicer){ .end = end };
	a = st_spawn("st-slice-a", slice_fn, &sl[0], 16, (int)cpu);
	b = st_spawn("st-slice-b", slice_fn, &sl[1], 16, (int)cpu);
	st_join(a);
	st_join(b);
	lo = MIN(sl[0].count, sl[1].count);
	hi = MAX(sl[0].count, sl[1].count);
	ST_CHECK(c, lo > 0, "one thread never ran (%llu / %llu)",
		 (unsigned long long)sl[0].count, (unsigned long long)sl[1].count);
	ST_CHECK(c, hi * 10 <= lo * 13, "unfair split %llu / %llu",
		 (unsigned long long)sl[0].count, (unsigned long long)sl[1].count);
	return 0;
}
SELFTEST(timeslice, "equal priorities share a CPU fairly", st_timeslice);
