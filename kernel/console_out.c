/*
 * Console output. Once the drain thread runs, nothing that logs touches the
 * UART: printk and kprintf copy their line into the TX ring, whole or not at
 * all, in time bounded by the line's length (a line that does not fit is
 * dropped and counted, and the count is reported in its place once there is
 * room); the shell and the `zvm look` thread, which may sleep, wait for
 * room instead, writing the oldest queued bytes to the UART themselves
 * meanwhile. The drain thread, below the user's threads and off pCPU 0, copies
 * the ring to the UART, sleeping while the transmitter is full. One ring for
 * all of them keeps shell output and log lines in the order they were made.
 * Early boot (before the thread) and panic output are synchronous; a panic
 * first writes out what is still queued.
 */
#include <kernel/arch_interface.h>
#include <kernel/console.h>
#include <arch/el.h>
#include <kernel/init.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <kernel/sync.h>
#include <lib/fmt.h>
#include <lib/ringbuf.h>

#define DRAIN_PRIO 11		/* below the shell and `zvm look` (10): they serve the user */
/* Where it runs is the port's choice (CONSOLE_DRAIN_CPUS, <arch/el.h>): a
 * thread above the drain that keeps its CPU busy (an RT vCPU, the RTOS
 * guest's periodic task) must not keep the console from ever writing. If
 * none of those CPUs is online the scheduler uses the waker's. */
#define DRAIN_CPUS CONSOLE_DRAIN_CPUS
#define TX_BUF 16384		/* a power of two */
#define CHUNK 128		/* bytes per UART lock turn; a log line or a drop report */

static const struct console_uart *uart;
static spinlock_t uart_lock = SPINLOCK_INIT;	/* one writer of the UART registers */
static spinlock_t tx_lock = SPINLOCK_INIT;	/* the ring's producers */
static u8 tx_mem[TX_BUF];
static struct ringbuf tx = { tx_mem, sizeof(tx_mem), 0, 0 };
static struct mutex pump = MUTEX_INIT(pump);	/* the ring's one consumer at a time */
static struct semaphore drain_wake;
static u64 lost_bytes, lost_lines;	/* dropped and not yet reported (tx_lock) */
static bool drain_waiting;	/* the thread sleeps until the next write (tx_lock) */
static bool async;		/* the drain thread runs: output is queued */
static bool panic_mode;
static bool (*redirect)(const char *s, size_t n);

void console_set_uart(const struct console_uart *u)
{
	uart = u;
}

void console_set_redirect(bool (*fn)(const char *s, size_t n))
{
	WRITE_ONCE(redirect, fn);
}

/* Polled: early boot, panic, and tests without a thread. */
static void uart_write_sync(const char *s, size_t n)
{
	unsigned long flags = arch_irq_save();

	if (!panic_mode)	/* a stopped CPU may hold it */
		arch_spin_lock(&uart_lock);
	for (size_t i = 0; uart && i < n; i++)
		while (!uart->try_putc(s[i]))
			;
	if (!panic_mode)
		arch_spin_unlock(&uart_lock);
	arch_irq_restore(flags);
}

/* What the transmitter takes of s now: interrupts stay masked for at most
 * a FIFO's worth of register writes. */
static size_t uart_send_some(const char *s, size_t n)
{
	unsigned long flags = spin_lock_irqsave(&uart_lock);
	size_t i = 0;

	while (i < n && uart->try_putc(s[i]))
		i++;
	spin_unlock_irqrestore(&uart_lock, flags);
	return i;
}

/* Thread context: all of s, sleeping while the transmitter is full, so
 * that the pCPU is free meanwhile. */
static void uart_write_sleeping(const char *s, size_t n)
{
	while (uart && n) {
		size_t sent = uart_send_some(s, n);

		s += sent;
		n -= sent;
		if (n)
			k_sleep_ticks(uart->full_wait());
	}
}

static size_t lost_report(char *buf, size_t size)
{
	size_t n = (size_t)fmt_snprintf(buf, size, "[console: %llu bytes (%llu lines) dropped]\r\n",
					(unsigned long long)lost_bytes,
					(unsigned long long)lost_lines);

	return MIN(n, size - 1);
}

/* Queue the report of dropped output if it fits with `more` bytes after
 * it; false while lost output stays unreported. Under tx_lock. */
static bool report_lost_locked(size_t more)
{
	char msg[80];
	size_t n;

	if (!lost_bytes)
		return true;
	n = lost_report(msg, sizeof(msg));
	if (ringbuf_space(&tx) < n + more)
		return false;
	ringbuf_write(&tx, msg, n);
	lost_bytes = lost_lines = 0;
	return true;
}

