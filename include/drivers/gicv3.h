/* GICv3 driver: distributor, redistributors, ICC system-register CPU interface. */
#ifndef DRIVERS_GICV3_H
#define DRIVERS_GICV3_H

#include <zvm/types.h>

#define GIC_SGI_BASE 0
#define GIC_PPI_BASE 16
#define GIC_SPI_BASE 32
#define GIC_SPURIOUS 1023
#define GIC_PRIO_DEFAULT 0xa0
#define GIC_PRIO_IPI 0x80

struct gic_info {
	paddr_t dist_base;
	u64 dist_size;
	paddr_t redist_base;
	u64 redist_size;
	unsigned int nr_irqs;		/* from GICD_TYPER.ITLinesNumber */
	unsigned int maint_ppi;		/* maintenance interrupt INTID */
};

int gic_init(const struct gic_info *info);	/* boot CPU: distributor */
int gic_init_cpu(void);				/* every CPU: redistributor + ICC */
unsigned int gic_ack(void);			/* ICC_IAR1_EL1 */
unsigned int gic_highest_pending(void);		/* ICC_HPPIR1_EL1, no acknowledge */
void gic_eoi(unsigned int intid);		/* priority drop + deactivate */
void gic_priority_drop(unsigned int intid);	/* EOImode=1: drop only */
void gic_deactivate(unsigned int intid);
void gic_enable_irq(unsigned int intid);	/* SGI/PPI: on the calling CPU */
void gic_disable_irq(unsigned int intid);
/* Set or clear the active state (SGI/PPI: the calling CPU's), e.g. for a
 * PPI that a guest deactivates through a hardware-linked list register. */
void gic_set_active(unsigned int intid, bool active);
/* Clear intid's pending state without acknowledging it (GICR_ICPENDR0 /
 * GICD_ICPENDR<n>), ending in a DSB. */
void gic_clear_pending(unsigned int intid);
void gic_set_priority(unsigned int intid, u8 prio);
void gic_set_edge(unsigned int intid, bool edge);
void gic_route_spi(unsigned int intid, u64 mpidr);
void gic_send_sgi(unsigned int sgi, u64 target_mpidr);
unsigned int gic_nr_irqs(void);
const char *gic_describe(void);

#endif
