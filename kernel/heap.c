/*
 * TLSF kernel heap. See include/kernel/heap.h for the contract.
 *
 * Size classes: sizes below 256 bytes map linearly to row 0 (one class per
 * 16 bytes); larger sizes map to row fl = log2(size) - 7 and, inside it, to
 * one of 16 equal slices given by the next four bits. A two-level bitmap
 * marks the non-empty class lists, so finding a fitting block is two
 * count-trailing-zeros, independent of how many blocks exist.
 *
 * A request is first rounded up to the next class boundary: then the head
 * of any list at or above that class fits, and no list is ever walked.
 */
#include <kernel/heap.h>
#include <lib/string.h>
#include <zvm/compiler.h>
#include <zvm/errno.h>

/* Header of every block; the payload follows at +16. */
struct hblk {
	u32 prev_size;		/* size of the block just below, 0 for the first */
	u32 size_flags;		/* block size (multiple of 16) | HB_FREE */
	u64 check;		/* hdr_hash() of the above, see seal() */
};

/* A free block keeps its list links at the start of its payload. */
struct hfree {
	struct hblk hdr;
	struct list_node link;
};

#define HB_FREE 1u
#define HB_FLAGS (HEAP_ALIGN - 1)
#define HDR_SIZE sizeof(struct hblk)
#define MIN_BLOCK sizeof(struct hfree)
#define HEAP_MAGIC 0x7a766d68656170ULL

STATIC_ASSERT(sizeof(struct hblk) == HEAP_ALIGN, "payloads must stay 16-byte aligned");
STATIC_ASSERT(sizeof(struct hfree) % HEAP_ALIGN == 0, "minimum block is whole granules");

/* ---- Block headers --------------------------------------------------------- */

static struct hblk *blk_at(uintptr_t addr)
{
	return (struct hblk *)addr;
}

static struct hfree *as_free(struct hblk *b)
{
	return (struct hfree *)(uintptr_t)b;
}

static struct hblk *blk_of_link(struct list_node *n)
{
	return blk_at((uintptr_t)n - offsetof(struct hfree, link));
}

static size_t bsize(const struct hblk *b)
{
	return b->size_flags & ~(u32)HB_FLAGS;
}

static bool bfree(const struct hblk *b)
{
	return b->size_flags & HB_FREE;
}

static struct hblk *next_blk(const struct hblk *b)
{
	return blk_at((uintptr_t)b + bsize(b));
}

static struct hblk *prev_blk(const struct hblk *b)
{
	return blk_at((uintptr_t)b - b->prev_size);
}

static void *payload(const struct hblk *b)
{
	return (void *)((uintptr_t)b + HDR_SIZE);
}

/*
 * Check word: the header fields mixed with the header's own address and the
 * heap's salt. For a given address the mix is a bijection of the fields, so
 * any change to them (an overrun, a stale or forged header, a block of
 * another heap) fails the comparison.
 */
static u64 hdr_hash(const struct heap *h, const struct hblk *b)
{
	u64 x = ((u64)b->prev_size << 32 | b->size_flags) ^ (u64)(uintptr_t)b ^ h->salt;

	x *= 0x9e3779b97f4a7c15ULL;
	return x ^ (x >> 31);
}

static bool sealed(const struct heap *h, const struct hblk *b)
{
	return b->check == hdr_hash(h, b);
}

static void set_hdr(const struct heap *h, struct hblk *b, size_t prev_size, size_t size,
		    u32 flags)
{
	b->prev_size = (u32)prev_size;
	b->size_flags = (u32)size | flags;
	b->check = hdr_hash(h, b);
}

static void set_prev_size(const struct heap *h, struct hblk *b, size_t prev_size)
{
	set_hdr(h, b, prev_size, bsize(b), b->size_flags & HB_FLAGS);
}

static void set_free(const struct heap *h, struct hblk *b, bool is_free)
{
	set_hdr(h, b, b->prev_size, bsize(b), is_free ? HB_FREE : 0);
}

/* ---- Size classes and free lists ---------------------------------------- */

