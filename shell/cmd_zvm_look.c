/*
 * `zvm look`: the VM's console on ours until the escape key. Only this
 * shell deletes VMs, and it is hooked while attached, so vm stays valid.
 *
 * The guest's bytes are not written to the host UART by the vCPU that
 * wrote them: its emulated PL011 store only copies them into a buffer
 * here and, at the first byte of a burst, wakes the `look` thread on
 * pCPU 0, which does the (slow, polled) UART output. A guest printing
 * while someone watches costs its own vCPU a memory copy, not the UART's
 * pace, and it never waits for the console lock that the host's other
 * output takes. The buffer is the console's pending source
 * (console_set_pending()): any host message empties it first, so guest
 * output and host messages reach the screen in the order they were made.
 */
#include <kernel/init.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <kernel/sync.h>
#include <kernel/thread.h>
#include <lib/fmt.h>
#include <lib/ringbuf.h>
#include <virt/vm.h>
#include <virt/vpl011.h>

#include "cmd_zvm.h"

#define LOOK_PRIO 10		/* the shell's: both only serve the user */
#define LOOK_BUF (2 * VM_CONSOLE_BUF)	/* the whole history at once; a power of two */

static struct {
	spinlock_t lock;	/* taken by vCPUs (look_sink) and the console */
	struct ringbuf out;
	u8 mem[LOOK_BUF];
	bool waiting;		/* the thread sleeps until the next byte */
	u64 dropped;		/* bytes that did not fit, not yet reported */
	struct semaphore wake;
} look = { .lock = SPINLOCK_INIT };

/* vCPU context (an emulated UARTDR store), under the vPL011's lock. */
static void look_sink(void *ctx, const char *s, size_t n)
{
	unsigned long flags = spin_lock_irqsave(&look.lock);
	size_t put = ringbuf_write(&look.out, s, n);
	bool wake = look.waiting && put;

	look.dropped += n - put;
	if (wake)
		look.waiting = false;
	spin_unlock_irqrestore(&look.lock, flags);
	if (wake)
		sem_give(&look.wake);
}

/* The console's pending source: a drop report first, then the bytes. */
static size_t look_take(char *buf, size_t n)
{
	unsigned long flags = spin_lock_irqsave(&look.lock);
	size_t got;

	if (look.dropped) {
		got = (size_t)fmt_snprintf(buf, n, "\r\n[zvm: %llu bytes of output dropped]\r\n",
					   (unsigned long long)look.dropped);
		look.dropped = 0;
	} else {
		got = ringbuf_read(&look.out, buf, n);
	}
	spin_unlock_irqrestore(&look.lock, flags);
	return MIN(got, n);
}

/* Nothing buffered: the next byte wakes the thread. */
static bool arm_if_empty(void)
{
	unsigned long flags = spin_lock_irqsave(&look.lock);
	bool empty = ringbuf_is_empty(&look.out) && !look.dropped;

	look.waiting = empty;
	spin_unlock_irqrestore(&look.lock, flags);
	return empty;
}

static void look_thread(void *arg)
{
	for (;;) {
		console_flush_pending();
		if (arm_if_empty())
			sem_take(&look.wake, K_FOREVER);
	}
}

static int look_start_thread(void)
{
	struct thread_params p = {
		.name = "look", .entry = look_thread, .prio = LOOK_PRIO,
		.affinity = BIT_ULL(0),	/* beside the shell, on the console's pCPU */
	};
	int err = ringbuf_init(&look.out, look.mem, sizeof(look.mem));

	if (err)
		return err;
	sem_init(&look.wake, 0, 1);
	console_set_pending(look_take);
	return thread_create(&p, NULL);
}
INITCALL_LATE(look_start_thread);

static void look_input(struct shell *sh, char c, void *ctx)
{
	struct vm *vm = ctx;

	if (c != LOOK_ESCAPE) {
		vpl011_rx_push(vm, c);
		return;
	}
	vpl011_set_sink(vm, NULL, NULL);	/* no byte is added after this */
	shell_printf(sh, "\n[detached from vm %u]\n", vm->id);	/* after the rest */
	shell_clear_input_hook(sh);
}

int zvm_look(struct shell *sh, int argc, char **argv)
{
	struct vm *vm;
	int r = zvm_parse_id(sh, argc, argv, "", NULL, &vm);

	if (r)
		return r;
	shell_printf(sh, "[attached to vm %u (%s); Ctrl-] returns to the host shell]\n", vm->id,
		     vm->name);
	vpl011_set_sink(vm, look_sink, NULL);	/* history first, then live */
	shell_set_input_hook(sh, look_input, vm);
	return 0;
}
