/*
 * apps/ivc_cmd.c: the commands another VM sends the real-time VM. Every
 * documented command and its reply (docs/ivc.md), the bounds of each
 * argument, and input that is not a command at all: binary, empty, too
 * long, with stray spaces. The callbacks are recorded, not faked results.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../../apps/ivc_cmd.h"
#include <zvm/errno.h>

static struct ivc_cmd_state st;
static u32 period_set, resets;
static int period_result;
static char out[IVC_CMD_REPLY_MAX];

static int set_period(void *ctx, u32 us)
{
	period_set = us;
	return period_result;
}

static void reset(void *ctx)
{
	resets++;
}

static void status(void *ctx, char *buf, size_t cap)
{
	snprintf(buf, cap, "periods=%u late_max_ns=7", 1234u);
}

static const struct ivc_cmd_ops ops = { set_period, reset, status, NULL };

static int setup(void **state)
{
	memset(&st, 0, sizeof(st));
	period_set = resets = 0;
	period_result = 0;
	return 0;
}

/* Run `len` bytes of `in`; the reply, checked to be as long as it says. */
static const char *run_n(const void *in, u32 len)
{
	u32 n;

	memset(out, 0x55, sizeof(out));
	n = ivc_cmd_exec(&st, &ops, in, len, out, sizeof(out));
	assert_true(n > 0 && n < sizeof(out));
	assert_int_equal(strlen(out), n);
	return out;
}

static const char *run(const char *s)
{
	return run_n(s, (u32)strlen(s));
}

static void test_setpoint(void **state)
{
	assert_string_equal(run("setpoint 42"), "ok setpoint=42");
	assert_int_equal(st.setpoint, 42);
	assert_string_equal(run("setpoint -2147483648"), "ok setpoint=-2147483648");
	assert_int_equal(st.setpoint, INT32_MIN);
	assert_string_equal(run("setpoint 2147483647"), "ok setpoint=2147483647");
	assert_string_equal(run("setpoint 2147483648"),
			    "error: usage: setpoint N (a 32-bit integer)");
	assert_int_equal(st.setpoint, INT32_MAX);	/* unchanged by the refusal */
	assert_string_equal(run("setpoint"), "error: usage: setpoint N (a 32-bit integer)");
	assert_string_equal(run("setpoint 4x"), "error: usage: setpoint N (a 32-bit integer)");
	assert_string_equal(run("setpoint 1 2"), "error: usage: setpoint N (a 32-bit integer)");
	assert_string_equal(run("setpoint  1"), "error: usage: setpoint N (a 32-bit integer)");
	assert_string_equal(run("setpoint 99999999999999999999999"),
			    "error: usage: setpoint N (a 32-bit integer)");
	assert_string_equal(st.last, "setpoint 99999999999999999999999");
	assert_int_equal(st.commands, 9);
}

static void test_period_bounds(void **state)
{
	assert_string_equal(run("period 100"), "ok period=100");
	assert_int_equal(period_set, 100);
	assert_string_equal(run("period 100000"), "ok period=100000");
	assert_int_equal(period_set, 100000);
	period_set = 0;
	assert_string_equal(run("period 99"), "error: usage: period US (100..100000)");
	assert_string_equal(run("period 100001"), "error: usage: period US (100..100000)");
	assert_string_equal(run("period -500"), "error: usage: period US (100..100000)");
	assert_string_equal(run("period"), "error: usage: period US (100..100000)");
	assert_int_equal(period_set, 0);		/* nothing out of range got through */
	period_result = -ENODEV;
	assert_string_equal(run("period 1000"), "error: the periodic task is not running");
}

static void test_reset_status_echo_unknown(void **state)
{
	assert_string_equal(run("reset"), "ok reset");
	assert_int_equal(resets, 1);
	assert_string_equal(run("reset all"), "error: unknown command");
	assert_int_equal(resets, 1);
	assert_string_equal(run("status"), "ok periods=1234 late_max_ns=7");
	assert_string_equal(run("echo hello there"), "hello there");
	assert_string_equal(run("echo"), "error: unknown command");
	assert_string_equal(run("Setpoint 1"), "error: unknown command");
	assert_string_equal(run("setpoints 1"), "error: unknown command");
	assert_string_equal(run(" setpoint 1"), "error: unknown command");
	assert_string_equal(run("bogus"), "error: unknown command");
}

static void test_line_ends_and_nuls(void **state)
{
	assert_string_equal(run("status\n"), "ok periods=1234 late_max_ns=7");
	assert_string_equal(run("setpoint 5\r\n"), "ok setpoint=5");
	assert_string_equal(run_n("setpoint 6\0\0\0", 13), "ok setpoint=6");
	/* A NUL inside, a second line, control bytes: not a command. */
	assert_string_equal(run_n("setpoint 7\0x", 12),
			    "error: malformed command (empty, binary or too long)");
	assert_string_equal(run("reset\n\n"), "error: malformed command (empty, binary or too long)");
	assert_string_equal(run("set\tpoint"), "error: malformed command (empty, binary or too long)");
	assert_string_equal(run_n("\xff\xfe", 2), "error: malformed command (empty, binary or too long)");
	assert_string_equal(run_n("\0\0\0\0", 4), "error: malformed command (empty, binary or too long)");
	assert_string_equal(run_n("", 0), "error: malformed command (empty, binary or too long)");
	assert_string_equal(st.last, "(malformed)");
	assert_int_equal(st.setpoint, 6);
}

static void test_lengths(void **state)
{
	char big[257];

	memset(big, 'a', sizeof(big));
	memcpy(big, "echo ", 5);
	/* 128 bytes is the longest command; a longer one is refused whole. */
	assert_int_equal(strlen(run_n(big, 128)), 123);
	/* `last` keeps what fits, NUL-terminated. */
	assert_int_equal(strlen(st.last), sizeof(st.last) - 1);
	assert_string_equal(run_n(big, 129), "error: malformed command (empty, binary or too long)");
	assert_string_equal(run_n(big, 256), "error: malformed command (empty, binary or too long)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_setpoint, setup),
		cmocka_unit_test_setup(test_period_bounds, setup),
		cmocka_unit_test_setup(test_reset_status_echo_unknown, setup),
		cmocka_unit_test_setup(test_line_ends_and_nuls, setup),
		cmocka_unit_test_setup(test_lengths, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
