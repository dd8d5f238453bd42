/*
 * ivshmem tool: the IVC side (docs/ivc.md): open the protocol on a device,
 * send with retries, wait for one kind of message.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <lib/ivc_app.h>

#include "ivshmem.h"
#include "proto.h"

/* Open the device and the protocol on it: attached (we will send and
 * receive; one process at a time) or only a view (nothing written). */
int ivs_proto_open(struct ivs_proto *p, const struct ivs_opts *o, bool attach)
{
	u32 self;
	int r;

	if (ivs_open(&p->d, o->dev) || ivs_self(&p->d, o, &self))
		return -1;
	if (p->d.size > IVC_MAX_REGION || ivc_view(&p->c, p->d.mem, (u32)p->d.size, self))
		return ivs_err("%s: a region of %llu bytes is not an IVC region (a power of two, "
			       "%u bytes..1 GiB)", p->d.bdf, (unsigned long long)p->d.size,
			       IVC_MIN_REGION);
	if (!attach)
		return 0;
	if (ivs_lock(&p->d))
		return -1;
	r = ivc_attach(&p->c, p->d.mem, (u32)p->d.size, self);
	return r ? ivs_err("attaching as peer %u: error %d", self, r) : 0;
}

/* The peer we talk to must be another one, and attached. */
int ivs_proto_peer(struct ivs_proto *p, const char *arg, u32 *peer)
{
	unsigned long long v;

	if (ivs_parse_u64(arg, "PEER", IVC_MAX_PEERS - 1, &v))
		return -1;
	*peer = (u32)v;
	if (*peer == p->c.self)
		return ivs_err("peer %u is ourselves", *peer);
	if (!ivc_peer_ready(&p->c, *peer))
		return ivs_err("peer %u has not attached to the region on %s (is its VM running?)",
			       *peer, p->d.bdf);
	return 0;
}

/*
 * Queue a message and ring the peer. A full ring, or the peer's tail ahead
 * of our head (it was still reading our old ring while we re-attached: it
 * resyncs at its next receive, docs/ivc.md), is retried, ringing it each
 * time, until the deadline.
 */
int ivs_proto_send(struct ivs_proto *p, u32 peer, u8 type, const void *msg, u32 len,
		   long long deadline)
{
	int r;

	while ((r = ivc_send(&p->c, peer, type, msg, len)) == IVC_EAGAIN || r == IVC_EBADMSG) {
		ivs_ring(&p->d, peer, 0);
		if (ivs_now_us() >= deadline)
			return ivs_err("peer %u is not reading our messages (no room in its ring)",
				       peer);
		usleep(1000);
	}
	if (r == IVC_ENODEV)
		return ivs_err("peer %u has left the region", peer);
	if (r)
		return ivs_err("sending %u bytes to peer %u: error %d", len, peer, r);
	return ivs_ring(&p->d, peer, 0);
}

/*
 * Wait until the deadline for a message of `type` from peer (others are
 * dropped): its length, 0 on timeout, -1 on error. Doorbells wake us; the
 * ring is also checked every 10 ms, a peer may not ring.
 */
int ivs_proto_await(struct ivs_proto *p, u32 peer, u8 type, void *buf, u32 cap,
		    long long deadline)
{
	for (;;) {
		u8 t;
		int r = ivc_recv(&p->c, peer, &t, buf, cap);
		long long left = (deadline - ivs_now_us()) / 1000;
		u32 st;

		if (r > 0 && t == type)
			return r;
		if (r == IVC_ENODEV)
			return ivs_err("peer %u has left the region", peer);
		if (r == IVC_EMSGSIZE)
			return ivs_err("peer %u sent a message larger than %u bytes", peer, cap);
		if (left <= 0)
			return 0;
		if (r)
			continue;		/* another type, or resynced: look again */
		if (ivs_irq_wait(&p->d, left < 10 ? (int)left : 10, &st) < 0)
			return -1;
	}
}

#define DEFAULT_TIMEOUT_MS 1000

int ivs_timeout_ms(const struct ivs_opts *o)
{
	return o->timeout_ms < 0 ? DEFAULT_TIMEOUT_MS : o->timeout_ms;
}

long long ivs_deadline(const struct ivs_opts *o)
{
	return ivs_now_us() + ivs_timeout_ms(o) * 1000ll;
}

/* Send `len` bytes as IVC_T_ECHO and wait for them to come back unchanged
 * (a late echo of an earlier one differs: dropped): 0 or -1. `what` and
 * `seq` name the echo in the error message. */
int ivs_proto_echo(struct ivs_proto *p, const struct ivs_opts *o, u32 peer, const void *out,
		   u32 len, const char *what, u32 seq)
{
	u32 in[IVC_MSG_MAX / 4];
	int r;

	if (ivs_proto_send(p, peer, IVC_T_ECHO, out, len, ivs_deadline(o)))
		return -1;
	do {
		r = ivs_proto_await(p, peer, IVC_T_ECHO_REPLY, in, sizeof(in), ivs_deadline(o));
	} while (r > 0 && ((u32)r != len || memcmp(in, out, len)));	/* stale */
	if (r <= 0)
		return r ? -1 : ivs_err("%s: no echo of #%u from peer %u within %d ms", what, seq,
					 peer, ivs_timeout_ms(o));
	return 0;
}
