UNIT_TESTS += fmt
fmt_SRCS := lib/fmt.c
