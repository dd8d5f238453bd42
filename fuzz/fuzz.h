/* Shared by the fuzz targets (fuzz/README.md). */
#ifndef FUZZ_FUZZ_H
#define FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Results go here so that the reads are not optimised away. */
extern volatile uint32_t fuzz_sink;

/* A broken promise of the code under test: abort, so the fuzzer keeps the input. */
#define FUZZ_CHECK(c) do { \
	if (!(c)) { \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
		abort(); \
	} \
} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
