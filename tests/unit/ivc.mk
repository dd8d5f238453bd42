UNIT_TESTS += ivc
ivc_SRCS := lib/ivc.c
