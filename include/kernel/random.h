/*
 * The host's random pool: seeds the boot loader hands over (the device
 * tree's /chosen rng-seed and kaslr-seed, consumed at boot) stretched by a
 * ChaCha20 generator with fast key erasure: every request ends by
 * replacing the key with fresh key stream, so what was handed out cannot
 * be recomputed from the state afterwards.
 *
 * The hypervisor uses it to seed each VM's kernel (/chosen/rng-seed and
 * kaslr-seed in the guest DTB) the way a boot loader would.
 */
#ifndef KERNEL_RANDOM_H
#define KERNEL_RANDOM_H

#include <zvm/types.h>

/* The pool serves requests once this many bytes of seed were credited. */
#define K_RANDOM_SEEDED_BYTES 32

/* Mix len bytes of seed material in; credit says they are uniformly
 * random (a boot loader's seed), not just unpredictable-ish. */
void k_random_add(const void *buf, size_t len, bool credit);
/* Whether k_random_get() would succeed. */
bool k_random_seeded(void);
/* len bytes of output; -EAGAIN (nothing written) until seeded. */
int k_random_get(void *buf, size_t len);

#endif
