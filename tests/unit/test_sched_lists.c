/* Unit tests of the scheduler's pure data structures: the priority-bitmap
 * run queue and the sorted timeout list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include <kernel/runq.h>
#include <kernel/timeout.h>

struct item {
	struct list_node node;
	unsigned int prio;
	int id;
};

static struct item *item_of(struct list_node *n)
{
	return n ? list_entry(n, struct item, node) : NULL;
}

static void test_empty_runq(void **state)
{
	struct runq rq;

	runq_init(&rq);
	assert_null(runq_peek(&rq, NULL));
	assert_int_equal(runq_best_prio(&rq), CONFIG_NUM_PRIO);
	assert_false(runq_has_prio(&rq, 0));
	assert_false(runq_has_prio(&rq, CONFIG_NUM_PRIO));	/* out of range */
}

static void test_pick_highest_priority(void **state)
{
	struct runq rq;
	struct item it[] = { { .prio = 20, .id = 0 }, { .prio = 3, .id = 1 },
			     { .prio = 31, .id = 2 }, { .prio = 7, .id = 3 } };
	unsigned int prio;

	runq_init(&rq);
	for (size_t i = 0; i < 4; i++)
		runq_add_tail(&rq, &it[i].node, it[i].prio);
	assert_int_equal(rq.count, 4);
	assert_int_equal(item_of(runq_peek(&rq, &prio))->id, 1);
	assert_int_equal(prio, 3);
	runq_remove(&rq, &it[1].node, 3);
	assert_int_equal(item_of(runq_peek(&rq, &prio))->id, 3);
	runq_remove(&rq, &it[3].node, 7);
	runq_remove(&rq, &it[0].node, 20);
	assert_int_equal(item_of(runq_peek(&rq, &prio))->id, 2);
	assert_int_equal(prio, 31);
	runq_remove(&rq, &it[2].node, 31);
	assert_int_equal(rq.bitmap, 0);
	assert_int_equal(rq.count, 0);
}

static void test_fifo_within_priority_and_head_insert(void **state)
{
	struct runq rq;
	struct item a = { .id = 'a' }, b = { .id = 'b' }, c = { .id = 'c' };

	runq_init(&rq);
	runq_add_tail(&rq, &a.node, 5);
	runq_add_tail(&rq, &b.node, 5);
	runq_add_head(&rq, &c.node, 5);	/* a preempted thread keeps its turn */
	assert_int_equal(item_of(runq_peek(&rq, NULL))->id, 'c');
	runq_remove(&rq, &c.node, 5);
	assert_int_equal(item_of(runq_peek(&rq, NULL))->id, 'a');
	assert_true(runq_has_prio(&rq, 5));
	runq_remove(&rq, &a.node, 5);
	assert_true(runq_has_prio(&rq, 5));	/* b still there: bit stays set */
	runq_remove(&rq, &b.node, 5);
	assert_false(runq_has_prio(&rq, 5));
}

static void test_bitmap_matches_queues_randomized(void **state)
{
	struct runq rq;
	struct item items[64];
	bool queued[64] = { false };

	srand(1234);
	runq_init(&rq);
	for (int i = 0; i < 64; i++)
		items[i] = (struct item){ .prio = (unsigned int)rand() % CONFIG_NUM_PRIO, .id = i };
	for (int step = 0; step < 20000; step++) {
		int i = rand() % 64;
		unsigned int best = CONFIG_NUM_PRIO, count = 0;

		if (queued[i])
			runq_remove(&rq, &items[i].node, items[i].prio);
		else
			runq_add_tail(&rq, &items[i].node, items[i].prio);
		queued[i] = !queued[i];
		for (int j = 0; j < 64; j++)
			if (queued[j]) {
				count++;
				if (items[j].prio < best)
					best = items[j].prio;
			}
		assert_int_equal(rq.count, count);
		assert_int_equal(runq_best_prio(&rq), best);
		if (count)
			assert_int_equal(item_of(runq_peek(&rq, NULL))->prio, best);
	}
}

static void noop(struct timeout *t)
{
	(void)t;
}

static void test_timeouts_sorted_and_stable(void **state)
{
	struct list_node q;
	static const u64 dl[] = { 50, 10, 30, 10, 70, 20, 30 };
	struct timeout t[7];
	u64 last = 0;
	int n = 0;

	list_init(&q);
	for (int i = 0; i < 7; i++) {
		timeout_init(&t[i], noop);
		t[i].deadline = dl[i];
		tq_insert(&q, &t[i]);
	}
	assert_ptr_equal(tq_first(&q), &t[1]);
	/* Nothing expires before the first deadline. */
	assert_null(tq_pop_expired(&q, 9));
	for (struct timeout *e; (e = tq_pop_expired(&q, 100)); n++) {
		assert_true(e->deadline >= last);
		last = e->deadline;
		if (e->deadline == 10 && n == 0)
			assert_ptr_equal(e, &t[1]);	/* equal deadlines: FIFO */
		if (e->deadline == 10 && n == 1)
			assert_ptr_equal(e, &t[3]);
	}
	assert_int_equal(n, 7);
	assert_null(tq_first(&q));
}

static void test_pop_expired_stops_at_now(void **state)
{
	struct list_node q;
	struct timeout a, b;

	list_init(&q);
	timeout_init(&a, noop);
	timeout_init(&b, noop);
	a.deadline = 100;
	b.deadline = 200;
	tq_insert(&q, &b);
	tq_insert(&q, &a);
	assert_ptr_equal(tq_pop_expired(&q, 150), &a);
	assert_null(tq_pop_expired(&q, 150));
	assert_ptr_equal(tq_pop_expired(&q, 200), &b);	/* deadline == now expires */
	assert_true(list_empty(&q));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_runq),
		cmocka_unit_test(test_pick_highest_priority),
		cmocka_unit_test(test_fifo_within_priority_and_head_insert),
		cmocka_unit_test(test_bitmap_matches_queues_randomized),
		cmocka_unit_test(test_timeouts_sorted_and_stable),
		cmocka_unit_test(test_pop_expired_stops_at_now),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
