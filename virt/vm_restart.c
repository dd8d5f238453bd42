/*
 * Guest-requested restarts (PSCI SYSTEM_RESET). The vCPU that asked cannot
 * tear down its own thread, so the request goes to a host worker thread,
 * which waits for the VM's vCPU threads to end and boots it again from its
 * images (vm_restart). Requests are a bitmap of VM slots: asking twice
 * before the worker runs restarts once.
 */
#include <kernel/init.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/sync.h>
#include <virt/vm.h>

#define RESTART_PRIO 12		/* below the shell (10): it waits on vCPUs */

static struct semaphore restart_sem;
static u32 restart_pending;	/* bit per VM slot */

void vm_request_restart(struct vm *vm)
{
	__atomic_or_fetch(&restart_pending, BIT(vm->id), __ATOMIC_RELEASE);
	sem_give(&restart_sem);
}

static void restart_slot(unsigned int id)
{
	struct vm *vm = vm_find(id);

	/* Deleted or restarted by hand meanwhile: nothing to do. */
	if (!vm || READ_ONCE(vm->state) != VM_HALTED || vm->exit_code != VM_EXIT_RESET)
		return;
	if (vm_restart(vm))
		pr_ratelimited(LOG_ERR, "vm%u: restart after guest reset failed; it stays halted", id);
}

static void restart_worker(void *arg)
{
	for (;;) {
		u32 todo;

		sem_take(&restart_sem, K_FOREVER);
		todo = __atomic_exchange_n(&restart_pending, 0, __ATOMIC_ACQUIRE);
		for (unsigned int id = 0; id < VM_MAX; id++)
			if (todo & BIT(id))
				restart_slot(id);
	}
}

static int restart_init(void)
{
	struct thread_params p = {
		.name = "vm-restart", .entry = restart_worker, .prio = RESTART_PRIO,
		.affinity = BIT_ULL(0),
	};

	_Static_assert(VM_MAX <= 32, "restart_pending has a bit per VM");
	sem_init(&restart_sem, 0, 1);
	return thread_create(&p, NULL);
}
INITCALL(restart_init);
