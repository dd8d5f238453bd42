/* printk: timestamped, levelled kernel messages to the console and a ring. */
#include <kernel/arch_interface.h>
#include <kernel/config.h>
#include <kernel/console.h>
#include <kernel/irq.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <kernel/timeout.h>
#include <lib/fmt.h>
#include <lib/ringbuf.h>

static void (*out_putc)(char c);
static bool (*redirect)(const char *s, size_t n);
static spinlock_t console_lock = SPINLOCK_INIT;
static spinlock_t log_lock = SPINLOCK_INIT;
static u8 log_mem[CONFIG_LOG_BUF_SIZE];
static struct ringbuf log_ring = { log_mem, sizeof(log_mem), 0, 0 };
static enum log_level console_level = LOG_INFO;
static bool panic_mode;

void console_set_output(void (*putc)(char c))
{
	out_putc = putc;
}

/* To the UART, one byte at a time (console lock held, or panic mode). */
static void uart_bytes(const char *s, size_t n)
{
	if (out_putc)
		for (size_t i = 0; i < n; i++)
			out_putc(s[i]);
}

/* Where console output goes: the redirect while one takes it. */
static void put_bytes(const char *s, size_t n)
{
	bool (*r)(const char *s, size_t n) = panic_mode ? NULL : READ_ONCE(redirect);

	if (!r || !r(s, n))
		uart_bytes(s, n);
}

static void raw_write(const char *s, size_t n)
{
	char buf[64];
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			buf[k++] = '\r';
		buf[k++] = s[i];
		if (k >= sizeof(buf) - 1) {
			put_bytes(buf, k);
			k = 0;
		}
	}
	if (k)
		put_bytes(buf, k);
}

void console_set_redirect(bool (*fn)(const char *s, size_t n))
{
	WRITE_ONCE(redirect, fn);
}

static void locked_output(void (*emit)(const char *s, size_t n), const char *s, size_t n)
{
	unsigned long flags = arch_irq_save();

	if (!panic_mode)
		arch_spin_lock(&console_lock);
	emit(s, n);
	if (!panic_mode)
		arch_spin_unlock(&console_lock);
	arch_irq_restore(flags);
}

void console_write_uart(const char *s, size_t n)
{
	locked_output(uart_bytes, s, n);
}

void console_write(const char *s, size_t n)
{
	locked_output(raw_write, s, n);
}

void console_write_raw(const char *s, size_t n)
{
	locked_output(put_bytes, s, n);
}

void printk_panic_mode(void)
{
	panic_mode = true;	/* the lock holder may be a stopped CPU */
}

struct linebuf {
	char buf[256];
	size_t len;
};

static void lb_putc(void *ctx, char c)
{
	struct linebuf *lb = ctx;

	if (lb->len < sizeof(lb->buf) - 1)
		lb->buf[lb->len++] = c;
}

void kprintf(const char *fmt, ...)
{
	struct linebuf lb = { .len = 0 };
	va_list ap;

	va_start(ap, fmt);
	fmt_vformat(lb_putc, &lb, fmt, ap);
	va_end(ap);
	console_write(lb.buf, lb.len);
}

static const char *const level_tag[] = {
	[LOG_EMERG] = "", [LOG_ERR] = "error: ", [LOG_WARN] = "warning: ",
	[LOG_INFO] = "", [LOG_DEBUG] = "debug: ",
};

void vprintk(enum log_level level, const char *fmt, va_list ap)
{
	struct linebuf lb = { .len = 0 };
	u64 us = k_uptime_us();
	unsigned long flags;

	fmt_format(lb_putc, &lb, "[%5llu.%06llu] %s", (unsigned long long)(us / 1000000),
		   (unsigned long long)(us % 1000000), level_tag[level]);
	fmt_vformat(lb_putc, &lb, fmt, ap);
	lb_putc(&lb, '\n');
	flags = arch_irq_save();
	if (!panic_mode)
		arch_spin_lock(&log_lock);
	ringbuf_write_overwrite(&log_ring, lb.buf, lb.len);
	if (!panic_mode)
		arch_spin_unlock(&log_lock);
	arch_irq_restore(flags);
	if (level <= console_level)
		console_write(lb.buf, lb.len);
}

void printk(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(level, fmt, ap);
	va_end(ap);
}

void printk_set_console_level(enum log_level level)
{
	console_level = level;
}

enum log_level printk_console_level(void)
{
	return console_level;
}

void printk_dump_log(void (*out)(void *ctx, const char *s, size_t n), void *ctx)
{
	char chunk[128];
	size_t off = 0, n;

	/* Racy against concurrent writers by design: a dump must not block logging. */
	while ((n = ringbuf_peek(&log_ring, off, chunk, sizeof(chunk))) > 0) {
		out(ctx, chunk, n);
		off += n;
	}
}

bool ratelimit_ok(struct ratelimit *rl, unsigned int burst)
{
	u64 now = arch_counter_read(), freq = arch_counter_freq();

	if (now - rl->window_start >= freq) {
		if (rl->missed)
			pr_warn("(%u similar messages suppressed)", rl->missed);
		rl->window_start = now;
		rl->count = 0;
		rl->missed = 0;
	}
	if (rl->count < burst) {
		rl->count++;
		return true;
	}
	rl->missed++;
	return false;
}

void panic(const char *fmt, ...)
{
	va_list ap;

	panic_begin();
	va_start(ap, fmt);
	vprintk(LOG_EMERG, fmt, ap);
	va_end(ap);
	pr_emerg("Kernel panic on CPU %u", arch_cpu_id());
	arch_backtrace();
	panic_end();
}
