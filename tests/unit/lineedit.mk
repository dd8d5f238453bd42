UNIT_TESTS += lineedit
lineedit_SRCS := shell/lineedit.c tests/unit/vterm.c
