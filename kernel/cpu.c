/* Per-CPU data. */
#include <kernel/cpu.h>

struct cpu cpus[CONFIG_MAX_CPUS];
unsigned int cpus_possible = 1;

unsigned int cpus_online_count(void)
{
	unsigned int n = 0;

	for (unsigned int c = 0; c < CONFIG_MAX_CPUS; c++)
		n += READ_ONCE(cpus[c].online);
	return n;
}
