/*
 * ivshmem tool: list, read, write, dump, ring, wait: the device itself,
 * without the IVC protocol. The region is Device memory to Linux, so bytes
 * are read and written as whole aligned 32-bit words.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ivshmem.h"

static u8 get_byte(const struct ivs_dev *d, u64 off)
{
	return (u8)(d->mem[off / 4] >> (8 * (off % 4)));
}

/* Write bytes; a partial word is read, modified and written back. */
static void put_bytes(struct ivs_dev *d, u64 off, const u8 *src, u64 len)
{
	while (len) {
		u64 w = off / 4, sh = off % 4, n = 4 - sh < len ? 4 - sh : len;
		u32 v = n == 4 ? 0 : d->mem[w];

		for (u64 i = 0; i < n; i++)
			v = (v & ~(0xffu << (8 * (sh + i)))) | (u32)src[i] << (8 * (sh + i));
		d->mem[w] = v;
		off += n, src += n, len -= n;
	}
}

/* OFFSET [LEN] arguments, checked against the region. */
static int range(const struct ivs_dev *d, int argc, char **argv, u64 def_len, u64 *off, u64 *len)
{
	unsigned long long o = 0, l = def_len;

	if (argc > 0 && ivs_parse_u64(argv[0], "OFFSET", d->size - 1, &o))
		return -1;
	if (argc > 1 && ivs_parse_u64(argv[1], "LEN", d->size, &l))
		return -1;
	if (argc < 2 && o + l > d->size)
		l = d->size - o;		/* the default length stops at the end */
	if (o + l > d->size)
		return ivs_err("OFFSET %llu + LEN %llu is beyond the %llu-byte region", o, l,
			       (unsigned long long)d->size);
	*off = o, *len = l;
	return 0;
}

static int list_one(const char *sel, const struct ivs_opts *o)
{
	struct ivs_dev d;
	struct ivc c;
	u32 self;
	int n = 0;

	static int header;

	if (ivs_open(&d, sel))
		return -1;
	if (!header++)
		printf("%-13s %-6s %-4s %10s  %-5s %s\n", "DEVICE", "UIO", "IRQ", "REGION", "PEER",
		       "ATTACHED");
	printf("%-13s %-6s %-4d %6llu KiB  ", d.bdf, d.uio, d.irq,
	       (unsigned long long)d.size / 1024);
	if (o->peer >= 0 || d.position < IVC_MAX_PEERS)
		printf("%-5u ", ivs_self(&d, o, &self) ? 0 : self);
	else
		printf("%-5s ", "-");
	if (d.size > IVC_MAX_REGION || ivc_view(&c, d.mem, (u32)d.size, 0)) {
		printf("(not an IVC region: size)\n");
		return 0;
	}
	for (u32 p = 0; p < IVC_MAX_PEERS; p++)
		if (ivc_peer_ready(&c, p))
			printf("%s%u", n++ ? "," : "", p);
	printf("%s\n", n ? "" : "none");
	return 0;
}

int ivs_cmd_list(const struct ivs_opts *o, int argc, char **argv)
{
	char bdfs[IVS_MAX_DEVS][32];
	int n = o->dev ? 1 : ivs_scan(bdfs, IVS_MAX_DEVS), bad = 0;

	if (n < 0)
		return -1;
	if (!n)
		return ivs_err("no ivshmem device (PCI %04x:%04x)", IVS_VENDOR, IVS_DEVICE);
	for (int i = 0; i < n; i++)
		bad |= list_one(o->dev ? o->dev : bdfs[i], o);
	return bad;
}

int ivs_cmd_read(const struct ivs_opts *o, int argc, char **argv)
{
	struct ivs_dev d;
	u64 off, len;

	if (ivs_open(&d, o->dev) || range(&d, argc, argv, 4, &off, &len))
		return -1;
	for (u64 i = 0; i < len; i++)
		putchar(get_byte(&d, off + i));
	return fflush(stdout) ? ivs_err("writing stdout failed") : 0;
}

