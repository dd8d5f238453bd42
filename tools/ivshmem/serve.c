/*
 * ivshmem serve: the other side for tests and benchmarks (another Linux VM,
 * or the ping benchmark's echo): answers IVC_T_ECHO with the same payload
 * and IVC_T_CMD with "ok <command>", and publishes a struct ivc_rt_stats
 * record (setpoint from "setpoint N", commands, uptime) so that `stats`
 * has something to read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lib/ivc_app.h>

#include "ivshmem.h"
#include "proto.h"

struct serve {
	struct ivs_proto p;
	struct ivc_rt_stats rec;
	long long t0;
	int answered;
};

static void reply(struct serve *s, u32 peer, u8 type, const char *msg, u32 len)
{
	if (ivs_proto_send(&s->p, peer, type, msg, len, ivs_now_us() + 100000))
		return;			/* said why; the next message may go */
	s->answered++;
}

static void handle(struct serve *s, u32 peer, u8 type, char *msg, int len)
{
	char out[IVC_MSG_MAX + 1];
	int n;

	if (type == IVC_T_ECHO) {
		reply(s, peer, IVC_T_ECHO_REPLY, msg, (u32)len);
		return;
	}
	if (type != IVC_T_CMD)
		return;
	msg[len] = 0;
	if (!strncmp(msg, "setpoint ", 9))
		s->rec.setpoint = (s32)strtol(msg + 9, NULL, 0);
	s->rec.commands++;
	n = snprintf(out, sizeof(out), "ok %s", msg);
	reply(s, peer, IVC_T_REPLY, out, (u32)(n < IVC_MSG_MAX ? n : IVC_MSG_MAX));
}

static void publish(struct serve *s)
{
	s->rec.version = IVC_RT_STATS_VERSION;
	s->rec.uptime_ms = (u32)((ivs_now_us() - s->t0) / 1000);
	ivc_publish(&s->p.c, &s->rec, sizeof(s->rec));
}

static void drain(struct serve *s)
{
	char msg[IVC_MSG_MAX + 1];

	for (u32 q = 0; q < IVC_MAX_PEERS; q++) {
		u8 type;
		int r;

		if (q == s->p.c.self || !ivc_peer_ready(&s->p.c, q))
			continue;
		while ((r = ivc_recv(&s->p.c, q, &type, msg, IVC_MSG_MAX)) != 0)
			if (r > 0)
				handle(s, q, type, msg, r);
			else if (r != IVC_EBADMSG)
				break;
	}
}

int ivs_cmd_serve(const struct ivs_opts *o, int argc, char **argv)
{
	static struct serve s;
	u32 st;

	if (ivs_proto_open(&s.p, o, true))
		return -1;
	s.t0 = ivs_now_us();
	printf("serving on %s as peer %u\n", s.p.d.bdf, s.p.c.self);
	fflush(stdout);
	ivs_irq_arm(&s.p.d);
	for (;;) {
		drain(&s);
		publish(&s);
		if (o->count >= 0 && s.answered >= o->count)
			return 0;
		if (ivs_irq_wait(&s.p.d, 10, &st) < 0)
			return -1;
	}
}
