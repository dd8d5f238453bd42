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
/* Round-trip probe (`ivshmem ping`): the receiver sends the payload back
 * unchanged as IVC_T_ECHO_REPLY and rings the sender's doorbell. */
#define IVC_T_ECHO 3
#define IVC_T_ECHO_REPLY 4
/* Latency probe (`ivshmem lat`): the receiver answers IVC_T_STAMP_REPLY,
 * a struct ivc_stamp with the sender's seq and its own stamps, and rings
 * the sender's doorbell. */
#define IVC_T_STAMP 5
#define IVC_T_STAMP_REPLY 6

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

/*
 * A stamp reply. Times are the physical counter (CNTPCT), the one clock
 * every VM reads alike (each VM's virtual counter is CNTPCT - its own
 * CNTVOFF); 0: not known.
 */
struct ivc_stamp {
	u32 seq;		/* the probe's, echoed */
	u32 cntfrq;		/* counter frequency, Hz */
	u64 irq_at;		/* the receiver's last doorbell interrupt taken */
	u64 seen_at;		/* its thread read the probe */
	u64 reply_at;		/* just before the reply was queued and rung */
};

#endif
