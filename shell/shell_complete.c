/*
 * Tab completion: command names for the first word, subcommand names for
 * the second word of a command that has a subcommand table. A unique match
 * is completed with a trailing space; several matches are extended to
 * their longest common prefix, and when that adds nothing they are listed.
 */
#include "shell_priv.h"
#include <lib/ctype.h>
#include <lib/string.h>

static void shell_bell(struct shell *sh)
{
	shell_puts(sh, "\a");
}

/*
 * Pick the names that can complete the word starting at comp_buf[start].
 * The words before it are split (destructively: comp_buf[start - 1] is a
 * blank and becomes their terminator; the word itself stays intact).
 */
static bool shell_complete_source(struct shell *sh, struct shell_names *nm, size_t start)
{
	const struct shell_cmd *cmd;
	char *argv[3];
	int argc = 0;

	if (start > 0) {
		sh->comp_buf[start - 1] = '\0';
		argc = args_split(sh->comp_buf, argv, (int)ARRAY_SIZE(argv));
	}
	if (argc == 0) {
		shell_names_cmds(nm, sh);
		return true;
	}
	if (argc != 1)
		return false;
	cmd = shell_find(sh, argv[0]);
	if (!cmd || !cmd->nsubs)
		return false;
	shell_names_subs(nm, cmd->subs, cmd->nsubs);
	return true;
}

static size_t shell_common_len(const char *a, const char *b, size_t max)
{
	size_t i = 0;

	while (i < max && a[i] && a[i] == b[i])
		i++;
	return i;
}

static void shell_list_matches(struct shell *sh, const struct shell_names *nm,
			       size_t first, const char *prefix, size_t plen)
{
	const char *name;

	shell_puts(sh, "\n");
	for (size_t i = first; i < nm->n; i = shell_names_next(nm, name, prefix, plen)) {
		name = shell_name_at(nm, i);
		shell_printf(sh, "%s  ", name);
	}
	shell_puts(sh, "\n");
}

static bool shell_complete_word(struct shell *sh, struct le *le, const struct shell_names *nm,
				const char *prefix, size_t plen)
{
	size_t first = shell_names_next(nm, NULL, prefix, plen);
	const char *name, *match;
	size_t common, count = 0;

	if (first == nm->n) {
		shell_bell(sh);
		return false;
	}
	match = shell_name_at(nm, first);
	common = strlen(match);
	for (size_t i = first; i < nm->n; i = shell_names_next(nm, name, prefix, plen)) {
		name = shell_name_at(nm, i);
		common = shell_common_len(match, name, common);
		count++;
	}
	if (count == 1) {
		if (le_insert(le, match + plen, common - plen) == 0)
			le_insert(le, " ", 1);
		return false;
	}
	if (common > plen) {
		le_insert(le, match + plen, common - plen);
		return false;
	}
	shell_list_matches(sh, nm, first, prefix, plen);
	return true;
}

bool shell_complete(void *ctx, struct le *le, const char *line, size_t cursor)
{
	struct shell *sh = ctx;
	struct shell_names nm;
	size_t start = cursor;

	memcpy(sh->comp_buf, line, cursor);
	sh->comp_buf[cursor] = '\0';
	while (start > 0 && !ch_isspace(sh->comp_buf[start - 1]))
		start--;
	if (!shell_complete_source(sh, &nm, start)) {
		shell_bell(sh);
		return false;
	}
	return shell_complete_word(sh, le, &nm, sh->comp_buf + start, cursor - start);
}
