/* ivshmem tool: the IVC protocol on an opened device (proto.c). */
#ifndef IVSHMEM_PROTO_H
#define IVSHMEM_PROTO_H

#include "ivshmem.h"

struct ivs_proto {
	struct ivs_dev d;
	struct ivc c;
};

int ivs_proto_open(struct ivs_proto *p, const struct ivs_opts *o, bool attach);
int ivs_proto_peer(struct ivs_proto *p, const char *arg, u32 *peer);
int ivs_proto_send(struct ivs_proto *p, u32 peer, u8 type, const void *msg, u32 len,
		   long long deadline);
int ivs_proto_await(struct ivs_proto *p, u32 peer, u8 type, void *buf, u32 cap,
		    long long deadline);
int ivs_proto_echo(struct ivs_proto *p, const struct ivs_opts *o, u32 peer, const void *out,
		   u32 len, const char *what, u32 seq);
int ivs_timeout_ms(const struct ivs_opts *o);
long long ivs_deadline(const struct ivs_opts *o);

#endif
