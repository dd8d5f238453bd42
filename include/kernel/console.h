/* The host console: output through the UART driver, input into a ring that
 * the shell thread (or an attached VM console) reads. */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <zvm/types.h>

/* The UART behind the console (drivers/pl011.c). */
struct console_uart {
	bool (*try_putc)(char c);	/* send c if there is room now */
	u64 (*full_wait)(void);		/* ticks to sleep when there was none */
};
void console_set_uart(const struct console_uart *u);

/* Output (kernel/console_out.c; the writers are in kernel/printk.h). */
int console_out_start(void);	/* the drain thread: output is queued from now on */
void console_out_pump(void);	/* write everything queued to the UART (thread) */
bool console_out_idle(void);	/* nothing queued: the next write wakes the drain */
void console_out_panic(void);	/* queued output to the UART now; synchronous after */

/* Interrupt context: a byte arrived. */
void console_rx_push(char c);
/* Block until a byte is available. */
int console_getc(void);
/* Non-blocking: -1 when empty. */
int console_trygetc(void);
void console_init_input(void);
u64 console_rx_dropped(void);

#endif
