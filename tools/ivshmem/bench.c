/*
 * ivshmem tool: measuring the channel (docs/benchmarks.md, "The inter-VM
 * channel"): lat (doorbell latency each way, from the peer's stamps), xfer
 * (bytes through the region, echoed back and compared), flood (doorbells
 * and config-space reads in a tight loop, for the interference test).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <lib/ivc_app.h>

#include "ivshmem.h"
#include "proto.h"

/* Between probes: the peer is idle again, waiting for its doorbell, when
 * the next comes (else it may find a probe while still draining). */
#define PROBE_GAP_US 100

/* Our virtual counter; Linux lets user space read it (CNTKCTL_EL1.EL0VCTEN). */
static u64 counter(void)
{
	u64 v;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v) : : "memory");
	return v;
}

static u64 counter_hz(void)
{
	u64 v;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

struct span {
	long long min, max, sum;
	int n;
};

static void span_add(struct span *s, u64 from, u64 to, u64 hz)
{
	long long ns = (long long)((to - from) * 1000000000ull / hz);

	s->min = !s->n || ns < s->min ? ns : s->min;
	s->max = ns > s->max ? ns : s->max;
	s->sum += ns;
	s->n++;
}

static void span_print(const char *what, const struct span *s, const char *means)
{
	if (s->n)
		printf("  %-12s %lld/%lld/%lld  (%s)\n", what, s->min, s->sum / s->n, s->max, means);
}

/* The spans of one probe. */
struct lat {
	struct span rtt, to, in, back;
	int stale;			/* no interrupt stamp of this probe */
};

/*
 * Wait for the stamp reply of probe seq: by our doorbell interrupt (the
 * whole Linux path), or spinning on the ring (-s). 1, 0 timeout, -1.
 * The spin says YIELD (as Linux's cpu_relax()): a hint on hardware, but
 * under QEMU -icount it hands the one emulator thread to the other vCPUs,
 * the peer's among them; without it the peer waits for QEMU's 100 ms
 * round-robin kick (docs/benchmarks.md, "Under -icount").
 */
static int await_stamp(struct ivs_proto *p, const struct ivs_opts *o, u32 peer, u32 seq,
		       struct ivc_stamp *st)
{
	long long deadline = ivs_deadline(o);
	int r;

	do {
		u8 t;

		if (!o->spin) {
			r = ivs_proto_await(p, peer, IVC_T_STAMP_REPLY, st, sizeof(*st), deadline);
			if (r <= 0)
				return r;
			continue;
		}
		r = ivc_recv(&p->c, peer, &t, st, sizeof(*st));
		if (r < 0 && r != IVC_EBADMSG)
			return ivs_err("lat: receiving from peer %u: error %d", peer, r);
		if (!r && ivs_now_us() > deadline)
			return 0;
		if (!r)
			__asm__ volatile("yield" : : : "memory");
		if (r > 0 && t != IVC_T_STAMP_REPLY)
			r = 0;			/* another type: dropped */
	} while (r != (int)sizeof(*st) || st->seq != seq);
	return 1;
}

/* One timed probe: queue it, stamp, ring; read the reply, stamp. */
static int probe(struct ivs_proto *p, const struct ivs_opts *o, u32 peer, u32 seq,
		 struct lat *l)
{
	u64 hz = counter_hz(), off = o->cntvoff, sent, got;
	struct ivc_stamp st;
	int r = ivc_send(&p->c, peer, IVC_T_STAMP, &seq, sizeof(seq));

	if (r)
		return ivs_err("lat: sending probe #%u to peer %u: error %d", seq, peer, r);
	sent = counter();
	ivs_ring(&p->d, peer, 0);
	r = await_stamp(p, o, peer, seq, &st);
	got = counter();
	if (r <= 0)
		return r ? -1 : ivs_err("lat: no answer to probe #%u from peer %u within %d ms",
					seq, peer, ivs_timeout_ms(o));
	span_add(&l->rtt, sent, got, hz);
	if (!st.irq_at || st.irq_at < sent + off || st.irq_at > st.seen_at) {
		l->stale++;		/* answered before its doorbell interrupt */
		return 0;
	}
	span_add(&l->in, st.irq_at, st.reply_at, hz);
	if (o->has_cntvoff) {
		span_add(&l->to, sent + off, st.irq_at, hz);
		span_add(&l->back, st.reply_at, got + off, hz);
	}
	return 0;
}

static void lat_print(const struct ivs_opts *o, u32 peer, const struct lat *l)
{
	printf("%d probes to peer %u, %s, ns min/avg/max:\n", l->rtt.n, peer,
	       o->spin ? "spinning on the ring" : "woken by our doorbell interrupt");
	span_print("round trip", &l->rtt, "our doorbell write -> we have read the answer");
	span_print("to the peer", &l->to, "our doorbell write -> its interrupt handler");
	span_print("in the peer", &l->in, "its interrupt handler -> its answer queued");
	span_print("back", &l->back, "its answer queued -> we have read it");
	if (!o->has_cntvoff)
		printf("  one-way: give -O <our CNTVOFF> (host: zvm info -n <this VM>)\n");
	if (l->stale)
		printf("  %d answered before their doorbell interrupt (not in the one-way spans)\n",
		       l->stale);
}

/*
 * `lat`: probes one at a time. The peer stamps with the physical counter
 * (CNTPCT); ours is CNTVCT = CNTPCT - CNTVOFF, a per-VM offset only the
 * host knows, hence -O. The first probe is a warm-up: right after our
 * attach the peer may not yet have seen our new epoch.
 */
int ivs_cmd_lat(const struct ivs_opts *o, int argc, char **argv)
{
	struct ivs_proto p;
	struct lat l = { 0 };
	int n = o->count < 0 ? 1000 : o->count;
	struct ivc_stamp st;
	u32 peer, warm = ~0u;

	if (!n)
		return ivs_err("lat: -n 0: nothing to do");
	if (ivs_proto_open(&p, o, true) || ivs_proto_peer(&p, argv[0], &peer))
		return -1;
	ivs_irq_arm(&p.d);
	if (ivs_proto_send(&p, peer, IVC_T_STAMP, &warm, sizeof(warm), ivs_deadline(o)) ||
	    await_stamp(&p, o, peer, warm, &st) <= 0)
		return ivs_err("lat: peer %u does not answer probes (IVC type %d)", peer,
			       IVC_T_STAMP);
	for (int i = 0; i < n; i++) {
		usleep(PROBE_GAP_US);
		if (probe(&p, o, peer, (u32)i, &l))
			return -1;
	}
	lat_print(o, peer, &l);
	return 0;
}

/* Message i of a transfer: words no earlier message had. */
static void fill(u32 *w, u32 nwords, u32 i)
{
	for (u32 k = 0; k < nwords; k++)
		w[k] = (i * (IVC_MSG_MAX / 4) + k) * 2654435761u ^ 0xa5a5a5a5u;
}

/*
 * `xfer`: KiB through the region as IVC_MSG_MAX-byte echo messages, one at
 * a time (a 64 KiB region's rings hold one), each compared when it comes
 * back: the peer has read every byte. One doorbell each way per message.
 */
int ivs_cmd_xfer(const struct ivs_opts *o, int argc, char **argv)
{
	unsigned long long kib = 1024, bytes;
	u32 buf[IVC_MSG_MAX / 4], msgs;
	struct ivs_proto p;
	long long t0;
	u32 peer;

	if (argc > 1 && ivs_parse_u64(argv[1], "KIB", 1u << 20, &kib))
		return -1;
	if (!kib)
		return ivs_err("xfer: 0 KiB: nothing to do");
	bytes = kib * 1024;
	msgs = (u32)(bytes / IVC_MSG_MAX);
	if (ivs_proto_open(&p, o, true) || ivs_proto_peer(&p, argv[0], &peer))
		return -1;
	ivs_irq_arm(&p.d);
	t0 = ivs_now_us();
	for (u32 i = 0; i < msgs; i++) {
		fill(buf, IVC_MSG_MAX / 4, i);
		if (ivs_proto_echo(&p, o, peer, buf, IVC_MSG_MAX, "xfer", i))
			return -1;
	}
	printf("%llu bytes to peer %u and back in %u messages of %d bytes, all compared, %lld us\n",
	       bytes, peer, msgs, IVC_MSG_MAX, ivs_now_us() - t0);
	return 0;
}

/*
 * `flood`: N times, ring the peer's doorbell and read a config-space word
 * (each a trapped access: BAR0 and the virtual ECAM), as fast as we can.
 * Nothing is attached: only the doorbell and config space are used.
 */
int ivs_cmd_flood(const struct ivs_opts *o, int argc, char **argv)
{
	unsigned long long peer;
	struct ivs_dev d;
	int n = o->count < 0 ? 100000 : o->count;
	long long t0;
	u32 w;

	if (ivs_parse_u64(argv[0], "PEER", IVC_MAX_PEERS - 1, &peer) || ivs_open(&d, o->dev))
		return -1;
	t0 = ivs_now_us();
	for (int i = 0; i < n; i++) {
		ivs_ring(&d, (u32)peer, 0);
		if (o->yield)
			__asm__ volatile("yield" : : : "memory");
		if (pread(d.cfg_fd, &w, sizeof(w), 0) != sizeof(w))
			return ivs_err("flood: reading %s's config space: %s", d.bdf,
				       strerror(errno));
	}
	printf("%d doorbells to peer %llu and %d config-space reads in %lld us\n", n, peer, n,
	       ivs_now_us() - t0);
	return 0;
}
