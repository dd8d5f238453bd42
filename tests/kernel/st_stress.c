/* Cross-CPU stress: producers and consumers on every CPU exchange messages
 * through one message queue and tokens through a semaphore; checksums of
 * everything sent and received must match exactly. */
#include <kernel/cpu.h>
#include <kernel/selftest.h>
#include <kernel/sync.h>

/* Kept small: under QEMU with more vCPUs than host cores, a contended
 * ticket lock convoys whenever the next waiter's vCPU thread is
 * descheduled by the host (lock-waiter preemption), which costs ~ms per
 * hand-off there and nothing on hardware. */
#define STRESS_MSGS 100
#define STRESS_PAIRS CONFIG_MAX_CPUS

struct msg {
	u64 value;
	u64 check;	/* value ^ salt: detects torn or mixed copies */
};

#define SALT 0x5a5aa5a5deadbeefULL

static struct msgq q;
static struct msg q_buf[8];
static struct semaphore tokens, done;
static u64 sent_sum[STRESS_PAIRS], recv_sum[STRESS_PAIRS];
static unsigned int recv_cnt[STRESS_PAIRS], torn;
static unsigned int tokens_taken;
static unsigned int npairs;

static void producer(void *arg)
{
	unsigned long id = (unsigned long)arg;

	for (unsigned int i = 0; i < STRESS_MSGS; i++) {
		u64 v = (id << 32) | (i * 2654435761u);
		struct msg m = { v, v ^ SALT };

		msgq_put(&q, &m, K_FOREVER);
		sent_sum[id] += v;
		sem_give(&tokens);
		if (i % 64 == 0)
			k_yield();
	}
}

static void consumer(void *arg)
{
	unsigned long id = (unsigned long)arg;
	struct msg m;

	for (unsigned int i = 0; i < STRESS_MSGS; i++) {
		msgq_get(&q, &m, K_FOREVER);
		if ((m.value ^ SALT) != m.check)
			__atomic_fetch_add(&torn, 1, __ATOMIC_RELAXED);
		recv_sum[id] += m.value;
		recv_cnt[id]++;
		if (!sem_take(&tokens, K_FOREVER))
			__atomic_fetch_add(&tokens_taken, 1, __ATOMIC_RELAXED);
	}
	sem_give(&done);
}

static int st_ipc_stress(struct st_ctx *c)
{
	struct thread *p[STRESS_PAIRS], *r[STRESS_PAIRS];
	u64 sent = 0, recv = 0;
	unsigned int cnt = 0;

	npairs = cpus_online_count();
	msgq_init(&q, q_buf, sizeof(struct msg), 8);
	sem_init(&tokens, 0, 0);
	sem_init(&done, 0, 0);
	torn = tokens_taken = 0;
	for (unsigned int i = 0; i < npairs; i++) {
		sent_sum[i] = recv_sum[i] = 0;
		recv_cnt[i] = 0;
	}
	for (unsigned long i = 0; i < npairs; i++) {
		/* Consumers outrank the producer sharing their CPU, so every
		 * hand-off is a cross-CPU wake-up plus a local preemption. */
		r[i] = st_spawn("st-cons", consumer, (void *)i, 7, (int)i);
		p[i] = st_spawn("st-prod", producer, (void *)i, 8, (int)((i + 1) % npairs));
	}
	for (unsigned int i = 0; i < npairs; i++) {
		st_join(p[i]);
		st_join(r[i]);
	}
	for (unsigned int i = 0; i < npairs; i++) {
		sent += sent_sum[i];
		recv += recv_sum[i];
		cnt += recv_cnt[i];
	}
	ST_CHECK(c, cnt == npairs * STRESS_MSGS, "received %u of %u", cnt, npairs * STRESS_MSGS);
	ST_CHECK(c, sent == recv, "checksum sent %#llx != received %#llx",
		 (unsigned long long)sent, (unsigned long long)recv);
	ST_CHECK(c, torn == 0, "%u torn messages", torn);
	ST_CHECK(c, tokens_taken == cnt && sem_count(&tokens) == 0,
		 "semaphore tokens %u taken, %u left", tokens_taken, sem_count(&tokens));
	ST_CHECK(c, sem_count(&done) == npairs, "done count %u", sem_count(&done));
	return 0;
}
SELFTEST(ipc_stress, "msgq + semaphore stress across all CPUs, checksummed", st_ipc_stress);

