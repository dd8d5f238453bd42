# The Linux side of the inter-VM channel (docs/guests.md, "Talking to the
# real-time VM (ivshmem)"):
#   make ivshmem-tool  build/tools/ivshmem-arm64: static, against Debian's
#                      arm64 glibc (package libc6-dev-arm64-cross)
#   make ivc-initrd    build/guests/initramfs-ivc.cpio.gz: the cached bench
#                      initramfs + /usr/bin/ivshmem and the uio modules
#   make bench-ivc     the channel measured on the default pack under -icount:
#                      doorbell latency, exits per message, 1 MiB transfer,
#                      RT lateness under a doorbell flood; writes
#                      bench/results/ivc.md (~3 min; bench/ivc_bench.py)
# The cached initramfs is not rebuilt: Linux unpacks concatenated cpio
# archives in order, so ours is appended to a copy of it.
IVSHMEM_TOOL := $(BUILD)/tools/ivshmem-arm64
IVSHMEM_SRCS := $(wildcard tools/ivshmem/*.c) lib/ivc.c
IVC_INITRD   := $(BUILD)/guests/initramfs-ivc.cpio.gz
IVC_UIO      := $(BUILD)/guests/ivc/uio
IVC_STAGE    := $(BUILD)/guests/ivc/stage

.PHONY: ivshmem-tool ivc-initrd bench-ivc
ivshmem-tool: $(IVSHMEM_TOOL)
ivc-initrd: $(IVC_INITRD)

$(IVSHMEM_TOOL): $(IVSHMEM_SRCS) $(wildcard tools/ivshmem/*.h) include/lib/ivc.h include/lib/ivc_app.h
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)test -f "$$($(CC) -print-file-name=libc.a)" || { echo "ivshmem: $(CC) has no" \
		"static libc.a: install libc6-dev-arm64-cross (bash scripts/setup)" >&2; exit 1; }
	$(Q)$(CC) -std=gnu11 $(WARNINGS) -Iinclude -O2 -static $(IVSHMEM_SRCS) -o $@

# uio + uio_pci_generic of each cached kernel (fetch-guests keeps only virtio's).
$(IVC_UIO)/.stamp: tools/ivshmem/uio-modules | $(DEBIAN_STAMP)
	$(Q)bash tools/ivshmem/uio-modules $(BUILD)/guests/debian $(IVC_UIO)
	$(Q)touch $@

$(IVC_INITRD): $(IVSHMEM_TOOL) $(IVC_UIO)/.stamp | $(DEBIAN_STAMP)
	@echo "  CPIO    $@"
	$(Q)rm -rf $(IVC_STAGE) && mkdir -p $(IVC_STAGE)/usr/bin
	$(Q)cp -r $(IVC_UIO)/lib $(IVC_STAGE)/
	$(Q)install -m 755 $(IVSHMEM_TOOL) $(IVC_STAGE)/usr/bin/ivshmem
	$(Q)find $(IVC_STAGE) -exec touch -h -d @0 {} +
	$(Q)(cd $(IVC_STAGE) && find . -mindepth 1 | LC_ALL=C sort \
		| cpio -o -H newc -R 0:0 --reproducible --quiet) | gzip -9n > $@.overlay
	$(Q)cat $(BUILD)/guests/debian/initramfs-bench.cpio.gz $@.overlay > $@.tmp
	$(Q)rm -f $@.overlay && mv $@.tmp $@

# The default pack's Linux VM boots the disk initramfs (tools/mkdisk) built
# on top of this one, so that the ivshmem tool is there with or without a disk.
$(DISK_INITRAMFS): $(IVC_INITRD)
$(DISK_INITRAMFS): export ZVM_DISK_BASE = $(abspath $(IVC_INITRD))

BENCH_IVC_ARGS ?=
bench-ivc: $(BUILD)/zvm.bin $(DEFAULT_PACK)
	$(PYTHON) bench/ivc_bench.py --build $(BUILD) $(BENCH_IVC_ARGS)
