# The real-time VM's IVC text commands (apps/ivc_cmd.c).
UNIT_TESTS += ivc_cmd
ivc_cmd_SRCS := apps/ivc_cmd.c lib/fmt.c lib/parse.c