static int hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* "de ad be ef" or "deadbeef" -> bytes; the count or -1. */
static int parse_hex(const char *s, u8 *out, size_t cap)
{
	size_t n = 0;

	while (*s) {
		int hi, lo;

		if (*s == ' ' || *s == ':') {
			s++;
			continue;
		}
		hi = hex_nibble(s[0]);
		lo = hi < 0 ? -1 : hex_nibble(s[1]);
		if (lo < 0)
			return ivs_err("write -x: '%s' is not hex bytes (e.g. \"de ad be ef\")", s);
		if (n == cap)
			return ivs_err("write -x: more than %zu bytes", cap);
		out[n++] = (u8)(hi << 4 | lo);
		s += 2;
	}
	return (int)n;
}

int ivs_cmd_write(const struct ivs_opts *o, int argc, char **argv)
{
	static u8 buf[65536];
	struct ivs_dev d;
	u64 off, len;
	int n = (int)strlen(argv[1]);

	if (n > (int)sizeof(buf))
		return ivs_err("write: DATA is longer than %zu bytes", sizeof(buf));
	if (o->hex)
		n = parse_hex(argv[1], buf, sizeof(buf));
	else
		memcpy(buf, argv[1], (size_t)n);
	if (n <= 0)
		return n < 0 ? -1 : ivs_err("write: DATA is empty");
	if (ivs_open(&d, o->dev) || range(&d, 1, argv, (u64)n, &off, &len))
		return -1;
	if (len < (u64)n)
		return ivs_err("write: %d bytes at %llu go beyond the %llu-byte region", n,
			       (unsigned long long)off, (unsigned long long)d.size);
	put_bytes(&d, off, buf, len);
	return 0;
}

int ivs_cmd_dump(const struct ivs_opts *o, int argc, char **argv)
{
	struct ivs_dev d;
	u64 off, len;

	if (ivs_open(&d, o->dev) || range(&d, argc, argv, 256, &off, &len))
		return -1;
	for (u64 row = off & ~15ull; row < off + len; row += 16) {
		char text[17] = { 0 };

		printf("%08llx ", (unsigned long long)row);
		for (u64 i = row; i < row + 16; i++) {
			bool in = i >= off && i < off + len;
			u8 b = in ? get_byte(&d, i) : 0;

			printf(in ? " %02x" : "   ", b);
			text[i - row] = !in ? ' ' : (b >= 32 && b < 127) ? (char)b : '.';
		}
		printf("  |%s|\n", text);
	}
	return 0;
}

int ivs_cmd_ring(const struct ivs_opts *o, int argc, char **argv)
{
	struct ivs_dev d;
	unsigned long long peer, vec = 0;

	if (ivs_parse_u64(argv[0], "PEER", IVC_MAX_PEERS - 1, &peer) ||
	    (argc > 1 && ivs_parse_u64(argv[1], "VECTOR", 7, &vec)) || ivs_open(&d, o->dev))
		return -1;
	return ivs_ring(&d, (u32)peer, (u32)vec);
}

/* A doorbell rung since the last read of IntrStatus returns at once. */
int ivs_cmd_wait(const struct ivs_opts *o, int argc, char **argv)
{
	struct ivs_dev d;
	long long end;
	u32 st;

	if (ivs_open(&d, o->dev))
		return -1;
	if (d.irq <= 0)
		return ivs_err("%s has no interrupt (QEMU's ivshmem-plain?): nothing to wait for",
			       d.bdf);
	end = o->timeout_ms < 0 ? -1 : ivs_now_us() + o->timeout_ms * 1000ll;
	st = ivs_irq_arm(&d);
	while (!st) {
		long long left = end < 0 ? -1 : (end - ivs_now_us()) / 1000;

		if (end >= 0 && left <= 0)
			return ivs_err("no doorbell within %d ms", o->timeout_ms);
		if (ivs_irq_wait(&d, (int)left, &st) < 0)
			return -1;
	}
	printf("doorbell: vectors 0x%02x\n", st);
	return 0;
}
