/* Bounds of a VM's memory, vCPU count and vCPU placement (see
 * <virt/vm_limits.h>): checked before anything is allocated. */
#include <arch/mmu.h>
#include <lib/errmsg.h>
#include <lib/pack_format.h>
#include <virt/vm.h>
#include <virt/vm_limits.h>
#include <zvm/errno.h>
#include <zvm/host_prio.h>

#define MIB_SHIFT 20

_Static_assert(PACK_MEM_MAX == VM_RAM_MAX, "a template's memory fits the IPA space");

int vm_check_mem(u64 mem, u64 host_ram, char *err, size_t errlen)
{
	if (mem < BLOCK_2M || !IS_ALIGNED(mem, BLOCK_2M))
		return errmsg_set(err, errlen, -EINVAL,
				  "memory must be a multiple of 2 MiB (got %llu bytes)",
				  (unsigned long long)mem);
	/* MiB are exact for mem now; the host's are rounded down. */
	if (mem > host_ram)
		return errmsg_set(err, errlen, -EINVAL, "memory %llu MiB exceeds the host's %llu MiB",
				  (unsigned long long)(mem >> MIB_SHIFT),
				  (unsigned long long)(host_ram >> MIB_SHIFT));
	if (mem > VM_RAM_MAX)
		return errmsg_set(err, errlen, -EINVAL,
				  "memory %llu MiB exceeds the %llu MiB a VM can address",
				  (unsigned long long)(mem >> MIB_SHIFT),
				  (unsigned long long)(VM_RAM_MAX >> MIB_SHIFT));
	return 0;
}

int vm_check_vcpus(unsigned int nv, char *err, size_t errlen)
{
	if (nv < 1 || nv > VM_MAX_VCPUS)
		return errmsg_set(err, errlen, -EINVAL, "vCPUs must be 1..%u (got %u)",
				  VM_MAX_VCPUS, nv);
	return 0;
}

int vm_check_placement(unsigned int vcpu, unsigned int pcpu, unsigned int prio, char *err,
		       size_t errlen)
{
	if (host_prio_reserved(pcpu, prio))
		return errmsg_set(err, errlen, -EINVAL,
				  "vCPU %u would run on pCPU %u at priority %u, above the host shell: "
				  HOST_PRIO_RULE, vcpu, pcpu, prio, HOST_PRIO_RULE_ARGS(PACK_PRIO_MAX));
	return 0;
}
