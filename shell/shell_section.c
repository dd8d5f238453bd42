/*
 * The kernel's command table: every SHELL_CMD()/SHELL_CMD_GROUP() in the
 * image, collected by the linker into ".shell_cmds". Kept apart from
 * shell.c so host tests, which have no such section, never reference the
 * bounds symbols.
 */
#include <shell/shell.h>

void shell_init_section(struct shell *sh, const struct shell_io *io)
{
	shell_init(sh, io, __shell_cmds_start, (size_t)(__shell_cmds_end - __shell_cmds_start));
}
