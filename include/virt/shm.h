/*
 * Inter-VM shared memory regions (virt/shm.c): the host side of the
 * manifest's [shm NAME] sections. A region's memory is allocated and zeroed
 * when the first member VM is created and scrubbed and freed when the last
 * one is deleted; a VM restart keeps it. Each member VM holds its peer id
 * (its template's position in the region's member list) while it exists.
 *
 * Locking: shm_get()/shm_put() (allocation, user count) sleep on a mutex,
 * from VM creation and deletion only. r->lock, a spinlock taken with IRQs
 * off and held for O(1) work, guards r->peers[] and the registers of every
 * member's ivshmem device, so that a doorbell from one VM sets another's
 * interrupt state consistently; it is taken before a vGIC lock (virq_set_
 * level() under it), never after.
 */
#ifndef VIRT_SHM_H
#define VIRT_SHM_H

#include <kernel/spinlock.h>
#include <lib/pack.h>

struct ivshmem;

struct shm_region {
	spinlock_t lock;
	const char *name;		/* in the pack */
	u64 size;
	paddr_t pa;			/* size bytes, size-aligned */
	u32 nmembers;			/* valid peer ids are 0 .. nmembers - 1 */
	unsigned int users;		/* VMs that hold it (shm_get()) */
	struct ivshmem *peers[PACK_SHM_MAX_PEERS];	/* the device holding each peer id */
};

/* Region index of pack pk, allocated and zeroed for its first user; NULL
 * with a message in err when memory is short. */
struct shm_region *shm_get(const struct pack *pk, u32 index, char *err, size_t errlen);
/* The last user gone: scrubbed and freed. Only once no stage 2 maps it. */
void shm_put(struct shm_region *r);
/* Take peer id `peer` for dev; -EBUSY with err naming the VM that holds it. */
int shm_claim(struct shm_region *r, u32 peer, struct ivshmem *dev, char *err, size_t errlen);
/* Give it back (no-op unless dev holds it): no doorbell reaches dev after. */
void shm_unclaim(struct shm_region *r, u32 peer, struct ivshmem *dev);

#endif
