/*
 * The scheduler: fixed priorities, per-CPU run queues, round-robin among
 * equal priorities, CPU affinity. See include/kernel/sched.h for locking.
 */
#include <kernel/irq.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/sync.h>

spinlock_t sched_lock = SPINLOCK_INIT;

static u64 online_mask(void)
{
	u64 m = 0;

	for (unsigned int c = 0; c < CONFIG_MAX_CPUS; c++)
		if (cpus[c].online)
			m |= BIT_ULL(c);
	return m;
}

static bool cpu_is_idle(const struct cpu *c)
{
	return c->current == c->idle && c->rq.count == 0 && !c->handoff;
}

/* Stay on the last CPU when it can run us now; else an idle allowed CPU;
 * else the last CPU if allowed; else the lowest allowed one. */
static unsigned int pick_cpu(const struct thread *t)
{
	u64 mask;

	/* The common wake-up (a pinned vCPU's): back to its CPU, preempting.
	 * Checked before the online mask, a loop over every CPU. */
	if ((t->affinity & BIT_ULL(t->cpu)) && READ_ONCE(cpus[t->cpu].online) &&
	    t->prio < cpus[t->cpu].current->prio)
		return t->cpu;
	mask = t->affinity & online_mask();
	if (!mask)
		mask = BIT_ULL(arch_cpu_id());	/* no allowed CPU online yet */
	for (unsigned int c = 0; c < CONFIG_MAX_CPUS; c++)
		if ((mask & BIT_ULL(c)) && cpu_is_idle(&cpus[c]))
			return c;
	if (mask & BIT_ULL(t->cpu))
		return t->cpu;
	return (unsigned int)__builtin_ctzll(mask);
}

void sched_kick_cpu_locked(unsigned int cpu)
{
	cpus[cpu].need_resched = true;
	if (cpu != arch_cpu_id())
		ipi_send(cpu, IPI_RESCHED);
}

/*
 * A guest that idles its pCPU in its own WFI (sched_guest_idle_begin())
 * leaves only when an interrupt of its own arrives: a thread readied here
 * behind it, even at a lower priority, would wait for that indefinitely
 * (a busy VM started after an idle RT VM on the same pCPU never ran).
 * Kick it out once so that its next entry traps WFI again. The fence
 * pairs with the one in sched_guest_idle_begin(): the run queue write
 * above or the flag write there is seen by the other side.
 */
static void kick_idling_guest(struct cpu *c)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!READ_ONCE(c->guest_idles))
		return;
	WRITE_ONCE(c->guest_idles, false);
	sched_kick_cpu_locked(c->id);
}

void sched_ready_locked(struct thread *t)
{
	struct cpu *c;

	if (t->suspend_req) {
		t->state = THREAD_SUSPENDED;
		return;
	}
	t->cpu = pick_cpu(t);
	c = &cpus[t->cpu];
	t->state = THREAD_READY;
	runq_add_tail(&c->rq, &t->rq_node, t->prio);
	/* Preempt, or start a round-robin slice against an equal. */
	if (t->prio < c->current->prio ||
	    (t->prio == c->current->prio && c->slice_deadline == K_FOREVER)) {
		sched_kick_cpu_locked(t->cpu);
		return;
	}
	kick_idling_guest(c);
}

/*
 * In this CPU's expiry in sched_irq_exit() (handoff_ok), a thread going
 * back to this CPU and preempting its current thread - what
 * sched_ready_locked() would decide - is handed to the switch that follows
 * in the same lock hold: nobody can see the run queue in between, so it
 * need not go through it (expire_and_switch()).
 */
void sched_wake_timeout_locked(struct thread *t)
{
	struct cpu *c = this_cpu();

	if (c->handoff_ok && !c->handoff && !t->suspend_req && t->cpu == c->id &&
	    (t->affinity & BIT_ULL(c->id)) && t->prio < c->current->prio) {
		t->state = THREAD_READY;
		c->handoff = t;
		c->need_resched = true;
		return;
	}
	sched_ready_locked(t);
}

void sched_dequeue_locked(struct thread *t)
{
	runq_remove(&cpus[t->cpu].rq, &t->rq_node, t->prio);
}

