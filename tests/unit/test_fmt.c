/*
 * lib/fmt.c against the host's snprintf: every format in the tables below
 * is run with every value, and each result is also produced again into every
 * buffer size from 0 to its length + 1 to check truncation, the terminating
 * NUL, the C99 return value and that nothing is written past the buffer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <limits.h>
#include <cmocka.h>

#include <lib/fmt.h>

#define BIG 512
#define GUARD '#'

static void __printf(2, 0) check_truncation(int want_len, const char *want, const char *fmt,
					     va_list ap)
{
	char buf[BIG + 8];
	va_list aq;

	for (int n = 0; n <= want_len + 1 && n < BIG; n++) {
		memset(buf, GUARD, sizeof(buf));
		va_copy(aq, ap);
		assert_int_equal(fmt_vsnprintf(n ? buf : NULL, (size_t)n, fmt, aq), want_len);
		va_end(aq);
		if (n == 0)
			continue;
		int kept = want_len < n - 1 ? want_len : n - 1;
		assert_memory_equal(buf, want, (size_t)kept);
		assert_int_equal(buf[kept], '\0');
		assert_int_equal(buf[n], GUARD);	/* nothing past the buffer */
	}
}

/* Format with both implementations and compare everything. */
static void __printf(2, 3) check(int line, const char *fmt, ...)
{
	char want[BIG], got[BIG];
	va_list ap, aq;
	int want_len, got_len;

	va_start(ap, fmt);
	va_copy(aq, ap);
	want_len = vsnprintf(want, sizeof(want), fmt, aq);
	va_end(aq);
	va_copy(aq, ap);
	got_len = fmt_vsnprintf(got, sizeof(got), fmt, aq);
	va_end(aq);
	if (got_len != want_len || memcmp(got, want, (size_t)want_len + 1))
		fail_msg("line %d, format \"%s\": got \"%s\" (%d), want \"%s\" (%d)", line, fmt,
			 got, got_len, want, want_len);
	check_truncation(want_len, want, fmt, ap);
	va_end(ap);
}

#define CHECK(...) check(__LINE__, __VA_ARGS__)

/* ---- tables ----------------------------------------------------------- */

#define INT_FORMATS(X) \
	X("%d") X("%i") X("%5d") X("%-5d") X("%05d") X("%+d") X("% d") X("%+05d") \
	X("% 05d") X("%- 6d") X("%+-6d") X("%.3d") X("%8.3d") X("%-8.3d") \
	X("%.0d") X("%+.0d") X("% .0d") X("%5.0d") X("%.12d") X("%15.12d") \
	X("%x") X("%X") X("%#x") X("%#X") X("%#10x") X("%#010x") X("%-#10x") X("%#.0x") \
	X("%#5.0x") X("%#.6x") X("%o") X("%#o") X("%#.0o") X("%#5o") X("%#05o") \
	X("%#.4o") X("%u") X("%12u") X("%-12u|") X("%012u") X("%hhd") X("%hhu") \
	X("%hhx") X("%hd") X("%hu") X("%#hx") X("[%d]") X("%d%%")

static const int int_values[] = {
	0, 1, -1, 7, 8, 42, -42, 255, 256, 511, 65535, 70000, -70000, 12345678,
	INT_MAX, INT_MIN, INT_MAX - 1, INT_MIN + 1,
};

/* Flags that C says are ignored in these combinations ('0' with '-' or
 * with a precision); -Wformat rightly flags them, but the engine must
 * still behave like the host. */
#define IGNORED_FLAG_FORMATS(X) \
	X("%-06d") X("%08.3d") X("%-08.3d") X("%010.0d") X("%-#010x") X("%08.5x") X("%0-8u")

static void test_int(void **state)
{
	for (size_t i = 0; i < sizeof(int_values) / sizeof(int_values[0]); i++) {
		int v = int_values[i];
#define X(f) CHECK(f, v);
		INT_FORMATS(X)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
		IGNORED_FLAG_FORMATS(X)
#pragma GCC diagnostic pop
#undef X
	}
}

