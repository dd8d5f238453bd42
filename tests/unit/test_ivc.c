/*
 * lib/ivc.c: the inter-VM message protocol. Two (or more) peers share one
 * region in this process: round trips of every length, ring wrap and
 * full, records under the sequence lock, a restarted peer, and a peer that
 * writes garbage into its own slot (ASan checks nothing is read or written
 * out of bounds).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <cmocka.h>

#include <lib/ivc.h>

#define REGION (64u * 1024)

static u32 region[REGION / 4];

static u64 rng_state = 0x243f6a8885a308d3ULL;

static u32 rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (u32)rng_state;
}

static int setup(void **state)
{
	memset(region, 0, sizeof(region));
	return 0;
}

static void attach2(struct ivc *a, struct ivc *b)
{
	assert_int_equal(ivc_attach(a, region, REGION, 0), 0);
	assert_int_equal(ivc_attach(b, region, REGION, 1), 0);
}

static void test_attach_args(void **state)
{
	struct ivc c;

	assert_int_equal(ivc_attach(&c, NULL, REGION, 0), IVC_EINVAL);
	assert_int_equal(ivc_attach(&c, (u8 *)region + 2, REGION, 0), IVC_EINVAL);
	assert_int_equal(ivc_attach(&c, region, REGION - 4096, 0), IVC_EINVAL);
	assert_int_equal(ivc_attach(&c, region, IVC_MIN_REGION / 2, 0), IVC_EINVAL);
	assert_int_equal(ivc_attach(&c, region, REGION, IVC_MAX_PEERS), IVC_EINVAL);
	assert_int_equal(ivc_attach(&c, region, REGION, 3), 0);
	assert_true(ivc_peer_ready(&c, 3));
	assert_false(ivc_peer_ready(&c, 2));
	assert_false(ivc_peer_ready(&c, IVC_MAX_PEERS));
	assert_true(c.ring_size >= 64 && (c.ring_size & (c.ring_size - 1)) == 0);
	assert_true(IVC_HDR_SIZE + IVC_MAX_PEERS * c.ring_size <= c.slot_size);
	assert_true(IVC_W_END * 4 <= IVC_HDR_SIZE);
}

static void test_not_attached_and_bad_args(void **state)
{
	struct ivc a, b;
	u8 buf[8] = "x";

	assert_int_equal(ivc_attach(&a, region, REGION, 0), 0);
	assert_int_equal(ivc_send(&a, 1, 1, buf, 1), IVC_ENODEV);
	assert_int_equal(ivc_recv(&a, 1, NULL, buf, sizeof(buf)), IVC_ENODEV);
	assert_int_equal(ivc_read_record(&a, 1, buf, sizeof(buf)), IVC_ENODEV);
	assert_int_equal(ivc_attach(&b, region, REGION, 1), 0);
	assert_int_equal(ivc_send(&a, 0, 1, buf, 1), IVC_EINVAL);	/* itself */
	assert_int_equal(ivc_send(&a, 9, 1, buf, 1), IVC_EINVAL);
	assert_int_equal(ivc_send(&a, 1, 1, buf, 0), IVC_EINVAL);
	assert_int_equal(ivc_send(&a, 1, 1, buf, IVC_MSG_MAX + 1), IVC_EINVAL);
	assert_int_equal(ivc_send(&a, 1, 1, NULL, 1), IVC_EINVAL);
	assert_int_equal(ivc_publish(&a, buf, IVC_REC_MAX + 1), IVC_EINVAL);
	/* A peer attached with another region size is not ready. */
	assert_int_equal(ivc_attach(&b, region, REGION / 2, 2), 0);
	assert_false(ivc_peer_ready(&a, 2));
}

static void test_round_trip_every_length(void **state)
{
	struct ivc a, b;
	u8 out[IVC_MSG_MAX], in[IVC_MSG_MAX + 8];
	u8 type;

	attach2(&a, &b);
	for (u32 len = 1; len <= IVC_MSG_MAX; len++) {
		for (u32 i = 0; i < len; i++)
			out[i] = (u8)(len * 7 + i);
		assert_int_equal(ivc_send(&a, 1, (u8)len, out, len), 0);
		memset(in, 0xee, sizeof(in));
		assert_int_equal(ivc_recv(&b, 0, &type, in + 1, len), (int)len);	/* unaligned */
		assert_int_equal(type, (u8)len);
		assert_memory_equal(in + 1, out, len);
		assert_int_equal(in[len + 1], 0xee);	/* nothing past len */
		assert_int_equal(ivc_recv(&b, 0, &type, in, sizeof(in)), 0);
	}
	/* And back. */
	assert_int_equal(ivc_send(&b, 0, 9, "pong", 4), 0);
	assert_int_equal(ivc_recv(&a, 1, &type, in, sizeof(in)), 4);
	assert_memory_equal(in, "pong", 4);
}

