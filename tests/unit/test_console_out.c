/*
 * The asynchronous console (kernel/console_out.c) through printk, against
 * a model UART that records what it sends and can be made full: before the
 * drain thread output is synchronous; after, printk only queues (the UART
 * is not touched until the drain pumps), a full transmitter makes the pump
 * sleep instead of spin, a full queue drops whole lines and reports them in
 * their place, the shell waits (pumping) instead of dropping, and a panic
 * writes out what is queued before its own lines. The tests run in order:
 * the console's state is global, and the panic is for good.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <cmocka.h>

#include <kernel/arch_interface.h>
#include <arch/el.h>
#include <kernel/console.h>
#include <kernel/irq.h>
#include <kernel/printk.h>
#include <kernel/sync.h>

/* ---- the model UART ---- */
static char sent[64 * 1024];
static size_t nsent;
static unsigned int putc_calls, room;	/* room: bytes it takes before it is full */
static bool limited;

static unsigned int refused;	/* in a row: a caller spinning on a full UART */

static bool model_try_putc(char c)
{
	putc_calls++;
	if (limited && !room) {
		assert_true(++refused < 100);
		return false;
	}
	refused = 0;
	if (limited)
		room--;
	assert_true(nsent < sizeof(sent));
	sent[nsent++] = c;
	return true;
}

#define FULL_WAIT 7
static u64 model_full_wait(void)
{
	return FULL_WAIT;
}

static const struct console_uart model = { model_try_putc, model_full_wait };

/* ---- stubs of what the console calls outside its files ---- */
static unsigned int sleeps, gives, threads;

void k_sleep_ticks(u64 ticks)
{
	assert_int_equal(ticks, FULL_WAIT);
	sleeps++;
	room = 4;		/* the transmitter sent some meanwhile */
}

void sem_init(struct semaphore *s, unsigned int initial, unsigned int limit) {}
void sem_give(struct semaphore *s) { gives++; }
int sem_take(struct semaphore *s, u64 timeout) { return 0; }
int mutex_lock(struct mutex *m, u64 timeout) { return 0; }
int mutex_unlock(struct mutex *m) { return 0; }

int thread_create(const struct thread_params *p, struct thread **out)
{
	assert_int_equal(p->affinity, CONSOLE_DRAIN_CPUS);	/* the port's choice */
	assert_true(p->prio > 10);		/* below the shell */
	threads++;
	return 0;
}

unsigned long arch_irq_save(void) { return 0; }
void arch_irq_restore(unsigned long flags) {}
u64 k_uptime_us(void) { return 1500000; }
u64 arch_counter_read(void) { return 0; }
u64 arch_counter_freq(void) { return 1000; }
unsigned int arch_cpu_id(void) { return 0; }
void arch_backtrace(void) {}
void panic_begin(void) { printk_panic_mode(); }
void panic_end(void) { abort(); }

/* ---- helpers ---- */
#define TS "[    1.500000] "	/* k_uptime_us() above */
#define FILL_LINE (15 + 100 + 2)	/* TS, 100 digits, \r\n */
#define LOST_LINE (15 + 7 + 6 + 2)	/* TS, "error: ", "lost n", \r\n */
#define TX_BUF 16384
static const char *sent_str(void)
{
	sent[nsent] = '\0';
	return sent;
}

static void reset_uart(void)
{
	nsent = 0;
	putc_calls = 0;
	limited = false;
}

static size_t printk_fill(unsigned int *lines)
{
	size_t before, queued = 0;

	/* Queue FILL_LINEs until one is dropped; return the bytes queued. */
	for (*lines = 0; *lines < 1000; (*lines)++) {
		before = putc_calls;
		pr_info("%0100d", 0);
		assert_int_equal(putc_calls, before);	/* never the UART */
		queued += FILL_LINE;
		if (queued > TX_BUF)
			return queued - FILL_LINE;
	}
	fail();
	return 0;
}

/* ---- tests, in order ---- */
static void test_early_output_is_synchronous(void **state)
{
	console_set_uart(&model);
	pr_info("early");
	assert_string_equal(sent_str(), TS "early\r\n");
	reset_uart();
}

