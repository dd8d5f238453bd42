/*
 * rtbench: the real-time guest's latency and kernel-object benchmarks
 * (what Zephyr's latency_measure and sys_kernel measure, written for this
 * kernel). Guest-only: mk/guest-rtos.mk builds apps/ into the RTOS guest.
 *
 * Short items are timed with the PMU cycle counter PMCCNTR_EL0 (one cycle
 * per instruction under QEMU -icount shift=0), or, without a usable PMU
 * (none, refused by a hypervisor, or not counting), with the generic
 * counter in ns (unit=ns; bench_pmu_init says which); every item also with the
 * generic counter over its whole loop (iter_ns): the counter keeps running
 * while a hypervisor runs, whereas a per-vCPU cycle counter is switched
 * out for most of the time spent at EL2. One output line per item:
 *   BENCH name=<item> unit=<cycles|ns> min=<> avg=<> max=<> n=<> iter_ns=<>
 */
#ifndef APPS_BENCH_H
#define APPS_BENCH_H

#include <kernel/thread.h>
#include <zvm/types.h>

/* Priorities (lower = more urgent) around the runner's own. */
#define BENCH_PRIO_HI 4
#define BENCH_PRIO 5
#define BENCH_PRIO_LO 6

struct bstat {
	const char *name;
	const char *unit;
	u64 min, max, sum, n;
	u64 cnt0, cnt1;		/* generic counter at start and end */
};

struct bench_run {
	struct shell *sh;
	unsigned int iters;	/* per latency item */
	unsigned int samples;	/* timer-latency samples */
	unsigned int cpu;	/* everything runs on this CPU */
};

/* stat.c */
/* The PMU cycle counter if there is a usable one; says so if not. */
void bench_pmu_init(const struct bench_run *r);
u64 bench_cycles(void);
void bs_begin(struct bstat *s, const char *name);
void bs_add(struct bstat *s, u64 v);
void bs_end(struct bstat *s);
/* dst was measured in the same loop as src: share its counter window. */
void bs_same_window(struct bstat *dst, const struct bstat *src);
void bs_print(const struct bench_run *r, const struct bstat *s);
/* Start a thread of this benchmark on the run's CPU. */
struct thread *bench_spawn(const struct bench_run *r, const char *name, thread_entry_t fn,
			   void *arg, unsigned int prio);

/* One group of items each; they print their own lines. */
void bench_threads(const struct bench_run *r);
void bench_isr(const struct bench_run *r);
void bench_sync(const struct bench_run *r);
void bench_objects(const struct bench_run *r);
void bench_timer(const struct bench_run *r);
/* Needs a second CPU (prints nothing without one); not in the default set. */
void bench_smp(const struct bench_run *r);

#endif
