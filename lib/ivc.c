/*
 * IVC protocol over an ivshmem region (include/lib/ivc.h, docs/ivc.md).
 * Self-contained (no libc, no kernel calls): it builds into the RTOS guest
 * and, unchanged, into the Linux user-space tool.
 */
#include <lib/ivc.h>

#define RING_MIN 64u
#define REC_TRIES 64
#define MSG_HDR(type, len) (((u32)(type) << 24) | (len))
#define MSG_LEN(w) ((w) & 0xffffu)
#define MSG_TYPE(w) ((u8)((w) >> 24))

static u32 ld(volatile u32 *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void st(volatile u32 *p, u32 v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static u32 round4(u32 n)
{
	return (n + 3u) & ~3u;
}

static volatile u32 *slot(struct ivc *c, u32 peer)
{
	return c->base + peer * (c->slot_size / 4);
}

/* The ring that `from` writes and `to` reads, as 32-bit words. */
static volatile u32 *ring(struct ivc *c, u32 from, u32 to)
{
	return slot(c, from) + (IVC_HDR_SIZE + to * c->ring_size) / 4;
}

static bool is_pow2(u32 v)
{
	return v && !(v & (v - 1));
}

/* Largest power of two <= v (v >= 1). */
static u32 pow2_floor(u32 v)
{
	u32 p = 1;

	while (p <= v / 2)
		p *= 2;
	return p;
}

bool ivc_peer_ready(struct ivc *c, u32 peer)
{
	volatile u32 *s;

	if (peer >= IVC_MAX_PEERS)
		return false;
	s = slot(c, peer);
	return ld(&s[IVC_W_MAGIC]) == IVC_MAGIC && s[IVC_W_VERSION] == IVC_VERSION &&
	       s[IVC_W_PEER] == peer && s[IVC_W_SLOT_SIZE] == c->slot_size &&
	       s[IVC_W_RING_SIZE] == c->ring_size;
}

static void set_tail(struct ivc *c, u32 peer, u32 v)
{
	c->tail[peer] = v;
	st(&slot(c, c->self)[IVC_W_TAIL + peer], v);
}

/* Start reading peer's ring to us at what it has written so far. */
static void sync_peer(struct ivc *c, u32 peer)
{
	volatile u32 *s = slot(c, peer);

	c->seen_epoch[peer] = ld(&s[IVC_W_EPOCH]);
	set_tail(c, peer, ld(&s[IVC_W_HEAD + c->self]) & ~3u);
}

/*
 * Our ring to an attached peer restarts where that peer has read up to
 * (its published tail for us): nothing it has not read from our previous
 * life is delivered, and the space it frees is counted right at once, so
 * our first send after a restart does not wait for it to notice our new
 * epoch. start[peer] tells it where, for when it does (check_epoch). Its
 * tail is untrusted: a lie only misplaces our messages to it.
 */
static void resume_writer(struct ivc *c, u32 peer)
{
	volatile u32 *s = slot(c, c->self);
	u32 at = ld(&slot(c, peer)[IVC_W_TAIL + c->self]) & ~3u;

	c->head[peer] = at;
	s[IVC_W_START + peer] = at;
	s[IVC_W_HEAD + peer] = at;
}

int ivc_view(struct ivc *c, volatile void *base, u32 size, u32 self)
{
	if (!base || ((uintptr_t)base & 3) || !is_pow2(size) || size < IVC_MIN_REGION ||
	    size > IVC_MAX_REGION || self >= IVC_MAX_PEERS)
		return IVC_EINVAL;
	*c = (struct ivc){ .base = base, .size = size, .self = self };
	c->slot_size = size / IVC_MAX_PEERS;
	c->ring_size = pow2_floor((c->slot_size - IVC_HDR_SIZE) / IVC_MAX_PEERS);
	return 0;
}

int ivc_attach(struct ivc *c, volatile void *base, u32 size, u32 self)
{
	volatile u32 *s;
	int r = ivc_view(c, base, size, self);

	if (r)
		return r;
	s = slot(c, self);
	st(&s[IVC_W_MAGIC], 0);		/* not ready while it changes */
	c->epoch = s[IVC_W_EPOCH] + 1;	/* any value will do: it only has to change */
	s[IVC_W_VERSION] = IVC_VERSION;
	s[IVC_W_PEER] = self;
	s[IVC_W_SLOT_SIZE] = c->slot_size;
	s[IVC_W_RING_SIZE] = c->ring_size;
	s[IVC_W_REC_SEQ] = 0;
	s[IVC_W_REC_LEN] = 0;
	for (u32 q = 0; q < IVC_MAX_PEERS; q++) {
		if (q != self && ivc_peer_ready(c, q)) {
			resume_writer(c, q);
			sync_peer(c, q);
		} else {
			c->head[q] = s[IVC_W_START + q] = s[IVC_W_HEAD + q] = 0;
			set_tail(c, q, 0);
		}
	}
	st(&s[IVC_W_EPOCH], c->epoch);
	st(&s[IVC_W_MAGIC], IVC_MAGIC);
	return 0;
}

/* A peer that attached again (restarted): its ring to us starts at the
 * start it published (resume_writer()). */
static void check_epoch(struct ivc *c, u32 peer)
{
	volatile u32 *s = slot(c, peer);
	u32 e = ld(&s[IVC_W_EPOCH]);

	if (e != c->seen_epoch[peer]) {
		c->seen_epoch[peer] = e;
		set_tail(c, peer, ld(&s[IVC_W_START + c->self]) & ~3u);
	}
}

static int peer_arg(struct ivc *c, u32 peer)
{
	if (peer >= IVC_MAX_PEERS || peer == c->self)
		return IVC_EINVAL;
	return ivc_peer_ready(c, peer) ? 0 : IVC_ENODEV;
}

/* Little-endian word <-> bytes: user buffers may be unaligned. */
static u32 get_word(const u8 *p, u32 n)
{
	u32 w = 0;

	for (u32 i = 0; i < 4 && i < n; i++)
		w |= (u32)p[i] << (8 * i);
	return w;
}

static void put_word(u8 *p, u32 n, u32 w)
{
	for (u32 i = 0; i < 4 && i < n; i++)
		p[i] = (u8)(w >> (8 * i));
}

int ivc_send(struct ivc *c, u32 peer, u8 type, const void *data, u32 len)
{
	int r = peer_arg(c, peer);
	volatile u32 *rg;
	u32 h, used, words, mask = c->ring_size / 4 - 1;
	const u8 *src = data;

	if (r)
		return r;
	if (!len || len > IVC_MSG_MAX || !data)
		return IVC_EINVAL;
	h = c->head[peer];
	used = h - ld(&slot(c, peer)[IVC_W_TAIL + c->self]);
	if (used > c->ring_size)
		return IVC_EBADMSG;	/* its tail is nonsense: it hurts only itself */
	if (4 + round4(len) > c->ring_size - used)
		return IVC_EAGAIN;
	rg = ring(c, c->self, peer);
	words = h / 4;
	rg[words++ & mask] = MSG_HDR(type, len);
	for (u32 off = 0; off < len; off += 4)
		rg[words++ & mask] = get_word(src + off, len - off);
	c->head[peer] = h + 4 + round4(len);
	st(&slot(c, c->self)[IVC_W_HEAD + peer], c->head[peer]);
	return 0;
}

/* Skip everything the peer has written: its ring made no sense. */
static int resync(struct ivc *c, u32 peer, u32 head)
{
	set_tail(c, peer, head & ~3u);
	c->resyncs++;
	return IVC_EBADMSG;
}

int ivc_recv(struct ivc *c, u32 peer, u8 *type, void *buf, u32 cap)
{
	int r = peer_arg(c, peer);
	volatile u32 *rg;
	u32 h, t, avail, w, len, words, mask = c->ring_size / 4 - 1;

	if (r)
		return r;
	check_epoch(c, peer);
	t = c->tail[peer];
	h = ld(&slot(c, peer)[IVC_W_HEAD + c->self]);
	avail = h - t;
	if (!avail)
		return 0;
	if (avail > c->ring_size || (avail & 3))
		return resync(c, peer, h);
	rg = ring(c, peer, c->self);
	words = t / 4;
	w = rg[words++ & mask];
	len = MSG_LEN(w);
	if (!len || len > IVC_MSG_MAX || 4 + round4(len) > avail)
		return resync(c, peer, h);
	if (len > cap || !buf)
		return IVC_EMSGSIZE;
	for (u32 off = 0; off < len; off += 4)
		put_word((u8 *)buf + off, len - off, rg[words++ & mask]);
	if (type)
		*type = MSG_TYPE(w);
	set_tail(c, peer, t + 4 + round4(len));
	return (int)len;
}

int ivc_publish(struct ivc *c, const void *rec, u32 len)
{
	volatile u32 *s = slot(c, c->self);
	u32 seq = c->rec_seq;
	const u8 *src = rec;

	if (len > IVC_REC_MAX || (len && !rec))
		return IVC_EINVAL;
	st(&s[IVC_W_REC_SEQ], seq + 1);		/* odd: being written */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (u32 off = 0; off < len; off += 4)
		s[IVC_W_REC + off / 4] = get_word(src + off, len - off);
	s[IVC_W_REC_LEN] = len;
	c->rec_seq = seq + 2;
	st(&s[IVC_W_REC_SEQ], c->rec_seq);
	return 0;
}

int ivc_read_record(struct ivc *c, u32 peer, void *buf, u32 cap)
{
	int r = peer == c->self ? 0 : peer_arg(c, peer);
	volatile u32 *s = slot(c, peer);

	if (r)
		return r;
	for (int i = 0; i < REC_TRIES; i++) {
		u32 seq = ld(&s[IVC_W_REC_SEQ]), len = s[IVC_W_REC_LEN], n;

		if (seq & 1)
			continue;
		n = len < cap ? len : cap;
		for (u32 off = 0; n <= IVC_REC_MAX && off < n; off += 4)
			put_word((u8 *)buf + off, n - off, s[IVC_W_REC + off / 4]);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (ld(&s[IVC_W_REC_SEQ]) != seq)
			continue;
		if (len > IVC_REC_MAX)
			return IVC_EBADMSG;
		return len > cap ? IVC_EMSGSIZE : (int)len;
	}
	return IVC_EAGAIN;
}
