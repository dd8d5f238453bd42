# lib/string.c, tested under renamed symbols (see include/string_rename.h).
UNIT_TESTS += string
string_SRCS := lib/string.c
