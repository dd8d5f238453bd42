/*
 * ivshmem tool: what Linux says to the real-time VM (docs/ivc.md, "The
 * real-time demo"; include/lib/ivc_app.h): stats, cmd, ping, serve.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lib/ivc_app.h>

#include "ivshmem.h"
#include "proto.h"

static int get_stats(struct ivs_proto *p, u32 peer, struct ivc_rt_stats *s)
{
	u8 buf[IVC_REC_MAX];
	int r = ivc_read_record(&p->c, peer, buf, sizeof(buf));

	if (r == IVC_ENODEV)
		return ivs_err("peer %u has not attached to the region (is its VM running?)", peer);
	if (r == IVC_EAGAIN)
		return ivs_err("peer %u's record kept changing while read", peer);
	if (r < 0)
		return ivs_err("peer %u's record is malformed (length beyond %d bytes)", peer,
			       IVC_REC_MAX);
	if (!r)
		return ivs_err("peer %u has published no statistics yet", peer);
	memcpy(s, buf, sizeof(*s) < (size_t)r ? sizeof(*s) : (size_t)r);
	if ((size_t)r < sizeof(*s) || s->version != IVC_RT_STATS_VERSION)
		return ivs_err("peer %u's record (%d bytes, version %u) is not real-time "
			       "statistics version %d", peer, r, s->version, IVC_RT_STATS_VERSION);
	return 0;
}

static void print_stats(u32 peer, const struct ivc_rt_stats *s)
{
	printf("peer %u: up %u.%03u s\n", peer, s->uptime_ms / 1000, s->uptime_ms % 1000);
	printf("  period       %u us\n", s->period_us);
	printf("  periods      %llu\n",
	       (unsigned long long)s->periods_hi << 32 | s->periods_lo);
	printf("  late max     %u ns (last %u ms window), %u ns (since boot or reset)\n",
	       s->late_max_ns_window, s->window_ms, s->late_max_ns_total);
	printf("  late avg     %u ns (last window)\n", s->late_avg_ns_window);
	printf("  setpoint     %d\n", s->setpoint);
	printf("  commands     %u\n", s->commands);
}

int ivs_cmd_stats(const struct ivs_opts *o, int argc, char **argv)
{
	struct ivs_proto p;
	struct ivc_rt_stats s;
	u32 peer;

	if (ivs_proto_open(&p, o, false) || ivs_proto_peer(&p, argc ? argv[0] : "0", &peer))
		return -1;
	for (int i = 0; ; i++) {
		if (get_stats(&p, peer, &s))
			return -1;
		print_stats(peer, &s);
		fflush(stdout);
		if (!o->watch || (o->count >= 0 && i + 1 >= o->count))
			return 0;
		sleep(1);
	}
}

int ivs_cmd_cmd(const struct ivs_opts *o, int argc, char **argv)
{
	char text[IVC_MSG_MAX + 1] = "", reply[IVC_MSG_MAX + 1];
	struct ivs_proto p;
	size_t n = 0;
	u32 peer;
	int r;

	for (int i = 1; i < argc; i++) {
		size_t a = strlen(argv[i]);

		if (n + (i > 1) + a > IVC_MSG_MAX)
			return ivs_err("cmd: the command is longer than %d bytes", IVC_MSG_MAX);
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%s", i > 1 ? " " : "", argv[i]);
	}
	if (!n)
		return ivs_err("cmd: the command is empty");
	if (ivs_proto_open(&p, o, true) || ivs_proto_peer(&p, argv[0], &peer))
		return -1;
	ivs_irq_arm(&p.d);
	if (ivs_proto_send(&p, peer, IVC_T_CMD, text, (u32)n, ivs_deadline(o)))
		return -1;
	r = ivs_proto_await(&p, peer, IVC_T_REPLY, reply, IVC_MSG_MAX, ivs_deadline(o));
	if (r <= 0)
		return r ? -1 : ivs_err("no reply from peer %u within %d ms", peer, ivs_timeout_ms(o));
	reply[r] = 0;
	printf("%s\n", reply);
	return 0;
}

/* One echo round trip; its time in microseconds, or -1. */
static long long round_trip(struct ivs_proto *p, const struct ivs_opts *o, u32 peer, u32 seq)
{
	u32 out[4] = { seq, ~seq, 0x5a5a5a5a, seq * 2654435761u };
	long long t0 = ivs_now_us();

	return ivs_proto_echo(p, o, peer, out, sizeof(out), "ping", seq) ? -1 : ivs_now_us() - t0;
}

int ivs_cmd_ping(const struct ivs_opts *o, int argc, char **argv)
{
	struct ivs_proto p;
	long long min = -1, max = 0, sum = 0;
	int n = o->count < 0 ? 10 : o->count;
	u32 peer;

	if (!n)
		return ivs_err("ping: -n 0: nothing to do");
	if (ivs_proto_open(&p, o, true) || ivs_proto_peer(&p, argv[0], &peer))
		return -1;
	ivs_irq_arm(&p.d);
	for (int i = 0; i < n; i++) {
		long long us = round_trip(&p, o, peer, (u32)i);

		if (us < 0)
			return -1;
		min = min < 0 || us < min ? us : min;
		max = us > max ? us : max;
		sum += us;
	}
	printf("%d round trips to peer %u: min/avg/max = %lld/%lld/%lld us\n", n, peer, min,
	       sum / n, max);
	return 0;
}
