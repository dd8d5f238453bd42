/*
 * Text commands from the other side of the IVC channel (apps/ivc_cmd.h):
 *   setpoint N   (a 32-bit integer)      -> ok setpoint=N
 *   period US    (100..100000)           -> ok period=US
 *   reset                                -> ok reset
 *   status                               -> ok periods=... late_max_ns=...
 *   echo TEXT                            -> TEXT
 *   anything else                        -> error: unknown command
 */
#include "ivc_cmd.h"
#include "periodic.h"
#include <lib/fmt.h>
#include <lib/parse.h>
#include <lib/string.h>
#include <zvm/compiler.h>
#include <zvm/errno.h>

#define CMD_MAX 128		/* longest command accepted, in bytes */

/* in[0..len) as a C string in buf: printable ASCII only, trailing NULs
 * and one line end dropped. False when it is empty, too long or binary. */
static bool cmd_text(const u8 *in, u32 len, char *buf)
{
	while (len && !in[len - 1])
		len--;
	if (len && in[len - 1] == '\n')
		len--;
	if (len && in[len - 1] == '\r')
		len--;
	if (!len || len > CMD_MAX)
		return false;
	for (u32 i = 0; i < len; i++) {
		if (in[i] < 0x20 || in[i] > 0x7e)
			return false;
		buf[i] = (char)in[i];
	}
	buf[len] = '\0';
	return true;
}

/* What fmt_snprintf() wrote, without the NUL. */
static u32 written(int r, size_t cap)
{
	return r < 0 ? 0 : (u32)MIN((size_t)r, cap - 1);
}

/* fmt_snprintf, not strlcpy: this file also builds against the host libc. */
static u32 reply(char *out, size_t cap, const char *s)
{
	return written(fmt_snprintf(out, cap, "%s", s), cap);
}

static u32 reply_num(char *out, size_t cap, const char *what, long long n)
{
	return written(fmt_snprintf(out, cap, "ok %s=%lld", what, n), cap);
}

static u32 cmd_setpoint(struct ivc_cmd_state *st, const char *arg, char *out, size_t cap)
{
	s64 v;

	if (!arg || str_to_s64(arg, &v) || v < -2147483647LL - 1 || v > 2147483647LL)
		return reply(out, cap, "error: usage: setpoint N (a 32-bit integer)");
	st->setpoint = (s32)v;
	return reply_num(out, cap, "setpoint", v);
}

static u32 cmd_period(const struct ivc_cmd_ops *ops, const char *arg, char *out, size_t cap)
{
	u64 us;
	int r;

	if (!arg || str_to_u64(arg, &us) || us < PERIODIC_MIN_US || us > PERIODIC_MAX_US)
		return reply(out, cap, "error: usage: period US (100..100000)");
	r = ops->set_period(ops->ctx, (u32)us);
	if (r)
		return reply(out, cap, r == -ENODEV ? "error: the periodic task is not running"
						 : "error: period refused");
	return reply_num(out, cap, "period", (long long)us);
}

static u32 cmd_status(const struct ivc_cmd_ops *ops, char *out, size_t cap)
{
	u32 n = reply(out, cap, "ok ");

	ops->status(ops->ctx, out + n, cap - n);
	return (u32)strnlen(out, cap - 1);
}

static u32 dispatch(struct ivc_cmd_state *st, const struct ivc_cmd_ops *ops, char *verb,
		    char *out, size_t cap)
{
	char *arg = strchr(verb, ' ');

	if (arg)
		*arg++ = '\0';
	if (!strcmp(verb, "echo") && arg && *arg)
		return reply(out, cap, arg);
	if (!strcmp(verb, "setpoint"))
		return cmd_setpoint(st, arg, out, cap);
	if (!strcmp(verb, "period"))
		return cmd_period(ops, arg, out, cap);
	if (!strcmp(verb, "reset") && !arg) {
		ops->reset(ops->ctx);
		return reply(out, cap, "ok reset");
	}
	if (!strcmp(verb, "status") && !arg)
		return cmd_status(ops, out, cap);
	return reply(out, cap, "error: unknown command");
}

u32 ivc_cmd_exec(struct ivc_cmd_state *st, const struct ivc_cmd_ops *ops, const u8 *in,
		 u32 len, char *out, size_t cap)
{
	char buf[CMD_MAX + 1];

	st->commands++;
	if (!cmd_text(in, len, buf)) {
		reply(st->last, sizeof(st->last), "(malformed)");
		return reply(out, cap, "error: malformed command (empty, binary or too long)");
	}
	reply(st->last, sizeof(st->last), buf);
	return dispatch(st, ops, buf, out, cap);
}
