UNIT_TESTS += args
args_SRCS := shell/args.c
