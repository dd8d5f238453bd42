/*
 * What a VM may ask for (virt/vm_limits.c): vm_create() checks a
 * configuration with these before it allocates anything, so a size typed
 * at the shell can neither wrap a count nor reach past what exists. Pure
 * functions (host unit tests). Each returns 0, or -EINVAL with a message
 * in err naming the value and the limit.
 */
#ifndef VIRT_VM_LIMITS_H
#define VIRT_VM_LIMITS_H

#include <zvm/types.h>

/* Guest RAM: a multiple of 2 MiB (stage-2 blocks), at most host_ram (all
 * the page allocator manages) and at most VM_RAM_MAX (the IPA space). */
int vm_check_mem(u64 mem, u64 host_ram, char *err, size_t errlen);

/* 1..VM_MAX_VCPUS. More vCPUs than pCPUs is fine: they are threads. */
int vm_check_vcpus(unsigned int nv, char *err, size_t errlen);

/* vCPU `vcpu` on `pcpu` at `prio`: not above the host's shell
 * (<zvm/host_prio.h>). */
int vm_check_placement(unsigned int vcpu, unsigned int pcpu, unsigned int prio, char *err,
		       size_t errlen);

#endif
