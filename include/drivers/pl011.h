/* Arm PL011 UART (Arm DDI 0183): the host console. */
#ifndef DRIVERS_PL011_H
#define DRIVERS_PL011_H

#include <zvm/types.h>

/* Polled output (pl011_try_putc), usable with the MMU off (before ioremap). */
void pl011_early_init(paddr_t base);
/* Send c if the transmitter has room now; false when it is full. */
bool pl011_try_putc(char c);
/* Counter ticks a caller that found it full may sleep before trying again. */
u64 pl011_tx_full_wait(void);
/* Map the UART for when the MMU comes on. */
void pl011_map(void);
/* After the MMU is on: map the device and take RX interrupts on `intid`;
 * received bytes go to console_rx_push(). */
int pl011_init_irq(unsigned int intid);
paddr_t pl011_base(void);

#endif
