/*
 * Buddy page-frame allocator. See include/kernel/page_alloc.h for the
 * contract, the metadata layout and the allocation policy.
 *
 * Why bitmaps instead of free lists threaded through the free pages:
 *   - the lowest-addressed free block of an order is found in O(depth)
 *     (count-trailing-zeros down a 64-ary summary tree), which gives an
 *     address-ordered, reproducible policy without sorted lists;
 *   - free memory is never touched, so a stray write into a free page (or
 *     memory a guest still holds) cannot corrupt the allocator, and the
 *     cache footprint of an operation is a handful of metadata words.
 * Every free block of order k has exactly its bit set in free_map[k]; the
 * meta byte of a page is non-zero only on the head of an allocated block.
 */
#include <kernel/page_alloc.h>
#include <lib/string.h>
#include <zvm/compiler.h>
#include <zvm/errno.h>

/*
 * Meta byte of the head page of an allocated block:
 *   bit 7     set (0 = not the head of an allocated block)
 *   bits 6:5  position of the block in a pa_alloc_pages() run (RUN_*), so a
 *             run is only freed whole, from its start, with its own length
 *   bits 4:0  order
 */
#define META_ALLOC 0x80u
#define META_RUN_SHIFT 5
#define META_ORDER_MASK 0x1fu
enum { RUN_SOLE, RUN_FIRST, RUN_MID, RUN_LAST };

static u8 meta_val(unsigned order, unsigned run)
{
	return (u8)(META_ALLOC | run << META_RUN_SHIFT | order);
}

static inline void *pa_ptr(paddr_t addr)
{
	return (void *)(uintptr_t)addr;
}

static inline unsigned log2_floor(u64 x)
{
	return 63 - (unsigned)__builtin_clzll(x);
}

/* ---- Free bitmap with a 64-ary summary tree ---------------------------- */

/* Lay out a bitmap of nbits bits at base; returns its size in bytes. */
static u64 bm_layout(struct pa_bitmap *bm, paddr_t base, u64 nbits)
{
	u64 off = 0, words;

	bm->nlevels = 0;
	do {
		words = nbits ? (nbits + 63) / 64 : 1;
		bm->level[bm->nlevels++] = pa_ptr(base + off);
		off += words * sizeof(u64);
		nbits = words;
	} while (words > 1);
	return off;
}

static void bm_set(struct pa_bitmap *bm, u64 bit)
{
	for (unsigned l = 0; l < bm->nlevels; l++, bit /= 64) {
		u64 *w = &bm->level[l][bit / 64];
		bool summarised = *w != 0;	/* parent bit already set */

		*w |= BIT_ULL(bit % 64);
		if (summarised)
			break;
	}
}

static void bm_clear(struct pa_bitmap *bm, u64 bit)
{
	for (unsigned l = 0; l < bm->nlevels; l++, bit /= 64) {
		u64 *w = &bm->level[l][bit / 64];

		*w &= ~BIT_ULL(bit % 64);
		if (*w)
			break;	/* word still non-empty: parent bit stays */
	}
}

static bool bm_test(const struct pa_bitmap *bm, u64 bit)
{
	return (bm->level[0][bit / 64] >> (bit % 64)) & 1;
}

/* Lowest set bit; the bitmap must not be empty. */
static u64 bm_first(const struct pa_bitmap *bm)
{
	u64 bit = 0;

	for (unsigned l = bm->nlevels; l-- > 0;)
		bit = bit * 64 + (u64)__builtin_ctzll(bm->level[l][bit]);
	return bit;
}

/* ---- Banks and block numbering ------------------------------------------ */

static struct pa_bank *bank_of(struct page_alloc *pa, paddr_t addr)
{
	for (unsigned i = 0; i < pa->nbanks; i++)
		if (addr >= pa->bank[i].base && addr < pa->bank[i].end)
			return &pa->bank[i];
	return NULL;
}

