/*
 * Inter-VM shared memory regions: allocation, lifetime and peer ids
 * (include/virt/shm.h). The regions are the pack's, indexed as in its shm
 * table; their memory exists only while a member VM does.
 */
#include <kernel/arch_interface.h>
#include <kernel/mm.h>
#include <kernel/page_alloc.h>
#include <kernel/sync.h>
#include <lib/errmsg.h>
#include <lib/string.h>
#include <virt/ivshmem.h>
#include <virt/shm.h>
#include <virt/vm.h>
#include <zvm/errno.h>

static struct shm_region regions[PACK_MAX_SHM];
static struct mutex shm_mutex = MUTEX_INIT(shm_mutex);

static unsigned int shm_order(u64 size)
{
	return (unsigned int)__builtin_ctzll(size) - PAGE_SHIFT;
}

/* Under shm_mutex, for the first user. The guests may map it uncached
 * (an MMU-off guest's accesses are Device): the zeros must be in memory,
 * not only in this CPU's cache. */
static int shm_alloc(struct shm_region *r, const struct pack_shm *s, char *err, size_t errlen)
{
	paddr_t pa;

	if (pages_alloc(shm_order(s->size), &pa))
		return errmsg_set(err, errlen, -ENOMEM,
				  "no memory for shared region '%s' (%llu KiB contiguous)", s->name,
				  (unsigned long long)(s->size >> 10));
	memset((void *)pa, 0, s->size);
	arch_dcache_clean_inval_poc((void *)pa, s->size);
	*r = (struct shm_region){ .lock = SPINLOCK_INIT, .name = s->name, .size = s->size,
				  .pa = pa, .nmembers = s->nmembers };
	return 0;
}

struct shm_region *shm_get(const struct pack *pk, u32 index, char *err, size_t errlen)
{
	struct shm_region *r;
	struct pack_shm s;
	int ret = 0;

	if (index >= PACK_MAX_SHM || pack_get_shm(pk, index, &s)) {
		errmsg_set(err, errlen, -EINVAL, "no shared region %u in the pack", index);
		return NULL;
	}
	r = &regions[index];
	mutex_lock(&shm_mutex, K_FOREVER);
	if (!r->users)
		ret = shm_alloc(r, &s, err, errlen);
	if (!ret)
		r->users++;
	mutex_unlock(&shm_mutex);
	return ret ? NULL : r;
}

void shm_put(struct shm_region *r)
{
	mutex_lock(&shm_mutex, K_FOREVER);
	if (r->users && !--r->users) {
		/* Scrub: the next owner of these pages must not see the data. */
		memzero_explicit((void *)r->pa, r->size);
		pages_free(r->pa, shm_order(r->size));
		r->pa = 0;
	}
	mutex_unlock(&shm_mutex);
}

int shm_claim(struct shm_region *r, u32 peer, struct ivshmem *dev, char *err, size_t errlen)
{
	unsigned long flags = spin_lock_irqsave(&r->lock);
	struct ivshmem *holder = peer < r->nmembers ? r->peers[peer] : NULL;
	unsigned int id = holder ? holder->vm->id : 0;
	int ret = peer < r->nmembers && !holder ? 0 : -EBUSY;

	if (!ret)
		r->peers[peer] = dev;
	spin_unlock_irqrestore(&r->lock, flags);
	if (ret && holder)
		return errmsg_set(err, errlen, ret,
				  "shared region '%s': peer %u is held by vm %u (another VM of this template)",
				  r->name, peer, id);
	if (ret)
		return errmsg_set(err, errlen, -EINVAL, "shared region '%s' has no peer %u",
				  r->name, peer);
	return 0;
}

void shm_unclaim(struct shm_region *r, u32 peer, struct ivshmem *dev)
{
	unsigned long flags = spin_lock_irqsave(&r->lock);

	if (peer < r->nmembers && r->peers[peer] == dev)
		r->peers[peer] = NULL;
	spin_unlock_irqrestore(&r->lock, flags);
}