static void test_printk_only_queues_the_drain_writes(void **state)
{
	assert_int_equal(console_out_start(), 0);
	assert_int_equal(threads, 1);
	assert_true(console_out_idle());	/* the drain sleeps */
	pr_warn("guest did %s", "this");
	assert_int_equal(putc_calls, 0);	/* no UART access by the caller */
	assert_int_equal(gives, 1);		/* the drain was woken */
	pr_info("second");
	assert_int_equal(gives, 1);		/* ... once */
	console_out_pump();
	assert_string_equal(sent_str(), TS "warning: guest did this\r\n"
					TS "second\r\n");
	assert_true(console_out_idle());
	reset_uart();
}

static void test_full_uart_makes_the_drain_sleep(void **state)
{
	limited = true;
	room = 0;
	pr_info("slow uart");
	console_out_pump();
	assert_string_equal(sent_str(), TS "slow uart\r\n");
	assert_int_equal(sleeps, (nsent + 3) / 4);	/* each time 4 bytes fit */
	reset_uart();
}

static void test_full_queue_drops_lines_and_reports_them(void **state)
{
	unsigned int lines;
	size_t queued = printk_fill(&lines);
	char want[128];

	pr_err("lost 1");
	pr_err("lost 2");
	console_out_pump();
	assert_int_equal(nsent, queued);	/* the first `lines`, whole */
	assert_false(console_out_idle());	/* the report is still to go */
	console_out_pump();
	snprintf(want, sizeof(want), "[console: %u bytes (%u lines) dropped]\r\n",
		 FILL_LINE + 2 * LOST_LINE, 3);
	assert_string_equal(sent_str() + queued, want);
	assert_true(console_out_idle());
	reset_uart();
}

static void test_shell_waits_for_room_in_order(void **state)
{
	unsigned int lines;
	size_t queued = printk_fill(&lines);	/* and one line dropped */
	static char big[6000];
	char report[64];
	size_t nreport = (size_t)snprintf(report, sizeof(report),
					  "[console: %u bytes (1 lines) dropped]\r\n", FILL_LINE);

	memset(big, 's', sizeof(big));
	console_write_raw(big, sizeof(big));	/* pumps the oldest lines out itself */
	assert_true(nsent >= sizeof(big) + nreport - (TX_BUF - queued));
	console_out_pump();
	assert_int_equal(nsent, queued + nreport + sizeof(big));
	assert_memory_equal(sent + queued, report, nreport);	/* where the line was lost */
	assert_memory_equal(sent + queued + nreport, big, sizeof(big));	/* then all of it */
	assert_true(console_out_idle());
	reset_uart();
}

static char redirected[256];
static size_t nredirected;

static bool take_redirect(const char *s, size_t n)
{
	memcpy(redirected + nredirected, s, n);
	nredirected += n;
	return true;
}

static void test_redirect_takes_output_the_writer_bypasses_it(void **state)
{
	console_set_redirect(take_redirect);
	pr_info("to look");
	console_write_uart("direct", 6);
	console_out_pump();
	console_set_redirect(NULL);
	assert_string_equal(sent_str(), "direct");
	assert_memory_equal(redirected, TS "to look\r\n", nredirected);
	reset_uart();
}

static void test_panic_writes_out_the_queue_first(void **state)
{
	pr_info("queued before the panic");
	assert_int_equal(nsent, 0);
	printk_panic_mode();
	assert_string_equal(sent_str(), TS "queued before the panic\r\n");
	pr_emerg("after");			/* synchronous from now on */
	assert_string_equal(sent_str(), TS "queued before the panic\r\n"
					TS "after\r\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_early_output_is_synchronous),
		cmocka_unit_test(test_printk_only_queues_the_drain_writes),
		cmocka_unit_test(test_full_uart_makes_the_drain_sleep),
		cmocka_unit_test(test_full_queue_drops_lines_and_reports_them),
		cmocka_unit_test(test_shell_waits_for_room_in_order),
		cmocka_unit_test(test_redirect_takes_output_the_writer_bypasses_it),
		cmocka_unit_test(test_panic_writes_out_the_queue_first),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
