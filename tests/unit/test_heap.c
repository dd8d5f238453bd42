/*
 * Unit tests for the TLSF kernel heap (kernel/heap.c): alignment,
 * exhaustion, coalescing back to one block, misuse detection (double free,
 * foreign and interior pointers, header overruns) and a randomised stress
 * against a model that fills every block with a pattern and checks it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <kernel/heap.h>
#include <zvm/compiler.h>
#include <zvm/errno.h>

#define HDR 16		/* header size documented in heap.h */

struct region {
	u8 *mem;
	size_t size;
	struct heap h;
};

static struct region *region_new(size_t size)
{
	struct region *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	r->mem = aligned_alloc(4096, size);
	assert_non_null(r->mem);
	r->size = size;
	assert_int_equal(heap_init(&r->h, r->mem, size), 0);
	return r;
}

static void region_free(struct region *r)
{
	free(r->mem);
	free(r);
}

static struct heap_stats stats_of(const struct heap *h)
{
	struct heap_stats st;

	heap_stats(h, &st);
	return st;
}

/* Back to one free block spanning the whole heap, nothing live. */
static void assert_pristine(const struct heap *h)
{
	struct heap_stats st = stats_of(h);

	assert_int_equal(heap_check(h), 0);
	assert_int_equal(st.used_bytes, 0);
	assert_int_equal(st.nallocs, 0);
	assert_int_equal(st.nfree_blocks, 1);
	assert_int_equal(st.free_bytes, st.total_bytes);
	assert_int_equal(st.largest_free, st.total_bytes - HDR);
}

/* Run `call`, expect -EINVAL, and no change to the heap's accounting. */
#define assert_rejected(h, call)                                              \
	do {                                                                  \
		struct heap_stats before_ = stats_of(h), after_;              \
		assert_int_equal((call), -EINVAL);                            \
		after_ = stats_of(h);                                         \
		assert_int_equal(after_.used_bytes, before_.used_bytes);      \
		assert_int_equal(after_.nallocs, before_.nallocs);            \
		assert_int_equal(after_.nfree_blocks, before_.nfree_blocks);  \
		assert_int_equal(after_.nrejected, before_.nrejected + 1);    \
	} while (0)

static void test_init(void **state)
{
	static u8 buf[4096] __attribute__((aligned(16)));
	struct heap h;
	struct heap_stats st;

	assert_int_equal(heap_init(&h, buf, 0), -EINVAL);
	assert_int_equal(heap_init(&h, buf, 47), -EINVAL);	/* 48: block + sentinel */
	assert_int_equal(heap_init(&h, buf + 1, 62), -EINVAL);	/* 32 after rounding */
	assert_int_equal(heap_init(&h, buf, HEAP_MAX_SIZE + 16), -EINVAL);
	assert_int_equal(heap_init(&h, (void *)(UINTPTR_MAX - 100), 4096), -EINVAL);
	assert_int_equal(heap_init(&h, buf + 1, 63), 0);
	assert_pristine(&h);
	assert_int_equal(stats_of(&h).largest_free, 32 - HDR);
	assert_int_equal(heap_init(&h, buf + 3, sizeof(buf) - 3), 0);
	st = stats_of(&h);
	assert_int_equal(st.total_bytes, sizeof(buf) - 16 - HDR);	/* rounding, sentinel */
	assert_pristine(&h);
}

static void test_alignment(void **state)
{
	static const size_t sizes[] = { 1, 7, 16, 17, 100, 1000, 5000 };
	struct region *r = region_new(1 << 20);
	struct heap *h = &r->h;

	for (size_t align = 0; align <= HEAP_MAX_ALIGN; align = align ? align * 2 : 1) {
		for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
			u8 *p = heap_alloc(h, sizes[i], align);

			assert_non_null(p);
			assert_true(IS_ALIGNED((uintptr_t)p, MAX(align, (size_t)HEAP_ALIGN)));
			assert_true(heap_usable_size(h, p) >= sizes[i]);
			memset(p, 0xee, heap_usable_size(h, p));
			assert_int_equal(heap_check(h), 0);
			assert_int_equal(heap_free(h, p), 0);
		}
	}
	assert_null(heap_alloc(h, 0, 16));
	assert_null(heap_alloc(h, 8, 3));
	assert_null(heap_alloc(h, 8, 24));
	assert_null(heap_alloc(h, 8, 2 * HEAP_MAX_ALIGN));
	assert_null(heap_alloc(h, SIZE_MAX, 16));
	assert_int_equal(stats_of(h).nfailed, 5);
	assert_pristine(h);
	region_free(r);
}

