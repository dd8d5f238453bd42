/* Kernel log: printk with levels, kept in a ring for the shell's `log` command. */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include <stdarg.h>
#include <zvm/compiler.h>

enum log_level { LOG_EMERG, LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG };

__printf(2, 3) void printk(enum log_level level, const char *fmt, ...);
void vprintk(enum log_level level, const char *fmt, va_list ap);

/*
 * Console output without a log prefix (banners). After boot it is queued for
 * the console's drain thread (kernel/console_out.c) in bounded time, never
 * waiting for the UART: a piece the queue cannot take is dropped, counted
 * and reported. Callable from any context but with sched_lock held (it
 * may wake the drain thread).
 */
__printf(1, 2) void kprintf(const char *fmt, ...);
void console_write(const char *s, size_t n);
/* Bytes as they are (no \n -> \r\n), for terminal protocols: the shell.
 * Thread context only: waits for room in the queue instead of dropping. */
void console_write_raw(const char *s, size_t n);
/*
 * While fn is set, console output (printk, the shell) is handed to it
 * instead of the queue: `zvm look` buffers it with the guest's bytes, so
 * that only its own thread feeds the console and the two stay in order.
 * fn may run on any CPU with interrupts masked and returns false to refuse
 * (the bytes then go to the queue). Panic output never goes to it.
 */
void console_set_redirect(bool (*fn)(const char *s, size_t n));
/* To the console queue whatever the redirect (the redirect's writer);
 * like console_write_raw, it waits for room. */
void console_write_uart(const char *s, size_t n);

/* Messages at or below this level reach the console; all reach the log. */
void printk_set_console_level(enum log_level level);
enum log_level printk_console_level(void);
/* Copy the log ring to out(), oldest first. */
void printk_dump_log(void (*out)(void *ctx, const char *s, size_t n), void *ctx);

#define pr_emerg(...) printk(LOG_EMERG, __VA_ARGS__)
#define pr_err(...) printk(LOG_ERR, __VA_ARGS__)
#define pr_warn(...) printk(LOG_WARN, __VA_ARGS__)
#define pr_info(...) printk(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) printk(LOG_DEBUG, __VA_ARGS__)

/* Rate-limited logging for anything a guest can trigger: at most `burst`
 * messages per second per call site. */
struct ratelimit {
	u64 window_start;
	unsigned int count, missed;
};
bool ratelimit_ok(struct ratelimit *rl, unsigned int burst);
#define pr_ratelimited(level, ...) do { \
	static struct ratelimit __rl; \
	if (ratelimit_ok(&__rl, 5)) printk(level, __VA_ARGS__); \
} while (0)

/* Stop taking console/log locks (the holder may be a stopped CPU), write
 * out the queued console output, and print synchronously from now on. */
void printk_panic_mode(void);

__printf(1, 2) __noreturn void panic(const char *fmt, ...);

#define BUG_ON(c) do { if (unlikely(c)) panic("BUG at %s:%d: %s", __FILE__, __LINE__, #c); } while (0)

#endif