static u8 *meta_of(struct page_alloc *pa, const struct pa_bank *b, paddr_t addr)
{
	return &pa->meta[b->page_off + ((addr - b->base) >> PAGE_SHIFT)];
}

static bool blk_in_bank(const struct pa_bank *b, paddr_t addr, unsigned k)
{
	return addr >= b->base && addr < b->end && b->end - addr >= PA_ORDER_BYTES(k);
}

static u64 blk_index(const struct pa_bank *b, paddr_t addr, unsigned k)
{
	return b->blk_off[k] + (addr >> (PAGE_SHIFT + k)) - b->blk_first[k];
}

/* Inverse of blk_index(): the address of bit idx of free_map[k]. */
static paddr_t blk_addr(struct page_alloc *pa, unsigned k, u64 idx, struct pa_bank **bp)
{
	struct pa_bank *b = &pa->bank[0];

	while (idx >= b->blk_off[k] + b->nblk[k])
		b++;	/* idx comes from the bitmap, so some bank holds it */
	*bp = b;
	return (b->blk_first[k] + idx - b->blk_off[k]) << (PAGE_SHIFT + k);
}

/* ---- Free-block bookkeeping ---------------------------------------------- */

static void give(struct page_alloc *pa, const struct pa_bank *b, paddr_t addr, unsigned k)
{
	bm_set(&pa->free_map[k], blk_index(b, addr, k));
	pa->nfree[k]++;
	pa->free_pages += 1ULL << k;
}

static void take(struct page_alloc *pa, const struct pa_bank *b, paddr_t addr, unsigned k)
{
	bm_clear(&pa->free_map[k], blk_index(b, addr, k));
	pa->nfree[k]--;
	pa->free_pages -= 1ULL << k;
}

static bool is_free(const struct page_alloc *pa, const struct pa_bank *b, paddr_t addr,
		    unsigned k)
{
	return blk_in_bank(b, addr, k) && bm_test(&pa->free_map[k], blk_index(b, addr, k));
}

/* Return a block to the free maps, merging with free buddies on the way up. */
static void free_block(struct page_alloc *pa, const struct pa_bank *b, paddr_t addr,
		       unsigned k)
{
	for (; k < PA_MAX_ORDER; k++) {
		paddr_t buddy = addr ^ PA_ORDER_BYTES(k);

		if (!is_free(pa, b, buddy, k))
			break;
		take(pa, b, buddy, k);
		addr &= ~PA_ORDER_BYTES(k);
	}
	give(pa, b, addr, k);
}

/* Largest order of a naturally aligned block that starts at s and ends by e. */
static unsigned fit_order(paddr_t s, paddr_t e)
{
	unsigned k = 0;

	while (k < PA_MAX_ORDER && IS_ALIGNED(s, PA_ORDER_BYTES(k + 1)) &&
	       e - s >= PA_ORDER_BYTES(k + 1))
		k++;
	return k;
}

/* Free the page-aligned range [s, e) of bank b as maximal aligned blocks. */
static void free_range(struct page_alloc *pa, const struct pa_bank *b, paddr_t s, paddr_t e)
{
	while (s < e) {
		unsigned k = fit_order(s, e);

		free_block(pa, b, s, k);
		s += PA_ORDER_BYTES(k);
	}
}

/* The bank when addr heads an allocated block of exactly this order and
 * run position; NULL otherwise. */
static struct pa_bank *alloc_head(struct page_alloc *pa, paddr_t addr, unsigned order,
				  unsigned run)
{
	struct pa_bank *b;

	if (order > PA_MAX_ORDER || !IS_ALIGNED(addr, PA_ORDER_BYTES(order)))
		return NULL;
	b = bank_of(pa, addr);
	if (!b || *meta_of(pa, b, addr) != meta_val(order, run))
		return NULL;
	return b;
}

