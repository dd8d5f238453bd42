/* PSCI 1.0 for guests, through HVC and SMC (Arm DEN0022). */
#ifndef VIRT_VPSCI_H
#define VIRT_VPSCI_H

#include <zvm/types.h>

struct vcpu;

/* Handle the call in the vCPU's x0..x3; result in x0. Returns false when
 * the vCPU must stop running (CPU_OFF, SYSTEM_OFF, SYSTEM_RESET). */
bool vpsci_call(struct vcpu *v);

/* Validation, separated so it is unit-testable: 0 or a PSCI error. */
s64 vpsci_check_cpu_on(unsigned int nr_vcpus, u64 target_mpidr, u64 entry, u64 ram_base,
		       u64 ram_size, unsigned int *target_id);

#endif
