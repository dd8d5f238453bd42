/*
 * The real-time VM's end of the IVC channel (docs/ivc.md, "The real-time
 * demo"): on every ivshmem region, attach as our peer id (IVPosition),
 * publish the periodic task's statistics once per window as our record,
 * and answer the text commands of any peer (apps/ivc_cmd.c), each reply
 * followed by a doorbell.
 *
 * One service thread does it all, below the periodic task's priority and
 * off its CPU when there is another: it sleeps until a doorbell interrupt
 * or a timeout (IVC_RT_SAFETY_MS, a safety net for a lost doorbell; or
 * IVC_RT_POLL_MS when a device has no interrupt, as QEMU's ivshmem-plain),
 * then drains every peer's ring. A reply that does not fit the peer's
 * ring is dropped and counted: a peer that never reads cannot block us.
 */
#include "ivc_cmd.h"
#include "periodic.h"
#include <arch/sysreg.h>
#include <drivers/ivshmem.h>
#include <kernel/init.h>
#include <kernel/platform.h>
#include <kernel/printk.h>
#include <kernel/thread.h>
#include <kernel/timeout.h>
#include <lib/fmt.h>
#include <lib/ivc.h>
#include <lib/ivc_app.h>
#include <lib/string.h>
#include <shell/shell.h>
#include <zvm/errno.h>

#define IVC_RT_PRIO 8		/* below the periodic task (1), above the shell */
#define IVC_RT_POLL_MS 5		/* a device without interrupt: poll */
#define IVC_RT_SAFETY_MS 20	/* with doorbells: a safety net only */
#define IVC_RT_BURST 32		/* messages per peer per round: no starvation */

struct ivc_link {
	struct ivshmem *dev;
	struct ivc ivc;
	u64 rx, tx, dropped, ignored;	/* messages */
	struct ivc_rt_stats pub;	/* what we published last */
	u64 windows;			/* its window */
};

static struct ivc_link links[IVSHMEM_MAX];
static unsigned int nlinks;
static struct ivc_cmd_state cmd_state;

static void publish(struct ivc_link *l)
{
	struct periodic_stats s;
	struct ivc_rt_stats r;

	periodic_stats(&s);
	r = (struct ivc_rt_stats){
		.version = IVC_RT_STATS_VERSION, .period_us = s.period_us,
		.window_ms = s.window_ms, .setpoint = READ_ONCE(cmd_state.setpoint),
		.periods_lo = (u32)s.periods, .periods_hi = (u32)(s.periods >> 32),
		.late_max_ns_window = (u32)MIN(s.late_max_window_ns, 0xffffffffULL),
		.late_max_ns_total = (u32)MIN(s.late_max_total_ns, 0xffffffffULL),
		.late_avg_ns_window = (u32)MIN(s.late_avg_window_ns, 0xffffffffULL),
		.commands = cmd_state.commands, .uptime_ms = (u32)k_uptime_ms(),
	};
	ivc_publish(&l->ivc, &r, sizeof(r));
	l->pub = r;
	l->windows = s.windows;
}

/* Once per window, and at once when a command changed what it shows. */
static bool publish_due(const struct ivc_link *l, const struct periodic_stats *s)
{
	return s->windows != l->windows || s->period_us != l->pub.period_us ||
	       READ_ONCE(cmd_state.commands) != l->pub.commands;
}

static void send(struct ivc_link *l, u32 peer, u8 type, const void *data, u32 len)
{
	if (!len || ivc_send(&l->ivc, peer, type, data, len)) {
		l->dropped++;
		return;
	}
	l->tx++;
	ivshmem_ring(l->dev, peer, 0);
}

static int ops_set_period(void *ctx, u32 us)
{
	return periodic_set_period(us);
}

static void ops_reset(void *ctx)
{
	periodic_reset();
}

