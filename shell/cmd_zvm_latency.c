/*
 * `zvm latency` and the delivery line of `zvm info -n`: how late each
 * vCPU's timer interrupt reached the guest (virt/vtimer.c measures it), so
 * that a real-time user can see the hypervisor's share of a wake-up without
 * instrumenting the guest.
 */
#include <arch/esr.h>
#include <kernel/timeout.h>
#include <lib/string.h>
#include <virt/vm.h>
#include <virt/vtimer_lat.h>

#include "cmd_zvm.h"

static const char *const path_name[VTIMER_PATH_NR] = { "fast", "full" };

static unsigned long long ns(u64 ticks)
{
	return (unsigned long long)k_ticks_to_ns(ticks);
}

static u64 lat_count(const struct vtimer_lat *l)
{
	u64 n = 0;

	for (unsigned int i = 0; i < VTIMER_HIST_NR; i++)
		n += l->hist[i];	/* all slots, in whatever order */
	return n;
}

/* v's statistics for path p, with a delivery still deferred (vtimer.c). */
static void lat_of(const struct vcpu *v, unsigned int p, struct vtimer_lat *out)
{
	static const struct vtimer_lat_defer none;

	vtimer_lat_view(&v->vtimer_lat[p], p == VTIMER_FULL ? &v->vtimer_lat_full_defer : &none, out);
}

static const char *worst_exit_name(const struct vtimer_lat *l)
{
	return l->worst_exit == VTIMER_WHY_IRQ ? "interrupt" : esr_class_name(l->worst_exit);
}

void zvm_latency_summary(struct shell *sh, const struct vcpu *v)
{
	shell_printf(sh, "    timer irq delivery (deadline -> guest entry):");
	for (unsigned int p = 0; p < VTIMER_PATH_NR; p++) {
		struct vtimer_lat lv, *l = &lv;
		u64 n;

		lat_of(v, p, l);
		n = lat_count(l);
		shell_printf(sh, "%s %s %llu", p ? ";" : "", path_name[p], (unsigned long long)n);
		if (n)
			shell_printf(sh, " avg %llu ns max %llu ns", ns(l->sum / n), ns(l->max));
		if (n && p == VTIMER_FULL)
			shell_printf(sh, " (during: %s)", worst_exit_name(l));
	}
	shell_printf(sh, "\n");
}

/*
 * Buckets from HIST_LAST on are shown as one, ">= 2^HIST_LAST ticks" (days
 * at any counter frequency; and in ns, beyond, a u64 would overflow).
 */
#define HIST_LAST 47

/* The non-empty histogram buckets as "< hi ns: count" lines. */
static void print_hist(struct shell *sh, const struct vtimer_lat *l)
{
	u64 tail = 0;

	for (unsigned int i = 0; i < VTIMER_HIST_NR; i++) {
		u64 c = vtimer_lat_at(l->hist, i);

		if (i >= HIST_LAST)
			tail += c;
		else if (c)
			shell_printf(sh, "      < %9llu ns: %llu\n", ns(2ULL << i),
				     (unsigned long long)c);
	}
	if (tail)
		shell_printf(sh, "      >= %8llu ns: %llu\n", ns(1ULL << HIST_LAST),
			     (unsigned long long)tail);
}

/* "p50 < 128 ns": the bucket's upper end, or ">=" its start for the last. */
static void print_pct(struct shell *sh, const u64 *hist, u64 n, unsigned int pct)
{
	unsigned int b = vtimer_lat_pct(hist, n, pct);

	if (b >= HIST_LAST)
		shell_printf(sh, "p%u >= %llu ns", pct, ns(1ULL << HIST_LAST));
	else
		shell_printf(sh, "p%u < %llu ns", pct, ns(2ULL << b));
}

static void print_zvm_pcts(struct shell *sh, const struct vtimer_lat *l, u64 n)
{
	static const unsigned int pcts[] = { 50, 90, 99 };

	shell_printf(sh, "    in ZVM:");
	for (unsigned int i = 0; i < ARRAY_SIZE(pcts); i++) {
		shell_printf(sh, i ? ", " : " ");
		print_pct(sh, l->zvm_hist, n, pcts[i]);
	}
	shell_printf(sh, "\n");
}

int zvm_latency(struct shell *sh, int argc, char **argv)
{
	struct vm *vm;
	u32 set;
	int r = zvm_parse_id(sh, argc, argv, "c", &set, &vm);

	if (r)
		return r;
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = vm->vcpus[i];

		shell_printf(sh, "vcpu%u (pcpu %u): timer irq delivery, deadline -> guest entry\n",
			     i, v->pcpu);
		for (unsigned int p = 0; p < VTIMER_PATH_NR; p++) {
			struct vtimer_lat lv, *l = &lv;
			u64 n;

			lat_of(v, p, l);
			n = lat_count(l);
			shell_printf(sh, "  %s path: %llu", path_name[p], (unsigned long long)n);
			if (n)
				shell_printf(sh, ", avg %llu ns, max %llu ns; in ZVM avg %llu ns, "
					     "max %llu ns", ns(l->sum / n), ns(l->max),
					     ns(l->zvm_sum / n), ns(l->zvm_max));
			shell_printf(sh, "\n");
			if (n)
				print_zvm_pcts(sh, l, n);
			print_hist(sh, l);
		}
		if (set) {	/* racy against the vCPU by design: statistics only */
			memset(v->vtimer_lat, 0, sizeof(v->vtimer_lat));
			v->vtimer_lat_full_defer.now = 0;
		}
	}
	if (set)
		shell_printf(sh, "cleared\n");
	return 0;
}
