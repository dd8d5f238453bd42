/* The host shell thread: the shell core bound to the console UART. */
#include <kernel/console.h>
#include <kernel/init.h>
#include <kernel/printk.h>
#include <kernel/thread.h>
#include <shell/host_shell.h>
#include <shell/shell.h>
#include <zvm/host_prio.h>

static struct shell host_shell;

static void con_write(void *ctx, const char *s, size_t n)
{
	console_write_raw(s, n);
}

static int con_getc(void *ctx)
{
	return console_getc();
}

static const struct shell_io con_io = { con_write, con_getc, NULL };

struct shell *host_shell_get(void)
{
	return &host_shell;
}

static void shell_thread(void *arg)
{
	shell_init_section(&host_shell, &con_io);
	kprintf("\nWelcome to ZVM. Type 'help' for commands.\n");
	shell_run(&host_shell);
}

static int shell_start_thread(void)
{
	struct thread_params p = {
		.name = "shell", .entry = shell_thread, .prio = HOST_PRIO_SHELL,
		.affinity = BIT_ULL(HOST_CPU),	/* the host console lives on pCPU 0 */
	};

	return thread_create(&p, NULL);
}
INITCALL_LATE(shell_start_thread);
