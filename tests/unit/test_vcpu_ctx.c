/*
 * The lazy EL1 context (virt/vcpu_ctx.c): a vCPU's EL1 registers stay in
 * "hardware" (here a fake register file per pCPU) from its first entry
 * until its thread is switched out; the saved copy is poisoned meanwhile,
 * so a reader that bypasses vcpu_el1() sees VCPU_EL1_POISON, and every
 * reader through it (inject.c here) sees the live values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <kernel/printk.h>
#include <virt/vcpu_ctx.h>
#include <virt/vm.h>

/* ---- stand-ins: CPUs, IRQ masking, the log, the EL1 registers ---- */
static unsigned int cur_cpu;
static int irq_depth, errors, loads, saves;
static struct vcpu_sysregs hw[CONFIG_MAX_CPUS];	/* each pCPU's EL1 registers */

unsigned int arch_cpu_id(void) { return cur_cpu; }
unsigned long arch_irq_save(void) { return (unsigned long)irq_depth++; }
void arch_irq_restore(unsigned long flags) { irq_depth = (int)flags; }

void printk(enum log_level level, const char *fmt, ...)
{
	(void)fmt;
	if (level == LOG_ERR)
		errors++;
}

void vcpu_hw_el1_load(struct vcpu *v)
{
	assert_true(irq_depth > 0);
	hw[cur_cpu] = v->arch.el1_saved_;
	loads++;
}

void vcpu_hw_el1_save(struct vcpu *v)
{
	assert_true(irq_depth > 0);
	v->arch.el1_saved_ = hw[cur_cpu];
	memset(&hw[cur_cpu], 0, sizeof(hw[cur_cpu]));
	saves++;
}

static struct vm vm;
static struct vcpu vc;

static void switch_out(void);

static int setup(void **state)
{
	(void)state;
	for (cur_cpu = 0; cur_cpu < CONFIG_MAX_CPUS; cur_cpu++)
		switch_out();	/* nothing left loaded by the previous test */
	memset(&vc, 0, sizeof(vc));
	memset(hw, 0, sizeof(hw));
	cur_cpu = 0;
	irq_depth = errors = loads = saves = 0;
	vc.vm = &vm;
	vcpu_ctx_init(&vc);
	vcpu_el1(&vc)->vbar = 0x40001000;
	return 0;
}

/* The guest runs: entry under masked IRQs, as vcpu_enter() does. */
static bool enter(struct vcpu *v)
{
	unsigned long f = arch_irq_save();
	bool loaded = vcpu_ctx_enter(v);

	arch_irq_restore(f);
	return loaded;
}

static void switch_out(void)
{
	unsigned long f = arch_irq_save();

	vcpu_ctx_switch_out();
	arch_irq_restore(f);
}

/* Loaded at the first entry only; exits on the same thread keep it. */
static void test_loaded_once_per_switch(void **state)
{
	(void)state;
	assert_true(enter(&vc));
	assert_false(enter(&vc));
	assert_false(enter(&vc));
	assert_int_equal(loads, 1);
	assert_int_equal(vc.arch.live_cpu, 0);
	switch_out();
	assert_int_equal(saves, 1);
	assert_int_equal(vc.arch.live_cpu, -1);
	switch_out();			/* another thread's switch: nothing loaded */
	assert_int_equal(saves, 1);
	assert_true(enter(&vc));
	assert_int_equal(loads, 2);
}

/* The rule: while live, the saved copy is stale and reads as poison; the
 * accessor saves the live registers first and hands out the truth. */
static void test_direct_read_of_live_copy_is_caught(void **state)
{
	(void)state;
	enter(&vc);
	hw[0].far = 0x1234;	/* the guest ran and changed FAR_EL1 */
	assert_true(vc.arch.el1_saved_.far == VCPU_EL1_POISON);
	assert_true(vc.arch.el1_saved_.vbar == VCPU_EL1_POISON);
	assert_true(vcpu_el1(&vc)->far == 0x1234);
	assert_true(vcpu_el1(&vc)->vbar == 0x40001000);
	assert_int_equal(vc.arch.live_cpu, -1);
	assert_int_equal(errors, 0);
	assert_true(enter(&vc));	/* reloaded, with whatever changed */
	assert_true(hw[0].far == 0x1234);
}

/* A reader on another pCPU while the vCPU is live: a host bug, logged. */
static void test_read_while_live_elsewhere_is_logged(void **state)
{
	(void)state;
	cur_cpu = 1;
	enter(&vc);
	cur_cpu = 0;
	(void)vcpu_el1(&vc);
	assert_int_equal(errors, 1);
	assert_int_equal(vc.arch.live_cpu, 1);
}

/* A second vCPU on the same pCPU: the first one is saved before it loads. */
static void test_other_vcpu_entering_saves_the_first(void **state)
{
	struct vcpu w = { .vm = &vm };

	(void)state;
	vcpu_ctx_init(&w);
	enter(&vc);
	hw[0].tpidr_el1 = 7;
	enter(&w);
	assert_int_equal(vc.arch.live_cpu, -1);
	assert_int_equal(w.arch.live_cpu, 0);
	assert_true(vcpu_el1(&vc)->tpidr_el1 == 7);
	vcpu_ctx_put(&w);
	assert_int_equal(w.arch.live_cpu, -1);
}

/* inject.c reads VBAR_EL1 and writes ELR/SPSR/ESR_EL1 of a live vCPU
 * through the accessor: the exception lands on the guest's real vector
 * and the next entry loads what it wrote. */
static void test_inject_undef_on_live_vcpu(void **state)
{
	(void)state;
	enter(&vc);
	vc.arch.ctx.pc = 0x40002000;
	vc.arch.ctx.pstate = 0x5;	/* EL1h */
	vcpu_inject_undef(&vc);
	assert_true(vc.arch.ctx.pc == 0x40001000 + 0x200);
	enter(&vc);
	assert_true(hw[0].elr_el1 == 0x40002000);
	assert_true(hw[0].spsr_el1 == 0x5);
	assert_true(hw[0].esr == (1ULL << 25));	/* EC 0 (unknown), IL */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_loaded_once_per_switch, setup),
		cmocka_unit_test_setup(test_direct_read_of_live_copy_is_caught, setup),
		cmocka_unit_test_setup(test_read_while_live_elsewhere_is_logged, setup),
		cmocka_unit_test_setup(test_other_vcpu_entering_saves_the_first, setup),
		cmocka_unit_test_setup(test_inject_undef_on_live_vcpu, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