static void test_full_and_wrap(void **state)
{
	struct ivc a, b;
	u8 msg[100], in[IVC_MSG_MAX];
	u32 sent = 0, got = 0;

	attach2(&a, &b);
	while (ivc_send(&a, 1, 1, msg, sizeof(msg)) == 0)
		sent++;
	assert_int_equal(ivc_send(&a, 1, 1, msg, sizeof(msg)), IVC_EAGAIN);
	assert_int_equal(sent, a.ring_size / 104);
	/* Too small a buffer: left queued. */
	assert_int_equal(ivc_recv(&b, 0, NULL, in, 10), IVC_EMSGSIZE);
	/* Many times around the ring, sizes varying, contents checked. */
	for (u32 i = 0; i < 20000; i++) {
		u32 len = 1 + rng() % IVC_MSG_MAX;

		while (ivc_recv(&b, 0, NULL, in, sizeof(in)) > 0)
			got++;
		memset(msg, (int)i, sizeof(msg));
		if (ivc_send(&a, 1, 2, msg, len > sizeof(msg) ? sizeof(msg) : len) == 0)
			sent++;
	}
	while (ivc_recv(&b, 0, NULL, in, sizeof(in)) > 0)
		got++;
	assert_int_equal(sent, got);
	assert_int_equal(b.resyncs, 0);
}

static void test_record(void **state)
{
	struct ivc a, b;
	u8 rec[IVC_REC_MAX], in[IVC_REC_MAX];
	volatile u32 *s = region;

	attach2(&a, &b);
	assert_int_equal(ivc_read_record(&b, 0, in, sizeof(in)), 0);
	for (u32 i = 0; i < sizeof(rec); i++)
		rec[i] = (u8)(i ^ 0x5a);
	assert_int_equal(ivc_publish(&a, rec, 37), 0);
	assert_int_equal(ivc_read_record(&b, 0, in, sizeof(in)), 37);
	assert_memory_equal(in, rec, 37);
	assert_int_equal(ivc_read_record(&b, 0, in, 10), IVC_EMSGSIZE);
	assert_int_equal(ivc_read_record(&a, 0, in, sizeof(in)), 37);	/* its own */
	s[IVC_W_REC_SEQ] |= 1;		/* a writer that never finishes */
	assert_int_equal(ivc_read_record(&b, 0, in, sizeof(in)), IVC_EAGAIN);
	s[IVC_W_REC_SEQ] += 1;
	s[IVC_W_REC_LEN] = IVC_REC_MAX + 4;	/* a lying length */
	assert_int_equal(ivc_read_record(&b, 0, in, sizeof(in)), IVC_EBADMSG);
}

/* A peer restarts (attaches again, its slot intact in shared memory): what
 * was queued before is gone in both directions, new messages flow. */
/* A view (the Linux tool's `stats`) reads records and readiness and writes
 * nothing: the attached owner of the same slot is not disturbed. */
static void test_view_writes_nothing(void **state)
{
	static u32 before[REGION / 4];
	struct ivc a, b, v;
	u8 rec[8] = "stats!!", buf[8];

	attach2(&a, &b);
	assert_int_equal(ivc_publish(&a, rec, sizeof(rec)), 0);
	assert_int_equal(ivc_send(&b, 0, 1, "x", 1), 0);
	memcpy(before, region, sizeof(region));
	assert_int_equal(ivc_view(&v, region, REGION, 1), 0);
	assert_memory_equal(before, region, sizeof(region));
	assert_int_equal(v.ring_size, b.ring_size);
	assert_true(ivc_peer_ready(&v, 0));
	assert_false(ivc_peer_ready(&v, 2));
	assert_int_equal(ivc_read_record(&v, 0, buf, sizeof(buf)), sizeof(rec));
	assert_memory_equal(buf, rec, sizeof(rec));
	assert_memory_equal(before, region, sizeof(region));
	/* b still owns its slot: its message arrives. */
	assert_int_equal(ivc_recv(&a, 1, NULL, buf, sizeof(buf)), 1);
	assert_int_equal(ivc_view(&v, region, REGION - 4096, 1), IVC_EINVAL);
	assert_int_equal(ivc_view(&v, region, REGION, IVC_MAX_PEERS), IVC_EINVAL);
}

