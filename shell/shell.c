/* Shell core: input routing, command dispatch and error reporting. */
#include "shell_priv.h"
#include <zvm/errno.h>
#include <lib/string.h>

void shell_init(struct shell *sh, const struct shell_io *io,
		const struct shell_cmd *cmds, size_t ncmds)
{
	memset(sh, 0, sizeof(*sh));
	sh->io = io;
	sh->cmds = cmds;
	sh->ncmds = ncmds;
	le_init(&sh->le, SHELL_PROMPT, io->write, io->ctx);
	le_set_completion(&sh->le, shell_complete, sh);
}

void shell_start(struct shell *sh)
{
	le_begin(&sh->le);
}

const struct shell_cmd *shell_find(const struct shell *sh, const char *name)
{
	const struct shell_cmd *cmd;

	for (size_t i = 0; i < shell_cmd_count(sh); i++) {
		cmd = shell_cmd_at(sh, i);
		if (strcmp(cmd->name, name) == 0)
			return cmd;
	}
	return NULL;
}

/* "zvm new" while a subcommand runs, "ps" otherwise. */
static void shell_print_cmd_name(struct shell *sh)
{
	shell_puts(sh, sh->cur_name);
	if (sh->cur_sub)
		shell_printf(sh, " %s", sh->cur_sub);
}

static void shell_report(struct shell *sh, int ret)
{
	if (ret == -EINVAL) {
		shell_printf(sh, "usage: %s\n", sh->cur_usage);
	} else if (ret < 0) {
		shell_print_cmd_name(sh);
		shell_printf(sh, ": %s\n", zvm_strerror(ret));
	}
}

int shell_opt_error(struct shell *sh, const struct args_opt *st, int ret)
{
	shell_print_cmd_name(sh);
	if (ret == ARGS_OPT_NOARG)
		shell_printf(sh, ": option -%c requires an argument\n", st->opt);
	else
		shell_printf(sh, ": unknown option -%c\n", st->opt);
	return -EINVAL;
}

int shell_dispatch_sub(struct shell *sh, const struct shell_subcmd *subs, size_t n,
		       int argc, char **argv)
{
	const struct shell_subcmd *sub = NULL;
	struct shell_names nm;

	if (argc >= 2)
		sub = shell_find_sub(subs, n, argv[1]);
	if (sub) {
		sh->cur_sub = sub->name;
		sh->cur_usage = sub->usage;
		return sub->fn(sh, argc - 1, argv + 1);
	}
	if (argc >= 2)
		shell_printf(sh, "%s: unknown subcommand '%s'\n", argv[0], argv[1]);
	shell_printf(sh, "%s subcommands:\n", argv[0]);
	shell_names_subs(&nm, subs, n);
	shell_list(sh, &nm);
	return 1;
}

static int shell_exec_argv(struct shell *sh, int argc, char **argv)
{
	const struct shell_cmd *cmd = shell_find(sh, argv[0]);
	int ret;

	if (!cmd) {
		shell_printf(sh, "%s: unknown command (type 'help')\n", argv[0]);
		return -ENOENT;
	}
	sh->cur_name = cmd->name;
	sh->cur_sub = NULL;
	sh->cur_usage = cmd->usage;
	if (cmd->fn)
		ret = cmd->fn(sh, argc, argv);
	else
		ret = shell_dispatch_sub(sh, cmd->subs, cmd->nsubs, argc, argv);
	shell_report(sh, ret);
	return ret;
}

int shell_exec_line(struct shell *sh, const char *line)
{
	size_t len = strnlen(line, sizeof(sh->exec_buf));
	char *argv[SHELL_MAX_ARGS];
	int argc;

	/* strnlen + memcpy, not strlcpy: host libc may lack the latter. */
	if (len == sizeof(sh->exec_buf)) {
		shell_puts(sh, "line too long\n");
		return -E2BIG;
	}
	memcpy(sh->exec_buf, line, len + 1);
	argc = args_split(sh->exec_buf, argv, (int)ARRAY_SIZE(argv));
	if (argc == -E2BIG)
		shell_printf(sh, "too many arguments (at most %d)\n", SHELL_MAX_ARGS - 1);
	else if (argc == -EINVAL)
		shell_puts(sh, "unterminated quote\n");
	if (argc <= 0)
		return argc;
	return shell_exec_argv(sh, argc, argv);
}

/* ---- console input ---------------------------------------------------- */

void shell_feed(struct shell *sh, char c)
{
	bool after_cr = sh->after_cr;

	sh->after_cr = c == '\r';
	if (sh->hook) {
		/* The LF of the CRLF that ran the command is not the hook's. */
		if (!(after_cr && c == '\n'))
			sh->hook(sh, c, sh->hook_ctx);
		return;
	}
	switch (le_feed(&sh->le, c)) {
	case LE_LINE:
		sh->in_cmd = true;
		shell_exec_line(sh, le_line(&sh->le));
		sh->in_cmd = false;
		/* A command that took the console over prompts when it lets go. */
		if (!sh->hook)
			le_begin(&sh->le);
		break;
	case LE_CANCEL:
		le_begin(&sh->le);
		break;
	case LE_NONE:
	case LE_EOF:	/* a console cannot be closed: ignore Ctrl-D */
		break;
	}
}

void shell_run(struct shell *sh)
{
	int c;

	shell_start(sh);
	while ((c = sh->io->getc(sh->io->ctx)) >= 0)
		shell_feed(sh, (char)c);
}

void shell_set_input_hook(struct shell *sh, shell_input_hook_fn fn, void *ctx)
{
	sh->hook = fn;
	sh->hook_ctx = ctx;
}

void shell_clear_input_hook(struct shell *sh)
{
	sh->hook = NULL;
	sh->hook_ctx = NULL;
	/* Inside a command the prompt follows when the command returns. */
	if (!sh->in_cmd) {
		shell_puts(sh, "\n");
		le_begin(&sh->le);
	}
}
