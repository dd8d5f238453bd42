/* Host tests of word splitting and option parsing (shell/args.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <shell/args.h>
#include <zvm/errno.h>

#define MAXV 8

/* Split `in` and compare with the NULL-terminated list `want`. */
static void check_split(const char *in, const char *const *want)
{
	char buf[256];
	char *argv[MAXV];
	int argc, n = 0;

	strcpy(buf, in);
	argc = args_split(buf, argv, MAXV);
	while (want[n])
		n++;
	assert_int_equal(argc, n);
	for (int i = 0; i < n; i++)
		assert_string_equal(argv[i], want[i]);
	assert_null(argv[argc]);
}

static int split_err(const char *in)
{
	char buf[256];
	char *argv[MAXV];

	strcpy(buf, in);
	return args_split(buf, argv, MAXV);
}

#define SPLIT(in, ...) check_split(in, (const char *const[]){ __VA_ARGS__, NULL })
#define SPLIT_NONE(in) check_split(in, (const char *const[]){ NULL })

static void test_split_blanks(void **state)
{
	SPLIT_NONE("");
	SPLIT_NONE("   \t  ");
	SPLIT("ps", "ps");
	SPLIT("  zvm   new\tvm1  ", "zvm", "new", "vm1");
	SPLIT("a\r\n", "a");
}

static void test_split_quotes(void **state)
{
	SPLIT("echo \"hello world\"", "echo", "hello world");
	SPLIT("echo 'it is'  x", "echo", "it is", "x");
	SPLIT("a\"b c\"d", "ab cd");
	SPLIT("'single \"keeps\" double'", "single \"keeps\" double");
	SPLIT("\"double 'keeps' single\"", "double 'keeps' single");
	SPLIT("x \"\" ''", "x", "", "");
	SPLIT("'a\\b'", "a\\b");
}

static void test_split_escapes(void **state)
{
	SPLIT("a\\ b c", "a b", "c");
	SPLIT("\\\"q\\\"", "\"q\"");
	SPLIT("\"in \\\"quotes\\\" \\\\ \\n\"", "in \"quotes\" \\ \\n");
	SPLIT("\\'", "'");
	SPLIT("trailing\\", "trailing\\");
}

static void test_split_errors(void **state)
{
	char buf[] = "a b c";
	char *argv[3];

	assert_int_equal(split_err("echo \"oops"), -EINVAL);
	assert_int_equal(split_err("echo 'oops"), -EINVAL);
	assert_int_equal(split_err("a 'b' \"c"), -EINVAL);
	assert_int_equal(split_err("1 2 3 4 5 6 7"), 7);
	assert_int_equal(split_err("1 2 3 4 5 6 7 8"), -E2BIG);
	/* argv_cap counts the NULL terminator */
	assert_int_equal(args_split(buf, argv, 3), -E2BIG);
	assert_int_equal(args_split(buf, argv, 0), -E2BIG);
}

static void test_split_exact_fit(void **state)
{
	char buf[] = "a b";
	char *argv[3];

	assert_int_equal(args_split(buf, argv, 3), 2);
	assert_string_equal(argv[0], "a");
	assert_string_equal(argv[1], "b");
	assert_null(argv[2]);
}

/* ---- getopt ------------------------------------------------------------ */

static void test_getopt_basic(void **state)
{
	char *argv[] = { "new", "-n", "3", "-m512M", "-v", "vm1", NULL };
	struct args_opt st;

	args_opt_init(&st);
	assert_int_equal(args_getopt(&st, 6, argv, "n:m:v"), 'n');
	assert_string_equal(st.arg, "3");
	assert_int_equal(args_getopt(&st, 6, argv, "n:m:v"), 'm');
	assert_string_equal(st.arg, "512M");
	assert_int_equal(args_getopt(&st, 6, argv, "n:m:v"), 'v');
	assert_null(st.arg);
	assert_int_equal(args_getopt(&st, 6, argv, "n:m:v"), ARGS_OPT_END);
	assert_int_equal(st.index, 5);
	assert_int_equal(args_getopt(&st, 6, argv, "n:m:v"), ARGS_OPT_END);
	assert_int_equal(st.index, 5);
}

static void test_getopt_cluster(void **state)
{
	char *argv[] = { "cmd", "-ab", "-cn7", "x", NULL };
	struct args_opt st;

	args_opt_init(&st);
	assert_int_equal(args_getopt(&st, 4, argv, "abcn:"), 'a');
	assert_int_equal(args_getopt(&st, 4, argv, "abcn:"), 'b');
	assert_int_equal(args_getopt(&st, 4, argv, "abcn:"), 'c');
	assert_int_equal(args_getopt(&st, 4, argv, "abcn:"), 'n');
	assert_string_equal(st.arg, "7");
	assert_int_equal(args_getopt(&st, 4, argv, "abcn:"), ARGS_OPT_END);
	assert_int_equal(st.index, 3);
}

static void test_getopt_double_dash(void **state)
{
	char *argv[] = { "cmd", "-a", "--", "-b", NULL };
	struct args_opt st;

	args_opt_init(&st);
	assert_int_equal(args_getopt(&st, 4, argv, "ab"), 'a');
	assert_int_equal(args_getopt(&st, 4, argv, "ab"), ARGS_OPT_END);
	assert_int_equal(st.index, 3);
	assert_string_equal(argv[st.index], "-b");
}

