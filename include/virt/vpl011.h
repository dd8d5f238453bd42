/* Emulated PL011 UART for guests (virt/vdev/vpl011.c). */
#ifndef VIRT_VPL011_H
#define VIRT_VPL011_H

#include <zvm/types.h>

struct vm;
struct vpl011;

/* Create the UART of `vm` at `base` and register it on the VM's MMIO bus;
 * TX goes to vm->console. */
int vpl011_create(struct vm *vm, u64 base, unsigned int intid);
void vpl011_destroy(struct vm *vm);
/* Back to reset state for a VM restart (console history kept). */
void vpl011_restart(struct vm *vm);
/* Host console input for the guest (FIFO, then a 1 KiB backlog); false
 * when both are full. */
bool vpl011_rx_push(struct vm *vm, char c);
/* Attach a live output sink (`zvm look`): the console history is replayed
 * into it first, atomically with respect to the guest's output. NULL
 * detaches. */
void vpl011_set_sink(struct vm *vm, void (*sink)(void *ctx, const char *s, size_t n), void *ctx);

#endif