/* Free the allocated block that alloc_head() found (b NULL: nothing). */
static void free_head(struct page_alloc *pa, const struct pa_bank *b, paddr_t addr,
		      unsigned order)
{
	if (!b)
		return;
	*meta_of(pa, b, addr) = 0;
	free_block(pa, b, addr, order);
}

/* ---- Public allocation API ---------------------------------------------- */

int pa_alloc(struct page_alloc *pa, unsigned order, paddr_t *out)
{
	struct pa_bank *b;
	paddr_t addr;
	unsigned k = order;

	if (order > PA_MAX_ORDER)
		return -EINVAL;
	while (k <= PA_MAX_ORDER && !pa->nfree[k])
		k++;
	if (k > PA_MAX_ORDER)
		return -ENOMEM;
	addr = blk_addr(pa, k, bm_first(&pa->free_map[k]), &b);
	take(pa, b, addr, k);
	while (k > order) {	/* keep the low half, free the high one */
		k--;
		give(pa, b, addr + PA_ORDER_BYTES(k), k);
	}
	*meta_of(pa, b, addr) = meta_val(order, RUN_SOLE);
	*out = addr;
	return 0;
}

int pa_free(struct page_alloc *pa, paddr_t addr, unsigned order)
{
	struct pa_bank *b = alloc_head(pa, addr, order, RUN_SOLE);

	if (!b)
		return -EINVAL;
	free_head(pa, b, addr, order);
	return 0;
}

unsigned pa_order_for_pages(u64 npages)
{
	return npages <= 1 ? 0 : log2_floor(npages - 1) + 1;
}

/*
 * A run of npages pages is held as one block per set bit of npages, largest
 * first. Walk them: returns the order of the next piece and its RUN_*
 * position, and removes it from *left.
 */
static unsigned next_piece(u64 npages, u64 *left, unsigned *run)
{
	unsigned k = log2_floor(*left);
	bool first = *left == npages;

	*left &= ~BIT_ULL(k);
	if (first)
		*run = *left ? RUN_FIRST : RUN_SOLE;
	else
		*run = *left ? RUN_MID : RUN_LAST;
	return k;
}

static bool valid_npages(u64 npages)
{
	return npages && npages <= (1ULL << PA_MAX_ORDER);
}

int pa_alloc_pages(struct page_alloc *pa, u64 npages, paddr_t *out)
{
	unsigned order = pa_order_for_pages(npages), k, run;
	paddr_t addr, pos;
	struct pa_bank *b;
	u64 left;
	int ret;

	if (!valid_npages(npages))
		return -EINVAL;
	ret = pa_alloc(pa, order, &addr);
	if (ret)
		return ret;
	b = bank_of(pa, addr);
	for (left = npages, pos = addr; left; pos += PA_ORDER_BYTES(k)) {
		k = next_piece(npages, &left, &run);
		*meta_of(pa, b, pos) = meta_val(k, run);
	}
	free_range(pa, b, pos, addr + PA_ORDER_BYTES(order));	/* the tail */
	*out = addr;
	return 0;
}

int pa_free_pages(struct page_alloc *pa, paddr_t addr, u64 npages)
{
	unsigned k, run;
	paddr_t pos;
	u64 left;

	if (!valid_npages(npages))
		return -EINVAL;
	for (left = npages, pos = addr; left; pos += PA_ORDER_BYTES(k)) {
		k = next_piece(npages, &left, &run);
		if (!alloc_head(pa, pos, k, run))
			return -EINVAL;	/* nothing freed yet */
	}
	for (left = npages, pos = addr; left; pos += PA_ORDER_BYTES(k)) {
		k = next_piece(npages, &left, &run);
		free_head(pa, alloc_head(pa, pos, k, run), pos, k);
	}
	return 0;
}

/* ---- Taking a given block ------------------------------------------------ */

