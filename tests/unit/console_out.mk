# Console output (kernel/console_out.c) with the real printk, ring and
# formatter, against a model UART; threads, sleeping and locks stubbed.
UNIT_TESTS += console_out
console_out_SRCS := kernel/console_out.c kernel/printk.c lib/ringbuf.c lib/fmt.c
