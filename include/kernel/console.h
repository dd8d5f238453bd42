/* The host console: output through the UART driver, input into a ring that
 * the shell thread (or an attached VM console) reads. */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <zvm/types.h>

void console_set_output(void (*putc)(char c));
/* Interrupt context: a byte arrived. */
void console_rx_push(char c);
/* Block until a byte is available. */
int console_getc(void);
/* Non-blocking: -1 when empty. */
int console_trygetc(void);
void console_init_input(void);
u64 console_rx_dropped(void);

#endif
