/* Internals shared by the shell/ files; not part of the public API. */
#ifndef SHELL_SHELL_PRIV_H
#define SHELL_SHELL_PRIV_H

#include <shell/shell.h>

/* Commands built into the core (help, history); found before the table. */
extern const struct shell_cmd shell_builtins[];
extern const size_t shell_nbuiltins;

/* The builtins followed by the registered table, as one index space. */
size_t shell_cmd_count(const struct shell *sh);
const struct shell_cmd *shell_cmd_at(const struct shell *sh, size_t i);

/* Subcommand by name; NULL if subs has none (or is NULL with n == 0). */
const struct shell_subcmd *shell_find_sub(const struct shell_subcmd *subs, size_t n,
					  const char *name);

/*
 * A uniform view of a name list, either the commands of a shell or a
 * subcommand table, so that help, completion and "unknown subcommand"
 * share one sorted walk. Build it with shell_names_cmds/_subs.
 */
struct shell_names {
	const struct shell *sh;		/* commands when subs is NULL */
	const struct shell_subcmd *subs;
	size_t n;
};

void shell_names_cmds(struct shell_names *nm, const struct shell *sh);
void shell_names_subs(struct shell_names *nm, const struct shell_subcmd *subs, size_t n);
const char *shell_name_at(const struct shell_names *nm, size_t i);
const char *shell_help_at(const struct shell_names *nm, size_t i);

/* Index of the alphabetically next name after `prev` (NULL: the first)
 * among those starting with prefix[0..plen); nm->n when there is none. */
size_t shell_names_next(const struct shell_names *nm, const char *prev,
			const char *prefix, size_t plen);

/* Print "  name  help" lines for every name, sorted, aligned. */
void shell_list(struct shell *sh, const struct shell_names *nm);

/* Tab completion callback handed to the line editor. */
bool shell_complete(void *ctx, struct le *le, const char *line, size_t cursor);

#endif