static void arm_slice(struct cpu *cpu, struct thread *t, u64 now)
{
	bool contended = !(t->flags & THREAD_F_IDLE) && runq_has_prio(&cpu->rq, t->prio);

	if (!contended)
		cpu->slice_deadline = K_FOREVER;
	else if (cpu->slice_deadline == K_FOREVER)
		cpu->slice_deadline = now + k_us_to_ticks(CONFIG_TIMESLICE_US);
	timeout_reprogram_locked();
}

/* Put a still-runnable `prev` back: at the head if it was preempted (it keeps
 * its turn), at the tail if it yielded or used up its slice. Inlined in its
 * two callers as when do_switch() was the only one: every switch pays for
 * a call otherwise. */
static inline __attribute__((always_inline)) void
requeue_prev(struct cpu *cpu, struct thread *prev, bool yield)
{
	if (prev->suspend_req) {
		prev->state = THREAD_SUSPENDED;
	} else if (!(prev->affinity & BIT_ULL(cpu->id))) {
		sched_ready_locked(prev);	/* migrates: its affinity changed */
	} else {
		prev->state = THREAD_READY;
		if (yield)
			runq_add_tail(&cpu->rq, &prev->rq_node, prev->prio);
		else
			runq_add_head(&cpu->rq, &prev->rq_node, prev->prio);
	}
}

static bool keep_prev(struct cpu *cpu, struct thread *prev, bool yield)
{
	unsigned int best = runq_best_prio(&cpu->rq);

	if (prev->state != THREAD_RUNNING || (prev->flags & THREAD_F_IDLE))
		return false;
	if (prev->suspend_req || !(prev->affinity & BIT_ULL(cpu->id)))
		return false;
	return best > prev->prio || (best == prev->prio && !yield);
}

static struct thread *pick_next(struct cpu *cpu)
{
	unsigned int prio;
	struct list_node *n = runq_peek(&cpu->rq, &prio);
	struct thread *t;

	if (!n)
		return cpu->idle;
	t = list_entry(n, struct thread, rq_node);
	runq_remove(&cpu->rq, n, prio);
	return t;
}

/* The end of a switch to next (maybe prev again); inlined in both callers
 * so that do_switch() pays nothing for the handoff's use of it. */
static inline __attribute__((always_inline)) void
switch_to(struct cpu *cpu, struct thread *prev, struct thread *next, u64 now)
{
	next->state = THREAD_RUNNING;
	next->cpu = cpu->id;
	cpu->slice_deadline = K_FOREVER;
	arm_slice(cpu, next, now);
	if (next == prev)
		return;
	prev->runtime += now - prev->run_start;
	next->run_start = now;
	next->switches++;
	cpu->ctx_switches++;
	cpu->current = next;
	arch_thread_switch_out(prev);
	arch_switch(prev, next);
}

static void do_switch(struct cpu *cpu, bool yield)
{
	struct thread *prev = cpu->current;
	u64 now = k_now();

	cpu->need_resched = false;
	cpu->slice_expired = false;
	if (keep_prev(cpu, prev, yield)) {
		arm_slice(cpu, prev, now);
		return;
	}
	if (prev->state == THREAD_RUNNING && !(prev->flags & THREAD_F_IDLE))
		requeue_prev(cpu, prev, yield);
	switch_to(cpu, prev, pick_next(cpu), now);
}

/*
 * Under the lock, the timer having fired: run the expiry, then switch to
 * the thread it handed off (sched_wake_timeout_locked()) if nothing queued
 * meanwhile outranks it - as do_switch() would, without the run queue -
 * else do_switch() decides. Not inlined, and cpu not needed after the
 * call: the interrupt exit of every other interrupt stays as it was.
 */
