/*
 * The small interface virtual devices (vGIC, vPL011, ...) need from the VM
 * and vCPU core. Devices include only this, so their unit tests can supply
 * stub implementations (tests/unit/include/ or a test-local file) without
 * pulling in the scheduler.
 */
#ifndef VIRT_VM_API_H
#define VIRT_VM_API_H

#include <zvm/types.h>

struct vm;
struct vcpu;

unsigned int vcpu_id(const struct vcpu *v);		/* 0..nr_vcpus-1 */
struct vm *vcpu_vm(const struct vcpu *v);
unsigned int vm_nr_vcpus(const struct vm *vm);
struct vcpu *vm_vcpu(struct vm *vm, unsigned int id);	/* NULL if out of range */
/* Make sure `v` notices new pending interrupts soon: wake it if it waits
 * in WFI, IPI its pCPU if it is running there. Safe from any context. */
void vcpu_kick(struct vcpu *v);

#endif