static unsigned log2_floor(size_t x)
{
	return 63 - (unsigned)__builtin_clzll(x);
}

static void mapping(size_t size, unsigned *fl, unsigned *sl)
{
	unsigned f;

	if (size < (1u << HEAP_FL_SHIFT)) {
		*fl = 0;
		*sl = (unsigned)(size / HEAP_ALIGN);
		return;
	}
	f = log2_floor(size);
	*sl = (unsigned)(size >> (f - HEAP_SL_SHIFT)) - HEAP_SL_COUNT;
	*fl = f - HEAP_FL_SHIFT + 1;
}

static void insert_free(struct heap *h, struct hblk *b)
{
	unsigned fl, sl;

	mapping(bsize(b), &fl, &sl);
	list_add_head(&h->free[fl][sl], &as_free(b)->link);
	h->fl_bitmap |= 1u << fl;
	h->sl_bitmap[fl] |= 1u << sl;
	h->nfree_blocks++;
}

static void remove_free(struct heap *h, struct hblk *b)
{
	unsigned fl, sl;

	mapping(bsize(b), &fl, &sl);
	list_del(&as_free(b)->link);
	if (list_empty(&h->free[fl][sl])) {
		h->sl_bitmap[fl] &= ~(1u << sl);
		if (!h->sl_bitmap[fl])
			h->fl_bitmap &= ~(1u << fl);
	}
	h->nfree_blocks--;
}

/* Head of the first non-empty list whose every block holds `size` bytes. */
static struct hblk *find_free(const struct heap *h, size_t size)
{
	unsigned fl, sl;
	u32 map;

	if (size >= (1u << HEAP_FL_SHIFT))
		size += (1UL << (log2_floor(size) - HEAP_SL_SHIFT)) - 1;
	mapping(size, &fl, &sl);
	if (fl >= HEAP_FL_COUNT)
		return NULL;
	map = h->sl_bitmap[fl] & (~0u << sl);
	if (!map) {
		u32 rows = h->fl_bitmap & (~0u << (fl + 1));

		if (!rows)
			return NULL;
		fl = (unsigned)__builtin_ctz(rows);
		map = h->sl_bitmap[fl];
	}
	sl = (unsigned)__builtin_ctz(map);
	return blk_of_link(h->free[fl][sl].next);
}

/* ---- Splitting and merging ------------------------------------------------ */

/* Cut b at offset `at`; both parts must hold MIN_BLOCK. The upper part is
 * returned marked used; b keeps its flags. */
static struct hblk *split(const struct heap *h, struct hblk *b, size_t at)
{
	struct hblk *n = blk_at((uintptr_t)b + at);
	size_t rest = bsize(b) - at;

	set_hdr(h, b, b->prev_size, at, b->size_flags & HB_FLAGS);
	set_hdr(h, n, at, rest, 0);
	set_prev_size(h, next_blk(n), rest);
	return n;
}

/* Absorb b into a (b directly follows a). */
static struct hblk *merge(const struct heap *h, struct hblk *a, struct hblk *b)
{
	size_t size = bsize(a) + bsize(b);

	b->check = ~hdr_hash(h, b);	/* a stale header must never validate */
	set_hdr(h, a, a->prev_size, size, a->size_flags & HB_FLAGS);
	set_prev_size(h, next_blk(a), size);
	return a;
}

/* Make a used block free: merge it with free neighbours, list the result. */
static void release(struct heap *h, struct hblk *b)
{
	struct hblk *n = next_blk(b);

	if (bfree(n)) {
		remove_free(h, n);
		b = merge(h, b, n);
	}
	if (b->prev_size && bfree(prev_blk(b))) {
		struct hblk *p = prev_blk(b);

		remove_free(h, p);
		b = merge(h, p, b);
	}
	set_free(h, b, true);
	insert_free(h, b);
}

/* ---- Allocation ------------------------------------------------------------ */

/*
 * Move b's payload up to `align`, returning the leading gap to the free
 * lists. A gap too small to be a block is widened by one more alignment
 * step; the search size in heap_alloc() leaves room for that.
 */