static __attribute__((noinline)) void expire_and_switch(struct cpu *cpu)
{
	struct thread *prev = cpu->current, *h;
	bool yield;

	cpu->handoff_ok = true;
	timeout_expire_locked();
	cpu->handoff_ok = false;
	h = cpu->handoff;
	if (h) {
		cpu->handoff = NULL;
		if (h->prio >= runq_best_prio(&cpu->rq)) {
			runq_add_tail(&cpu->rq, &h->rq_node, h->prio);
			h = NULL;
		}
	}
	if (!h) {
		do_switch(cpu, cpu->slice_expired);
		return;
	}
	yield = cpu->slice_expired;
	cpu->need_resched = false;
	cpu->slice_expired = false;
	if (prev->state == THREAD_RUNNING && !(prev->flags & THREAD_F_IDLE))
		requeue_prev(cpu, prev, yield);
	switch_to(cpu, prev, h, k_now());
}

void sched_switch_locked(void)
{
	do_switch(this_cpu(), false);
}

static void reschedule(bool yield)
{
	unsigned long flags = arch_irq_save();

	spin_lock(&sched_lock);
	do_switch(this_cpu(), yield);
	spin_unlock(&sched_lock);
	arch_irq_restore(flags);
}

void sched_reschedule(void)
{
	reschedule(false);
}

bool sched_yield_would_switch(void)
{
	unsigned long flags = arch_irq_save();
	struct cpu *cpu = this_cpu();
	bool peer = runq_best_prio(&cpu->rq) <= READ_ONCE(cpu->current->prio);

	arch_irq_restore(flags);
	return peer;
}

bool sched_cpu_has_other_ready(void)
{
	return runq_best_prio(&this_cpu()->rq) < PRIO_IDLE;
}

bool sched_guest_idle_begin(void)
{
	struct cpu *cpu = this_cpu();

	WRITE_ONCE(cpu->guest_idles, true);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);	/* see kick_idling_guest() */
	if (!sched_cpu_has_other_ready())
		return true;
	WRITE_ONCE(cpu->guest_idles, false);
	return false;
}

void sched_guest_idle_end(void)
{
	WRITE_ONCE(this_cpu()->guest_idles, false);
}

void sched_yield(void)
{
	reschedule(true);
}

/*
 * A timer interrupt's expiry (timeout_timer_irq(), which also sets
 * need_resched) runs here, under the same lock hold as the switch it may
 * ask for; do_switch() reprograms the timer whether it switches or not.
 */
void sched_irq_exit(void)
{
	struct cpu *cpu = this_cpu();

	if (!cpu->need_resched)
		return;
	spin_lock(&sched_lock);
	if (cpu->timer_fired)
		expire_and_switch(cpu);
	else
		do_switch(cpu, cpu->slice_expired);
	spin_unlock(&sched_lock);
}

void sched_tick_locked(u64 now)
{
	struct cpu *cpu = this_cpu();

	if (cpu->slice_deadline > now)
		return;
	cpu->slice_deadline = K_FOREVER;
	if (runq_has_prio(&cpu->rq, cpu->current->prio)) {
		cpu->slice_expired = true;
		cpu->need_resched = true;
		cpu->slice_expiries++;
	}
}

void sched_set_prio_locked(struct thread *t, unsigned int prio)
{
	if (t->prio == prio)
		return;
	if (t->state == THREAD_READY) {
		sched_dequeue_locked(t);
		t->prio = prio;
		sched_ready_locked(t);
	} else {
		t->prio = prio;
		if (t->state == THREAD_BLOCKED && t->wait_q)
			wq_requeue_locked(t);
		if (t->state == THREAD_RUNNING)
			sched_kick_cpu_locked(t->cpu);	/* may now be outranked */
	}
}

void sched_init_cpu(unsigned int cpu, struct thread *idle)
{
	struct cpu *c = &cpus[cpu];

	runq_init(&c->rq);
	list_init(&c->timeouts);
	c->timer_deadline = K_FOREVER;
	c->slice_deadline = K_FOREVER;
	c->idle = idle;
	c->current = idle;
	idle->state = THREAD_RUNNING;
	idle->run_start = k_now();
}

void sched_idle_loop(void)
{
	for (;;) {
		arch_irq_disable();
		if (!READ_ONCE(this_cpu()->rq.count) && !this_cpu()->need_resched)
			arch_cpu_idle();
		arch_irq_enable();	/* a pending interrupt is taken here */
		sched_reschedule();
	}
}