static void test_exhaustion(void **state)
{
	struct region *r = region_new(64 * 1024);
	struct heap *h = &r->h;
	static void *ptrs[2048];
	size_t n = 0;
	struct heap_stats st;

	assert_null(heap_alloc(h, 64 * 1024, 16));
	while ((ptrs[n] = heap_alloc(h, 64, 16)) != NULL)
		n++;
	st = stats_of(h);
	assert_int_equal(st.nallocs, n);
	assert_int_equal(st.used_bytes, n * (64 + HDR));
	assert_int_equal(st.used_bytes + st.free_bytes, st.total_bytes);
	assert_true(st.free_bytes < 64 + HDR);
	assert_true(n >= (64 * 1024 - 256) / (64 + HDR));
	assert_int_equal(heap_check(h), 0);
	while (n)
		assert_int_equal(heap_free(h, ptrs[--n]), 0);
	assert_pristine(h);
	region_free(r);
}

/* Free four neighbours in all 24 orders: always one block at the end. */
static void test_coalescing(void **state)
{
	struct region *r = region_new(16 * 1024);
	struct heap *h = &r->h;

	for (unsigned perm = 0; perm < 24; perm++) {
		unsigned order[4] = { 0, 1, 2, 3 }, x = perm;
		void *p[4];

		for (unsigned i = 0; i < 4; i++) {
			unsigned j = i + x % (4 - i), t = order[i];

			x /= 4 - i;
			order[i] = order[j];
			order[j] = t;
			p[i] = heap_alloc(h, 100 + 50 * i, 16);
		}
		for (unsigned i = 0; i < 4; i++) {
			assert_int_equal(heap_free(h, p[order[i]]), 0);
			assert_int_equal(heap_check(h), 0);
		}
		assert_pristine(h);
	}
	region_free(r);
}

static void test_double_free(void **state)
{
	struct region *r = region_new(16 * 1024);
	struct heap *h = &r->h;
	void *a = heap_alloc(h, 100, 16), *b = heap_alloc(h, 100, 16);
	void *c = heap_alloc(h, 100, 16);

	assert_int_equal(heap_free(h, b), 0);
	assert_rejected(h, heap_free(h, b));		/* free, still listed */
	assert_int_equal(heap_free(h, a), 0);		/* b merges into a */
	assert_rejected(h, heap_free(h, b));		/* stale header */
	assert_rejected(h, heap_free(h, a));
	assert_int_equal(heap_check(h), 0);
	assert_int_equal(heap_free(h, c), 0);
	assert_rejected(h, heap_free(h, c));
	assert_pristine(h);
	region_free(r);
}

