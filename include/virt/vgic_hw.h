/*
 * The hardware virtual CPU interface (GICv3 ICH_*_EL2 registers), as the
 * world switch uses it (arch/arm64/el2/virt/vgic_hw.c). The vGIC model
 * (virt/vgic/) fills a struct vgic_lr_bank; these copy it in and out.
 */
#ifndef VIRT_VGIC_HW_H
#define VIRT_VGIC_HW_H

#include <virt/vgic.h>

/* ICH_VTR_EL2.ListRegs + 1: how many list registers this CPU has. */
unsigned int vgic_hw_nr_lr(void);
/* Before entry: LRs, active priorities, VMCR, then ICH_HCR_EL2. Only the
 * LRs b fills and those the last save on this pCPU did not find empty are
 * written: an empty LR holds nothing, whatever its other bits. */
void vgic_hw_load(const struct vgic_lr_bank *b);
/* After exit: the LRs that hold an interrupt (0 for the others, as
 * vgic_hw_read_held_lrs()), APRs and VMCR back into b; the interface is
 * disabled (ICH_HCR_EL2 = 0) so no maintenance interrupt reaches the host. */
void vgic_hw_save(struct vgic_lr_bank *b);

/* While a vCPU's interface is live (between load and save): ICH_ELRSR_EL2
 * (bit n: LR n holds no interrupt). */
u32 vgic_hw_elrsr(void);
/* One ICH_LR<n>_EL2, n < vgic_hw_nr_lr() (arch/arm64/el2/virt/vgic_lr.S). */
void vgic_hw_write_lr(unsigned int n, u64 val);
u64 vgic_hw_read_lr(unsigned int n);
/*
 * While live (the SGI fast path, virq.c), only the LRs and ICH_HCR_EL2:
 * the APRs and VMCR are the guest's and stay in the hardware. Read: the
 * LRs that hold an interrupt (ICH_ELRSR_EL2 bit clear) into b, 0 for the
 * others - a fold reads only an LR's state bits, and an empty LR has none
 * (IHI 0069, ICH_ELRSR_EL2) - returning the mask of those read (b->used
 * after). Write: the LRs that hold something now (b->used) or did
 * (`held`), except those the model's flush kept (b->kept: the hardware
 * holds that value already); one empty before and after keeps whatever
 * stateless bits it has, which mean nothing.
 */
u32 vgic_hw_read_held_lrs(struct vgic_lr_bank *b);
void vgic_hw_write_lrs(const struct vgic_lr_bank *b, u32 held);

#endif
