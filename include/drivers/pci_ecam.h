/* The kernel's PCI bus: the ECAM host bridge from the device tree, bus 0
 * scanned once (drivers/pci_ecam.c; see include/drivers/pci.h). */
#ifndef DRIVERS_PCI_ECAM_H
#define DRIVERS_PCI_ECAM_H

#include <drivers/pci.h>

#define PCI_MAX_DEVS 32

/* Find the host bridge in the boot device tree, map bus 0's config space
 * and scan it. Idempotent. Returns the number of usable functions, 0 when
 * the tree has no host bridge (nothing printed), <0 on bad input (said). */
int pci_init(void);
unsigned int pci_count(void);
const struct pci_dev *pci_get(unsigned int i);

u32 pci_read32(const struct pci_dev *d, u32 off);
void pci_write32(const struct pci_dev *d, u32 off, u32 val);
/* d's INTx as a GIC SPI INTID (from the DT's interrupt-map). */
int pci_intx_irq(const struct pci_dev *d, u32 *intid);
/* Identity-map BAR `bar` with mmu kind (MMU_DEVICE, MMU_NORMAL_NC);
 * NULL (said why) when it is absent or cannot be mapped. */
volatile void *pci_map_bar(const struct pci_dev *d, int bar, unsigned int kind);

#endif
