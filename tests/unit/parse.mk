UNIT_TESTS += parse
parse_SRCS := lib/parse.c
