/*
 * lib/string.c against simple reference loops, over every combination of
 * source/destination misalignment and many lengths, with guard bytes around
 * each destination to catch overruns. The functions run under their zvm_
 * names (string_rename.h) because libc owns the standard ones here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string_rename.h>
#include <lib/string.h>

#define BUF 192
#define GUARD 0xa5
#define MAXLEN 80

static unsigned char src_buf[BUF], dst_buf[BUF], ref_buf[BUF];

static void fill_pattern(unsigned char *p, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i * 7 + (i >> 3));
}

static void reset_bufs(void)
{
	fill_pattern(src_buf, BUF, 1);
	for (size_t i = 0; i < BUF; i++)
		dst_buf[i] = ref_buf[i] = GUARD;
}

static void ref_move(unsigned char *d, const unsigned char *s, size_t n)
{
	unsigned char tmp[BUF];

	for (size_t i = 0; i < n; i++)
		tmp[i] = s[i];
	for (size_t i = 0; i < n; i++)
		d[i] = tmp[i];
}

static void test_memcpy_alignments(void **state)
{
	for (size_t so = 0; so < 16; so++)
		for (size_t doff = 0; doff < 16; doff++)
			for (size_t n = 0; n <= MAXLEN; n++) {
				reset_bufs();
				assert_ptr_equal(memcpy(dst_buf + 8 + doff, src_buf + so, n),
						 dst_buf + 8 + doff);
				ref_move(ref_buf + 8 + doff, src_buf + so, n);
				assert_memory_equal(dst_buf, ref_buf, BUF);
			}
}

/* Overlapping moves in both directions, inside one buffer. */
static void test_memmove_overlap(void **state)
{
	for (size_t from = 0; from < 24; from++)
		for (size_t to = 0; to < 24; to++)
			for (size_t n = 0; n <= MAXLEN; n += 3) {
				fill_pattern(dst_buf, BUF, 3);
				fill_pattern(ref_buf, BUF, 3);
				assert_ptr_equal(memmove(dst_buf + to, dst_buf + from, n),
						 dst_buf + to);
				ref_move(ref_buf + to, ref_buf + from, n);
				assert_memory_equal(dst_buf, ref_buf, BUF);
			}
}

