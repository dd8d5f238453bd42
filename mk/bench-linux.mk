# ---- Linux guest benchmark: bare QEMU vs ZVM (docs/benchmarks.md, "Linux") --
# Included from the top-level Makefile.
#   make bench-linux   boot-to-init, VM start, cyclictest on the RT kernel
#                      (1 vCPU with 0/1/2 stress-ng CPU hogs and the seed's
#                      1/2/4/8 CPU + io + vm hogs, 2 vCPUs unloaded), exits
#                      per second; all under -icount; writes
#                      bench/results/linux.{md,png} (~30 min)
# Needs build/guests/debian (tools/fetch-guests). BENCH_LINUX_ARGS adds
# options, e.g. BENCH_LINUX_ARGS="--loops 1000" for a shorter cyclictest,
# "--machines linux-rt-1" for one machine.
BENCH_LINUX_ARGS ?=

.PHONY: bench-linux
bench-linux: $(BUILD)/zvm.bin $(MKPACK)
	tools/fetch-guests
	$(PYTHON) bench/linux_bench.py --build $(BUILD) $(BENCH_LINUX_ARGS)
