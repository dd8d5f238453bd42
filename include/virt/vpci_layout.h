/*
 * Guest physical layout of the virtual PCI host bridge: QEMU virt's own
 * PCIe, so stock drivers and device trees work (docs/virtualization.md,
 * "Inter-VM shared memory (ivshmem)"). Constants only, shared by the
 * hypervisor and the DTB code that tools/mkpack links.
 *
 *   ECAM         0x3f00_0000, 1 MiB: bus 0 only (32 devices x 8 functions)
 *   MMIO window  0x1000_0000 .. 0x3eff_ffff, 32-bit, CPU address = PCI address
 *   INTx         INTA..INTD of slot s -> SPI 3 + (s + pin - 1) % 4, i.e.
 *                INTIDs 35..38, level high (the standard swizzle)
 */
#ifndef VIRT_VPCI_LAYOUT_H
#define VIRT_VPCI_LAYOUT_H

#define VPCI_ECAM_BASE 0x3f000000ULL
#define VPCI_ECAM_SIZE 0x100000ULL
#define VPCI_MMIO_BASE 0x10000000ULL
#define VPCI_MMIO_SIZE 0x2eff0000ULL
#define VPCI_INTX_SPI 3			/* DT SPI number of slot 0's INTA */
#define VPCI_INTX_INTID (32 + VPCI_INTX_SPI)
#define VPCI_NR_INTX 4

#endif
