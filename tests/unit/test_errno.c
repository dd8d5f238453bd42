/* lib/errno.c: both signs, every defined code has a message, unknowns. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <limits.h>
#include <string.h>
#include <cmocka.h>

#include <zvm/errno.h>

static const int codes[] = {
	EPERM, ENOENT, EINTR, EIO, E2BIG, ENOEXEC, EAGAIN, ENOMEM, EFAULT, EBUSY,
	EEXIST, ENODEV, EINVAL, ENOSPC, ERANGE, ENOSYS, ENOTSUP, ETIMEDOUT,
	EOVERFLOW, EBADMSG, EDEADLK,
};

static void test_known(void **state)
{
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		const char *m = zvm_strerror(-codes[i]);

		assert_non_null(m);
		assert_string_not_equal(m, "unknown error");
		assert_string_equal(m, zvm_strerror(codes[i]));
		/* distinct codes, distinct messages */
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(m, zvm_strerror(codes[j]));
	}
	assert_string_equal(zvm_strerror(-ENOMEM), "out of memory");
	assert_string_equal(zvm_strerror(0), "success");
}

static void test_unknown(void **state)
{
	assert_string_equal(zvm_strerror(3), "unknown error");
	assert_string_equal(zvm_strerror(-1000), "unknown error");
	assert_string_equal(zvm_strerror(INT_MAX), "unknown error");
	assert_string_equal(zvm_strerror(INT_MIN), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known),
		cmocka_unit_test(test_unknown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
