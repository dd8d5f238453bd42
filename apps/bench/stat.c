/* rtbench statistics, the cycle counter and the output line. */
#include <arch/sysreg.h>
#include <kernel/selftest.h>
#include <kernel/timeout.h>
#include <shell/shell.h>

#include "bench.h"

#define PMCR_E BIT(0)
#define PMCNTEN_C BIT(31)
#define PMCCFILTR_NSH BIT(27)	/* count at EL2 too (RES0 without EL2) */

/* The cycle counter at EL1: enable it and count every EL. Under ZVM the
 * first access traps once and gives this vCPU its own PMU (vpmu.c). */
void bench_pmu_init(void)
{
	write_sysreg(pmccfiltr_el0, PMCCFILTR_NSH);
	write_sysreg(pmcntenset_el0, PMCNTEN_C);
	write_sysreg(pmcr_el0, read_sysreg(pmcr_el0) | PMCR_E);
	isb();
}

u64 bench_cycles(void)
{
	isb();
	return read_sysreg(pmccntr_el0);
}

void bs_begin(struct bstat *s, const char *name)
{
	*s = (struct bstat){ .name = name, .unit = "cycles", .min = ~0ULL };
	s->cnt0 = k_now();
}

void bs_add(struct bstat *s, u64 v)
{
	s->sum += v;
	s->n++;
	s->min = MIN(s->min, v);
	s->max = MAX(s->max, v);
}

void bs_end(struct bstat *s)
{
	s->cnt1 = k_now();
}

void bs_same_window(struct bstat *dst, const struct bstat *src)
{
	dst->cnt0 = src->cnt0;
	dst->cnt1 = src->cnt1;
}

void bs_print(const struct bench_run *r, const struct bstat *s)
{
	u64 n = s->n ? s->n : 1;

	shell_printf(r->sh, "BENCH name=%s unit=%s min=%llu avg=%llu.%02llu max=%llu n=%llu "
		     "iter_ns=%llu\n", s->name, s->unit, (unsigned long long)(s->n ? s->min : 0),
		     (unsigned long long)(s->sum / n),
		     (unsigned long long)(s->sum % n * 100 / n), (unsigned long long)s->max,
		     (unsigned long long)s->n,
		     (unsigned long long)(k_ticks_to_ns(s->cnt1 - s->cnt0) / n));
}

struct thread *bench_spawn(const struct bench_run *r, const char *name, thread_entry_t fn,
			   void *arg, unsigned int prio)
{
	return st_spawn(name, fn, arg, prio, (int)r->cpu);
}
