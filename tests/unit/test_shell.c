/* Host tests of the shell core (shell/shell*.c) over an injected command
 * table and a virtual terminal. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <shell/shell.h>
#include <lib/parse.h>
#include <zvm/errno.h>
#include "vterm.h"

#define HOOK_ESCAPE 0x1d	/* Ctrl-], like telnet */

struct fx {
	struct shell sh;
	struct shell_io io;
	struct vterm vt;
	const char *input;	/* for io.getc */
	/* what the test commands saw */
	int argc;
	char argv0[32];
	char arg1[64];
	u64 new_cpus, new_mem;
	char hooked[64];
	size_t nhooked;
};

static struct fx *fx_of(struct shell *sh)
{
	return (struct fx *)((char *)sh - offsetof(struct fx, sh));
}

static void fx_write(void *ctx, const char *s, size_t n)
{
	struct fx *f = ctx;

	vt_write(&f->vt, s, n);
}

static int fx_getc(void *ctx)
{
	struct fx *f = ctx;

	return *f->input ? (unsigned char)*f->input++ : -1;
}

/* ---- test commands ------------------------------------------------------ */

static void record(struct shell *sh, int argc, char **argv)
{
	struct fx *f = fx_of(sh);

	f->argc = argc;
	snprintf(f->argv0, sizeof(f->argv0), "%s", argv[0]);
	snprintf(f->arg1, sizeof(f->arg1), "%s", argc > 1 ? argv[1] : "");
}

static int cmd_echo(struct shell *sh, int argc, char **argv)
{
	record(sh, argc, argv);
	for (int i = 1; i < argc; i++)
		shell_printf(sh, "%s%s", argv[i], i + 1 < argc ? " " : "\n");
	return 0;
}

static int cmd_fail(struct shell *sh, int argc, char **argv)
{
	return -ENOMEM;
}

static int cmd_usage(struct shell *sh, int argc, char **argv)
{
	shell_puts(sh, "usage: needs exactly one argument\n");
	return -EINVAL;
}

static int cmd_reported(struct shell *sh, int argc, char **argv)
{
	shell_puts(sh, "reported: went wrong\n");
	return 1;
}

/* `look`: take the console until Ctrl-], recording what it receives. */
static void look_hook(struct shell *sh, char c, void *ctx)
{
	struct fx *f = ctx;

	if (c == HOOK_ESCAPE) {
		shell_clear_input_hook(sh);
		return;
	}
	if (f->nhooked + 1 < sizeof(f->hooked))
		f->hooked[f->nhooked++] = c;
}

static int cmd_look(struct shell *sh, int argc, char **argv)
{
	shell_puts(sh, "attached, Ctrl-] to leave\n");
	shell_set_input_hook(sh, look_hook, fx_of(sh));
	return 0;
}

/* Takes and releases the console inside the command: one prompt only. */
static int cmd_blip(struct shell *sh, int argc, char **argv)
{
	shell_set_input_hook(sh, look_hook, fx_of(sh));
	shell_clear_input_hook(sh);
	return 0;
}

static int cmd_zvm_new(struct shell *sh, int argc, char **argv)
{
	struct fx *f = fx_of(sh);
	struct args_opt st;
	int opt;

	args_opt_init(&st);
	while ((opt = args_getopt(&st, argc, argv, "n:m:")) != ARGS_OPT_END) {
		if (opt < 0)
			return shell_opt_error(sh, &st, opt);
		if (opt == 'n' && str_to_u64(st.arg, &f->new_cpus))
			return -EINVAL;
		if (opt == 'm' && str_to_size(st.arg, &f->new_mem))
			return -EINVAL;
	}
	if (st.index != argc - 1)
		return -EINVAL;
	record(sh, argc - st.index, argv + st.index);
	return 0;
}

static int cmd_zvm_run(struct shell *sh, int argc, char **argv)
{
	record(sh, argc, argv);
	return argc == 2 ? 0 : -EINVAL;
}

static int cmd_zvm_pause(struct shell *sh, int argc, char **argv)
{
	return -EBUSY;
}

