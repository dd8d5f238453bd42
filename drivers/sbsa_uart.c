/* SBSA generic UART driver: polled TX, interrupt-driven RX (see the header). */
#include <arch/mmio.h>
#include <arch/mmu.h>
#include <drivers/gicv3.h>
#include <drivers/sbsa_uart.h>
#include <drivers/uart.h>
#include <kernel/arch_interface.h>
#include <kernel/console.h>
#include <kernel/irq.h>
#include <kernel/timeout.h>
#include <zvm/compiler.h>

/* The whole register set a driver may use (SBSA B.2). */
#define SBSA_DR 0x00
#define SBSA_FR 0x18
#define SBSA_IMSC 0x38
#define SBSA_RIS 0x3c
#define SBSA_MIS 0x40
#define SBSA_ICR 0x44
#define FR_RXFE BIT(4)
#define FR_TXFF BIT(5)
#define INT_RX BIT(4)
#define INT_RT BIT(6)	/* receive timeout: data sits below the FIFO level */

static volatile u32 *uart;
static paddr_t uart_phys;

static inline u32 reg_rd(u32 off) { return mmio_read32(&uart[off / 4]); }
static inline void reg_wr(u32 off, u32 v) { mmio_write32(&uart[off / 4], v); }

/* Firmware has enabled it at its fixed baud rate: nothing to program. */
void sbsa_uart_early_init(paddr_t base)
{
	uart_phys = base;
	uart = (volatile u32 *)base;
}

void sbsa_uart_map(void)
{
	ioremap(uart_phys, 0x1000);	/* identity: the pointer stays valid */
}

bool sbsa_uart_try_putc(char c)
{
	if (!uart)
		return true;	/* no console: nothing to wait for */
	if (reg_rd(SBSA_FR) & FR_TXFF)
		return false;
	reg_wr(SBSA_DR, (u8)c);
	return true;
}

/* The baud rate is firmware's: wait as long as a few bytes at 115200 take
 * (as drivers/pl011.c does on hardware). */
u64 sbsa_uart_tx_full_wait(void)
{
	return k_us_to_ticks(500);
}

/* Acknowledge first, then drain: the reason is in drivers/pl011.c. */
static void sbsa_uart_irq(unsigned int intid, void *arg)
{
	reg_wr(SBSA_ICR, INT_RX | INT_RT);
	while (!(reg_rd(SBSA_FR) & FR_RXFE))
		console_rx_push((char)(reg_rd(SBSA_DR) & 0xff));
}

int sbsa_uart_init_irq(unsigned int intid)
{
	int err = irq_register(intid, sbsa_uart_irq, NULL);

	if (err)
		return err;
	reg_wr(SBSA_ICR, INT_RX | INT_RT);
	reg_wr(SBSA_IMSC, INT_RX | INT_RT);
	gic_route_spi(intid, arch_cpu_hwid());
	gic_enable_irq(intid);
	return 0;
}

const struct uart_ops sbsa_uart_ops = {
	.compatible = "arm,sbsa-uart",
	.name = "SBSA UART",
	.early_init = sbsa_uart_early_init,
	.console = { sbsa_uart_try_putc, sbsa_uart_tx_full_wait },
	.map = sbsa_uart_map,
	.init_irq = sbsa_uart_init_irq,
};
