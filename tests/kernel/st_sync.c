/* Self-tests of synchronisation: cross-CPU wake-up, mutex priority
 * inheritance, semaphore and message-queue stress across all CPUs. */
#include <kernel/cpu.h>
#include <kernel/selftest.h>
#include <kernel/sync.h>

struct xwake {
	struct semaphore sem;
	volatile unsigned int woke_on;
	volatile bool waiting;
};

static struct xwake xw;

static void xwait_fn(void *arg)
{
	xw.waiting = true;
	sem_take(&xw.sem, K_FOREVER);
	xw.woke_on = arch_cpu_id();
}

static void xgive_fn(void *arg)
{
	while (!xw.waiting)
		k_yield();
	k_msleep(2);	/* let the waiter really block */
	sem_give(&xw.sem);
}

/* A thread blocked on CPU a is woken by a thread on CPU b and runs on a. */
static int st_cross_wake(struct st_ctx *c)
{
	unsigned int a = st_cpu(0), b = st_cpu(1);
	struct thread *w, *g;

	xw = (struct xwake){ .woke_on = ~0u };
	sem_init(&xw.sem, 0, 1);
	w = st_spawn("st-xwait", xwait_fn, NULL, 5, (int)a);
	g = st_spawn("st-xgive", xgive_fn, NULL, 5, (int)b);
	st_join(g);
	st_join(w);
	ST_CHECK(c, xw.woke_on == a, "woke on CPU %u, pinned to %u", xw.woke_on, a);
	return 0;
}
SELFTEST(cross_wake, "wake-up across CPUs through an IPI", st_cross_wake);

struct pi_test {
	struct mutex m;
	struct semaphore locked;
	u64 h_acquired, m_done;
	unsigned int boosted_prio;
	volatile bool release;
};

static struct pi_test pi;

static void pi_low(void *arg)
{
	mutex_lock(&pi.m, K_FOREVER);
	sem_give(&pi.locked);
	while (!pi.release)
		;	/* holds the mutex, runnable, until H has blocked on it */
	pi.boosted_prio = thread_current()->prio;
	mutex_unlock(&pi.m);
}

static void pi_mid(void *arg)
{
	u64 end = k_now() + k_us_to_ticks(100000);

	while (k_now() < end)
		;	/* a CPU hog between L and H */
	pi.m_done = k_now();
}

static void pi_high(void *arg)
{
	pi.release = true;	/* L may unlock as soon as it runs again */
	mutex_lock(&pi.m, K_FOREVER);
	pi.h_acquired = k_now();
	mutex_unlock(&pi.m);
}

/* Classic inversion: L holds a mutex H wants while M hogs the CPU. With
 * inheritance L runs at H's priority, so H gets the mutex before M ends. */
static int st_mutex_pi(struct st_ctx *c)
{
	unsigned int cpu = st_cpu(2);
	struct thread *l, *m, *h;

	pi = (struct pi_test){ .h_acquired = 0 };
	mutex_init(&pi.m);
	sem_init(&pi.locked, 0, 1);
	l = st_spawn("st-pi-low", pi_low, NULL, 20, (int)cpu);
	sem_take(&pi.locked, K_FOREVER);
	m = st_spawn("st-pi-mid", pi_mid, NULL, 15, (int)cpu);
	h = st_spawn("st-pi-high", pi_high, NULL, 10, (int)cpu);
	st_join(h);
	st_join(m);
	st_join(l);
	ST_CHECK(c, pi.boosted_prio == 10, "owner ran at %u, want inherited 10",
		 pi.boosted_prio);
	ST_CHECK(c, pi.h_acquired && pi.h_acquired < pi.m_done,
		 "H got the mutex after M finished: priority inversion");
	return 0;
}
SELFTEST(mutex_pi, "mutex priority inheritance", st_mutex_pi);
