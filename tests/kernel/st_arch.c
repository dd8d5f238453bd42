/* Self-tests of arch mechanisms: the undefined-instruction probe. */
#include <arch/undef.h>
#include <kernel/selftest.h>

static volatile unsigned int after_udf;

/* UDF is permanently undefined at every EL (ARM ARM C6.2.402): what a
 * hypervisor's refusal of a system-register access looks like. */
static void run_udf(void *arg)
{
	__asm__ volatile("udf #0" ::: "memory");
	after_udf++;
}

static void run_nothing(void *arg)
{
}

static int st_undef_probe(struct st_ctx *c)
{
	after_udf = 0;
	ST_CHECK(c, arch_try_undef(run_nothing, NULL), "probe of no instruction failed");
	ST_CHECK(c, !arch_try_undef(run_udf, NULL), "UDF not reported as undefined");
	ST_CHECK(c, after_udf == 1, "code after UDF ran %u times", after_udf);
	ST_CHECK(c, arch_try_undef(run_nothing, NULL), "a caught UDF stuck to the next probe");
	return 0;
}
SELFTEST(undef_probe, "an undefined instruction in arch_try_undef is skipped and reported",
	 st_undef_probe);
