/*
 * Guest-requested restarts (PSCI SYSTEM_RESET). The vCPU that asked cannot
 * tear down its own thread, so the request goes to a host worker thread,
 * which waits for the VM's vCPU threads to end and boots it again from its
 * images (vm_restart_requested). Requests are a bitmap of VM slots: asking
 * twice before the worker runs restarts once. A VM in a reset loop is held
 * back (VM_RESTART_BACKOFF): its request waits here, others go ahead.
 */
#include <kernel/init.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/sync.h>
#include <virt/vm.h>
#include <zvm/host_prio.h>

static struct semaphore restart_sem;
static u32 restart_pending;	/* bit per VM slot */

void vm_request_restart(struct vm *vm)
{
	__atomic_or_fetch(&restart_pending, BIT(vm->id), __ATOMIC_RELEASE);
	sem_give(&restart_sem);
}

/* Restart what is due; keep the rest pending. Returns when to look again. */
static u64 restart_due(u32 todo)
{
	u64 next = K_FOREVER;

	for (unsigned int id = 0; id < VM_MAX; id++) {
		u64 retry;

		if (!(todo & BIT(id)))
			continue;
		retry = vm_restart_requested(id, k_now());
		if (retry) {
			__atomic_or_fetch(&restart_pending, BIT(id), __ATOMIC_RELAXED);
			next = MIN(next, retry);
		}
	}
	return next;
}

static void restart_worker(void *arg)
{
	u64 next = K_FOREVER;

	for (;;) {
		u64 now = k_now();

		if (next == K_FOREVER)
			sem_take(&restart_sem, K_FOREVER);
		else if (next > now)
			sem_take(&restart_sem, next - now);
		next = restart_due(__atomic_exchange_n(&restart_pending, 0, __ATOMIC_ACQUIRE));
	}
}

static int restart_init(void)
{
	struct thread_params p = {
		.name = "vm-restart", .entry = restart_worker, .prio = HOST_PRIO_RESTART,
		.affinity = BIT_ULL(HOST_CPU),
	};

	_Static_assert(VM_MAX <= 32, "restart_pending has a bit per VM");
	sem_init(&restart_sem, 0, 1);
	return thread_create(&p, NULL);
}
INITCALL(restart_init);
