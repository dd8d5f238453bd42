/*
 * The host's random pool (include/kernel/random.h): a 256-bit ChaCha20 key
 * under a lock. Seed material is XORed into the key 32 bytes at a time,
 * each chunk followed by a stir; output is key stream under a nonce of
 * its own, and every request ends with a rekey (fast key erasure).
 */
#include <kernel/random.h>
#include <kernel/spinlock.h>
#include <lib/chacha20.h>
#include <lib/string.h>
#include <zvm/errno.h>

/* Domain separation: the three uses of the key never share a stream. */
static const u8 nonce_stir[CHACHA20_NONCE_SIZE] = "zvm-rnd-stir";
static const u8 nonce_out[CHACHA20_NONCE_SIZE] = "zvm-rnd-out.";
static const u8 nonce_rekey[CHACHA20_NONCE_SIZE] = "zvm-rnd-key.";

static struct {
	spinlock_t lock;
	u8 key[CHACHA20_KEY_SIZE];
	size_t credited;
} pool = { .lock = SPINLOCK_INIT };

/* The key becomes the first 32 bytes of its own stream under nonce. */
static void pool_rekey(const u8 *nonce)
{
	u8 block[CHACHA20_BLOCK_SIZE];

	chacha20_block(pool.key, 0, nonce, block);
	memcpy(pool.key, block, sizeof(pool.key));
	memzero_explicit(block, sizeof(block));
}

void k_random_add(const void *buf, size_t len, bool credit)
{
	const u8 *p = buf;
	unsigned long f = spin_lock_irqsave(&pool.lock);

	for (size_t done = 0; done < len; done += CHACHA20_KEY_SIZE) {
		for (size_t i = 0; i < CHACHA20_KEY_SIZE && done + i < len; i++)
			pool.key[i] ^= p[done + i];
		pool_rekey(nonce_stir);
	}
	if (credit)
		pool.credited += len;
	spin_unlock_irqrestore(&pool.lock, f);
}

bool k_random_seeded(void)
{
	return __atomic_load_n(&pool.credited, __ATOMIC_RELAXED) >= K_RANDOM_SEEDED_BYTES;
}

int k_random_get(void *buf, size_t len)
{
	u8 block[CHACHA20_BLOCK_SIZE];
	u8 *out = buf;
	unsigned long f = spin_lock_irqsave(&pool.lock);
	u32 ctr = 0;

	if (pool.credited < K_RANDOM_SEEDED_BYTES) {
		spin_unlock_irqrestore(&pool.lock, f);
		return -EAGAIN;
	}
	for (size_t done = 0; done < len; done += sizeof(block)) {
		size_t n = len - done < sizeof(block) ? len - done : sizeof(block);

		chacha20_block(pool.key, ctr++, nonce_out, block);
		memcpy(out + done, block, n);
	}
	pool_rekey(nonce_rekey);
	spin_unlock_irqrestore(&pool.lock, f);
	memzero_explicit(block, sizeof(block));
	return 0;
}
