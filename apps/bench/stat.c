/* rtbench statistics, the cycle counter (or the generic counter when there
 * is no usable PMU) and the output line. */
#include <arch/sysreg.h>
#include <arch/undef.h>
#include <kernel/selftest.h>
#include <kernel/timeout.h>
#include <shell/shell.h>

#include "bench.h"

#define PMCR_E BIT(0)
#define PMCNTEN_C BIT(31)
#define PMCCFILTR_NSH BIT(27)	/* count at EL2 too (RES0 without EL2) */
#define DFR0_PMUVER(dfr0) (((dfr0) >> 8) & 0xf)
#define PMUVER_IMPDEF 0xf
#define PMU_SPIN 1000

static bool use_pmu;

/* The cycle counter at EL1: enable it and count every EL. Under ZVM the
 * first access traps once and gives this vCPU its own PMU (vpmu.c). */
static void pmu_enable(void *unused)
{
	write_sysreg(pmccfiltr_el0, PMCCFILTR_NSH);
	write_sysreg(pmcntenset_el0, PMCNTEN_C);
	write_sysreg(pmcr_el0, read_sysreg(pmcr_el0) | PMCR_E);
	isb();
}

/* Read-as-zero registers (a hypervisor without a virtual PMU may answer
 * so, and QEMU's CPUs with pmu=off do) pass the probe but never count. */
static bool pmu_counts(void)
{
	u64 c0;

	isb();
	c0 = read_sysreg(pmccntr_el0);
	for (volatile unsigned int i = 0; i < PMU_SPIN; i++)
		;
	isb();
	return read_sysreg(pmccntr_el0) != c0;
}

/* Why the PMU cycle counter cannot be used, or NULL. PMUVer
 * (ID_AA64DFR0_EL1[11:8], ARM ARM D17.2.60): 0 none, 0xf not PMUv3. */
static const char *pmu_unusable(void)
{
	unsigned int ver = DFR0_PMUVER(read_sysreg(id_aa64dfr0_el1));

	if (ver == 0 || ver == PMUVER_IMPDEF)
		return ver ? "an IMPLEMENTATION DEFINED PMU, not PMUv3" :
			     "no PMU (ID_AA64DFR0_EL1.PMUVer = 0)";
	if (!arch_try_undef(pmu_enable, NULL))
		return "PMU registers refused (undefined instruction)";
	if (!pmu_counts())
		return "the cycle counter does not count";
	return NULL;
}

void bench_pmu_init(const struct bench_run *r)
{
	const char *why = pmu_unusable();

	use_pmu = !why;
	if (why)
		shell_printf(r->sh, "rtbench: %s: short items are timed with the generic "
			     "counter, in ns (unit=ns)\n", why);
}

u64 bench_cycles(void)
{
	if (!use_pmu)
		return k_ticks_to_ns(k_now());
	isb();
	return read_sysreg(pmccntr_el0);
}

void bs_begin(struct bstat *s, const char *name)
{
	*s = (struct bstat){ .name = name, .unit = use_pmu ? "cycles" : "ns", .min = ~0ULL };
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
