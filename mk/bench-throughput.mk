# ---- Throughput index (UnixBench-class): bare QEMU vs ZVM (docs/benchmarks.md) --
# Included from the top-level Makefile.
#   make bench-throughput   15 items (CPU, memory, system calls, pipes, context
#                           switches, fork, exec, shell scripts, file copy,
#                           hackbench) on the cloud kernel, 1 and 2 vCPUs,
#                           under -icount; writes bench/results/throughput.{md,png}
#                           (~15 min)
#   make bench-throughput-quick   few ops per item (what the system test runs)
# Needs build/guests/debian (tools/fetch-guests); the initramfs overlay with
# hackbench and the item runner is made by tools/bench/tp-initrd from that
# cache. BENCH_TP_ARGS adds options (--reps N, --wall, --items a,b, --machines).
BENCH_TP_ARGS ?=

.PHONY: bench-throughput bench-throughput-quick
bench-throughput: $(BUILD)/zvm.bin $(MKPACK)
	tools/fetch-guests
	$(PYTHON) bench/throughput_bench.py --build $(BUILD) $(BENCH_TP_ARGS)

bench-throughput-quick: $(BUILD)/zvm.bin $(MKPACK)
	tools/fetch-guests
	$(PYTHON) bench/throughput_bench.py --build $(BUILD) --quick \
		--out $(BUILD)/bench-tp/results $(BENCH_TP_ARGS)