#define LL_FORMATS(X) \
	X("%lld") X("%llu") X("%llx") X("%llX") X("%llo") X("%#llo") X("%#llx") \
	X("%25lld") X("%-+25lld|") X("%025lld") X("%.25lld") X("%+.22lld") X("% lld") \
	X("%#30llx") X("%#030llX") X("%.0lld") X("%ld") X("%lu") X("%lx") X("%jd") X("%ju")

static const long long ll_values[] = {
	0, 1, -1, 42, INT_MAX, INT_MIN, (long long)INT_MAX + 1, 0x123456789abcdefLL,
	-0x123456789abcdefLL, LLONG_MAX, LLONG_MIN, LLONG_MIN + 1, 1000000000000000000LL,
};

static void test_long_long(void **state)
{
	for (size_t i = 0; i < sizeof(ll_values) / sizeof(ll_values[0]); i++) {
		long long v = ll_values[i];
		unsigned long long u = (unsigned long long)v;
#define X(f) CHECK(f, v);
		X("%lld") X("%25lld") X("%-+25lld|") X("%025lld") X("%.25lld") X("%+.22lld")
		X("% lld") X("%.0lld")
#undef X
#define X(f) CHECK(f, u);
		X("%llu") X("%llx") X("%llX") X("%llo") X("%#llo") X("%#llx") X("%#30llx")
		X("%#030llX") X("%.0llu") X("%-30llu|")
#undef X
		CHECK("%ld %lu %lx", (long)v, (unsigned long)u, (unsigned long)u);
		CHECK("%jd %ju %jx", (intmax_t)v, (uintmax_t)u, (uintmax_t)u);
		CHECK("%zu %zx %zd", (size_t)u, (size_t)u, (ptrdiff_t)v);
		CHECK("%td %tx", (ptrdiff_t)v, (size_t)u);
	}
	CHECK("%llu", ULLONG_MAX);
	CHECK("%llo", ULLONG_MAX);
	CHECK("%#llo", ULLONG_MAX);
	CHECK("%#llX", ULLONG_MAX);
}

static const char *const str_values[] = {
	"", "a", "hello", "hypervisor", "a much longer string that goes on and on",
};

static void test_string(void **state)
{
	for (size_t i = 0; i < sizeof(str_values) / sizeof(str_values[0]); i++) {
		const char *s = str_values[i];
#define X(f) CHECK(f, s);
		X("%s") X("%10s") X("%-10s|") X("%.2s") X("%10.2s") X("%-10.2s|") X("%.0s")
		X("%.100s") X("<%s>") X("%1s")
#undef X
		for (int w = -12; w <= 12; w += 4) {
			CHECK("%*s|", w, s);
			CHECK("%-*s|", w, s);
			CHECK("%.*s|", w, s);	/* negative precision: ignored */
			CHECK("%*.*s|", w, w, s);
		}
	}
}

/* %.Ns must not read past N bytes: the array has no terminator. */
static void test_string_unterminated(void **state)
{
	static const char raw[4] = { 'a', 'b', 'c', 'd' };
	char buf[16];

	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%.4s|", raw), 5);
	assert_string_equal(buf, "abcd|");
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%.*s", 2, raw), 2);
	assert_string_equal(buf, "ab");
}

static void test_char(void **state)
{
	for (int c = 1; c < 256; c++) {
		CHECK("%c", c);
		CHECK("%3c|%-3c|", c, c);
	}
	CHECK("[%c]", 0);	/* an embedded NUL is still one character */
	CHECK("%*c", -4, 'x');
	CHECK("%c%c%c", 'a', 'b', 'c');
}

static void test_star(void **state)
{
	for (int w = -10; w <= 10; w++)
		for (int p = -2; p <= 6; p++) {
			CHECK("%*d|", w, 42);
			CHECK("%.*d|", p, 42);
			CHECK("%*.*d|", w, p, -42);
			CHECK("%-*.*x|", w, p, 0xbeefu);
			CHECK("%0*d|", w, -7);
			CHECK("%*.*d|", w, p, 0);
		}
}

