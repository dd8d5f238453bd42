/* Internal to virt/vm_dtb*.c: pieces shared by the builder and the patcher. */
#ifndef VIRT_VM_DTB_PRIV_H
#define VIRT_VM_DTB_PRIV_H

#include <lib/fdt_write.h>
#include <virt/vm_dtb.h>

/* GIC interrupt specifiers: type (SPI/PPI), number, flags
 * (IRQ_TYPE_LEVEL_HIGH). With GICv3, PPIs carry no CPU mask (QEMU only
 * adds one for GICv2). */
#define GIC_SPI 0
#define GIC_PPI 1
#define IRQ_LEVEL_HI 4

/* /memory@<base> with reg encoded in ac address and sc size cells. */
void vm_dtb_memory_node(struct fdt_writer *w, const struct vm_dtb_params *p, int ac, int sc);
/* The /chosen properties that come from p: bootargs (when non-empty), the
 * initrd range (when there is one) and the seeds (when given). */
void vm_dtb_chosen_props(struct fdt_writer *w, const struct vm_dtb_params *p);
/* True when p has an initrd. */
bool vm_dtb_has_initrd(const struct vm_dtb_params *p);

/* Nodes for p's passthrough devices, under the root (vm_dtb_devs.c);
 * returns 0, or -EBADMSG if host_dtb is bad. */
int vm_dtb_devices(struct fdt_writer *w, const struct vm_dtb_params *p, u32 guest_clk);

#endif
