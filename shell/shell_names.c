/*
 * Name lookup and sorted listing over commands and subcommand tables.
 * Tables are tiny and the console is slow, so sorting is a repeated
 * "next name after the previous one" scan: no allocation, no copies, and
 * the section order chosen by the linker does not matter.
 */
#include "shell_priv.h"
#include <lib/string.h>

size_t shell_cmd_count(const struct shell *sh)
{
	return shell_nbuiltins + sh->ncmds;
}

const struct shell_cmd *shell_cmd_at(const struct shell *sh, size_t i)
{
	if (i < shell_nbuiltins)
		return &shell_builtins[i];
	return &sh->cmds[i - shell_nbuiltins];
}

const struct shell_subcmd *shell_find_sub(const struct shell_subcmd *subs, size_t n,
					  const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(subs[i].name, name) == 0)
			return &subs[i];
	return NULL;
}

void shell_names_cmds(struct shell_names *nm, const struct shell *sh)
{
	nm->sh = sh;
	nm->subs = NULL;
	nm->n = shell_cmd_count(sh);
}

void shell_names_subs(struct shell_names *nm, const struct shell_subcmd *subs, size_t n)
{
	nm->sh = NULL;
	nm->subs = subs;
	nm->n = n;
}

const char *shell_name_at(const struct shell_names *nm, size_t i)
{
	return nm->subs ? nm->subs[i].name : shell_cmd_at(nm->sh, i)->name;
}

const char *shell_help_at(const struct shell_names *nm, size_t i)
{
	return nm->subs ? nm->subs[i].help : shell_cmd_at(nm->sh, i)->help;
}

size_t shell_names_next(const struct shell_names *nm, const char *prev,
			const char *prefix, size_t plen)
{
	size_t best = nm->n;
	const char *name;

	for (size_t i = 0; i < nm->n; i++) {
		name = shell_name_at(nm, i);
		if (strncmp(name, prefix, plen) != 0)
			continue;
		if (prev && strcmp(name, prev) <= 0)
			continue;
		if (best == nm->n || strcmp(name, shell_name_at(nm, best)) < 0)
			best = i;
	}
	return best;
}

static size_t shell_names_width(const struct shell_names *nm)
{
	size_t w = 0, len;

	for (size_t i = 0; i < nm->n; i++) {
		len = strlen(shell_name_at(nm, i));
		if (len > w)
			w = len;
	}
	return w;
}

void shell_list(struct shell *sh, const struct shell_names *nm)
{
	int width = (int)shell_names_width(nm);
	const char *name;

	for (size_t i = shell_names_next(nm, NULL, "", 0); i < nm->n;
	     i = shell_names_next(nm, name, "", 0)) {
		name = shell_name_at(nm, i);
		shell_printf(sh, "  %-*s  %s\n", width, name, shell_help_at(nm, i));
	}
}
