# ---- Fuzzing the pack parser and the FDT reader (fuzz/README.md) ------
# Included from the top-level Makefile. Not part of CI:
#   make fuzz            libFuzzer (clang) on each target for FUZZ_SECONDS
#   make fuzz-regress    the same targets built with $(HOSTCC) as a plain
#                        program, run over the seed corpus (part of make unit)
FUZZ_TARGETS := pack fdt
FUZZ_pack_SRCS := lib/pack.c lib/pack_template.c lib/pack_shm.c lib/crc32.c lib/errmsg.c lib/fmt.c
FUZZ_fdt_SRCS := lib/fdt.c lib/fdt_walk.c lib/fdt_prop.c lib/fmt.c
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_CFLAGS := $(COMMON_CFLAGS) -Ifuzz -g -O1 -fno-omit-frame-pointer
FUZZ_DEPS := fuzz/fuzz.h fuzz/sink.c mk/fuzz.mk

.PHONY: fuzz fuzz-regress

# Seeds, made at build time: a pack from fuzz/seed.manifest (plus the test
# pack when it has been built) and the QEMU virt DTBs.
$(FUZZ_DIR)/seed-pack/seed.pack: fuzz/seed.manifest $(FDT_FIXTURES) $(MKPACK)
	@mkdir -p $(dir $@)
	@echo "  MKPACK  $@"
	$(Q)cp fuzz/seed.manifest $(FDT_FIXTURES) $(dir $@)
	$(Q)$(MKPACK) -o $@ $(dir $@)seed.manifest >/dev/null
	$(Q)rm -f $(dir $@)seed.manifest $(dir $@)*.dtb

# QEMU's DTBs are padded to 1 MiB: dtc (when installed) compacts them, which
# makes the fuzzer much faster; the guest DTB ZVM generates is one more seed.
$(FUZZ_DIR)/seed-fdt/.stamp: $(FDT_FIXTURES) $(FUZZ_DIR)/seed-pack/seed.pack
	@mkdir -p $(dir $@)
	$(Q)for f in $(FDT_FIXTURES); do \
		dtc -q -I dtb -O dtb -o $(dir $@)$$(basename $$f) $$f 2>/dev/null || cp $$f $(dir $@); \
	done
	$(Q)$(MKPACK) --dump-dtb two $(FUZZ_DIR)/seed-pack/seed.pack $(dir $@)guest.dtb >/dev/null
	$(Q)touch $@

FUZZ_SEEDS := $(FUZZ_DIR)/seed-pack/seed.pack $(FUZZ_DIR)/seed-fdt/.stamp
FUZZ_TEST_PACK = $(if $(wildcard $(TEST_PACK)),cp -f $(TEST_PACK) $(FUZZ_DIR)/seed-pack/test.pack;)

$(FUZZ_DIR)/fuzz_%: fuzz/fuzz_%.c $$(FUZZ_%_SRCS) $(FUZZ_DEPS)
	@command -v $(FUZZ_CC) >/dev/null || { \
		echo "make fuzz needs clang (libFuzzer): apt-get install clang"; exit 1; }
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined \
		$(filter %.c,$^) -o $@

$(FUZZ_DIR)/regress_%: fuzz/fuzz_%.c fuzz/driver.c $$(FUZZ_%_SRCS) $(FUZZ_DEPS)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(FUZZ_CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=all \
		$(filter %.c,$^) -o $@

# Each target: new inputs go to corpus-<t>/, seeds are read from seed-<t>/,
# crashes land in $(FUZZ_DIR) as crash-<t>-*.
fuzz: $(patsubst %,$(FUZZ_DIR)/fuzz_%,$(FUZZ_TARGETS)) $(FUZZ_SEEDS)
	$(Q)$(FUZZ_TEST_PACK) set -e; for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_DIR)/corpus-$$t; \
		echo "== fuzz_$$t for $(FUZZ_SECONDS) s"; \
		$(FUZZ_DIR)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-artifact_prefix=$(FUZZ_DIR)/crash-$$t- \
			$(FUZZ_DIR)/corpus-$$t $(FUZZ_DIR)/seed-$$t; \
	done

# Seeds and saved reproducers (fuzz/regress/<t>/), each also truncated and
# with bytes flipped by the driver.
fuzz-regress: $(patsubst %,$(FUZZ_DIR)/regress_%,$(FUZZ_TARGETS)) $(FUZZ_SEEDS)
	$(Q)$(FUZZ_TEST_PACK) set -e; for t in $(FUZZ_TARGETS); do \
		$(FUZZ_DIR)/regress_$$t $$(find $(FUZZ_DIR)/seed-$$t -type f ! -name .stamp | sort) \
			--may-reject $$(find fuzz/regress/$$t -type f 2>/dev/null | sort); \
	done
