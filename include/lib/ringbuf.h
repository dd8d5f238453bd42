/*
 * Byte ring buffer over caller-supplied storage whose size is a power of two
 * (lib/ringbuf.c).
 *
 * Concurrency: one producer (put/write) and one consumer (get/read/peek/skip)
 * may run concurrently, on different CPUs, without a lock. The producer only
 * writes `head`, the consumer only writes `tail`. Everything else
 * (init/reset, and the *_overwrite variants, which move `tail` from the
 * producer side) needs the caller to serialise against both sides.
 *
 * head and tail are free-running counters: head - tail is the fill level
 * even after they wrap, because the size divides 2^64.
 */
#ifndef LIB_RINGBUF_H
#define LIB_RINGBUF_H

#include <zvm/types.h>

struct ringbuf {
	u8 *buf;
	size_t size;		/* power of two */
	size_t head;		/* next write position; producer-owned */
	size_t tail;		/* next read position; consumer-owned */
};

/* -EINVAL unless size is a non-zero power of two. */
int ringbuf_init(struct ringbuf *rb, void *buf, size_t size);
/* Empty the buffer. Not concurrency-safe. */
void ringbuf_reset(struct ringbuf *rb);

size_t ringbuf_count(const struct ringbuf *rb);	/* bytes stored */
size_t ringbuf_space(const struct ringbuf *rb);	/* bytes free */
bool ringbuf_is_empty(const struct ringbuf *rb);
bool ringbuf_is_full(const struct ringbuf *rb);

/* Producer side. put: false when full. write: returns bytes stored. */
bool ringbuf_put(struct ringbuf *rb, u8 c);
size_t ringbuf_write(struct ringbuf *rb, const void *data, size_t len);

/* Consumer side. get: false when empty. read: returns bytes consumed. */
bool ringbuf_get(struct ringbuf *rb, u8 *c);
size_t ringbuf_read(struct ringbuf *rb, void *data, size_t len);
/* Copy up to len bytes starting `offset` bytes after the oldest, without
 * consuming them; returns bytes copied. */
size_t ringbuf_peek(const struct ringbuf *rb, size_t offset, void *data, size_t len);
/* Drop up to len of the oldest bytes; returns bytes dropped. */
size_t ringbuf_skip(struct ringbuf *rb, size_t len);

/*
 * History-buffer puts (console/log): when full, the oldest bytes are
 * discarded to make room, so they always store everything (only the last
 * `size` bytes of an oversized write are kept). NOT SPSC-safe: they advance
 * `tail` from the producer side, so the caller must lock out consumers.
 */
void ringbuf_put_overwrite(struct ringbuf *rb, u8 c);
void ringbuf_write_overwrite(struct ringbuf *rb, const void *data, size_t len);

#endif
