/*
 * lib/chacha20.c against RFC 8439 (2.3.2 and A.1 #1), and kernel/random.c:
 * nothing before it is seeded, then a known answer for its construction
 * (computed independently with `openssl enc -chacha20`: stir = key stream
 * block 0 under "zvm-rnd-stir", output under "zvm-rnd-out.", rekey under
 * "zvm-rnd-key."), fresh output on every request, any length.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <kernel/random.h>
#include <lib/chacha20.h>
#include <zvm/errno.h>

unsigned long arch_irq_save(void);
void arch_irq_restore(unsigned long flags);

unsigned long arch_irq_save(void)
{
	return 0;
}

void arch_irq_restore(unsigned long flags)
{
	(void)flags;
}

/* RFC 8439 2.3.2: key 00..1f, counter 1, nonce 00 00 00 09 00 00 00 4a 0.. */
static const u8 rfc_2_3_2[CHACHA20_BLOCK_SIZE] = {
	0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15,
	0x50, 0x0f, 0xdd, 0x1f, 0xa3, 0x20, 0x71, 0xc4,
	0xc7, 0xd1, 0xf4, 0xc7, 0x33, 0xc0, 0x68, 0x03,
	0x04, 0x22, 0xaa, 0x9a, 0xc3, 0xd4, 0x6c, 0x4e,
	0xd2, 0x82, 0x64, 0x46, 0x07, 0x9f, 0xaa, 0x09,
	0x14, 0xc2, 0xd7, 0x05, 0xd9, 0x8b, 0x02, 0xa2,
	0xb5, 0x12, 0x9c, 0xd1, 0xde, 0x16, 0x4e, 0xb9,
	0xcb, 0xd0, 0x83, 0xe8, 0xa2, 0x50, 0x3c, 0x4e,
};

/* RFC 8439 A.1 test vector #1: all-zero key and nonce, counter 0. */
static const u8 rfc_a1_1[CHACHA20_BLOCK_SIZE] = {
	0x76, 0xb8, 0xe0, 0xad, 0xa0, 0xf1, 0x3d, 0x90,
	0x40, 0x5d, 0x6a, 0xe5, 0x53, 0x86, 0xbd, 0x28,
	0xbd, 0xd2, 0x19, 0xb8, 0xa0, 0x8d, 0xed, 0x1a,
	0xa8, 0x36, 0xef, 0xcc, 0x8b, 0x77, 0x0d, 0xc7,
	0xda, 0x41, 0x59, 0x7c, 0x51, 0x57, 0x48, 0x8d,
	0x77, 0x24, 0xe0, 0x3f, 0xb8, 0xd8, 0x4a, 0x37,
	0x6a, 0x43, 0xb8, 0xf4, 0x15, 0x18, 0xa1, 0x1c,
	0xc3, 0x87, 0xb6, 0x69, 0xb2, 0xee, 0x65, 0x86,
};

/* The pool seeded with bytes 00..1f: its first two 64-byte requests. */
static const u8 pool_out1[64] = {
	0x0e, 0x43, 0x0c, 0xe9, 0xd5, 0x2c, 0x0e, 0x83,
	0xc4, 0x39, 0xca, 0xff, 0x20, 0xe4, 0xa7, 0x9c,
	0x2f, 0xee, 0x99, 0x8d, 0x0a, 0x75, 0x7c, 0x09,
	0xdf, 0x36, 0x61, 0xfd, 0xab, 0xcf, 0xbf, 0xe7,
	0xe4, 0x2d, 0x7e, 0x7c, 0xbe, 0x9d, 0x44, 0xd8,
	0x33, 0xdf, 0xfc, 0x95, 0x6a, 0x0b, 0x2f, 0xb1,
	0xf9, 0x94, 0xed, 0x0e, 0x79, 0x5f, 0x94, 0xd6,
	0x98, 0x31, 0x84, 0xb0, 0x93, 0x4d, 0x3f, 0x2f,
};

