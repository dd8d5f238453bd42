/*
 * Shell output. Commands write "\n"; a serial terminal needs "\r\n" to
 * return to column 0, so the translation happens here, once.
 */
#include "shell_priv.h"
#include <lib/fmt.h>
#include <lib/string.h>

void shell_write(struct shell *sh, const char *s, size_t n)
{
	const struct shell_io *io = sh->io;
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\n')
			continue;
		if (i > start)
			io->write(io->ctx, s + start, i - start);
		io->write(io->ctx, "\r\n", 2);
		start = i + 1;
	}
	if (n > start)
		io->write(io->ctx, s + start, n - start);
}

void shell_puts(struct shell *sh, const char *s)
{
	shell_write(sh, s, strlen(s));
}

/* fmt_vformat() produces one character at a time; batch them so the
 * console driver sees a few writes per line rather than one per byte. */
struct shell_pbuf {
	struct shell *sh;
	size_t n;
	char buf[64];
};

static void shell_pbuf_flush(struct shell_pbuf *pb)
{
	shell_write(pb->sh, pb->buf, pb->n);
	pb->n = 0;
}

static void shell_pbuf_putc(void *ctx, char c)
{
	struct shell_pbuf *pb = ctx;

	if (pb->n == sizeof(pb->buf))
		shell_pbuf_flush(pb);
	pb->buf[pb->n++] = c;
}

int shell_printf(struct shell *sh, const char *fmt, ...)
{
	struct shell_pbuf pb = { .sh = sh, .n = 0 };
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = fmt_vformat(shell_pbuf_putc, &pb, fmt, ap);
	va_end(ap);
	shell_pbuf_flush(&pb);
	return ret;
}
