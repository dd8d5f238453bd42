/* lib/parse.c: decimal/hex numbers, signs, size suffixes, errors. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <lib/parse.h>
#include <zvm/compiler.h>
#include <zvm/errno.h>

struct u64_case {
	const char *s;
	int err;
	u64 val;
};

static void check_u64(int (*fn)(const char *, u64 *), const struct u64_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		u64 v = 0xdeadbeef;
		int err = fn(c[i].s, &v);

		/* *out must only change on success */
		if (err != c[i].err || v != (c[i].err ? 0xdeadbeef : c[i].val))
			fail_msg("\"%s\": got %d/%#llx, want %d/%#llx", c[i].s, err,
				 (unsigned long long)v, c[i].err, (unsigned long long)c[i].val);
	}
}

static void test_to_u64(void **state)
{
	static const struct u64_case cases[] = {
		{ "0", 0, 0 },
		{ "42", 0, 42 },
		{ "010", 0, 10 },	/* no octal */
		{ "0x1000", 0, 0x1000 },
		{ "0XdeadBEEF", 0, 0xdeadbeef },
		{ "18446744073709551615", 0, UINT64_MAX },
		{ "18446744073709551616", -ERANGE, 0 },
		{ "99999999999999999999", -ERANGE, 0 },
		{ "0xffffffffffffffff", 0, UINT64_MAX },
		{ "0x10000000000000000", -ERANGE, 0 },
		{ "0x0000000000000000001", 0, 1 },
		{ "", -EINVAL, 0 },
		{ "0x", -EINVAL, 0 },
		{ "x10", -EINVAL, 0 },
		{ " 1", -EINVAL, 0 },
		{ "1 ", -EINVAL, 0 },
		{ "12a", -EINVAL, 0 },
		{ "0x12g", -EINVAL, 0 },
		{ "-1", -EINVAL, 0 },
		{ "+1", -EINVAL, 0 },
		{ "1K", -EINVAL, 0 },
	};

	check_u64(str_to_u64, cases, ARRAY_SIZE(cases));
}

static void test_to_size(void **state)
{
	static const struct u64_case cases[] = {
		{ "4096", 0, 4096 },
		{ "0x1000", 0, 0x1000 },
		{ "64k", 0, 64 << 10 },
		{ "64K", 0, 64 << 10 },
		{ "512M", 0, 512ULL << 20 },
		{ "4G", 0, 4ULL << 30 },
		{ "4g", 0, 4ULL << 30 },
		{ "2T", 0, 2ULL << 40 },
		{ "0x10M", 0, 16ULL << 20 },
		{ "0M", 0, 0 },
		{ "16777215T", 0, 16777215ULL << 40 },
		{ "16777216T", -ERANGE, 0 },
		{ "17179869183G", 0, 17179869183ULL << 30 },
		{ "17179869184G", -ERANGE, 0 },
		{ "17592186044415M", 0, 17592186044415ULL << 20 },	/* the largest in M */
		{ "17592186044416M", -ERANGE, 0 },
		{ "18014398509481983K", 0, 18014398509481983ULL << 10 },
		{ "18014398509481984K", -ERANGE, 0 },
		{ "0xfffffffffffM", 0, 0xfffffffffffULL << 20 },
		{ "0x100000000000M", -ERANGE, 0 },
		{ "99999999999999999999M", -ERANGE, 0 },	/* the number alone overflows */
		/* `zvm new -m 8589934594M`: 2^53 + 2 MiB fits in 64 bits; vm_create
		 * bounds it (test_vm_limits), not the parser. */
		{ "8589934594M", 0, 8589934594ULL << 20 },
		{ "M", -EINVAL, 0 },
		{ "4GB", -EINVAL, 0 },
		{ "4X", -EINVAL, 0 },
		{ "4 G", -EINVAL, 0 },
		{ "", -EINVAL, 0 },
	};

	check_u64(str_to_size, cases, ARRAY_SIZE(cases));
}

static void test_to_s64(void **state)
{
	s64 v = 7;

	assert_int_equal(str_to_s64("-42", &v), 0);
	assert_int_equal(v, -42);
	assert_int_equal(str_to_s64("+42", &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(str_to_s64("-0x10", &v), 0);
	assert_int_equal(v, -16);
	assert_int_equal(str_to_s64("9223372036854775807", &v), 0);
	assert_true(v == INT64_MAX);
	assert_int_equal(str_to_s64("-9223372036854775808", &v), 0);
	assert_true(v == INT64_MIN);
	v = 7;
	assert_int_equal(str_to_s64("9223372036854775808", &v), -ERANGE);
	assert_int_equal(str_to_s64("-9223372036854775809", &v), -ERANGE);
	assert_int_equal(str_to_s64("-", &v), -EINVAL);
	assert_int_equal(str_to_s64("--1", &v), -EINVAL);
	assert_int_equal(str_to_s64("-+1", &v), -EINVAL);
	assert_int_equal(str_to_s64(NULL, &v), -EINVAL);
	assert_int_equal(v, 7);
}

static void test_parse_prefix(void **state)
{
	const char *end = NULL;
	u64 v = 0;

	assert_int_equal(str_parse_u64("123abc", &end, &v), 0);
	assert_int_equal(v, 123);
	assert_string_equal(end, "abc");
	assert_int_equal(str_parse_u64("0x1f,rest", &end, &v), 0);
	assert_int_equal(v, 0x1f);
	assert_string_equal(end, ",rest");
	assert_int_equal(str_parse_u64("7", NULL, &v), 0);
	assert_int_equal(v, 7);
	end = NULL;
	assert_int_equal(str_parse_u64("zz", &end, &v), -EINVAL);
	assert_null(end);
	assert_int_equal(str_parse_u64(NULL, &end, &v), -EINVAL);
}

static void test_cmdline_find(void **state)
{
	const char *line = "console=ttyAMA0 busybox=1 busy periodic=1000,500 quiet";
	const char *val = "unset";
	size_t len = 99;

	(void)state;
	assert_true(cmdline_find(line, "periodic", &val, &len));
	assert_int_equal(len, 8);
	assert_memory_equal(val, "1000,500", 8);
	assert_true(cmdline_find(line, "busy", &val, &len));	/* not busybox=1 */
	assert_null(val);
	assert_int_equal(len, 0);
	assert_true(cmdline_find(line, "quiet", &val, &len));	/* last word */
	assert_null(val);
	assert_true(cmdline_find(line, "console", &val, &len));	/* first word */
	assert_int_equal(len, 7);
	assert_false(cmdline_find(line, "period", &val, &len));	/* a prefix only */
	assert_false(cmdline_find(line, "tty", &val, &len));	/* inside a value */
	assert_false(cmdline_find("", "busy", &val, &len));
	assert_true(cmdline_find("x periodic=", "periodic", &val, &len));
	assert_int_equal(len, 0);
	assert_string_equal(val, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_to_u64),
		cmocka_unit_test(test_to_size),
		cmocka_unit_test(test_to_s64),
		cmocka_unit_test(test_parse_prefix),
		cmocka_unit_test(test_cmdline_find),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
