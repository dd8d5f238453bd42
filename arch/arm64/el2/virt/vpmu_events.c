/*
 * Saving and loading PMEVCNTR<n>_EL0 / PMEVTYPER<n>_EL0 for n < PMCR_EL0.N
 * (ARM ARM D13.4.x). The registers are named by immediate, so the counter
 * number selects an entry point into an unrolled sequence that falls
 * through to counter 0: two accesses per counter, no PMSELR_EL0 detour.
 * A type is loaded with only the filter bits in keep (see vpmu.c).
 */
#include <arch/sysreg.h>
#include <virt/vsysreg.h>

#define EV_SAVE(i) \
	case (i) + 1: \
		p->evcnt[i] = read_sysreg(pmevcntr##i##_el0); \
		p->evtyper[i] = read_sysreg(pmevtyper##i##_el0); \
		__attribute__((fallthrough));
#define EV_LOAD(i) \
	case (i) + 1: \
		write_sysreg(pmevcntr##i##_el0, p->evcnt[i]); \
		write_sysreg(pmevtyper##i##_el0, p->evtyper[i] & keep); \
		__attribute__((fallthrough));

#define EV_SANITIZE(i) \
	case (i) + 1: \
		t = read_sysreg(pmevtyper##i##_el0); \
		if (t & ~keep) \
			write_sysreg(pmevtyper##i##_el0, t & keep); \
		__attribute__((fallthrough));

#define EV_ALL(X) \
	X(30) X(29) X(28) X(27) X(26) X(25) X(24) X(23) X(22) X(21) X(20) \
	X(19) X(18) X(17) X(16) X(15) X(14) X(13) X(12) X(11) X(10) \
	X(9) X(8) X(7) X(6) X(5) X(4) X(3) X(2) X(1) X(0)

void vpmu_ev_save(struct vcpu_pmu *p, unsigned int n)
{
	switch (n) {
	EV_ALL(EV_SAVE)
	default:
		break;
	}
}

/* The live types of counters 0..n-1 down to the filter bits in keep. */
void vpmu_ev_sanitize(unsigned int n, u64 keep)
{
	u64 t;

	switch (n) {
	EV_ALL(EV_SANITIZE)
	default:
		break;
	}
}

void vpmu_ev_load(const struct vcpu_pmu *p, unsigned int n, u64 keep)
{
	switch (n) {
	EV_ALL(EV_LOAD)
	default:
		break;
	}
}
