/*
 * IVC: the message protocol ZVM's guests speak over an ivshmem region
 * (docs/ivc.md). The same file builds into our RTOS guest and into the
 * Linux tool (tools/ivshmem), so both sides agree by construction.
 *
 * The region is split into IVC_MAX_PEERS equal slots; slot p belongs to
 * peer p (its ivshmem IVPosition) and only p writes it. A slot holds:
 *  - a header: magic, version, geometry, set by the owner at ivc_attach();
 *  - head[q]: bytes the owner has written into its ring to peer q;
 *  - tail[q]: bytes the owner has read from peer q's ring to it;
 *  - start[q]: where its ring to q restarted at its last attach (q's tail
 *    then), which q's reader resumes at when it sees the new epoch;
 *  - a record the owner publishes under a sequence lock (statistics);
 *  - IVC_MAX_PEERS rings, one per destination (single producer, single
 *    consumer: every index has exactly one writer).
 * Everything read from the region is untrusted (any member can write all
 * of it): a side keeps its own indices privately and only publishes them;
 * a peer's geometry, indices and message lengths are checked on every
 * read, and a peer whose indices make no sense is resynchronised, never
 * followed out of bounds.
 *
 * All shared accesses are aligned 32-bit loads and stores: stock Linux
 * maps a PCI BAR as Device memory, where unaligned or wider accesses may
 * fault.
 */
#ifndef LIB_IVC_H
#define LIB_IVC_H

#include <zvm/types.h>

#define IVC_MAGIC 0x4356495a		/* "ZIVC" little-endian */
#define IVC_VERSION 2		/* 2: a re-attached writer resumes at its reader's tail */
#define IVC_MAX_PEERS 8
#define IVC_HDR_SIZE 512		/* slot header; rings follow it */
#define IVC_REC_MAX 192			/* bytes of a published record */
#define IVC_MSG_MAX 256			/* payload bytes of one message */
#define IVC_MIN_REGION (IVC_MAX_PEERS * (IVC_HDR_SIZE + IVC_MAX_PEERS * 64))
#define IVC_MAX_REGION (1u << 30)

/* Errors (negative returns). */
#define IVC_EINVAL (-22)		/* bad argument */
#define IVC_EAGAIN (-11)		/* ring full / record being written */
#define IVC_ENODEV (-19)		/* the peer has not attached */
#define IVC_EBADMSG (-74)		/* the peer's data was malformed: resynced */
#define IVC_EMSGSIZE (-90)		/* message larger than the buffer */

/* The slot header's layout in 32-bit words (docs/ivc.md). */
enum ivc_word {
	IVC_W_MAGIC, IVC_W_VERSION, IVC_W_PEER, IVC_W_SLOT_SIZE, IVC_W_RING_SIZE,
	IVC_W_REC_SEQ, IVC_W_REC_LEN, IVC_W_EPOCH,
	IVC_W_HEAD = 8,				/* head[IVC_MAX_PEERS] */
	IVC_W_TAIL = IVC_W_HEAD + IVC_MAX_PEERS,	/* tail[IVC_MAX_PEERS] */
	IVC_W_START = IVC_W_TAIL + IVC_MAX_PEERS,	/* start[IVC_MAX_PEERS] */
	IVC_W_REC = 32,				/* record: IVC_REC_MAX bytes */
	IVC_W_END = IVC_W_REC + IVC_REC_MAX / 4,
};

/* One side's view of the region. */
struct ivc {
	volatile u32 *base;		/* the mapped region */
	u32 size;			/* bytes */
	u32 self;			/* our peer id */
	u32 slot_size, ring_size;	/* geometry (both sides derive the same) */
	u32 epoch;			/* our attach count, to tell restarts apart */
	/* Our own indices, kept here and only published to our slot: any
	 * member can write anywhere in the region, so we never read them back. */
	u32 head[IVC_MAX_PEERS], tail[IVC_MAX_PEERS], rec_seq;
	u32 seen_epoch[IVC_MAX_PEERS];	/* each peer's epoch when last synced */
	u32 resyncs;			/* malformed data seen from peers */
};

/*
 * Attach as peer `self` to a region of `size` bytes (a power of two,
 * IVC_MIN_REGION..IVC_MAX_REGION) at `base`: initialise our slot (our rings
 * empty, our reads start at what each peer has already written), publish
 * the magic last. Returns 0 or IVC_EINVAL.
 */
int ivc_attach(struct ivc *c, volatile void *base, u32 size, u32 self);
/*
 * Only look: set up c with the geometry ivc_attach() would use, writing
 * nothing, for ivc_peer_ready() and ivc_read_record() from a process that
 * must not disturb the attached owner of slot `self` (the Linux tool's
 * `list` and `stats`). Returns 0 or IVC_EINVAL, as ivc_attach().
 */
int ivc_view(struct ivc *c, volatile void *base, u32 size, u32 self);
/* Whether peer has attached (a valid slot header with our geometry). */
bool ivc_peer_ready(struct ivc *c, u32 peer);
/* Queue a message of `len` (1..IVC_MSG_MAX) bytes with `type` to peer.
 * 0, or IVC_EAGAIN (ring full), IVC_ENODEV, IVC_EINVAL. */
int ivc_send(struct ivc *c, u32 peer, u8 type, const void *data, u32 len);
/* Take the next message from peer: its length (> 0) with type and data
 * filled in, 0 if none, or IVC_ENODEV / IVC_EMSGSIZE (left queued) /
 * IVC_EBADMSG (the peer's ring made no sense: skipped to its head). */
int ivc_recv(struct ivc *c, u32 peer, u8 *type, void *buf, u32 cap);
/* Publish our record (len <= IVC_REC_MAX) under the sequence lock. */
int ivc_publish(struct ivc *c, const void *rec, u32 len);
/* Read peer's record: its length, IVC_EAGAIN if it kept changing, or
 * IVC_ENODEV / IVC_EBADMSG / IVC_EMSGSIZE. */
int ivc_read_record(struct ivc *c, u32 peer, void *buf, u32 cap);

#endif
