/* Thread lifecycle: create, start, exit, join, suspend/resume, sleep. */
#include <kernel/kstack.h>
#include <kernel/mm.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/sync.h>
#include <lib/string.h>
#include <zvm/errno.h>

static struct list_node all_threads = LIST_HEAD_INIT(all_threads);

struct thread *thread_current(void)
{
	return this_cpu()->current;
}

const char *thread_state_name(unsigned int state)
{
	static const char *const names[] = {
		"new", "ready", "running", "blocked", "suspended", "dead",
	};

	return state < ARRAY_SIZE(names) ? names[state] : "?";
}

/* A sleeping or blocked thread's timeout fired. */
static void thread_timeout_fired(struct timeout *to)
{
	struct thread *t = container_of(to, struct thread, timeout);

	if (t->state != THREAD_BLOCKED)
		return;
	if (t->wait_q) {
		list_del(&t->wait_node);
		t->wait_q = NULL;
	}
	t->wait_result = -ETIMEDOUT;
	sched_wake_timeout_locked(t);
}

/* Shared by thread_create() and the boot/idle threads. */
void thread_init_common(struct thread *t, const char *name, unsigned int prio, u64 affinity)
{
	strlcpy(t->name, name, sizeof(t->name));
	t->prio = t->base_prio = (u8)prio;
	t->affinity = affinity;
	t->state = THREAD_NEW;
	list_init(&t->rq_node);
	list_init(&t->wait_node);
	list_init(&t->held);
	list_init(&t->joiners.waiters);
	timeout_init(&t->timeout, thread_timeout_fired);
	unsigned long flags = spin_lock_irqsave(&sched_lock);
	list_add_tail(&all_threads, &t->all_node);
	spin_unlock_irqrestore(&sched_lock, flags);
}

static int check_params(const struct thread_params *p)
{
	if (!p->entry || !p->name || p->prio >= PRIO_IDLE)
		return -EINVAL;
	if (p->affinity == 0)
		return -EINVAL;
	return 0;
}

int thread_create(const struct thread_params *p, struct thread **out)
{
	size_t size = p->stack_size ? p->stack_size : CONFIG_THREAD_STACK_SIZE;
	struct thread *t;
	void *top;
	int err = check_params(p);

	if (err)
		return err;
	size = PAGE_SIZE << pa_order_for_pages(ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE);
	t = kzalloc(sizeof(*t));
	if (!t)
		return -ENOMEM;
	top = kstack_alloc(size);
	if (!top) {
		kfree(t);
		return -ENOMEM;
	}
	t->stack_mem = top;
	t->stack_size = size;
	t->entry = p->entry;
	t->arg = p->arg;
	t->cpu = arch_cpu_id();
	thread_init_common(t, p->name, p->prio, p->affinity ? p->affinity : CPU_ANY);
	arch_thread_init(t, top);
	if (out)
		*out = t;
	if (!p->start_suspended)
		thread_start(t);
	return 0;
}

void thread_start(struct thread *t)
{
	unsigned long flags = spin_lock_irqsave(&sched_lock);

	if (t->state == THREAD_NEW)
		sched_ready_locked(t);
	spin_unlock_irqrestore(&sched_lock, flags);
	if (this_cpu()->need_resched)
		sched_reschedule();
}

void thread_entry_trampoline(void)
{
	struct thread *t = thread_current();

	spin_unlock(&sched_lock);	/* taken by whoever switched to us */
	arch_irq_enable();
	t->entry(t->arg);
	thread_exit(0);
}

void thread_exit(int code)
{
	struct thread *t = thread_current();

	arch_irq_disable();
	spin_lock(&sched_lock);
	t->exit_code = code;
	t->state = THREAD_DEAD;
	wq_wake_all_locked(&t->joiners, 0);
	sched_switch_locked();
	panic("dead thread %s scheduled", t->name);
}

static void thread_free(struct thread *t)
{
	unsigned long flags = spin_lock_irqsave(&sched_lock);

	list_del(&t->all_node);
	spin_unlock_irqrestore(&sched_lock, flags);
	if (!(t->flags & THREAD_F_STATIC_STACK))
		kstack_free(t->stack_mem, t->stack_size);
	kfree(t);
}