static struct hblk *align_block(struct heap *h, struct hblk *b, size_t align)
{
	uintptr_t p = ALIGN_UP((uintptr_t)b + HDR_SIZE, align);
	size_t gap = p - HDR_SIZE - (uintptr_t)b;
	struct hblk *n;

	if (!gap)
		return b;
	if (gap < MIN_BLOCK)
		gap += align;
	n = split(h, b, gap);
	release(h, b);
	return n;
}

/* Give back the tail of b beyond `need` bytes when it can form a block. */
static void trim(struct heap *h, struct hblk *b, size_t need)
{
	if (bsize(b) - need >= MIN_BLOCK)
		release(h, split(h, b, need));
}

static bool valid_request(size_t size, size_t align)
{
	return size && size <= HEAP_MAX_SIZE && align <= HEAP_MAX_ALIGN &&
	       !(align & (align - 1));
}

static void *alloc_failed(struct heap *h)
{
	h->nfailed++;
	return NULL;
}

void *heap_alloc(struct heap *h, size_t size, size_t align)
{
	struct hblk *b;
	size_t need;

	if (!valid_request(size, align))
		return alloc_failed(h);
	align = MAX(align, (size_t)HEAP_ALIGN);
	need = MAX(ALIGN_UP(size, HEAP_ALIGN) + HDR_SIZE, MIN_BLOCK);
	b = find_free(h, need + (align > HEAP_ALIGN ? align + MIN_BLOCK : 0));
	if (!b || !sealed(h, b))	/* a corrupted list head is refused, not used */
		return alloc_failed(h);
	remove_free(h, b);
	set_free(h, b, false);
	b = align_block(h, b, align);
	trim(h, b, need);
	h->used_bytes += bsize(b);
	h->nallocs++;
	return payload(b);
}

/* ---- Freeing ------------------------------------------------------------------ */

/* Are b's neighbours intact and linked back to it? b is already sealed. */
static bool neighbours_ok(const struct heap *h, const struct hblk *b)
{
	uintptr_t a = (uintptr_t)b;
	const struct hblk *n = next_blk(b), *p = prev_blk(b);

	if (bsize(b) < MIN_BLOCK || bsize(b) > h->end - a)
		return false;
	if (!sealed(h, n) || n->prev_size != bsize(b))
		return false;
	if (!b->prev_size)
		return a == h->start;
	return b->prev_size <= a - h->start && sealed(h, p) && bsize(p) == b->prev_size;
}

/* The header of payload pointer p when it is sane, else NULL. */
static struct hblk *checked_block(const struct heap *h, const void *p)
{
	uintptr_t a = (uintptr_t)p - HDR_SIZE;
	struct hblk *b = blk_at(a);

	if ((uintptr_t)p < h->start + HDR_SIZE || (uintptr_t)p >= h->end ||
	    !IS_ALIGNED(a, HEAP_ALIGN))
		return NULL;
	if (!sealed(h, b) || !neighbours_ok(h, b))
		return NULL;
	return b;
}

int heap_free(struct heap *h, void *p)
{
	struct hblk *b;

	if (!p)
		return 0;
	b = checked_block(h, p);
	if (!b || bfree(b)) {
		h->nrejected++;
		return -EINVAL;
	}
	h->used_bytes -= bsize(b);
	h->nallocs--;
	release(h, b);
	return 0;
}

size_t heap_usable_size(const struct heap *h, const void *p)
{
	const struct hblk *b = p ? checked_block(h, p) : NULL;

	return b && !bfree(b) ? bsize(b) - HDR_SIZE : 0;
}

/* ---- Set-up and statistics -------------------------------------------------- */

