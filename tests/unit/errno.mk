UNIT_TESTS += errno
errno_SRCS := lib/errno.c
