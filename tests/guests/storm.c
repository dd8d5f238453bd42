/*
 * Restart storm guest: every boot arms every interrupt source that reaches
 * the VM from outside and resets itself while they may fire. Its RX
 * interrupt is enabled at the virtual UART (typed input raises SPI 33) and
 * its passthrough PL031 (SPI 34) is armed to match at the next second
 * boundary; both handlers drain and EOI so each new character or match is
 * a new edge into the vGIC. After a few milliseconds of guest time it asks
 * for PSCI SYSTEM_RESET, so the host restarts it while typed input and the
 * RTC keep arriving: a restart or delete must never let them reach a vCPU
 * that is being torn down.
 */
#include "gic.h"

#define UARTDR 0x000
#define UARTFR 0x018
#define UARTIMSC 0x038
#define UART_FR_RXFE (1u << 4)
#define UART_INT_RX_RT ((1u << 4) | (1u << 6))
#define SPI_UART 33

#define RTC 0x09010000UL
#define RTCDR 0x000
#define RTCMR 0x004
#define RTCIMSC 0x010
#define RTCICR 0x01c
#define SPI_RTC 34

#define PSCI_SYSTEM_RESET 0x84000009
#define LIFE_US 3000		/* guest time between boot and reset */

static volatile unsigned int rx_chars, rtc_irqs;

void guest_irq(void)
{
	unsigned int id = gic_ack();

	if (id >= 1020)
		return;
	if (id == SPI_UART) {
		while (!(mmio_r32(UART_BASE + UARTFR) & UART_FR_RXFE)) {
			(void)mmio_r32(UART_BASE + UARTDR);
			rx_chars++;
		}
	} else if (id == SPI_RTC) {
		mmio_w32(RTC + RTCICR, 1);
		mmio_w32(RTC + RTCMR, mmio_r32(RTC + RTCDR) + 1);	/* next second */
		rtc_irqs++;
	}
	gic_eoi(id);
}

void guest_main(uint64_t dtb)
{
	uint64_t end;

	puts_("storm guest\n");
	gic_init_dist();
	gic_init_cpu(0);
	gic_enable(0, SPI_UART, 0x80);
	gic_enable(0, SPI_RTC, 0x80);
	mmio_w32(UART_BASE + UARTIMSC, UART_INT_RX_RT);
	mmio_w32(RTC + RTCICR, 1);
	mmio_w32(RTC + RTCMR, mmio_r32(RTC + RTCDR) + 1);
	mmio_w32(RTC + RTCIMSC, 1);
	irq_on();
	end = sysreg_read(cntvct_el0) + sysreg_read(cntfrq_el0) / 1000000 * LIFE_US;
	while (sysreg_read(cntvct_el0) < end)
		;	/* busy: a WFI would sleep until the next interrupt */
	/* Reset with every source still armed and the interrupts enabled. */
	psci(PSCI_SYSTEM_RESET, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}
