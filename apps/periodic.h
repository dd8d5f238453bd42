/* The periodic real-time task (apps/periodic.c), as other apps see it. */
#ifndef APPS_PERIODIC_H
#define APPS_PERIODIC_H

#include <zvm/types.h>

#define PERIODIC_MIN_US 100		/* bounds of a period set at run time */
#define PERIODIC_MAX_US 100000

struct periodic_stats {
	bool running;
	u32 period_us;
	u32 window_ms;			/* length of the last full window */
	u64 periods;			/* since boot */
	u64 windows;			/* full windows since boot */
	u64 late_max_window_ns;		/* worst in the last full window */
	u64 late_avg_window_ns;		/* average in the last full window */
	u64 late_max_total_ns;		/* worst since boot or the last reset */
};

/* A consistent copy, lock-free on the task's side (a sequence count). */
void periodic_stats(struct periodic_stats *s);
/* Ask the task to change its period (PERIODIC_MIN_US..PERIODIC_MAX_US);
 * it takes effect at its next wake-up. -EINVAL / -ENODEV (not running). */
int periodic_set_period(u32 us);
/* Ask the task to clear its worst-case figures. */
void periodic_reset(void);

#endif