static void test_foreign_pointers(void **state)
{
	struct region *r = region_new(16 * 1024), *other = region_new(16 * 1024);
	struct heap *h = &r->h;
	u8 *p = heap_alloc(h, 256, 16), *q = heap_alloc(&other->h, 256, 16);
	u64 local[8] = { 0 };
	void *m = malloc(64);

	assert_rejected(h, heap_free(h, q));			/* another heap */
	assert_rejected(h, heap_free(h, m));
	assert_rejected(h, heap_free(h, &local[2]));
	assert_rejected(h, heap_free(h, p + 16));		/* interior */
	assert_rejected(h, heap_free(h, p + 1));		/* misaligned */
	assert_rejected(h, heap_free(h, r->mem));		/* no header before it */
	assert_rejected(h, heap_free(h, r->mem + r->size - 16));	/* sentinel */
	assert_rejected(h, heap_free(h, r->mem + r->size + 4096));
	assert_int_equal(heap_free(h, NULL), 0);
	assert_int_equal(heap_usable_size(h, q), 0);
	assert_int_equal(heap_usable_size(h, p + 16), 0);
	/* A copy of a valid header elsewhere: the check word binds the address
	 * (same heap) and the heap (same offset in another heap). */
	memcpy(p + 64, p - HDR, HDR);
	assert_rejected(h, heap_free(h, p + 64 + HDR));
	memcpy(q - HDR, p - HDR, HDR);
	assert_rejected(&other->h, heap_free(&other->h, q));
	assert_int_equal(heap_check(h), 0);
	assert_int_equal(heap_free(h, p), 0);
	assert_pristine(h);
	free(m);
	region_free(r);
	region_free(other);
}

/* Overrun into the next header: both frees refuse; repairing the header
 * shows nothing else was touched. */
static void test_overrun(void **state)
{
	struct region *r = region_new(16 * 1024);
	struct heap *h = &r->h;
	u8 *a = heap_alloc(h, 40, 16), *b = heap_alloc(h, 40, 16), saved[HDR];
	u8 *c = heap_alloc(h, 40, 16);
	size_t n = heap_usable_size(h, a);

	memcpy(saved, a + n, HDR);
	memset(a, 0x41, n + 1);
	assert_rejected(h, heap_free(h, a));
	assert_rejected(h, heap_free(h, b));
	assert_rejected(h, heap_free(h, c));	/* its lower neighbour is broken */
	assert_int_equal(heap_check(h), -EBADMSG);
	memcpy(a + n, saved, HDR);
	assert_int_equal(heap_check(h), 0);

	a[n + 4] ^= HEAP_ALIGN;		/* next size only; its prev_size intact */
	assert_rejected(h, heap_free(h, a));
	a[n + 4] ^= HEAP_ALIGN;

	memcpy(saved, a - HDR, HDR);
	a[-1] ^= 1;					/* underrun into own header */
	assert_rejected(h, heap_free(h, a));
	memcpy(a - HDR, saved, HDR);

	assert_int_equal(heap_free(h, a), 0);
	assert_int_equal(heap_free(h, b), 0);
	assert_int_equal(heap_free(h, c), 0);
	assert_pristine(h);
	region_free(r);
}

/*
 * A free block exactly need + align bytes long whose payload sits 16 bytes
 * below an alignment boundary: the leading gap must grow to align + 16, so
 * the block is too small and must not be chosen.
 */
static void test_aligned_tight_fit(void **state)
{
	struct region *r = region_new(16 * 1024);	/* start is 4096-aligned */
	struct heap *h = &r->h;
	u8 *x = heap_alloc(h, 16, 16);		/* block [0, 32) */
	u8 *y = heap_alloc(h, 80, 16);		/* block [32, 128) */
	u8 *z = heap_alloc(h, 16, 16), *p;

	assert_ptr_equal(y, r->mem + 32 + HDR);
	assert_int_equal(heap_free(h, y), 0);
	p = heap_alloc(h, 16, 64);
	assert_true(IS_ALIGNED((uintptr_t)p, 64));
	assert_int_equal(heap_check(h), 0);
	memset(p, 0x5a, heap_usable_size(h, p));
	assert_int_equal(heap_check(h), 0);
	assert_int_equal(heap_free(h, p), 0);
	assert_int_equal(heap_free(h, x), 0);
	assert_int_equal(heap_free(h, z), 0);
	assert_pristine(h);
	region_free(r);
}