int thread_join(struct thread *t, int *code)
{
	unsigned long flags;

	if (t == thread_current())
		return -EDEADLK;
	flags = spin_lock_irqsave(&sched_lock);
	while (t->state != THREAD_DEAD)
		wq_block_locked(&t->joiners, K_FOREVER);
	spin_unlock_irqrestore(&sched_lock, flags);
	if (code)
		*code = t->exit_code;
	thread_free(t);
	return 0;
}

void thread_set_priority(struct thread *t, unsigned int prio)
{
	unsigned long flags;

	if (prio >= PRIO_IDLE)
		prio = PRIO_LOWEST_USER;
	flags = spin_lock_irqsave(&sched_lock);
	t->base_prio = (u8)prio;
	mutex_update_prio_locked(t);	/* inherited priority may still be higher */
	spin_unlock_irqrestore(&sched_lock, flags);
	sched_reschedule();
}

int thread_set_affinity(struct thread *t, u64 mask)
{
	unsigned long flags;

	if (!mask)
		return -EINVAL;
	flags = spin_lock_irqsave(&sched_lock);
	t->affinity = mask;
	if (t->state == THREAD_READY && !(mask & BIT_ULL(t->cpu))) {
		sched_dequeue_locked(t);
		sched_ready_locked(t);
	} else if (t->state == THREAD_RUNNING && !(mask & BIT_ULL(t->cpu))) {
		sched_kick_cpu_locked(t->cpu);	/* it migrates when it is switched out */
	}
	spin_unlock_irqrestore(&sched_lock, flags);
	sched_reschedule();
	return 0;
}

void thread_suspend(struct thread *t)
{
	unsigned long flags = spin_lock_irqsave(&sched_lock);

	t->suspend_req = true;
	if (t->state == THREAD_READY) {
		sched_dequeue_locked(t);
		t->state = THREAD_SUSPENDED;
	} else if (t->state == THREAD_RUNNING) {
		sched_kick_cpu_locked(t->cpu);
	}
	spin_unlock_irqrestore(&sched_lock, flags);
	if (t == thread_current() || this_cpu()->need_resched)
		sched_reschedule();
}

void thread_resume(struct thread *t)
{
	unsigned long flags = spin_lock_irqsave(&sched_lock);

	t->suspend_req = false;
	if (t->state == THREAD_SUSPENDED)
		sched_ready_locked(t);
	spin_unlock_irqrestore(&sched_lock, flags);
	if (this_cpu()->need_resched)
		sched_reschedule();
}

void thread_for_each(void (*cb)(struct thread *t, void *ctx), void *ctx)
{
	unsigned long flags = spin_lock_irqsave(&sched_lock);
	struct list_node *n;

	list_for_each(n, &all_threads)
		cb(list_entry(n, struct thread, all_node), ctx);
	spin_unlock_irqrestore(&sched_lock, flags);
}

void k_sleep_until(u64 deadline)
{
	struct thread *t = thread_current();
	unsigned long flags;

	/* Already past (a periodic task running late): blocking would cost a
	 * timer interrupt per missed period - under a hypervisor an exit and
	 * an injection each - for nothing. */
	if (deadline <= k_now())
		return;
	flags = spin_lock_irqsave(&sched_lock);
	t->state = THREAD_BLOCKED;
	timeout_add_locked(&t->timeout, deadline);
	sched_switch_locked();
	spin_unlock_irqrestore(&sched_lock, flags);
}

void k_sleep_ticks(u64 ticks)
{
	k_sleep_until(k_now() + ticks);
}

void k_msleep(u64 ms)
{
	k_sleep_ticks(k_us_to_ticks(ms * 1000));
}

void k_usleep(u64 us)
{
	k_sleep_ticks(k_us_to_ticks(us));
}

void k_yield(void)
{
	sched_yield();
}

void k_busy_wait_us(u64 us)
{
	u64 end = k_now() + k_us_to_ticks(us);

	while (k_now() < end)
		;
}