/* Queue all of s or nothing; a refused line is counted as lost when `drop`. */
static bool queue(const char *s, size_t n, bool drop)
{
	unsigned long flags = spin_lock_irqsave(&tx_lock);
	bool ok = report_lost_locked(n) && ringbuf_space(&tx) >= n, wake = false;

	if (ok) {
		ringbuf_write(&tx, s, n);
		wake = drain_waiting;
		drain_waiting = false;
	} else if (drop) {
		lost_bytes += n;
		lost_lines++;
	}
	spin_unlock_irqrestore(&tx_lock, flags);
	if (wake)
		sem_give(&drain_wake);
	return ok;
}

/* Write the oldest queued bytes to the UART; false when none were queued.
 * They leave the ring only once written: a panic meanwhile repeats some
 * rather than losing them. The caller holds `pump`. */
static bool pump_chunk_locked(void)
{
	char buf[CHUNK];
	size_t n = ringbuf_peek(&tx, 0, buf, sizeof(buf));

	uart_write_sleeping(buf, n);
	ringbuf_skip(&tx, n);
	return n > 0;
}

/* A writer waiting for room: one chunk, or wait for the current pump. */
static void pump_chunk(void)
{
	mutex_lock(&pump, K_FOREVER);
	pump_chunk_locked();
	mutex_unlock(&pump);
}

void console_out_pump(void)
{
	mutex_lock(&pump, K_FOREVER);
	while (pump_chunk_locked())
		;
	mutex_unlock(&pump);
}

/* Nothing queued or unreported: the next write wakes the thread. */
bool console_out_idle(void)
{
	unsigned long flags = spin_lock_irqsave(&tx_lock);
	bool idle = ringbuf_is_empty(&tx) && report_lost_locked(0) && ringbuf_is_empty(&tx);

	drain_waiting = idle;
	spin_unlock_irqrestore(&tx_lock, flags);
	return idle;
}

/* Queue s in pieces the ring can hold, waiting (pumping) for room. */
static void queue_waiting(const char *s, size_t n)
{
	while (n) {
		size_t part = MIN(n, (size_t)TX_BUF / 2);

		while (!queue(s, part, false))
			pump_chunk();
		s += part;
		n -= part;
	}
}

/* Redirect first (`zvm look`), else the ring, else (early, panic) the UART. */
static void emit(const char *s, size_t n, bool may_sleep, bool redirectable)
{
	bool (*r)(const char *s, size_t n) = redirectable && !panic_mode ? READ_ONCE(redirect) : NULL;

	if (r && r(s, n))
		return;
	if (!READ_ONCE(async) || panic_mode)
		uart_write_sync(s, n);
	else if (may_sleep)
		queue_waiting(s, n);
	else
		queue(s, n, true);
}

/* \n -> \r\n, each piece of up to 255 bytes queued as one. */
void console_write(const char *s, size_t n)
{
	char buf[512];
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			buf[k++] = '\r';
		buf[k++] = s[i];
		if (k >= sizeof(buf) - 2 || i + 1 == n) {
			emit(buf, k, false, true);
			k = 0;
		}
	}
}

void console_write_raw(const char *s, size_t n)
{
	emit(s, n, true, true);
}

void console_write_uart(const char *s, size_t n)
{
	emit(s, n, true, false);
}

/* Panic: the other CPUs are stopped (or stopping) and may hold any lock. */
void console_out_panic(void)
{
	char buf[CHUNK];
	size_t n, off = 0;

	panic_mode = true;
	while ((n = ringbuf_peek(&tx, off, buf, sizeof(buf))) > 0) {
		uart_write_sync(buf, n);
		off += n;
	}
	if (lost_bytes)
		uart_write_sync(buf, lost_report(buf, sizeof(buf)));
}

static void drain_thread(void *arg)
{
	for (;;) {
		console_out_pump();
		if (console_out_idle())
			sem_take(&drain_wake, K_FOREVER);
	}
}

int console_out_start(void)
{
	struct thread_params p = {
		.name = "console", .entry = drain_thread, .prio = DRAIN_PRIO,
		.affinity = DRAIN_CPUS,
	};
	int err;

	sem_init(&drain_wake, 0, 1);
	err = thread_create(&p, NULL);
	if (!err)
		WRITE_ONCE(async, true);
	return err;
}
INITCALL_EARLY(console_out_start);