static volatile unsigned int seen_cpu_mask;
static volatile bool spin_stop;
static unsigned int migrate_to;

/* Runs until told to stop, not for a fixed time: a host that deschedules
 * the emulator's vCPUs for tens of ms must not end it before the check.
 * Interrupts are masked from reading the CPU id to recording it, so a
 * migration cannot fall in between and record the CPU it left. */
static void migrator(void *arg)
{
	while (!spin_stop) {
		unsigned long flags = arch_irq_save();

		__atomic_fetch_or(&seen_cpu_mask, 1u << arch_cpu_id(), __ATOMIC_RELAXED);
		arch_irq_restore(flags);
	}
}

static bool ran_somewhere(void)
{
	return seen_cpu_mask != 0;
}

static bool ran_on_target(void)
{
	return seen_cpu_mask & (1u << migrate_to);
}

/* Changing the affinity of a running thread moves it; once it has run on
 * its new CPU it never runs on the old one again. */
static int st_affinity(struct st_ctx *c)
{
	unsigned int a = st_cpu(0), b = st_cpu(1), after;
	bool started, moved, ran;
	struct thread *t;

	if (a == b)
		return ST_SKIP;	/* single CPU: nothing to migrate to */
	seen_cpu_mask = 0;
	spin_stop = false;
	migrate_to = b;
	t = st_spawn("st-migrate", migrator, NULL, 6, (int)a);
	started = st_wait(ran_somewhere, 2000);
	thread_set_affinity(t, BIT_ULL(b));
	moved = st_wait(ran_on_target, 2000);
	seen_cpu_mask = 0;
	k_msleep(10);
	ran = st_wait(ran_somewhere, 2000);
	after = seen_cpu_mask;
	spin_stop = true;
	st_join(t);
	ST_CHECK(c, started, "pinned thread never ran on CPU %u", a);
	ST_CHECK(c, moved, "still not on CPU %u 2 s after the affinity change", b);
	ST_CHECK(c, ran && after == (1u << b), "ran on mask %#x after moving to CPU %u", after, b);
	return 0;
}
SELFTEST(affinity, "affinity change migrates a running thread", st_affinity);

static volatile u64 spins;
static u64 spins_seen;
static struct thread *spin_thread;

static void spinner(void *arg)
{
	while (!spin_stop)
		spins++;
}

static bool spinning(void)
{
	return spins != spins_seen;
}

static bool suspended(void)
{
	return READ_ONCE(spin_thread->state) == THREAD_SUSPENDED;
}

static int st_suspend(struct st_ctx *c)
{
	bool started, stopped, resumed;
	u64 before;

	/* Below the shell's priority, so that on one CPU the shell still gets
	 * to suspend it. */
	spins = spins_seen = 0;
	spin_stop = false;
	spin_thread = st_spawn("st-spin", spinner, NULL, 12, (int)st_cpu(0));
	started = st_wait(spinning, 2000);
	thread_suspend(spin_thread);
	stopped = st_wait(suspended, 2000);	/* its CPU takes the kick */
	before = spins;
	k_msleep(10);
	spins_seen = spins;
	thread_resume(spin_thread);
	resumed = st_wait(spinning, 2000);
	spin_stop = true;
	st_join(spin_thread);
	ST_CHECK(c, started, "spinner never ran");
	ST_CHECK(c, stopped, "not suspended 2 s after thread_suspend");
	ST_CHECK(c, spins_seen == before, "suspended thread kept running");
	ST_CHECK(c, resumed, "resumed thread did not run");
	return 0;
}
SELFTEST(suspend_resume, "suspend stops a running thread, resume restarts it", st_suspend);
