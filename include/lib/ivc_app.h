/*
 * What the default pack's two VMs say over IVC (docs/ivc.md, "The
 * real-time demo"): the real-time VM publishes its periodic task's
 * statistics as its record and answers text commands. Shared by our RTOS
 * (apps/) and the Linux tool (tools/ivshmem/).
 */
#ifndef LIB_IVC_APP_H
#define LIB_IVC_APP_H

#include <zvm/types.h>

/* Message types. */
#define IVC_T_CMD 1		/* text command, e.g. "setpoint 42" */
#define IVC_T_REPLY 2		/* text reply, e.g. "ok setpoint=42" */
#define IVC_T_ECHO 3		/* sent back unchanged, same type (round-trip time) */

#define IVC_RT_STATS_VERSION 1

/* The real-time VM's record; little-endian, every field 32-bit aligned. */
struct ivc_rt_stats {
	u32 version;		/* IVC_RT_STATS_VERSION */
	u32 period_us;		/* the periodic task's period */
	u32 window_ms;		/* length of a statistics window */
	s32 setpoint;		/* last value set by a command */
	u32 periods_lo, periods_hi;	/* periods run since boot */
	u32 late_max_ns_window;	/* worst lateness in the last full window */
	u32 late_max_ns_total;	/* worst since boot (or the last "reset") */
	u32 late_avg_ns_window;	/* average lateness in the last full window */
	u32 commands;		/* commands answered */
	u32 uptime_ms;		/* guest time of the last update */
};

#endif
