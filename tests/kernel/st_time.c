/* Self-tests of timeouts: sleep accuracy and wake order. */
#include <kernel/cpu.h>
#include <kernel/selftest.h>
#include <kernel/sync.h>

#define SLEEP_SAMPLES 20
#define SLEEP_US 10000
#define TICK_EQUIV_US 1000	/* a 1 kHz tick: what a ticked kernel would round to */

static u64 samples[SLEEP_SAMPLES];

static void sleeper_fn(void *arg)
{
	for (unsigned int i = 0; i < SLEEP_SAMPLES; i++) {
		u64 t0 = k_now();

		k_usleep(SLEEP_US);
		samples[i] = k_ticks_to_us(k_now() - t0);
	}
}

static int cmp_u64(u64 a, u64 b)
{
	return a < b ? -1 : a > b;
}

static void sort_u64(u64 *v, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++)
		for (unsigned int j = i; j > 0 && cmp_u64(v[j - 1], v[j]) > 0; j--) {
			u64 t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

/* Never early; the median within one tick-equivalent. (Single samples may
 * be late when the emulator's host thread is descheduled, which no guest
 * can prevent; the median is what the kernel controls.) */
static int st_sleep_accuracy(struct st_ctx *c)
{
	st_join(st_spawn("st-sleep", sleeper_fn, NULL, 3, (int)st_cpu(0)));
	sort_u64(samples, SLEEP_SAMPLES);
	ST_CHECK(c, samples[0] >= SLEEP_US, "woke early: %llu us < %u us",
		 (unsigned long long)samples[0], SLEEP_US);
	ST_CHECK(c, samples[SLEEP_SAMPLES / 2] <= SLEEP_US + TICK_EQUIV_US,
		 "median %llu us > %u us", (unsigned long long)samples[SLEEP_SAMPLES / 2],
		 SLEEP_US + TICK_EQUIV_US);
	return 0;
}
SELFTEST(sleep_accuracy, "10 ms sleep wakes after 10 ms, within a tick", st_sleep_accuracy);

static char wake_order[8];
static unsigned int wake_n;
static u64 order_base;		/* common start: deadlines do not depend on spawn time */

static void timed_fn(void *arg)
{
	unsigned long ms = (unsigned long)arg;

	k_sleep_until(order_base + k_us_to_ticks(ms * 1000));
	wake_order[__atomic_fetch_add(&wake_n, 1, __ATOMIC_SEQ_CST)] = (char)('0' + ms / 25 - 8);
}

/* Timeouts expire in deadline order, whatever the order they were armed.
 * Deadlines are absolute, 25 ms apart and 200 ms after a common start: an
 * emulator's vCPU thread can be descheduled by the host for tens of ms
 * (while the threads are spawned, too), which must not reorder them. */
static int st_timeout_order(struct st_ctx *c)
{
	static const unsigned long ms[] = { 300, 225, 275, 250, 325 };
	struct thread *t[5];
	unsigned int cpu = st_cpu(1);

	wake_n = 0;
	order_base = k_now();
	for (unsigned int i = 0; i < 5; i++)
		t[i] = st_spawn("st-timed", timed_fn, (void *)ms[i], 4, (int)cpu);
	for (unsigned int i = 0; i < 5; i++)
		st_join(t[i]);
	wake_order[5] = 0;
	ST_CHECK(c, wake_n == 5, "only %u woke", wake_n);
	ST_CHECK(c, wake_order[0] == '1' && wake_order[1] == '2' && wake_order[2] == '3' &&
		 wake_order[3] == '4' && wake_order[4] == '5', "order %s, want 12345",
		 wake_order);
	return 0;
}
SELFTEST(timeout_order, "timeouts fire in deadline order", st_timeout_order);

static char prio_order[4];
static unsigned int prio_n;
static struct thread *prio_lo;

static bool lo_asleep(void)
{
	return READ_ONCE(prio_lo->state) == THREAD_BLOCKED;
}

static void same_deadline_fn(void *arg)
{
	k_sleep_until(order_base);
	prio_order[__atomic_fetch_add(&prio_n, 1, __ATOMIC_SEQ_CST)] = (char)(uintptr_t)arg;
}

/*
 * Timeouts that expire in one pass wake their threads in priority order:
 * the first one woken that preempts the CPU's thread is handed to the
 * switch without the run queue (kernel/sched.c), and one of higher
 * priority woken after it in the same expiry still runs first. The lower
 * one arms its timeout first, so it is the one handed off.
 */
static int st_timeout_prio(struct st_ctx *c)
{
	unsigned int cpu = st_cpu(1);
	struct thread *lo, *hi;

	prio_n = 0;
	order_base = k_now() + k_us_to_ticks(200000);	/* see st_timeout_order() */
	lo = prio_lo = st_spawn("st-same-lo", same_deadline_fn, (void *)(uintptr_t)'l', 6,
				(int)cpu);
	ST_CHECK(c, st_wait(lo_asleep, 100), "lo did not go to sleep");	/* its timeout first */
	hi = st_spawn("st-same-hi", same_deadline_fn, (void *)(uintptr_t)'h', 4, (int)cpu);
	st_join(lo);
	st_join(hi);
	prio_order[2] = 0;
	ST_CHECK(c, prio_n == 2, "only %u woke", prio_n);
	ST_CHECK(c, prio_order[0] == 'h' && prio_order[1] == 'l', "order %s, want hl", prio_order);
	return 0;
}
SELFTEST(timeout_prio, "timeouts expiring together wake by priority", st_timeout_prio);
