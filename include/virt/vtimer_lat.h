/*
 * Timer delivery statistics (`zvm latency`): one delivery into a vCPU's
 * histogram. Pure arithmetic on host counter values, inline because it runs
 * on the timer fast path, and in its own header so that host unit tests
 * can check it without the hardware.
 */
#ifndef VIRT_VTIMER_LAT_H
#define VIRT_VTIMER_LAT_H

#include <virt/vm.h>
#include <zvm/compiler.h>

/* Where bucket 63 - CLZ (log2 of d, 0 for 0 and 1) is stored: at CLZ. */
static inline unsigned int vtimer_lat_slot(u64 d)
{
	return (unsigned int)__builtin_clzll(d | 1);
}

/* Bucket i of a histogram: the count of [2^i, 2^(i+1)) ticks. */
static inline u64 vtimer_lat_at(const u64 *hist, unsigned int i)
{
	return hist[VTIMER_HIST_NR - 1 - i];
}

/*
 * `due`: the deadline; `left`: when the vCPU last left the guest (the exit
 * that carries the delivery, or the one it came due behind); `now`: the
 * entry that delivers it. The part from max(due, left) to now is the
 * hypervisor's; before that, the interrupt had not yet reached it (the
 * CPU's own interrupt latency, host code with interrupts masked, or, on an
 * emulator, time in which the emulated CPU was not being run).
 */
static inline void vtimer_lat_add(struct vtimer_lat *l, u64 due, u64 left, u64 now,
				  unsigned int why)
{
	u64 d = now > due ? now - due : 0;
	u64 from = MAX(due, left), z = now > from ? now - from : 0;

	l->sum += d;
	l->hist[vtimer_lat_slot(d)]++;
	if (d >= l->max) {
		l->max = d;
		l->worst_exit = why;
	}
	l->zvm_sum += z;
	l->zvm_max = MAX(l->zvm_max, z);
	l->zvm_hist[vtimer_lat_slot(z)]++;
}

/*
 * A delivery whose bookkeeping is deferred, off the path being measured:
 * vtimer_lat_defer() keeps it (adding one kept before, if any),
 * vtimer_lat_settle() adds it to l later, and a reader sees both through
 * vtimer_lat_view(), so that no delivery is missing from the statistics
 * meanwhile.
 */
static inline void vtimer_lat_settle(struct vtimer_lat *l, struct vtimer_lat_defer *p)
{
	if (!p->now)
		return;
	vtimer_lat_add(l, p->due, p->left, p->now, p->why);
	p->now = 0;
}

static inline void vtimer_lat_defer(struct vtimer_lat *l, struct vtimer_lat_defer *p, u64 due,
				    u64 left, u64 now, unsigned int why)
{
	vtimer_lat_settle(l, p);
	*p = (struct vtimer_lat_defer){ due, left, now, why };
}

/* l as it reads with p added (racy against the vCPU: statistics only). */
static inline void vtimer_lat_view(const struct vtimer_lat *l, const struct vtimer_lat_defer *p,
				   struct vtimer_lat *out)
{
	struct vtimer_lat_defer d = *p;

	*out = *l;
	vtimer_lat_settle(out, &d);
}

/*
 * The bucket holding the pct-th percentile of a histogram of n values: the
 * first whose cumulative count reaches ceil(n * pct / 100). Percentiles,
 * not the average, are what a real-time user reads: one delivery stretched
 * by an emulator's or a host's scheduling (milliseconds) moves an average
 * of thousands, not the 90th percentile.
 */
static inline unsigned int vtimer_lat_pct(const u64 *hist, u64 n, unsigned int pct)
{
	u64 want = (n * pct + 99) / 100, seen = 0;

	for (unsigned int i = 0; i < VTIMER_HIST_NR; i++) {
		seen += vtimer_lat_at(hist, i);
		if (seen >= want)
			return i;
	}
	return VTIMER_HIST_NR - 1;
}

#endif
