/*
 * Commands that belong to the shell itself. They live in the core rather
 * than in ".shell_cmds" so host tests with an injected table get them too.
 */
#include "shell_priv.h"
#include <zvm/errno.h>

static void shell_help_subs(struct shell *sh, const struct shell_cmd *cmd)
{
	struct shell_names nm;

	shell_puts(sh, "subcommands:\n");
	shell_names_subs(&nm, cmd->subs, cmd->nsubs);
	shell_list(sh, &nm);
}

/* help <cmd> [<sub>]: usage line, then the one-line description. */
static int shell_help_one(struct shell *sh, int argc, char **argv)
{
	const struct shell_cmd *cmd = shell_find(sh, argv[1]);
	const struct shell_subcmd *sub;

	if (!cmd) {
		shell_printf(sh, "help: unknown command '%s'\n", argv[1]);
		return 1;
	}
	if (argc == 2) {
		shell_printf(sh, "usage: %s\n%s\n", cmd->usage, cmd->help);
		if (cmd->nsubs)
			shell_help_subs(sh, cmd);
		return 0;
	}
	sub = shell_find_sub(cmd->subs, cmd->nsubs, argv[2]);
	if (!sub) {
		shell_printf(sh, "help: %s has no subcommand '%s'\n", cmd->name, argv[2]);
		return 1;
	}
	shell_printf(sh, "usage: %s\n%s\n", sub->usage, sub->help);
	return 0;
}

static int shell_cmd_help(struct shell *sh, int argc, char **argv)
{
	struct shell_names nm;

	if (argc > 3)
		return -EINVAL;
	if (argc > 1)
		return shell_help_one(sh, argc, argv);
	shell_names_cmds(&nm, sh);
	shell_list(sh, &nm);
	return 0;
}

static int shell_cmd_history(struct shell *sh, int argc, char **argv)
{
	size_t n = le_history_count(&sh->le);

	if (argc != 1)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		shell_printf(sh, "%4zu  %s\n", i + 1, le_history_get(&sh->le, n - 1 - i));
	return 0;
}

const struct shell_cmd shell_builtins[] = {
	{
		.name = "help",
		.usage = "help [command [subcommand]]",
		.help = "list commands, or show how to use one",
		.fn = shell_cmd_help,
	},
	{
		.name = "history",
		.usage = "history",
		.help = "show the most recent command lines",
		.fn = shell_cmd_history,
	},
};

const size_t shell_nbuiltins = ARRAY_SIZE(shell_builtins);
