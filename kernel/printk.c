/* printk: timestamped, levelled kernel messages to a ring and the console
 * (kernel/console_out.c queues them for the UART). */
#include <kernel/arch_interface.h>
#include <kernel/config.h>
#include <kernel/console.h>
#include <kernel/irq.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <kernel/timeout.h>
#include <lib/fmt.h>
#include <lib/ringbuf.h>

static spinlock_t log_lock = SPINLOCK_INIT;
static u8 log_mem[CONFIG_LOG_BUF_SIZE];
static struct ringbuf log_ring = { log_mem, sizeof(log_mem), 0, 0 };
static enum log_level console_level = LOG_INFO;
static bool panic_mode;

void printk_panic_mode(void)
{
	panic_mode = true;	/* the lock holder may be a stopped CPU */
	console_out_panic();
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