/* The free block of order >= order that holds addr, as its order, or -1. */
static int free_holder(const struct page_alloc *pa, const struct pa_bank *b, paddr_t addr,
		       unsigned order)
{
	for (unsigned k = order; k <= PA_MAX_ORDER; k++)
		if (is_free(pa, b, addr & ~(PA_ORDER_BYTES(k) - 1), k))
			return (int)k;
	return -1;
}

/* The bank holding the whole block of order at addr, NULL if none or it
 * is misaligned. */
static struct pa_bank *block_bank(struct page_alloc *pa, paddr_t addr, unsigned order)
{
	struct pa_bank *b;

	if (order > PA_MAX_ORDER || !IS_ALIGNED(addr, PA_ORDER_BYTES(order)))
		return NULL;
	b = bank_of(pa, addr);
	return b && blk_in_bank(b, addr, order) ? b : NULL;
}

int pa_take(struct page_alloc *pa, paddr_t addr, unsigned order)
{
	struct pa_bank *b = block_bank(pa, addr, order);
	paddr_t head;
	int k;

	if (!b)
		return -EINVAL;
	k = free_holder(pa, b, addr, order);
	if (k < 0)
		return -EBUSY;
	head = addr & ~(PA_ORDER_BYTES((unsigned)k) - 1);
	take(pa, b, head, (unsigned)k);
	/* Split down towards addr, giving back the halves that do not hold it. */
	while ((unsigned)k > order) {
		paddr_t half = PA_ORDER_BYTES((unsigned)--k);

		if (addr & half) {
			give(pa, b, head, (unsigned)k);
			head += half;
		} else {
			give(pa, b, head + half, (unsigned)k);
		}
	}
	*meta_of(pa, b, addr) = meta_val(order, RUN_SOLE);
	return 0;
}

bool pa_block_free(struct page_alloc *pa, paddr_t addr, unsigned order)
{
	struct pa_bank *b = block_bank(pa, addr, order);

	return b && free_holder(pa, b, addr, order) >= 0;
}

unsigned pa_banks(const struct page_alloc *pa, struct mem_range *out, unsigned max)
{
	unsigned i;

	for (i = 0; i < pa->nbanks && i < max; i++)
		out[i] = (struct mem_range){ pa->bank[i].base, pa->bank[i].end - pa->bank[i].base };
	return i;
}

enum pa_page_state pa_page_state(struct page_alloc *pa, paddr_t addr)
{
	struct pa_bank *b = bank_of(pa, addr);

	if (!b)
		return PA_PAGE_NOT_RAM;
	addr &= ~(PAGE_SIZE - 1);
	if (free_holder(pa, b, addr, 0) >= 0)
		return PA_PAGE_FREE;
	for (unsigned k = 0; k <= PA_MAX_ORDER; k++) {
		paddr_t head = addr & ~(PA_ORDER_BYTES(k) - 1);
		u8 m;

		if (head < b->base)
			break;
		m = *meta_of(pa, b, head);
		if ((m & META_ALLOC) && (m & META_ORDER_MASK) == k)
			return PA_PAGE_ALLOCATED;
	}
	return PA_PAGE_RESERVED;
}

/* ---- Statistics ------------------------------------------------------------ */

int pa_largest_free_order(const struct page_alloc *pa)
{
	for (int k = PA_MAX_ORDER; k >= 0; k--)
		if (pa->nfree[k])
			return k;
	return -1;
}

void pa_get_stats(const struct page_alloc *pa, struct pa_stats *st)
{
	st->total_pages = pa->total_pages;
	st->free_pages = pa->free_pages;
	for (unsigned k = 0; k < PA_NR_ORDERS; k++)
		st->free_blocks[k] = pa->nfree[k];
	st->largest_free_order = pa_largest_free_order(pa);
	st->nbanks = pa->nbanks;
	st->meta_base = pa->meta_base;
	st->meta_bytes = pa->meta_bytes;
}

/* ---- Initialisation: banks ------------------------------------------------ */