int heap_init(struct heap *h, void *base, size_t size)
{
	uintptr_t start = ALIGN_UP((uintptr_t)base, HEAP_ALIGN);
	uintptr_t end = ALIGN_DOWN((uintptr_t)base + size, HEAP_ALIGN);

	if ((uintptr_t)base + size < (uintptr_t)base || end <= start ||
	    end - start < MIN_BLOCK + HDR_SIZE || end - start > HEAP_MAX_SIZE)
		return -EINVAL;
	memset(h, 0, sizeof(*h));
	for (unsigned f = 0; f < HEAP_FL_COUNT; f++)
		for (unsigned s = 0; s < HEAP_SL_COUNT; s++)
			list_init(&h->free[f][s]);
	h->start = start;
	h->end = end - HDR_SIZE;
	h->salt = (u64)(uintptr_t)h ^ HEAP_MAGIC;
	set_hdr(h, blk_at(h->start), 0, h->end - h->start, 0);
	set_hdr(h, blk_at(h->end), h->end - h->start, 0, 0);	/* sentinel, never free */
	release(h, blk_at(h->start));
	return 0;
}

/*
 * Payload of the largest free block: the largest of the first
 * LARGEST_SCAN blocks of the highest non-empty class. Bounded so that a
 * stats call stays cheap (and terminates on a corrupted list); a class
 * spans 1/16 of a power of two, so any block of it is within 6% of exact.
 */
#define LARGEST_SCAN 16

static size_t largest_free(const struct heap *h)
{
	const struct list_node *head, *n;
	unsigned fl, seen = 0;
	size_t best = 0;

	if (!h->fl_bitmap)
		return 0;
	fl = log2_floor(h->fl_bitmap);
	head = &h->free[fl][log2_floor(h->sl_bitmap[fl])];
	for (n = head->next; n != head && seen++ < LARGEST_SCAN; n = n->next)
		best = MAX(best, bsize(blk_of_link((struct list_node *)n)));
	return best - HDR_SIZE;
}

void heap_stats(const struct heap *h, struct heap_stats *st)
{
	st->total_bytes = h->end - h->start;
	st->used_bytes = h->used_bytes;
	st->free_bytes = st->total_bytes - h->used_bytes;
	st->largest_free = largest_free(h);
	st->nallocs = h->nallocs;
	st->nfree_blocks = h->nfree_blocks;
	st->nfailed = h->nfailed;
	st->nrejected = h->nrejected;
}

/* ---- Consistency walk ------------------------------------------------------- */

static bool on_free_list(const struct heap *h, struct hblk *b)
{
	struct list_node *l = &as_free(b)->link;
	unsigned fl, sl;

	mapping(bsize(b), &fl, &sl);
	return (h->sl_bitmap[fl] >> sl & 1) && (h->fl_bitmap >> fl & 1) &&
	       l->next->prev == l && l->prev->next == l;
}

/* Every class bit is set exactly when its list is non-empty. */
static bool class_bits_ok(const struct heap *h)
{
	for (unsigned f = 0; f < HEAP_FL_COUNT; f++) {
		for (unsigned s = 0; s < HEAP_SL_COUNT; s++)
			if (!list_empty(&h->free[f][s]) != (h->sl_bitmap[f] >> s & 1))
				return false;
		if (!h->sl_bitmap[f] != !(h->fl_bitmap >> f & 1))
			return false;
	}
	return true;
}

int heap_check(const struct heap *h)
{
	size_t used = 0, nallocs = 0, nfree = 0, prev = 0;
	bool prev_free = false;
	uintptr_t a;

	for (a = h->start; a < h->end; a += prev) {
		struct hblk *b = blk_at(a);

		if (!sealed(h, b) || b->prev_size != prev || !neighbours_ok(h, b))
			return -EBADMSG;
		if (bfree(b) && (prev_free || !on_free_list(h, b)))
			return -EBADMSG;
		used += bfree(b) ? 0 : bsize(b);
		nallocs += !bfree(b);
		nfree += bfree(b);
		prev_free = bfree(b);
		prev = bsize(b);
	}
	if (a != h->end || bsize(blk_at(a)) || bfree(blk_at(a)))
		return -EBADMSG;
	if (used != h->used_bytes || nallocs != h->nallocs || nfree != h->nfree_blocks)
		return -EBADMSG;
	return class_bits_ok(h) ? 0 : -EBADMSG;
}