static void test_peer_restart(void **state)
{
	struct ivc a, b;
	u8 in[16];

	attach2(&a, &b);
	assert_int_equal(ivc_send(&a, 1, 1, "old-a", 5), 0);
	assert_int_equal(ivc_send(&b, 0, 1, "old-b", 5), 0);
	assert_int_equal(ivc_send(&b, 0, 1, "old-b", 5), 0);
	assert_int_equal(ivc_attach(&b, region, REGION, 1), 0);	/* b restarted */
	assert_int_equal(ivc_recv(&b, 0, NULL, in, sizeof(in)), 0);
	assert_int_equal(ivc_recv(&a, 1, NULL, in, sizeof(in)), 0);
	assert_int_equal(ivc_send(&b, 0, 1, "new-b", 5), 0);
	assert_int_equal(ivc_recv(&a, 1, NULL, in, sizeof(in)), 5);
	assert_memory_equal(in, "new-b", 5);
	assert_int_equal(ivc_send(&a, 1, 1, "new-a", 5), 0);
	assert_int_equal(ivc_recv(&b, 0, NULL, in, sizeof(in)), 5);
	assert_memory_equal(in, "new-a", 5);
	assert_int_equal(a.resyncs + b.resyncs, 0);
}

/* A peer restarts after its partner had read some of its messages: its
 * first send goes through at once (it resumes at the partner's tail) and
 * is the first thing the partner reads, nothing old is replayed. */
static void test_restart_after_reads(void **state)
{
	struct ivc a, b;
	u8 in[16];

	attach2(&a, &b);
	assert_int_equal(ivc_send(&b, 0, 1, "read", 4), 0);
	assert_int_equal(ivc_send(&b, 0, 1, "unread", 6), 0);
	assert_int_equal(ivc_recv(&a, 1, NULL, in, sizeof(in)), 4);
	assert_int_equal(ivc_send(&a, 1, 1, "to-old-b", 8), 0);
	assert_int_equal(ivc_attach(&b, region, REGION, 1), 0);	/* b restarted */
	assert_int_equal(ivc_send(&b, 0, 2, "new-b", 5), 0);
	assert_int_equal(ivc_recv(&a, 1, NULL, in, sizeof(in)), 5);
	assert_memory_equal(in, "new-b", 5);
	assert_int_equal(ivc_recv(&a, 1, NULL, in, sizeof(in)), 0);
	assert_int_equal(ivc_recv(&b, 0, NULL, in, sizeof(in)), 0);
	/* a restarts too, having read b's new message: the same again. */
	assert_int_equal(ivc_attach(&a, region, REGION, 0), 0);
	assert_int_equal(ivc_send(&a, 1, 1, "new-a", 5), 0);
	assert_int_equal(ivc_recv(&b, 0, NULL, in, sizeof(in)), 5);
	assert_memory_equal(in, "new-a", 5);
	assert_int_equal(a.resyncs + b.resyncs, 0);
}

static void test_corrupt_peer(void **state)
{
	struct ivc a, b;
	volatile u32 *sa = region, *sb;
	u8 in[IVC_MSG_MAX];
	u32 at;

	attach2(&a, &b);
	sb = region + b.slot_size / 4;
	sa[IVC_W_HEAD + 1] = 0x7fffffff;	/* far beyond the ring */
	assert_int_equal(ivc_recv(&b, 0, NULL, in, sizeof(in)), IVC_EBADMSG);
	assert_int_equal(ivc_recv(&b, 0, NULL, in, sizeof(in)), IVC_EBADMSG);	/* unaligned */
	assert_int_equal(b.resyncs, 2);
	/* A header whose length exceeds what was written. */
	assert_int_equal(ivc_attach(&a, region, REGION, 0), 0);
	assert_int_equal(ivc_attach(&b, region, REGION, 1), 0);
	at = a.head[1] / 4 & (a.ring_size / 4 - 1);	/* a resumed at b's tail */
	assert_int_equal(ivc_send(&a, 1, 1, "abcd", 4), 0);
	region[(IVC_HDR_SIZE + a.ring_size) / 4 + at] = 200;
	assert_int_equal(ivc_recv(&b, 0, NULL, in, sizeof(in)), IVC_EBADMSG);
	assert_int_equal(ivc_recv(&b, 0, NULL, in, sizeof(in)), 0);
	/* Our send when the peer's tail is nonsense: refused, nothing written. */
	sb[IVC_W_TAIL + 0] = a.head[1] + 0x40000000u;	/* far ahead of our head */
	assert_int_equal(ivc_send(&a, 1, 1, "x", 1), IVC_EBADMSG);
	/* Our own published indices overwritten by someone: we never trust
	 * them, the next message still goes where it belongs. */
	sb[IVC_W_TAIL + 0] = sa[IVC_W_HEAD + 1];
	sa[IVC_W_HEAD + 1] = 12345;
	assert_int_equal(ivc_send(&a, 1, 1, "yz", 2), 0);
	assert_int_equal(sa[IVC_W_HEAD + 1], a.head[1]);
}

