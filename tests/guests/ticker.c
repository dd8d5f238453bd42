/*
 * A long-running guest for the VM lifecycle tests: every 100 ms of its
 * virtual time it prints "tick N vt=<ms>" (vt = its CNTVCT in ms, which
 * must not advance while the VM is paused), and it echoes what it reads
 * from its UART as "rx <char>" (input typed through `zvm look`). It sleeps
 * in WFI between events, so it costs the pCPU nothing in between.
 */
#include "gic.h"

#define PPI_VTIMER 27
#define SPI_UART 33

static volatile uint64_t period;
static volatile unsigned int ticks, ticks_printed;

static uint64_t now(void)
{
	isb();
	return sysreg_read(cntvct_el0);
}

static void drain_rx(void)
{
	while (!(mmio_r32(UART_BASE + 0x18) & (1u << 4))) {	/* FR.RXFE */
		char c = (char)mmio_r32(UART_BASE);

		puts_("rx ");
		putc_(c);
		puts_("\n");
	}
}

void guest_irq(void)
{
	unsigned int id = gic_ack();

	if (id == PPI_VTIMER) {
		ticks++;
		sysreg_write(cntv_cval_el0, sysreg_read(cntv_cval_el0) + period);
	} else if (id == SPI_UART) {
		mmio_w32(UART_BASE + 0x44, 0x7ff);
	}
	if (id < 1020)
		gic_eoi(id);
}

void guest_main(uint64_t dtb)
{
	uint64_t freq = sysreg_read(cntfrq_el0);

	gic_init_dist();
	gic_init_cpu(0);
	gic_enable(0, PPI_VTIMER, 0xa0);
	gic_enable(0, SPI_UART, 0x90);
	mmio_w32(UART_BASE + 0x38, (1u << 4) | (1u << 6));	/* IMSC: RX, RX timeout */
	period = freq / 10;
	puts_("ticker up\n");
	sysreg_write(cntv_cval_el0, now() + period);
	sysreg_write(cntv_ctl_el0, 1);
	irq_on();
	for (;;) {
		__asm__ volatile("wfi");
		drain_rx();
		while (ticks_printed < ticks) {
			ticks_printed++;
			puts_("tick ");
			putdec(ticks_printed);
			puts_(" vt=");
			putdec(now() * 1000 / freq);
			puts_("\n");
		}
	}
}
