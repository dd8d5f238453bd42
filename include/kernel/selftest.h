/* In-kernel self-tests, run by the `selftest` shell command on real CPUs.
 * Test code only: the runner and the tests are in tests/kernel/, linked into
 * the test image (build/zvm-test.bin) and the RTOS guest, never into the
 * production image; kernel/ must not include this (scripts/check-layers). */
#ifndef KERNEL_SELFTEST_H
#define KERNEL_SELFTEST_H

#include <kernel/thread.h>
#include <zvm/compiler.h>

struct st_ctx {
	const char *name;
	char why[160];		/* first failure */
	unsigned int checks;
};

struct selftest {
	const char *name;
	const char *desc;
	int (*fn)(struct st_ctx *c);	/* 0 = pass, ST_SKIP = not applicable */
};

#define SELFTEST(ident, text, func)						\
	static const struct selftest __selftest_##ident				\
	__section(".selftests") __used __aligned(__alignof__(struct selftest)) = { \
		.name = #ident, .desc = text, .fn = func,			\
	}

#define ST_SKIP 1

__printf(3, 4) int st_fail(struct st_ctx *c, int line, const char *fmt, ...);

/* Fail the test (return from it) unless cond holds. */
#define ST_CHECK(c, cond, ...) do {						\
	(c)->checks++;								\
	if (!(cond))								\
		return st_fail((c), __LINE__, __VA_ARGS__);			\
} while (0)

/* Start a thread pinned to `cpu` (or CPU_ANY when cpu < 0). */
struct thread *st_spawn(const char *name, thread_entry_t fn, void *arg, unsigned int prio,
			int cpu);
/* Join and free a spawned thread. */
void st_join(struct thread *t);
/* Poll cond() every millisecond until it holds (true) or `ms` pass (false).
 * Tests wait for an event this way instead of sleeping a fixed time: the
 * emulator's host may deschedule a vCPU thread for many milliseconds. */
bool st_wait(bool (*cond)(void), unsigned int ms);
/* CPU to use for a test that wants its own CPU, avoiding the shell's CPU 0
 * when possible. */
unsigned int st_cpu(unsigned int nth);

#endif
