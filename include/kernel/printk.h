/* Kernel log: printk with levels, kept in a ring for the shell's `log` command. */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include <stdarg.h>
#include <zvm/compiler.h>

enum log_level { LOG_EMERG, LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG };

__printf(2, 3) void printk(enum log_level level, const char *fmt, ...);
void vprintk(enum log_level level, const char *fmt, va_list ap);

/* Console output without a log prefix (shell, banners). */
__printf(1, 2) void kprintf(const char *fmt, ...);
void console_write(const char *s, size_t n);
/* Bytes as they are (no \n -> \r\n): for terminal protocols. */
void console_write_raw(const char *s, size_t n);
/*
 * While fn is set, console output (printk, the shell) is handed to it
 * instead of the UART: `zvm look` buffers it with the guest's bytes, so
 * that only its own thread writes the UART and the two stay in order.
 * fn runs under the console lock and returns false to refuse (the bytes
 * then go to the UART). Panic output always goes to the UART.
 */
void console_set_redirect(bool (*fn)(const char *s, size_t n));
/* Straight to the UART, whatever the redirect (the redirect's writer). */
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

/* Stop taking console/log locks: the holder may be a stopped CPU. */
void printk_panic_mode(void);

__printf(1, 2) __noreturn void panic(const char *fmt, ...);

#define BUG_ON(c) do { if (unlikely(c)) panic("BUG at %s:%d: %s", __FILE__, __LINE__, #c); } while (0)

#endif
