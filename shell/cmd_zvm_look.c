/*
 * `zvm look`: the VM's console on ours until the escape key. Only this
 * shell deletes VMs, and it is hooked while attached, so vm stays valid.
 *
 * While attached, only the `look` thread (pCPU 0) writes the host UART.
 * The guest's bytes (the vCPU's emulated UARTDR store) and the host's own
 * console output (printk from any CPU, the shell; console_set_redirect())
 * are both copied into one buffer here, which wakes the thread at the
 * first byte of a burst. So a guest printing while someone watches costs
 * its vCPU a memory copy, not the UART's pace, no host message waits for
 * guest output, and the two reach the screen in the order they were made.
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
#include <zvm/host_prio.h>

#include "cmd_zvm.h"

#define LOOK_PRIO HOST_PRIO_SHELL	/* the shell's: both only serve the user */
#define LOOK_BUF (2 * VM_CONSOLE_BUF)	/* the whole history at once; a power of two */

static struct {
	spinlock_t lock;	/* taken by vCPUs and under the console lock */
	struct ringbuf out;
	u8 mem[LOOK_BUF];
	bool attached;		/* the buffer takes bytes */
	bool waiting;		/* the thread sleeps until the next byte */
	u64 dropped;		/* bytes that did not fit, not yet reported */
	struct semaphore wake;
	struct mutex pump;	/* one writer of buffered bytes at a time */
} look;	/* all zero, so in .bss: any static initialiser would put the
		 * 32 KiB buffer into the image's .data. A zero spinlock is
		 * unlocked; the rest is set up by look_start_thread(). */

/* Buffer bytes for the thread; false once detached. */
static bool look_put(const char *s, size_t n)
{
	unsigned long flags = spin_lock_irqsave(&look.lock);
	bool ok = look.attached, wake = false;
	size_t put;

	if (ok) {
		put = ringbuf_write(&look.out, s, n);
		look.dropped += n - put;
		wake = look.waiting;
		look.waiting = false;
	}
	spin_unlock_irqrestore(&look.lock, flags);
	if (wake)
		sem_give(&look.wake);
	return ok;
}

/* vCPU context (an emulated UARTDR store), under the vPL011's lock. */
static void look_sink(void *ctx, const char *s, size_t n)
{
	look_put(s, n);
}

/* A drop report first, then buffered bytes; 0 when empty. With detach,
 * an empty buffer also stops taking bytes, atomically with the check. */
static size_t take(char *buf, size_t n, bool detach)
{
	unsigned long flags = spin_lock_irqsave(&look.lock);
	size_t got;

	if (look.dropped) {
		got = MIN((size_t)fmt_snprintf(buf, n, "\r\n[zvm: %llu bytes of output dropped]\r\n",
					       (unsigned long long)look.dropped), n);
		look.dropped = 0;
	} else {
		got = ringbuf_read(&look.out, buf, n);
	}
	if (!got && detach)
		look.attached = false;
	spin_unlock_irqrestore(&look.lock, flags);
	return got;
}

/* Write out what is buffered (all of it, when detaching). */
static void drain(bool detach)
{
	char buf[256];
	size_t n;

	mutex_lock(&look.pump, K_FOREVER);
	while ((n = take(buf, sizeof(buf), detach)) > 0)
		console_write_uart(buf, n);
	mutex_unlock(&look.pump);
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
		drain(false);
		if (arm_if_empty())
			sem_take(&look.wake, K_FOREVER);
	}
}

static int look_start_thread(void)
{
	struct thread_params p = {
		.name = "look", .entry = look_thread, .prio = LOOK_PRIO,
		.affinity = BIT_ULL(HOST_CPU),	/* beside the shell, on the console's pCPU */
	};
	int err = ringbuf_init(&look.out, look.mem, sizeof(look.mem));

	if (err)
		return err;
	sem_init(&look.wake, 0, 1);
	mutex_init(&look.pump);
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
	vpl011_set_sink(vm, NULL, NULL);	/* no guest byte is added after this */
	drain(true);		/* then look_put refuses: the console is the UART's again */
	console_set_redirect(NULL);
	shell_printf(sh, "\n[detached from vm %u]\n", vm->id);
	shell_clear_input_hook(sh);
}

int zvm_look(struct shell *sh, int argc, char **argv)
{
	struct vm *vm;
	int r = zvm_parse_id(sh, argc, argv, "", NULL, &vm);
	unsigned long flags;

	if (r)
		return r;
	flags = spin_lock_irqsave(&look.lock);
	look.attached = true;
	spin_unlock_irqrestore(&look.lock, flags);
	console_set_redirect(look_put);
	shell_printf(sh, "[attached to vm %u (%s); Ctrl-] returns to the host shell]\n", vm->id,
		     vm->name);
	vpl011_set_sink(vm, look_sink, NULL);	/* history first, then live */
	shell_set_input_hook(sh, look_input, vm);
	return 0;
}