/* Random garbage in the peer's whole slot: every call returns one of the
 * documented values and stays inside the region (ASan). */
static void test_garbage_fuzz(void **state)
{
	struct ivc a, b;
	u8 in[IVC_MSG_MAX];
	u32 words;

	attach2(&a, &b);
	words = a.slot_size / 4;
	for (int round = 0; round < 2000; round++) {
		int r;

		for (u32 i = 0; i < 64; i++)
			region[rng() % (round % 4 ? IVC_W_END : words)] = rng() % 3 ? rng() % 4096 : rng();
		if (round % 7 == 0) {
			region[IVC_W_MAGIC] = IVC_MAGIC;
			region[IVC_W_VERSION] = IVC_VERSION;
			region[IVC_W_PEER] = 0;
			region[IVC_W_SLOT_SIZE] = a.slot_size;
			region[IVC_W_RING_SIZE] = a.ring_size;
		}
		r = ivc_recv(&b, 0, NULL, in, sizeof(in));
		assert_true(r == IVC_ENODEV || r == IVC_EBADMSG || r == IVC_EMSGSIZE ||
			    (r >= 0 && r <= IVC_MSG_MAX));
		r = ivc_read_record(&b, 0, in, sizeof(in));
		assert_true(r == IVC_ENODEV || r == IVC_EBADMSG || r == IVC_EAGAIN ||
			    (r >= 0 && r <= IVC_REC_MAX));
		r = ivc_send(&b, 0, 1, "x", 1);
		assert_true(r == 0 || r == IVC_ENODEV || r == IVC_EAGAIN || r == IVC_EBADMSG);
	}
}

struct xfer {
	struct ivc *c;
	u32 n;
};

static void *producer(void *arg)
{
	struct xfer *x = arg;

	for (u32 i = 0; i < x->n;) {
		u32 v[4] = { i, ~i, i * 3, i ^ 0xabcd };

		if (ivc_send(x->c, 1, 3, v, 4 + i % 13) == 0)
			i++;
	}
	return NULL;
}

static void test_two_threads(void **state)
{
	struct ivc a, b;
	struct xfer x = { &a, 200000 };
	pthread_t t;

	attach2(&a, &b);
	assert_int_equal(pthread_create(&t, NULL, producer, &x), 0);
	for (u32 i = 0; i < x.n;) {
		u32 v[4];
		int r = ivc_recv(&b, 0, NULL, v, sizeof(v));

		assert_true(r >= 0);
		if (!r)
			continue;
		assert_int_equal(r, 4 + i % 13);
		assert_int_equal(v[0], i);
		if (r >= 8)
			assert_int_equal(v[1], ~i);
		i++;
	}
	pthread_join(t, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_attach_args, setup),
		cmocka_unit_test_setup(test_not_attached_and_bad_args, setup),
		cmocka_unit_test_setup(test_round_trip_every_length, setup),
		cmocka_unit_test_setup(test_full_and_wrap, setup),
		cmocka_unit_test_setup(test_record, setup),
		cmocka_unit_test_setup(test_view_writes_nothing, setup),
		cmocka_unit_test_setup(test_peer_restart, setup),
		cmocka_unit_test_setup(test_restart_after_reads, setup),
		cmocka_unit_test_setup(test_corrupt_peer, setup),
		cmocka_unit_test_setup(test_garbage_fuzz, setup),
		cmocka_unit_test_setup(test_two_threads, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
