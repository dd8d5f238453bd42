/* The `selftest` command: runs every SELFTEST in the image (or the named
 * ones) and prints one PASS/FAIL line each, then a summary. */
#include <kernel/cpu.h>
#include <kernel/printk.h>
#include <kernel/selftest.h>
#include <kernel/timeout.h>
#include <lib/fmt.h>
#include <lib/string.h>
#include <shell/shell.h>
#include <zvm/errno.h>

extern const struct selftest __selftests_start[], __selftests_end[];

int st_fail(struct st_ctx *c, int line, const char *fmt, ...)
{
	int n = fmt_snprintf(c->why, sizeof(c->why), "line %d: ", line);
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(c->why + n, sizeof(c->why) - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

struct thread *st_spawn(const char *name, thread_entry_t fn, void *arg, unsigned int prio,
			int cpu)
{
	struct thread_params p = {
		.name = name, .entry = fn, .arg = arg, .prio = prio,
		.affinity = cpu < 0 ? CPU_ANY : BIT_ULL(cpu),
	};
	struct thread *t = NULL;

	if (thread_create(&p, &t))
		panic("selftest: cannot create thread %s", name);
	return t;
}

void st_join(struct thread *t)
{
	thread_join(t, NULL);
}

bool st_wait(bool (*cond)(void), unsigned int ms)
{
	u64 end = k_now() + k_us_to_ticks((u64)ms * 1000);

	while (!cond()) {
		if (k_now() >= end)
			return false;
		k_msleep(1);
	}
	return true;
}

unsigned int st_cpu(unsigned int nth)
{
	unsigned int n = cpus_online_count();

	return n > 1 ? 1 + nth % (n - 1) : 0;
}

static bool selected(const struct selftest *t, int argc, char **argv)
{
	if (argc < 2)
		return true;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], t->name))
			return true;
	return false;
}

static int run_one(struct shell *sh, const struct selftest *t)
{
	struct st_ctx c = { .name = t->name };
	u64 start = k_now();
	int r = t->fn(&c);
	u64 us = k_ticks_to_us(k_now() - start);

	if (r == ST_SKIP)
		shell_printf(sh, "SKIP %-22s (not applicable here)\n", t->name);
	else if (r == 0)
		shell_printf(sh, "PASS %-22s (%u checks, %llu ms)\n", t->name, c.checks,
			     (unsigned long long)(us / 1000));
	else
		shell_printf(sh, "FAIL %-22s %s\n", t->name, c.why);
	return r;
}

static int cmd_selftest(struct shell *sh, int argc, char **argv)
{
	unsigned int pass = 0, fail = 0, skip = 0;

	if (argc == 2 && !strcmp(argv[1], "-l")) {
		for (const struct selftest *t = __selftests_start; t < __selftests_end; t++)
			shell_printf(sh, "%-22s %s\n", t->name, t->desc);
		return 0;
	}
	for (const struct selftest *t = __selftests_start; t < __selftests_end; t++) {
		if (!selected(t, argc, argv))
			continue;
		switch (run_one(sh, t)) {
		case 0:
			pass++;
			break;
		case ST_SKIP:
			skip++;
			break;
		default:
			fail++;
		}
	}
	if (!pass && !fail && !skip) {
		shell_printf(sh, "selftest: no test matches\n");
		return -EINVAL;
	}
	shell_printf(sh, "selftest: %u passed, %u failed, %u skipped\n", pass, fail, skip);
	return 0;
}
SHELL_CMD(selftest, "selftest [-l] [name...]", "run in-kernel self-tests (PASS/FAIL lines)",
	  cmd_selftest);
