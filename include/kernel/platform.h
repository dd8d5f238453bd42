/* What the device tree says about the machine we run on. */
#ifndef KERNEL_PLATFORM_H
#define KERNEL_PLATFORM_H

#include <arch/psci.h>
#include <drivers/gicv3.h>
#include <drivers/uart.h>
#include <kernel/config.h>
#include <kernel/page_alloc.h>

#define PLAT_MAX_RSV 16

struct platform {
	const void *dtb;
	u32 dtb_size;
	char model[64];
	struct mem_range ram[PA_MAX_BANKS];
	unsigned int nram;
	struct mem_range rsv[PLAT_MAX_RSV];
	unsigned int nrsv;
	u64 cpu_hwid[CONFIG_MAX_CPUS];
	unsigned int ncpus;
	unsigned int ncpus_ignored;	/* beyond CONFIG_MAX_CPUS */
	struct gic_info gic;
	const struct uart_ops *uart;	/* the console's driver */
	paddr_t uart_base;
	unsigned int uart_irq;		/* INTID */
	unsigned int timer_irq[4];	/* INTIDs: sec phys, phys, virt, hyp */
	unsigned int ntimer_irq;	/* how many the DT lists: 3 or 4 */
	enum psci_conduit psci;
	paddr_t initrd_start, initrd_end;
	char bootargs[256];
};

extern struct platform plat;

/* Find the console UART only (used before anything else, MMU off): its
 * driver and *base, or NULL when the tree has none we can drive. */
const struct uart_ops *platform_find_console(const void *dtb, paddr_t *base);
/* Parse everything; prints what is wrong and returns <0 on bad input. */
int platform_discover(const void *dtb);
u64 platform_ram_total(void);

#endif
