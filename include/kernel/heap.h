/*
 * Kernel heap over one caller-given region: a TLSF (two-level segregated
 * fit) allocator with boundary tags.
 *
 * Pure data structure: no locking, no printing, no arch calls; the caller
 * (kernel/mm.c) serialises every call.
 *
 * Why TLSF: heap_alloc and heap_free run in bounded time whatever the heap
 * holds (a few bit scans and list splices, no list walks), which a
 * real-time kernel needs; fragmentation stays low because a request is
 * served from the smallest size class guaranteed to fit ("good fit").
 *
 * Layout: the region is a sequence of physically adjacent blocks, each led
 * by a 16-byte header (size, previous block's size, and a check word that
 * hashes them with the header's address and the heap's identity), ending in
 * a zero-size sentinel header. Payloads are 16-byte aligned. Free blocks
 * are merged with free neighbours immediately, so no two are adjacent.
 *
 * Misuse detection: heap_free() verifies the block's header, that it is
 * allocated, and the headers of both neighbours (a write past the end of a
 * block lands in the next header and is caught when either is freed). A
 * failed check returns -EINVAL and changes nothing. heap_alloc() refuses a
 * free block whose header is broken (a write after free). Not detected:
 * writes within a block's slack (heap_usable_size() bytes are the caller's)
 * and writes after free that spare the header but hit the list links.
 */
#ifndef KERNEL_HEAP_H
#define KERNEL_HEAP_H

#include <zvm/list.h>
#include <zvm/types.h>

#define HEAP_ALIGN 16			/* minimum payload alignment */
#define HEAP_MAX_ALIGN 4096
#define HEAP_SL_SHIFT 4			/* 16 second-level classes per power of two */
#define HEAP_SL_COUNT (1u << HEAP_SL_SHIFT)
#define HEAP_FL_SHIFT 8			/* sizes below 256 use one linear first level */
#define HEAP_MAX_SIZE (1UL << 31)	/* region limit: sizes are kept in 32 bits */
#define HEAP_FL_COUNT (31 - HEAP_FL_SHIFT + 1)

struct heap {
	uintptr_t start;		/* first block header */
	uintptr_t end;			/* sentinel header */
	u64 salt;			/* mixed into every check word */
	u32 fl_bitmap;			/* bit f: some list in row f is non-empty */
	u32 sl_bitmap[HEAP_FL_COUNT];	/* bit s: free[f][s] is non-empty */
	struct list_node free[HEAP_FL_COUNT][HEAP_SL_COUNT];
	size_t used_bytes;		/* allocated blocks, headers included */
	size_t nallocs;			/* live allocations */
	size_t nfree_blocks;
	u64 nfailed;			/* heap_alloc calls that returned NULL */
	u64 nrejected;			/* heap_free calls that returned -EINVAL */
};

struct heap_stats {
	size_t total_bytes;	/* all blocks, headers included (region minus sentinel) */
	size_t used_bytes;	/* allocated blocks, headers included */
	size_t free_bytes;	/* free blocks, headers included */
	size_t largest_free;	/* payload of the largest free block (see heap.c) */
	size_t nallocs;		/* live allocations */
	size_t nfree_blocks;
	u64 nfailed;
	u64 nrejected;
};

/*
 * Manage [base, base + size). base is rounded up to HEAP_ALIGN and size
 * down. Returns 0, or -EINVAL when what remains cannot hold one minimal
 * block or exceeds HEAP_MAX_SIZE.
 */
int heap_init(struct heap *h, void *base, size_t size);

/*
 * Allocate size bytes aligned to align (a power of two up to
 * HEAP_MAX_ALIGN; values below HEAP_ALIGN mean HEAP_ALIGN). Returns NULL
 * when size is 0, align is invalid, or no free block is large enough. The
 * memory is not cleared. Requests with align > HEAP_ALIGN search for
 * size + align + 32 bytes, so they can fail slightly before an exact fit.
 */
void *heap_alloc(struct heap *h, size_t size, size_t align);

/* Free p (NULL is accepted and ignored). Returns 0, or -EINVAL when p is
 * not a live allocation of this heap or a header around it is corrupted. */
int heap_free(struct heap *h, void *p);

/* Bytes usable at p (at least the size requested); 0 for an invalid p. */
size_t heap_usable_size(const struct heap *h, const void *p);

void heap_stats(const struct heap *h, struct heap_stats *st);

/*
 * Walk every block and check headers, neighbour links, that no two free
 * blocks are adjacent, that each free block is on a list, and that the
 * counters add up. O(blocks): for tests and debugging shells, not hot
 * paths. Returns 0 or -EBADMSG.
 */
int heap_check(const struct heap *h);

#endif