static void ops_status(void *ctx, char *out, size_t cap)
{
	struct periodic_stats s;

	periodic_stats(&s);
	fmt_snprintf(out, cap, "periods=%llu period_us=%u setpoint=%d late_max_ns=%llu "
		     "window_max_ns=%llu commands=%u", (unsigned long long)s.periods, s.period_us,
		     cmd_state.setpoint, (unsigned long long)s.late_max_total_ns,
		     (unsigned long long)s.late_max_window_ns, cmd_state.commands);
}

static const struct ivc_cmd_ops cmd_ops = { ops_set_period, ops_reset, ops_status, NULL };

/* A latency probe: when its doorbell interrupted us (the handler's stamp:
 * a probe waits for its answer, so the last interrupt is its doorbell's),
 * when we read it, and when we answer. */
static void stamp_reply(struct ivc_link *l, u32 peer, const u8 *msg, u32 len, u64 seen_at)
{
	struct ivc_stamp st = { .cntfrq = (u32)read_sysreg(cntfrq_el0),
				.irq_at = READ_ONCE(l->dev->irq_at), .seen_at = seen_at };

	if (len >= sizeof(st.seq))
		memcpy(&st.seq, msg, sizeof(st.seq));
	st.reply_at = ivshmem_stamp();
	send(l, peer, IVC_T_STAMP_REPLY, &st, sizeof(st));
}

static void handle(struct ivc_link *l, u32 peer, u8 type, const u8 *msg, u32 len)
{
	char out[IVC_CMD_REPLY_MAX];
	u64 seen_at = ivshmem_stamp();

	l->rx++;
	if (type == IVC_T_STAMP) {
		stamp_reply(l, peer, msg, len, seen_at);
	} else if (type == IVC_T_ECHO) {
		send(l, peer, IVC_T_ECHO_REPLY, msg, len);
	} else if (type == IVC_T_CMD) {
		send(l, peer, IVC_T_REPLY, out,
		     ivc_cmd_exec(&cmd_state, &cmd_ops, msg, len, out, sizeof(out)));
	} else {
		l->ignored++;
		pr_ratelimited(LOG_WARN, "ivc: peer %u sent a message of unknown type %u", peer, type);
	}
}

static void drain(struct ivc_link *l)
{
	static u8 msg[IVC_MSG_MAX] __aligned(4);

	for (u32 p = 0; p < IVC_MAX_PEERS; p++) {
		if (p == l->ivc.self || !ivc_peer_ready(&l->ivc, p))
			continue;
		for (int i = 0; i < IVC_RT_BURST; i++) {
			u8 type;
			int n = ivc_recv(&l->ivc, p, &type, msg, sizeof(msg));

			if (n > 0)
				handle(l, p, type, msg, (u32)n);
			else if (n != IVC_EBADMSG)	/* resynced: look again */
				break;
		}
	}
}

static void ivc_rt_thread(void *arg)
{
	u64 poll_ms = IVC_RT_SAFETY_MS;

	for (unsigned int i = 0; i < nlinks; i++)
		if (!links[i].dev->intid)
			poll_ms = IVC_RT_POLL_MS;
	for (;;) {
		ivshmem_wait(k_us_to_ticks(poll_ms * 1000));
		for (unsigned int i = 0; i < nlinks; i++) {
			struct periodic_stats s;

			drain(&links[i]);
			periodic_stats(&s);
			if (publish_due(&links[i], &s))
				publish(&links[i]);
		}
	}
}

static void attach(struct ivshmem *v)
{
	struct ivc_link *l = &links[nlinks];
	int r;

	*l = (struct ivc_link){ .dev = v };
	if (v->peer_id >= IVC_MAX_PEERS || v->shm_size > IVC_MAX_REGION) {
		pr_err("ivc: %02x:%02x.%x: peer id %d (IVPosition) is not 0..%u or the region is "
		       "too big: not attached", v->pci.bus, v->pci.dev, v->pci.fn, (int)v->peer_id,
		       IVC_MAX_PEERS - 1);
		return;
	}
	r = ivc_attach(&l->ivc, v->shm, (u32)v->shm_size, v->peer_id);
	if (r) {
		pr_err("ivc: %02x:%02x.%x: a %llu-byte region is not a power of two of at least %u: "
		       "not attached", v->pci.bus, v->pci.dev, v->pci.fn,
		       (unsigned long long)v->shm_size, IVC_MIN_REGION);
		return;
	}
	publish(l);
	nlinks++;
	pr_info("ivc: attached as peer %u of %02x:%02x.%x", v->peer_id, v->pci.bus, v->pci.dev,
		v->pci.fn);
}

