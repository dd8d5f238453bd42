UNIT_TESTS += shell
# The portable shell core only: not shell_section.c (needs the linker
# script's symbols) nor the kernel glue such as console_shell.c.
shell_SRCS := shell/shell.c shell/shell_builtin.c shell/shell_complete.c \
	      shell/shell_io.c shell/shell_names.c shell/args.c shell/lineedit.c \
	      lib/fmt.c lib/parse.c lib/errno.c tests/unit/vterm.c
