/* Tickless timeouts and time conversion (see include/kernel/timeout.h). */
#include <kernel/sched.h>

static u64 counter_freq;
static u64 boot_counter;

void time_init(void)
{
	counter_freq = arch_counter_freq();
	boot_counter = arch_counter_read();
}

u64 k_now(void)
{
	return arch_counter_read();
}

static u64 mul_div(u64 a, u64 mul, u64 div)
{
	if (!div)
		return 0;	/* before time_init() */
	return (u64)(((unsigned __int128)a * mul) / div);
}

/* Round up: a timeout must never fire early. */
u64 k_us_to_ticks(u64 us)
{
	return (u64)(((unsigned __int128)us * counter_freq + 999999) / 1000000);
}

u64 k_ns_to_ticks(u64 ns)
{
	return (u64)(((unsigned __int128)ns * counter_freq + 999999999) / 1000000000);
}

u64 k_ticks_to_ns(u64 ticks)
{
	return mul_div(ticks, 1000000000, counter_freq);
}

u64 k_ticks_to_us(u64 ticks)
{
	return mul_div(ticks, 1000000, counter_freq);
}

u64 k_uptime_us(void)
{
	return mul_div(k_now() - boot_counter, 1000000, counter_freq);
}

u64 k_uptime_ms(void)
{
	return mul_div(k_now() - boot_counter, 1000, counter_freq);
}

void timeout_reprogram_locked(void)
{
	struct cpu *cpu = this_cpu();
	struct timeout *first = tq_first(&cpu->timeouts);
	u64 deadline = cpu->slice_deadline;

	if (first && first->deadline < deadline)
		deadline = first->deadline;
	if (deadline == cpu->timer_deadline)
		return;
	cpu->timer_deadline = deadline;
	if (deadline == K_FOREVER)
		arch_timer_stop();
	else
		arch_timer_set_deadline(deadline);
}

void timeout_add_locked(struct timeout *t, u64 deadline)
{
	struct cpu *cpu = this_cpu();

	if (timeout_pending(t))
		list_del(&t->node);
	t->deadline = deadline;
	t->cpu = cpu->id;
	tq_insert(&cpu->timeouts, t);
	if (tq_first(&cpu->timeouts) == t)
		timeout_reprogram_locked();
}

void timeout_abort_locked(struct timeout *t)
{
	if (timeout_pending(t))
		list_del(&t->node);
}

void timeout_expire_locked(void)
{
	struct cpu *cpu = this_cpu();
	struct timeout *t;
	u64 now = k_now();

	cpu->timer_irqs++;
	cpu->timer_fired = false;
	while ((t = tq_pop_expired(&cpu->timeouts, now)))
		t->fn(t);
	sched_tick_locked(now);
}

void timeout_handle_expiry(void)
{
	spin_lock(&sched_lock);
	this_cpu()->timer_deadline = 0;	/* fired: force a reprogram or a stop */
	timeout_expire_locked();
	timeout_reprogram_locked();
	spin_unlock(&sched_lock);
}

/* The level-sensitive timer would fire again as soon as the handler
 * returns: stopped (and known so) until the expiry reprograms it, in
 * sched_irq_exit() at the end of this interrupt (need_resched). */
void timeout_timer_irq(void)
{
	struct cpu *cpu = this_cpu();

	arch_timer_stop();
	cpu->timer_deadline = K_FOREVER;
	cpu->timer_fired = true;
	cpu->need_resched = true;
}
