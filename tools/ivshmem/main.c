/*
 * ivshmem: talk to other VMs over ZVM's ivshmem devices from a stock
 * Linux (docs/guests.md, "Talking to the real-time VM (ivshmem)").
 * Options may come anywhere; each subcommand names the ones it takes.
 */
#include <stdio.h>
#include <string.h>

#include "ivshmem.h"

struct ivs_cmd {
	const char *name;
	int (*fn)(const struct ivs_opts *o, int argc, char **argv);
	const char *opts;		/* option letters it accepts (-d always) */
	int min, max;			/* positional arguments */
	const char *usage;
};

static const struct ivs_cmd cmds[] = {
	{ "list", ivs_cmd_list, "p", 0, 0, "list                      devices, our peer id, attached peers" },
	{ "read", ivs_cmd_read, "", 1, 2, "read OFFSET [LEN]         region bytes to stdout (LEN: 4)" },
	{ "write", ivs_cmd_write, "x", 2, 2, "write [-x] OFFSET DATA    text (-x: hex bytes) into the region" },
	{ "dump", ivs_cmd_dump, "", 0, 2, "dump [OFFSET [LEN]]       hex dump of the region (LEN: 256)" },
	{ "ring", ivs_cmd_ring, "", 1, 2, "ring PEER [VECTOR]        ring a peer's doorbell (VECTOR 0..7: 0)" },
	{ "wait", ivs_cmd_wait, "t", 0, 0, "wait [-t MS]              wait for a doorbell (-t: forever)" },
	{ "stats", ivs_cmd_stats, "pwn", 0, 1, "stats [-w [-n N]] [PEER]  the real-time VM's statistics (PEER: 0)" },
	{ "cmd", ivs_cmd_cmd, "pt", 2, 64, "cmd [-t MS] PEER TEXT...  send a command, print the reply" },
	{ "ping", ivs_cmd_ping, "ptn", 1, 1, "ping [-n N] [-t MS] PEER  IVC round trips, min/avg/max us" },
	{ "serve", ivs_cmd_serve, "pn", 0, 0, "serve [-n N]              answer echo and commands (N: stop after N)" },
	{ "lat", ivs_cmd_lat, "ptnsO", 1, 1, "lat [-n N] [-s] [-O CNTVOFF] PEER  doorbell latency both ways, ns (N: 1000)" },
	{ "xfer", ivs_cmd_xfer, "pt", 1, 2, "xfer PEER [KIB]           KiB (1024) through the region, echoed and compared" },
	{ "flood", ivs_cmd_flood, "ny", 1, 1, "flood [-n N] [-y] PEER    N (100000) doorbells + config-space reads (-y: YIELD each)" },
};

static void usage(FILE *f)
{
	fputs("usage: ivshmem [-d DEV] [-p PEER] COMMAND [ARGS]\n"
	      "  -d DEV   the ivshmem device (PCI address or uioN) when there are several\n"
	      "  -p PEER  our peer id, when the device's IVPosition is not one\n", f);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  ivshmem %s\n", cmds[i].usage);
}

/* The value of option -c: the rest of this argument or the next one. */
static const char *opt_value(char c, int *i, int argc, char **argv)
{
	const char *a = argv[*i];

	if (a[2])
		return a + 2;
	if (*i + 1 >= argc)
		return ivs_err("option -%c needs a value", c), NULL;
	return argv[++*i];
}

static int set_u64(u64 *dst, const char *v, const char *what, unsigned long long max)
{
	unsigned long long n;

	if (!v || ivs_parse_u64(v, what, max, &n))
		return -1;
	*dst = n;
	return 0;
}

static int set_int(int *dst, const char *v, const char *what, unsigned long long max)
{
	u64 n;

	if (set_u64(&n, v, what, max))
		return -1;
	*dst = (int)n;
	return 0;
}

static bool *flag(struct ivs_opts *o, char f)
{
	return f == 'w' ? &o->watch : f == 'x' ? &o->hex : f == 's' ? &o->spin : &o->yield;
}

static int one_opt(struct ivs_opts *o, const struct ivs_cmd *c, int *i, int argc, char **argv)
{
	char f = argv[*i][1];

	if (f != 'd' && !strchr(c->opts, f))
		return ivs_err("%s: no option -%c (try ivshmem -h)", c->name, f);
	switch (f) {
	case 'd':
		o->dev = opt_value(f, i, argc, argv);
		return o->dev ? 0 : -1;
	case 'p':
		return set_int(&o->peer, opt_value(f, i, argc, argv), "-p", IVC_MAX_PEERS - 1);
	case 't':
		if (set_int(&o->timeout_ms, opt_value(f, i, argc, argv), "-t", 3600000))
			return -1;
		return o->timeout_ms ? 0 : ivs_err("-t: the timeout is at least 1 ms");
	case 'n':
		return set_int(&o->count, opt_value(f, i, argc, argv), "-n", 100000000);
	case 'O':
		o->has_cntvoff = true;
		return set_u64(&o->cntvoff, opt_value(f, i, argc, argv), "-O", ~0ull);
	case 'w':
	case 'x':
	case 's':
	case 'y':
		if (argv[*i][2])
			return ivs_err("%s: unknown option %s", c->name, argv[*i]);
		*flag(o, f) = true;
		return 0;
	}
	return ivs_err("%s: unknown option %s", c->name, argv[*i]);
}

/* Split argv into options and positional arguments (left in pos[]). */
static int parse(struct ivs_opts *o, const struct ivs_cmd *c, int argc, char **argv, char **pos)
{
	int n = 0;
	bool opts = true;

	for (int i = 0; i < argc; i++) {
		bool is_opt = opts && argv[i][0] == '-' && argv[i][1];

		if (opts && !strcmp(argv[i], "--"))
			opts = false;
		else if (is_opt && one_opt(o, c, &i, argc, argv))
			return -1;
		else if (is_opt)
			continue;
		else if (n >= c->max)
			return ivs_err("%s: too many arguments (usage: ivshmem %s)", c->name, c->usage);
		else
			pos[n++] = argv[i];
	}
	if (n < c->min)
		return ivs_err("%s: missing arguments (usage: ivshmem %s)", c->name, c->usage);
	return n;
}

int main(int argc, char **argv)
{
	struct ivs_opts o = { .peer = -1, .timeout_ms = -1, .count = -1 };
	char *pos[64];
	int i = 1, n;

	/* Global options before the command (they are also accepted after it). */
	while (i < argc && argv[i][0] == '-' && strcmp(argv[i], "-h") && strcmp(argv[i], "--help"))
		i += (argv[i][2] || strchr("wxsy", argv[i][1])) ? 1 : 2;
	if (i >= argc || !strcmp(argv[i], "-h") || !strcmp(argv[i], "--help") ||
	    !strcmp(argv[i], "help")) {
		usage(i >= argc ? stderr : stdout);
		return i >= argc ? 2 : 0;
	}
	if (argc > 128)
		return ivs_err("too many arguments"), 2;
	for (size_t k = 0; k < sizeof(cmds) / sizeof(cmds[0]); k++) {
		const struct ivs_cmd *c = &cmds[k];
		char *rest[128];
		int m = 0;

		if (strcmp(argv[i], c->name))
			continue;
		for (int j = 1; j < argc; j++)
			if (j != i)
				rest[m++] = argv[j];
		n = parse(&o, c, m, rest, pos);
		if (n < 0)
			return 2;
		return c->fn(&o, n, pos) ? 1 : 0;
	}
	ivs_err("unknown command '%s' (try ivshmem -h)", argv[i]);
	return 2;
}
