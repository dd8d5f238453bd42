# ---- RTOS guest benchmarks: bare vs ZVM (docs/benchmarks.md) -------------
# Included from the top-level Makefile.
#   make bench         full run: deterministic (icount) + wall clock, timer
#                      scenarios; writes bench/results/latest.{md,png}
#   make bench-quick   few iterations, deterministic only (what the tests run)
#   make exit-trace    hypervisor instructions, by function, of one
#                      virtual-timer exit, one SGI exit, one vPL011 MMIO
#                      write and one vCPU switch on a pCPU (gdb single-step;
#                      bench/exit_trace.py)
# BENCH_ARGS adds options, e.g. BENCH_ARGS=--linux for the busy-Linux scenario
# (needs build/guests/debian from tools/fetch-guests).
BENCH_DEPS := $(BUILD)/zvm.bin $(BUILD)/rtos-guest.bin $(MKPACK)
BENCH_ARGS ?=

.PHONY: bench bench-quick exit-trace
bench: $(BENCH_DEPS)
	$(PYTHON) bench/rtos_bench.py --build $(BUILD) $(BENCH_ARGS)

bench-quick: $(BENCH_DEPS)
	$(PYTHON) bench/rtos_bench.py --build $(BUILD) --quick --no-wall \
		--out $(BUILD)/bench/results $(BENCH_ARGS)

exit-trace: $(BENCH_DEPS)
	$(PYTHON) bench/exit_trace.py --build $(BUILD) --exit timer
	$(PYTHON) bench/exit_trace.py --build $(BUILD) --exit sgi
	$(PYTHON) bench/exit_trace.py --build $(BUILD) --exit mmio
	$(PYTHON) bench/exit_trace.py --build $(BUILD) --exit switch
