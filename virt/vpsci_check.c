/* Argument validation for vPSCI (pure: unit-tested). */
#include <arch/psci.h>
#include <virt/vpsci.h>

#define MPIDR_AFF_MASK 0xff00ffffffULL

s64 vpsci_check_cpu_on(unsigned int nr_vcpus, u64 target_mpidr, u64 entry, u64 ram_base,
		       u64 ram_size, unsigned int *target_id)
{
	u64 aff = target_mpidr & MPIDR_AFF_MASK;

	if ((target_mpidr & ~MPIDR_AFF_MASK) || aff >= nr_vcpus)
		return PSCI_INVALID_PARAMS;	/* only Aff0 = vCPU index exists */
	if (entry < ram_base || entry - ram_base >= ram_size || (entry & 3))
		return PSCI_INVALID_ADDRESS;
	*target_id = (unsigned int)aff;
	return PSCI_SUCCESS;
}
