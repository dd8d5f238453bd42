/*
 * Identity-mapped VM RAM: reserve exactly [base, base + size) from the
 * page allocator (see include/virt/vm_identity.h). Named regions are
 * checked first, so the message says "the image pack" rather than "a
 * reserved page"; what the allocator refuses is then named by its state.
 */
#include <lib/errmsg.h>
#include <virt/vm_identity.h>
#include <zvm/errno.h>

#define ID_FMT "memory_at %#llx+%#llx"
#define ID_ARGS(b, s) (unsigned long long)(b), (unsigned long long)(s)

static bool ident_overlaps(u64 a, u64 as, u64 b, u64 bs)
{
	return as && bs && a < b + bs && b < a + as;
}

static int check_regions(const struct ident_region *rg, unsigned int n, u64 base, u64 size,
			 char *err, size_t errlen)
{
	for (unsigned int i = 0; i < n; i++) {
		const struct ident_region *r = &rg[i];

		if (!ident_overlaps(base, size, r->base, r->size))
			continue;
		if (!r->what)
			return errmsg_set(err, errlen, -EBUSY, ID_FMT " overlaps vm %u's RAM",
					  ID_ARGS(base, size), r->vm);
		return errmsg_set(err, errlen, -EBUSY, ID_FMT " overlaps %s [%#llx, %#llx)",
				  ID_ARGS(base, size), r->what, (unsigned long long)r->base,
				  (unsigned long long)(r->base + r->size));
	}
	return 0;
}

/* The first page of the block at blk that the allocator would not give. */
static paddr_t first_busy(const struct ident_pages *pg, paddr_t blk)
{
	for (paddr_t p = blk; p < blk + VM_IDENT_BLOCK; p += PAGE_SIZE)
		if (pg->state(pg->ctx, p) != PA_PAGE_FREE)
			return p;
	return blk;	/* freed meanwhile: blame the block */
}

static int busy(const struct ident_pages *pg, u64 base, u64 size, paddr_t blk, char *err,
		size_t errlen)
{
	paddr_t p = first_busy(pg, blk);
	enum pa_page_state st = pg->state(pg->ctx, p);
	int vm = st == PA_PAGE_ALLOCATED && pg->owner ? pg->owner(pg->ctx, p) : -1;

	if (st == PA_PAGE_NOT_RAM)
		return errmsg_set(err, errlen, -EINVAL,
				  ID_FMT ": %#llx is not host RAM (a device window or a hole)",
				  ID_ARGS(base, size), (unsigned long long)p);
	if (vm >= 0)
		return errmsg_set(err, errlen, -EBUSY, ID_FMT ": page %#llx is vm %d's RAM",
				  ID_ARGS(base, size), (unsigned long long)p, vm);
	return errmsg_set(err, errlen, -EBUSY, ID_FMT ": page %#llx is %s", ID_ARGS(base, size),
			  (unsigned long long)p,
			  st == PA_PAGE_RESERVED ? "reserved by the host (firmware or its own metadata)"
						 : "in use by the host (heap, page tables)");
}

int vm_ident_reserve(const struct ident_pages *pg, const struct ident_region *rg,
		     unsigned int n, u64 base, u64 size, char *err, size_t errlen)
{
	u64 done = 0;
	int r;

	if (!size || (base | size) % VM_IDENT_BLOCK || base + size < base)
		return errmsg_set(err, errlen, -EINVAL, ID_FMT " is not a 2 MiB aligned range",
				  ID_ARGS(base, size));
	r = check_regions(rg, n, base, size, err, errlen);
	for (; !r && done < size; done += VM_IDENT_BLOCK)
		if (pg->take(pg->ctx, base + done, VM_IDENT_ORDER)) {
			r = busy(pg, base, size, base + done, err, errlen);
			break;
		}
	while (r && done) {	/* give back what was taken: all or nothing */
		done -= VM_IDENT_BLOCK;
		pg->free(pg->ctx, base + done, VM_IDENT_ORDER);
	}
	return r;
}
