/* Pieces shared by the `zvm` subcommands (shell/cmd_zvm*.c). */
#ifndef SHELL_CMD_ZVM_H
#define SHELL_CMD_ZVM_H

#include <shell/shell.h>
#include <zvm/types.h>

struct vcpu;
struct vm;

/*
 * Parse `-n ID` plus the boolean options listed in `flags` (e.g. "c"):
 * bit i of *set is raised when flags[i] was given (set may be NULL when
 * flags is ""). Returns 0 with *out = the VM, or prints what is wrong and
 * returns non-zero.
 */
int zvm_parse_id(struct shell *sh, int argc, char **argv, const char *flags, u32 *set,
		 struct vm **out);
/* One line per vCPU for `zvm info -n`: timer interrupt delivery by path. */
void zvm_latency_summary(struct shell *sh, const struct vcpu *v);
int zvm_latency(struct shell *sh, int argc, char **argv);
/* `zvm look` (cmd_zvm_look.c). */
#define LOOK_ESCAPE 0x1d	/* Ctrl-] as in telnet: back to the host shell */
int zvm_look(struct shell *sh, int argc, char **argv);

#endif