static const struct shell_subcmd zvm_subs[] = {
	{ "run", "zvm run <vm>", "start a VM", cmd_zvm_run },
	{ "new", "zvm new [-n cpus] [-m mem] <name>", "create a VM", cmd_zvm_new },
	{ "pause", "zvm pause <vm>", "pause a VM", cmd_zvm_pause },
};

/* A command with a function that dispatches by itself. */
static int cmd_vm(struct shell *sh, int argc, char **argv)
{
	return shell_dispatch_sub(sh, zvm_subs, ARRAY_SIZE(zvm_subs), argc, argv);
}

/* Deliberately unsorted: help must sort. */
static const struct shell_cmd test_cmds[] = {
	{ .name = "zvm", .usage = "zvm <subcommand> [args]", .help = "manage VMs",
	  .subs = zvm_subs, .nsubs = ARRAY_SIZE(zvm_subs) },
	{ .name = "pstree", .usage = "pstree", .help = "thread tree", .fn = cmd_echo },
	{ .name = "echo", .usage = "echo [words...]", .help = "print the arguments",
	  .fn = cmd_echo },
	{ .name = "ps", .usage = "ps", .help = "list threads", .fn = cmd_echo },
	{ .name = "fail", .usage = "fail", .help = "always fails", .fn = cmd_fail },
	{ .name = "usage", .usage = "usage <x>", .help = "bad usage", .fn = cmd_usage },
	{ .name = "reported", .usage = "reported", .help = "reports itself",
	  .fn = cmd_reported },
	{ .name = "look", .usage = "look", .help = "take the console", .fn = cmd_look },
	{ .name = "blip", .usage = "blip", .help = "hook in and out", .fn = cmd_blip },
	{ .name = "vm", .usage = "vm <subcommand>", .help = "same as zvm", .fn = cmd_vm },
};

/* The registration macros must build a descriptor with the right fields. */
SHELL_CMD(macro_cmd, "macro_cmd <x>", "made by SHELL_CMD", cmd_echo);
SHELL_CMD_GROUP(macro_group, "macro_group <sub>", "made by SHELL_CMD_GROUP", zvm_subs);

/* ---- fixture ----------------------------------------------------------- */

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	vt_init(&f->vt);
	f->io.write = fx_write;
	f->io.getc = fx_getc;
	f->io.ctx = f;
	f->input = "";
	shell_init(&f->sh, &f->io, test_cmds, ARRAY_SIZE(test_cmds));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static void feed(struct fx *f, const char *s)
{
	for (; *s; s++)
		shell_feed(&f->sh, *s);
}

/* Run `line` without the editor and compare its whole output. */
static int exec_expect(struct fx *f, const char *line, const char *out)
{
	int ret;

	vt_clear_raw(&f->vt);
	ret = shell_exec_line(&f->sh, line);
	assert_string_equal(f->vt.raw, out);
	assert_false(f->vt.bad);
	return ret;
}

/* ---- dispatch ---------------------------------------------------------- */

static void test_exec_runs_command(void **state)
{
	struct fx *f = *state;

	assert_int_equal(exec_expect(f, "echo hello   'big world'", "hello big world\r\n"), 0);
	assert_int_equal(f->argc, 3);
	assert_string_equal(f->argv0, "echo");
	assert_int_equal(exec_expect(f, "   ", ""), 0);
	assert_int_equal(exec_expect(f, "", ""), 0);
}

static void test_unknown_command(void **state)
{
	struct fx *f = *state;

	assert_int_equal(exec_expect(f, "frob x", "frob: unknown command (type 'help')\r\n"),
			 -ENOENT);
}

static void test_errno_reported(void **state)
{
	struct fx *f = *state;

	assert_int_equal(exec_expect(f, "fail", "fail: out of memory\r\n"), -ENOMEM);
	assert_int_equal(exec_expect(f, "reported", "reported: went wrong\r\n"), 1);
}

