/*
 * lib/ringbuf.c: edge cases, a randomized comparison against a trivial
 * model (deterministic PRNG), index wrap-around of the free-running
 * counters, the overwrite variants, and a real two-thread SPSC transfer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <pthread.h>
#include <cmocka.h>

#include <lib/ringbuf.h>
#include <zvm/errno.h>

static u64 rng_state = 0x9e3779b97f4a7c15ULL;

static u32 rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (u32)rng_state;
}

static void test_init(void **state)
{
	struct ringbuf rb;
	u8 buf[16];

	assert_int_equal(ringbuf_init(&rb, buf, 0), -EINVAL);
	assert_int_equal(ringbuf_init(&rb, buf, 3), -EINVAL);
	assert_int_equal(ringbuf_init(&rb, buf, 12), -EINVAL);
	assert_int_equal(ringbuf_init(&rb, NULL, 16), -EINVAL);
	assert_int_equal(ringbuf_init(&rb, buf, 1), 0);
	assert_int_equal(ringbuf_init(&rb, buf, 16), 0);
	assert_true(ringbuf_is_empty(&rb));
	assert_false(ringbuf_is_full(&rb));
	assert_int_equal(ringbuf_count(&rb), 0);
	assert_int_equal(ringbuf_space(&rb), 16);
}

static void test_full_empty(void **state)
{
	struct ringbuf rb;
	u8 buf[8], c;

	ringbuf_init(&rb, buf, sizeof(buf));
	assert_false(ringbuf_get(&rb, &c));
	for (int round = 0; round < 5; round++) {	/* several laps: wrap-around */
		for (int i = 0; i < 8; i++)
			assert_true(ringbuf_put(&rb, (u8)(round * 8 + i)));
		assert_true(ringbuf_is_full(&rb));
		assert_int_equal(ringbuf_space(&rb), 0);
		assert_false(ringbuf_put(&rb, 0xff));
		assert_int_equal(ringbuf_write(&rb, "xy", 2), 0);
		for (int i = 0; i < 8; i++) {
			assert_true(ringbuf_get(&rb, &c));
			assert_int_equal(c, round * 8 + i);
		}
		assert_true(ringbuf_is_empty(&rb));
		assert_false(ringbuf_get(&rb, &c));
		ringbuf_put(&rb, 1);	/* shift the start for the next lap */
		ringbuf_get(&rb, &c);
	}
}

static void test_bulk_wrap(void **state)
{
	struct ringbuf rb;
	u8 buf[16], out[32];

	ringbuf_init(&rb, buf, sizeof(buf));
	assert_int_equal(ringbuf_write(&rb, "0123456789", 10), 10);
	assert_int_equal(ringbuf_read(&rb, out, 7), 7);
	assert_memory_equal(out, "0123456", 7);
	/* 3 stored, 13 free: this write wraps and is cut to 13 bytes */
	assert_int_equal(ringbuf_write(&rb, "abcdefghijklmnopq", 17), 13);
	assert_true(ringbuf_is_full(&rb));
	assert_int_equal(ringbuf_read(&rb, out, sizeof(out)), 16);
	assert_memory_equal(out, "789abcdefghijklm", 16);
	assert_int_equal(ringbuf_read(&rb, out, sizeof(out)), 0);
}

static void test_peek_skip(void **state)
{
	struct ringbuf rb;
	u8 buf[8], out[8];

	ringbuf_init(&rb, buf, sizeof(buf));
	ringbuf_write(&rb, "abcdef", 6);
	ringbuf_skip(&rb, 4);
	ringbuf_write(&rb, "ghij", 4);	/* content "efghij", wrapped */
	assert_int_equal(ringbuf_peek(&rb, 0, out, 3), 3);
	assert_memory_equal(out, "efg", 3);
	assert_int_equal(ringbuf_peek(&rb, 2, out, 8), 4);
	assert_memory_equal(out, "ghij", 4);
	assert_int_equal(ringbuf_peek(&rb, 6, out, 8), 0);
	assert_int_equal(ringbuf_peek(&rb, 100, out, 8), 0);
	assert_int_equal(ringbuf_count(&rb), 6);	/* peek consumed nothing */
	assert_int_equal(ringbuf_skip(&rb, 5), 5);
	assert_int_equal(ringbuf_skip(&rb, 5), 1);
	assert_true(ringbuf_is_empty(&rb));
}

/* head and tail are free-running: start them just below SIZE_MAX. */
static void test_index_overflow(void **state)
{
	struct ringbuf rb;
	u8 buf[8], out[8];

	ringbuf_init(&rb, buf, sizeof(buf));
	rb.head = rb.tail = SIZE_MAX - 2;
	assert_int_equal(ringbuf_write(&rb, "abcdefgh", 8), 8);
	assert_true(rb.head < rb.tail);	/* head wrapped past zero */
	assert_true(ringbuf_is_full(&rb));
	assert_int_equal(ringbuf_read(&rb, out, 8), 8);
	assert_memory_equal(out, "abcdefgh", 8);
	assert_true(ringbuf_is_empty(&rb));
}