static void test_getopt_operands_stop(void **state)
{
	char *argv[] = { "cmd", "file", "-a", NULL };
	char *dash[] = { "cmd", "-", "-a", NULL };
	struct args_opt st;

	args_opt_init(&st);
	assert_int_equal(args_getopt(&st, 3, argv, "a"), ARGS_OPT_END);
	assert_int_equal(st.index, 1);
	args_opt_init(&st);
	assert_int_equal(args_getopt(&st, 3, dash, "a"), ARGS_OPT_END);
	assert_int_equal(st.index, 1);
	args_opt_init(&st);
	assert_int_equal(args_getopt(&st, 1, argv, "a"), ARGS_OPT_END);
	assert_int_equal(st.index, 1);
}

static void test_getopt_unknown(void **state)
{
	char *argv[] = { "new", "-x", "-ya", "vm", NULL };
	struct args_opt st;

	args_opt_init(&st);
	assert_int_equal(args_getopt(&st, 4, argv, "an:"), ARGS_OPT_UNKNOWN);
	assert_int_equal(st.opt, 'x');
	/* parsing can go on after an error */
	assert_int_equal(args_getopt(&st, 4, argv, "an:"), ARGS_OPT_UNKNOWN);
	assert_int_equal(st.opt, 'y');
	assert_int_equal(args_getopt(&st, 4, argv, "an:"), 'a');
	assert_int_equal(args_getopt(&st, 4, argv, "an:"), ARGS_OPT_END);
	assert_int_equal(st.index, 3);
}

static void test_getopt_colon_is_not_an_option(void **state)
{
	char *argv[] = { "cmd", "-:", NULL };
	struct args_opt st;

	args_opt_init(&st);
	assert_int_equal(args_getopt(&st, 2, argv, "n:"), ARGS_OPT_UNKNOWN);
	assert_int_equal(st.opt, ':');
}

static void test_getopt_missing_arg(void **state)
{
	char *argv[] = { "new", "-v", "-n", NULL };
	char *clustered[] = { "new", "-vn", NULL };
	struct args_opt st;

	args_opt_init(&st);
	assert_int_equal(args_getopt(&st, 3, argv, "vn:"), 'v');
	assert_int_equal(args_getopt(&st, 3, argv, "vn:"), ARGS_OPT_NOARG);
	assert_int_equal(st.opt, 'n');
	assert_null(st.arg);
	assert_int_equal(args_getopt(&st, 3, argv, "vn:"), ARGS_OPT_END);

	args_opt_init(&st);
	assert_int_equal(args_getopt(&st, 2, clustered, "vn:"), 'v');
	assert_int_equal(args_getopt(&st, 2, clustered, "vn:"), ARGS_OPT_NOARG);
	assert_int_equal(st.opt, 'n');
}

static void test_getopt_arg_looks_like_option(void **state)
{
	char *argv[] = { "cmd", "-n", "-5", "--", NULL };
	struct args_opt st;

	args_opt_init(&st);
	assert_int_equal(args_getopt(&st, 4, argv, "n:"), 'n');
	assert_string_equal(st.arg, "-5");
	assert_int_equal(args_getopt(&st, 4, argv, "n:"), ARGS_OPT_END);
	assert_int_equal(st.index, 4);
}

static void test_getopt_two_parsers_independent(void **state)
{
	char *a[] = { "x", "-a", "-b", NULL };
	char *b[] = { "y", "-b", NULL };
	struct args_opt sa, sb;

	args_opt_init(&sa);
	args_opt_init(&sb);
	assert_int_equal(args_getopt(&sa, 3, a, "ab"), 'a');
	assert_int_equal(args_getopt(&sb, 2, b, "ab"), 'b');
	assert_int_equal(args_getopt(&sa, 3, a, "ab"), 'b');
	assert_int_equal(args_getopt(&sb, 2, b, "ab"), ARGS_OPT_END);
	assert_int_equal(args_getopt(&sa, 3, a, "ab"), ARGS_OPT_END);
}

static void test_split_then_getopt(void **state)
{
	char line[] = "zvm new -n 2 -m '512M' \"my vm\"";
	char *argv[MAXV];
	struct args_opt st;
	int argc = args_split(line, argv, MAXV);

	assert_int_equal(argc, 7);
	args_opt_init(&st);
	st.index = 2;	/* after "zvm new" */
	assert_int_equal(args_getopt(&st, argc, argv, "n:m:"), 'n');
	assert_string_equal(st.arg, "2");
	assert_int_equal(args_getopt(&st, argc, argv, "n:m:"), 'm');
	assert_string_equal(st.arg, "512M");
	assert_int_equal(args_getopt(&st, argc, argv, "n:m:"), ARGS_OPT_END);
	assert_string_equal(argv[st.index], "my vm");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_blanks),
		cmocka_unit_test(test_split_quotes),
		cmocka_unit_test(test_split_escapes),
		cmocka_unit_test(test_split_errors),
		cmocka_unit_test(test_split_exact_fit),
		cmocka_unit_test(test_getopt_basic),
		cmocka_unit_test(test_getopt_cluster),
		cmocka_unit_test(test_getopt_double_dash),
		cmocka_unit_test(test_getopt_operands_stop),
		cmocka_unit_test(test_getopt_unknown),
		cmocka_unit_test(test_getopt_colon_is_not_an_option),
		cmocka_unit_test(test_getopt_missing_arg),
		cmocka_unit_test(test_getopt_arg_looks_like_option),
		cmocka_unit_test(test_getopt_two_parsers_independent),
		cmocka_unit_test(test_split_then_getopt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
