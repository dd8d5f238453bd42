UNIT_TESTS += ringbuf
ringbuf_SRCS := lib/ringbuf.c