static void test_memset(void **state)
{
	for (size_t off = 0; off < 16; off++)
		for (size_t n = 0; n <= MAXLEN; n++) {
			reset_bufs();
			assert_ptr_equal(memset(dst_buf + off, 0x1c3, n), dst_buf + off);
			for (size_t i = 0; i < n; i++)
				ref_buf[off + i] = 0xc3;	/* only the low byte counts */
			assert_memory_equal(dst_buf, ref_buf, BUF);
		}
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

/* A difference at every position, both signs, all relative alignments. */
static void test_memcmp(void **state)
{
	static unsigned char a[BUF], b[BUF];

	for (size_t off = 0; off < 9; off++)
		for (size_t n = 1; n <= 40; n++)
			for (size_t at = 0; at < n; at++) {
				fill_pattern(a, BUF, 5);
				fill_pattern(b + off, BUF - off, 5);
				assert_int_equal(memcmp(a, b + off, n), 0);
				b[off + at] = 0x80;	/* unsigned compare: 0x80 > 0x7f */
				a[at] = 0x7f;
				assert_int_equal(sign(memcmp(a, b + off, n)), -1);
				assert_int_equal(sign(memcmp(b + off, a, n)), 1);
				assert_int_equal(memcmp(a, b + off, at), 0);
			}
	assert_int_equal(memcmp("a", "b", 0), 0);
}

static void test_memchr(void **state)
{
	const char s[] = "abc\0def\xff";

	assert_ptr_equal(memchr(s, 'c', sizeof(s)), s + 2);
	assert_ptr_equal(memchr(s, 'e', sizeof(s)), s + 5);
	assert_ptr_equal(memchr(s, 0, sizeof(s)), s + 3);
	assert_ptr_equal(memchr(s, 0x1ff, sizeof(s)), s + 7);
	assert_null(memchr(s, 'e', 4));
	assert_null(memchr(s, 'a', 0));
}

static void test_strlen(void **state)
{
	assert_int_equal(strlen(""), 0);
	assert_int_equal(strlen("hypervisor"), 10);
	assert_int_equal(strnlen("hypervisor", 4), 4);
	assert_int_equal(strnlen("hyp", 10), 3);
	assert_int_equal(strnlen("hyp", 0), 0);
	/* strnlen must not look beyond max: the array has no terminator. */
	const char raw[3] = { 'a', 'b', 'c' };
	assert_int_equal(strnlen(raw, sizeof(raw)), 3);
}

static void test_strcmp(void **state)
{
	assert_int_equal(strcmp("", ""), 0);
	assert_int_equal(strcmp("abc", "abc"), 0);
	assert_true(strcmp("abc", "abd") < 0);
	assert_true(strcmp("abd", "abc") > 0);
	assert_true(strcmp("ab", "abc") < 0);
	assert_true(strcmp("abc", "ab") > 0);
	assert_true(strcmp("\x80", "\x7f") > 0);	/* compared as unsigned char */
	assert_int_equal(strncmp("abcX", "abcY", 3), 0);
	assert_true(strncmp("abcX", "abcY", 4) < 0);
	assert_int_equal(strncmp("ab", "ab", 10), 0);
	assert_true(strncmp("ab", "abc", 10) < 0);
	assert_int_equal(strncmp("x", "y", 0), 0);
	assert_true(strncmp("\xff", "a", 1) > 0);
}

static void test_strchr(void **state)
{
	const char *s = "a/b/c";

	assert_ptr_equal(strchr(s, '/'), s + 1);
	assert_ptr_equal(strrchr(s, '/'), s + 3);
	assert_ptr_equal(strchr(s, 'a'), s);
	assert_ptr_equal(strrchr(s, 'a'), s);
	assert_null(strchr(s, 'x'));
	assert_null(strrchr(s, 'x'));
	assert_ptr_equal(strchr(s, '\0'), s + 5);
	assert_ptr_equal(strrchr(s, '\0'), s + 5);
}

static void test_strlcpy(void **state)
{
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	assert_int_equal(strlcpy(buf, "hello", sizeof(buf)), 5);
	assert_string_equal(buf, "hello");
	assert_int_equal(strlcpy(buf, "hypervisor", sizeof(buf)), 10);
	assert_string_equal(buf, "hypervi");
	assert_int_equal(strlcpy(buf, "1234567", sizeof(buf)), 7);
	assert_string_equal(buf, "1234567");
	assert_int_equal(strlcpy(buf, "abc", 1), 3);
	assert_string_equal(buf, "");
	buf[0] = 'q';
	assert_int_equal(strlcpy(buf, "abc", 0), 3);
	assert_int_equal(buf[0], 'q');	/* size 0 writes nothing */
}

static void test_strlcat(void **state)
{
	char buf[8] = "ab";

	assert_int_equal(strlcat(buf, "cd", sizeof(buf)), 4);
	assert_string_equal(buf, "abcd");
	assert_int_equal(strlcat(buf, "efghij", sizeof(buf)), 10);
	assert_string_equal(buf, "abcdefg");
	assert_int_equal(strlcat(buf, "z", sizeof(buf)), 8);
	assert_string_equal(buf, "abcdefg");
	/* dst not terminated within size: nothing appended. */
	char raw[4] = { 'w', 'x', 'y', 'z' };
	assert_int_equal(strlcat(raw, "abc", sizeof(raw)), 7);
	assert_int_equal(raw[3], 'z');
	assert_int_equal(strlcat(buf, "abc", 0), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memcpy_alignments),
		cmocka_unit_test(test_memmove_overlap),
		cmocka_unit_test(test_memset),
		cmocka_unit_test(test_memcmp),
		cmocka_unit_test(test_memchr),
		cmocka_unit_test(test_strlen),
		cmocka_unit_test(test_strcmp),
		cmocka_unit_test(test_strchr),
		cmocka_unit_test(test_strlcpy),
		cmocka_unit_test(test_strlcat),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
