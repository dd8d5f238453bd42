/*
 * Console UART drivers, one struct of ops each, chosen by the device
 * tree's compatible string (kernel/platform.c, lib/fdt_console.h): a tree
 * decides which UART is the console and how it is driven, never a fixed
 * address.
 */
#ifndef DRIVERS_UART_H
#define DRIVERS_UART_H

#include <kernel/console.h>
#include <zvm/types.h>

struct uart_ops {
	const char *compatible;		/* DT compatible string it drives */
	const char *name;		/* for messages */
	/* Polled output from the start, MMU off; then mapped for the MMU. */
	void (*early_init)(paddr_t base);
	struct console_uart console;	/* output: kernel/console_out.c */
	void (*map)(void);
	/* MMU on: receive on interrupt `intid` into console_rx_push(). */
	int (*init_irq)(unsigned int intid);
};

extern const struct uart_ops pl011_uart_ops;	/* Arm PL011 (DDI 0183) */
extern const struct uart_ops sbsa_uart_ops;	/* SBSA generic UART */

/* Every console driver built in, in preference order; NULL-terminated. */
extern const struct uart_ops *const uart_drivers[];

#endif
