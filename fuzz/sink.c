/* fuzz_sink (fuzz.h), linked into every target. */
#include "fuzz.h"

volatile uint32_t fuzz_sink;
