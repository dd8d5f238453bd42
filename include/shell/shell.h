/*
 * Serial-console shell core: command table, dispatch, help, completion
 * and console ownership. Terminal I/O goes through struct shell_io, so
 * the same code drives the UART and the host unit tests.
 *
 * Commands register from any file with SHELL_CMD() / SHELL_CMD_GROUP();
 * the descriptors land in the ".shell_cmds" linker section, which the
 * linker script brackets with __shell_cmds_start / __shell_cmds_end (see
 * shell_init_section()). Tests pass their own array to shell_init().
 *
 * Command return values:
 *   0        success;
 *   > 0      failure the command has already reported (nothing printed);
 *   -EINVAL  bad usage: the core prints "usage: <usage>" after whatever
 *            the command printed;
 *   < 0      any other errno: the core prints "<cmd>: <zvm_strerror>".
 *
 * Output written with shell_printf()/shell_puts() has every "\n" turned
 * into "\r\n" for the terminal; commands just write "\n".
 *
 * Threading: one struct shell belongs to one console thread. All calls,
 * including shell_clear_input_hook(), must come from that thread or be
 * serialised by the caller.
 */
#ifndef SHELL_SHELL_H
#define SHELL_SHELL_H

#include <zvm/compiler.h>
#include <zvm/types.h>
#include <shell/lineedit.h>
#include <shell/args.h>

#define SHELL_PROMPT "zvm> "
#define SHELL_MAX_ARGS 16	/* argv slots with the NULL: at most 15 words */

struct shell;

typedef int (*shell_cmd_fn)(struct shell *sh, int argc, char **argv);

/* One word of a multi-word command (`zvm new`, `zvm run`, ...). usage is
 * the full text, e.g. "zvm new <name> [-n cpus] [-m mem]". */
struct shell_subcmd {
	const char *name;
	const char *usage;
	const char *help;
	shell_cmd_fn fn;	/* gets argv[0] = the subcommand name */
};

struct shell_cmd {
	const char *name;
	const char *usage;
	const char *help;
	/* NULL for a group: the core dispatches argv[1] over subs. */
	shell_cmd_fn fn;
	const struct shell_subcmd *subs;	/* for completion; may be NULL */
	size_t nsubs;
};

struct shell_io {
	void (*write)(void *ctx, const char *s, size_t n);
	int (*getc)(void *ctx);	/* blocking; a byte 0..255, < 0 on end of input */
	void *ctx;
};

/*
 * Console takeover. While a hook is set, shell_feed() hands it every input
 * byte instead of the line editor; the owner (e.g. `zvm look`, attached to
 * a VM console until its escape key) removes it with
 * shell_clear_input_hook(), possibly from inside the hook itself. A
 * command that sets the hook suppresses the prompt that would follow it;
 * clearing the hook prints a fresh prompt.
 */
typedef void (*shell_input_hook_fn)(struct shell *sh, char c, void *ctx);

struct shell {
	const struct shell_io *io;
	const struct shell_cmd *cmds;
	size_t ncmds;
	struct le le;
	shell_input_hook_fn hook;
	void *hook_ctx;
	bool in_cmd;		/* a line from the editor is executing */
	bool after_cr;		/* last byte fed was CR (for CRLF into a hook) */
	/* The command being run, for error lines and usage. */
	const char *cur_name;
	const char *cur_sub;
	const char *cur_usage;
	char exec_buf[LE_LINE_MAX];	/* a copy of the line for args_split() */
	char comp_buf[LE_LINE_MAX];	/* the same for Tab completion */
};

#define SHELL_CMD_DEFINE(ident, use, text, func, sub, nsub)			\
	static const struct shell_cmd __shell_cmd_##ident			\
	__section(".shell_cmds") __used						\
	__aligned(__alignof__(struct shell_cmd)) = {				\
		.name = #ident, .usage = use, .help = text, .fn = func,	\
		.subs = sub, .nsubs = nsub,					\
	}

/* SHELL_CMD(ps, "ps [-a]", "list threads", cmd_ps); the name is `ident`. */
#define SHELL_CMD(ident, usage, help, fn)					\
	SHELL_CMD_DEFINE(ident, usage, help, fn, NULL, 0)

/* A multi-word command dispatched over a static shell_subcmd array. */
#define SHELL_CMD_GROUP(ident, usage, help, subs)				\
	SHELL_CMD_DEFINE(ident, usage, help, NULL, subs, ARRAY_SIZE(subs))

/* Bounds of the ".shell_cmds" section, from the linker script. */
extern const struct shell_cmd __shell_cmds_start[];
extern const struct shell_cmd __shell_cmds_end[];

/* Set up a shell over an explicit command table (host tests) or, with
 * shell_init_section(), over every SHELL_CMD in the image. Prints nothing;
 * call shell_start() to show the first prompt. */
void shell_init(struct shell *sh, const struct shell_io *io,
		const struct shell_cmd *cmds, size_t ncmds);
void shell_init_section(struct shell *sh, const struct shell_io *io);
void shell_start(struct shell *sh);

/* Process one input byte: the kernel console thread does
 * for (;;) shell_feed(sh, blocking_getc()); */
void shell_feed(struct shell *sh, char c);

/* shell_start(), then feed io->getc() until it returns < 0. */
void shell_run(struct shell *sh);

/* Run one command line (boot scripts, tests) without the editor. Returns
 * the command's result, 0 for a blank line, -ENOENT for an unknown
 * command, -E2BIG for a line of LE_LINE_MAX bytes or more, or the
 * args_split() error; the same messages are printed as at the prompt.
 * Not re-entrant: a command must not call it on its own shell (the line
 * is split in sh->exec_buf). */
int shell_exec_line(struct shell *sh, const char *line);

/* Look a command up by name; NULL if there is none. */
const struct shell_cmd *shell_find(const struct shell *sh, const char *name);

/* Run argv[1] from subs: "unknown subcommand" plus the list if there is
 * no match (returns 1, already reported), the list alone if argc < 2. */
int shell_dispatch_sub(struct shell *sh, const struct shell_subcmd *subs, size_t n,
		       int argc, char **argv);

/* Report an args_getopt() failure as "<cmd>: option -x requires an
 * argument" / "<cmd>: unknown option -x". Returns -EINVAL, so a command
 * can `return shell_opt_error(sh, &st, ret);` and get its usage printed. */
int shell_opt_error(struct shell *sh, const struct args_opt *st, int ret);

void shell_set_input_hook(struct shell *sh, shell_input_hook_fn fn, void *ctx);
void shell_clear_input_hook(struct shell *sh);

/* Terminal output ("\n" becomes "\r\n"). shell_printf() formats with
 * fmt_vformat() from <lib/fmt.h>. */
void shell_write(struct shell *sh, const char *s, size_t n);
void shell_puts(struct shell *sh, const char *s);
int shell_printf(struct shell *sh, const char *fmt, ...) __printf(2, 3);

#endif