static void test_pointer(void **state)
{
	static int object;
	void *ptrs[] = { &object, (void *)(uintptr_t)0x1, (void *)(uintptr_t)0xdeadbeef,
			 (void *)UINTPTR_MAX };

	for (size_t i = 0; i < sizeof(ptrs) / sizeof(ptrs[0]); i++) {
		CHECK("%p", ptrs[i]);
		CHECK("%24p|", ptrs[i]);
		CHECK("%-24p|", ptrs[i]);
	}
}

static void test_mixed(void **state)
{
	CHECK("no conversions at all");
	CHECK("%%");
	CHECK("100%% sure");
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-zero-length"
	CHECK("");
#pragma GCC diagnostic pop
	CHECK("%s=%d (%#x) at %p, %c%c", "irq", 27, 27u, (void *)&test_mixed, 'o', 'k');
	CHECK("cpu%u: mpidr=%#018llx state=%-8s|", 3u, 0x80000003ULL, "online");
	CHECK("%5s|%-5d|%05x|%.3s", "ab", -3, 0xfu, "abcdef");
	CHECK("%hhd %hd %d %ld %lld", (signed char)-128, (short)-32768, INT_MIN, LONG_MIN,
	      LLONG_MIN);
	CHECK("%hhu %hu %u %lu %llu", (unsigned char)255, (unsigned short)65535, UINT_MAX,
	      ULONG_MAX, ULLONG_MAX);
}

/* Behaviour the host cannot be compared with. */
static void test_own_conventions(void **state)
{
	char buf[64];
	const char *volatile null_str = NULL;

	fmt_snprintf(buf, sizeof(buf), "%p", (void *)0);
	assert_string_equal(buf, "0x0");
	fmt_snprintf(buf, sizeof(buf), "[%s]", null_str);
	assert_string_equal(buf, "[(null)]");
	fmt_snprintf(buf, sizeof(buf), "[%8s]", null_str);
	assert_string_equal(buf, "[  (null)]");
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
	/* Unknown conversions are copied verbatim; a lone '%' at the end too. */
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "a%yb"), 4);
	assert_string_equal(buf, "a%yb");
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%-5qz"), 5);
	assert_string_equal(buf, "%-5qz");
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "end%"), 4);
	assert_string_equal(buf, "end%");
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "%n", (int *)0), 2);
	assert_string_equal(buf, "%n");	/* %n is never supported */
#pragma GCC diagnostic pop
}

struct sink {
	char text[64];
	int len;
};

static void sink_out(void *ctx, char c)
{
	struct sink *s = ctx;

	if (s->len < (int)sizeof(s->text) - 1)
		s->text[s->len] = c;
	s->len++;
}

static void test_format_callback(void **state)
{
	struct sink s = { .len = 0 };

	assert_int_equal(fmt_format(sink_out, &s, "%s-%d-%x", "vm", 3, 255u), 7);
	assert_int_equal(s.len, 7);
	assert_memory_equal(s.text, "vm-3-ff", 7);
}

static void test_huge_width(void **state)
{
	static char big[5000];

	assert_int_equal(fmt_snprintf(big, sizeof(big), "%4000d", 1), 4000);
	assert_int_equal(big[3999], '1');
	assert_int_equal(big[3998], ' ');
	/* Return value counts what did not fit. */
	assert_int_equal(fmt_snprintf(big, 10, "%4000d", 1), 4000);
	assert_int_equal(strlen(big), 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_long_long),
		cmocka_unit_test(test_string),
		cmocka_unit_test(test_string_unterminated),
		cmocka_unit_test(test_char),
		cmocka_unit_test(test_star),
		cmocka_unit_test(test_pointer),
		cmocka_unit_test(test_mixed),
		cmocka_unit_test(test_own_conventions),
		cmocka_unit_test(test_format_callback),
		cmocka_unit_test(test_huge_width),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
