/* The ChaCha20 block function, as RFC 8439 section 2.3 specifies it. */
#include <lib/chacha20.h>
#include <lib/string.h>

/* "expand 32-byte k" as four little-endian words (RFC 8439 2.3). */
static const u32 chacha20_sigma[4] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 };

static u32 rotl32(u32 v, unsigned int n)
{
	return v << n | v >> (32 - n);
}

static u32 load_le32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static void store_le32(u8 *p, u32 v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (u8)(v >> (8 * i));
}

static void quarter_round(u32 *x, int a, int b, int c, int d)
{
	x[a] += x[b];
	x[d] = rotl32(x[d] ^ x[a], 16);
	x[c] += x[d];
	x[b] = rotl32(x[b] ^ x[c], 12);
	x[a] += x[b];
	x[d] = rotl32(x[d] ^ x[a], 8);
	x[c] += x[d];
	x[b] = rotl32(x[b] ^ x[c], 7);
}

/* Ten double rounds: a column round, then a diagonal round (2.3). */
static void chacha20_rounds(u32 *x)
{
	for (int i = 0; i < 10; i++) {
		quarter_round(x, 0, 4, 8, 12);
		quarter_round(x, 1, 5, 9, 13);
		quarter_round(x, 2, 6, 10, 14);
		quarter_round(x, 3, 7, 11, 15);
		quarter_round(x, 0, 5, 10, 15);
		quarter_round(x, 1, 6, 11, 12);
		quarter_round(x, 2, 7, 8, 13);
		quarter_round(x, 3, 4, 9, 14);
	}
}

void chacha20_block(const u8 key[CHACHA20_KEY_SIZE], u32 counter,
		    const u8 nonce[CHACHA20_NONCE_SIZE], u8 out[CHACHA20_BLOCK_SIZE])
{
	u32 in[16], x[16];

	for (int i = 0; i < 4; i++)
		in[i] = chacha20_sigma[i];
	for (int i = 0; i < 8; i++)
		in[4 + i] = load_le32(key + 4 * i);
	in[12] = counter;
	for (int i = 0; i < 3; i++)
		in[13 + i] = load_le32(nonce + 4 * i);
	for (int i = 0; i < 16; i++)
		x[i] = in[i];
	chacha20_rounds(x);
	for (int i = 0; i < 16; i++)
		store_le32(out + 4 * i, x[i] + in[i]);
	/* in[] holds the key, x[] the rest of the output: a pool that erases
	 * its old key must not leave it here. */
	memzero_explicit(in, sizeof(in));
	memzero_explicit(x, sizeof(x));
}
