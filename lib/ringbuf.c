/*
 * Lock-free single-producer/single-consumer byte ring.
 *
 * Ordering rules (the fences compile to DMB on arm64):
 *  - A side reads the other side's index with READ_ONCE, then issues an
 *    acquire fence, so its following data accesses cannot move before that
 *    read: the consumer must not read bytes before it has seen the head that
 *    published them, and the producer must not overwrite a slot before it has
 *    seen the tail that freed it.
 *  - A side issues a release fence before publishing its own index with
 *    WRITE_ONCE, so its data accesses (the producer's stores, the consumer's
 *    loads) complete before the other side can observe the new index.
 */
#include <lib/ringbuf.h>
#include <lib/string.h>
#include <zvm/compiler.h>
#include <zvm/errno.h>

static size_t load_acquire(const size_t *idx)
{
	size_t v = READ_ONCE(*idx);

	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return v;
}

static void store_release(size_t *idx, size_t v)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
	WRITE_ONCE(*idx, v);
}

int ringbuf_init(struct ringbuf *rb, void *buf, size_t size)
{
	if (!buf || size == 0 || (size & (size - 1)))
		return -EINVAL;
	rb->buf = buf;
	rb->size = size;
	ringbuf_reset(rb);
	return 0;
}

void ringbuf_reset(struct ringbuf *rb)
{
	rb->head = 0;
	rb->tail = 0;
}

size_t ringbuf_count(const struct ringbuf *rb)
{
	return READ_ONCE(rb->head) - READ_ONCE(rb->tail);
}

size_t ringbuf_space(const struct ringbuf *rb)
{
	return rb->size - ringbuf_count(rb);
}

bool ringbuf_is_empty(const struct ringbuf *rb)
{
	return ringbuf_count(rb) == 0;
}

bool ringbuf_is_full(const struct ringbuf *rb)
{
	return ringbuf_count(rb) == rb->size;
}

/* Copy len bytes into the ring at free-running position pos (may wrap). */
static void copy_in(struct ringbuf *rb, size_t pos, const u8 *src, size_t len)
{
	size_t at = pos & (rb->size - 1);
	size_t first = MIN(len, rb->size - at);

	memcpy(rb->buf + at, src, first);
	memcpy(rb->buf, src + first, len - first);
}

/* Copy len bytes out of the ring from free-running position pos. */
static void copy_out(const struct ringbuf *rb, size_t pos, u8 *dst, size_t len)
{
	size_t at = pos & (rb->size - 1);
	size_t first = MIN(len, rb->size - at);

	memcpy(dst, rb->buf + at, first);
	memcpy(dst + first, rb->buf, len - first);
}

size_t ringbuf_write(struct ringbuf *rb, const void *data, size_t len)
{
	size_t head = rb->head;	/* our own index: no ordering needed */
	size_t space = rb->size - (head - load_acquire(&rb->tail));

	len = MIN(len, space);
	copy_in(rb, head, data, len);
	store_release(&rb->head, head + len);
	return len;
}

bool ringbuf_put(struct ringbuf *rb, u8 c)
{
	return ringbuf_write(rb, &c, 1) == 1;
}

size_t ringbuf_peek(const struct ringbuf *rb, size_t offset, void *data, size_t len)
{
	size_t tail = rb->tail;
	size_t count = load_acquire(&rb->head) - tail;

	if (offset >= count)
		return 0;
	len = MIN(len, count - offset);
	copy_out(rb, tail + offset, data, len);
	return len;
}

size_t ringbuf_skip(struct ringbuf *rb, size_t len)
{
	size_t tail = rb->tail;
	size_t count = load_acquire(&rb->head) - tail;	/* once: MIN() evaluates twice */

	len = MIN(len, count);
	store_release(&rb->tail, tail + len);
	return len;
}

size_t ringbuf_read(struct ringbuf *rb, void *data, size_t len)
{
	len = ringbuf_peek(rb, 0, data, len);
	/* skip's release fence orders the copy before the slots are freed */
	return ringbuf_skip(rb, len);
}

bool ringbuf_get(struct ringbuf *rb, u8 *c)
{
	return ringbuf_read(rb, c, 1) == 1;
}

void ringbuf_write_overwrite(struct ringbuf *rb, const void *data, size_t len)
{
	const u8 *src = data;
	size_t space, excess;

	if (len > rb->size) {	/* only the newest `size` bytes can survive */
		src += len - rb->size;
		len = rb->size;
	}
	space = ringbuf_space(rb);
	excess = len > space ? len - space : 0;
	rb->tail += excess;	/* drop the oldest; caller holds the lock */
	copy_in(rb, rb->head, src, len);
	rb->head += len;
}

void ringbuf_put_overwrite(struct ringbuf *rb, u8 c)
{
	ringbuf_write_overwrite(rb, &c, 1);
}