/* Insert [base, end) keeping bank[] sorted by base (at most 8 entries). */
static void insert_bank(struct page_alloc *pa, paddr_t base, paddr_t end)
{
	unsigned i = pa->nbanks++;

	for (; i > 0 && pa->bank[i - 1].base > base; i--)
		pa->bank[i] = pa->bank[i - 1];
	pa->bank[i].base = base;
	pa->bank[i].end = end;
}

/* Trim every bank to whole pages; drop empty ones, join touching ones. */
static void trim_banks(struct page_alloc *pa)
{
	unsigned n = 0;

	for (unsigned i = 0; i < pa->nbanks; i++) {
		paddr_t base = ALIGN_UP(pa->bank[i].base, PAGE_SIZE);
		paddr_t end = ALIGN_DOWN(pa->bank[i].end, PAGE_SIZE);

		if (base >= end)
			continue;
		if (n && pa->bank[n - 1].end == base) {
			pa->bank[n - 1].end = end;
			continue;
		}
		pa->bank[n].base = base;
		pa->bank[n++].end = end;
	}
	pa->nbanks = n;
}

static int add_banks(struct page_alloc *pa, const struct mem_range *ram, unsigned nram)
{
	if (nram > PA_MAX_BANKS)
		return -E2BIG;
	for (unsigned i = 0; i < nram; i++) {
		paddr_t end = ram[i].base + ram[i].size;

		if (end < ram[i].base || end > PA_MAX_PHYS)
			return -EINVAL;
		if (ram[i].size)
			insert_bank(pa, ram[i].base, end);
	}
	for (unsigned i = 1; i < pa->nbanks; i++)
		if (pa->bank[i].base < pa->bank[i - 1].end)
			return -EINVAL;	/* checked before trimming: raw overlap */
	trim_banks(pa);
	return pa->nbanks ? 0 : -ENOMEM;
}

/* Give every page a meta[] slot and every aligned block a bitmap bit. */
static void number_blocks(struct page_alloc *pa)
{
	u64 pages = 0, off[PA_NR_ORDERS] = { 0 };

	for (unsigned i = 0; i < pa->nbanks; i++) {
		struct pa_bank *b = &pa->bank[i];

		b->page_off = pages;
		pages += (b->end - b->base) >> PAGE_SHIFT;
		for (unsigned k = 0; k < PA_NR_ORDERS; k++) {
			u64 first = ALIGN_UP(b->base, PA_ORDER_BYTES(k)) >> (PAGE_SHIFT + k);
			u64 last = b->end >> (PAGE_SHIFT + k);

			b->blk_first[k] = first;
			b->nblk[k] = last > first ? last - first : 0;
			b->blk_off[k] = off[k];
			off[k] += b->nblk[k];
		}
	}
}

/* Point meta[] and the bitmaps into a carve at base; returns its byte size.
 * Called with base 0 first just to learn the size. */
static u64 layout(struct page_alloc *pa, paddr_t base)
{
	const struct pa_bank *last = &pa->bank[pa->nbanks - 1];
	u64 off = last->page_off + ((last->end - last->base) >> PAGE_SHIFT);

	pa->meta = pa_ptr(base);
	for (unsigned k = 0; k < PA_NR_ORDERS; k++) {
		u64 nbits = last->blk_off[k] + last->nblk[k];

		off = ALIGN_UP(off, sizeof(u64));
		off += bm_layout(&pa->free_map[k], base + off, nbits);
	}
	return off;
}

/* ---- Initialisation: usable runs (RAM minus reservations) ----------------- */

struct run_iter {
	const struct page_alloc *pa;
	const struct mem_range *rsv;
	unsigned nrsv;
	unsigned bank;		/* bank of the run last returned */
	paddr_t cur;		/* where the search resumes */
};

