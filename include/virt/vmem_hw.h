/* Stage-2 hardware controls (arch/arm64/el2/virt/vmem_hw.c). */
#ifndef VIRT_VMEM_HW_H
#define VIRT_VMEM_HW_H

#include <zvm/types.h>

u64 vmem_hw_vtcr(void);
unsigned int vmem_hw_vmid_bits(void);
/* Invalidate all stage-1+2 TLB entries of a VMID on every CPU. */
void vmem_hw_flush_vmid(u16 vmid);
void vmem_hw_load(u64 s2_root, u16 vmid);

#endif
