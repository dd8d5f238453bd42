/* Arm PL011 UART (Arm DDI 0183): the host console. */
#ifndef DRIVERS_PL011_H
#define DRIVERS_PL011_H

#include <zvm/types.h>

/* Polled output, usable with the MMU off (before ioremap). */
void pl011_early_init(paddr_t base);
void pl011_putc(char c);
/* Map the UART for when the MMU comes on. */
void pl011_map(void);
/* After the MMU is on: map the device and take RX interrupts on `intid`;
 * received bytes go to console_rx_push(). */
int pl011_init_irq(unsigned int intid);
paddr_t pl011_base(void);

#endif
