/*
 * The ChaCha20 block function (RFC 8439 section 2.3): 64 bytes of key
 * stream from a 256-bit key, a 32-bit block counter and a 96-bit nonce.
 * kernel/random.c builds the host's random pool on it.
 */
#ifndef LIB_CHACHA20_H
#define LIB_CHACHA20_H

#include <zvm/types.h>

#define CHACHA20_KEY_SIZE 32
#define CHACHA20_NONCE_SIZE 12
#define CHACHA20_BLOCK_SIZE 64

/* Key stream block number counter for key and nonce, into out. */
void chacha20_block(const u8 key[CHACHA20_KEY_SIZE], u32 counter,
		    const u8 nonce[CHACHA20_NONCE_SIZE], u8 out[CHACHA20_BLOCK_SIZE]);

#endif
