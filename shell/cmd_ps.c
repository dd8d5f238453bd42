/* `ps`: every thread with its CPU, priority, state and run time. */
#include <kernel/cpu.h>
#include <kernel/sched.h>
#include <lib/string.h>
#include <shell/shell.h>
#include <zvm/errno.h>

#define PS_MAX 128

struct ps_row {
	char name[20];
	unsigned int cpu, prio, base_prio, state;
	u64 runtime, switches;
};

struct ps_snap {
	struct ps_row rows[PS_MAX];
	unsigned int n, missed;
};

static void snap_one(struct thread *t, void *ctx)
{
	struct ps_snap *s = ctx;
	struct ps_row *r;
	u64 rt = t->runtime;

	if (s->n == PS_MAX) {
		s->missed++;
		return;
	}
	if (t->state == THREAD_RUNNING)
		rt += k_now() - t->run_start;
	r = &s->rows[s->n++];
	*r = (struct ps_row){ .cpu = t->cpu, .prio = t->prio, .base_prio = t->base_prio,
			      .state = t->state, .runtime = rt, .switches = t->switches };
	memcpy(r->name, t->name, sizeof(r->name));
}

static int cmd_ps(struct shell *sh, int argc, char **argv)
{
	static struct ps_snap snap;	/* one shell: no concurrent use */

	if (argc > 1) {
		shell_printf(sh, "ps: takes no arguments\n");
		return -EINVAL;
	}
	snap.n = snap.missed = 0;
	/* Snapshot under the lock, print without it: output is slow. */
	thread_for_each(snap_one, &snap);
	shell_printf(sh, "%-19s %3s %4s %-9s %12s %10s\n", "NAME", "CPU", "PRIO", "STATE",
		     "RUNTIME(ms)", "SWITCHES");
	for (unsigned int i = 0; i < snap.n; i++) {
		struct ps_row *r = &snap.rows[i];

		shell_printf(sh, "%-19s %3u %4u%s %-9s %12llu %10llu\n", r->name, r->cpu, r->prio,
			     r->prio != r->base_prio ? "*" : " ", thread_state_name(r->state),
			     (unsigned long long)(k_ticks_to_us(r->runtime) / 1000),
			     (unsigned long long)r->switches);
	}
	if (snap.missed)
		shell_printf(sh, "(%u more threads not shown)\n", snap.missed);
	return 0;
}
SHELL_CMD(ps, "ps", "list threads (* = boosted by priority inheritance)", cmd_ps);
