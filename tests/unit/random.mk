# ChaCha20 (lib/chacha20.c) against RFC 8439's vectors, and the host's
# random pool (kernel/random.c) built on it.
UNIT_TESTS += random
random_SRCS := lib/chacha20.c kernel/random.c