/* A corrupted free-list head is refused by heap_alloc, not handed out. */
static void test_corrupt_free_block(void **state)
{
	struct region *r = region_new(16 * 1024);
	struct heap *h = &r->h;
	u8 *a = heap_alloc(h, 64, 16), *b = heap_alloc(h, 64, 16);
	u8 *c = heap_alloc(h, 64, 16);

	assert_int_equal(heap_free(h, b), 0);
	b[-HDR] ^= 0x10;				/* use-after-free scribble */
	assert_null(heap_alloc(h, 64, 16));
	assert_int_equal(heap_check(h), -EBADMSG);
	b[-HDR] ^= 0x10;
	assert_int_equal(heap_check(h), 0);
	assert_int_equal(heap_free(h, a), 0);
	assert_int_equal(heap_free(h, c), 0);
	assert_pristine(h);
	region_free(r);
}

/* ---- Randomised stress against a pattern model --------------------------- */

struct live {
	u8 *p;
	size_t size;
	u8 seed;
};

static u64 rng_state = 0x0123456789abcdefULL;

static u64 rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static void fill(const struct live *l)
{
	for (size_t i = 0; i < l->size; i++)
		l->p[i] = (u8)(l->seed + i * 7);
}

static void verify(const struct live *l)
{
	for (size_t i = 0; i < l->size; i++)
		if (l->p[i] != (u8)(l->seed + i * 7))
			fail_msg("block %p byte %zu overwritten", (void *)l->p, i);
}

/* Mostly small sizes, some medium, a few large; mostly 16-byte alignment. */
static void random_request(size_t *size, size_t *align)
{
	u64 x = rnd();

	*size = x % 8 ? 1 + rnd() % 128 : x % 64 ? 1 + rnd() % 4096 : 1 + rnd() % 65536;
	*align = rnd() % 4 ? 16 : (size_t)1 << (rnd() % 13);
}

static void stress_alloc(struct region *r, struct live *l, u64 *nfail)
{
	size_t align;

	random_request(&l->size, &align);
	l->p = heap_alloc(&r->h, l->size, align);
	if (!l->p) {
		(*nfail)++;
		return;
	}
	assert_true(IS_ALIGNED((uintptr_t)l->p, MAX(align, (size_t)HEAP_ALIGN)));
	assert_true(l->p >= r->mem && l->p + l->size <= r->mem + r->size);
	assert_true(heap_usable_size(&r->h, l->p) >= l->size);
	l->seed = (u8)rnd();
	fill(l);
}

/* Counters agree with the model; every live block still holds its pattern. */
static void stress_check(struct region *r, const struct live *live, size_t n)
{
	struct heap_stats st = stats_of(&r->h);
	size_t used = 0;

	assert_int_equal(heap_check(&r->h), 0);
	for (size_t i = 0; i < n; i++) {
		verify(&live[i]);
		used += heap_usable_size(&r->h, live[i].p) + HDR;
	}
	assert_int_equal(st.nallocs, n);
	assert_int_equal(st.used_bytes, used);
}

static void test_stress(void **state)
{
	struct region *r = region_new(256 * 1024);
	static struct live live[1024];
	size_t n = 0;
	u64 nfail = 0;

	for (unsigned op = 0; op < 100000; op++) {
		if (n < ARRAY_SIZE(live) && (n == 0 || rnd() % 100 < 60)) {
			stress_alloc(r, &live[n], &nfail);
			n += live[n].p != NULL;
		} else {
			size_t i = rnd() % n;

			verify(&live[i]);
			assert_int_equal(heap_free(&r->h, live[i].p), 0);
			live[i] = live[--n];
		}
		if (op % 1000 == 0)
			stress_check(r, live, n);
	}
	assert_true(nfail > 0);	/* exhaustion was reached */
	stress_check(r, live, n);
	while (n) {
		verify(&live[--n]);
		assert_int_equal(heap_free(&r->h, live[n].p), 0);
	}
	assert_pristine(&r->h);
	region_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_alignment),
		cmocka_unit_test(test_exhaustion),
		cmocka_unit_test(test_coalescing),
		cmocka_unit_test(test_double_free),
		cmocka_unit_test(test_foreign_pointers),
		cmocka_unit_test(test_overrun),
		cmocka_unit_test(test_aligned_tight_fit),
		cmocka_unit_test(test_corrupt_free_block),
		cmocka_unit_test(test_stress),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
