/*
 * SBSA generic UART (Arm Server Base System Architecture, appendix B "Generic
 * UART"): the PL011 subset a platform guarantees, already set up by
 * firmware. Only UARTDR, UARTFR, UARTIMSC, UARTRIS, UARTMIS and UARTICR
 * exist; there is no UARTCR, IBRD, FBRD or LCR_H to program, and an access
 * to them may fault. Used through sbsa_uart_ops (<drivers/uart.h>).
 */
#ifndef DRIVERS_SBSA_UART_H
#define DRIVERS_SBSA_UART_H

#include <zvm/types.h>

void sbsa_uart_early_init(paddr_t base);
bool sbsa_uart_try_putc(char c);
u64 sbsa_uart_tx_full_wait(void);
void sbsa_uart_map(void);
int sbsa_uart_init_irq(unsigned int intid);

#endif
