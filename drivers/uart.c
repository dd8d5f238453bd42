/* The console UART drivers built in (see <drivers/uart.h>). */
#include <drivers/pl011.h>
#include <drivers/uart.h>

const struct uart_ops pl011_uart_ops = {
	.compatible = "arm,pl011",
	.name = "PL011",
	.early_init = pl011_early_init,
	.console = { pl011_try_putc, pl011_tx_full_wait },
	.map = pl011_map,
	.init_irq = pl011_init_irq,
};

const struct uart_ops *const uart_drivers[] = { &pl011_uart_ops, &sbsa_uart_ops, NULL };