static int ivc_rt_start(void)
{
	struct thread_params tp = {
		.name = "ivc", .entry = ivc_rt_thread, .prio = IVC_RT_PRIO,
		/* Off the periodic task's CPU 0 when there is another. */
		.affinity = plat.ncpus > 1 ? CPU_ANY & ~BIT_ULL(0) : CPU_ANY,
	};

	if (ivshmem_init() <= 0)
		return 0;
	for (unsigned int i = 0; i < ivshmem_count(); i++)
		attach(ivshmem_get(i));
	return nlinks ? thread_create(&tp, NULL) : 0;
}
INITCALL(ivc_rt_start);	/* before the shell: `ivc` finds it ready */

static void show_bar(struct shell *sh, const struct pci_bar *b, int i)
{
	if (b->size)
		shell_printf(sh, "  BAR%d %#llx+%#llx%s\n", i, (unsigned long long)b->cpu,
			     (unsigned long long)b->size, b->prefetch ? " prefetchable" : "");
}

static void show_dev(struct shell *sh, const struct ivshmem *v)
{
	const struct pci_dev *d = &v->pci;

	shell_printf(sh, "ivshmem %02x:%02x.%x peer id %d, ", d->bus, d->dev, d->fn,
		     (int)v->peer_id);
	if (v->intid)
		shell_printf(sh, "SPI INTID %u (%llu interrupts, masked %llu times: storms)\n",
			     v->intid, (unsigned long long)v->irqs, (unsigned long long)v->storms);
	else
		shell_printf(sh, "no interrupt (polled)\n");
	for (int i = 0; i < PCI_NUM_BARS; i++)
		show_bar(sh, &d->bar[i], i);
}

static void show_link(struct shell *sh, struct ivc_link *l)
{
	shell_printf(sh, "  IVC peer %u, peers attached:", l->ivc.self);
	for (u32 p = 0; p < IVC_MAX_PEERS; p++)
		if (p != l->ivc.self && ivc_peer_ready(&l->ivc, p))
			shell_printf(sh, " %u", p);
	shell_printf(sh, "\n  messages rx %llu tx %llu dropped %llu ignored %llu, doorbells rx %llu "
		     "tx %llu, resyncs %u\n", (unsigned long long)l->rx, (unsigned long long)l->tx,
		     (unsigned long long)l->dropped, (unsigned long long)l->ignored,
		     (unsigned long long)l->dev->irqs, (unsigned long long)l->dev->doorbells,
		     l->ivc.resyncs);
}

static int cmd_ivc(struct shell *sh, int argc, char **argv)
{
	if (argc != 1)
		return -EINVAL;
	if (!ivshmem_count()) {
		shell_printf(sh, "ivc: no ivshmem device\n");
		return 1;
	}
	for (unsigned int i = 0; i < ivshmem_count(); i++) {
		struct ivshmem *v = ivshmem_get(i);

		show_dev(sh, v);
		for (unsigned int j = 0; j < nlinks; j++)
			if (links[j].dev == v)
				show_link(sh, &links[j]);
	}
	shell_printf(sh, "commands %u, setpoint %d, last command: %.47s\n", cmd_state.commands,
		     cmd_state.setpoint, cmd_state.commands ? cmd_state.last : "(none)");
	return 0;
}
SHELL_CMD(ivc, "ivc", "the inter-VM channel: ivshmem devices, IVC peers, messages", cmd_ivc);