/* Page-widened bounds of reservation i; i == nrsv is the metadata carve. */
static void rsv_bounds(const struct run_iter *it, unsigned i, paddr_t *lo, paddr_t *hi)
{
	paddr_t end;

	if (i == it->nrsv) {
		*lo = it->pa->meta_base;
		*hi = it->pa->meta_base + it->pa->meta_bytes;
		return;
	}
	end = it->rsv[i].base + it->rsv[i].size;
	if (end < it->rsv[i].base || end > PA_MAX_PHYS)
		end = PA_MAX_PHYS;	/* past every bank anyway */
	*lo = ALIGN_DOWN(it->rsv[i].base, PAGE_SIZE);
	*hi = it->rsv[i].size ? ALIGN_UP(end, PAGE_SIZE) : *lo;
}

/* First address >= cur not covered by any reservation (they may overlap or
 * chain, hence the repeat until no reservation moves cur). */
static paddr_t skip_reserved(const struct run_iter *it, paddr_t cur)
{
	paddr_t lo, hi;
	bool moved;

	do {
		moved = false;
		for (unsigned i = 0; i <= it->nrsv; i++) {
			rsv_bounds(it, i, &lo, &hi);
			if (lo <= cur && cur < hi) {
				cur = hi;
				moved = true;
			}
		}
	} while (moved);
	return cur;
}

/* End of the usable run starting at s: the next reservation, or end. */
static paddr_t run_end(const struct run_iter *it, paddr_t s, paddr_t end)
{
	paddr_t lo, hi;

	for (unsigned i = 0; i <= it->nrsv; i++) {
		rsv_bounds(it, i, &lo, &hi);
		if (lo > s && lo < end)
			end = lo;
	}
	return end;
}

/* Next usable run [*s, *e) in address order; false when all are visited. */
static bool run_next(struct run_iter *it, paddr_t *s, paddr_t *e)
{
	for (; it->bank < it->pa->nbanks; it->bank++) {
		const struct pa_bank *b = &it->pa->bank[it->bank];

		it->cur = skip_reserved(it, MAX(it->cur, b->base));
		if (it->cur < b->end) {
			*s = it->cur;
			*e = it->cur = run_end(it, *s, b->end);
			return true;
		}
	}
	return false;
}

static struct run_iter run_start(const struct page_alloc *pa, const struct mem_range *rsv,
				 unsigned nrsv)
{
	return (struct run_iter){ .pa = pa, .rsv = rsv, .nrsv = nrsv };
}

/* Carve the metadata from the smallest usable run that holds it. */
static int place_meta(struct page_alloc *pa, const struct mem_range *rsv, unsigned nrsv)
{
	u64 need = ALIGN_UP(layout(pa, 0), PAGE_SIZE), best = 0;
	struct run_iter it = run_start(pa, rsv, nrsv);
	paddr_t s, e, at = 0;

	while (run_next(&it, &s, &e)) {
		if (e - s >= need && (!best || e - s < best)) {
			best = e - s;
			at = s;
		}
	}
	if (!best)
		return -ENOMEM;
	pa->meta_base = at;
	pa->meta_bytes = need;
	layout(pa, at);
	memset(pa_ptr(at), 0, need);
	return 0;
}

int pa_init(struct page_alloc *pa, const struct mem_range *ram, unsigned nram,
	    const struct mem_range *reserved, unsigned nrsv)
{
	struct run_iter it;
	paddr_t s, e;
	int ret;

	memset(pa, 0, sizeof(*pa));
	ret = add_banks(pa, ram, nram);
	if (ret)
		return ret;
	number_blocks(pa);
	ret = place_meta(pa, reserved, nrsv);
	if (ret)
		return ret;
	it = run_start(pa, reserved, nrsv);
	while (run_next(&it, &s, &e))
		free_range(pa, &pa->bank[it.bank], s, e);
	pa->total_pages = pa->free_pages;
	return pa->total_pages ? 0 : -ENOMEM;
}
