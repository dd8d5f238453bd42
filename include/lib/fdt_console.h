/*
 * Which device-tree node is the console (lib/fdt_console.c), the order
 * Linux's DT binding for /chosen gives (Documentation/devicetree/bindings/
 * chosen.txt): /chosen/stdout-path ("serial0:115200n8" or a path, options
 * after ':' ignored), then alias serial0, then the first enabled node, in
 * tree order, that one of the caller's drivers handles. A node that
 * stdout-path or serial0 names but no driver handles (another UART, a
 * disabled one) is skipped and reported, so the caller can say why its
 * console is not the one the tree asked for.
 */
#ifndef LIB_FDT_CONSOLE_H
#define LIB_FDT_CONSOLE_H

#include <lib/fdt.h>

enum fdt_console_via {
	FDT_CONSOLE_NONE,
	FDT_CONSOLE_STDOUT_PATH,
	FDT_CONSOLE_SERIAL0,
	FDT_CONSOLE_FIRST_UART,
};

struct fdt_console {
	int node;			/* the console, or -ENOENT */
	int driver;			/* its index in the compatibles list */
	enum fdt_console_via via;
	int skipped;			/* a named node without a driver, or -ENOENT */
};

/* compats: the compatible strings the caller has drivers for, NULL-ended.
 * Returns 0 (out->node is the console) or -ENOENT (no usable UART). */
int fdt_console_find(const struct fdt *f, const char *const *compats, struct fdt_console *out);
/* Linux's earlycon=pl011,[mmio32,]<address> in /chosen/bootargs, for when
 * the tree has no console we can drive: 0 and *base, or -ENOENT. Linux
 * uses it for PL011 and SBSA UARTs alike (it needs UARTDR and UARTFR). */
int fdt_console_earlycon(const struct fdt *f, u64 *base);
/* "stdout-path", "alias serial0", "first UART" (for messages). */
const char *fdt_console_via_name(enum fdt_console_via via);

#endif