/* Random bulk operations against a linear model of the contents. */
static void test_random_model(void **state)
{
	static u8 model[1 << 20];
	size_t m_head = 0, m_tail = 0;
	struct ringbuf rb;
	u8 buf[64], tmp[100];

	ringbuf_init(&rb, buf, sizeof(buf));
	for (int iter = 0; iter < 20000; iter++) {
		size_t len = rng() % 100, n;

		if (rng() & 1) {
			for (size_t i = 0; i < len; i++)
				tmp[i] = (u8)rng();
			n = ringbuf_write(&rb, tmp, len);
			assert_int_equal(n, len < 64 - (m_head - m_tail) ? len : 64 - (m_head - m_tail));
			memcpy(model + m_head, tmp, n);
			m_head += n;
		} else {
			n = ringbuf_read(&rb, tmp, len);
			assert_int_equal(n, len < m_head - m_tail ? len : m_head - m_tail);
			assert_memory_equal(tmp, model + m_tail, n);
			m_tail += n;
		}
		assert_int_equal(ringbuf_count(&rb), m_head - m_tail);
		if (m_head > sizeof(model) - 200) {	/* rebase the model */
			memmove(model, model + m_tail, m_head - m_tail);
			m_head -= m_tail;
			m_tail = 0;
		}
	}
}

static void test_overwrite(void **state)
{
	struct ringbuf rb;
	u8 buf[8], out[16];

	ringbuf_init(&rb, buf, sizeof(buf));
	for (int i = 0; i < 11; i++)
		ringbuf_put_overwrite(&rb, (u8)('a' + i));
	assert_true(ringbuf_is_full(&rb));
	assert_int_equal(ringbuf_read(&rb, out, sizeof(out)), 8);
	assert_memory_equal(out, "defghijk", 8);	/* a, b, c were dropped */

	ringbuf_write(&rb, "123", 3);
	ringbuf_write_overwrite(&rb, "ABCDEF", 6);	/* drops "1" only */
	assert_int_equal(ringbuf_read(&rb, out, sizeof(out)), 8);
	assert_memory_equal(out, "23ABCDEF", 8);

	ringbuf_write(&rb, "xy", 2);
	ringbuf_write_overwrite(&rb, "0123456789ABCDEFGHIJ", 20);	/* > size */
	assert_int_equal(ringbuf_read(&rb, out, sizeof(out)), 8);
	assert_memory_equal(out, "CDEFGHIJ", 8);

	ringbuf_write_overwrite(&rb, "", 0);
	assert_true(ringbuf_is_empty(&rb));
}

/* ---- two threads: one producer, one consumer, no lock ------------------ */

#define SPSC_BYTES (4u << 20)

static struct ringbuf spsc_rb;
static u8 spsc_buf[256];

static void *producer(void *arg)
{
	u8 chunk[37];
	u32 sent = 0;

	while (sent < SPSC_BYTES) {
		size_t len = 1 + (sent * 7) % sizeof(chunk);

		if (len > SPSC_BYTES - sent)
			len = SPSC_BYTES - sent;
		for (size_t i = 0; i < len; i++)
			chunk[i] = (u8)((sent + i) * 2654435761u >> 24);
		size_t done = 0;
		while (done < len)
			done += ringbuf_write(&spsc_rb, chunk + done, len - done);
		sent += (u32)len;
	}
	return arg;
}

static void test_spsc_threads(void **state)
{
	pthread_t tid;
	u8 chunk[53];
	u32 got = 0;

	ringbuf_init(&spsc_rb, spsc_buf, sizeof(spsc_buf));
	assert_int_equal(pthread_create(&tid, NULL, producer, NULL), 0);
	while (got < SPSC_BYTES) {
		size_t n = ringbuf_read(&spsc_rb, chunk, 1 + got % sizeof(chunk));

		for (size_t i = 0; i < n; i++) {
			u8 want = (u8)((got + i) * 2654435761u >> 24);

			if (chunk[i] != want)
				fail_msg("byte %zu: %#x, want %#x (read returned %zu)",
					 got + i, chunk[i], want, n);
		}
		got += (u32)n;
	}
	assert_int_equal(pthread_join(tid, NULL), 0);
	assert_true(ringbuf_is_empty(&spsc_rb));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_full_empty),
		cmocka_unit_test(test_bulk_wrap),
		cmocka_unit_test(test_peek_skip),
		cmocka_unit_test(test_index_overflow),
		cmocka_unit_test(test_random_model),
		cmocka_unit_test(test_overwrite),
		cmocka_unit_test(test_spsc_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