static void test_einval_prints_usage(void **state)
{
	struct fx *f = *state;

	assert_int_equal(exec_expect(f, "usage",
				     "usage: needs exactly one argument\r\nusage: usage <x>\r\n"),
			 -EINVAL);
}

static void test_split_errors_reported(void **state)
{
	struct fx *f = *state;
	char line[LE_LINE_MAX + 10];

	assert_int_equal(exec_expect(f, "echo 'open", "unterminated quote\r\n"), -EINVAL);
	assert_int_equal(exec_expect(f, "echo 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16",
				     "too many arguments (at most 15)\r\n"), -E2BIG);
	assert_int_equal(exec_expect(f, "echo 1 2 3 4 5 6 7 8 9 10 11 12 13 14",
				     "1 2 3 4 5 6 7 8 9 10 11 12 13 14\r\n"), 0);
	memset(line, 'a', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	assert_int_equal(exec_expect(f, line, "line too long\r\n"), -E2BIG);
}

static void test_subcommand_dispatch(void **state)
{
	struct fx *f = *state;

	assert_int_equal(exec_expect(f, "zvm run vm1", ""), 0);
	assert_int_equal(f->argc, 2);
	assert_string_equal(f->argv0, "run");
	assert_string_equal(f->arg1, "vm1");
	assert_int_equal(exec_expect(f, "zvm run", "usage: zvm run <vm>\r\n"), -EINVAL);
	assert_int_equal(exec_expect(f, "zvm pause vm1", "zvm pause: busy\r\n"), -EBUSY);
	/* the same table behind a command function */
	assert_int_equal(exec_expect(f, "vm pause vm1", "vm pause: busy\r\n"), -EBUSY);
}

static void test_subcommand_unknown_or_missing(void **state)
{
	struct fx *f = *state;
	const char *list = "zvm subcommands:\r\n"
			   "  new    create a VM\r\n"
			   "  pause  pause a VM\r\n"
			   "  run    start a VM\r\n";
	char want[256];

	snprintf(want, sizeof(want), "zvm: unknown subcommand 'bogus'\r\n%s", list);
	assert_int_equal(exec_expect(f, "zvm bogus", want), 1);
	assert_int_equal(exec_expect(f, "zvm", list), 1);
}

static void test_subcommand_options(void **state)
{
	struct fx *f = *state;

	assert_int_equal(exec_expect(f, "zvm new -n 2 -m512M vm1", ""), 0);
	assert_int_equal(f->new_cpus, 2);
	assert_int_equal(f->new_mem, 512ull << 20);
	assert_string_equal(f->argv0, "vm1");
	assert_int_equal(exec_expect(f, "zvm new -x vm1",
				     "zvm new: unknown option -x\r\n"
				     "usage: zvm new [-n cpus] [-m mem] <name>\r\n"), -EINVAL);
	assert_int_equal(exec_expect(f, "zvm new -n",
				     "zvm new: option -n requires an argument\r\n"
				     "usage: zvm new [-n cpus] [-m mem] <name>\r\n"), -EINVAL);
	/* after a subcommand, a plain command reports under its own name */
	assert_int_equal(exec_expect(f, "fail", "fail: out of memory\r\n"), -ENOMEM);
}

static void test_find(void **state)
{
	struct fx *f = *state;

	assert_ptr_equal(shell_find(&f->sh, "echo"), &test_cmds[2]);
	assert_non_null(shell_find(&f->sh, "help"));
	assert_null(shell_find(&f->sh, "ech"));
}

static void test_macros(void **state)
{
	assert_string_equal(__shell_cmd_macro_cmd.name, "macro_cmd");
	assert_string_equal(__shell_cmd_macro_cmd.usage, "macro_cmd <x>");
	assert_string_equal(__shell_cmd_macro_cmd.help, "made by SHELL_CMD");
	assert_ptr_equal(__shell_cmd_macro_cmd.fn, cmd_echo);
	assert_null(__shell_cmd_macro_cmd.subs);
	assert_string_equal(__shell_cmd_macro_group.name, "macro_group");
	assert_null(__shell_cmd_macro_group.fn);
	assert_ptr_equal(__shell_cmd_macro_group.subs, zvm_subs);
	assert_int_equal(__shell_cmd_macro_group.nsubs, 3);
}

/* ---- help --------------------------------------------------------------- */

static void test_help_lists_sorted(void **state)
{
	struct fx *f = *state;

	assert_int_equal(exec_expect(f, "help",
				     "  blip      hook in and out\r\n"
				     "  echo      print the arguments\r\n"
				     "  fail      always fails\r\n"
				     "  help      list commands, or show how to use one\r\n"
				     "  history   show the most recent command lines\r\n"
				     "  look      take the console\r\n"
				     "  ps        list threads\r\n"
				     "  pstree    thread tree\r\n"
				     "  reported  reports itself\r\n"
				     "  usage     bad usage\r\n"
				     "  vm        same as zvm\r\n"
				     "  zvm       manage VMs\r\n"), 0);
}

static void test_help_one(void **state)
{
	struct fx *f = *state;

	assert_int_equal(exec_expect(f, "help echo",
				     "usage: echo [words...]\r\nprint the arguments\r\n"), 0);
	assert_int_equal(exec_expect(f, "help zvm",
				     "usage: zvm <subcommand> [args]\r\nmanage VMs\r\n"
				     "subcommands:\r\n"
				     "  new    create a VM\r\n"
				     "  pause  pause a VM\r\n"
				     "  run    start a VM\r\n"), 0);
	assert_int_equal(exec_expect(f, "help zvm new",
				     "usage: zvm new [-n cpus] [-m mem] <name>\r\ncreate a VM\r\n"), 0);
	assert_int_equal(exec_expect(f, "help zvm nope",
				     "help: zvm has no subcommand 'nope'\r\n"), 1);
	assert_int_equal(exec_expect(f, "help nope", "help: unknown command 'nope'\r\n"), 1);
	assert_int_equal(exec_expect(f, "help a b c",
				     "usage: help [command [subcommand]]\r\n"), -EINVAL);
}

static void test_history_command(void **state)
{
	struct fx *f = *state;

	shell_start(&f->sh);
	feed(f, "echo one\recho two\r");
	assert_int_equal(exec_expect(f, "history",
				     "   1  echo one\r\n   2  echo two\r\n"), 0);
	assert_int_equal(exec_expect(f, "history x", "usage: history\r\n"), -EINVAL);
}

/* ---- interactive ------------------------------------------------------- */

static void test_feed_line_and_prompt(void **state)
{
	struct fx *f = *state;

	shell_start(&f->sh);
	assert_string_equal(vt_line(&f->vt), SHELL_PROMPT);
	feed(f, "echo hi\r\n");
	assert_string_equal(vt_line_above(&f->vt, 2), SHELL_PROMPT "echo hi");
	assert_string_equal(vt_line_above(&f->vt, 1), "hi");
	assert_string_equal(vt_line(&f->vt), SHELL_PROMPT);
	assert_int_equal(f->vt.col, strlen(SHELL_PROMPT));
	/* a blank line just prompts again */
	feed(f, "\r");
	assert_string_equal(vt_line_above(&f->vt, 1), SHELL_PROMPT);
	assert_string_equal(vt_line(&f->vt), SHELL_PROMPT);
	assert_false(f->vt.bad);
}

static void test_feed_ctrl_c_and_ctrl_d(void **state)
{
	struct fx *f = *state;

	shell_start(&f->sh);
	feed(f, "echo never\x03");
	assert_string_equal(vt_line_above(&f->vt, 1), SHELL_PROMPT "echo never^C");
	assert_string_equal(vt_line(&f->vt), SHELL_PROMPT);
	assert_int_equal(f->argc, 0);
	feed(f, "\x04");	/* ignored: the console cannot be closed */
	feed(f, "echo x\r");
	assert_string_equal(vt_line_above(&f->vt, 1), "x");
}

static void test_run_until_eof(void **state)
{
	struct fx *f = *state;

	f->input = "echo a\rfrob\r";
	shell_run(&f->sh);
	assert_string_equal(vt_line_above(&f->vt, 4), SHELL_PROMPT "echo a");
	assert_string_equal(vt_line_above(&f->vt, 3), "a");
	assert_string_equal(vt_line_above(&f->vt, 2), SHELL_PROMPT "frob");
	assert_string_equal(vt_line_above(&f->vt, 1), "frob: unknown command (type 'help')");
	assert_string_equal(vt_line(&f->vt), SHELL_PROMPT);
}

static void test_printf_long_output(void **state)
{
	struct fx *f = *state;
	char big[301], want[310];

	memset(big, 'x', 300);
	big[300] = '\0';
	snprintf(want, sizeof(want), "%s\r\n", big);
	vt_clear_raw(&f->vt);
	assert_int_equal(shell_printf(&f->sh, "%s\n", big), 301);
	assert_string_equal(f->vt.raw, want);
	vt_clear_raw(&f->vt);
	shell_write(&f->sh, "a\n\nb", 4);
	assert_string_equal(f->vt.raw, "a\r\n\r\nb");
}

/* ---- input hook --------------------------------------------------------- */

static void test_input_hook_takes_console(void **state)
{
	struct fx *f = *state;

	shell_start(&f->sh);
	feed(f, "look\r");
	assert_string_equal(vt_line_above(&f->vt, 1), "attached, Ctrl-] to leave");
	assert_string_equal(vt_line(&f->vt), "");	/* no prompt while attached */
	feed(f, "ls -l\r\x03\t");
	assert_int_equal(f->nhooked, 8);
	assert_memory_equal(f->hooked, "ls -l\r\x03\t", 8);
	assert_string_equal(le_line(&f->sh.le), "look");	/* editor untouched */
	feed(f, "\x1d");
	assert_string_equal(vt_line(&f->vt), SHELL_PROMPT);
	/* a terminal sending CRLF: the LF stays out of the hook */
	feed(f, "look\r\nx\n");
	assert_int_equal(f->nhooked, 10);
	assert_memory_equal(f->hooked + 8, "x\n", 2);
	feed(f, "\x1d");
	feed(f, "echo back\r");
	assert_string_equal(vt_line_above(&f->vt, 1), "back");
	assert_int_equal(f->nhooked, 10);
}

static void test_input_hook_cleared_outside(void **state)
{
	struct fx *f = *state;

	shell_start(&f->sh);
	feed(f, "look\r");
	vt_write(&f->vt, "guest output", 12);
	shell_clear_input_hook(&f->sh);	/* e.g. the VM stopped */
	assert_string_equal(vt_line_above(&f->vt, 1), "guest output");
	assert_string_equal(vt_line(&f->vt), SHELL_PROMPT);
}

static void test_input_hook_in_and_out_in_command(void **state)
{
	struct fx *f = *state;

	shell_start(&f->sh);
	feed(f, "blip\r");
	assert_string_equal(vt_line_above(&f->vt, 1), SHELL_PROMPT "blip");
	assert_string_equal(vt_line(&f->vt), SHELL_PROMPT);
}

/* ---- completion ---------------------------------------------------------- */

/* Keys typed at a fresh prompt, the line they must give, and whether Tab
 * found nothing (one bell). */
static const struct {
	const char *keys, *line;
	int bells;
} complete_cases[] = {
	{ "ec\t", "echo ", 0 },
	{ "pst\t", "pstree ", 0 },
	{ "  ec\t", "  echo ", 0 },
	{ "zvm r\t", "zvm run ", 0 },
	{ "zvm  pa\t", "zvm  pause ", 0 },
	{ "echo\t", "echo ", 0 },
	{ "q\t", "q", 1 },			/* no such command */
	{ "ps x\t", "ps x", 1 },		/* no subcommand table */
	{ "zvm new x\t", "zvm new x", 1 },	/* third word */
	{ "zvm x\t", "zvm x", 1 },		/* no such subcommand */
	{ "nope x\t", "nope x", 1 },		/* unknown command */
	{ "'ec\t", "'ec", 1 },		/* quotes are not completed */
};

static void test_complete_cases(void **state)
{
	struct fx *f = *state;
	char want[LE_LINE_MAX + 8];
	int bells;

	shell_start(&f->sh);
	for (size_t i = 0; i < ARRAY_SIZE(complete_cases); i++) {
		bells = f->vt.bells;
		feed(f, complete_cases[i].keys);
		assert_string_equal(le_line(&f->sh.le), complete_cases[i].line);
		snprintf(want, sizeof(want), SHELL_PROMPT "%s", complete_cases[i].line);
		assert_string_equal(vt_line(&f->vt), want);
		assert_int_equal(f->vt.bells - bells, complete_cases[i].bells);
		assert_false(f->vt.bad);
		feed(f, "\x03");
	}
}

static void test_complete_mid_line(void **state)
{
	struct fx *f = *state;

	shell_start(&f->sh);
	feed(f, "ec foo\x1b[D\x1b[D\x1b[D\x1b[D\t");
	assert_string_equal(le_line(&f->sh.le), "echo  foo");
	assert_int_equal(f->sh.le.cur, 5);
	assert_int_equal(f->vt.col, strlen(SHELL_PROMPT) + 5);
}

static void test_complete_common_prefix_then_list(void **state)
{
	struct fx *f = *state;

	shell_start(&f->sh);
	feed(f, "p\t");
	assert_string_equal(le_line(&f->sh.le), "ps");
	feed(f, "\t");
	assert_string_equal(vt_line_above(&f->vt, 2), SHELL_PROMPT "ps");
	assert_string_equal(vt_line_above(&f->vt, 1), "ps  pstree  ");
	assert_string_equal(vt_line(&f->vt), SHELL_PROMPT "ps");
	assert_int_equal(f->vt.col, strlen(SHELL_PROMPT "ps"));
	feed(f, "\x03");
	feed(f, "h\t");
	assert_string_equal(vt_line_above(&f->vt, 1), "help  history  ");
	assert_string_equal(vt_line(&f->vt), SHELL_PROMPT "h");
	assert_int_equal(f->vt.bells, 0);
}

static void test_complete_subcommands_listed(void **state)
{
	struct fx *f = *state;

	shell_start(&f->sh);
	feed(f, "zvm \t");
	assert_string_equal(vt_line_above(&f->vt, 1), "new  pause  run  ");
	assert_string_equal(vt_line(&f->vt), SHELL_PROMPT "zvm ");
	feed(f, "\x03" "vm p\t");	/* command with fn and no table: nothing */
	assert_int_equal(f->vt.bells, 1);
}

static void test_complete_all_commands(void **state)
{
	struct fx *f = *state;

	shell_start(&f->sh);
	feed(f, "\t");
	assert_string_equal(vt_line_above(&f->vt, 1),
			    "blip  echo  fail  help  history  look  ps  pstree  reported  "
			    "usage  vm  zvm  ");
	assert_string_equal(vt_line(&f->vt), SHELL_PROMPT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_exec_runs_command),
		T(test_unknown_command),
		T(test_errno_reported),
		T(test_einval_prints_usage),
		T(test_split_errors_reported),
		T(test_subcommand_dispatch),
		T(test_subcommand_unknown_or_missing),
		T(test_subcommand_options),
		T(test_find),
		T(test_macros),
		T(test_help_lists_sorted),
		T(test_help_one),
		T(test_history_command),
		T(test_feed_line_and_prompt),
		T(test_feed_ctrl_c_and_ctrl_d),
		T(test_run_until_eof),
		T(test_printf_long_output),
		T(test_input_hook_takes_console),
		T(test_input_hook_cleared_outside),
		T(test_input_hook_in_and_out_in_command),
		T(test_complete_cases),
		T(test_complete_mid_line),
		T(test_complete_common_prefix_then_list),
		T(test_complete_subcommands_listed),
		T(test_complete_all_commands),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
