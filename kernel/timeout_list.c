/* Sorted timeout list (see include/kernel/timeout.h). Insertion is O(n) in
 * the number of pending timeouts on one CPU, which stays small; equal
 * deadlines keep insertion order so expiry is FIFO among them. */
#include <kernel/timeout.h>

void timeout_init(struct timeout *t, timeout_fn fn)
{
	list_init(&t->node);
	t->fn = fn;
	t->deadline = K_FOREVER;
}

bool timeout_pending(const struct timeout *t)
{
	return list_linked(&t->node);
}

void tq_insert(struct list_node *q, struct timeout *t)
{
	struct list_node *pos;

	list_for_each(pos, q) {
		struct timeout *o = list_entry(pos, struct timeout, node);

		if (t->deadline < o->deadline)
			break;
	}
	list_insert_before(pos, &t->node);
}

struct timeout *tq_first(const struct list_node *q)
{
	return list_empty(q) ? NULL : list_entry(q->next, struct timeout, node);
}

struct timeout *tq_pop_expired(struct list_node *q, u64 now)
{
	struct timeout *t = tq_first(q);

	if (!t || t->deadline > now)
		return NULL;
	list_del(&t->node);
	return t;
}
