/*
 * ivshmem: the Linux side of ZVM's inter-VM channel (docs/guests.md,
 * "Talking to the real-time VM"). A static user-space tool for a stock
 * kernel: the ivshmem PCI device is bound to uio_pci_generic, its BARs are
 * mapped through sysfs, and lib/ivc.c speaks the protocol (docs/ivc.md).
 */
#ifndef IVSHMEM_H
#define IVSHMEM_H

#include <stddef.h>
#include <lib/ivc.h>

#define IVS_VENDOR 0x1af4
#define IVS_DEVICE 0x1110
#define IVS_MAX_DEVS 16

/* BAR0 registers (QEMU's ivshmem layout), as 32-bit word indices. */
enum ivs_reg { IVS_INTR_MASK, IVS_INTR_STATUS, IVS_IV_POSITION, IVS_DOORBELL };

/* One opened ivshmem device. */
struct ivs_dev {
	char bdf[32];			/* PCI address, e.g. 0000:00:02.0 */
	char uio[16];			/* uio node name, e.g. uio0 */
	int uio_fd;			/* /dev/uioN: interrupt events */
	int cfg_fd;			/* sysfs config: INTx unmask */
	int irq;			/* the device's Linux IRQ; 0: none (ivshmem-plain) */
	volatile u32 *regs;		/* BAR0 */
	volatile u32 *mem;		/* BAR2: the shared region */
	u64 size;			/* bytes of BAR2 */
	u32 position;			/* IVPosition: our peer id, as the device says */
};

/* Command-line options (each subcommand accepts the ones it uses). */
struct ivs_opts {
	const char *dev;		/* -d: PCI address or uioN; NULL: the only one */
	int peer;			/* -p: our peer id instead of IVPosition; -1: none */
	int timeout_ms;			/* -t */
	int count;			/* -n */
	bool watch;			/* -w */
	bool hex;			/* -x */
	bool spin;			/* -s */
	bool yield;			/* -y */
	bool has_cntvoff;		/* -O given */
	u64 cntvoff;			/* -O: our VM's CNTVOFF */
};

/* Print "ivshmem: <message>" on stderr; returns -1 for `return ivs_err(...)`. */
int ivs_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* dev.c */
int ivs_scan(char bdfs[][32], int max);
int ivs_open(struct ivs_dev *d, const char *sel);
int ivs_self(const struct ivs_dev *d, const struct ivs_opts *o, u32 *self);
/* irq.c */
u32 ivs_irq_arm(struct ivs_dev *d);
int ivs_irq_wait(struct ivs_dev *d, int timeout_ms, u32 *status);
int ivs_ring(struct ivs_dev *d, u32 peer, u32 vector);
long long ivs_now_us(void);
/* bind.c */
int ivs_bind(const char *bdf);
/* util.c */
int ivs_read_file(const char *path, char *buf, size_t cap);
int ivs_write_file(const char *path, const char *s);
int ivs_parse_u64(const char *s, const char *what, unsigned long long max,
		  unsigned long long *v);
int ivs_lock(const struct ivs_dev *d);
/* Subcommands: the positional arguments after the subcommand's name. */
int ivs_cmd_list(const struct ivs_opts *o, int argc, char **argv);
int ivs_cmd_read(const struct ivs_opts *o, int argc, char **argv);
int ivs_cmd_write(const struct ivs_opts *o, int argc, char **argv);
int ivs_cmd_dump(const struct ivs_opts *o, int argc, char **argv);
int ivs_cmd_ring(const struct ivs_opts *o, int argc, char **argv);
int ivs_cmd_wait(const struct ivs_opts *o, int argc, char **argv);
int ivs_cmd_stats(const struct ivs_opts *o, int argc, char **argv);
int ivs_cmd_cmd(const struct ivs_opts *o, int argc, char **argv);
int ivs_cmd_ping(const struct ivs_opts *o, int argc, char **argv);
int ivs_cmd_serve(const struct ivs_opts *o, int argc, char **argv);
int ivs_cmd_lat(const struct ivs_opts *o, int argc, char **argv);
int ivs_cmd_xfer(const struct ivs_opts *o, int argc, char **argv);
int ivs_cmd_flood(const struct ivs_opts *o, int argc, char **argv);

#endif
