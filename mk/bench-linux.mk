# ---- Linux guest benchmark: bare QEMU vs ZVM (docs/benchmarks.md, "Linux") --
# Included from the top-level Makefile.
#   make bench-linux   boot-to-init, VM start, cyclictest with 0/1/2 stress-ng
#                      hogs on the RT kernel, exits per second; all under
#                      -icount; writes bench/results/linux.{md,png}
# Needs build/guests/debian (tools/fetch-guests). BENCH_LINUX_ARGS adds
# options, e.g. BENCH_LINUX_ARGS="--loops 1000" for a shorter cyclictest.
BENCH_LINUX_ARGS ?=

.PHONY: bench-linux
bench-linux: $(BUILD)/zvm.bin $(MKPACK)
	tools/fetch-guests
	$(PYTHON) bench/linux_bench.py --build $(BUILD) $(BENCH_LINUX_ARGS)
