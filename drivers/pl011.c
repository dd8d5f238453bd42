/* PL011 UART driver: polled TX, interrupt-driven RX. */
#include <arch/mmio.h>
#include <arch/mmu.h>
#include <drivers/gicv3.h>
#include <drivers/pl011.h>
#include <kernel/arch_interface.h>
#include <kernel/console.h>
#include <kernel/irq.h>
#include <zvm/compiler.h>

#define UART_DR 0x00
#define UART_FR 0x18
#define UART_CR 0x30
#define UART_IMSC 0x38
#define UART_MIS 0x40
#define UART_ICR 0x44
#define FR_RXFE BIT(4)
#define FR_TXFF BIT(5)
#define CR_UARTEN BIT(0)
#define CR_TXE BIT(8)
#define CR_RXE BIT(9)
#define INT_RX BIT(4)
#define INT_RT BIT(6)	/* receive timeout: data sits below the FIFO level */

static volatile u32 *uart;
static paddr_t uart_phys;

static inline u32 reg_rd(u32 off) { return mmio_read32(&uart[off / 4]); }
static inline void reg_wr(u32 off, u32 v) { mmio_write32(&uart[off / 4], v); }

void pl011_early_init(paddr_t base)
{
	uart_phys = base;
	uart = (volatile u32 *)base;
	/* Keep the loader's baud settings; make sure TX and RX are on. */
	reg_wr(UART_CR, reg_rd(UART_CR) | CR_UARTEN | CR_TXE | CR_RXE);
}

void pl011_map(void)
{
	/* Builds the mapping while the MMU is still off; identity, so the
	 * pointer stays valid once it is on. */
	ioremap(uart_phys, 0x1000);
}

paddr_t pl011_base(void)
{
	return uart_phys;
}

void pl011_putc(char c)
{
	if (!uart)
		return;
	while (reg_rd(UART_FR) & FR_TXFF)
		;
	reg_wr(UART_DR, (u8)c);
}

/* Acknowledge first, then drain. The other order loses input for good: a
 * byte landing between the last empty check and the ICR write has its
 * interrupt cleared while it sits in the FIFO, and QEMU's PL011 raises RX
 * only when the FIFO goes from empty to non-empty, so nothing would ever
 * interrupt again (seen as a console that stops reading mid-line). */
static void pl011_irq(unsigned int intid, void *arg)
{
	reg_wr(UART_ICR, INT_RX | INT_RT);
	while (!(reg_rd(UART_FR) & FR_RXFE))
		console_rx_push((char)(reg_rd(UART_DR) & 0xff));
}

int pl011_init_irq(unsigned int intid)
{
	int err;

	err = irq_register(intid, pl011_irq, NULL);
	if (err)
		return err;
	reg_wr(UART_ICR, 0x7ff);
	reg_wr(UART_IMSC, INT_RX | INT_RT);
	gic_route_spi(intid, arch_cpu_hwid());
	gic_enable_irq(intid);
	return 0;
}
