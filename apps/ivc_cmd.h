/*
 * The real-time VM's text commands (docs/ivc.md, "The real-time demo"):
 * parsing and replies, pure so that host unit tests run it. The payload
 * comes from another VM: it is bounded, must be printable ASCII (trailing
 * NULs and one line end are tolerated), and is parsed strictly.
 */
#ifndef APPS_IVC_CMD_H
#define APPS_IVC_CMD_H

#include <zvm/types.h>

#define IVC_CMD_REPLY_MAX 128

/* What a command acts on; the callbacks return 0 or a negative errno. */
struct ivc_cmd_ops {
	int (*set_period)(void *ctx, u32 us);
	void (*reset)(void *ctx);
	/* "periods=... late_max_ns=..." for `status` */
	void (*status)(void *ctx, char *out, size_t cap);
	void *ctx;
};

struct ivc_cmd_state {
	s32 setpoint;
	u32 commands;			/* commands answered */
	char last[48];			/* the last command, printable */
};

/* Execute the command in[0..len) and write the NUL-terminated reply into
 * out (cap bytes, at least IVC_CMD_REPLY_MAX). Returns the reply length. */
u32 ivc_cmd_exec(struct ivc_cmd_state *st, const struct ivc_cmd_ops *ops, const u8 *in,
		 u32 len, char *out, size_t cap);

#endif