static const u8 pool_out2[64] = {
	0xbd, 0x97, 0xc4, 0xd7, 0x24, 0x13, 0xd3, 0x34,
	0x54, 0x2f, 0xe9, 0x75, 0xb2, 0x71, 0xc5, 0x8f,
	0x6e, 0x7f, 0xc9, 0xcf, 0xb8, 0xf2, 0x41, 0x64,
	0x1b, 0xf8, 0x94, 0x4f, 0x74, 0xad, 0xef, 0x77,
	0xe2, 0x87, 0x2b, 0x11, 0x78, 0x99, 0x74, 0x3c,
	0x36, 0x90, 0xd1, 0x3e, 0x5d, 0x92, 0x29, 0x1f,
	0x2c, 0xc4, 0x4b, 0x6e, 0x2e, 0xb3, 0xcc, 0x7b,
	0x81, 0x74, 0x00, 0x6e, 0xc7, 0x94, 0x95, 0x99,
};

static void test_chacha20_rfc8439(void **state)
{
	static const u8 nonce[CHACHA20_NONCE_SIZE] = { 0, 0, 0, 9, 0, 0, 0, 0x4a };
	u8 key[CHACHA20_KEY_SIZE], zero[CHACHA20_KEY_SIZE] = { 0 }, out[CHACHA20_BLOCK_SIZE];

	for (int i = 0; i < CHACHA20_KEY_SIZE; i++)
		key[i] = (u8)i;
	chacha20_block(key, 1, nonce, out);
	assert_memory_equal(out, rfc_2_3_2, sizeof(out));
	chacha20_block(zero, 0, zero, out);
	assert_memory_equal(out, rfc_a1_1, sizeof(out));
}

/* The pool is one per process: a step that must start from an unseeded
 * pool runs in a child, which exits 0 when every check held. */
static int credit_steps(void)
{
	u8 buf[8];

	if (k_random_seeded() || k_random_get(buf, sizeof(buf)) != -EAGAIN)
		return 1;
	k_random_add("0123456789abcdef", 16, true);
	k_random_add("uncredited", 10, false);		/* mixed in, counts nothing */
	if (k_random_seeded() || k_random_get(buf, sizeof(buf)) != -EAGAIN)
		return 2;
	k_random_add("fedcba9876543210", 16, true);
	return k_random_seeded() && k_random_get(buf, sizeof(buf)) == 0 ? 0 : 3;
}

static void test_pool_credit(void **state)
{
	pid_t pid = fork();
	int status = -1;

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(credit_steps());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* From here on this process's pool, in order: unseeded, then seeded with
 * 00..1f in one credited add, then the known answer and fresh output. */
static void test_pool_known_answer(void **state)
{
	u8 seed[32], buf[64];

	for (int i = 0; i < 32; i++)
		seed[i] = (u8)i;
	memset(buf, 0x5a, sizeof(buf));
	assert_int_equal(k_random_get(buf, sizeof(buf)), -EAGAIN);
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0x5a);		/* nothing written */
	k_random_add(seed, sizeof(seed), true);
	assert_true(k_random_seeded());
	assert_int_equal(k_random_get(buf, sizeof(buf)), 0);
	assert_memory_equal(buf, pool_out1, sizeof(buf));
	assert_int_equal(k_random_get(buf, sizeof(buf)), 0);
	assert_memory_equal(buf, pool_out2, sizeof(buf));
}

/* Any length, never the same bytes twice, about half the bits set. */
static void test_pool_output(void **state)
{
	static u8 a[4099], b[4099];
	size_t ones = 0;

	assert_int_equal(k_random_get(a, sizeof(a)), 0);
	assert_int_equal(k_random_get(b, sizeof(b)), 0);
	assert_memory_not_equal(a, b, 16);
	for (size_t i = 0; i < sizeof(a); i++)
		ones += (size_t)__builtin_popcount(a[i]);
	assert_in_range(ones, sizeof(a) * 8 * 45 / 100, sizeof(a) * 8 * 55 / 100);
	for (size_t n = 0; n <= 130; n++) {
		memset(a, 0, sizeof(a));
		assert_int_equal(k_random_get(a, n), 0);
		for (size_t i = n; i < n + 64; i++)
			assert_int_equal(a[i], 0);	/* not one byte past n */
	}
	assert_int_equal(k_random_get(NULL, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chacha20_rfc8439),
		cmocka_unit_test(test_pool_credit),
		cmocka_unit_test(test_pool_known_answer),
		cmocka_unit_test(test_pool_output),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
